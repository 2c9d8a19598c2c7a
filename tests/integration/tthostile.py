#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
"""Hostile traffic for the integration tests (Debian's python3-scapy).

Runs inside the test's namespace, on the kernel side of tcpterm's tap.

  flood  send COUNT SYNs to tcpterm from spoofed sources in 198.19.0.0/16
         (routed back through the namespace's 198.18.0.1, which drops the
         SYN-ACKs), random ports and sequence numbers; bounded by COUNT.
  blind  open a real connection to the echo port, then inject a RST and a
         SYN whose sequence numbers are inside tcpterm's window but not
         RCV.NXT (RFC 5961 says: challenge ACK, keep the connection), and a
         RST far outside the window (dropped); then check the connection
         still echoes. Prints what it saw; exit 0 when the connection survived
         and tcpterm answered the in-window RST and SYN with ACKs.
"""
import argparse
import random
import socket
import sys
import time

from scapy.all import Ether, IP, TCP, AsyncSniffer, conf, get_if_hwaddr, sendp  # noqa: E402

conf.verb = 0


def tcpterm_mac(iface, addr):
    """The MAC the kernel resolved for tcpterm (after a ping or a connect)."""
    for line in open("/proc/net/arp"):
        f = line.split()
        if f[0] == addr and f[5] == iface and f[3] != "00:00:00:00:00:00":
            return f[3]
    raise SystemExit("no ARP entry for %s on %s (ping it first)" % (addr, iface))


def cmd_flood(a):
    dmac = tcpterm_mac(a.iface, a.dst)
    smac = get_if_hwaddr(a.iface)
    rnd = random.Random(a.seed)
    frames = []
    for _ in range(a.count):
        src = "198.19.%d.%d" % (rnd.randrange(256), rnd.randrange(1, 255))
        frames.append(Ether(src=smac, dst=dmac) /
                      IP(src=src, dst=a.dst) /
                      TCP(sport=rnd.randrange(1024, 65536), dport=a.dport, flags="S",
                          seq=rnd.randrange(1 << 32), window=64240,
                          options=[("MSS", 1460)]))
    t0 = time.monotonic()
    sendp(frames, iface=a.iface)
    dt = time.monotonic() - t0
    print("flood: %d spoofed SYNs to %s:%d in %.2f s (%.0f/s)"
          % (a.count, a.dst, a.dport, dt, a.count / dt if dt else 0))
    return 0


def cmd_blind(a):
    dmac = tcpterm_mac(a.iface, a.dst)
    smac = get_if_hwaddr(a.iface)
    seen = []

    def keep(p):
        return TCP in p and IP in p and a.sport in (p[TCP].sport, p[TCP].dport)

    sn = AsyncSniffer(iface=a.iface, lfilter=keep, prn=seen.append, store=False)
    sn.start()
    time.sleep(0.5)
    s = socket.create_connection((a.dst, a.dport), timeout=10,
                                 source_address=(a.src, a.sport))
    s.sendall(b"hello\n")
    if s.recv(100) != b"hello\n":
        print("blind: no echo before the injection")
        return 1
    time.sleep(0.3)
    ours = [p for p in seen if p[IP].src == a.src and p[TCP].dport == a.dport]
    theirs = [p for p in seen if p[IP].src == a.dst]
    if not ours or not theirs:
        print("blind: the sniffer saw no traffic")
        return 1
    last = ours[-1]
    rcv_nxt = (last[TCP].seq + len(last[TCP].payload) +
               (1 if "S" in str(last[TCP].flags) or "F" in str(last[TCP].flags) else 0)) & 0xFFFFFFFF
    tt_nxt = max((p[TCP].seq + len(p[TCP].payload)) & 0xFFFFFFFF for p in theirs)
    n_before = len([p for p in seen if p[IP].src == a.dst])

    def inject(flags, seq):
        sendp(Ether(src=smac, dst=dmac) / IP(src=a.src, dst=a.dst) /
              TCP(sport=a.sport, dport=a.dport, flags=flags, seq=seq & 0xFFFFFFFF,
                  ack=tt_nxt if "A" in flags else 0, window=64240), iface=a.iface)

    inject("R", rcv_nxt + 1000)          # in window, not RCV.NXT: challenge ACK
    time.sleep(0.2)
    inject("S", rcv_nxt + 2000)          # SYN in window: challenge ACK
    time.sleep(0.2)
    inject("R", rcv_nxt + (1 << 31))     # far outside: dropped, no answer
    time.sleep(0.5)
    answers = [p for p in seen if p[IP].src == a.dst][n_before:]
    acks = [p for p in answers if str(p[TCP].flags) == "A" and p[TCP].ack == rcv_nxt]
    print("blind: RCV.NXT %u; tcpterm answered the injections with %d segments, %d of them "
          "ACKs for RCV.NXT" % (rcv_nxt, len(answers), len(acks)))
    s.sendall(b"still here\n")
    try:
        alive = s.recv(100) == b"still here\n"
    except OSError as e:
        print("blind: connection lost: %s" % e)
        alive = False
    s.shutdown(socket.SHUT_WR)
    while s.recv(100):
        pass
    s.close()
    sn.stop()
    print("blind: connection %s after the injections" % ("alive" if alive else "DEAD"))
    return 0 if alive and len(acks) >= 2 else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--iface", default="tt0")
    ap.add_argument("--dst", default="198.18.0.2")
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("flood")
    p.add_argument("--count", type=int, default=20000)
    p.add_argument("--dport", type=int, default=80)
    p.add_argument("--seed", type=int, default=1)
    p = sub.add_parser("blind")
    p.add_argument("--src", default="198.18.0.1")
    p.add_argument("--sport", type=int, default=45123)
    p.add_argument("--dport", type=int, default=7)
    a = ap.parse_args()
    return cmd_flood(a) if a.cmd == "flood" else cmd_blind(a)


if __name__ == "__main__":
    sys.exit(main())
