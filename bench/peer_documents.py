#!/usr/bin/env python3
"""The peer of `dtm build` for documents: Python's standard library doing the
same work per document (parse, SHA-256 of the stored bytes, the text
normalization of spec/documents.md and its SHA-256), on every core (one
process per shard). Prints the number of documents.

Usage: peer_documents.py jsonl|warc FILE...
"""
import gzip
import hashlib
import json
import multiprocessing
import re
import sys
import unicodedata

WS = re.compile("[\u0009-\u000d\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")


def text_digest(text):
    t = unicodedata.normalize("NFC", text.replace("\ufeff", ""))
    return hashlib.sha256(WS.sub(" ", t).strip().encode("utf-8")).digest()


def jsonl(path):
    n = 0
    with gzip.open(path, "rb") as f:
        for line in f:
            line = line.rstrip(b"\n")
            if not line.strip():
                continue
            doc = json.loads(line)
            hashlib.sha256(line).digest()
            text_digest(doc["text"])
            n += 1
    return n


def warc(path):
    n = 0
    with gzip.open(path, "rb") as f:
        while True:
            line = f.readline()
            if not line:
                break
            if not line.startswith(b"WARC/"):
                continue
            headers = {}
            while True:
                h = f.readline().rstrip(b"\r\n")
                if not h:
                    break
                k, _, v = h.partition(b":")
                headers[k.strip().lower()] = v.strip()
            block = f.read(int(headers[b"content-length"]))
            hashlib.sha256(block).digest()
            if headers.get(b"warc-type") == b"response":
                body = block.split(b"\r\n\r\n", 1)[1]
                text_digest(body.decode("utf-8"))
                n += 1
    return n


def main():
    kind, files = sys.argv[1], sys.argv[2:]
    with multiprocessing.Pool() as pool:
        print(sum(pool.map(jsonl if kind == "jsonl" else warc, files)))


if __name__ == "__main__":
    main()
