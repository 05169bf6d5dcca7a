#!/usr/bin/env python3
"""Writes text.json: the text-normalization vectors of spec/documents.md, "Text".

An implementation independent of the reference one (Python's unicodedata and
hashlib, not utf8proc), so that the vectors check the rule, not the code. Run
with a Python whose unicodedata is Unicode 14 or later; the vectors use no
character assigned after Unicode 14.
"""
import hashlib
import json
import sys
import unicodedata

WHITE_SPACE = set([chr(c) for c in range(0x09, 0x0E)] + [" ", "\u0085", "\u00a0", "\u1680"] +
                  [chr(c) for c in range(0x2000, 0x200B)] +
                  ["\u2028", "\u2029", "\u202f", "\u205f", "\u3000"])
assert len(WHITE_SPACE) == 25


def normalize(data: bytes) -> str:
    text = data.decode("utf-8", errors="strict")  # RFC 3629: no surrogates, shortest form
    text = text.replace("\ufeff", "")
    text = unicodedata.normalize("NFC", text)
    out, pending = [], False
    for ch in text:
        if ch in WHITE_SPACE:
            pending = bool(out)
        else:
            if pending:
                out.append(" ")
            pending = False
            out.append(ch)
    return "".join(out)


def first_invalid_byte(data: bytes) -> int:
    try:
        data.decode("utf-8", errors="strict")
    except UnicodeDecodeError as e:
        return e.start
    return -1


CASES = [
    ("ascii", "Hello, world."),
    ("empty", ""),
    ("only white space", " \t\r\n\u3000"),
    ("trimmed both ends", "  two  words  "),
    ("line ends: CRLF, CR, LF, NEL, LS, PS", "a\r\nb\rc\nd\u0085e\u2028f\u2029g"),
    ("paragraphs and wrapping are one space", "First line\nwrapped.\n\n\nSecond paragraph."),
    ("every White_Space code point", "a" + "".join(sorted(WHITE_SPACE)) + "b"),
    ("each White_Space alone", " ".join("x" + w + "y" for w in sorted(WHITE_SPACE))),
    ("tab and vertical tab and form feed", "a\tb\x0bc\x0cd"),
    ("no-break spaces become spaces", "10\u00a0000\u202fkm"),
    ("zero-width space is not white space", "a\u200bb"),
    ("leading byte order mark removed", "\ufeffText"),
    ("U+FEFF elsewhere removed", "a\ufeffb"),
    ("every U+FEFF removed, after white space too", "\ufeff\ufeffx \ufeffy"),
    ("U+FEFF removed before NFC: the marks compose", "e\ufeff\u0301"),
    ("NFC composes e + combining acute", "Cafe\u0301"),
    ("NFC maps ANGSTROM SIGN to A with ring", "\u212b"),
    ("NFC composes Hangul jamo", "\u1100\u1161\u11a8"),
    ("NFC reorders combining marks", "q\u0307\u0323"),
    ("NFC keeps singleton-free precomposed", "\u00e9t\u00e9"),
    ("not NFKC: ligature kept", "\ufb01nance"),
    ("not NFKC: full-width and superscript kept", "\uff21\u00b2"),
    ("case kept", "ABC abc"),
    ("emoji sequence kept", "\U0001f469\u200d\U0001f52c ok"),
    ("combining mark after a space", "a \u0301b"),
    ("NUL is not white space", "a\x00b"),
    ("right-to-left text", "\u05e9\u05dc\u05d5\u05dd  \u05e2\u05d5\u05dc\u05dd"),
    ("CJK without spaces", "\u8bad\u7ec3\u6570\u636e"),
]

INVALID = [
    ("lone continuation byte", b"ab\x80"),
    ("byte FF", b"\xff"),
    ("truncated sequence at the end", b"caf\xc3"),
    ("overlong encoding of /", b"\xc0\xaf"),
    ("UTF-8 encoded surrogate", b"x\xed\xa0\x80"),
    ("above U+10FFFF", b"\xf4\x90\x80\x80"),
]


def main() -> None:
    vectors = []
    for name, text in CASES:
        data = text.encode("utf-8")
        norm = normalize(data)
        vectors.append({
            "name": name,
            "input_hex": data.hex(),
            "normalized_hex": norm.encode("utf-8").hex(),
            "text_sha256": hashlib.sha256(norm.encode("utf-8")).hexdigest(),
        })
    for name, data in INVALID:
        vectors.append({"name": name, "input_hex": data.hex(), "invalid_at": first_invalid_byte(data)})
    json.dump({"unicode_version_used": unicodedata.unidata_version, "vectors": vectors},
              sys.stdout, indent=1, ensure_ascii=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
