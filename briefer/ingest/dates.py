"""Dates as meeting reports write them -> ISO dates. "16-17 May 2005", "September 20-21, 2005"."""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_LINK = r"\s*(?:-|–|—|to|and|until)\s*"
_PATTERNS = [
    # 15 March - 2 April 2006
    rf"(?P<d1>{_DAY})\s+(?P<m1>{_MONTH}){_LINK}(?P<d2>{_DAY})\s+(?P<m2>{_MONTH}),?\s+(?P<y>\d{{4}})",
    # 16-17 May 2005, 15 to 16 October 2003, 25 and 26 March 2009
    rf"(?P<d1>{_DAY}){_LINK}(?P<d2>{_DAY})\s+(?P<m1>{_MONTH}),?\s+(?P<y>\d{{4}})",
    # 12 July 2006
    rf"(?P<d1>{_DAY})\s+(?P<m1>{_MONTH}),?\s+(?P<y>\d{{4}})",
    # September 20-21, 2005
    rf"(?P<m1>{_MONTH})\s+(?P<d1>{_DAY}){_LINK}(?P<d2>{_DAY}),?\s+(?P<y>\d{{4}})",
    # September 20, 2005
    rf"(?P<m1>{_MONTH})\s+(?P<d1>{_DAY}),?\s+(?P<y>\d{{4}})",
    # 2005-09-20
    r"(?P<iso>\d{4}-\d{2}-\d{2})",
]
_COMPILED = [re.compile(rf"\b{p}\b", re.IGNORECASE) for p in _PATTERNS]


def _iso(year: str, month: str, day: str) -> str | None:
    try:
        number = MONTHS[month.lower().rstrip(".")]
        return date(int(year), number, int(re.sub(r"\D", "", day))).isoformat()
    except (KeyError, ValueError):
        return None


def find_date_range(text: str) -> tuple[str, str, str] | None:
    """The first date or date range in text: (start ISO, end ISO, the words it was read from)."""
    best: tuple[int, tuple[str, str, str]] | None = None
    for pattern in _COMPILED:
        match = pattern.search(text)
        if not match:
            continue
        groups = match.groupdict()
        if groups.get("iso"):
            try:
                start = end = date.fromisoformat(groups["iso"]).isoformat()
            except ValueError:
                continue
        else:
            start = _iso(groups["y"], groups["m1"], groups["d1"])
            end_month = groups.get("m2") or groups["m1"]
            end = _iso(groups["y"], end_month, groups["d2"]) if groups.get("d2") else start
            if start is None or end is None or end < start:
                continue
        candidate = (match.start(), (start, end, match.group(0)))
        # Patterns run from the most to the least specific; keep the earliest in the text.
        if best is None or candidate[0] < best[0]:
            best = candidate
    return best[1] if best else None
