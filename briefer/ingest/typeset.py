"""Paragraphs as a source sets them -> units: which are headings, at which level.

PDF pages and Word documents both show how each paragraph is set: its size, weight,
slant, alignment, and (Word) its heading style. A heading is a short paragraph set apart
from the document's body text by that type or by its numbering; a numbered paragraph in
the body's type is still a paragraph, a table never a heading. Levels follow the
hierarchy of heading styles the document uses: a more prominent type is a higher level;
with the same type, the numbering decides (roman over letters over numbers, "3" over
"3.1").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from briefer.ingest.headings import HeadingNumber, Numbering, heading_number
from briefer.ingest.units import TypeStyle, Unit, ends_sentence


@dataclass(slots=True)
class Typed:
    """One paragraph (or table) with its type, as read from the source."""

    text: str
    first_line: int
    last_line: int
    page_start: int | None
    page_end: int | None
    size: float
    bold: bool
    italic: bool
    centered: bool = False
    indent: float = 0.0  # points from the left edge of its column
    lines: int = 1  # printed lines (1 for a Word paragraph)
    style_level: int | None = None  # a Word heading style: 0 for Title, 1 to 9
    rows: list[list[str]] | None = None  # a table's cells, row by row
    figure: bool = False  # a chart's labels: text of the figure, never a heading


@dataclass(frozen=True, slots=True)
class BodyType:
    """What the document's running text looks like."""

    size: float
    bold: bool
    italic: bool

    def larger(self, size: float) -> bool:
        return size >= self.size + 0.6 and size >= 1.05 * self.size

    def smaller(self, size: float) -> bool:
        return size <= self.size - 0.6 and size <= 0.95 * self.size


def body_type(samples: Iterable[tuple[str, float, bool, bool]]) -> BodyType:
    """The size, weight and slant of most letters, from (text, size, bold, italic)."""
    sizes: Counter[float] = Counter()
    bold = italic = letters = 0
    for text, size, is_bold, is_italic in samples:
        count = sum(map(str.isalpha, text))
        sizes[size] += count
        letters += count
        bold += count if is_bold else 0
        italic += count if is_italic else 0
    size = sizes.most_common(1)[0][0] if sizes else 10.0
    return BodyType(size, bold > 0.5 * letters, italic > 0.5 * letters)


_CAPTION_RE = re.compile(
    r"^(?:table|tableau|tabla|figure|fig\.|graph|chart|box|map|source|sources|note|notes|photo|encadré"
    r"|cuadro|gráfico)\b\s*(?:\d|[A-Z]\b|:|\.)",
    re.IGNORECASE,
)
LEADER_RE = re.compile(r"(?:\.\s?){4,}|…{2,}|(?:_\s?){4,}")  # dot leaders of a contents list
_PARAGRAPH_NUMBER_RE = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){0,2})\.\s+(?=[A-ZÁÉÍÓÚÀÈÂÊÎÔÛÇ“\"‘(¿¡])")
# The code of a form's question or item: "B 1.", "I1.", "K9.If yes".
_ITEM_CODE_RE = re.compile(r"^[A-Z]\s?\d{1,2}\.")
_TWO_SENTENCES_RE = re.compile(r"[a-z\d)]{2}[.!?] +[A-Z]")
# A heading never ends on one of these (a line that does runs on into the next).
_FUNCTION_WORDS = frozenset("and or but nor the a an of to in on for with by at from as its their".split())


def typeset(paragraphs: list[Typed], body: BodyType) -> list[Unit]:
    """Units in order; `assign_levels` gives the headings their levels once the title
    page is set apart."""
    units: list[Unit] = []
    numbering = Numbering()
    for index, paragraph in enumerate(paragraphs):
        if paragraph.rows is not None:
            units.append(_unit(paragraph, "table"))
            units[-1].rows = paragraph.rows
            continue
        following = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
        number = heading_number(paragraph.text, numbering)
        if is_heading(paragraph, number, body, following, numbering):
            units.append(_heading(paragraph, number, body))
            if number is not None and number.family in ("roman", "letter"):
                numbering.accept(number.family, number.number)
            continue
        unit = _unit(paragraph, "paragraph")
        numbered = _PARAGRAPH_NUMBER_RE.match(paragraph.text)
        unit.number = numbered.group(1) if numbered else None
        if unit.number and unit.number.isdigit():
            numbering.paragraph = int(unit.number)
        units.append(unit)
    _reexamine_long_stretches(units, paragraphs, body)
    _unnumber_lists(units)
    return units


def _unnumber_lists(units: list[Unit]) -> None:
    """Short numbered paragraphs 1, 2, 3... that a sentence ending in a colon announces
    are a list's items: their numbers are no paragraph numbers to cite ("paras. 1-4" of
    a report that numbers none)."""
    runs: list[tuple[Unit | None, list[Unit]]] = []  # (the unit before the run, the run)
    for index, unit in enumerate(units):
        if unit.kind != "paragraph" or not (unit.number and unit.number.isdigit()):
            continue
        if runs and int(unit.number) == int(runs[-1][1][-1].number) + 1:
            runs[-1][1].append(unit)
        elif unit.number == "1":
            runs.append((units[index - 1] if index else None, [unit]))
    for before, run in runs:
        announced = before is not None and before.kind == "paragraph" and before.text.rstrip().endswith(":")
        if announced and sum(len(unit.text) for unit in run) < 120 * len(run):
            for unit in run:
                unit.number = None


_LONG_STRETCH = 20_000  # characters: far beyond any section a reader takes in at once


def _reexamine_long_stretches(units: list[Unit], paragraphs: list[Typed], body: BodyType) -> None:
    """A stretch of text far longer than the document's sections (or one that is the
    whole document) holds headings its type did not set apart: there, a short title
    line between two paragraphs, starting with a capital and ending without a full
    stop, is a heading."""
    stretches: list[list[int]] = [[]]
    for index, unit in enumerate(units):
        if unit.kind == "heading":
            stretches.append([])
        else:
            stretches[-1].append(index)
    lengths = sorted(sum(len(units[i].text) for i in stretch) for stretch in stretches if stretch)
    if not lengths:
        return
    # (with few sections, the document's norm is no norm: the stretch may be all of it)
    limit = max(_LONG_STRETCH, 6 * lengths[len(lengths) // 2]) if len(lengths) >= 3 else _LONG_STRETCH
    for stretch in stretches:
        if sum(len(units[i].text) for i in stretch) < limit:
            continue
        for position, index in enumerate(stretch[:-1]):
            # between two paragraphs of text, or opening the document
            around = [stretch[position + 1]] + ([stretch[position - 1]] if position else [])
            if position == 0 and index != 0:
                continue
            if _title_line(units[index].text) and all(
                units[i].kind == "paragraph" and len(units[i].text) >= 150 for i in around
            ):
                units[index] = _heading(paragraphs[index], None, body)


def _title_line(text: str) -> bool:
    words = text.split()
    return (
        1 <= len(words) <= 10
        and text[:1].isalpha()
        and not text[:1].islower()  # (scripts without capitals too)
        and not ends_sentence(text)
        and words[-1].casefold() not in _FUNCTION_WORDS
        and not _CAPTION_RE.match(text)
        and not LEADER_RE.search(text)
    )


def _unit(paragraph: Typed, kind: str) -> Unit:
    return Unit(
        kind,
        paragraph.text,
        paragraph.first_line,
        paragraph.last_line,
        paragraph.page_start,
        paragraph.page_end,
    )


def _heading(paragraph: Typed, number: HeadingNumber | None, body: BodyType) -> Unit:
    unit = _unit(paragraph, "heading")
    unit.type_style = TypeStyle(
        paragraph.size,
        paragraph.bold,
        paragraph.italic,
        is_caps(paragraph.text),
        paragraph.centered,
        paragraph.style_level,
        display=paragraph.size >= 1.5 * body.size,
    )
    if paragraph.style_level == 0:
        unit.style, unit.title = "doctitle", paragraph.text
    elif number is not None:
        unit.number, unit.style, unit.title, unit.depth = (
            number.number,
            number.family,
            number.title,
            number.depth,
        )
    else:
        unit.style, unit.title = "typeset", paragraph.text
    return unit


def is_caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 3 and all(ch.isupper() for ch in letters)


def is_heading(
    paragraph: Typed,
    number: HeadingNumber | None,
    body: BodyType,
    following: Typed | None,
    numbering: Numbering,
) -> bool:
    """Is the paragraph a heading? `numbering`: the letters and paragraph numbers seen
    so far."""
    text = paragraph.text
    words = text.split()
    if not words or len(text) > 300 or len(words) > 40:
        return False
    if paragraph.style_level is not None:
        return True  # the author said so
    if (
        paragraph.lines > 4
        or paragraph.figure
        or _ITEM_CODE_RE.match(text)
        or sum(map(str.isalpha, text)) < 2
    ):
        return False  # (a form's question "D 1. Estimation of...", a page's "5/11")
    title = number.title if number is not None else text
    first = next((ch for ch in title if ch.isalnum()), "")
    if not first or first.islower():  # (a script without capitals starts no lower)
        return False
    if _CAPTION_RE.match(text) or LEADER_RE.search(text):
        return False
    if _TWO_SENTENCES_RE.search(title) or text.endswith((",", ";")):
        return False
    # A sentence set in bold is emphasis; a heading numbered as a part may end with a
    # full stop ("A. Right to personal liberty ... thereof)."), a numbered paragraph not.
    part = number is not None and number.family in ("roman", "letter", "keyword")
    if ends_sentence(text) and not text.endswith(":") and len(words) > (40 if part else 12):
        return False
    if words[-1].casefold() in _FUNCTION_WORDS or (
        len(words) == 1 and text.casefold().strip(".:") in _FUNCTION_WORDS
    ):
        return False  # "...and the right to life, the" runs on; "Or" joins two quotes
    if not text.endswith(":") and _runs_on(following):
        return False  # a heading never runs on into a sentence: a paragraph going on
    size = paragraph.size
    if body.smaller(size) and not paragraph.bold:
        return False
    if (
        body.larger(size)
        or (paragraph.bold and not body.bold)
        or (is_caps(text) and not body.smaller(size))
        or (
            paragraph.italic
            and not body.italic
            and number is not None
            and len(words) <= 12
            and (not ends_sentence(text) or text.endswith(":"))
        )
    ):
        return True
    # A short numbered title in the body's type: "5.1 Board governance" (not "M. Dupont",
    # nor "24. Participants stressed..." after paragraph 23).
    if number is None or number.family == "letter" and not numbering.continues_letters(number.number):
        return False
    if number.family == "arabic" and number.number == str(numbering.paragraph + 1):
        return False
    return (
        number.family in ("arabic", "roman", "keyword", "letter")
        and len(words) <= 12
        and not ends_sentence(text)
        and following is not None
        and following.indent >= paragraph.indent - 1
    )


def _runs_on(following: Typed | None) -> bool:
    """Does the next paragraph carry on a sentence ("had an important role...")? A
    lower-case item mark ("a. Summary of facts") or a label's colon does not."""
    if following is None or following.rows is not None or not following.text[:1].islower():
        return False
    return heading_number(following.text) is None


# --- levels -------------------------------------------------------------------------------

# Numbering families from the outermost, by convention.
_FAMILY_RANK = {"keyword": 0, "roman": 1, "letter": 2, "arabic": 3, "lower_roman": 6, "lower": 7, "paren": 8}


def _prominence(unit: Unit) -> tuple[float, bool, bool]:
    """How prominent a heading's type is: its size, then weight, upright over italic.
    Display type (half as large again as the body) needs no weight to stand out."""
    look = unit.type_style or TypeStyle(0.0, False, False, False, False)
    return (round(look.size * 2) / 2, look.bold or look.display, not look.italic)


def _emphasis(unit: Unit) -> tuple[bool, bool]:
    """What sets a heading apart within the same type: capitals, then centring."""
    look = unit.type_style or TypeStyle(0.0, False, False, False, False)
    return (look.caps, look.centered)


def _rank(unit: Unit) -> float | None:
    """Where the heading's numbering (or Word heading style) stands, outermost first."""
    if unit.style in _FAMILY_RANK:
        rank = _FAMILY_RANK[unit.style]
        return rank + (unit.depth - 1) if unit.style == "arabic" else rank
    return None


def _word_style(unit: Unit) -> int | None:
    return unit.type_style.style_level if unit.type_style else None


def heading_style(unit: Unit) -> tuple:
    """A heading's style: its type, emphasis, numbering family and Word style."""
    return (_prominence(unit), _emphasis(unit), _rank(unit), _word_style(unit))


def assign_levels(units: list[Unit]) -> None:
    """Give each heading its level from the hierarchy of the document's heading styles.

    A heading style is its type, its numbering family and its Word style. A style seen
    among the open headings closes what is under it; a more prominent type closes less
    prominent ones; with the same type, the numbering or the Word style decides;
    otherwise a heading goes under the open ones.
    """
    stack: list[Unit] = []
    for unit in units:
        if unit.kind != "heading":
            continue
        style = heading_style(unit)
        same = next(
            (
                i
                for i, open_ in enumerate(stack)
                if heading_style(open_) == style or _numbered_alike(open_, unit)
            ),
            None,
        )
        if same is not None:
            del stack[same:]
        else:
            while stack and _outranks(unit, stack[-1]):
                stack.pop()
        stack.append(unit)
        unit.level = len(stack)


# Parts of any document: peers of its numbered chapters, whatever their numbering.
_DOCUMENT_PART_RE = re.compile(
    r"^(?:abstract|summary|executive summary|introduction|conclusions?|recommendations|references"
    r"|bibliography|annex(?:es)?|appendix|appendices|acknowledge?ments?|foreword|preface|glossary"
    r"|notes|endnotes|contents|table of contents|index|résumé|conclusion|références|anexos?|resumen)\b",
    re.IGNORECASE,
)


def _numbered_alike(unit: Unit, other: Unit) -> bool:
    """Numbered in one sequence (roman, letters, "3.1"...), whatever their type: "X -"
    set in italics is a peer of "IX." in roman type."""
    return (
        unit.style == other.style
        and unit.style in _FAMILY_RANK
        and unit.style != "keyword"
        and unit.depth == other.depth
    )


def _outranks(unit: Unit, other: Unit) -> bool:
    """Is `unit` a peer or a parent of the open heading `other`?

    The type decides first (size, weight, slant); then the Word styles, or the
    numbering (roman over letters over numbers); then capitals and centring. With the
    same look, a numbered heading after an unnumbered one is its peer ("Abstract",
    "1 Introduction"); an unnumbered one after a numbered one goes under it, unless it
    names a part of any document ("References").
    """
    if unit.style == "doctitle":
        return True
    if unit.style == other.style and unit.style in _FAMILY_RANK:
        # One numbering, whatever the type: "1.3" is a peer of "1.2", "X -" of "IX."
        return _rank(unit) <= _rank(other)
    if _prominence(unit) != _prominence(other):
        return _prominence(unit) > _prominence(other)
    mine_style, their_style = _word_style(unit), _word_style(other)
    if mine_style is not None and their_style is not None:
        return mine_style <= their_style
    rank, other_rank = _rank(unit), _rank(other)
    if rank is not None and other_rank is not None:
        return rank <= other_rank
    if rank is not None and other_rank is None:
        return True
    if _emphasis(unit) != _emphasis(other):
        return _emphasis(unit) > _emphasis(other)
    if other_rank is not None:
        return bool(_DOCUMENT_PART_RE.match(unit.title or unit.text))
    return True
