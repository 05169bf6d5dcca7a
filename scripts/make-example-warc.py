#!/usr/bin/env python3
"""Writes the example's small WARC file (examples/training-set-*/archive/):
a warcinfo record, then for each page a request and a response record, one gzip
member per record as Common Crawl ships them. Deterministic (fixed dates, gzip
mtime 0), so the committed file can be re-made byte for byte.
Usage: scripts/make-example-warc.py OUT.warc.gz
"""
import gzip
import hashlib
import sys
import uuid

PAGES = [
    ("https://allotment-diaries.example/2025/01/seed-potatoes", "Chitting seed potatoes",
     "Set the tubers rose end up in egg boxes on a cool, light windowsill. Short, dark green "
     "shoots about two centimetres long mean they are ready to plant in April.", None),
    ("https://allotment-diaries.example/2025/02/rhubarb-forcing", "Forcing rhubarb",
     "An upturned bin over the crown in February gives pale, tender stems four weeks early. "
     "Force a crown one year in three so that it can recover.", "chunked"),
    ("https://allotment-diaries.example/2025/03/caf%C3%A9-garden", "The caf\u00e9 garden",
     "Our neighbour\u2019s caf\u00e9 now grows its own herbs: thyme, sage and two kinds of "
     "mint, kept in pots so that the mint cannot spread.", "gzip"),
]
DATE = "2025-03-04T10:00:00Z"


def record(kind, target, block, content_type, n):
    rid = uuid.uuid5(uuid.NAMESPACE_URL, f"{kind}:{target}:{n}")
    head = [f"WARC/1.1", f"WARC-Type: {kind}", f"WARC-Record-ID: <urn:uuid:{rid}>",
            f"WARC-Date: {DATE}"]
    if target:
        head.append(f"WARC-Target-URI: {target}")
    head += [f"Content-Type: {content_type}", f"Content-Length: {len(block)}"]
    data = ("\r\n".join(head) + "\r\n\r\n").encode() + block + b"\r\n\r\n"
    return gzip.compress(data, mtime=0)


def main() -> None:
    out = [record("warcinfo", None, b"software: make-example-warc.py\r\nformat: WARC File Format 1.1\r\n",
                  "application/warc-fields", 0)]
    for n, (url, title, text, encoding) in enumerate(PAGES, 1):
        html = (f"<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title></head>\n"
                f"<body><h1>{title}</h1>\n<p>{text}</p></body></html>\n").encode("utf-8")
        headers = ["HTTP/1.1 200 OK", "Content-Type: text/html; charset=utf-8"]
        body = html
        if encoding == "gzip":
            body = gzip.compress(html, mtime=0)
            headers.append("Content-Encoding: gzip")
        if encoding == "chunked":
            half = len(body) // 2
            body = b"".join(f"{len(p):x}\r\n".encode() + p + b"\r\n" for p in (body[:half], body[half:]))
            body += b"0\r\n\r\n"
            headers.append("Transfer-Encoding: chunked")
        else:
            headers.append(f"Content-Length: {len(body)}")
        host = url.split("/")[2]
        path = "/" + url.split("/", 3)[3]
        request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: AcmeBot/2.1\r\n\r\n".encode()
        out.append(record("request", url, request, "application/http; msgtype=request", n))
        response = ("\r\n".join(headers) + "\r\n\r\n").encode() + body
        out.append(record("response", url, response, "application/http; msgtype=response", n))
    with open(sys.argv[1], "wb") as f:
        f.write(b"".join(out))


if __name__ == "__main__":
    main()
