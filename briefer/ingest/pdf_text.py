"""A PDF's pages as positioned words and rules, read with PDFium (pypdfium2).

Each word keeps its box, baseline, font size, weight and slant: what the layout step
needs to find lines, columns, headings, footnotes and tables. Coordinates are points
from the top-left corner of the page as its text reads (y grows downwards): a page whose
text runs up or down (a landscape table turned on the sheet, a page rotated by /Rotate)
is turned so that most of its text runs left to right.

PDFium's own text calls are made through ctypes prototypes that return plain numbers:
a few million calls per report, so each one must be cheap.
"""

from __future__ import annotations

import ctypes
import math
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c


@dataclass(frozen=True, slots=True)
class Font:
    name: str
    bold: bool
    italic: bool


@dataclass(slots=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float  # font size in points, as printed (the text matrix applied)
    font: Font
    turn: int = 0  # quarter turns from the page's reading direction; -1 for other angles
    glued: bool = False  # goes on from the word before with no space (a mark in smaller type)

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def upright(self) -> bool:
        """False for text set at an angle to the page's text (a stamp in the margin)."""
        return self.turn == 0


@dataclass(frozen=True, slots=True)
class Rule:
    """A drawn line or thin bar: a table border, a footnote separator, an underline."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def horizontal(self) -> bool:
        return self.x1 - self.x0 >= self.bottom - self.top


@dataclass(slots=True)
class Page:
    number: int  # 1-based
    width: float
    height: float
    words: list[Word] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    images: int = 0  # picture objects: a page with pictures and no words may be a scan
    drawing: tuple[float, float, float, float] | None = None  # where a chart's shapes stand


def _prototype(function, restype, *argtypes):
    """The same C function, called with plain ctypes types (no wrapper objects)."""
    address = ctypes.cast(function, ctypes.c_void_p).value
    return ctypes.CFUNCTYPE(restype, *argtypes)(address)


class _RectF(ctypes.Structure):
    _fields_ = [
        ("left", ctypes.c_float),
        ("top", ctypes.c_float),
        ("right", ctypes.c_float),
        ("bottom", ctypes.c_float),
    ]


class _Matrix(ctypes.Structure):
    _fields_ = [(name, ctypes.c_float) for name in "abcdef"]


_P, _I, _D = ctypes.c_void_p, ctypes.c_int, ctypes.c_double
_count_chars = _prototype(pdfium_c.FPDFText_CountChars, _I, _P)
_get_text = _prototype(pdfium_c.FPDFText_GetText, _I, _P, _I, _I, _P)
_get_unicode = _prototype(pdfium_c.FPDFText_GetUnicode, ctypes.c_uint, _P, _I)
_text_object = _prototype(pdfium_c.FPDFText_GetTextObject, _P, _P, _I)
_loose_box = _prototype(pdfium_c.FPDFText_GetLooseCharBox, _I, _P, _I, ctypes.POINTER(_RectF))
_font_size = _prototype(pdfium_c.FPDFText_GetFontSize, _D, _P, _I)
_char_matrix = _prototype(pdfium_c.FPDFText_GetMatrix, _I, _P, _I, ctypes.POINTER(_Matrix))
_object_font = _prototype(pdfium_c.FPDFTextObj_GetFont, _P, _P)
_font_name = _prototype(pdfium_c.FPDFFont_GetBaseFontName, ctypes.c_size_t, _P, _P, ctypes.c_size_t)
_font_flags = _prototype(pdfium_c.FPDFFont_GetFlags, _I, _P)
_font_weight = _prototype(pdfium_c.FPDFFont_GetWeight, _I, _P)
_char_angle = _prototype(pdfium_c.FPDFText_GetCharAngle, ctypes.c_float, _P, _I)
_count_objects = _prototype(pdfium_c.FPDFPage_CountObjects, _I, _P)
_get_object = _prototype(pdfium_c.FPDFPage_GetObject, _P, _P, _I)
_object_type = _prototype(pdfium_c.FPDFPageObj_GetType, _I, _P)
_object_bounds = _prototype(
    pdfium_c.FPDFPageObj_GetBounds,
    _I,
    _P,
    ctypes.POINTER(ctypes.c_float),
    ctypes.POINTER(ctypes.c_float),
    ctypes.POINTER(ctypes.c_float),
    ctypes.POINTER(ctypes.c_float),
)

_PATH, _IMAGE = pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_IMAGE
_FLAG_ITALIC = 1 << 6
_FLAG_FORCE_BOLD = 1 << 18
_BOLD_NAME_RE = re.compile(r"bold|black|heavy|semibold|demibold|demi\b|,b\b|-bd|\bbd\b", re.IGNORECASE)
_ITALIC_NAME_RE = re.compile(r"italic|oblique|,i\b|-it\b|\bit\b", re.IGNORECASE)
_MAX_RULE_OBJECTS = 20_000  # a page of drawings: its paths are not table borders

# A word: no whitespace (PDFium puts spaces and line breaks between words and lines), and
# ending after PDFium's mark for a word hyphenated at a line end (U+FFFE: the next line
# follows it directly).
_WORD_RE = re.compile("[^\\s\ufffe]+\ufffe?")


PdfiumError = pdfium.PdfiumError

# Bounds on what a PDF may make PDFium inflate and parse (a small file can unpack into
# gigabytes: issue 13). PDFium keeps about 15 times a page's drawing instructions in
# memory while the page is open. A real report's page holds some kilobytes of them (a
# dense map a few megabytes), a font or an object stream a few megabytes; a scanned page's
# picture up to some tens; a meeting report has some hundreds of pages.
MAX_STREAM_BYTES = 16 * 1024 * 1024  # one stream unpacked (not a picture)
MAX_INFLATED_BYTES = 512 * 1024 * 1024  # all streams unpacked, pictures included
MAX_PAGES = 2000
MAX_PAGE_ITEMS = 20_000_000  # characters and drawn objects over all pages (~3 million in 1000 pages)


class PdfTooLarge(ValueError):
    """The PDF unpacks into more than a report can hold; str() says what."""


_STREAM_RE = re.compile(rb"\bstream\r?\n")


def check_size(data: bytes) -> None:
    """Raise PdfTooLarge if the file's compressed streams unpack into more than the
    bounds above. Each stream is unpacked chunk by chunk and thrown away: nothing big is
    held, and the work stops at the bound."""
    total = 0
    for match in _STREAM_RE.finditer(data):
        head = data[data.rfind(b"obj", 0, match.start()) : match.start()]
        limit = MAX_INFLATED_BYTES if b"/Image" in head else MAX_STREAM_BYTES
        size = _inflated_size(data, match.end(), min(limit, MAX_INFLATED_BYTES - total) + 1)
        total += size
        if size > limit or total > MAX_INFLATED_BYTES:
            what, bound = (
                ("one of its streams unpacks", limit)
                if size > limit
                else ("its streams unpack", MAX_INFLATED_BYTES)
            )
            raise PdfTooLarge(f"{what} into more than {bound // 1_048_576} MB")


def _inflated_size(data: bytes, start: int, cap: int) -> int:
    """Bytes the zlib (Flate) stream at `start` unpacks into, counted up to `cap`; 0 for
    a stream in another encoding (or encrypted)."""
    inflater = zlib.decompressobj()
    size, position, pending = 0, start, b""
    try:
        while size < cap and not inflater.eof:
            if not pending:
                pending = data[position : position + 65536]
                position += len(pending)
                if not pending:
                    break
            size += len(inflater.decompress(pending, 1 << 20))
            pending = inflater.unconsumed_tail
    except zlib.error:
        pass
    return size


def open_pdf(data: bytes) -> pdfium.PdfDocument:
    return pdfium.PdfDocument(data)


def pages(pdf: pdfium.PdfDocument) -> Iterator[Page]:
    """Every page of the document, read in turn (pages are closed once read). Raises
    PdfTooLarge past the bounds above."""
    if len(pdf) > MAX_PAGES:
        raise PdfTooLarge(f"it has {len(pdf)} pages (the limit is {MAX_PAGES})")
    items = 0
    for index in range(len(pdf)):
        page = pdf[index]
        try:
            result = _read_page(page, index + 1)
            items += sum(len(word.text) for word in result.words) + _count_objects(
                ctypes.cast(page.raw, ctypes.c_void_p).value
            )
            if items > MAX_PAGE_ITEMS:
                raise PdfTooLarge(
                    f"its first {index + 1} pages hold more than {MAX_PAGE_ITEMS:,} letters and shapes"
                )
            yield result
        finally:
            page.close()


def _read_page(page: pdfium.PdfPage, number: int) -> Page:
    box = page.get_bbox()  # the crop box (left, bottom, right, top): (0, 0) is not always its corner
    textpage = page.get_textpage()
    try:
        handle = ctypes.cast(textpage.raw, ctypes.c_void_p).value
        words = _read_words(handle, {})  # font handles live as long as their page
    finally:
        textpage.close()
    turn = _reading_turn(words, page.get_rotation() // 90)
    to_page = _PageTurn(box, turn)
    result = Page(number, *to_page.size)
    page_handle = ctypes.cast(page.raw, ctypes.c_void_p).value
    rules, result.images, drawing = _read_drawings(page_handle, to_page.size[0] * to_page.size[1])
    for word in words:
        word.x0, word.top, word.x1, word.bottom = to_page(word.x0, word.bottom, word.x1, word.top)
        if word.turn >= 0:
            word.turn = (word.turn - turn) % 4
    result.rules = [Rule(*to_page(r.x0, r.bottom, r.x1, r.top)) for r in rules]
    if drawing is not None:
        result.drawing = to_page(*drawing)
    result.words = words
    # OCR hook: a scanned page (no text layer, a picture over most of it) gets the words
    # Tesseract reads on it, in the same form (briefer/ingest/ocr.py).
    from briefer.ingest import ocr

    ocr.read_if_scanned(page, result)
    return result


def _reading_turn(words: list[Word], rotation: int) -> int:
    """Quarter turns (anticlockwise) most of the page's text is set at, by letters; for a
    page without text, the turn its /Rotate shows it at (a scan is read as shown)."""
    letters = [0, 0, 0, 0]
    for word in words:
        if word.turn >= 0:
            letters[word.turn] += len(word.text)
    return max(range(4), key=letters.__getitem__) if any(letters) else rotation % 4


class _PageTurn:
    """From PDF space (y up, the crop box's corner not always at 0, 0) to the page as
    its text reads: turned by a number of quarter turns, y down from the top."""

    def __init__(self, box: tuple[float, float, float, float], turn: int) -> None:
        self.box, self.turn = box, turn
        width, height = box[2] - box[0], box[3] - box[1]
        self.size = (height, width) if turn % 2 else (width, height)

    def __call__(self, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        """A box (x0, y0, x1, y1), y up -> (left, top, right, bottom) on the page."""
        left, bottom, right, top = self.box
        if self.turn == 0:  # the usual page: x stays, y is measured from the top
            xs, ys = (x0 - left, x1 - left), (top - y0, top - y1)
        elif self.turn == 1:  # text runs up the sheet: lines follow each other rightwards
            xs, ys = (y0 - bottom, y1 - bottom), (x0 - left, x1 - left)
        elif self.turn == 2:  # upside down
            xs, ys = (right - x0, right - x1), (y0 - bottom, y1 - bottom)
        else:  # text runs down the sheet: lines follow each other leftwards
            xs, ys = (top - y0, top - y1), (right - x0, right - x1)
        return min(xs), min(ys), max(xs), max(ys)


def _read_words(handle: int, fonts: dict[int, Font]) -> list[Word]:
    """Words with their boxes, in PDF space (y up); split where whitespace or the style
    changes, so that a footnote mark glued to a word ("report1") is a word of its own."""
    count = _count_chars(handle)
    if count <= 0:
        return []
    buffer = ctypes.create_string_buffer((count + 1) * 2)
    _get_text(handle, 0, count, buffer)
    text = buffer.raw[: count * 2].decode("utf-16-le", errors="replace")
    if len(text) != count:  # characters beyond 16 bits: ask for each one
        text = "".join(_character(_get_unicode(handle, i)) for i in range(count))
    rect = _RectF()
    rect_ref = ctypes.byref(rect)
    matrix = _Matrix()
    matrix_ref = ctypes.byref(matrix)
    styles: dict[int, tuple[float, Font, int]] = {}  # per text object: size, font, turn
    words: list[Word] = []

    def style(index: int) -> tuple[float, Font, int]:
        obj = _text_object(handle, index) or 0
        found = styles.get(obj)
        if found is None:
            # The size as printed: the font size scaled by the text and page matrices
            # ("1 Tf" with a matrix scaling by ten prints ten-point type).
            scale = math.hypot(matrix.c, matrix.d) if _char_matrix(handle, index, matrix_ref) else 1.0
            quarters = _char_angle(handle, index) / (math.pi / 2)  # clockwise, 0 to 4
            turn = -round(quarters) % 4 if abs(quarters - round(quarters)) < 0.07 else -1
            found = styles[obj] = (round(_font_size(handle, index) * scale, 1), _font(obj, fonts), turn)
        return found

    def add(start: int, end: int, look: tuple[float, Font, int], glued: bool = False) -> None:
        _loose_box(handle, start, rect_ref)
        x0, x1, top, bottom = rect.left, rect.right, rect.top, rect.bottom
        if end - 1 > start:  # the first and last letters' boxes span the word, whichever way it runs
            _loose_box(handle, end - 1, rect_ref)
            x0, x1 = min(x0, rect.left), max(x1, rect.right)
            top, bottom = max(top, rect.top), min(bottom, rect.bottom)
        words.append(Word(text[start:end], x0, x1, top, bottom, look[0], look[1], look[2], glued))

    def add_word(start: int, end: int) -> None:
        """One run of characters without whitespace: split where the type changes. The
        first and last characters' boxes tell whether it does (a raised mark is a
        smaller box); only then is each character asked for its style."""
        look = style(start)
        _loose_box(handle, start, rect_ref)
        x0, x1, top, bottom = rect.left, rect.right, rect.top, rect.bottom
        if end - 1 > start:
            _loose_box(handle, end - 1, rect_ref)
            across = (
                (rect.top - top, rect.bottom - bottom)
                if look[2] % 2 == 0
                else (rect.left - x0, rect.right - x1)
            )
            if abs(across[0]) > 0.3 or abs(across[1]) > 0.3:
                run_start = start
                for index in range(start + 1, end):
                    other = style(index)
                    if other != look:
                        add(run_start, index, look, run_start > start)
                        run_start, look = index, other
                add(run_start, end, look, run_start > start)
                return
            x0, x1 = min(x0, rect.left), max(x1, rect.right)
            top, bottom = max(top, rect.top), min(bottom, rect.bottom)
        words.append(Word(text[start:end], x0, x1, top, bottom, look[0], look[1], look[2]))

    for match in _WORD_RE.finditer(text):
        add_word(match.start(), match.end())
    return words


def _character(code: int) -> str:
    """One character of the page's text; half of a surrogate pair is no character."""
    return " " if not code else "\ufffd" if 0xD800 <= code <= 0xDFFF else chr(code)


_NO_FONT = Font("", False, False)


def _font(obj: int, fonts: dict[int, Font]) -> Font:
    """The font a text object is set in: its name, weight and slant (read once per font)."""
    handle = _object_font(obj) if obj else None
    if not handle:
        return _NO_FONT
    font = fonts.get(handle)
    if font is None:
        length = _font_name(handle, None, 0)
        name = ""
        if length > 0:
            buffer = ctypes.create_string_buffer(length)
            _font_name(handle, buffer, length)
            name = buffer.value.decode("utf-8", errors="replace")
        bare = name.split("+", 1)[-1]  # "ABCDEF+Arial-BoldMT": the subset tag goes
        flags, weight = _font_flags(handle), _font_weight(handle)
        bold = weight >= 600 or bool(flags & _FLAG_FORCE_BOLD) or bool(_BOLD_NAME_RE.search(bare))
        italic = bool(flags & _FLAG_ITALIC) or bool(_ITALIC_NAME_RE.search(bare))
        font = fonts[handle] = Font(bare, bold, italic)
    return font


_CHART_SHAPES = 30  # paths (not rules) that make a drawing: a chart, a diagram, a map


def _read_drawings(page_handle: int, page_area: float) -> tuple[list[Rule], int, list[float] | None]:
    """Thin drawn shapes (rules, in PDF space), the number of pictures on the page, and
    the bounds (PDF space) of the shapes of a drawing when the page has one."""
    count = _count_objects(page_handle)
    if count > _MAX_RULE_OBJECTS:
        return [], 0, None
    rules: list[Rule] = []
    images = shapes = 0
    bounds = [float("inf"), float("inf"), float("-inf"), float("-inf")]
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    refs = [ctypes.byref(v) for v in (left, bottom, right, top)]
    for index in range(count):
        obj = _get_object(page_handle, index)
        kind = _object_type(obj)
        if kind == _IMAGE:
            images += 1
            continue
        if kind != _PATH or not _object_bounds(obj, *refs):
            continue
        w, h = right.value - left.value, top.value - bottom.value
        if (h <= 2.5 and w >= 8) or (w <= 2.5 and h >= 8):
            rules.append(Rule(left.value, top.value, right.value, bottom.value))
        elif w >= 8 and h >= 8:  # a box: its four sides may be a table's borders
            x0, y0, x1, y1 = left.value, bottom.value, right.value, top.value
            rules += [Rule(x0, y1, x1, y1), Rule(x0, y0, x1, y0), Rule(x0, y1, x0, y0), Rule(x1, y1, x1, y0)]
        if w > 2.5 and h > 2.5 and w * h < 0.6 * page_area:  # (not the page's frame)
            shapes += 1
            bounds = [
                min(bounds[0], left.value),
                min(bounds[1], bottom.value),
                max(bounds[2], right.value),
                max(bounds[3], top.value),
            ]
    return rules, images, bounds if shapes >= _CHART_SHAPES else None
