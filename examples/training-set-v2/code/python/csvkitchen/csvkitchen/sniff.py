# SPDX-License-Identifier: MIT OR Apache-2.0
# Copyright (c) 2024 csvkitchen contributors
# Maintainer: Tunde Adeyemi <tunde@adeyemi.example>
"""Guess the delimiter and header row of a CSV sample.

The standard library's csv.Sniffer is easily confused by quoted fields that
contain delimiters. This module counts candidate delimiters line by line and
picks the one whose count is most consistent across the sample.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

CANDIDATES = (",", ";", "\t", "|")


@dataclass(frozen=True)
class Dialect:
    delimiter: str
    has_header: bool


def _split_outside_quotes(line: str, delimiter: str) -> list[str]:
    fields, current, quoted = [], [], False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == delimiter and not quoted:
            fields.append("".join(current))
            current = []
            continue
        current.append(ch)
    fields.append("".join(current))
    return fields


def _consistency(lines: list[str], delimiter: str) -> float:
    counts = [len(_split_outside_quotes(line, delimiter)) for line in lines]
    if min(counts) < 2:
        return 0.0
    spread = statistics.pstdev(counts)
    return statistics.mean(counts) / (1.0 + spread)


def _looks_numeric(field: str) -> bool:
    try:
        float(field.strip().strip('"'))
    except ValueError:
        return False
    return True


def sniff(sample: str, max_lines: int = 50) -> Dialect:
    """Returns the most likely dialect of `sample`.

    Raises ValueError when no candidate delimiter splits every line.
    """
    lines = [line for line in sample.splitlines()[:max_lines] if line.strip()]
    if not lines:
        raise ValueError("empty sample")
    scores = {d: _consistency(lines, d) for d in CANDIDATES}
    delimiter = max(scores, key=scores.get)
    if scores[delimiter] == 0.0:
        raise ValueError("no delimiter found")
    rows = [_split_outside_quotes(line, delimiter) for line in lines]
    # A header row has no numeric fields where later rows do.
    has_header = len(rows) > 1 and any(
        _looks_numeric(value) and not _looks_numeric(name) for name, value in zip(rows[0], rows[1])
    )
    return Dialect(delimiter=delimiter, has_header=has_header)
