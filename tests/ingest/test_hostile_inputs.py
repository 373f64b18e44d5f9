"""Files made to hurt the reader (issue 13): each is read in bounded time and memory, or
refused alone with a one-line message naming it."""

from __future__ import annotations

import time
from pathlib import Path

from briefer.ingest.pipeline import parse_document
from briefer.ingest.segment import split_meetings
from briefer.ingest.units import Unit

_ROMANS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def _roman_headings_text(size: int) -> str:
    """Short sections under roman headings, numbered I to X over and over, and no report
    text long enough to be a body: the case where looking for one at each heading was
    quadratic."""
    parts, total, index = [], 0, 0
    while total < size:
        part = f"{_ROMANS[index % 10]}. Heading\nsome text\n"
        parts.append(part)
        total += len(part)
        index += 1
    return "".join(parts)


def test_a_megabyte_of_repeated_roman_headings_is_read_in_seconds(tmp_path: Path) -> None:
    path = tmp_path / "romans.txt"
    path.write_text(_roman_headings_text(1_000_000), encoding="utf-8")
    start = time.perf_counter()
    parsed = parse_document(path)
    elapsed = time.perf_counter() - start
    assert parsed.meetings
    assert elapsed < 15, f"{elapsed:.1f} s"  # 2.8 s here; over a minute when quadratic


def test_splitting_many_short_sections_into_meetings_is_linear() -> None:
    units: list[Unit] = []
    for index in range(20_000):
        number = _ROMANS[index % 10]
        units.append(
            Unit(
                "heading",
                f"{number}. Heading",
                2 * index,
                2 * index,
                None,
                None,
                number,
                "roman",
                "Heading",
                None,
            )
        )
        units.append(
            Unit("paragraph", "some text", 2 * index + 1, 2 * index + 1, None, None, None, None, "", None)
        )
    start = time.perf_counter()
    drafts = split_meetings(units)
    elapsed = time.perf_counter() - start
    assert len(drafts) == 1  # no report text: nothing to split after
    assert elapsed < 2, f"{elapsed:.1f} s"  # 0.1 s here; 20 s when quadratic
