#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
"""Socket clients the integration tests drive tcpterm with (stdlib only).

    ttclient.py echo       [--size N] [--seed S]          one echo round trip
    ttclient.py peer-close [--count N] [--parallel P]     peer closes first
    ttclient.py http-close [--count N] [--parallel P]     tcpterm closes first
    ttclient.py source     [--bytes N] [--mode close|shutdown]
    ttclient.py http-check --mode head|split|pipeline|bad

Every command prints what it checked and exits 0 when all of it held, 1
otherwise. All sockets have timeouts, so nothing here can hang.
"""

import argparse
import concurrent.futures
import hashlib
import random
import socket
import sys
import threading
import time

HOST = "198.18.0.2"


def log(msg):
    print(msg, flush=True)


def connect(host, port, timeout):
    s = socket.create_connection((host, port), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def recv_all(s, limit=None):
    """Read until EOF (or until limit bytes). Returns bytes."""
    chunks = []
    n = 0
    while limit is None or n < limit:
        want = 1 << 16 if limit is None else min(1 << 16, limit - n)
        b = s.recv(want)
        if not b:
            break
        chunks.append(b)
        n += len(b)
    return b"".join(chunks)


# --------------------------------------------------------------------------
# echo: one large payload, sent and received concurrently, sha256 compared.
# --------------------------------------------------------------------------
def echo_once(host, port, payload, timeout):
    """Send payload, half-close, read the echo until EOF. Returns the echo."""
    s = connect(host, port, timeout)
    got = []
    err = []

    def reader():
        try:
            while True:
                b = s.recv(1 << 16)
                if not b:
                    break
                got.append(b)
        except OSError as e:  # timeout included
            err.append("receive: %s" % e)

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    try:
        view = memoryview(payload)
        off = 0
        while off < len(view):
            off += s.send(view[off:off + (1 << 16)])
        s.shutdown(socket.SHUT_WR)
    except OSError as e:
        err.append("send: %s" % e)
    t.join(timeout + 1)
    if t.is_alive():
        err.append("receive did not finish")
    s.close()
    return b"".join(got), err


def cmd_echo(a):
    rnd = random.Random(a.seed)
    payload = rnd.randbytes(a.size)
    want = hashlib.sha256(payload).hexdigest()
    t0 = time.monotonic()
    try:
        echo, err = echo_once(a.host, a.port, payload, a.timeout)
    except OSError as e:
        log("FAIL echo: connect to %s:%d: %s" % (a.host, a.port, e))
        return 1
    dt = time.monotonic() - t0
    got = hashlib.sha256(echo).hexdigest()
    rate = len(echo) / dt / 1e6 if dt > 0 else 0.0
    log("echo: sent %d bytes, received %d bytes in %.2f s (%.1f MB/s)"
        % (len(payload), len(echo), dt, rate))
    for e in err:
        log("FAIL echo: %s" % e)
    if got != want:
        log("FAIL echo: sha256 %s != sent %s" % (got[:16], want[:16]))
        return 1
    if err:
        return 1
    log("echo: sha256 %s matches" % want[:16])
    return 0


# --------------------------------------------------------------------------
# Many short connections, run in a few threads.
# --------------------------------------------------------------------------
def run_many(count, parallel, fn):
    """Run fn(i) for i in range(count) on `parallel` threads; returns
    (ok, failures, seconds) where failures is a list of messages."""
    fails = []
    ok = 0
    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=parallel) as ex:
        for i, r in enumerate(ex.map(fn, range(count))):
            if r is None:
                ok += 1
            else:
                fails.append("#%d: %s" % (i, r))
    return ok, fails, time.monotonic() - t0


def report_many(name, count, ok, fails, dt):
    log("%s: %d/%d connections ok in %.2f s (%.0f/s)"
        % (name, ok, count, dt, count / dt if dt > 0 else 0))
    for f in fails[:10]:
        log("FAIL %s %s" % (name, f))
    if len(fails) > 10:
        log("FAIL %s ... and %d more" % (name, len(fails) - 10))
    return 0 if not fails else 1


def cmd_peer_close(a):
    """Peer closes first: send, SHUT_WR, read the echo until EOF, close.
    tcpterm goes CLOSE_WAIT -> LAST_ACK -> CLOSED; we hold TIME_WAIT."""

    def one(i):
        data = ("peer-close %d " % i).encode() * (a.size // 16 + 1)
        data = data[:a.size]
        try:
            s = connect(a.host, a.port, a.timeout)
            try:
                s.sendall(data)
                s.shutdown(socket.SHUT_WR)
                got = recv_all(s)
            finally:
                s.close()
        except OSError as e:
            return str(e)
        if got != data:
            return "echoed %d bytes, sent %d, equal=%s" % (len(got), len(data), got == data)
        return None

    ok, fails, dt = run_many(a.count, a.parallel, one)
    return report_many("peer-close", a.count, ok, fails, dt)


def parse_response(raw):
    """(status, headers dict, body) of one HTTP/1.x response."""
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        raise ValueError("no end of headers in %r" % raw[:80])
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1."):
        raise ValueError("bad status line %r" % lines[0])
    hdrs = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    return int(parts[1]), hdrs, body


def cmd_http_close(a):
    """tcpterm closes first: 'Connection: close', read the response until
    EOF (tcpterm's FIN), then close. tcpterm goes FIN_WAIT_1 -> FIN_WAIT_2
    (or CLOSING) -> TIME_WAIT."""
    req = ("GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: ttclient\r\n"
           "Connection: close\r\n\r\n" % (a.path, a.host)).encode()

    def one(i):
        try:
            s = connect(a.host, a.port, a.timeout)
            try:
                s.sendall(req)
                raw = recv_all(s)
            finally:
                s.close()
            status, hdrs, body = parse_response(raw)
        except (OSError, ValueError) as e:
            return str(e)
        if status != a.status:
            return "status %d" % status
        cl = hdrs.get("content-length")
        if cl is not None and int(cl) != len(body):
            return "content-length %s but %d body bytes" % (cl, len(body))
        return None

    ok, fails, dt = run_many(a.count, a.parallel, one)
    return report_many("http-close", a.count, ok, fails, dt)


def split_responses(raw, n_head=0):
    """Split a byte stream into HTTP responses using Content-Length.
    The first n_head responses answer HEAD requests (no body)."""
    out = []
    while raw:
        head, sep, rest = raw.partition(b"\r\n\r\n")
        if not sep:
            raise ValueError("trailing bytes without end of headers: %r" % raw[:80])
        status, hdrs, _ = parse_response(head + sep)
        blen = 0 if len(out) < n_head else int(hdrs.get("content-length", "0"))
        if len(rest) < blen:
            raise ValueError("body cut short: %d of %d bytes" % (len(rest), blen))
        out.append((status, hdrs, rest[:blen]))
        raw = rest[blen:]
    return out


def http_req(a, method="GET", close=False, path="/"):
    return ("%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: ttclient\r\n%s\r\n"
            % (method, path, a.host, "Connection: close\r\n" if close else "")).encode()


def cmd_http_check(a):
    """One HTTP behaviour, on a raw socket, so the bytes are exactly ours."""
    s = connect(a.host, a.port, a.timeout)
    try:
        if a.mode == "head":
            g = connect(a.host, a.port, a.timeout)
            g.sendall(http_req(a, "GET", close=True))
            (_, ghdrs, gbody), = split_responses(recv_all(g))
            g.close()
            s.sendall(http_req(a, "HEAD", close=True))
            raw = recv_all(s)  # EOF: tcpterm closes after the response
            head, _, extra = raw.partition(b"\r\n\r\n")
            status, hdrs, _ = parse_response(head + b"\r\n\r\n")
            log("HEAD: status %d, content-length %s, %d bytes after the headers; "
                "GET: %d body bytes" % (status, hdrs.get("content-length"), len(extra), len(gbody)))
            ok = status == 200 and not extra and \
                hdrs.get("content-length") == str(len(gbody))
        elif a.mode == "split":
            # One request in five segments, cut inside the method, the
            # version, a header name and the final CRLF; then a second
            # request on the same connection (keep-alive).
            req = http_req(a)
            cuts = [2, 9, 19, 40, len(req) - 1]
            prev = 0
            for c in cuts + [len(req)]:
                s.send(req[prev:c])
                prev = c
                time.sleep(0.05)
            first = b""
            while True:
                b = s.recv(65536)
                if not b:
                    raise ValueError("connection closed before the response")
                first += b
                try:
                    (status1, _, _), = split_responses(first)
                    break
                except ValueError:
                    continue
            s.sendall(http_req(a, close=True))
            rest = split_responses(recv_all(s))
            log("split request: status %d; second request on the same "
                "connection: %s" % (status1, [r[0] for r in rest]))
            ok = status1 == 200 and [r[0] for r in rest] == [200]
        elif a.mode == "pipeline":
            s.sendall(http_req(a) + http_req(a, path="/two") + http_req(a, close=True))
            rs = split_responses(recv_all(s))
            log("pipelined 3 requests in one segment: statuses %s" % [r[0] for r in rs])
            ok = [r[0] for r in rs] == [200, 200, 200]
        elif a.mode == "bad":
            s.sendall(b"THIS IS \x01 NOT HTTP\r\n\r\n")
            raw = recv_all(s)  # must end: tcpterm closes after a 400
            status, _, _ = parse_response(raw)
            log("malformed request: status %d, then the connection closed" % status)
            ok = status == 400
        else:
            raise ValueError(a.mode)
    except (OSError, ValueError) as e:
        log("FAIL http-check %s: %s" % (a.mode, e))
        return 1
    finally:
        s.close()
    return 0 if ok else 1


# --------------------------------------------------------------------------
# source (port 19): read N bytes of the RFC 864 pattern, then close.
# --------------------------------------------------------------------------
def chargen_pattern():
    lines = []
    for line in range(95):
        lines.append(bytes(32 + (line + c) % 95 for c in range(72)) + b"\r\n")
    return b"".join(lines)


def cmd_source(a):
    try:
        s = connect(a.host, a.port, a.timeout)
    except OSError as e:
        log("FAIL source: connect: %s" % e)
        return 1
    t0 = time.monotonic()
    rc = 0
    try:
        got = recv_all(s, a.bytes)
        dt = time.monotonic() - t0
        log("source: read %d bytes in %.2f s" % (len(got), dt))
        if len(got) != a.bytes:
            log("FAIL source: stream ended after %d bytes" % len(got))
            rc = 1
        if a.check_pattern:
            cyc = chargen_pattern()
            want = (cyc * (a.bytes // len(cyc) + 1))[:len(got)]
            if got != want:
                bad = next(i for i in range(len(got)) if got[i] != want[i])
                log("FAIL source: byte %d differs from the RFC 864 pattern" % bad)
                rc = 1
            else:
                log("source: content is the RFC 864 pattern")
        if a.mode == "shutdown":
            # Our FIN stops the stream; tcpterm answers with its FIN.
            s.shutdown(socket.SHUT_WR)
            extra = recv_all(s, 64 << 20)
            log("source: after our FIN, %d more bytes then EOF" % len(extra))
            if len(extra) >= (64 << 20):
                log("FAIL source: stream did not stop after our FIN")
                rc = 1
    except OSError as e:
        log("FAIL source: %s" % e)
        rc = 1
    finally:
        s.close()
    return rc


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host", default=HOST)
    ap.add_argument("--timeout", type=float, default=30.0,
                    help="per socket operation, seconds")
    sub = ap.add_subparsers(dest="cmd", required=True)

    p = sub.add_parser("echo")
    p.add_argument("--port", type=int, default=7)
    p.add_argument("--size", type=int, default=16 << 20)
    p.add_argument("--seed", type=int, default=1)
    p.set_defaults(fn=cmd_echo)

    p = sub.add_parser("peer-close")
    p.add_argument("--port", type=int, default=7)
    p.add_argument("--count", type=int, default=200)
    p.add_argument("--parallel", type=int, default=4)
    p.add_argument("--size", type=int, default=1000)
    p.set_defaults(fn=cmd_peer_close)

    p = sub.add_parser("http-close")
    p.add_argument("--port", type=int, default=80)
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--parallel", type=int, default=4)
    p.add_argument("--path", default="/")
    p.add_argument("--status", type=int, default=200)
    p.set_defaults(fn=cmd_http_close)

    p = sub.add_parser("source")
    p.add_argument("--port", type=int, default=19)
    p.add_argument("--bytes", type=int, default=1 << 20)
    p.add_argument("--mode", choices=("close", "shutdown"), default="close")
    p.add_argument("--no-check-pattern", dest="check_pattern", action="store_false")
    p.set_defaults(fn=cmd_source)

    p = sub.add_parser("http-check")
    p.add_argument("--port", type=int, default=80)
    p.add_argument("--mode", choices=("head", "split", "pipeline", "bad"), required=True)
    p.set_defaults(fn=cmd_http_check)

    a = ap.parse_args()
    return a.fn(a)


if __name__ == "__main__":
    sys.exit(main())
