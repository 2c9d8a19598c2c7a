#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
"""tcpterm's telemetry, for the integration tests (stdlib only).

    ttstate.py -p PREFIX states                 non-zero states, e.g. LISTEN=4 TIME_WAIT=12
    ttstate.py -p PREFIX get STATE              the count of one state
    ttstate.py -p PREFIX stat NAME...           counters from /tcpterm/stats
    ttstate.py -p PREFIX stats                  every non-zero counter
    ttstate.py -p PREFIX idle --within S [--forbid STATE]...
        poll until every state but LISTEN is 0 (exit 1 after S seconds);
        exit 1 at once if a --forbid state is ever non-zero
    ttstate.py -p PREFIX sample --until-file F [--forbid STATE]...
        sample states every 10 ms until file F exists (at most 600 s);
        print the maximum seen per state
    ttstate.py -p PREFIX timeline --since-ns T --hold-ms H --deadline-ms D
        after an event at T (CLOCK_REALTIME ns, as `date +%s%N`): TIME_WAIT
        now, TIME_WAIT at T+H, and when (ms after T) every state but LISTEN
        is 0, polled every 20 ms up to T+D. Prints key=value words:
        first_ms first_tw hold_ms hold_tw idle_ms (-1: not by D) final

States are those of /tcpterm/states (RFC 9293 names); counters are looked
up by key anywhere in /tcpterm/stats (nested dicts are searched, lists of
per-worker values summed).
"""

import argparse
import importlib.util
import os
import sys
import time

_here = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    "tt_telemetry", os.path.join(_here, "..", "..", "scripts", "tt-telemetry.py"))
tt_telemetry = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tt_telemetry)

STATES = ["CLOSED", "LISTEN", "SYN_SENT", "SYN_RCVD", "ESTABLISHED", "FIN_WAIT_1",
          "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT"]


def flatten(obj, path=""):
    """{dotted.path: number} for every number in nested dicts/lists."""
    out = {}
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.update(flatten(v, "%s.%s" % (path, k) if path else str(k)))
    elif isinstance(obj, list):
        if all(isinstance(x, (int, float)) for x in obj):
            out[path] = sum(obj)
        else:
            for i, v in enumerate(obj):
                out.update(flatten(v, "%s.%d" % (path, i)))
    elif isinstance(obj, (int, float)) and not isinstance(obj, bool):
        out[path] = obj
    return out


def lookup(flat, name):
    """A counter by full path or by its last component (summed if several)."""
    if name in flat:
        return flat[name]
    hits = [v for k, v in flat.items() if k.rsplit(".", 1)[-1] == name]
    return sum(hits) if hits else None


def states(t):
    d = t.query("/tcpterm/states")
    if not isinstance(d, dict):
        raise ValueError("/tcpterm/states is not a dict: %r" % (d,))
    return {k: int(v) for k, v in flatten(d).items()}


def fmt(d):
    return " ".join("%s=%d" % (k, d[k]) for k in sorted(d, key=lambda s: (
        STATES.index(s) if s in STATES else 99, s)) if d[k]) or "(all zero)"


def busy(d):
    return {k: v for k, v in d.items() if k != "LISTEN" and v}


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-p", "--file-prefix", required=True)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("states")
    p = sub.add_parser("get")
    p.add_argument("state")
    p = sub.add_parser("stat")
    p.add_argument("names", nargs="+")
    sub.add_parser("stats")
    p = sub.add_parser("idle")
    p.add_argument("--within", type=float, required=True)
    p.add_argument("--forbid", action="append", default=[])
    p = sub.add_parser("sample")
    p.add_argument("--until-file", required=True)
    p.add_argument("--forbid", action="append", default=[])
    p = sub.add_parser("timeline")
    p.add_argument("--since-ns", type=int, required=True)
    p.add_argument("--hold-ms", type=int, required=True)
    p.add_argument("--deadline-ms", type=int, required=True)
    a = ap.parse_args()

    try:
        t = tt_telemetry.Telemetry(a.file_prefix, wait=5)
    except OSError as e:
        print("telemetry: %s" % e)
        return 1

    if a.cmd == "states":
        print(fmt(states(t)))
        return 0
    if a.cmd == "get":
        d = states(t)
        if a.state not in d:
            print("no state %s in /tcpterm/states (keys: %s)" % (a.state, " ".join(d)))
            return 1
        print(d[a.state])
        return 0
    if a.cmd in ("stat", "stats"):
        flat = flatten(t.query("/tcpterm/stats"))
        if a.cmd == "stats":
            print(" ".join("%s=%s" % (k, v) for k, v in flat.items() if v))
            return 0
        rc = 0
        vals = []
        for n in a.names:
            v = lookup(flat, n)
            if v is None:
                print("no counter %s in /tcpterm/stats" % n, file=sys.stderr)
                rc = 1
                v = "missing"
            vals.append(str(v))
        print(" ".join(vals))
        return rc
    if a.cmd == "idle":
        t0 = time.monotonic()
        while True:
            d = states(t)
            el = time.monotonic() - t0
            for f in a.forbid:
                if d.get(f, 0):
                    print("%s seen after %.2f s: %s" % (f, el, fmt(d)))
                    return 1
            if not busy(d):
                print("idle after %.2f s: %s" % (el, fmt(d)))
                return 0
            if el > a.within:
                print("not idle after %.2f s: %s" % (el, fmt(d)))
                return 1
            time.sleep(0.05)
    if a.cmd == "sample":
        mx = {}
        n = 0
        bad = None
        t0 = time.monotonic()
        while not os.path.exists(a.until_file) and time.monotonic() - t0 < 600:
            d = states(t)
            n += 1
            for k, v in d.items():
                mx[k] = max(mx.get(k, 0), v)
            for f in a.forbid:
                if d.get(f, 0) and bad is None:
                    bad = "%s=%d after %.2f s" % (f, d[f], time.monotonic() - t0)
            time.sleep(0.01)
        print("%d samples, maximum per state: %s" % (n, fmt(mx)))
        if bad:
            print("forbidden state seen: %s" % bad)
            return 1
        return 0
    if a.cmd == "timeline":
        def since():
            return (time.time_ns() - a.since_ns) // 1000000
        d = states(t)
        first_ms, first_tw = since(), d.get("TIME_WAIT", 0)
        hold_ms, hold_tw, idle_ms = -1, -1, -1
        while True:
            el = since()
            if hold_ms < 0 and el >= a.hold_ms:
                d = states(t)
                hold_ms, hold_tw = since(), d.get("TIME_WAIT", 0)
            elif el > a.hold_ms:
                d = states(t)
            if el > a.hold_ms and not busy(d):
                idle_ms = since()
                break
            if el > a.deadline_ms:
                break
            time.sleep(0.02)
        print("first_ms=%d first_tw=%d hold_ms=%d hold_tw=%d idle_ms=%d final=%s"
              % (first_ms, first_tw, hold_ms, hold_tw, idle_ms, fmt(d).replace(" ", ",")))
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
