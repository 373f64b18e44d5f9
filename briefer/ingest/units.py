"""The pieces the layout step works with: cleaned lines, footnotes, units (headings and
paragraphs), and small helpers on their text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from briefer.ingest.vocabulary import Vocabulary


@dataclass(slots=True)
class Line:
    text: str
    number: int
    page: int | None
    style_level: int | None = None
    ends_paragraph: bool = False
    emphasis: bool = False  # drawn bold (repeated runs) or marked bold in the source
    indent: int = 0  # leading spaces in the source: a change often marks a page top


@dataclass(slots=True)
class Footnote:
    number: str
    text: str
    line: int
    page: int | None


@dataclass(frozen=True, slots=True)
class TypeStyle:
    """How a heading is set, where the source shows it (PDF and Word)."""

    size: float
    bold: bool
    italic: bool
    caps: bool
    centered: bool
    style_level: int | None = None  # the Word heading style it carries (0 for Title)
    display: bool = False  # half as large again as the body text, or more


@dataclass(slots=True)
class Unit:
    kind: str  # "heading", "paragraph" or "table"
    text: str
    first_line: int
    last_line: int
    page_start: int | None
    page_end: int | None
    number: str | None = None  # heading number ("III", "A", "1.2") or paragraph number ("23")
    style: str | None = None  # heading numbering style, see HEADING_STYLES
    title: str = ""  # a heading's text without its number
    level: int | None = None  # a level the source states (Word styles, Markdown)
    emphasis: bool = False
    notes: list[Footnote] = field(default_factory=list)
    type_style: TypeStyle | None = None
    depth: int = 1  # parts of an arabic heading number ("3.1.2" is 3)
    rows: list[list[str]] | None = None  # a table's cells, row by row (kind "table")


@dataclass(slots=True)
class Layout:
    """A document laid out: its units in reading order and what was set apart."""

    units: list[Unit]
    footnotes: list[Footnote]
    vocabulary: Vocabulary
    running_heads: list[str]  # texts at the top or foot of every page
    starts: list[int] = field(default_factory=list)  # units where another document begins
    heads_by_page: dict[int, list[str]] = field(default_factory=dict)  # a PDF's running heads

    def running_heads_of(self, units: list[Unit]) -> list[str]:
        """The running heads on the pages of these units (one of several documents)."""
        pages = sorted({u.page_start for u in units if u.page_start is not None} & set(self.heads_by_page))
        heads = [head for page in pages for head in self.heads_by_page[page]]
        return list(dict.fromkeys(heads)) or self.running_heads


# Numbered styles first, from the outermost by convention; then unnumbered ones.


HEADING_STYLES = ("roman", "session", "letter", "arabic", "paren", "keyword", "caps", "emphasis", "title")
NUMBERED_STYLES = frozenset({"roman", "session", "letter", "arabic", "paren"})

# A sentence end, perhaps followed by closing quotes and a footnote mark ("sea.5", "media.¹").
SENTENCE_END_RE = re.compile(r"[.!?;:…。！？؟۔](?:[\"”’')\]」』]*)(?:\d{1,2}|[¹²³⁴⁵⁶⁷⁸⁹⁰]{1,2})?$|\[…\]$")
# Abbreviations whose full stop does not end a sentence: "(No. / 189)", "Mr. / Smith".
_ABBREVIATION_END_RE = re.compile(
    r"\b(?:No|Nos|Mr|Ms|Mrs|Dr|Prof|para|paras|Art|arts|vol|p|pp|e\.g|i\.e|cf|St|Rev|H\.E|Amb)\.$"
)


def ends_sentence(text: str) -> bool:
    return bool(SENTENCE_END_RE.search(text)) and not _ABBREVIATION_END_RE.search(text)


def next_text_index(lines: list[Line], i: int, limit: int = 3) -> int | None:
    for j in range(i + 1, min(len(lines), i + 1 + limit)):
        if lines[j].text:
            return j
    return None


def previous_text(lines: list[Line], i: int) -> str:
    for j in range(i - 1, max(-1, i - 4), -1):
        if lines[j].text:
            return lines[j].text
    return ""


_UNSPACED = re.compile("[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def join_lines(parts: list[str]) -> str:
    text = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if not text:
            text = part
        elif text.endswith("-") and not text.endswith(" -"):
            text += part  # a real hyphen at the line end stays, without a space after it
        elif _UNSPACED.match(text[-1]) and _UNSPACED.match(part[0]):
            text += part  # Chinese and Japanese put no space between words
        else:
            text += " " + part
    return text
