#!/usr/bin/env python3
"""A second implementation of spec/documents.md, in Python's standard library
and written from the spec alone: it re-derives every document entry of a
manifest from the manifest's rules and the files, and compares them with the
entries the manifest holds. It shows that the spec is enough to re-derive the
example's documents, and it fails when the two implementations disagree.

Usage: rederive.py EXPORT.jsonl DATA_DIR
       rederive.py --url-vectors spec/vectors/documents/urls.json
  EXPORT.jsonl: `dtm export MANIFEST --format jsonl` (the records as JSON)
  DATA_DIR: the folder the manifest's paths are relative to

Covered: whole_file, jsonl (plain, gzip, zstd is not: the standard library has
no zstd), warc (plain and gzip), webdataset (tar, plain or gzip). URL hosts
must be ASCII here (the standard library has no IDNA2008); a non-ASCII host is
reported as not covered rather than guessed.
"""
import base64
import gzip
import hashlib
import io
import json
import re
import sys
import tarfile
import unicodedata
import zlib

WHITE_SPACE = set(map(chr, [*range(0x09, 0x0E), 0x20, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B),
                            0x2028, 0x2029, 0x202F, 0x205F, 0x3000]))


class Bad(Exception):
    pass


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- Text --------------------------------------------------------------------

def normalized_text(raw: bytes):
    """The normalized text (spec "Text"), or None if raw is not UTF-8."""
    try:
        s = raw.decode("utf-8")  # strict: rejects surrogates and overlong forms
    except UnicodeDecodeError:
        return None
    s = unicodedata.normalize("NFC", s.replace("\ufeff", ""))
    out, in_space = [], False
    for c in s:
        if c in WHITE_SPACE:
            in_space = True
            continue
        if in_space and out:
            out.append(" ")
        in_space = False
        out.append(c)
    return "".join(out).encode("utf-8")


def text_fields(raw: bytes):
    text = normalized_text(raw)
    if text is None:
        return {}
    return {"text_sha256": sha256(text), "text_bytes": len(text)}


# --- URLs --------------------------------------------------------------------

UNRESERVED = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
SUB_DELIMS = set(b"!$&'()*+,;=")
DEFAULT_PORT = {"http": "80", "ws": "80", "https": "443", "wss": "443", "ftp": "21"}
HEX = "0123456789abcdefABCDEF"


def percent_normalize(part: str, extra: str) -> str:
    data, out, i = part.encode("utf-8"), [], 0
    allowed = UNRESERVED | SUB_DELIMS | set(b":@") | set(extra.encode())
    while i < len(data):
        b = data[i]
        if b == 0x25 and i + 2 < len(data) and chr(data[i + 1]) in HEX and chr(data[i + 2]) in HEX:
            v = int(data[i + 1:i + 3], 16)
            out.append(chr(v) if v in UNRESERVED else "%" + data[i + 1:i + 3].decode().upper())
            i += 3
            continue
        out.append(chr(b) if b in allowed else "%%%02X" % b)
        i += 1
    return "".join(out)


def remove_dot_segments(path: str) -> str:  # RFC 3986 section 5.2.4
    out = []
    while path:
        if path.startswith("../"):
            path = path[3:]
        elif path.startswith("./"):
            path = path[2:]
        elif path.startswith("/./") or path == "/.":
            path = "/" + path[3:]
        elif path.startswith("/../") or path == "/..":
            path = "/" + path[4:]
            if out:
                out.pop()
        elif path in (".", ".."):
            path = ""
        else:
            m = re.match(r"/?[^/]*", path)
            out.append(m.group(0))
            path = path[m.end():]
    return "".join(out)


def canonical_url(url: str) -> str:
    url = url.strip("".join(map(chr, range(0x21))))
    if url.startswith("<") and url.endswith(">"):
        url = url[1:-1]
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        raise Bad("control character in URL")
    m = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", url)
    if not m:
        raise Bad("is not an absolute URL (no scheme)")
    scheme, rest = m.group(1).lower(), url[m.end():]
    rest = rest.split("#", 1)[0]
    rest, has_query, query = rest.partition("?")
    out = scheme + ":"
    if rest.startswith("//"):
        authority, slash, path = rest[2:].partition("/")
        path = slash + path
        userinfo, at, hostport = authority.rpartition("@")
        if at:
            out += "//" + percent_normalize(userinfo, "") + "@"
        else:
            out += "//"
        host, colon, port = hostport.rpartition(":") if not hostport.endswith("]") else (hostport, "", "")
        if not colon:
            host, port = hostport, ""
        if host.startswith("["):
            if not host.endswith("]"):
                raise Bad("has an unclosed IPv6 literal")
            host = host.lower()
        else:
            host = re.sub(r"%([0-9A-Fa-f]{2})", lambda h: chr(int(h.group(1), 16)), host)
            if host.endswith("."):
                host = host[:-1]
            if not host.isascii():
                raise NotImplementedError("a non-ASCII host needs IDNA2008: " + host)
            host = host.lower()
            if any(b not in UNRESERVED | SUB_DELIMS for b in host.encode()):
                raise Bad("host holds a character that is not unreserved or a sub-delim")
            if not host and scheme in DEFAULT_PORT:
                raise Bad("has an empty host")
            if host.startswith(".") or host.endswith(".") or ".." in host:
                raise Bad("host has an empty label")
        if port:
            if not port.isdigit():
                raise Bad("port is not digits")
            port = port.lstrip("0") or "0"
            if int(port) > 65535:
                raise Bad("has a port over 65535")
        out += host + (":" + port if port and port != DEFAULT_PORT.get(scheme) else "")
        path = remove_dot_segments(percent_normalize(path, "/")) or "/"
    else:
        if scheme in ("http", "https"):
            raise Bad("has no host")
        path = remove_dot_segments(percent_normalize(rest, "/"))
        if path.startswith("//"):
            path = "/." + path
    out += path
    if has_query and query:
        out += "?" + percent_normalize(query, "/?")
    return out


# --- JSON Pointers -----------------------------------------------------------

ABSENT = object()


def pointer_get(value, pointer: str):
    for seg in pointer.split("/")[1:]:
        seg = seg.replace("~1", "/").replace("~0", "~")
        if isinstance(value, dict):
            value = value.get(seg, ABSENT)
        elif isinstance(value, list) and re.fullmatch(r"0|[1-9][0-9]*", seg) and int(seg) < len(value):
            value = value[int(seg)]
        else:
            return ABSENT
        if value is ABSENT:
            return ABSENT
    return value


def json_text(value, pointer: str) -> str:
    if "/*/" in pointer + "/" and "*" in pointer.split("/"):
        before, after = pointer.split("/*", 1)
        items = pointer_get(value, before)
        if not isinstance(items, list):
            raise Bad("text pointer does not lead to an array")
        parts = [pointer_get(item, after) if after else item for item in items]
        if not all(isinstance(p, str) for p in parts):
            raise Bad("text is not a string")
        return "\n".join(parts)
    text = pointer_get(value, pointer)
    if not isinstance(text, str):
        raise Bad("text is not a string")
    return text


def id_and_url(value, rule) -> dict:
    out = {}
    if rule.get("id"):
        v = pointer_get(value, rule["id"])
        if isinstance(v, str):
            out["id"] = v
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            out["id"] = json.dumps(v)
        elif v is not None and v is not ABSENT:
            raise Bad("id is not a string or a number")
    if rule.get("url"):
        v = pointer_get(value, rule["url"])
        if isinstance(v, str):
            out["url"] = canonical_url(v)
        elif v is not None and v is not ABSENT:
            raise Bad("url is not a string")
    return out


# --- Formats -----------------------------------------------------------------

def decompressed(data: bytes) -> bytes:
    if data[:2] == b"\x1f\x8b":
        return gzip.decompress(data)  # any number of members
    if data[:4] == b"\x28\xb5\x2f\xfd":
        raise NotImplementedError("zstd")
    return data


def whole_file(data: bytes, rule):
    yield {"ordinal": 0, "size": len(data), "sha256": sha256(data),
           **(text_fields(data) if len(data) <= 64 << 20 else {})}


def jsonl(data: bytes, rule):
    stream, offset, ordinal = decompressed(data), 0, 0
    lines = stream.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for number, line in enumerate(lines, 1):
        start, offset = offset, offset + len(line) + 1
        if line.endswith(b"\r"):
            line = line[:-1]
        if not line.strip(b" \t\r"):
            continue
        value = json.loads(line.decode("utf-8"))
        text = json_text(value, rule["text"]).encode("utf-8")
        yield {"ordinal": ordinal, "line": number, "offset": start, **id_and_url(value, rule),
               "size": len(line), "sha256": sha256(line), **text_fields(text)}
        ordinal += 1


def http_payload(block: bytes):
    head, sep, body = block.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = block.partition(b"\n\n")
        if not sep:
            return None
    fields = {}
    for line in head.replace(b"\r\n", b"\n").split(b"\n")[1:]:
        name, colon, value = line.partition(b":")
        if colon:
            fields[name.strip().lower()] = value.strip().lower()
    if b"chunked" in fields.get(b"transfer-encoding", b""):
        body = dechunked(body) or body
    encoding = fields.get(b"content-encoding", b"")
    try:
        if encoding in (b"gzip", b"x-gzip"):
            body = gzip.decompress(body)
        elif encoding == b"deflate":
            body = zlib.decompress(body)
        elif encoding:
            return None
    except (OSError, zlib.error, EOFError):
        return None
    return body


def dechunked(body: bytes):
    out, pos = b"", 0
    while True:
        end = body.find(b"\r\n", pos)
        size = body[pos:end].split(b";")[0].strip()
        if end < 0 or not re.fullmatch(rb"[0-9A-Fa-f]+", size):
            return None
        n = int(size, 16)
        if n == 0:
            return out
        chunk_end = end + 2 + n
        if body[chunk_end:chunk_end + 2] != b"\r\n":
            return None
        out += body[end + 2:chunk_end]
        pos = chunk_end + 2


def gzip_member_starts(data: bytes):
    """The offset in the file of each gzip member and where its output starts."""
    starts, pos, out = [], 0, 0
    while pos < len(data):
        d = zlib.decompressobj(31)
        produced = len(d.decompress(data[pos:]))
        starts.append((out, pos))
        out += produced
        pos = len(data) - len(d.unused_data)
    return starts


HEADER_END = re.compile(rb"\r?\n\r?\n")


def warc(data: bytes, rule):
    stream = decompressed(data)
    members = gzip_member_starts(data) if data[:2] == b"\x1f\x8b" else None
    pos, ordinal = 0, 0
    while True:
        while pos < len(stream) and stream[pos] in b"\r\n":
            pos += 1
        if pos >= len(stream):
            return
        start = pos
        end = HEADER_END.search(stream, pos)
        head = re.split(rb"\r?\n", stream[pos:end.start()])
        if head[0] not in (b"WARC/1.0", b"WARC/1.1"):
            raise Bad("not a WARC record at %d" % pos)
        fields = {}
        for line in head[1:]:
            name, colon, value = line.partition(b":")
            if colon:
                fields[name.strip().lower()] = value.strip()
        length = int(fields[b"content-length"])
        block = stream[end.end():end.end() + length]
        pos = end.end() + length
        kind = fields.get(b"warc-type", b"").decode()
        if kind not in ("response", "resource", "conversion"):
            continue
        offset = start
        if members is not None:
            offset = max(file_at for out_at, file_at in members if out_at <= start)
        text = block
        if kind == "response" and fields.get(b"content-type", b"").startswith(b"application/http"):
            text = http_payload(block)
        doc = {"ordinal": ordinal, "offset": offset, "id": fields[b"warc-record-id"].decode()}
        if b"warc-target-uri" in fields:
            doc["url"] = canonical_url(fields[b"warc-target-uri"].decode("utf-8"))
        doc.update({"size": len(block), "sha256": sha256(block),
                    **(text_fields(text) if text is not None else {})})
        yield doc
        ordinal += 1


def webdataset(data: bytes, rule):
    tar = tarfile.open(fileobj=io.BytesIO(decompressed(data)), mode="r:")
    groups = []  # consecutive members with one key
    for member in tar:
        if not member.isfile():
            continue
        folder, _, last = member.name.rpartition("/")
        stem, _, ext = last.partition(".")
        key = (folder + "/" if folder else "") + stem
        if not groups or groups[-1][0] != key:
            groups.append((key, member.offset, {}))
        groups[-1][2][ext] = tar.extractfile(member).read()
    for ordinal, (key, offset, members) in enumerate(groups):
        stored = members[rule.get("content") or rule["text"]]
        doc = {"ordinal": ordinal, "offset": offset, "member": key}
        if rule.get("id") or rule.get("url"):
            doc.update(id_and_url(json.loads(members[rule["metadata"]]), rule))
        doc.update({"size": len(stored), "sha256": sha256(stored), **text_fields(members[rule["text"]])})
        yield doc


FORMATS = {"FORMAT_WHOLE_FILE": whole_file, "FORMAT_JSONL": jsonl, "FORMAT_WARC": warc,
           "FORMAT_WEBDATASET": webdataset}


# --- Comparison --------------------------------------------------------------

def as_recorded(entry: dict) -> dict:
    """A DocumentEntry of the export in the form rederived entries take."""
    out = {k: int(entry.get(k, 0)) for k in ("ordinal", "line", "offset", "size")}
    for k in ("member", "id", "url"):
        if entry.get(k):
            out[k] = entry[k]
    out["sha256"] = base64.b64decode(entry["sha256"]).hex()
    if entry.get("text_sha256"):
        out["text_sha256"] = base64.b64decode(entry["text_sha256"]).hex()
        out["text_bytes"] = int(entry.get("text_bytes", 0))
    return out


def check_url_vectors(path: str) -> int:
    """Every vector of urls.json whose host is ASCII, canonicalized here."""
    failures, checked = 0, 0
    with open(path, encoding="utf-8") as f:
        vectors = json.load(f)["vectors"]
    for v in vectors:
        try:
            got = canonical_url(v["input"])
        except NotImplementedError:
            continue
        except Bad as e:
            got = Bad(str(e))
        checked += 1
        want = v.get("canonical")
        if (want is not None and got != want) or (want is None and not isinstance(got, Bad)):
            failures += 1
            print(f"{v['name']}: {v['input']!r} gives {got!r}, the vector says {want or v['error']!r}",
                  file=sys.stderr)
    print(f"{checked} of {len(vectors)} URL vectors checked (the others need IDNA2008): "
          f"{failures} differ")
    return 1 if failures else 0


def main() -> int:
    if sys.argv[1] == "--url-vectors":
        return check_url_vectors(sys.argv[2])
    export, root = sys.argv[1], sys.argv[2]
    rules, files, recorded = {}, [], {}
    with open(export, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            if "source" in record and record["source"].get("documents"):
                rules[record["source"]["id"]] = record["source"]["documents"]
            elif "file" in record and record["file"]["source_id"] in rules:
                files.append(record["file"])
            elif "document" in record:
                d = record["document"]
                recorded.setdefault((d["source_id"], d["path"]), []).append(as_recorded(d))
    failures, documents = 0, 0
    for entry in files:
        key = (entry["source_id"], entry["path"])
        rule = rules[entry["source_id"]]
        with open(f"{root}/{entry['path']}", "rb") as f:
            data = f.read()
        mine = [{"ordinal": 0, "line": 0, "offset": 0, **d} for d in FORMATS[rule["format"]](data, rule)]
        theirs = recorded.get(key, [])
        documents += len(mine)
        if mine != theirs:
            failures += 1
            print(f"{entry['path']}: the re-derived documents differ", file=sys.stderr)
            for a, b in zip(mine + [None] * len(theirs), theirs + [None] * len(mine)):
                if a != b:
                    print(f"  re-derived {a}\n  recorded   {b}", file=sys.stderr)
                    break
    if sum(map(len, recorded.values())) != documents:
        failures += 1
        print("the manifest holds documents of files no rule re-derives", file=sys.stderr)
    print(f"{documents} documents in {len(files)} files re-derived from spec/documents.md: "
          f"{'all equal' if not failures else f'{failures} files differ'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
