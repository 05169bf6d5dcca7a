#!/usr/bin/env python3
"""Writes partition.json from spec/sharding.md alone (not from the reference code):
the selection digest of a selection and the runs of each number of shards.

  python3 spec/vectors/sharding/make_partition.py > spec/vectors/sharding/partition.json
"""
import hashlib
import json
import struct

FILE_WEIGHT = 4096

# (source id, path, size, read from disk): in canonical order (source id, then path, as bytes).
MIXED = [
    ("books", "a.txt", 0, True),
    ("books", "b.txt", 7000, True),
    ("books", "caf\\xE9.txt", 1, True),          # an escaped name: hashed as recorded
    ("books", "d/e.txt", 123456, True),
    ("books", "f.txt", 40000, True),
    ("declared", "remote/x.bin", 1 << 40, False),  # declared: weighs 4096 whatever its size
    ("web", "a.warc.gz", 250000, True),
    ("web", "p1.html", 12, True),
    ("web", "p2.html", 4096, True),
    ("web", "\u00e9t\u00e9.html", 300, True),
]
# Sizes whose sums pass 2^64: the products must be computed exactly.
HUGE = [
    ("a", "1", (1 << 63) + 5, True),
    ("a", "2", (1 << 63) + 7, True),
    ("a", "3", 1 << 62, True),
    ("b", "4", 0, False),
]


def selection_digest(files):
    h = hashlib.sha256()
    for source, path, size, read in files:
        s, p = source.encode(), path.encode()
        h.update(struct.pack("<Q", len(s)) + s + struct.pack("<Q", len(p)) + p)
        h.update(struct.pack("<Q", size) + (b"\x01" if read else b"\x00"))
    return h.hexdigest()


def runs(files, n):
    weights = [(size if read else 0) + FILE_WEIGHT for _, _, size, read in files]
    total = sum(weights)
    shard_of, before = [], 0
    for w in weights:
        shard_of.append(0 if total == 0 else before * n // total)
        before += w
    bounds = [0] + [next((i for i, s in enumerate(shard_of) if s >= k), len(files)) for k in range(1, n)]
    return bounds + [len(files)]


def selection(name, files):
    keys = [(s.encode(), p.encode()) for s, p, _, _ in files]
    assert keys == sorted(set(keys)), name + ": not in canonical order"
    return {
        "name": name,
        "files": [{"source": s, "path": p, "size": z, "read": r} for s, p, z, r in files],
        "selection_sha256": selection_digest(files),
        "partitions": [{"shards": n, "bounds": runs(files, n)} for n in (1, 2, 3, 4, 7, 16)],
    }


print(json.dumps({
    "about": "spec/sharding.md: the selection digest and the partition, written by "
             "make_partition.py from the spec. Each file: source id, path (as recorded), size, read "
             "(true: from disk; false: declared). bounds[k] is the index of shard k's first file; "
             "shard k is [bounds[k], bounds[k+1]).",
    "selections": [selection("mixed", MIXED), selection("huge", HUGE), selection("empty", [])],
}, indent=1, ensure_ascii=False))
