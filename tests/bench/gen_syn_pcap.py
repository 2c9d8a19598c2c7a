#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
"""Write a pcap of distinct TCP SYNs (or of junk) for dpdk-testpmd to replay.

    gen_syn_pcap.py -o FILE [--count N] [--mix M] [--junk] [--dst-mac MAC]
                    [--src-mac MAC] [--dst IP] [--dport PORT] [--gateway IP]
                    [--no-arp] [--seed S] [--expect]

SYN mode (the default): N SYNs, each from its own source address and port
in 198.19.0.0/16 (the 65024 hosts 198.19.X.1-254 with port 1024, then the
same hosts with port 1025, and so on; no two alike), to DST:DPORT, with
valid IPv4 and TCP checksums and the options Linux puts on a SYN (MSS 1460,
SACK-permitted, timestamps, NOP, window scale 7: a 74-byte frame). The frames come "through a router":
their source MAC is SRC_MAC, the gateway's, and the pcap starts with an
ARP request from GATEWAY (198.18.0.1) for DST, so that tcpterm learns the
gateway's MAC before it answers a SYN from off-link (--no-arp leaves it
out). --mix M interleaves M junk frames (below) evenly among the SYNs.

Junk mode (--junk): N frames tcpterm must classify and drop without
answering, cycling through one kind per drop reason, from sources no SYN
uses:

    kind         frame                                     tcpterm counter
    udp          IPv4/UDP to DST                           drop_ip_proto
    other_mac    a SYN to DST, unicast to another MAC      drop_eth_dst
    ipv6         EtherType 0x86dd                          drop_eth_type
    vlan         802.1Q tagged IPv4                        drop_eth_type
    not_for_us   a SYN to 198.18.0.99                      drop_ip_not_for_us
    ip_cksum     a SYN with a bad IPv4 header checksum     drop_ip_cksum
    tcp_cksum    a SYN with a bad TCP checksum             drop_tcp_cksum
    fragment     an IPv4 fragment (MF set) of UDP to DST   drop_ip_fragment
    rst          a RST to the listener                     drop_tcp_listen_noise
    icmp         ICMP destination unreachable to DST       drop_icmp_type
    arp_other    ARP request for 198.18.0.99               drop_arp_not_for_us

--expect prints, as one JSON object on stdout, how much each tcpterm
counter should rise for one pass over the file ("syncookies_sent" for
the SYNs with syn_cookies = always, "arp_requests_rx", and the drop_*
counters of the junk). DST_MAC is tcpterm's port MAC (its eth input takes
frames to that MAC or to broadcast); "broadcast" is accepted.

The pcap is written with struct (fast: about a million frames in 5 s);
tests/integration/test_testpmd_syn.sh cross-checks it with scapy.
Exit status 2 with one line on stderr for a bad argument.
"""

import argparse
import ipaddress
import json
import random
import struct
import sys

ETH_IPV4 = 0x0800
ETH_ARP = 0x0806
ETH_IPV6 = 0x86DD
ETH_VLAN = 0x8100
PCAP_MAGIC = 0xA1B2C3D4
LINKTYPE_ETHERNET = 1
SRC_NET = 0xC6130000		# 198.19.0.0; sources are 198.19.0.0/16
JUNK_BASE = 1 << 24		# junk frame j uses source JUNK_BASE + j: none of a SYN's
OTHER_IP = "198.18.0.99"	# an address on tcpterm's link that is not tcpterm's

JUNK_KINDS = [
    ("udp", "drop_ip_proto"),
    ("other_mac", "drop_eth_dst"),
    ("ipv6", "drop_eth_type"),
    ("vlan", "drop_eth_type"),
    ("not_for_us", "drop_ip_not_for_us"),
    ("ip_cksum", "drop_ip_cksum"),
    ("tcp_cksum", "drop_tcp_cksum"),
    ("fragment", "drop_ip_fragment"),
    ("rst", "drop_tcp_listen_noise"),
    ("icmp", "drop_icmp_type"),
    ("arp_other", "drop_arp_not_for_us"),
]


def csum(data):
    """RFC 1071 Internet checksum of bytes."""
    if len(data) & 1:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def mac_bytes(text, what):
    if text == "broadcast":
        return b"\xff" * 6
    parts = text.split(":")
    try:
        if len(parts) != 6 or any(len(p) != 2 for p in parts):
            raise ValueError
        return bytes(int(p, 16) for p in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(
            "%s: '%s' is not a MAC address like 02:00:c6:12:00:02 (or 'broadcast')"
            % (what, text)) from None


def ipv4(text, what):
    try:
        return ipaddress.IPv4Address(text).packed
    except ValueError:
        raise argparse.ArgumentTypeError(
            "%s: '%s' is not an IPv4 address" % (what, text)) from None


def ip_header(src, dst, proto, payload_len, ident, frag=0x4000, bad_cksum=False):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + payload_len, ident, frag, 64, proto, 0,
                      src, dst)
    c = csum(hdr)
    if bad_cksum:
        c ^= 0x5A5A
    return hdr[:10] + struct.pack("!H", c) + hdr[12:]


def tcp_syn(src, dst, sport, dport, seq, tsval, flags=0x02, bad_cksum=False):
    """A SYN with Linux's options: MSS 1460, SACK-permitted, TS, NOP, WS 7."""
    if flags == 0x02:
        opts = struct.pack("!BBH BB BBII B BBB", 2, 4, 1460, 4, 2, 8, 10, tsval, 0,
                           1, 3, 3, 7)
        win = 64240
    else:
        opts = b""
        win = 0
    hlen = 20 + len(opts)
    th = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, (hlen // 4) << 4, flags, win, 0, 0) + opts
    pseudo = struct.pack("!4s4sBBH", src, dst, 0, 6, hlen)
    c = csum(pseudo + th)
    if bad_cksum:
        c ^= 0x5A5A
    return th[:16] + struct.pack("!H", c) + th[18:]


def udp(src, dst, sport, dport, payload):
    ln = 8 + len(payload)
    u = struct.pack("!HHHH", sport, dport, ln, 0) + payload
    c = csum(struct.pack("!4s4sBBH", src, dst, 0, 17, ln) + u) or 0xFFFF
    return u[:6] + struct.pack("!H", c) + u[8:]


def eth(dst, src, etype, payload):
    frame = dst + src + struct.pack("!H", etype) + payload
    return frame + b"\0" * (60 - len(frame)) if len(frame) < 60 else frame


def arp_request(smac, sip, tip):
    body = struct.pack("!HHBBH6s4s6s4s", 1, ETH_IPV4, 6, 4, 1, smac, sip, b"\0" * 6, tip)
    return eth(b"\xff" * 6, smac, ETH_ARP, body)


class Gen:
    def __init__(self, a):
        self.a = a
        self.rnd = random.Random(a.seed)
        self.n = 0

    def source(self, i):
        """The i-th distinct (address, port): 198.19.0.0/16 hosts .1-.254 x ports."""
        hosts = 254 * 256
        host, port = i % hosts, 1024 + (i // hosts) % 64512
        addr = SRC_NET | (host // 254) << 8 | (host % 254 + 1)
        return struct.pack("!I", addr), port

    def syn(self, i, dst_ip=None, dmac=None, bad_ip=False, bad_tcp=False, flags=0x02):
        a = self.a
        src, sport = self.source(i)
        dst = dst_ip or a.dst
        th = tcp_syn(src, dst, sport, a.dport, self.rnd.getrandbits(32),
                     self.rnd.getrandbits(32), flags=flags, bad_cksum=bad_tcp)
        ip = ip_header(src, dst, 6, len(th), self.rnd.getrandbits(16), bad_cksum=bad_ip)
        return eth(dmac or a.dst_mac, a.src_mac, ETH_IPV4, ip + th)

    def junk(self, j):
        a = self.a
        kind, reason = JUNK_KINDS[j % len(JUNK_KINDS)]
        i = JUNK_BASE + j	# sources apart from the SYNs'
        src, sport = self.source(i)
        other = ipaddress.IPv4Address(OTHER_IP).packed
        ident = self.rnd.getrandbits(16)
        if kind == "udp":
            u = udp(src, a.dst, sport, 9, b"junk for tcpterm %08d" % i)
            f = eth(a.dst_mac, a.src_mac, ETH_IPV4, ip_header(src, a.dst, 17, len(u), ident) + u)
        elif kind == "other_mac":
            f = self.syn(i, dmac=b"\x02\x00\xc6\x12\x00\x63")
        elif kind == "ipv6":
            f = eth(a.dst_mac, a.src_mac, ETH_IPV6, struct.pack("!IHBB", 0x60000000, 0, 59, 64)
                    + b"\xfe\x80" + b"\0" * 13 + b"\x01" + b"\xfe\x80" + b"\0" * 13 + b"\x02")
        elif kind == "vlan":
            inner = self.syn(i)[14:]
            f = eth(a.dst_mac, a.src_mac, ETH_VLAN, struct.pack("!HH", 100, ETH_IPV4) + inner)
        elif kind == "not_for_us":
            f = self.syn(i, dst_ip=other)
        elif kind == "ip_cksum":
            f = self.syn(i, bad_ip=True)
        elif kind == "tcp_cksum":
            f = self.syn(i, bad_tcp=True)
        elif kind == "fragment":
            u = udp(src, a.dst, sport, 9, b"first fragment %08d" % i)
            f = eth(a.dst_mac, a.src_mac, ETH_IPV4,
                    ip_header(src, a.dst, 17, len(u), ident, frag=0x2000) + u)
        elif kind == "rst":
            f = self.syn(i, flags=0x04)
        elif kind == "icmp":
            # Destination unreachable (type 3, code 3) quoting nothing much.
            body = struct.pack("!BBHI", 3, 3, 0, 0) + b"\0" * 8
            body = body[:2] + struct.pack("!H", csum(body)) + body[4:]
            f = eth(a.dst_mac, a.src_mac, ETH_IPV4, ip_header(src, a.dst, 1, len(body), ident)
                    + body)
        else:  # arp_other: a neighbour asking for someone else
            f = arp_request(a.src_mac, ipaddress.IPv4Address("198.18.0.77").packed, other)
        return f, reason


def main():
    p = argparse.ArgumentParser(
        description="Write a pcap of distinct TCP SYNs (or junk frames) for dpdk-testpmd.")
    p.add_argument("-o", "--output", required=True, help="pcap file to write")
    p.add_argument("-n", "--count", default="65536",
                   help="SYNs (or junk frames with --junk), 1..16777216 (default 65536)")
    p.add_argument("--junk", action="store_true",
                   help="write frames tcpterm must drop instead of SYNs")
    p.add_argument("--mix", default="0",
                   help="junk frames interleaved with the SYNs (default 0)")
    p.add_argument("--dst", default="198.18.0.2", help="tcpterm's address (default 198.18.0.2)")
    p.add_argument("--dport", default="80", help="tcpterm's listening port (default 80)")
    p.add_argument("--dst-mac", default="02:00:c6:12:00:02",
                   help="tcpterm's port MAC, or 'broadcast' (default 02:00:c6:12:00:02)")
    p.add_argument("--src-mac", default="02:00:c6:12:00:01",
                   help="the gateway's MAC, source of every frame (default 02:00:c6:12:00:01)")
    p.add_argument("--gateway", default="198.18.0.1",
                   help="tcpterm's gateway, which the ARP request comes from (default 198.18.0.1)")
    p.add_argument("--no-arp", action="store_true", help="no ARP request at the start")
    p.add_argument("--seed", default="1", help="random seed for ISNs, TSvals, IP ids (default 1)")
    p.add_argument("--expect", action="store_true",
                   help="print the expected tcpterm counter increments per pass as JSON")
    a = p.parse_args()

    def fail(msg):
        print("gen_syn_pcap.py: %s" % msg, file=sys.stderr)
        sys.exit(2)

    def integer(name, text, lo, hi):
        try:
            v = int(text, 10)
        except ValueError:
            fail("--%s: '%s' is not an integer" % (name, text))
        if not lo <= v <= hi:
            fail("--%s: %d is not in %d..%d" % (name, v, lo, hi))
        return v

    a.count = integer("count", a.count, 0 if a.mix != "0" else 1, 1 << 24)
    a.mix = integer("mix", a.mix, 0, 1 << 24)
    a.dport = integer("dport", a.dport, 1, 65535)
    a.seed = integer("seed", a.seed, 0, (1 << 63) - 1)
    if a.junk and a.mix:
        fail("--mix adds junk to SYNs; --junk writes junk only: give one of them")
    try:
        a.dst_mac = mac_bytes(a.dst_mac, "--dst-mac")
        a.src_mac = mac_bytes(a.src_mac, "--src-mac")
        if a.src_mac[0] & 1:
            fail("--src-mac: must be a unicast MAC (tcpterm learns it by ARP)")
        a.dst = ipv4(a.dst, "--dst")
        a.gateway = ipv4(a.gateway, "--gateway")
    except argparse.ArgumentTypeError as e:
        fail(str(e))
    if a.dst_mac != b"\xff" * 6 and a.dst_mac[0] & 1:
        fail("--dst-mac: tcpterm accepts its own (unicast) MAC or broadcast, not a multicast MAC")
    if not a.dst.startswith(b"\xc6\x12") and not a.dst.startswith(b"\xc6\x13"):
        fail("--dst: %s is outside 198.18.0.0/15 (the benchmarking range this project uses)"
             % ipaddress.IPv4Address(a.dst))

    g = Gen(a)
    expect = {}

    def bump(key, n=1):
        expect[key] = expect.get(key, 0) + n

    try:
        out = open(a.output, "wb")
    except OSError as e:
        fail("%s: %s" % (a.output, e.strerror))
    with out:
        out.write(struct.pack("<IHHiIII", PCAP_MAGIC, 2, 4, 0, 0, 65535, LINKTYPE_ETHERNET))
        t = 1700000000 * 1000000

        def put(frame):
            nonlocal t
            out.write(struct.pack("<IIII", t // 1000000, t % 1000000, len(frame), len(frame)))
            out.write(frame)
            t += 1

        if not a.junk and not a.no_arp:
            put(arp_request(a.src_mac, a.gateway, a.dst))
            bump("arp_requests_rx")
        if a.junk:
            for i in range(a.count):
                f, reason = g.junk(i)
                put(f)
                bump(reason)
        else:
            j = 0
            for i in range(a.count):
                put(g.syn(i))
                # Spread the junk evenly: after SYN i, up to mix * (i + 1) / count frames.
                while j < a.mix * (i + 1) // max(a.count, 1):
                    f, reason = g.junk(j)
                    put(f)
                    bump(reason)
                    j += 1
            while j < a.mix:
                f, reason = g.junk(j)
                put(f)
                bump(reason)
                j += 1
            bump("syncookies_sent", a.count)
    if a.expect:
        print(json.dumps(expect, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
