"""Dates as meeting reports write them -> ISO dates.

English, French, Spanish (and Portuguese and Polish month names): "16-17 May 2005",
"September 20-21, 2005", "Genève, le 3 mars 2011", "2 a 4 de mayo de 2012",
"the 28th of March 2022", "4th and 5th January 2010". A date without its day ("April
2003") or without its year ("le 20 juin") gives no date.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

# Month names by number; abbreviations and accentless spellings included, since reports
# and their PDF text use both.
_MONTH_NAMES = [
    "january jan janvier janv enero ene janeiro stycznia styczeń",
    "february feb février fevrier févr fevr febrero feb fevereiro lutego luty",
    "march mar mars marzo março marca marzec",
    "april apr avril abril kwietnia kwiecień",
    "may mai mayo maio maja maj",
    "june jun juin junio junho czerwca czerwiec",
    "july jul juillet juil julio julho lipca lipiec",
    "august aug août aout agosto sierpnia sierpień",
    "september sep sept septembre septiembre setiembre setembro września wrzesień",
    "october oct octobre octubre outubro października październik",
    "november nov novembre noviembre novembro listopada listopad",
    "december dec décembre decembre déc diciembre dic dezembro grudnia grudzień",
]
MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names.split()}
# Longest names first, so that "mars" is not read as "mar" and "juillet" not as "juil".
_MONTH = "(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th|er|ro|º|°)?"
_YEAR = r"(?:1[89]|2[01])\d\d"
# Between the days of a range: "8-19", "15 to 16", "2 a 4", "du 3 au 5", "2 y 3", "4th and 5th".
_LINK = r"(?:\s*[-–—]\s*|\s+(?:to|and|until|through|au|à|et|a|al|y|e)\s+)"
_OF = r"(?:\s+(?:of|de))?\s+"  # "28th of March", "14 de noviembre"
_YEAR_SEP = r"(?:,|\s+de|\s+del)?\s+"  # "May 2005", "March, 2022", "noviembre de 2023"
_PATTERNS = [
    # 15 March - 2 April 2006, 30 juin au 2 juillet 2010
    rf"(?P<d1>{_DAY}){_OF}(?P<m1>{_MONTH}){_LINK}(?P<d2>{_DAY}){_OF}(?P<m2>{_MONTH}){_YEAR_SEP}(?P<y>{_YEAR})",
    # 16-17 May 2005, 15 to 16 October 2003, 2 a 4 de mayo de 2012, 4th and 5th January 2010
    rf"(?P<d1>{_DAY}){_LINK}(?P<d2>{_DAY}){_OF}(?P<m1>{_MONTH}){_YEAR_SEP}(?P<y>{_YEAR})",
    # 12 July 2006, 3 mars 2011, 14 de noviembre de 2023, the 28th of March 2022
    rf"(?P<d1>{_DAY}){_OF}(?P<m1>{_MONTH}){_YEAR_SEP}(?P<y>{_YEAR})",
    # September 20-21, 2005
    rf"(?P<m1>{_MONTH})\s+(?P<d1>{_DAY}){_LINK}(?P<d2>{_DAY}),?\s+(?P<y>{_YEAR})",
    # September 20, 2005
    rf"(?P<m1>{_MONTH})\s+(?P<d1>{_DAY}),?\s+(?P<y>{_YEAR})",
    # 2005-09-20
    r"(?P<iso>\d{4}-\d{2}-\d{2})",
]
_COMPILED = [re.compile(rf"(?<![\w/.-]){p}(?![\w/])", re.IGNORECASE) for p in _PATTERNS]
# A month with a day or a year but not both: a date that gives no date, yet marks a line
# as a date line rather than a title ("April 2003", "le 20 juin").
_PARTIAL_RE = re.compile(
    rf"(?<!\w)(?:{_DAY}{_OF}{_MONTH}|{_MONTH}{_YEAR_SEP}{_YEAR}|{_MONTH}\s+{_DAY})(?!\w)", re.IGNORECASE
)


def _month_number(name: str) -> int | None:
    name = name.lower().rstrip(".")
    if name in MONTHS:
        return MONTHS[name]
    plain = "".join(ch for ch in unicodedata.normalize("NFD", name) if not unicodedata.combining(ch))
    return MONTHS.get(plain)


def _iso(year: str, month: str, day: str) -> str | None:
    number = _month_number(month)
    if number is None:
        return None
    try:
        return date(int(year), number, int(re.sub(r"\D", "", day))).isoformat()
    except ValueError:
        return None


def find_date_range(text: str) -> tuple[str, str, str] | None:
    """The first date or date range in text: (start ISO, end ISO, the words it was read from)."""
    best: tuple[int, tuple[str, str, str]] | None = None
    for pattern in _COMPILED:
        for match in pattern.finditer(text):
            found = _read_match(match)
            if found is None:
                continue
            # Patterns run from the most to the least specific; keep the earliest in the text.
            if best is None or match.start() < best[0]:
                best = (match.start(), found)
            break
    return best[1] if best else None


def has_date_words(text: str) -> bool:
    """Does the text give a date, even one without its day or year ("April 2003")?"""
    return bool(find_date_range(text) or _PARTIAL_RE.search(text))


def _read_match(match: re.Match[str]) -> tuple[str, str, str] | None:
    groups = match.groupdict()
    if groups.get("iso"):
        try:
            start = end = date.fromisoformat(groups["iso"]).isoformat()
        except ValueError:
            return None
        return start, end, match.group(0)
    start = _iso(groups["y"], groups["m1"], groups["d1"])
    end_month = groups.get("m2") or groups["m1"]
    end = _iso(groups["y"], end_month, groups["d2"]) if groups.get("d2") else start
    if start is None or end is None or end < start:
        return None
    return start, end, match.group(0)
