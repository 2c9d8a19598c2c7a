#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
"""Concurrent clients for the multi-worker tests (Debian's python3, stdlib).

  echo   N connections to the echo service, all open at the same time: each
         sends its own payload, reads the whole echo back (checked byte for
         byte), then half-closes and reads to EOF. Prints one summary line;
         exit 0 when every connection got its exact echo and EOF.
  listen accept connections on HOST:PORT until COUNT have closed (or the
         timeout), answer each line with "ok <line>", print the lines read.
"""
import argparse
import errno
import hashlib
import resource
import selectors
import socket
import sys
import time


def payload(i, size):
    """Bytes unique to connection i: SHA-256 blocks of (i, k)."""
    out = bytearray()
    k = 0
    while len(out) < size:
        out += hashlib.sha256(b"%d:%d" % (i, k)).digest()
        k += 1
    return bytes(out[:size])


def cmd_echo(a):
    need = a.count + 64
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < need:
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(need, soft), max(need, hard)))
    sel = selectors.DefaultSelector()
    conns = {}
    deadline = time.monotonic() + a.timeout
    for i in range(a.count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        rc = s.connect_ex((a.host, a.port))
        if rc not in (0, errno.EINPROGRESS):
            print("connect %d failed: %s" % (i, errno.errorcode.get(rc, rc)))
            return 1
        st = {"i": i, "data": payload(i, a.size), "sent": 0, "got": bytearray(),
              "shut": False, "eof": False, "connected": False}
        conns[s] = st
        sel.register(s, selectors.EVENT_WRITE | selectors.EVENT_READ, st)
    open_max = 0
    while conns and time.monotonic() < deadline:
        live = sum(1 for st in conns.values() if st["connected"] and not st["eof"])
        open_max = max(open_max, live)
        for key, ev in sel.select(timeout=0.5):
            s, st = key.fileobj, key.data
            if not st["connected"]:
                err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    print("connection %d: %s" % (st["i"], errno.errorcode.get(err, err)))
                    return 1
                st["connected"] = True
            if ev & selectors.EVENT_WRITE and st["sent"] < len(st["data"]):
                try:
                    st["sent"] += s.send(st["data"][st["sent"]:])
                except BlockingIOError:
                    pass
            if ev & selectors.EVENT_READ:
                try:
                    b = s.recv(65536)
                except (BlockingIOError, InterruptedError):
                    b = None
                if b == b"":
                    st["eof"] = True
                elif b:
                    st["got"] += b
            # Half-close once the whole echo is back: every connection stays
            # open until all of its own bytes made the round trip.
            if len(st["got"]) == len(st["data"]) and not st["shut"]:
                s.shutdown(socket.SHUT_WR)
                st["shut"] = True
            mask = selectors.EVENT_READ
            if st["sent"] < len(st["data"]):
                mask |= selectors.EVENT_WRITE
            if st["eof"]:
                sel.unregister(s)
                s.close()
                if bytes(st["got"]) != st["data"]:
                    print("connection %d: echo differs (%d of %d bytes)"
                          % (st["i"], len(st["got"]), len(st["data"])))
                    return 1
                del conns[s]
            elif key.events != mask:
                sel.modify(s, mask, st)
    if conns:
        print("%d of %d connections unfinished after %.0f s"
              % (len(conns), a.count, a.timeout))
        return 1
    print("echo: %d connections, %d bytes each, all echoed exactly and closed; "
          "up to %d open at once" % (a.count, a.size, open_max))
    return 0


def cmd_listen(a):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((a.host, a.port))
    srv.listen(256)
    srv.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(srv, selectors.EVENT_READ, None)
    bufs = {}
    lines = []
    deadline = time.monotonic() + a.timeout
    print("listening", flush=True)
    while len(lines) < a.count and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.2):
            if key.data is None:
                c, _ = srv.accept()
                c.setblocking(False)
                bufs[c] = bytearray()
                sel.register(c, selectors.EVENT_READ, bufs[c])
                continue
            c = key.fileobj
            try:
                b = c.recv(4096)
            except BlockingIOError:
                continue
            if b:
                key.data.extend(b)
                continue
            line = key.data.decode(errors="replace").strip()
            try:
                c.setblocking(True)
                c.sendall(b"ok " + bytes(key.data))
            except OSError:
                pass
            sel.unregister(c)
            c.close()
            lines.append(line)
    for line in sorted(lines):
        print(line)
    return 0 if len(lines) >= a.count else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host", default="198.18.0.2")
    ap.add_argument("--timeout", type=float, default=60.0)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("echo")
    p.add_argument("--port", type=int, default=7)
    p.add_argument("--count", type=int, default=2000)
    p.add_argument("--size", type=int, default=2000)
    p = sub.add_parser("listen")
    p.add_argument("--port", type=int, default=7000)
    p.add_argument("--count", type=int, default=4)
    a = ap.parse_args()
    return cmd_echo(a) if a.cmd == "echo" else cmd_listen(a)


if __name__ == "__main__":
    sys.exit(main())
