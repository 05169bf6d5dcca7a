#!/usr/bin/env python3
"""Prints bench/run.sh's table from its facts file and its timings.

  report.py FACTS TIMES

FACTS: key=value lines. TIMES: "name wall_s user_s sys_s maxrss_kib" lines,
several per name (one per round); the table shows the median wall time of a
name and the CPU time and peak memory of that same run.
"""
import statistics
import sys

MiB = 1 << 20


def load(facts_path, times_path):
    facts = {}
    with open(facts_path) as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition("=")
            facts[key] = value
    runs = {}
    with open(times_path) as f:
        for line in f:
            name, wall, user, sys_, rss = line.split()
            runs.setdefault(name, []).append(
                (float(wall), float(user) + float(sys_), int(rss) * 1024))
    median = {}
    for name, rs in runs.items():
        rs.sort()
        median[name] = rs[(len(rs) - 1) // 2]  # the lower median: a run that happened
    return facts, median, runs


def fmt_bytes(n):
    return f"{n / MiB:.0f} MiB" if n < 10 * (1 << 30) else f"{n / (1 << 30):.1f} GiB"


def main(facts_path, times_path):
    facts, t, runs = load(facts_path, times_path)
    cores = int(facts["cores"])
    speeds = [int(v) for k, v in facts.items() if k.startswith("sha256_speed") and v]
    speed = max(speeds)  # the best a core did: the strictest limit
    out = []
    p = out.append
    p(f"dtm benchmark: scale {facts['scale']}, {facts['runs']} rounds, {cores} cores ({facts['cpu']})")
    p(f"load average at start {facts['load_start']}, at end {facts['load_end']}")
    p(f"hardware limit: openssl speed -evp sha256 (16 KiB blocks) = {speed / 1e9:.3f} GB/s per core"
      f" (best of {len(speeds)}: " + ", ".join(f"{s / 1e9:.2f}" for s in speeds) + ")")
    p("wall = median of the rounds; CPU = user + sys of that run; RSS = its peak resident memory")
    p("")
    head = f"{'corpus':<7} {'command':<17} {'wall s':>8} {'CPU s':>8} {'RSS MiB':>8} {'GB/s':>7}" \
           f" {'x dtm':>7} {'limit':>6}"
    p(head)
    p("-" * len(head))
    targets = []

    def row(corpus, name, nbytes=None, ref=None, limit=None):
        key = f"{corpus}:{name}"
        if key not in t:
            return None
        wall, cpu, rss = t[key]
        gbs = f"{nbytes / wall / 1e9:7.3f}" if nbytes else f"{'':>7}"
        ratio = f"{wall / ref:7.2f}" if ref else f"{'':>7}"
        lim = f"{limit / wall * 100:5.1f}%" if limit else f"{'':>6}"
        p(f"{corpus:<7} {name:<17} {wall:8.2f} {cpu:8.2f} {rss / MiB:8.1f} {gbs} {ratio} {lim}")
        return t[key]

    for c in ("large", "small"):
        nbytes = int(facts[f"{c}_bytes"])
        limit = nbytes / (cores * speed)
        p(f"{c}: {facts[c + '_files']} files, {fmt_bytes(nbytes)}; limit {limit:.2f} s"
          f" = bytes / ({cores} x {speed / 1e9:.3f} GB/s)")
        build = t[f"{c}:dtm_build"][0]
        for name in ("dtm_build", "dtm_verify_data", "sha256sum", "hashdeep", "b3sum"):
            row(c, name, nbytes, build, limit)
        rebuild = row(c, "dtm_rebuild", ref=build)
        hd = t[f"{c}:hashdeep"][0]
        verify = t[f"{c}:dtm_verify_data"][0]
        if c == "large":
            targets.append(("large: dtm build >= 95% of the hardware limit",
                            f"{limit / build * 100:.1f}%", limit / build >= 0.95))
            targets.append(("large: dtm build >= 3x hashdeep throughput",
                            f"{hd / build:.2f}x", hd / build >= 3))
            if rebuild:
                targets.append((f"large: rebuild, 1% changed ({facts.get('large_rebuild_changed_files')}"
                                " files), >= 20x faster than a build",
                                f"{build / rebuild[0]:.1f}x", build / rebuild[0] >= 20))
        else:
            targets.append(("small: dtm build >= 5x hashdeep -r throughput",
                            f"{hd / build:.2f}x", hd / build >= 5))
            if rebuild:
                targets.append(("small: rebuild, nothing changed, >= 5x faster than a build",
                                f"{build / rebuild[0]:.1f}x", build / rebuild[0] >= 5))
        targets.append((f"{c}: dtm verify --data within 10% of dtm build",
                        f"{verify / build:.2f}x", verify / build <= 1.10))
        p("")

    comm = t["m1:comm_-3"][0]
    p(f"m1: dtm diff of {facts['m1_entries']} vs {facts['m1_entries']} entries; x dtm = wall / comm -3 wall")
    for name in ("dtm_diff", "comm_-3", "diff"):
        row("m1", name, ref=comm)
    dwall, _, drss = t["m1:dtm_diff"]
    targets.append(("m1: dtm diff wall <= 2x comm -3", f"{dwall / comm:.2f}x", dwall / comm <= 2))
    targets.append(("m1: dtm diff peak memory < 100 MiB", f"{drss / MiB:.1f} MiB", drss < 100 * MiB))
    p("")

    p(f"declared entries: m1 = {facts['m1_entries']}, m10 = {facts['m10_entries']};"
      " x dtm = RSS(m10) / RSS(m1)")
    for name in ("dtm_build_v1", "dtm_build_v2", "dtm_show", "dtm_export", "dtm_prove",
                 "dtm_diff_once"):
        row("m1", name)
        a, b = t.get(f"m1:{name}"), t.get(f"m10:{name}")
        if b:
            wall, cpu, rss = b
            growth = rss / a[2]
            p(f"{'m10':<7} {name:<17} {wall:8.2f} {cpu:8.2f} {rss / MiB:8.1f} {'':>7} {growth:7.2f}")
            if name == "dtm_build_v1":
                targets.append(("m10: dtm build peak memory < 2 GiB", f"{rss / MiB:.0f} MiB",
                                rss < 2048 * MiB))
            elif name != "dtm_build_v2":
                # "Does not grow with the entry count": 10x the entries may
                # not add more than a quarter to peak memory.
                targets.append((f"m10: dtm {name[4:].replace('_once', '')} memory flat (10M vs 1M)",
                                f"{a[2] / MiB:.0f} -> {rss / MiB:.0f} MiB", growth <= 1.25))
    p("")

    p(f"{'manifest size':<14} {'entries':>9} {'manifest':>12} {'B/entry':>8} {'zstd sha256sum':>15}"
      f" {'B/entry':>8} {'ratio':>6}")
    for c, entries_key in (("large", "large_files"), ("small", "small_files"),
                           ("m1", "m1_entries"), ("m10", "m10_entries")):
        n = int(facts[entries_key])
        m = int(facts[f"{c}_manifest_bytes"])
        z = int(facts[f"{c}_listing_zstd_bytes"])
        p(f"{c:<14} {n:>9} {m:>12} {m / n:8.1f} {z:>15} {z / n:8.1f} {m / z:6.2f}")
        targets.append((f"{c}: manifest bytes per entry <= zstd sha256sum listing",
                        f"{m / n:.1f} vs {z / n:.1f}", m <= z))
    p("")
    p("targets")
    for what, value, ok in targets:
        p(f"  {'MET   ' if ok else 'MISSED'} {what}: {value}")
    print("\n".join(out))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
