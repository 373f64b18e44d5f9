"""One page's positioned words -> its lines in reading order, with their typography.

Columns are found from the page itself: a vertical strip that no word crosses, between
two columns of running text. Lines that cross it (a title, a wide table) cut the page
into bands; each band is read column by column. Within a line, words are put together
with the spacing the page shows, footnote marks raised above the line become
superscripts, and wide gaps split it into cells (for tables).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from briefer.ingest.pdf_text import Page, Rule, Word

_SUPERSCRIPT_DIGITS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_ORDINAL_SUFFIX_RE = re.compile(r"^(?:st|nd|rd|th|er|ère|e|ème|o|a|º|ª|os|as|me)$", re.IGNORECASE)


@dataclass(slots=True)
class Cell:
    x0: float
    x1: float
    text: str


@dataclass(slots=True)
class TextLine:
    text: str
    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    size: float  # the size most of its letters are set in
    bold: bool  # most of its letters in a bold face
    italic: bool
    column: tuple[float, float]  # left and right edge of the column it stands in
    cells: list[Cell] = field(default_factory=list)  # parts of the line split at wide gaps
    marks: list[str] = field(default_factory=list)  # footnote marks raised above the line
    upright: bool = True

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(slots=True)
class PdfPage:
    """A page as the layout reads it: its lines in reading order and its rules."""

    number: int
    width: float
    height: float
    lines: list[TextLine]
    rules: list[Rule]
    drawing: tuple[float, float, float, float] | None = None  # a chart's bounds, if any


def lay_out_page(page: Page) -> PdfPage:
    return PdfPage(page.number, page.width, page.height, page_lines(page), page.rules, page.drawing)


def page_lines(page: Page) -> list[TextLine]:
    """The page's lines in reading order."""
    words = [w for w in page.words if w.text.strip() and _on_page(w, page)]
    upright = _drop_doubles([w for w in words if w.upright])
    turned = [w for w in words if not w.upright]
    lines: list[TextLine] = []
    for band in column_bands(_cluster_lines(upright)):
        if not band.gutters:
            for row in band.rows:
                lines.append(_make_line(row, page.number, (band.left, band.right)))
            continue
        for bounds, words in band.columns():
            lines.extend(_make_line(group, page.number, bounds) for group in _cluster_lines(words))
    # Text set at an angle (a stamp in the margin, a turned column head) is read apart.
    for group in _cluster_lines(turned):
        line = _make_line(group, page.number, (0.0, page.width))
        line.upright = False
        lines.append(line)
    return lines


def _on_page(word: Word, page: Page) -> bool:
    """Damaged content streams draw stray text far off the page, in absurd sizes."""
    return (
        word.x1 > -5
        and word.x0 < page.width + 5
        and word.bottom > -5
        and word.top < page.height + 5
        and 0 < word.size < 200
        and word.x1 - word.x0 < page.width + 10
    )


# --- doubled text -------------------------------------------------------------------------


def _drop_doubles(words: list[Word]) -> list[Word]:
    """Text drawn twice at almost the same place (a producer's fake bold) is kept once,
    as bold."""
    seen: dict[tuple[str, int, int], Word] = {}
    kept: list[Word] = []
    for word in words:
        key = (word.text, round(word.x0 / 2), round(word.top / 2))
        twin = seen.get(key)
        if twin is not None and abs(twin.x0 - word.x0) < 2 and abs(twin.top - word.top) < 2:
            if not twin.font.bold:
                twin.font = type(twin.font)(twin.font.name, True, twin.font.italic)
            continue
        seen[key] = word
        kept.append(word)
    return kept


# --- columns ------------------------------------------------------------------------------

_MIN_GUTTER = 7.0  # points: a narrower white strip is a word space, however wide
_MIN_COLUMN = 100.0  # points: a column of prose is at least this wide
_PROSE_WORDS = 4  # words on one side of a gutter that make a line of prose
_WORD_RE = re.compile(r"^\W*[^\W\d_]{2,}")
_MIN_PROSE_ROWS = 5


@dataclass(slots=True)
class Band:
    """Rows of a page that share their columns: one column (no gutters) or several."""

    rows: list[list[Word]]
    gutters: list[tuple[float, float]]
    left: float
    right: float

    def columns(self) -> list[tuple[tuple[float, float], list[Word]]]:
        edges = [self.left] + [x for gutter in self.gutters for x in gutter] + [self.right]
        bounds = [(edges[i], edges[i + 1]) for i in range(0, len(edges), 2)]
        words: list[list[Word]] = [[] for _ in bounds]
        for row in self.rows:
            for word in row:
                middle = (word.x0 + word.x1) / 2
                index = next((i for i, (_, right) in enumerate(bounds) if middle <= right), len(bounds) - 1)
                words[index].append(word)
        return list(zip(bounds, words, strict=True))


def column_bands(rows: list[list[Word]]) -> list[Band]:
    """Cut the page's rows (top to bottom) into bands: runs of rows that a white strip
    runs down, with prose on both sides of it (columns), and the rows between them."""
    if not rows:
        return []
    left = min(w.x0 for row in rows for w in row)
    right = max(w.x1 for row in rows for w in row)
    if sum(1 for row in rows if _split_by_wide_gap(row)) < _MIN_PROSE_ROWS:
        return [Band(rows, [], left, right)]  # no two columns of prose side by side anywhere
    page = _Strips(rows)
    bands: list[Band] = []
    pending: list[list[Word]] = []  # rows not (yet) in a band of columns
    start = 0
    while start < len(rows):
        end, gutters = page.run_with_gutters(start)
        if gutters:
            if pending:
                bands.append(Band(pending, [], page.left, page.right))
                pending = []
            bands.append(Band(rows[start:end], gutters, page.left, page.right))
            start = end
        else:
            pending.append(rows[start])
            start += 1
    if pending:
        bands.append(Band(pending, [], page.left, page.right))
    return bands


def _split_by_wide_gap(row: list[Word]) -> bool:
    """Does the row hold prose on both sides of a gap as wide as a gutter? (Rows are
    sorted left to right.)"""
    for index in range(_PROSE_WORDS, len(row) - _PROSE_WORDS + 1):
        if row[index].x0 - row[index - 1].x1 >= _MIN_GUTTER:
            return True
    return False


class _Strips:
    """The page's rows as bit masks of the points no word covers (one bit a point), so
    that the white strips running down a run of rows are one AND per row."""

    def __init__(self, rows: list[list[Word]]) -> None:
        self.rows = rows
        self.left = min(w.x0 for row in rows for w in row)
        self.right = max(w.x1 for row in rows for w in row)
        self.wordy = [[bool(_WORD_RE.match(w.text)) for w in row] for row in rows]
        width = int(self.right - self.left) + 1
        margin = int(0.1 * width)  # a gutter stands within the middle of the page
        self.full = ((1 << (width - 2 * margin)) - 1) << margin
        self.free = [self.full & ~self._covered(row) for row in rows]

    def _covered(self, row: list[Word]) -> int:
        mask = 0
        for word in row:
            start = max(0, int(word.x0 - self.left))
            end = int(word.x1 - self.left) + 1
            mask |= ((1 << max(1, end - start)) - 1) << start
        return mask

    @staticmethod
    def _wide(mask: int) -> int:
        """The bits that start a run of set bits at least a gutter wide."""
        wide = mask
        for shift in range(1, int(_MIN_GUTTER)):
            wide &= mask >> shift
        return wide

    def run_with_gutters(self, start: int) -> tuple[int, list[tuple[float, float]]]:
        """From `start` down, the rows that white strips run down and the strips that
        have prose on both sides (the gutters; none when there is no band here)."""
        mask, end = self.full, start
        while end < len(self.rows) and self._wide(mask & self.free[end]):
            mask &= self.free[end]
            end += 1
        if end - start < _MIN_PROSE_ROWS:
            return start, []
        gutters = [
            strip
            for strip in self._strips(mask)
            if strip[0] - self.left >= _MIN_COLUMN
            and self.right - strip[1] >= _MIN_COLUMN
            and self._prose_rows(start, end, strip) >= _MIN_PROSE_ROWS
        ]
        return end, gutters

    def _strips(self, mask: int) -> list[tuple[float, float]]:
        strips = []
        bit = 0
        while mask >> bit:
            if mask >> bit & 1:
                run = bit
                while mask >> bit & 1:
                    bit += 1
                if bit - run >= _MIN_GUTTER:
                    strips.append((self.left + run, self.left + bit))
            else:
                bit += 1
        return strips

    def _prose_rows(self, start: int, end: int, strip: tuple[float, float]) -> int:
        """How many of the rows hold prose on both sides of the strip."""
        g0, g1 = strip
        both = 0
        for row, flags in zip(self.rows[start:end], self.wordy[start:end], strict=True):
            before = sum(1 for w, f in zip(row, flags, strict=True) if f and w.x1 <= g0 + 1)
            after = sum(1 for w, f in zip(row, flags, strict=True) if f and w.x0 >= g1 - 1)
            if before >= _PROSE_WORDS and after >= _PROSE_WORDS:
                both += 1
        return both


# --- lines --------------------------------------------------------------------------------


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return min(a1, b1) - max(a0, b0)


def _cluster_lines(words: list[Word]) -> list[list[Word]]:
    """Words that share a line: their boxes overlap vertically and their sizes are
    akin (a raised footnote mark joins its line; a large initial letter beside two
    lines of smaller type does not join them into one)."""
    lines: list[list[Word]] = []
    spans: list[list[float]] = []  # per line: top, bottom and size of its main words
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        w_top, w_bottom, w_size = word.top, word.bottom, word.size
        height = max(0.1, w_bottom - w_top)
        best, best_overlap = None, 0.0
        for index in range(len(lines) - 1, max(-1, len(lines) - 4), -1):
            top, bottom, size = spans[index]
            if not 0.5 * size <= w_size <= 2.0 * size:
                continue
            overlap = (w_bottom if w_bottom < bottom else bottom) - (w_top if w_top > top else top)
            if overlap > 0.45 * min(height, bottom - top) and overlap > best_overlap:
                best, best_overlap = index, overlap
        if best is None:
            lines.append([word])
            spans.append([word.top, word.bottom, word.size])
        else:
            lines[best].append(word)
            span = spans[best]
            if word.size >= 0.85 * span[2]:
                span[0], span[1] = min(span[0], word.top), max(span[1], word.bottom)
    for line in lines:
        line.sort(key=lambda w: w.x0)
    return lines


def _is_raised_mark(words: list[Word], index: int, size: float, bottom: float) -> bool:
    """A footnote mark or ordinal suffix: smaller type, raised, set against a word."""
    word = words[index]
    if word.size > 0.85 * size or word.bottom >= bottom - 0.2 * size:
        return False
    before = word.x0 - words[index - 1].x1 if index > 0 else float("inf")
    after = words[index + 1].x0 - word.x1 if index + 1 < len(words) else float("inf")
    return min(before, after) < 0.3 * size


def _make_line(words: list[Word], page: int, column: tuple[float, float]) -> TextLine:
    if all(w.size == words[0].size for w in words):  # most lines: one size, no raised marks
        size, main = words[0].size, words
    else:
        sizes: Counter[float] = Counter()
        for word in words:
            sizes[word.size] += len(word.text)
        size = sizes.most_common(1)[0][0]
        main = [w for w in words if w.size >= 0.85 * size] or words
    bottom = max(w.bottom for w in main)
    top = min(w.top for w in main)
    mixed = main is not words
    parts: list[str] = []
    marks: list[str] = []
    cells: list[Cell] = []
    letters = bold = italic = 0
    previous: Word | None = None
    for index, word in enumerate(words):
        text = word.text
        raised = mixed and _is_raised_mark(words, index, size, bottom)
        if raised:
            if text.isdigit():
                marks.append(text)
                text = text.translate(_SUPERSCRIPT_DIGITS)
            elif previous is not None and previous.text[-1:].isdigit() and _ORDINAL_SUFFIX_RE.match(text):
                pass  # "24th": the ordinal suffix joins its number
            elif text in "*∗†‡§¶" or re.fullmatch(r"[*∗†‡§¶]+|[a-z]", text):
                marks.append(text)
        if previous is None:
            parts.append(text)
            cells.append(Cell(word.x0, word.x1, text))
        else:
            gap = word.x0 - previous.x1
            # PDFium put a space between the two, however close an italic letter leans
            # ("of a"); a run in another type glued to the word before has none ("report¹").
            spaced = not raised and not word.glued and gap > -0.3 * size
            if gap >= max(1.0 * size, 8.0):
                cells.append(Cell(word.x0, word.x1, text))
            else:
                cells[-1].x1 = max(cells[-1].x1, word.x1)
                cells[-1].text += (" " if spaced else "") + text
            parts.append((" " if spaced else "") + text)
        if not raised:
            count = sum(map(str.isalpha, text))
            letters += count
            bold += count if word.font.bold else 0
            italic += count if word.font.italic else 0
        previous = word
    return TextLine(
        text="".join(parts),
        page=page,
        x0=min(w.x0 for w in words),
        x1=max(w.x1 for w in words),
        top=top,
        bottom=bottom,
        size=size,
        bold=letters > 0 and bold >= 0.7 * letters,
        italic=letters > 0 and italic >= 0.7 * letters,
        column=column,
        cells=cells,
        marks=marks,
    )
