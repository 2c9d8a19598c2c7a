#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
"""Issue 5's performance targets against one run_all.sh run.

    targets.py FIGURES COMMAND

FIGURES is the file the benchmarks filled through tt_bench_figure
(scripts/lib.sh): one "name<TAB>value" line per figure. Prints a markdown
section, for RESULTS.md, that states each target as met or not with the
measured ratio, quoting only figures of that run; a target whose figures
the run lacks says so.
"""

import sys
import time


def load(path):
    figs = {}
    try:
        with open(path) as f:
            for line in f:
                name, _, value = line.rstrip("\n").partition("\t")
                if name:
                    figs[name] = value
    except FileNotFoundError:
        pass
    return figs


def num(figs, name):
    try:
        return float(figs[name])
    except (KeyError, ValueError):
        return None


def n0(v):
    return "{:,.0f}".format(v)


def runs(figs, name):
    """A figure listing one value per pass ("1,2,3"), as floats; [] if absent."""
    try:
        return [float(v) for v in figs[name].split(",") if v]
    except (KeyError, ValueError):
        return []


def passes(values, goal):
    """The per-pass values and how many reach the goal, for a target's row."""
    if len(values) < 2:
        return "", None
    k = sum(1 for v in values if v >= goal)
    return "; the %d passes at that setting: %s" % (len(values), " / ".join(n0(v) for v in values)), \
        "%d of %d passes" % (k, len(values))


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: targets.py FIGURES COMMAND")
    figs = load(sys.argv[1])
    g = lambda name: num(figs, name)  # noqa: E731
    rows = []
    missing = "not measured in this run"

    def target(text, measured, ratio, met):
        rows.append("| %s | %s | %s | %s |" % (text, measured, ratio, met))

    # 1. connections/s per tcpterm worker.
    cps, busy, conc = g("memif_cps_max"), g("memif_cps_max_busy"), g("memif_cps_conc")
    if cps is None:
        target("≥ 1.0 M new connections/s per tcpterm worker (request, response, full close)", missing, "-", "-")
    else:
        spread, reached = passes(runs(figs, "memif_cps_runs"), 1e6)
        met = "yes" if cps >= 1e6 else "no"
        if reached is not None and cps >= 1e6:
            met = "yes in " + reached
        target("≥ 1.0 M new connections/s per tcpterm worker (request, response, full close)",
               "%s conn/s, the best run (`cps -c %d`, bench_memif), tcpterm's worker %d %% busy%s"
               % (n0(cps), conc or 0, busy or 0, spread),
               "%.2f" % (cps / 1e6), met)

    # 2. keep-alive requests/s per worker.
    rps, rbusy = g("memif_rps_max"), g("memif_rps_max_busy")
    pipe, pbusy, depth = g("memif_rps_pipe"), g("memif_rps_pipe_busy"), g("memif_rps_depth")
    if rps is None:
        target("≥ 4 M keep-alive requests/s per worker", missing, "-", "-")
    else:
        spread, reached = passes(runs(figs, "memif_rps_runs"), 4e6)
        text = "%s req/s, one request in flight per connection, worker %d %% busy%s" % (n0(rps), rbusy or 0, spread)
        ratio = "%.2f" % (rps / 4e6)
        met = "yes" if rps >= 4e6 else "no"
        if reached is not None and rps >= 4e6:
            met = "yes in " + reached
        if pipe is not None:
            text += "; %s req/s with %d pipelined per connection, worker %d %% busy" % (n0(pipe), depth or 0, pbusy or 0)
            ratio += " one in flight; %.2f pipelined" % (pipe / 4e6)
            if rps < 4e6 and pipe >= 4e6:
                met = "pipelined only"
        target("≥ 4 M keep-alive requests/s per worker", text, ratio, met)

    # 3. the Linux kernel's connections/s per core, the same HTTP workload.
    ng = g("http_nginx_cps")
    if cps is None or not ng:
        target("≥ 50 × the Linux kernel's connections/s per core", missing, "-", "-")
    else:
        x = cps / ng
        target("≥ 50 × the Linux kernel's connections/s per core",
               "%s (tcpterm, bench_memif) against nginx's %s (one worker, wrk over veth, bench_http) = %.1f ×"
               % (n0(cps), n0(ng), x), "%.2f" % (x / 50), "yes" if x >= 50 else "no")

    # 4. SYN-ACKs with cookies against testpmd's forwarding.
    syn, refl = g("syn_acks"), g("syn_macswap")
    if syn is None or not refl:
        target("SYN-ACKs with cookies ≥ 0.8 × testpmd's forwarding on the same memif path", missing, "-", "-")
    else:
        x = syn / refl
        pairs = runs(figs, "syn_pair_ratios")
        text = "%.2f × macswap (%.2f M/s against %.2f M/s, bench_testpmd)" % (x, syn / 1e6, refl / 1e6)
        met = "yes" if x >= 0.8 else "no"
        if len(pairs) > 1:
            text += "; the median of %d adjacent pairs, whose ratios were %s" % (
                len(pairs), " / ".join("%.2f" % r for r in pairs))
            met += ", %d of %d pairs reach it" % (sum(1 for r in pairs if r >= 0.8), len(pairs))
        own = g("syn_own_ns")
        if own:
            text += ("; tcpterm's own code %.1f ns per SYN-ACK without memif (bench_syn_path), "
                     "macswap's whole path %.1f ns per frame" % (own, 1e9 / refl))
        target("SYN-ACKs with cookies ≥ 0.8 × testpmd's forwarding on the same memif path",
               text, "%.2f" % (x / 0.8), met)

    # 5-7. memory and concurrency.
    pc, pt, n = g("hold_per_conn"), g("hold_per_tw"), g("hold_n")
    if pc is None:
        target("≤ 256 bytes per idle established connection", missing, "-", "-")
        target("≤ 64 bytes per TIME_WAIT connection", missing, "-", "-")
        target("10 M concurrent connections held", missing, "-", "-")
    else:
        tcb = figs.get("hold_tcb_bytes", "?")
        target("≤ 256 bytes per idle established connection",
               "%.1f bytes (heap per connection of capacity, %s connections; sizeof TCB %s)" % (pc, n0(n), tcb),
               "%.2f ×" % (pc / 256), "yes" if pc <= 256 else "no")
        target("≤ 64 bytes per TIME_WAIT connection", "%.1f bytes" % pt, "%.2f ×" % (pt / 64),
               "yes" if pt <= 64 else "no")
        held, errs, rc = g("hold_held"), figs.get("hold_errors", "?"), figs.get("hold_gen_rc", "?")
        ok = held is not None and n is not None and held >= 1e7 and held >= n and errs == "0" and rc == "0"
        target("10 M concurrent connections held",
               "%s of %s held, opened in %s s; generator errors %s, exit status %s"
               % (n0(held or 0), n0(n), figs.get("hold_open_s", "?"), errs, rc),
               "%.2f" % ((held or 0) / 1e7), "yes" if ok else "no")

    print()
    print("### Issue 5's targets against this run — %s" % time.strftime("%Y-%m-%d", time.gmtime()))
    print()
    print("Built by `run_all.sh` (tests/bench/targets.py) from the figures the benchmarks above measured in")
    print("this run (`%s`); one lcore per side. Ratio = measured / target (for bytes: measured / limit)." % sys.argv[2])
    print()
    print("| target | this run | ratio to target | met? |")
    print("|---|---|---|---|")
    for r in rows:
        print(r)


if __name__ == "__main__":
    main()
