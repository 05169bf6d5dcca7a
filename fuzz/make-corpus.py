#!/usr/bin/env python3
"""Regenerates the seed corpus fuzz/corpus/<target>/ from spec/vectors/,
examples/ and tests/data/ (fuzz/README.md). Needs python3 and the zstd command.

Usage: fuzz/make-corpus.py    (from anywhere; rewrites fuzz/corpus/ whole)
"""
import base64
import json
import pathlib
import shutil
import struct
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
VECTOR = ROOT / "spec" / "vectors" / "signing"


def put(target, name, data):
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def frames(manifest):
    """The decompressed frames of a container (spec/container.md, "Layout")."""
    (header_len,) = struct.unpack_from("<I", manifest, 16)
    pos = 20 + header_len
    out = []
    while True:
        (compressed,) = struct.unpack_from("<I", manifest, pos)
        if compressed == 0:
            return out
        data = manifest[pos + 12 : pos + 12 + compressed]
        out.append(subprocess.run(["zstd", "-dc"], input=data, capture_output=True, check=True).stdout)
        pos += 12 + compressed


def spec_parts(path, source_ids):
    """The top of an example spec (everything before `sources:`'s first item)
    followed by the named sources, without comment-only lines."""
    lines = path.read_text().splitlines(keepends=True)
    first = next(i for i, l in enumerate(lines) if l.startswith("  - id:"))
    starts = [i for i, l in enumerate(lines) if l.startswith("  - id:")] + [len(lines)]
    keep = lines[:first]
    for a, b in zip(starts, starts[1:]):
        if lines[a].split()[2] in source_ids:
            keep += lines[a:b]
    return "".join(l for l in keep if not l.lstrip().startswith("#"))


def main():
    shutil.rmtree(CORPUS, ignore_errors=True)
    manifest = (VECTOR / "manifest.dtm").read_bytes()
    bundle_text = (VECTOR / "manifest.dtm.sigstore.json").read_text()
    bundle = json.loads(bundle_text)

    put("container", "signing-vector.dtm", manifest)
    for i, frame in enumerate(frames(manifest)):
        put("records", f"signing-vector-frame{i}", frame)

    v1 = ROOT / "examples" / "training-set-v1" / "dtm.yaml"
    v2 = ROOT / "examples" / "training-set-v2" / "dtm.yaml"
    put("buildspec", "v1-web-crawl.yaml", spec_parts(v1, {"web-crawl"}))
    put("buildspec", "v1-image-captions.yaml", spec_parts(v1, {"image-captions", "pd-books"}))
    put("buildspec", "v2-first-source.yaml", spec_parts(v2, {"web-crawl"}))
    for name in ("minimal.yaml", "full.yaml"):
        put("buildspec", name, (ROOT / "tests" / "data" / "specs" / name).read_bytes())

    put("listing", "full-shards.tsv", (ROOT / "tests" / "data" / "specs" / "full-shards.tsv").read_bytes())
    put("listing", "wayfarer-captions.tsv",
        (ROOT / "examples" / "training-set-v1" / "listings" / "wayfarer-captions.tsv").read_bytes())

    dsse_vector = json.loads((ROOT / "tests" / "data" / "dsse" / "vector.json").read_text())
    put("dsse", "hello-world.json", json.dumps(dsse_vector["envelope"], indent=2))
    put("dsse", "signing-vector-envelope.json", json.dumps(bundle["dsseEnvelope"]))
    put("dsse", "statement.json", (VECTOR / "statement.json").read_bytes())

    put("bundle", "signing-vector.sigstore.json", bundle_text)
    fake_der = [base64.b64encode(b"\x30\x03\x02\x01" + bytes([i])).decode() for i in (1, 2)]
    v02 = dict(bundle, mediaType="application/vnd.dev.sigstore.bundle+json;version=0.2")
    v02["verificationMaterial"] = {
        "x509CertificateChain": {"certificates": [{"rawBytes": d} for d in fake_der]},
        "tlogEntries": []}
    put("bundle", "v02-chain.sigstore.json", json.dumps(v02, indent=2))
    v03 = dict(bundle)
    v03["verificationMaterial"] = {"certificate": {"rawBytes": fake_der[0]}, "tlogEntries": []}
    put("bundle", "v03-certificate.sigstore.json", json.dumps(v03, indent=2))

    expressions = json.loads((ROOT / "spec" / "vectors" / "license-expressions.json").read_text())
    for kind in ("valid", "invalid"):
        for i, case in enumerate(expressions[kind]):
            put("spdx", f"{kind}-{i:02d}", case["expression"])

    put("policy", "example-policy.yaml", (ROOT / "examples" / "policy.yaml").read_bytes())
    put("model", "example-model.yaml", (ROOT / "examples" / "model.yaml").read_bytes())

    proof = ROOT / "spec" / "vectors" / "proof" / "proof.json"
    if (ROOT / "fuzz" / "proof_fuzzer.cc").exists():
        put("proof", "signing-vector-proof.json", proof.read_bytes())
        for name in ("present-url.json", "absent-url.json", "sources.json"):
            put("proof", "lookup-" + name, (ROOT / "spec" / "vectors" / "lookup" / name).read_bytes())


if __name__ == "__main__":
    main()
