#!/usr/bin/env python3
"""Deterministic corpora for bench/run.sh.

  gen_corpus.py large DIR SCALE    64 files of 16..112 MiB (x SCALE), about 4 GiB at SCALE 1
  gen_corpus.py small DIR SCALE    100,000 x SCALE files of 1..16 KiB in 100 folders
  gen_corpus.py listing N PREFIX   declared-file listings of N entries:
      PREFIX.v1.tsv, PREFIX.v2.tsv  `path TAB size TAB sha256` lines (spec/spec-file.md)
      v2 = v1 with 1% of entries modified, 0.5% removed and 0.5% added
  gen_corpus.py sumlist TSV        prints the listing as `sha256sum` prints it ("HEX  PATH")

File bytes come from AES-128-CTR keystreams (openssl enc) with fixed keys, so
every run makes the same bytes; sizes and digests are functions of the index.
"""
import hashlib
import os
import subprocess
import sys

MiB = 1 << 20


class Keystream:
    """Deterministic pseudo-random bytes: AES-128-CTR over zeros, key from `name`."""

    def __init__(self, name):
        key = hashlib.sha256(name.encode()).hexdigest()[:32]
        self.proc = subprocess.Popen(
            ["openssl", "enc", "-aes-128-ctr", "-nosalt", "-K", key, "-iv", "0" * 32],
            stdin=open("/dev/zero", "rb"), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            bufsize=4 * MiB)

    def read(self, n):
        data = self.proc.stdout.read(n)
        if len(data) != n:
            sys.exit("gen_corpus: keystream ended early")
        return data

    def close(self):
        self.proc.kill()
        self.proc.wait()


def write_file(path, size, stream):
    with open(path, "wb") as f:
        left = size
        while left > 0:
            n = min(left, 8 * MiB)
            f.write(stream.read(n))
            left -= n


def large(folder, scale):
    """64 files, sizes 16..112 MiB spread evenly (x scale), in a shuffled order."""
    os.makedirs(folder, exist_ok=True)
    stream = Keystream("dtm-bench-large")
    total = 0
    for i in range(64):
        k = (i * 37) % 64  # a permutation of 0..63: sizes are not in name order
        size = int((16 + 96 * k / 63) * MiB * scale) + (i * 4099) % 4096
        write_file(os.path.join(folder, f"shard-{i:02d}.bin"), size, stream)
        total += size
    stream.close()
    print(f"large: 64 files, {total} bytes")


def small(folder, scale):
    """100,000 x scale files of 1..16 KiB, file j in folder j % 100."""
    count = max(100, round(100000 * scale))
    stream = Keystream("dtm-bench-small")
    for d in range(100):
        os.makedirs(os.path.join(folder, f"d{d:02d}"), exist_ok=True)
    total = 0
    for j in range(count):
        size = 1024 + (j * 2654435761) % (15 * 1024 + 1)
        write_file(os.path.join(folder, f"d{j % 100:02d}", f"f{j:06d}.bin"), size, stream)
        total += size
    stream.close()
    print(f"small: {count} files, {total} bytes")


def listing(n, prefix):
    """Two listings of declared files (no data on disk), in path order."""
    stream = Keystream(f"dtm-bench-listing-{n}")
    batch = 65536
    removed = modified = added = 0
    with open(prefix + ".v1.tsv", "w") as v1, open(prefix + ".v2.tsv", "w") as v2:
        for start in range(0, n, batch):
            count = min(batch, n - start)
            rnd = stream.read(count * 64)
            out1, out2 = [], []
            for k in range(count):
                i = start + k
                digest = rnd[64 * k:64 * k + 32].hex()
                size = 1 + int.from_bytes(rnd[64 * k + 32:64 * k + 36], "little") % (4 * MiB)
                path = f"shard-{i // 10000:04d}/doc-{i:08d}.jsonl"
                out1.append(f"{path}\t{size}\t{digest}\n")
                if i % 200 == 0:
                    removed += 1
                elif i % 100 == 37:
                    modified += 1
                    out2.append(f"{path}\t{size + 1}\t{rnd[64 * k + 36:64 * k + 64].hex()}"
                                f"{digest[:8]}\n")
                else:
                    out2.append(f"{path}\t{size}\t{digest}\n")
                if i % 200 == 101:
                    added += 1
                    out2.append(f"shard-{i // 10000:04d}/doc-{i:08d}-b.jsonl\t{size}\t"
                                f"{digest[8:]}{digest[:8]}\n")
            v1.writelines(out1)
            v2.writelines(out2)
    stream.close()
    print(f"listing: {n} entries; v2: {modified} modified, {removed} removed, {added} added")


def sumlist(tsv):
    out = sys.stdout
    with open(tsv) as f:
        for line in f:
            path, _, digest = line.rstrip("\n").split("\t")
            out.write(f"{digest}  {path}\n")


def main(argv):
    if len(argv) >= 4 and argv[1] in ("large", "small"):
        (large if argv[1] == "large" else small)(argv[2], float(argv[3]))
    elif len(argv) == 4 and argv[1] == "listing":
        listing(int(argv[2]), argv[3])
    elif len(argv) == 3 and argv[1] == "sumlist":
        sumlist(argv[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
