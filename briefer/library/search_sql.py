"""The SQL of a search: the filters' conditions, and the matching used where SQLite has no
FTS5 (LIKE over text folded to lower case without accents)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from briefer.library.query import ParsedQuery, word_stem


@dataclass(slots=True)
class SectionFilter:
    themes: list[str] = field(default_factory=list)
    all_themes: bool = False
    meeting_id: str | None = None
    meeting_ids: list[str] = field(default_factory=list)  # any of these meetings
    organizer: str | None = None  # part of an organiser's name, any case
    country: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    levels: list[int] = field(default_factory=list)
    kinds: tuple[str, ...] = ("body", "front_matter", "annex")
    query: str | None = None


def fold(text: str) -> str:
    """Lower case without accents: the fallback's way of matching like FTS5 does."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return (
        " "
        + " ".join(re.findall(r"[^\W_]+", "".join(ch for ch in text if not unicodedata.combining(ch))))
        + " "
    )


def filter_sql(filters: SectionFilter, theme_bits: dict[str, int]) -> tuple[list[str], list[Any]]:
    """WHERE conditions (on sections `s`) and their parameters for the filters; a section's
    themes are a bit mask, `theme_bits` the bit of each theme the index knows."""
    where: list[str] = []
    params: list[Any] = []
    if filters.kinds and set(filters.kinds) != {"body", "front_matter", "annex"}:
        where.append(f"s.kind IN ({','.join('?' * len(filters.kinds))})")
        params.extend(filters.kinds)
    if filters.themes:
        mask = sum(1 << theme_bits[theme] for theme in set(filters.themes) if theme in theme_bits)
        if filters.all_themes and not set(filters.themes) <= theme_bits.keys():
            where.append("0")  # a theme no section has
        elif filters.all_themes:
            where.append("(s.themes & ?) = ?")
            params.extend([mask, mask])
        else:
            where.append("(s.themes & ?) != 0")
            params.append(mask)
    if filters.meeting_id:
        where.append("s.meeting_id = ?")
        params.append(filters.meeting_id)
    if filters.meeting_ids:
        where.append(f"s.meeting_id IN ({','.join('?' * len(filters.meeting_ids))})")
        params.extend(filters.meeting_ids)
    meeting_conditions = []
    if filters.organizer:
        meeting_conditions.append("m.organizers LIKE ?")
        params.append(f"%{filters.organizer.casefold()}%")
    if filters.country:
        meeting_conditions.append("m.country = ?")
        params.append(filters.country.casefold())
    if filters.date_from:
        meeting_conditions.append("m.end_date >= ?")
        params.append(filters.date_from)
    if filters.date_to:
        meeting_conditions.append("m.start_date <= ?")
        params.append(filters.date_to)
    if meeting_conditions:
        where.append(f"s.meeting_id IN (SELECT id FROM meetings m WHERE {' AND '.join(meeting_conditions)})")
    if filters.levels:
        where.append(f"s.level IN ({','.join('?' * len(filters.levels))})")
        params.extend(max(-1, min(level, 2**62)) for level in filters.levels)  # (SQLite's integers)
    return where, params


def plain_match(query: ParsedQuery) -> tuple[str, list[Any]]:
    """The fallback without FTS5: every word (or phrase) in the folded text, by LIKE."""
    clauses, params = [], []
    for term, negative in [(t, False) for t in query.include] + [(t, True) for t in query.exclude]:
        if negative:  # "(word OR stem*)": the stem's prefix covers every form
            alternatives = [term.split(" OR ")[-1].strip("()")] if term.startswith("(") else [term]
        else:  # "(a OR b)" from "a OR b"
            alternatives = term.strip("()").split(" OR ") if term.startswith("(") else [term]
        matches = []
        for alternative in alternatives:
            matches.append("s.rowid IN (SELECT rowid FROM section_text WHERE folded LIKE ?)")
            params.append(like_pattern(alternative))
        either = " OR ".join(matches)
        clauses.append(f"NOT ({either})" if negative else f"({either})")
    return " AND ".join(clauses), params


def like_pattern(term: str) -> str:
    """One FTS5 term as a LIKE pattern over the folded text (the fallback's matching)."""
    prefix = term.endswith("*")
    words = fold(term.strip("*").strip('"').replace('""', '"')).split()
    if not prefix and len(words) == 1:  # word forms, roughly: "remittance" finds "remittances"
        words, prefix = [word_stem(words[0])], True
    return f"% {' '.join(words)}{'%' if prefix else ' %'}"
