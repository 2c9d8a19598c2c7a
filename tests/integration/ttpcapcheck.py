#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
"""Check pcaps of tests/bench/gen_syn_pcap.py and tcpterm's answers (scapy).

    ttpcapcheck.py input  FILE --syns N --junk M [--dst A] [--dport P] [--dst-mac MAC]
        every frame parses; exactly N SYNs to DST:DPORT at DST_MAC from
        distinct source addresses and ports, with valid IPv4 and TCP
        checksums and Linux's options (MSS, SACK-permitted, timestamps, NOP,
        window scale); the M junk frames are what gen_syn_pcap.py says,
        their deliberately bad checksums bad.
    ttpcapcheck.py answers IN OUT [--dst A] [--dport P] [--gw-mac MAC]
        OUT (what came back from tcpterm) holds one SYN-ACK for each SYN of
        IN and nothing else but ARP: from DST:DPORT to the SYN's source, to
        the gateway's MAC, ACK = the SYN's ISN + 1, valid checksums, the
        options a cookie SYN-ACK carries for a SYN with timestamps (MSS,
        SACK-permitted, timestamps echoing the SYN's TSval, window scale).

Prints one line per finding; exit status 0 when all hold, 1 otherwise.
"""

import argparse
import struct
import sys

from scapy.all import ARP, IP, TCP, UDP, Dot1Q, Ether, PcapReader, checksum, in4_chksum

LINUX_OPTS = ["MSS", "SAckOK", "Timestamp", "NOP", "WScale"]


def ip_ok(p):
    ihl = p[IP].ihl * 4
    return checksum(bytes(p[IP])[:ihl]) == 0


def tcp_ok(p):
    return in4_chksum(6, p[IP], bytes(p[TCP])) == 0


def check_input(a):
    bad = []
    syns, junk, tuples = 0, {}, set()
    for p in PcapReader(a.file):
        if ARP in p:
            kind = "arp" if p[ARP].pdst == a.dst else "arp_other"
            junk[kind] = junk.get(kind, 0) + 1
            continue
        if (Ether in p and p[Ether].dst == a.dst_mac and Dot1Q not in p and IP in p
                and TCP in p and p[IP].dst == a.dst and p[TCP].flags == "S"
                and ip_ok(p) and tcp_ok(p)):
            syns += 1
            t = (p[IP].src, p[TCP].sport)
            if t in tuples:
                bad.append("SYN from %s:%d appears twice" % t)
            tuples.add(t)
            names = [o[0] for o in p[TCP].options]
            if names != LINUX_OPTS:
                bad.append("SYN from %s:%d has options %s" % (t + (names,)))
            if not p[IP].src.startswith("198.19."):
                bad.append("SYN from %s outside 198.19.0.0/16" % p[IP].src)
            continue
        if Dot1Q in p:
            kind = "vlan"
        elif IP not in p:
            kind = "ipv6" if p[Ether].type == 0x86DD else "other"
        elif not ip_ok(p):
            kind = "ip_cksum"
        elif p[IP].flags.MF:
            kind = "fragment"
        elif p[Ether].dst != a.dst_mac:
            kind = "other_mac"
        elif p[IP].dst != a.dst:
            kind = "not_for_us"
        elif UDP in p:
            kind = "udp"
        elif TCP in p and not tcp_ok(p):
            kind = "tcp_cksum"
        elif TCP in p and p[TCP].flags == "R":
            kind = "rst"
        elif p[IP].proto == 1:
            kind = "icmp"
        else:
            kind = "other"
        junk[kind] = junk.get(kind, 0) + 1
    n_junk = sum(v for k, v in junk.items() if k != "arp")
    print("input: %d valid SYNs with Linux's options from distinct sources; others: %s"
          % (syns, ", ".join("%s %d" % kv for kv in sorted(junk.items()))))
    if syns != a.syns:
        bad.append("%d valid SYNs, want %d" % (syns, a.syns))
    if n_junk != a.junk:
        bad.append("%d junk frames, want %d" % (n_junk, a.junk))
    if junk.get("other", 0):
        bad.append("%d frames of no known kind" % junk["other"])
    if a.junk:
        kinds = [k for k in junk if k != "arp"]
        if junk.get("arp", 0) != (0 if a.junk_only else 1):
            bad.append("%d ARP requests for %s" % (junk.get("arp", 0), a.dst))
        if len(kinds) != 11 or max(junk[k] for k in kinds) - min(junk[k] for k in kinds) > 1:
            bad.append("junk kinds not evenly spread: %s" % junk)
    for b in bad[:20]:
        print("  bad: " + b)
    return 1 if bad else 0


def raw_syns(path, dst, dport, dst_mac):
    """{(src, sport): (isn, tsval)} of the valid SYNs in a pcap of
    gen_syn_pcap.py, read with struct (scapy takes seconds for this; the
    'input' check has looked at the same file with scapy)."""
    def csum_ok(b):
        if len(b) & 1:
            b += b"\0"
        v = sum(struct.unpack("!%dH" % (len(b) // 2), b))
        while v >> 16:
            v = (v & 0xFFFF) + (v >> 16)
        return v == 0xFFFF

    dst_b = bytes(int(x) for x in dst.split("."))
    mac_b = bytes(int(x, 16) for x in dst_mac.split(":"))
    syns = {}
    with open(path, "rb") as f:
        data = f.read()
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack_from("<I", data, off + 8)[0]
        fr = data[off + 16:off + 16 + incl]
        off += 16 + incl
        if len(fr) < 54 or fr[:6] != mac_b or fr[12:14] != b"\x08\x00" or fr[23] != 6:
            continue
        ihl = (fr[14] & 15) * 4
        ip, tcp = fr[14:14 + ihl], fr[14 + ihl:14 + struct.unpack_from("!H", fr, 16)[0]]
        if ip[16:20] != dst_b or tcp[13] != 0x02 or struct.unpack_from("!H", tcp, 2)[0] != dport:
            continue
        if not csum_ok(ip) or not csum_ok(ip[12:20] + struct.pack("!BBH", 0, 6, len(tcp)) + tcp):
            continue
        tsval = None
        opts = tcp[20:(tcp[12] >> 4) * 4]
        i = 0
        while i < len(opts):
            if opts[i] == 0:
                break
            if opts[i] == 1:
                i += 1
                continue
            if opts[i] == 8:
                tsval = struct.unpack_from("!I", opts, i + 2)[0]
            i += opts[i + 1]
        src = ".".join(str(x) for x in ip[12:16])
        syns[(src, struct.unpack_from("!H", tcp, 0)[0])] = (struct.unpack_from("!I", tcp, 4)[0],
                                                           tsval)
    return syns


def check_answers(a):
    bad = []
    syns = raw_syns(a.input, a.dst, a.dport, a.dst_mac)
    answered, arps, other = set(), 0, 0
    for p in PcapReader(a.output):
        if ARP in p:
            arps += 1
            continue
        if not (IP in p and TCP in p):
            other += 1
            continue
        t = (p[IP].dst, p[TCP].dport)
        if p[IP].src != a.dst or p[TCP].sport != a.dport or t not in syns:
            bad.append("frame %s:%d -> %s:%d answers no SYN"
                       % (p[IP].src, p[TCP].sport, p[IP].dst, p[TCP].dport))
            continue
        if t in answered:
            bad.append("two answers to %s:%d" % t)
        answered.add(t)
        seq, tsval = syns[t]
        opts = dict(o for o in p[TCP].options if o[0] != "NOP")
        if p[TCP].flags != "SA":
            bad.append("answer to %s:%d has flags %s" % (t + (p[TCP].flags,)))
        if p[TCP].ack != (seq + 1) & 0xFFFFFFFF:
            bad.append("answer to %s:%d acknowledges %d, not ISN + 1" % (t + (p[TCP].ack,)))
        if not ip_ok(p) or not tcp_ok(p):
            bad.append("answer to %s:%d has a bad checksum" % t)
        if p[Ether].dst != a.gw_mac:
            bad.append("answer to %s:%d goes to MAC %s, not the gateway's" % (t + (p[Ether].dst,)))
        if (set(opts) != {"MSS", "SAckOK", "Timestamp", "WScale"}
                or opts["Timestamp"][1] != tsval):
            bad.append("answer to %s:%d has options %s" % (t + (p[TCP].options,)))
    print("answers: %d SYN-ACKs for %d SYNs, %d ARP, %d other frames"
          % (len(answered), len(syns), arps, other))
    if len(answered) != len(syns):
        bad.append("%d SYNs unanswered" % (len(syns) - len(answered)))
    if other:
        bad.append("%d frames neither TCP nor ARP" % other)
    for b in bad[:20]:
        print("  bad: " + b)
    return 1 if bad else 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    i = sub.add_parser("input")
    i.add_argument("file")
    i.add_argument("--syns", type=int, required=True)
    i.add_argument("--junk", type=int, default=0)
    i.add_argument("--junk-only", action="store_true", help="a --junk pcap: no ARP")
    a = sub.add_parser("answers")
    a.add_argument("input")
    a.add_argument("output")
    a.add_argument("--gw-mac", default="02:00:c6:12:00:01")
    for s in (i, a):
        s.add_argument("--dst", default="198.18.0.2")
        s.add_argument("--dport", type=int, default=80)
        s.add_argument("--dst-mac", default="02:00:c6:12:00:02")
    args = p.parse_args()
    return check_input(args) if args.cmd == "input" else check_answers(args)


if __name__ == "__main__":
    sys.exit(main())
