#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
"""Query a running DPDK application's telemetry socket, non-interactively.

    tt-telemetry.py [-p FILE_PREFIX] [-w SECONDS] [-v] COMMAND [COMMAND...]

Prints one JSON line per command, exactly as the application replies, e.g.
{"/tcpterm/states": {"LISTEN": 4, "TIME_WAIT": 12, ...}}; with -v only the
value ({"LISTEN": 4, ...}). Exit status 1 when the socket cannot be reached
or a reply is not JSON, 2 for a usage error.

The same protocol as DPDK's usertools/dpdk-telemetry.py (Debian: dpdk-dev),
which is interactive; this one is for scripts and uses the standard library
only. Can be imported: query(prefix, command) returns the decoded value.
"""

import argparse
import json
import os
import socket
import sys
import time

SOCKET_NAME = "dpdk_telemetry.v2"


def runtime_dir(prefix):
    """DPDK EAL's runtime directory for a file prefix (see eal_filesystem.c)."""
    base = os.environ.get("RUNTIME_DIRECTORY")
    if not base:
        if os.getuid() == 0:
            base = "/var/run"
        else:
            base = os.environ.get("XDG_RUNTIME_DIR", "/tmp")
    return os.path.join(base, "dpdk", prefix)


class Telemetry:
    """One connection to a telemetry socket."""

    def __init__(self, prefix="rte", wait=0.0, path=None):
        self.path = path or os.path.join(runtime_dir(prefix), SOCKET_NAME)
        deadline = time.monotonic() + wait
        while True:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            try:
                sock.connect(self.path)
                break
            except OSError as e:
                sock.close()
                if time.monotonic() >= deadline:
                    raise OSError(e.errno, "cannot connect to %s: %s"
                                  % (self.path, e.strerror)) from None
                time.sleep(0.1)
        self.sock = sock
        # The greeting: {"version": ..., "pid": ..., "max_output_len": ...}
        self.info = json.loads(sock.recv(4096).decode())
        self.bufsize = int(self.info.get("max_output_len", 16384))

    def raw(self, command):
        """Send one command; return the whole decoded reply."""
        self.sock.send(command.encode())
        data = self.sock.recv(self.bufsize + 1)
        if not data:
            raise OSError("%s closed the connection" % self.path)
        return json.loads(data.decode())

    def query(self, command):
        """Send one command; return only the value under its key."""
        reply = self.raw(command)
        if isinstance(reply, dict) and len(reply) == 1:
            return next(iter(reply.values()))
        return reply

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def query(prefix, command, wait=0.0):
    """One-shot helper: the value of one command."""
    with Telemetry(prefix, wait) as t:
        return t.query(command)


def main():
    ap = argparse.ArgumentParser(
        description="Query a DPDK application's telemetry socket.")
    ap.add_argument("-p", "--file-prefix", default="rte",
                    help="the application's --file-prefix (default: rte)")
    ap.add_argument("-s", "--socket", default=None,
                    help="socket path (overrides -p)")
    ap.add_argument("-w", "--wait", type=float, default=0.0,
                    help="keep trying to connect for this many seconds")
    ap.add_argument("-v", "--value", action="store_true",
                    help="print only the value of each reply")
    ap.add_argument("--pretty", action="store_true", help="indent the JSON")
    ap.add_argument("commands", nargs="+", metavar="COMMAND",
                    help="e.g. /tcpterm/stats, /tcpterm/states, /")
    args = ap.parse_args()
    try:
        with Telemetry(args.file_prefix, args.wait, args.socket) as t:
            for cmd in args.commands:
                out = t.query(cmd) if args.value else t.raw(cmd)
                print(json.dumps(out, indent=2 if args.pretty else None))
    except (OSError, ValueError) as e:
        print("tt-telemetry: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
