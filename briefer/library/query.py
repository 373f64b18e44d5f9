"""The search box's little language -> an SQLite FTS5 query.

    remittance costs        both words (any English form: "remittances", "cost")
    "agreed language"       the exact phrase
    remit*                  words starting so
    trafficking -smuggling  the first word, not the second
    remittances OR diaspora either word

Case and accents never matter ("Cote d'Ivoire" finds "Côte d’Ivoire"); the index's
tokenizer (porter over unicode61, diacritics removed) takes care of that and of word forms.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from briefer.errors import UsageError

_TOKEN_RE = re.compile(r'(?P<neg>-)?(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))')
_WORD_PART_RE = re.compile(r"[^\W_]+", re.UNICODE)
_SUFFIX_RE = re.compile(r"(?:ations?|ings?|ers?|ed|ions?|ies|es|s)$")


def word_stem(word: str) -> str:
    """A rough stem for matching every form of a word by prefix: "smuggling" -> "smuggl"
    (so that "-smuggling" also leaves out "smugglers")."""
    stem = _SUFFIX_RE.sub("", word)
    return stem if len(stem) >= 4 else word


@dataclass(slots=True)
class ParsedQuery:
    include: list[str] = field(default_factory=list)  # FTS5 terms, each quoted
    exclude: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)  # what the user asked for
    # The same, as they match, for marking: each term's words (a phrase's in order) and
    # whether the last is a prefix ("remit*").
    terms: list[tuple[tuple[str, ...], bool]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.include and not self.exclude

    def match_expression(self) -> str | None:
        """The FTS5 MATCH expression, or None when only exclusions were given."""
        if not self.include:
            return None
        expression = " AND ".join(self.include)  # (FTS5 takes no bare AND before a bracket)
        for term in self.exclude:
            expression += f" NOT {term}"
        return expression

    def exclusion_expression(self) -> str | None:
        """For a query of exclusions only: what to leave out."""
        return " OR ".join(self.exclude) if self.exclude else None


def _quote(parts: list[str]) -> str:
    return '"' + " ".join(part.replace('"', '""') for part in parts) + '"'


def parse_query(text: str) -> ParsedQuery:
    """Parse the search box. Never raises: what cannot be a term is ignored."""
    query = ParsedQuery()
    either = False  # the word before was OR: this term is an alternative to the last one
    for match in _TOKEN_RE.finditer(text or ""):
        if match.group("word") == "OR" and not match.group("neg") and query.include:
            either = True
            continue
        negative = bool(match.group("neg"))
        if match.group("phrase") is not None:
            parts = _WORD_PART_RE.findall(match.group("phrase"))
            prefix = False
        else:
            raw = match.group("word")
            prefix = raw.endswith("*")
            parts = _WORD_PART_RE.findall(raw.rstrip("*"))
        if not parts:
            continue
        term = _quote(parts) + ("*" if prefix else "")
        if negative:
            # Leave out every form of an excluded word, not only those the stemmer joins:
            # "-smuggling" leaves out "smugglers" too.
            if len(parts) == 1 and not prefix:
                term = f"({term} OR {_quote([word_stem(parts[0])])}*)"
            query.exclude.append(term)
        elif either:
            query.include[-1] = f"({query.include[-1].strip('()')} OR {term})"
            query.words.extend(parts)
            query.terms.append((tuple(parts), prefix))
        else:
            query.include.append(term)
            query.words.extend(parts)
            query.terms.append((tuple(parts), prefix))
        either = False
    return query


# Endings the index's stemmer (porter) takes off, near enough for marking: "remittance"
# marks "remittances", "migrat" "migration"; "in" marks "in", not "international".
_ENDINGS = r"(?:s|es|ed|ing|ings|ion|ions|ation|ations|er|ers|ies|y|al|ally|ly|ment|ments|e)?"


def match_pattern(terms: list[tuple[tuple[str, ...], bool]]) -> re.Pattern[str] | None:
    """What a query's terms match in folded text (lower case, no accents; see
    `index._fold_keep_length`): each word with the endings the index joins, a phrase's
    words in order, a prefix with any ending. None for no terms."""
    alternatives = []
    for parts, prefix in terms:
        words = []
        for number, part in enumerate(parts):
            folded = _fold(part)
            if prefix and number == len(parts) - 1:
                words.append(re.escape(folded) + r"\w*")
            else:
                stem = word_stem(folded) if len(folded) >= 4 else folded
                words.append(re.escape(stem) + _ENDINGS if stem != folded else re.escape(folded) + _ENDINGS)
        alternatives.append(r"\W+".join(words))
    if not alternatives:
        return None
    alternatives.sort(key=len, reverse=True)  # a phrase before its own words
    return re.compile(rf"\b(?:{'|'.join(alternatives)})\b")


def _fold(text: str) -> str:
    """Lower case without accents, as `index._fold_keep_length` reads the text."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


def date_bound(value: str | None, end: bool) -> str | None:
    """A date range's bound as typed: "2005" -> "2005-01-01" (or "2005-12-31" as an end),
    "2005-06" -> the month's first (or last) day; full dates pass through, checked."""
    if value is None or not value.strip():
        return None
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value.strip())
    if not match:
        raise UsageError(f"'{value}' is not a date; write it as YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    if day:
        try:
            return date(int(year), int(month), int(day)).isoformat()
        except ValueError:
            raise UsageError(f"'{value}' is not a real date") from None
    if month:
        if not 1 <= int(month) <= 12:
            raise UsageError(f"'{value}' is not a real month")
        return f"{year}-{month}-31" if end else f"{year}-{month}-01"
    return f"{year}-12-31" if end else f"{year}-01-01"
