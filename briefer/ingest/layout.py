"""Lines of a document -> units: headings and paragraphs, with footnotes set apart.

This is where the page layout is undone: running heads and page numbers go, lines broken
at the page width become paragraphs again, words split at a line end are joined,
footnotes leave the body, and heading lines are recognised with their numbering style.
Meetings and sections are made from the units in `segment`.
"""

from __future__ import annotations

import re
from collections import Counter

from briefer.ingest import clean
from briefer.ingest.headings import (
    CONNECTOR_END_RE,
    ITEM_RE,
    NUMBERED_RE,
    Numbering,
    heading_at,
    numbered_heading,
)
from briefer.ingest.readers import RawDocument
from briefer.ingest.units import Footnote, Layout, Line, Unit, ends_sentence, join_lines, next_text_index
from briefer.ingest.vocabulary import Vocabulary, is_english_word

# --- line preparation -------------------------------------------------------------------

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


def prepare_lines(document: RawDocument) -> tuple[list[Line], Vocabulary]:
    """Clean every line and learn the document's vocabulary."""
    lines: list[Line] = []
    in_marked_bold = False
    for raw in document.lines:
        text = clean.normalize_characters(raw.text)
        collapsed, repeated_share = clean.collapse_repeats_measured(text)
        drawn_bold = repeated_share >= 0.8
        stripped = collapsed.strip()
        marked = clean.has_emphasis_markers(stripped)
        opens = stripped.startswith("**") and not re.search(r"\S\*{2,3}", stripped)
        closes = re.search(r"\S\*{2,3}$", stripped) is not None
        emphasis = drawn_bold or in_marked_bold or (marked and (opens or closes or _all_marked(stripped)))
        if opens:
            in_marked_bold = True
        if closes:
            in_marked_bold = False
        text = clean.undouble_small_caps(clean.strip_emphasis_markers(collapsed))
        indent = len(collapsed) - len(collapsed.lstrip(" "))
        lines.append(Line(text, raw.number, raw.page, raw.style_level, raw.ends_paragraph, emphasis, indent))
    vocabulary = Vocabulary("\n".join(line.text for line in lines))

    def knows(word: str) -> bool:
        return vocabulary.count(word) > 1 or is_english_word(word)

    for line in lines:
        line.text = clean.squeeze_spaces(clean.strip_pdf_operators(line.text, knows))
        if not line.text:
            line.emphasis = False
    return lines, vocabulary


def _all_marked(text: str) -> bool:
    return re.fullmatch(r"\*{2,3}.+\*{2,3}", text) is not None


# --- page furniture ---------------------------------------------------------------------

_PAGE_NUMBER_RE = re.compile(
    r"^(?:page\s+)?[-–—]?\s*\d{1,4}\s*[-–—]?(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE
)
_SEPARATOR_RE = re.compile(r"^[_\-–—=*.·•\s]{4,}$")
# UN job numbers and bar codes printed at a page foot: "GE.19-05612(E)", "*1905612*".
JOB_NUMBER_RE = re.compile(r"^(?:[A-Z]{1,3}\.)?\d{2}-\d{4,6}(?:\s*\([A-Z]\))?(?:\s+\d{6,})?$|^\*\d{6,}\*$")


def remove_page_furniture(lines: list[Line]) -> tuple[list[Line], list[str]]:
    """Drop page numbers, rules and running heads/feet; keep everything else.

    A running head is a short line that stands at the top or foot of at least two pages
    in five. Without page breaks (plain text) there is no telling a running head from a
    heading that a report repeats, so none is removed. The running heads are returned:
    a UN document prints its symbol there.
    """
    edges = _page_edges(lines)
    page_count = len({line.page for line in lines if line.page is not None})
    at_edge: Counter[str] = Counter()
    for index in edges:
        at_edge[lines[index].text] += 1
    # A short head with a number in it (a symbol, a date) needs two pages; words need three.
    running = {
        text
        for text, count in at_edge.items()
        if count >= (2 if len(text) <= 40 and any(ch.isdigit() for ch in text) else 3)
        and count >= 0.4 * page_count
        and len(text) <= 100
    }
    kept: list[Line] = []
    for line in lines:
        text = line.text
        if text and (
            _PAGE_NUMBER_RE.match(text)
            or _SEPARATOR_RE.match(text)
            or JOB_NUMBER_RE.match(text)
            or text in running
        ):
            line = Line("", line.number, line.page)  # keep the break, drop the text
        kept.append(line)
    return kept, sorted(running)


def _page_edges(lines: list[Line], depth: int = 3) -> list[int]:
    """Indexes of the first and last few non-blank lines of every page."""
    by_page: dict[int, list[int]] = {}
    for index, line in enumerate(lines):
        if line.page is not None and line.text:
            by_page.setdefault(line.page, []).append(index)
    edges: list[int] = []
    for indexes in by_page.values():
        edges.extend(sorted(set(indexes[:depth] + indexes[-depth:])))
    return edges


# --- footnotes --------------------------------------------------------------------------

_DECIMAL_END_RE = re.compile(r"\d\.\d+$")
_FOOTNOTE_RE = re.compile(r"^(?P<number>[⁰¹²³⁴⁵⁶⁷⁸⁹]+|\d{1,3})\s+(?P<text>[^\s\d.)].*)$")


def _marker_re(number: str) -> re.Pattern[str]:
    """A footnote reference glued to the word or punctuation it follows: "report1"."""
    return re.compile(r"(?<=[^\W\d_]|[.,;:)”’\"])" + re.escape(number) + r"(?!\d|[.,]\d)")


def extract_footnotes(lines: list[Line]) -> tuple[list[Line], list[Footnote]]:
    """Take footnotes out of the body.

    A footnote starts with its number: in superscript, or in plain digits when it is the
    next number in the document's sequence and a reference to it stands in the text
    just before ("report1"). It runs on until a blank line, the next footnote, or a
    heading-like line.
    """
    body: list[Line] = []
    notes: list[Footnote] = []
    expected = 1
    below = _lines_below(lines)
    i = 0
    while i < len(lines):
        line = lines[i]
        match = _FOOTNOTE_RE.match(line.text)
        superscript = bool(match and not match.group("number").isascii())
        number = match.group("number").translate(_SUPERSCRIPTS) if match else ""
        # Notes start after a break, or (in a PDF) anywhere near the foot of the page.
        at_break = (
            not body
            or not body[-1].text
            or ends_sentence(body[-1].text)
            or (i > 0 and not lines[i - 1].text)
            or below[i] <= 12
        )
        is_note = bool(match) and (
            superscript or (int(number) == expected and at_break and _referenced_before(body, number))
        )
        if not is_note:
            body.append(line)
            i += 1
            continue
        parts = [match.group("text")]
        first = line
        i += 1
        while i < len(lines):
            nxt = lines[i]
            if not nxt.text:
                # A note set with blank lines between its lines runs on mid-sentence.
                j = next_text_index(lines, i, limit=2)
                # ("Roundtable 3.1" ends with a number, not with a sentence and a note mark)
                ended = ends_sentence(parts[-1]) and not _DECIMAL_END_RE.search(parts[-1])
                if j is None or ended or lines[j].indent != first.indent:
                    break
                i, nxt = j, lines[j]
            if _FOOTNOTE_RE.match(nxt.text) or numbered_heading(nxt.text):
                break
            if nxt.emphasis and not first.emphasis:
                break
            if (nxt.indent != first.indent and nxt.indent > 0) or nxt.page != first.page:
                break  # the body text of the next page starts here
            parts.append(nxt.text)
            i += 1
        notes.append(Footnote(number, join_lines(parts), first.number, first.page))
        expected = int(number) + 1
        body.append(Line("", first.number, first.page))
    return body, notes


def _lines_below(lines: list[Line]) -> list[int]:
    """For each line, how many lines with text follow it on its page (many when pages
    are unknown)."""
    below = [10**6] * len(lines)
    count, page = 0, None
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        if line.page is None:
            continue
        if line.page != page:
            count, page = 0, line.page
        below[index] = count
        if line.text:
            count += 1
    return below


def _referenced_before(body: list[Line], number: str, lookback: int = 80) -> bool:
    text = "\n".join(line.text for line in body[-lookback:])
    return _marker_re(number).search(text) is not None


# --- hyphenation ------------------------------------------------------------------------


def join_hyphenated_words(lines: list[Line], vocabulary: Vocabulary) -> None:
    """Join words split by a hyphen at a line end, in place; real hyphens stay."""
    previous: Line | None = None
    for line in lines:
        line.text = clean.resolve_soft_hyphens(line.text, vocabulary.count)
        if not line.text:
            continue
        if previous is not None and previous.text.endswith("-") and not previous.ends_paragraph:
            previous.text, line.text = clean.join_line_end_hyphen(previous.text, line.text, vocabulary.count)
        if line.text:
            previous = line


# --- units ------------------------------------------------------------------------------

_NUMBERED_PARAGRAPH_RE = re.compile(r"^(\d{1,3})\.\s+[A-Z“\"‘(]")


def typical_width(lines: list[Line]) -> int:
    """The page width in characters: what a full line of body text measures."""
    lengths = sorted(len(line.text) for line in lines if len(line.text) >= 20)
    if len(lengths) < 5:
        return 100
    return lengths[int(len(lengths) * 0.9)]


def build_units(lines: list[Line], width: int) -> list[Unit]:
    units: list[Unit] = []
    numbering = Numbering()
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.text:
            i += 1
            continue
        found = heading_at(lines, i, width, numbering)
        if found:
            heading, i = found
            if heading.style in {"roman", "letter"} and heading.number:
                numbering.accept(heading.style, heading.number)
            units.append(heading)
            continue
        parts = [line]
        i += 1
        while i < len(lines) and not parts[-1].ends_paragraph:
            following = lines[i]
            if not following.text or following.style_level is not None:
                break
            previous = parts[-1].text
            if ends_sentence(previous):
                if len(previous) < 0.85 * width or ITEM_RE.match(following.text):
                    break
                if _NUMBERED_PARAGRAPH_RE.match(following.text):
                    break
                if heading_at(lines, i, width, numbering):
                    break
            elif len(previous) < 0.85 * width and heading_at(lines, i, width, numbering):
                break  # a short last line without a full stop: "(FMM West Africa project)"
            elif len(previous) < 0.85 * width and NUMBERED_RE.match(following.text):
                break  # the next item of a list: "I. The economic dimensions" / "II. Irregular..."
            elif (
                len(previous) < 0.6 * width
                and following.text[:1].isupper()
                and not CONNECTOR_END_RE.search(previous)
            ):
                break  # short lines of a title page: "Human Rights Council" / "Forty-first session"
            elif following.emphasis and not parts[-1].emphasis and numbered_heading(following.text):
                break
            parts.append(following)
            i += 1
        text = join_lines([part.text for part in parts])
        number = _NUMBERED_PARAGRAPH_RE.match(text)
        if number:
            numbering.paragraph = int(number.group(1))
        units.append(
            Unit(
                "paragraph",
                text,
                parts[0].number,
                parts[-1].number,
                parts[0].page,
                parts[-1].page,
                number.group(1) if number else None,
                emphasis=all(part.emphasis for part in parts),
            )
        )
    return units


def _join_split_paragraphs(units: list[Unit], breaks: list[int]) -> list[Unit]:
    """Rejoin a paragraph cut in two by a page break or a footnote block.

    The first part stops mid-sentence, and the second starts in lower case or comes
    after a footnote that stood between the two parts (at a line in `breaks`).
    """
    joined: list[Unit] = []
    for unit in units:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and previous.kind == unit.kind == "paragraph"
            and unit.number is None
            and not re.search(r"[.!?…:](?:[\"”’')\]]*)$|\[…\]$", previous.text)
            and (
                unit.text[:1].islower() or any(previous.last_line < line < unit.first_line for line in breaks)
            )
        ):
            previous.text = join_lines([previous.text, unit.text])
            previous.last_line = unit.last_line
            previous.page_end = unit.page_end
            previous.notes.extend(unit.notes)
            continue
        joined.append(unit)
    return joined


_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _raised_mark_re(number: str) -> re.Pattern[str]:
    """A reference set raised: "report¹", not the "¹" of "report¹⁰"."""
    raised = re.escape(number.translate(_SUPERSCRIPT))
    return re.compile(rf"(?<![⁰¹²³⁴⁵⁶⁷⁸⁹]){raised}(?![⁰¹²³⁴⁵⁶⁷⁸⁹])")


def attach_footnotes(units: list[Unit], footnotes: list[Footnote], marks_raised: bool = False) -> None:
    """Give each footnote to the unit that cites it, its marker set in superscript.

    With `marks_raised` (a PDF's layout raised the marks it saw), only a raised mark
    cites a note: the "1" of "Add.1" or "article 35.1" is no reference to note 1.
    """
    for note in footnotes:
        raised = _raised_mark_re(note.number)
        marker = raised if marks_raised else _marker_re(note.number)
        owner = None
        for unit in reversed(units):
            if unit.first_line > note.line:
                continue
            if marker.search(unit.text) or raised.search(unit.text):
                owner = unit
                break
        if owner is None:
            owner = next((u for u in reversed(units) if u.first_line <= note.line), None)
        if owner is None:
            continue
        if owner.kind == "heading":  # a heading shows no reference mark
            owner.text = marker.sub("", owner.text, count=1)
            owner.title = marker.sub("", owner.title, count=1)
        elif not marks_raised:
            owner.text = marker.sub(note.number.translate(_SUPERSCRIPT), owner.text, count=1)
        owner.notes.append(note)


# --- the whole layout step --------------------------------------------------------------


def lay_out(document: RawDocument) -> Layout:
    lines, vocabulary = prepare_lines(document)
    lines, running_heads = remove_page_furniture(lines)
    lines, footnotes = extract_footnotes(lines)
    join_hyphenated_words(lines, vocabulary)
    width = typical_width(lines)
    units = _join_split_paragraphs(build_units(lines, width), [note.line for note in footnotes])
    compounds = vocabulary.compounds()
    for unit in units:
        if unit.kind == "paragraph":
            unit.text = clean.restore_dropped_hyphens(unit.text, compounds)
    attach_footnotes(units, footnotes)
    return Layout(units, footnotes, vocabulary, running_heads)
