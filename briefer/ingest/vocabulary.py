"""Which strings are English words: the evidence behind hyphen and debris decisions.

The word list is pyspellchecker's English frequency list (MIT licence), loaded once and
only when a decision needs it. A document's own words count too: a report that writes
"capacity-building" elsewhere tells us how to join "capacity-" at a line end.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

_WORD_RE = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


@lru_cache(maxsize=1)
def _english() -> dict[str, int]:
    # The list's own file, read directly: half the time of building a SpellChecker from it,
    # which every ingest command paid. The SpellChecker where the file is not found.
    import gzip
    import json
    from importlib.resources import files

    try:
        with gzip.open(str(files("spellchecker") / "resources" / "en.json.gz"), "rt", encoding="utf-8") as f:
            return dict(json.load(f))
    except (OSError, ValueError):
        from spellchecker import SpellChecker

        return dict(SpellChecker(language="en", distance=1).word_frequency.dictionary)


def english_frequency(word: str) -> int:
    """How common a lowercase word is in English (0 when unknown)."""
    return _english().get(word.lower(), 0)


def is_english_word(word: str) -> bool:
    return english_frequency(word) > 0


class Vocabulary:
    """The words of one document, with counts, plus the English list as a fallback."""

    def __init__(self, text: str = "") -> None:
        self.counts: Counter[str] = Counter(_WORD_RE.findall(text.lower()))

    def count(self, word: str) -> int:
        return self.counts.get(word.lower(), 0)

    def knows(self, word: str) -> bool:
        """A word seen in the document or in English."""
        return self.count(word) > 0 or is_english_word(word)

    def compounds(self) -> dict[str, str]:
        """Hyphenated words of the document by their spelling without hyphens, when that
        spelling is not itself used: {"capacitybuilding": "capacity-building"}."""
        found = {}
        for word in self.counts:
            if "-" in word:
                joined = word.replace("-", "")
                if self.counts.get(joined, 0) <= 1:
                    found[joined] = word
        return found


_FUNCTION_WORDS = {
    "en": frozenset("the and of to in is that for with on as by this are".split()),
    "fr": frozenset("le la les des et du une dans est pour que sur au aux par".split()),
    "es": frozenset("el la los las del y en que por con para una se al".split()),
}


def language_of(text: str) -> str:
    """The language a text is written in, by its commonest small words: "en", "fr" or
    "es" ("en" when it cannot tell)."""
    counts = Counter(word for word in _WORD_RE.findall(text.lower()[:200_000]) if len(word) <= 4)
    scores = {language: sum(counts[w] for w in words) for language, words in _FUNCTION_WORDS.items()}
    best = max(scores, key=scores.get)
    return best if scores[best] > 1.2 * scores["en"] or best == "en" else "en"
