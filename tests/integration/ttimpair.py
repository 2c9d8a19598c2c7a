#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
"""A userspace netem: an impairing Ethernet bridge for kernels without
sch_netem (CONFIG_NET_SCH_NETEM unset, as on some VM kernels).

    ttimpair.py --dev tt0 --tap tt1 --mac 02:00:c6:12:00:01 \\
        [--loss P] [--duplicate P] [--delay-ms D] [--reorder P] \\
        [--reorder-corr C] [--corrupt P] [--direction to-tcpterm|from-tcpterm|both] [--seed S]

Bridges frames between the kernel side of tcpterm's net_tap interface
(--dev, read and written with an AF_PACKET socket; give it no IP address
and 'arp off') and a new tap interface (--tap) that carries the peer's
address. IPv4/TCP frames in the chosen direction(s) are impaired like
netem: dropped with probability --loss, sent twice with probability
--duplicate, held back --delay-ms except a --reorder fraction that is sent
at once (so those overtake the delayed ones: netem's 'delay D reorder P').
--reorder-corr C correlates successive reorder decisions like netem's
second reorder percentage ('reorder 25% 50%' is --reorder 0.25
--reorder-corr 0.5: each draw is (1-C)*U + C*previous, as netem's
get_crandom). --corrupt P flips one random bit after the IP header (TCP
header or payload) of a fraction P of the TCP frames, so the frame still
reaches TCP and must be dropped by the receiver's checksum check; the IP
header stays intact.
ARP, ICMP and everything else pass untouched, so set-up and ping work.

Prints 'ready' once the tap exists; on SIGTERM/SIGINT prints one line of
counters per direction to stdout and exits 0.
"""

import argparse
import fcntl
import heapq
import os
import random
import selectors
import signal
import socket
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
SOL_PACKET = 263
PACKET_IGNORE_OUTGOING = 23


class Dir:
    def __init__(self, name, impair, a):
        self.name = name
        self.impair = impair
        self.loss = a.loss
        self.dup = a.duplicate
        self.delay = a.delay_ms / 1000.0
        self.reorder = a.reorder
        self.reorder_corr = a.reorder_corr
        self.reorder_last = 0.0
        self.corrupt = a.corrupt
        self.n = {"frames": 0, "tcp": 0, "dropped": 0, "duplicated": 0,
                  "delayed": 0, "reordered": 0, "corrupted": 0, "write_errors": 0}

    def reorder_now(self, rnd):
        # netem's correlated random: (1-C)*U + C*last.
        u = rnd.random()
        if self.reorder_corr:
            u = (1.0 - self.reorder_corr) * u + self.reorder_corr * self.reorder_last
            self.reorder_last = u
        return u < self.reorder

    def line(self):
        return "%s: %s" % (self.name, " ".join("%s=%d" % kv for kv in self.n.items()))


def is_tcp(frame):
    # Ethernet II, IPv4, protocol 6.
    return len(frame) >= 34 and frame[12:14] == b"\x08\x00" and frame[23] == 6


def corrupt_frame(frame, rnd):
    """frame with one random bit flipped after the IPv4 header, within the
    IP datagram (not in Ethernet padding); None when there is nothing to
    flip."""
    ihl = (frame[14] & 0x0F) * 4
    tot = int.from_bytes(frame[16:18], "big")
    start, end = 14 + ihl, min(len(frame), 14 + tot)
    if end <= start:
        return None
    b = bytearray(frame)
    bit = rnd.randrange((end - start) * 8)
    b[start + bit // 8] ^= 1 << (bit % 8)
    return bytes(b)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dev", default="tt0")
    ap.add_argument("--tap", default="tt1")
    ap.add_argument("--mac", default="02:00:c6:12:00:01")
    ap.add_argument("--mtu", type=int, default=1500)
    ap.add_argument("--loss", type=float, default=0.0)
    ap.add_argument("--duplicate", type=float, default=0.0)
    ap.add_argument("--delay-ms", type=float, default=0.0)
    ap.add_argument("--reorder", type=float, default=0.0)
    ap.add_argument("--reorder-corr", type=float, default=0.0)
    ap.add_argument("--corrupt", type=float, default=0.0)
    ap.add_argument("--direction", choices=("to-tcpterm", "from-tcpterm", "both"),
                    default="to-tcpterm")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rnd = random.Random(a.seed)

    tap = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(tap, TUNSETIFF, struct.pack("16sH", a.tap.encode(), IFF_TAP | IFF_NO_PI))
    os.system("ip link set dev %s address %s mtu %d" % (a.tap, a.mac, a.mtu))

    pkt = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    try:
        pkt.setsockopt(SOL_PACKET, PACKET_IGNORE_OUTGOING, 1)
    except OSError:
        pass
    pkt.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    pkt.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8 << 20)
    pkt.bind((a.dev, 0))
    pkt.setblocking(False)

    to_tt = Dir("to-tcpterm", a.direction in ("to-tcpterm", "both"), a)
    from_tt = Dir("from-tcpterm", a.direction in ("from-tcpterm", "both"), a)

    def out_to_tcpterm(frame):
        try:
            pkt.send(frame)
        except OSError:
            to_tt.n["write_errors"] += 1

    def out_from_tcpterm(frame):
        try:
            os.write(tap, frame)
        except OSError:
            from_tt.n["write_errors"] += 1

    pending = []  # heap of (due, seq, out, frame)
    seq = [0]

    def forward(d, out, frame):
        d.n["frames"] += 1
        if not is_tcp(frame):
            out(frame)
            return
        d.n["tcp"] += 1
        if not d.impair:
            out(frame)
            return
        if d.loss and rnd.random() < d.loss:
            d.n["dropped"] += 1
            return
        if d.corrupt and rnd.random() < d.corrupt:
            bad = corrupt_frame(frame, rnd)
            if bad is not None:
                d.n["corrupted"] += 1
                frame = bad
        copies = 1
        if d.dup and rnd.random() < d.dup:
            d.n["duplicated"] += 1
            copies = 2
        if d.delay > 0 and not (d.reorder and d.reorder_now(rnd)):
            d.n["delayed"] += 1
            due = time.monotonic() + d.delay
            for _ in range(copies):
                seq[0] += 1
                heapq.heappush(pending, (due, seq[0], out, frame))
            return
        if d.delay > 0:
            d.n["reordered"] += 1
        for _ in range(copies):
            out(frame)

    stop = [False]

    def on_signal(_sig, _frm):
        stop[0] = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    sel = selectors.DefaultSelector()
    sel.register(tap, selectors.EVENT_READ, "tap")
    sel.register(pkt, selectors.EVENT_READ, "pkt")
    print("ready", flush=True)

    while not stop[0]:
        timeout = None
        if pending:
            timeout = max(0.0, pending[0][0] - time.monotonic())
        try:
            events = sel.select(timeout if timeout is not None else 0.5)
        except InterruptedError:
            continue
        for key, _ in events:
            if key.data == "tap":
                # The kernel peer sent a frame: towards tcpterm.
                for _ in range(64):
                    try:
                        frame = os.read(tap, 65536)
                    except BlockingIOError:
                        break
                    forward(to_tt, out_to_tcpterm, frame)
            else:
                for _ in range(64):
                    try:
                        frame, addr = pkt.recvfrom(65536)
                    except BlockingIOError:
                        break
                    if addr[2] == PACKET_OUTGOING:
                        continue  # what we ourselves sent on dev
                    forward(from_tt, out_from_tcpterm, frame)
        now = time.monotonic()
        while pending and pending[0][0] <= now:
            _, _, out, frame = heapq.heappop(pending)
            out(frame)

    print(to_tt.line(), flush=True)
    print(from_tt.line(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
