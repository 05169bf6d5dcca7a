#!/usr/bin/env python3
"""Writes the example's small WebDataset shard (examples/training-set-*/plates/):
a POSIX tar in which each sample is three members with one key, an image
(PNG), its caption (.txt) and its metadata (.json, with the sample's id and the
URL of the catalogue page it was taken from). Deterministic (fixed mtime,
owner and order, PNGs written here), so the committed file can be re-made byte
for byte.
Usage: scripts/make-example-webdataset.py OUT.tar
"""
import io
import json
import struct
import sys
import tarfile
import zlib

# (key, catalogue page, caption, RGB of the plate's paper and of its ink)
PLATES = [
    ("plates/000000", "https://herbarium-prints.example/catalogue/digitalis-purpurea",
     "Foxglove (Digitalis purpurea), hand-coloured engraving, 1787: a spire of purple, "
     "spotted bells above a rosette of soft leaves.", (244, 236, 214), (120, 40, 110)),
    ("plates/000001", "https://herbarium-prints.example/catalogue/Rosa%20canina",
     "Dog rose (Rosa canina), copper engraving, 1790: five pale pink petals round a\n"
     "ring of yellow stamens, with two scarlet hips.", (246, 240, 222), (200, 90, 110)),
    ("plates/000002", "https://HERBARIUM-PRINTS.example:443/catalogue/bellis-perennis#plate",
     "Daisy (Bellis perennis), stipple engraving, 1793: a white ray of petals, tipped\u00a0"
     "crimson, on a single leafless stem.", (250, 246, 232), (230, 200, 60)),
]
MTIME = 1740787200  # 2025-03-01T00:00:00Z


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(paper, ink, size=16) -> bytes:
    """A size x size RGB image: the paper, with a diagonal stroke of ink."""
    rows = b""
    for y in range(size):
        row = b"".join(bytes(ink if abs(x - y) <= 1 else paper) for x in range(size))
        rows += b"\x00" + row  # filter type 0
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) +
            chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = MTIME
    info.mode = 0o644
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    tar.addfile(info, io.BytesIO(data))


def main() -> None:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for key, url, caption, paper, ink in PLATES:
            add(tar, key + ".png", png(paper, ink))
            add(tar, key + ".txt", caption.encode("utf-8"))
            meta = {"id": "hp-" + key.split("/")[1], "url": url, "license": "public domain"}
            add(tar, key + ".json", json.dumps(meta, sort_keys=True).encode() + b"\n")
    with open(sys.argv[1], "wb") as f:
        f.write(out.getvalue())


if __name__ == "__main__":
    main()
