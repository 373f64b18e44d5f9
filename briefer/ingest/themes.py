"""Themes: the taxonomy with its weighted lexicon (data/themes.json), and tagging by it.

A term matches whole words, ignoring case; a trailing "*" lets the last word run on
("remittance*" finds "remittances"). A section's score for a theme is the sum of the
weights of the terms found, with terms in the heading counting double. A section gets its
best one to three themes, each with the terms that put it there.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from briefer import paths
from briefer.errors import BrieferError
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


class Lexicon:
    def __init__(self, themes: list[Theme]) -> None:
        self.themes = themes
        self.by_id = {theme.id: theme for theme in themes}
        self._exact: dict[str, list[tuple[str, int]]] = defaultdict(list)
        self._prefix: list[tuple[str, int, str, int]] = []  # (prefix, words, theme, weight)
        patterns: list[str] = []
        for theme in themes:
            for term, weight in theme.terms.items():
                term = " ".join(term.lower().split())
                if term.endswith("*"):
                    stem = term[:-1]
                    self._prefix.append((stem, len(stem.split()), theme.id, weight))
                    patterns.append(r"\s+".join(map(re.escape, stem.split())) + r"[\w'’-]*")
                else:
                    self._exact[term].append((theme.id, weight))
                    patterns.append(r"\s+".join(map(re.escape, term.split())))
        patterns.sort(key=len, reverse=True)
        self._regex = re.compile(r"(?<![\w-])(?:" + "|".join(patterns) + r")(?![\w])", re.IGNORECASE)
        self._prefix.sort(key=lambda entry: len(entry[0]), reverse=True)

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

    def _weights(self, found: str) -> list[tuple[str, int]]:
        key = " ".join(found.lower().split())
        if key in self._exact:
            return self._exact[key]
        words = len(key.split())
        hits: dict[str, int] = {}
        for stem, count, theme, weight in self._prefix:
            if count == words and key.startswith(stem) and theme not in hits:
                hits[theme] = weight
        return list(hits.items())

    def score(self, heading: str, text: str) -> dict[str, dict[str, float]]:
        """theme -> {matched term: contribution}."""
        scores: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for body, factor in ((heading, HEADING_WEIGHT), (text, 1.0)):
            for match in self._regex.finditer(body):
                found = match.group(0)
                for theme, weight in self._weights(found):
                    scores[theme][" ".join(found.lower().split())] += weight * factor
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
