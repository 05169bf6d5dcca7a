#!/usr/bin/env python3
"""Writes the documents benchmark corpus (bench/documents.sh): JSON Lines shards
(gzip) of news-like articles with ids and URLs, and WARC files (one gzip member
per record) of HTTP responses. Deterministic for a given size.

Usage: gen_documents.py OUT_DIR JSONL_DOCS WARC_RECORDS [SHARDS]
"""
import gzip
import os
import random
import sys

WORDS = ("the of and to in a is that for it as was with be by on not he this are or his from at "
         "which but have an they you were her she there been one all we their has would when if so "
         "no will more out up who about them some could him into its then two time like than only "
         "grid battery river ferry winter organ bakery council harbour market school library "
         "caf\u00e9 na\u00efve r\u00e9sum\u00e9").split()


# Words per article, at most: DTM_BENCH_WORDS (default 200) keeps a corpus of
# a hundred million documents within a disk.
MAX_WORDS = int(os.environ.get("DTM_BENCH_WORDS", "200"))


def article(rng, n):
    words = rng.randint(max(2, MAX_WORDS // 10), MAX_WORDS)
    body = " ".join(rng.choice(WORDS) for _ in range(words))
    paragraphs = body.split(" the ")
    return "\\n\\n".join(paragraphs).replace('"', "'")


def write_jsonl(out, docs, shards, rng):
    # A pool of articles, each used with many ids and URLs: generating stays
    # far faster than the build it feeds, at a hundred million documents too.
    # The document number is part of every text, so no two texts are equal.
    pool = [article(rng, i) for i in range(4096)]
    per = (docs + shards - 1) // shards
    n = 0
    for s in range(shards):
        path = os.path.join(out, "jsonl", f"part-{s:05d}.jsonl.gz")
        with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as f:
            lines = []
            for _ in range(min(per, docs - n)):
                host = "site%d.example" % ((n * 7919) % 5000)
                lines.append('{"id": "doc-%d", "url": "https://%s/%d/a-%d", "text": "No. %d: %s"}\n'
                             % (n, host.upper() if n % 7 == 0 else host, n % 97, n, n,
                                pool[(n * 2654435761) % 4096]))
                n += 1
                if len(lines) == 10000:
                    f.write("".join(lines))
                    lines = []
            f.write("".join(lines))


def write_warc(out, records, shards, rng):
    per = (records + shards - 1) // shards
    n = 0
    for s in range(shards):
        path = os.path.join(out, "warc", f"crawl-{s:05d}.warc.gz")
        with open(path, "wb") as f:
            for _ in range(min(per, records - n)):
                html = ("<!doctype html><html><body><p>%s</p></body></html>\n"
                        % article(rng, n).replace("\\n", "\n")).encode("utf-8")
                http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                        b"Content-Length: " + str(len(html)).encode() + b"\r\n\r\n" + html)
                head = ("WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:%032x>\r\n"
                        "WARC-Target-URI: https://site%d.example/page/%d\r\n"
                        "Content-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n"
                        % (n, rng.randint(0, 5000), n, len(http))).encode()
                f.write(gzip.compress(head + http + b"\r\n\r\n", compresslevel=1, mtime=0))
                n += 1


def main():
    out, docs, records = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    shards = int(sys.argv[4]) if len(sys.argv) > 4 else 8
    os.makedirs(os.path.join(out, "jsonl"), exist_ok=True)
    os.makedirs(os.path.join(out, "warc"), exist_ok=True)
    rng = random.Random(12)
    write_jsonl(out, docs, shards, rng)
    write_warc(out, records, max(1, shards // 2), rng)


if __name__ == "__main__":
    main()
