"""A PDF's lines in reading order -> units: headings, paragraphs, tables and footnotes.

What the text path guesses from characters, this path reads off the page: running heads
and feet are text repeated at the same place on many pages; footnotes are the smaller
type at a page's foot (below a rule, each starting with its mark); tables are runs of
lines whose cells line up; paragraphs end where the spacing, the indent or the type
changes; headings are set apart by their type (size, weight, capitals, centring) from
the document's body text, and their levels follow the hierarchy of heading styles the
document itself uses.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from briefer.ingest import clean
from briefer.ingest.headings import CONNECTOR_END_RE, heading_number
from briefer.ingest.layout import JOB_NUMBER_RE, attach_footnotes, join_hyphenated_words
from briefer.ingest.page_layout import Cell, PdfPage, TextLine
from briefer.ingest.typeset import LEADER_RE, BodyType, Typed, body_type, is_caps, typeset
from briefer.ingest.units import Footnote, Layout, Line, Unit, ends_sentence, join_lines
from briefer.ingest.vocabulary import Vocabulary, is_english_word


@dataclass(slots=True)
class Placed:
    """A line of the document with what the layout decided about it."""

    line: TextLine
    number: int  # 1-based, in the document's reading order
    role: str = "body"  # "body", "furniture", "note", "table"
    edges: tuple[float, float] = (0.0, 0.0)  # where the column's running text starts and ends
    middle: float = 0.0  # the line titles are centred on: the page's, or a narrow column's


@dataclass(slots=True)
class Block:
    """Body lines that read as one: a paragraph, a heading or a table."""

    lines: list[Placed]
    kind: str = "text"  # "text", "table" or "figure" (a chart's labels)

    @property
    def first(self) -> TextLine:
        return self.lines[0].line

    @property
    def last(self) -> TextLine:
        return self.lines[-1].line

    @property
    def size(self) -> float:
        sizes: Counter[float] = Counter()
        for placed in self.lines:
            sizes[placed.line.size] += len(placed.line.text)
        return sizes.most_common(1)[0][0]

    @property
    def bold(self) -> bool:
        return all(p.line.bold for p in self.lines)

    @property
    def italic(self) -> bool:
        return all(p.line.italic for p in self.lines)

    @property
    def centered(self) -> bool:
        return all(_is_centered(p) for p in self.lines)


def _is_centered(p: Placed, margin: float = 0.06, balance: float = 0.05) -> bool:
    """Set in the middle (of the page, or of a narrow column), clear of the text's left
    edge (an indented first line of a paragraph is not)."""
    left, right = p.edges
    width = max(1.0, right - left)
    return p.line.x0 - left > margin * width and abs((p.line.x0 + p.line.x1) / 2 - p.middle) < balance * width


def _set_apart(centred: Placed, other: Placed) -> bool:
    """Is one line centred and the other set short from the left edge? (A centred
    title's wide line, nearly the column's width, goes with the centred one below it.)"""
    left, right = other.edges
    width = max(1.0, right - left)
    short_left = other.line.x0 - left < 0.03 * width and other.line.x1 - other.line.x0 < 0.85 * width
    return short_left and _is_centered(centred, 0.12)


def lay_out_pdf(pages: list[PdfPage]) -> Layout:
    placed = _number_lines(pages)
    leading = line_pitches(pages)
    body = body_type((line.text, line.size, line.bold, line.italic) for page in pages for line in page.lines)
    heads_by_page = mark_furniture(pages, placed, body)
    footnotes = take_footnotes(pages, placed, body)
    footnotes += take_endnotes(placed, body)
    for p in (p for rows in placed for p in rows if p.role == "body"):
        if _TYPED_RULE_RE.match(p.line.text.replace(" ", "")):
            p.role = "furniture"  # a rule typed as underscores (above notes, under a title): no text
    mark_tables(pages, placed)
    vocabulary = Vocabulary("\n".join(p.line.text for page in placed for p in page if p.role != "furniture"))
    paragraphs = [_typed(block, vocabulary) for block in join_split_blocks(build_blocks(placed, leading))]
    units = typeset([p for p in paragraphs if p.text], body)
    attach_footnotes(units, footnotes, marks_raised=True)
    running = list(dict.fromkeys(head for page in sorted(heads_by_page) for head in heads_by_page[page]))
    return Layout(units, footnotes, vocabulary, running, document_starts(units, heads_by_page), heads_by_page)


def _number_lines(pages: list[PdfPage]) -> list[list[Placed]]:
    number = 0
    result = []
    for page in pages:
        row = []
        for line in page.lines:
            line.text = _clean_text(line.text)
            number += 1
            row.append(Placed(line, number))
        _set_text_edges(row, page.width)
        result.append(row)
    return result


def _set_text_edges(row: list[Placed], page_width: float) -> None:
    """Per column: the left edge most full lines start at and the right edge they reach
    (a column's bounds may hold a marginal number or a wide table), and the middle a
    title is centred on (the page's, when the column is most of its width)."""
    by_column: dict[tuple[float, float], list[Placed]] = {}
    for p in row:
        by_column.setdefault(p.line.column, []).append(p)
    for column, lines in by_column.items():
        full = [p.line for p in lines if len(p.line.text) >= 40] or [p.line for p in lines]
        starts = Counter(round(line.x0 / 2) * 2 for line in full)
        left = starts.most_common(1)[0][0] if starts else column[0]
        ends = sorted(line.x1 for line in full)
        right = ends[int(0.9 * (len(ends) - 1))] if ends else column[1]
        middle = page_width / 2 if right - left >= 0.6 * page_width else (left + right) / 2
        for p in lines:
            p.edges = (left, max(right, left + 1))
            p.middle = middle


def _clean_text(text: str) -> str:
    """The text path's repairs of a line, once: a PDF line holds no Markdown, and its
    text drawn twice over at one place was dropped with its words."""
    text = clean.normalize_characters(text)
    text = clean.collapse_repeats(text)
    text = clean.undouble_small_caps(text)
    return clean.squeeze_spaces(clean.strip_pdf_operators(text, is_english_word))


# --- line pitch ---------------------------------------------------------------------------


def line_pitches(pages: list[PdfPage]) -> dict[float, float]:
    """The usual distance from one line to the next, per type size."""
    pitches: dict[float, list[float]] = {}
    for page in pages:
        for above, below in zip(page.lines, page.lines[1:], strict=False):
            if above.size == below.size and above.column == below.column and below.top > above.top:
                pitches.setdefault(above.size, []).append(below.top - above.top)
    leading = {}
    for key, values in pitches.items():
        # A size with few lines to measure (a heading's) tells the gap between headings,
        # not its line pitch.
        if len(values) >= 8:
            values.sort()
            leading[key] = values[len(values) // 3]  # the tighter third: lines within a paragraph
    return leading


# --- page furniture -----------------------------------------------------------------------

_PAGE_LABEL_RE = re.compile(
    r"^[-–—]?\s*(?:(?:page|p\.|pág\.?|página|pagina|seite|strona)\s*)?[-–—]?\s*"
    r"(?:\d{1,4}(?:\s*(?:of|/|de|sur|von|z)\s*\d{1,4})?[^\w\s]?"  # (with a stray sign: "5/11?")
    r"|[ivxlc]{1,7})\s*[-–—]?$",
    re.IGNORECASE,
)
# A job number's date stamp printed beside it at a page foot ("21-02065 (E)  170221").
_DATE_STAMP_RE = re.compile(r"^\d{6}$")
_EDGE_LINES = 3  # lines at the top and at the foot of a page that may be furniture
_EDGE_SHARE = 0.2  # of the page height: furniture stands in the top or bottom fifth


def _furniture_key(text: str) -> str:
    """Running heads differ from page to page by their numbers only."""
    return re.sub(r"\d+", "#", " ".join(text.casefold().split()))


def _edge_lines(page: PdfPage, placed: list[Placed]) -> list[tuple[str, Placed]]:
    """(zone, line) for the lines that stand at the top or the foot of the page."""
    # (type of a point or two is no running head: a damaged page's stray text)
    upright = sorted(
        (p for p in placed if p.line.upright and p.line.text and p.line.size >= 4), key=lambda p: p.line.top
    )
    found: list[tuple[str, Placed]] = []
    for p in upright[:_EDGE_LINES]:
        if p.line.bottom <= _EDGE_SHARE * page.height:
            found.append(("top", p))
    for p in upright[-_EDGE_LINES:]:
        if p.line.top >= (1 - _EDGE_SHARE) * page.height and all(p is not q for _, q in found):
            found.append(("foot", p))
    return found


def mark_furniture(pages: list[PdfPage], placed: list[list[Placed]], body: BodyType) -> dict[int, list[str]]:
    """Mark running heads and feet, page numbers and job numbers as furniture.

    A running head is a line at the top or foot of a page whose text (numbers aside)
    stands at about the same height on several pages. Returns, by page, the running
    heads printed on it (a UN document prints its symbol there).
    """
    seen: dict[tuple[str, str], list[tuple[int, float]]] = {}
    edges = [_edge_lines(page, rows) for page, rows in zip(pages, placed, strict=True)]
    for page, found in zip(pages, edges, strict=True):
        for zone, p in found:
            if zone == "foot" and _is_note_start(p.line.text):
                continue  # a note at the foot ("12 Id. at 9-10."), however often it recurs
            if len(p.line.cells) <= 1 and (
                body.larger(p.line.size) or heading_number(p.line.text) is not None
            ):
                continue  # a heading that opens each page ("Session 2"), not a running head
            for text in _furniture_parts(p.line):
                seen.setdefault((zone, _furniture_key(text)), []).append((page.number, p.line.top))
    needed = 2 if len(pages) <= 4 else 3
    running: set[tuple[str, str]] = set()
    for key, places in seen.items():
        tops = sorted(top for _, top in places)
        median = tops[len(tops) // 2]
        pages_there = {number for number, top in places if abs(top - median) <= 12}
        # (words or a symbol, not numbers: "12." atop many pages is the paragraphs' numbering)
        letters = sum(ch.isalpha() for ch in key[1])
        if len(pages_there) >= needed and (letters >= 2 or letters and "/" in key[1]) and len(key[1]) <= 150:
            running.add(key)
    heads: dict[int, list[str]] = {}
    for page, found in zip(pages, edges, strict=True):
        for zone, p in found:
            if zone == "foot" and _is_note_start(p.line.text):
                continue
            furniture = [
                t
                for t in _furniture_parts(p.line)
                if _is_furniture(t) or (zone, _furniture_key(t)) in running
            ]
            _drop_parts(p, furniture)
            heads.setdefault(page.number, []).extend(
                t for t in furniture if (zone, _furniture_key(t)) in running
            )
    # A running head printed elsewhere too (the symbol in a title page's masthead) is the
    # same furniture: numbered pieces only, so that a title repeated as the head stays.
    symbols = {key for _, key in running if "#" in key and len(key) <= 40}
    for rows in placed:
        for p in rows:
            if not p.line.upright:  # text set at an angle (a stamp in the margin)
                p.role = "furniture"

            elif p.role == "body" and symbols:
                _drop_parts(p, [t for t in _furniture_parts(p.line) if _furniture_key(t) in symbols])
    return heads


_SYMBOL_RE = re.compile(r"^[A-Z]{1,8}(?:/[A-Z0-9][A-Za-z0-9.\-]*){1,6}$")


def document_starts(units: list[Unit], heads_by_page: dict[int, list[str]]) -> list[int]:
    """Where another document begins in a file holding several: the first unit of a
    page whose running symbol differs from the page before's (the strong evidence; a
    word in a sentence never starts one)."""
    symbols_by_page = {
        page: symbol
        for page, heads in heads_by_page.items()
        if (symbol := next((h for h in heads if _SYMBOL_RE.match(h)), None))
    }
    starts: list[int] = []
    pages = sorted(symbols_by_page)
    new_pages = {
        page
        for before, page in zip(pages, pages[1:], strict=False)
        if symbols_by_page[page] != symbols_by_page[before]
    }
    for index, unit in enumerate(units):
        if unit.page_start in new_pages and index > 0:
            new_pages.discard(unit.page_start)
            starts.append(index)
    return starts


def _drop_parts(p: Placed, parts: list[str]) -> None:
    """Take furniture out of a line: the whole line, or the cells that are furniture."""
    if not parts:
        return
    kept = [cell for cell in p.line.cells if cell.text.strip() not in parts]
    if not kept or len(p.line.cells) <= 1:
        p.role = "furniture"
        return
    p.line.cells = kept
    p.line.text = " ".join(cell.text.strip() for cell in kept)


_NOTE_START_RE = re.compile(r"^(?:[¹²³⁴⁵⁶⁷⁸⁹⁰]+\s*|\d{1,3}[/.)]?\s+)[^\W\d_]")


def _is_note_start(text: str) -> bool:
    """A note's first line: its mark, then words ("12 Id. at 9-10."; not "21-02065 (E)")."""
    return bool(_NOTE_START_RE.match(text))


def _furniture_parts(line: TextLine) -> list[str]:
    """The pieces of a line that may each be furniture: "2/2   21-02065" is two."""
    if len(line.cells) > 1:
        return [cell.text.strip() for cell in line.cells if cell.text.strip()]
    return [line.text.strip()]


def _is_furniture(text: str) -> bool:
    return bool(
        _PAGE_LABEL_RE.match(text)
        or JOB_NUMBER_RE.match(text)
        or _DATE_STAMP_RE.match(text)
        or not any(ch.isalnum() for ch in text)
    )


# --- footnotes ----------------------------------------------------------------------------

_NOTE_MARK_RE = re.compile(
    r"^(?P<mark>[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\d{1,3}(?:/|\s*\)|\.(?=\s))?|\(\d{1,3}\)|[*∗†‡§¶]{1,3}|[a-z](?=\s))\s*(?P<text>\S.*)$"
)
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


_NOTES_HEADING_RE = re.compile(
    r"^(?:end\s?notes|notes(?:\s+and\s+references)?|notes de fin|notas(?:\s+finales)?)$", re.IGNORECASE
)
_RAISED_NUMBER_RE = re.compile(r"[¹²³⁴⁵⁶⁷⁸⁹⁰]+")


def take_endnotes(placed: list[list[Placed]], body: BodyType) -> list[Footnote]:
    """Mark the notes gathered at the end of the document and return them.

    They stand in the document's last part: after a heading "Notes" (or "Endnotes"),
    or set in smaller type than the body; each starts with the next number, 1, 2, 3...
    and the body's text carries their marks raised.
    """
    lines = [p for rows in placed for p in rows if p.role == "body" and p.line.upright]
    if len(lines) < 10:
        return []
    start, heading = _endnotes_start(lines, body)
    if start is None:
        return []
    notes: list[Footnote] = []
    taken: list[Placed] = []
    for p in lines[start:]:
        match = _NOTE_MARK_RE.match(p.line.text)
        number = match.group("mark").translate(_SUPERSCRIPTS).rstrip("/). ").strip("()") if match else ""
        if number.isdigit() and int(number) == len(notes) + 1:
            notes.append(Footnote(number, match.group("text"), p.number, p.line.page))
        elif notes and not body.larger(p.line.size) and not (p.line.bold and not body.bold):
            notes[-1].text = _join_note(notes[-1].text, p.line.text)
        else:
            break
        taken.append(p)
    marks = {
        m.translate(_SUPERSCRIPTS) for p in lines[:start] for m in _RAISED_NUMBER_RE.findall(p.line.text)
    }
    cited = sum(1 for note in notes if note.number in marks)
    if len(notes) < 3 or cited < 0.5 * len(notes):
        return []  # a numbered list at the end of a report, not its notes
    for p in [*taken, *([heading] if heading else [])]:
        p.role = "note"
    return notes


def _endnotes_start(lines: list[Placed], body: BodyType) -> tuple[int | None, Placed | None]:
    """Where the endnotes begin: after their heading, or at the first "1" of a run in
    small type in the document's last part."""
    last_part = int(0.6 * len(lines))
    for index in range(len(lines) - 1, last_part - 1, -1):
        if _NOTES_HEADING_RE.match(lines[index].line.text.strip()):
            return index + 1, lines[index]
    for index in range(last_part, len(lines)):
        p = lines[index]
        match = _NOTE_MARK_RE.match(p.line.text)
        if (
            match
            and match.group("mark").translate(_SUPERSCRIPTS).rstrip("/). ") == "1"
            and body.smaller(p.line.size)
        ):
            return index, None
    return None, None


def take_footnotes(pages: list[PdfPage], placed: list[list[Placed]], body: BodyType) -> list[Footnote]:
    """Mark the notes at each page's foot and return them, in order.

    A page's notes are the lines at its foot below a short rule, or set in smaller type
    than the body, the first of them starting with a mark ("1", "¹", "*", "1/"). Each
    note runs until the next mark; notes that go on from the page before start without
    one.
    """
    notes: list[Footnote] = []
    for page, rows in zip(pages, placed, strict=True):
        zone = _note_zone(page, rows, body)
        if not zone:
            continue
        expected = _next_expected(notes)
        for p in zone:
            p.role = "note"
            match = _NOTE_MARK_RE.match(p.line.text)
            starts = match is not None and _starts_note(match, p, zone, expected)
            if starts:
                mark = match.group("mark").translate(_SUPERSCRIPTS).rstrip("/). ").strip("()")
                notes.append(Footnote(mark, match.group("text"), p.number, page.number))
                if mark.isdigit():
                    expected = int(mark) + 1
            elif notes:
                notes[-1].text = _join_note(notes[-1].text, p.line.text)
            else:
                notes.append(Footnote("", p.line.text, p.number, page.number))
    return notes


def _next_expected(notes: list[Footnote]) -> int | None:
    for note in reversed(notes):
        if note.number.isdigit():
            return int(note.number) + 1
    return None


def _starts_note(match: re.Match[str], p: Placed, zone: list[Placed], expected: int | None) -> bool:
    mark = match.group("mark")
    if not mark.isascii() or not mark[0].isdigit():
        return True  # a raised mark or a symbol
    number = int(re.sub(r"\D", "", mark))
    if expected is None or number == expected or p is zone[0]:
        return True
    # A line of a note may start with a number ("2013, the Commission..."): a mark is at
    # the start of the zone's lines, as far left as the first note's mark.
    return abs(number - expected) <= 2 and p.line.x0 <= zone[0].line.x0 + 2


def _join_note(text: str, more: str) -> str:
    if text.endswith("\ufffe"):
        return text[:-1] + more
    return join_lines([text, more])


def _note_zone(page: PdfPage, rows: list[Placed], body: BodyType) -> list[Placed]:
    """The lines of the page's foot that are notes (in reading order), or []. Each
    column has its own foot: in two columns, the notes may stand under one of them."""
    text = [p for p in rows if p.role == "body" and p.line.upright and p.line.text]
    columns: dict[tuple[float, float], list[Placed]] = {}
    for p in text:
        columns.setdefault(p.line.column, []).append(p)
    chosen: set[int] = set()
    for lines in columns.values():
        chosen.update(id(p) for p in _column_notes(page, lines, body))
    return [p for p in rows if id(p) in chosen]


def _column_notes(page: PdfPage, lines: list[Placed], body: BodyType) -> list[Placed]:
    if len(lines) < 2:
        return []
    by_top = sorted(lines, key=lambda p: p.line.top)
    rule = _separator_rule(page, by_top)
    typed = _typed_separator(page, by_top)
    if typed is not None:  # a rule typed as a line of underscores: it is no text
        typed.role = "furniture"
        rule = typed.line.bottom
    if rule is not None:
        candidates = [p for p in by_top if p.line.top >= rule - 1]
    else:
        candidates = []
        for p in reversed(by_top):
            if not body.smaller(p.line.size):
                break
            candidates.insert(0, p)
        if len(candidates) == len(by_top):
            return []  # a column all in small type: a table, a list, not notes
    if not candidates or not _NOTE_MARK_RE.match(candidates[0].line.text):
        return []
    # Notes stand in the lower part of the page, in type no larger than the body's.
    if candidates[0].line.top < 0.35 * page.height or any(body.larger(p.line.size) for p in candidates):
        return []
    if rule is not None and len(candidates) > 0.5 * len(by_top) and not body.smaller(candidates[0].line.size):
        return []
    return candidates


_TYPED_RULE_RE = re.compile(r"^[_\-–—]{8,}$")


def _typed_separator(page: PdfPage, by_top: list[Placed]) -> Placed | None:
    """A line of underscores in the lower half of the page, with lines below it."""
    for p in by_top[:-1]:
        if p.line.top > 0.5 * page.height and _TYPED_RULE_RE.match(p.line.text.replace(" ", "")):
            return p
    return None


def _separator_rule(page: PdfPage, by_top: list[Placed]) -> float | None:
    """The top of a footnote rule: short, at the left of the text, with text below it."""
    if not page.rules:
        return None
    left = min(p.line.column[0] for p in by_top)
    right = max(p.line.column[1] for p in by_top)
    best = None
    for rule in page.rules:
        if not rule.horizontal or rule.bottom - rule.top > 2:
            continue
        width = rule.x1 - rule.x0
        if not (25 <= width <= 0.6 * (right - left)) or abs(rule.x0 - left) > 30:
            continue
        if rule.top < 0.4 * page.height:
            continue
        below = [p for p in by_top if p.line.top >= rule.top - 1]
        above = [p for p in by_top if p.line.bottom <= rule.top + 1]
        if below and above and (best is None or rule.top < best):
            best = rule.top
    return best


# --- tables -------------------------------------------------------------------------------


def mark_tables(pages: list[PdfPage], placed: list[list[Placed]]) -> None:
    """Mark tables: the lines between a table's rules, runs of lines whose cells line
    up, and contents lists."""
    for page, rows in zip(pages, placed, strict=True):
        _mark_ruled_tables(page, rows)
        _mark_figure_labels(page, rows)
        body = [p for p in rows if p.role == "body"]
        i = 0
        while i < len(body):
            end = _table_run(body, i)
            if end > i:
                for p in body[i:end]:
                    p.role = "table"
                i = end
            else:
                i += 1


_MARKER_CELL_RE = re.compile(
    r"^(?:[IVXLC]{1,7}|[A-Za-z]|\d{1,3}(?:\.\d{1,3})*)[.)/]?$|^\(\w{1,4}\)$|^[•◦▪●‣\-–—*∗†‡§¶¹²³⁴⁵⁶⁷⁸⁹⁰]+$"
)


def table_cells(line: TextLine) -> list[Cell]:
    """The line's cells, a list mark or paragraph number kept with the text it leads
    ("1.  The Commission..." is one cell, not two)."""
    cells = list(line.cells)
    if len(cells) >= 2 and _MARKER_CELL_RE.match(cells[0].text.strip()):
        cells[:2] = [Cell(cells[0].x0, cells[1].x1, f"{cells[0].text} {cells[1].text}")]
    return cells


def _mark_ruled_tables(page: PdfPage, rows: list[Placed]) -> None:
    """Rules of the same width one above another frame a table (its top, the foot of
    its header, its bottom): the lines between them are its rows, a row that labels a
    group of rows in bold included."""
    rules = sorted(
        (r for r in page.rules if r.horizontal and r.bottom - r.top <= 2.5 and r.x1 - r.x0 >= 60),
        key=lambda r: r.top,
    )
    groups: list[list] = []
    for rule in rules:
        group = next(
            (g for g in groups if abs(g[0].x0 - rule.x0) <= 10 and abs(g[0].x1 - rule.x1) <= 10), None
        )
        if group is None:
            groups.append([rule])
        else:
            group.append(rule)
    for group in groups:
        if len(group) < 2:
            continue
        top, bottom = group[0].top, group[-1].bottom
        x0, x1 = group[0].x0 - 10, group[0].x1 + 10
        inside = [
            p
            for p in rows
            if p.role == "body"
            and p.line.top >= top - 2
            and p.line.bottom <= bottom + 2
            and p.line.x0 >= x0
            and p.line.x1 <= x1
        ]
        if sum(1 for p in inside if len(table_cells(p.line)) >= 2) >= 2:
            for p in inside:
                p.role = "table"


def _mark_figure_labels(page: PdfPage, rows: list[Placed]) -> None:
    """The short lines standing among a chart's shapes are its labels (axes, legends,
    bars): text of the figure, never headings. A framed passage of prose is no chart."""
    if page.drawing is None:
        return
    x0, top, x1, bottom = page.drawing
    inside = [
        p
        for p in rows
        if p.role == "body"
        and p.line.x0 >= x0 - 2
        and p.line.x1 <= x1 + 2
        and p.line.top >= top - 2
        and p.line.bottom <= bottom + 2
    ]
    if sum(1 for p in inside if len(p.line.text) >= 60) >= 3:
        return
    for p in inside:
        p.role = "figure"


def _celled(p: Placed) -> bool:
    return len(table_cells(p.line)) >= 2 or bool(LEADER_RE.search(p.line.text))


def _table_run(body: list[Placed], start: int) -> int:
    """The end of a table that starts at `start`, or `start` when none does."""
    if not _celled(body[start]):
        return start
    end = start + 1
    celled = 1
    while end < len(body):
        p, previous = body[end], body[end - 1]
        if p.line.column != previous.line.column or p.line.top - previous.line.bottom > 3 * p.line.size:
            break
        if _celled(p):
            if not _aligned(p, body[start:end]):
                break
            celled += 1
        elif not (end + 1 < len(body) and _celled(body[end + 1]) and _is_wrapped_cell(p, previous)):
            break
        end += 1
    if celled < 2:
        return start
    if any(LEADER_RE.search(p.line.text) for p in body[start:end]):
        return end  # a contents list
    words = [len(cell.text.split()) for p in body[start:end] for cell in table_cells(p.line)]
    if sum(words) / max(1, len(words)) > 7:
        return start  # cells of running text: columns of prose, not a table
    return end


def _aligned(p: Placed, run: list[Placed]) -> bool:
    """Does the line share cell edges with the lines before it?"""
    if LEADER_RE.search(p.line.text):
        return any(LEADER_RE.search(q.line.text) for q in run)
    edges = {round(c.x0 / 4) for q in run for c in table_cells(q.line)[1:]} | {
        round(c.x1 / 4) for q in run for c in table_cells(q.line)
    }
    mine = {round(c.x0 / 4) for c in table_cells(p.line)[1:]} | {round(c.x1 / 4) for c in table_cells(p.line)}
    near = {e + d for e in edges for d in (-1, 0, 1)}
    return len(mine & near) >= 1


def _is_wrapped_cell(p: Placed, previous: Placed) -> bool:
    """A short line between two rows of a table, set as they are: a cell's second line
    (a heading between two tables is larger or bolder)."""
    line, above = p.line, previous.line
    return len(line.text) < 80 and abs(line.size - above.size) <= 0.5 and (above.bold or not line.bold)


# --- paragraphs ---------------------------------------------------------------------------

_LIST_START_RE = re.compile(r"^(?:[•◦▪●‣\-–—*]\s|\(?[a-z\d]{1,3}\)\s|\d{1,3}\.\s|[IVX]{1,5}\.\s|[A-Z]\.\s)")


def build_blocks(placed: list[list[Placed]], leading: dict[float, float]) -> list[Block]:
    """Body lines grouped into paragraphs and headings, tables into tables, in reading
    order."""
    blocks: list[Block] = []
    for rows in placed:
        current: Block | None = None
        previous: Placed | None = None
        for p in rows:
            if p.role not in ("body", "table", "figure"):
                continue
            kind = p.role if p.role != "body" else "text"
            gap = p.line.top - previous.line.bottom if previous is not None else 0.0
            if (
                current is None
                or current.kind != kind
                or (kind == "text" and _starts_paragraph(previous, p, leading))
                or (kind != "text" and gap > 2.5 * p.line.size)
            ):
                current = Block([p], kind)
                blocks.append(current)
            else:
                current.lines.append(p)
            previous = p
    return blocks


def _starts_paragraph(previous: Placed | None, p: Placed, leading: dict[float, float]) -> bool:
    if previous is None:
        return True
    above, line = previous.line, p.line
    if line.column != above.column or line.top < above.top:
        return True  # a new column: a paragraph going on is rejoined later
    if abs(line.size - above.size) > 0.5 or line.bold != above.bold or line.italic != above.italic:
        return True
    pitch = leading.get(line.size) or 1.25 * line.size
    if line.top - above.top > 1.45 * pitch:
        return True
    if _set_apart(previous, p) or _set_apart(p, previous):
        return True  # a centred title line, then text set from the left
    if is_caps(above.text) != is_caps(line.text):
        return True  # "PROCÈS-VERBAL" / "Séance publique tenue le 20 juin"
    left, right = p.edges
    width = right - left
    short = above.x1 < right - max(4 * line.size, 0.15 * width)
    finished = ends_sentence(above.text)
    if finished and (short or line.x0 > above.x0 + 0.8 * line.size):
        return True
    if _LIST_START_RE.match(line.text) and (finished or short or above.text.endswith(":")):
        return True
    starts_word = line.text[:1].isalpha() and not line.text[:1].islower()
    if above.x1 < left + 0.6 * width and starts_word and not CONNECTOR_END_RE.search(above.text):
        return True  # short lines of a title page or an address: "Section 54957" / "District..."
    return short and heading_number(line.text) is not None and not above.text.endswith(("-", "\ufffe"))


# --- blocks -> typed paragraphs ----------------------------------------------------------


def _typed(block: Block, vocabulary: Vocabulary) -> Typed:
    first, last = block.lines[0], block.lines[-1]
    typed = Typed(
        "",
        first.number,
        last.number,
        first.line.page,
        last.line.page,
        block.size,
        block.bold,
        block.italic,
        block.centered,
        first.line.x0 - first.edges[0],
        len(block.lines),
    )
    typed.figure = block.kind == "figure"
    if block.kind == "table":
        grid = table_grid([table_cells(p.line) for p in block.lines])
        # (a word broken at a cell's line end keeps its hyphen: the cell's next line is the next row)
        typed.rows = [[clean.resolve_soft_hyphens(cell, vocabulary.count) for cell in row] for row in grid]
        typed.text = "\n".join(" | ".join(cell for cell in row if cell) for row in typed.rows)
    else:
        typed.text = _block_text(block, vocabulary)
    return typed


def table_grid(lines: list[list[Cell]]) -> list[list[str]]:
    """A table's lines as rows of one grid of columns: the columns are those of the rows
    with the most usual number of cells; every cell goes to the column it overlaps most
    (a heading over two columns to one of them, a missing cell left empty)."""
    lines = [[c for c in cells if c.text.strip()] for cells in lines]
    lines = [cells for cells in lines if cells]
    if not lines:
        return []
    counts = Counter(len(cells) for cells in lines if len(cells) >= 2)
    if not counts:
        return [[" ".join(c.text.strip() for c in cells)] for cells in lines]
    width = max(counts, key=lambda n: (counts[n], n))
    model = [cells for cells in lines if len(cells) == width]
    columns = [(min(r[k].x0 for r in model), max(r[k].x1 for r in model)) for k in range(width)]
    grid: list[list[str]] = []
    for cells in lines:
        row = [""] * width
        for cell in cells:
            k = max(range(width), key=lambda i: _overlap_score(cell, columns[i]))
            row[k] = f"{row[k]} {cell.text.strip()}".strip()
        grid.append(row)
    used = [k for k in range(width) if any(row[k] for row in grid)]
    return [[row[k] for k in used] for row in grid]


def _overlap_score(cell: Cell, column: tuple[float, float]) -> float:
    """How much of the cell stands over the column (or, for none, how near it is)."""
    overlap = min(cell.x1, column[1]) - max(cell.x0, column[0])
    return overlap if overlap > 0 else -min(abs(cell.x0 - column[1]), abs(column[0] - cell.x1))


def _block_text(block: Block, vocabulary: Vocabulary) -> str:
    lines = [Line(p.line.text, p.number, p.line.page) for p in block.lines]
    join_hyphenated_words(lines, vocabulary)
    return join_lines([line.text for line in lines])


# --- paragraphs across pages and columns --------------------------------------------------


def join_split_blocks(blocks: list[Block]) -> list[Block]:
    """A paragraph cut by a page or column break goes on: set in the same type, its
    first part stops mid-sentence and the second starts in lower case or is no new
    numbered paragraph."""
    joined: list[Block] = []
    for block in blocks:
        previous = joined[-1] if joined else None
        if previous is not None and _goes_on(previous, block):
            previous.lines.extend(block.lines)
            continue
        joined.append(block)
    return joined


def _goes_on(previous: Block, block: Block) -> bool:
    above, below = previous.last, block.first
    if previous.kind != "text" or block.kind != "text":
        return False
    if below.page == above.page and below.column == above.column:
        return False  # a break of its own on the page
    if abs(below.size - above.size) > 0.5 or below.bold != above.bold or below.italic != above.italic:
        return False
    if re.search(r"[.!?…:](?:[\"”’')\]]*)(?:[¹²³⁴⁵⁶⁷⁸⁹⁰]*)$", above.text):
        return False
    return below.text[:1].islower() or (
        not ends_sentence(above.text)
        and heading_number(below.text) is None
        and not _LIST_START_RE.match(below.text)
    )
