"""Themes: the taxonomy with its weighted lexicon (data/themes.json), and tagging by it.

A term matches whole words, ignoring case (a hyphenated compound is one word, an
apostrophe ends one); a trailing "*" lets the last word run on ("remittance*" finds
"remittances"). Where terms overlap, the longest wins. A section's score for a theme is the sum of the
weights of the terms found, with terms in the heading counting double. A section gets its
best one to three themes, each with the terms that put it there.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from briefer import paths
from briefer.errors import BrieferError, UsageError
from briefer.ingest.document import ThemeMatch

MAX_THEMES = 3
MIN_SCORE = 4.0  # a theme needs more than one passing mention
RELATIVE_CUT = 0.35  # a second or third theme needs this share of the best one's score
HEADING_WEIGHT = 2.0


@dataclass(frozen=True, slots=True)
class Theme:
    id: str
    label: str
    scope: str
    terms: dict[str, int]


# Words; footnote marks ("capacity⁵") are no part of them (str.isalnum counts "⁵" a digit).
_WORD_RE = re.compile(r"[^\W_⁰¹²³⁴⁵⁶⁷⁸⁹]+(?:-[^\W_⁰¹²³⁴⁵⁶⁷⁸⁹]+)*")


class Lexicon:
    """The themes and their terms, indexed by word sequences for fast matching."""

    def __init__(self, themes: list[Theme]) -> None:
        self.themes = themes
        self.by_id = {theme.id: theme for theme in themes}
        # Exact terms by their words; "*" terms by the words before their stem.
        self._exact: dict[tuple[str, ...], list[tuple[str, int]]] = defaultdict(list)
        self._stems: dict[tuple[str, ...], dict[str, list[tuple[str, int]]]] = defaultdict(dict)
        self._longest_from: dict[str, int] = {}  # first word -> longest term starting with it
        for theme in themes:
            for term, weight in theme.terms.items():
                words = tuple(_WORD_RE.findall(term.lower()))
                if not words:
                    continue
                if term.endswith("*"):
                    self._stems[words[:-1]].setdefault(words[-1], []).append((theme.id, weight))
                else:
                    self._exact[words].append((theme.id, weight))
                if len(words) > 1:
                    self._longest_from[words[0]] = max(self._longest_from.get(words[0], 1), len(words))
        # Stem lengths per head, longest first: the longest stem wins.
        self._stem_lengths = {
            head: sorted({len(stem) for stem in stems}, reverse=True) for head, stems in self._stems.items()
        }
        self._single: dict[str, list[tuple[str, int]]] = {}

    def check_ids(self, ids: Iterable[str]) -> None:
        """The one check of theme ids a user gives: an unknown one is an error naming it."""
        check_theme_ids(ids, self.by_id)

    @classmethod
    def load(cls, path: Path) -> Lexicon:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            themes = [
                Theme(t["id"], t["label"], t.get("scope", ""), {k: int(v) for k, v in t["terms"].items()})
                for t in data["themes"]
            ]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise BrieferError(
                f"{path}: the theme list cannot be read ({error}); "
                "restore the file from the Briefer installation"
            ) from None
        return cls(themes)

    def _stem_hits(self, head: tuple[str, ...], word: str) -> list[tuple[str, int]]:
        stems = self._stems.get(head)
        if stems:
            for length in self._stem_lengths[head]:
                hits = stems.get(word[:length]) if length <= len(word) else None
                if hits:
                    return hits
        return []

    def _longest_phrase_at(self, words: list[str], start: int) -> tuple[int, list[tuple[str, int]]]:
        """The longest term of two words or more starting at words[start]."""
        for size in range(min(self._longest_from[words[start]], len(words) - start), 1, -1):
            span = tuple(words[start : start + size])
            hits = self._hits(span)
            if hits:
                return size, hits
        return 0, []

    def _word_hits(self, word: str) -> list[tuple[str, int]]:
        hits = self._single.get(word)
        if hits is None:
            hits = self._single[word] = self._hits((word,))
        return hits

    def _hits(self, words: tuple[str, ...]) -> list[tuple[str, int]]:
        """The terms these words are, exact or by their stem: each theme's exact term, else
        its stem term ("domestic workers" is labour's term, and gender's "domestic worker*")."""
        exact = self._exact.get(words, [])
        themes = {theme for theme, _ in exact}
        return exact + [hit for hit in self._stem_hits(words[:-1], words[-1]) if hit[0] not in themes]

    def score(self, heading: str, text: str) -> dict[str, dict[str, float]]:
        """theme -> {matched term: contribution}.

        Phrases are found first, longest first, at the words that can open one; each
        word is then counted once, so the work goes by distinct words, not by words.
        """
        scores: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        starters = self._longest_from
        for body, factor in ((heading, HEADING_WEIGHT), (text, 1.0)):
            words = _WORD_RE.findall(body.lower())
            counts = Counter(words)
            taken_until = 0
            for position in [i for i, word in enumerate(words) if word in starters]:
                if position < taken_until:
                    continue
                size, hits = self._longest_phrase_at(words, position)
                if not size:
                    continue
                found = " ".join(words[position : position + size])
                for theme, weight in hits:
                    scores[theme][found] += weight * factor
                counts.subtract(words[position : position + size])  # its words are spent
                taken_until = position + size
            for word, count in counts.items():
                if count > 0:
                    for theme, weight in self._word_hits(word):
                        scores[theme][word] += weight * factor * count
        return scores

    def tag(self, heading: str, text: str) -> list[ThemeMatch]:
        """The section's best one to three themes, each with its evidence."""
        scores = self.score(heading, text)
        ranked = sorted(
            ((sum(terms.values()), theme, terms) for theme, terms in scores.items()),
            key=lambda item: (-item[0], item[1]),
        )
        if not ranked or ranked[0][0] < MIN_SCORE:
            return []
        best = ranked[0][0]
        matches = []
        for total, theme, terms in ranked[:MAX_THEMES]:
            if total < max(MIN_SCORE, RELATIVE_CUT * best):
                break
            evidence = [term for term, _ in sorted(terms.items(), key=lambda kv: (-kv[1], kv[0]))]
            matches.append(ThemeMatch(theme, round(total, 1), evidence[:8]))
        return matches


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    return Lexicon.load(paths.themes_file())


def check_theme_ids(ids: Iterable[str], known: Iterable[str]) -> None:
    known = set(known)
    unknown = [theme for theme in ids if theme not in known]
    if unknown:
        raise UsageError(f"unknown theme '{unknown[0]}'; 'briefer themes' lists the theme ids")
