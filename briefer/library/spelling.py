""" "Did you mean …?": a search's words corrected from the library's own vocabulary.

A word of the query that finds nothing, or far fewer sections than a word one or two
letters away ("trafficing", "remitances": the typo itself is in a few reports), is
replaced by that word. Candidates are spellings one edit away that the library's index
holds (its FTS5 vocabulary: names and acronyms too), else one or two edits away that are
English words (pyspellchecker's list); the one finding the most sections wins. The
candidates are counted by the index itself, word forms included, so a suggestion never
finds nothing.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable

from briefer.ingest.vocabulary import english_frequency

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
# A word of the search box that may be a typo: letters only, not an operator, not negated,
# not a prefix ("remit*"), not inside a phrase.
_WORD = re.compile(r'"[^"]*"?|(?<![\w*-])([^\W\d_]{4,})(?![\w*])')
SHORTEST = 4  # shorter words have too many neighbours to guess from
BETTER = 3  # a correction must find this many times the sections the word finds
_CHECKED = 12  # candidates counted in the index, the commonest in English first


def suggest(db: sqlite3.Connection, query: str) -> str | None:
    """The query with its misspelt words corrected, or None when there is nothing to offer."""
    corrected, changed = [], False
    position = 0
    for match in _WORD.finditer(query):
        word = match.group(1)
        if not word or word == "OR":
            continue
        better = _correction(db, word.lower())
        if better:
            better = better.capitalize() if word[0].isupper() else better
            corrected.append(query[position : match.start(1)] + better)
            position = match.end(1)
            changed = True
    if not changed:
        return None
    return "".join(corrected) + query[position:]


def _correction(db: sqlite3.Connection, word: str) -> str | None:
    found = _sections_with(db, word)
    if found and english_frequency(word):
        return None  # a word, found: what was meant
    near = _edits(word)
    candidates = _vocabulary_neighbours(db, near) | {w for w in near if english_frequency(w)}
    if not candidates:  # two edits away: English words only (the index has too many terms)
        candidates = {w for first in near for w in _edits(first) if english_frequency(w)}
    counted = [
        (c, _sections_with(db, c)) for c in sorted(candidates, key=english_frequency, reverse=True)[:_CHECKED]
    ]
    counted = [(c, n) for c, n in counted if n > 0 and n >= BETTER * max(found, 1)]
    if not counted:
        return None
    return max(counted, key=lambda pair: (pair[1], english_frequency(pair[0])))[0]


def _sections_with(db: sqlite3.Connection, word: str) -> int:
    term = '"' + word.replace('"', '""') + '"'
    return db.execute("SELECT count(*) FROM section_text WHERE section_text MATCH ?", (term,)).fetchone()[0]


def _edits(word: str) -> set[str]:
    """Every spelling one deletion, transposition, replacement or insertion away."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return (
        {a + b[1:] for a, b in splits if b}
        | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        | {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
        | {a + c + b for a, b in splits for c in _LETTERS}
    ) - {word}


def _vocabulary_neighbours(db: sqlite3.Connection, near: set[str]) -> set[str]:
    """The spellings of `near` the index holds as terms, but for stems ("traffick"): the
    English word they come from is the one to offer."""
    db.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.section_words USING fts5vocab(main, section_text, row)"
    )
    found: set[str] = set()
    for chunk in _chunks(sorted(near), 500):
        marks = ",".join("?" * len(chunk))
        found.update(
            t for (t,) in db.execute(f"SELECT term FROM temp.section_words WHERE term IN ({marks})", chunk)
        )
    return {t for t in found if english_frequency(t) or not _stem(t)}


def _stem(term: str) -> bool:
    return any(english_frequency(term + end) for end in ("ing", "e", "s", "ed", "ion", "y"))


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
