"""Scanned PDF pages (a picture of the page, no text layer) read with Tesseract OCR.

A scanned page is rendered at about 300 dpi and read by the `tesseract` program (Debian's
tesseract-ocr, installed by scripts/setup; no model is ever downloaded). Its TSV output
becomes the same `Word`s, with boxes in points, that the PDF's own text gives, so lines,
columns, paragraphs and headings are found the same way. Tesseract does not report type
sizes: each line's size is estimated from the height of its words' letters, so that a
heading set in larger type is still larger here. A page scanned askew, sideways or
upside down is read turned upright.

A page that cannot be read (Tesseract missing, failed or timed out) is recorded in the
`ScanReport` of the reading in progress (see `collect_scans`), for the reader to say so.
"""

from __future__ import annotations

import functools
import io
import logging
import math
import os
import shutil
import statistics
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from briefer.ingest.pdf_text import Font, Page, Word

log = logging.getLogger(__name__)

MISSING = "Tesseract OCR is not installed"
NO_MODELS = "Tesseract OCR has no English, French or Spanish model installed"
CANNOT_RUN = "Tesseract OCR cannot be run"
INSTALL_HINT = (
    "install it (apt-get install tesseract-ocr tesseract-ocr-eng) or run scripts/setup, "
    "then add the file again"
)

DPI = 300
MAX_PIXELS = 40_000_000  # a poster-sized page is rendered at a lower resolution (40 MB grey)
PAGE_TIMEOUT = 120  # seconds for one page; a dense A4 page takes a few seconds
MIN_CONFIDENCE = 40  # Tesseract's word confidence (0-100): below it, specks and smudges
MAX_STRAY_CHARACTERS = 30  # a scan's own text layer: a page number or a stamp, no more
MIN_PICTURE_SHARE = 0.5  # of the page's area covered by pictures
MIN_PICTURE_SHARE_TEXTLESS = 0.2  # on a page without any text: a letter pasted in as a picture
LANGUAGES = ("eng", "fra", "spa")  # the reports' languages, when their models are installed

OCR_FONT = Font("OCR", False, False)  # Tesseract does not tell weight or slant

# Heights of letters in em (Liberation Serif, close to most text faces): how far above
# the baseline a word reaches and how far below it, by the letters it holds.
_TALL, _T_HEIGHT, _X_HEIGHT, _DESCENT = 0.69, 0.58, 0.46, 0.22
_X_LETTERS = frozenset("acemnorsuvwxzgpqy")  # no higher than an x
_DEEP = frozenset("gjpqyQ()[]{}|;,§µ")
_ASCENT_BOX, _DESCENT_BOX = 0.89, 0.22  # a PDF word's box around its baseline, in em
_SAME_SIZE = 1.1  # line sizes within 10% of each other are one size, measured unevenly
_RETRY_SKEW = 0.026  # a page's slope beyond 1.5 degrees: read again, turned straight
_DOUBTFUL = 70  # a page's median word confidence below it: upside down?


# --- what could not be read -----------------------------------------------------------------


@dataclass(slots=True)
class ScanReport:
    """The scanned pages of one document: those OCR read and those it could not."""

    read: list[int] = field(default_factory=list)
    unread: list[int] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # why, each said once


_current: ContextVar[ScanReport | None] = ContextVar("briefer_scan_report", default=None)


@contextmanager
def collect_scans() -> Iterator[ScanReport]:
    """Record the scanned pages read meanwhile (in this thread), for the reader to judge."""
    report = ScanReport()
    token = _current.set(report)
    try:
        yield report
    finally:
        _current.reset(token)


def _record(number: int, reason: str | None) -> None:
    report = _current.get()
    if report is None:  # nobody to tell: the log is told
        if reason:
            log.warning("page %d is a scan and was not read: %s", number, reason)
        return
    if reason is None:
        report.read.append(number)
        return
    report.unread.append(number)
    if reason not in report.reasons:
        report.reasons.append(reason)


class OcrError(Exception):
    """A scanned page could not be read; the message says why, in a few words."""


def remedy(reasons: list[str]) -> str:
    """What to do about scanned pages not read for these reasons."""
    if any(reason.startswith((MISSING, NO_MODELS, CANNOT_RUN)) for reason in reasons):
        return INSTALL_HINT
    return "try again, or scan it again at 300 dpi"


# --- the hook -------------------------------------------------------------------------------


def read_if_scanned(page: pdfium.PdfPage, result: Page) -> None:
    """If the page is a scan, put in `result` the words OCR reads on it (and, for a page
    scanned sideways, its size as read: turned upright)."""
    own = result.words
    if len(own) > MAX_STRAY_CHARACTERS or sum(len(w.text.strip()) for w in own) > MAX_STRAY_CHARACTERS:
        return
    if picture_share(page) < (MIN_PICTURE_SHARE if own else MIN_PICTURE_SHARE_TEXTLESS):
        return
    try:
        words, sideways = read_words(page, result.width, result.height)
    except OcrError as error:
        _record(result.number, str(error))
        return
    _record(result.number, None)
    result.words = words  # the stray text is in the picture OCR read, drawn over it
    if sideways:  # the page as read; the PDF's own rules are drawn across it, not along
        result.width, result.height = result.height, result.width
        result.rules = []


def picture_share(page: pdfium.PdfPage) -> float:
    """How much of the page pictures cover (0 to 1): a scan covers most of it."""
    left, bottom, right, top = page.get_bbox()
    area = (right - left) * (top - bottom)
    if area <= 0:
        return 0.0
    covered = 0.0
    try:
        for obj in page.get_objects(max_depth=1):  # a form holding the scan counts as a whole
            if obj.type == pdfium_c.FPDF_PAGEOBJ_FORM and not _holds_picture(page, obj):
                continue
            if obj.type not in (pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_FORM):
                continue
            x0, y0, x1, y1 = obj.get_bounds()
            width, height = min(x1, right) - max(x0, left), min(y1, top) - max(y0, bottom)
            if width > 0 and height > 0:
                covered += width * height
    except pdfium.PdfiumError:  # a damaged object: what was found so far
        pass
    return min(1.0, covered / area)


def _holds_picture(page: pdfium.PdfPage, form) -> bool:
    images = page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=4, form=form)
    return next(images, None) is not None


# --- Tesseract ------------------------------------------------------------------------------


def tesseract() -> str | None:
    """The tesseract program, or None when it is not installed."""
    return shutil.which("tesseract")


@functools.lru_cache(maxsize=4)
def languages(executable: str) -> str:
    """The "-l" argument: the installed models among the reports' languages ("eng+fra")."""
    try:
        listed = subprocess.run(
            [executable, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise OcrError(f"{CANNOT_RUN} ({error})") from None
    # "List of available languages in ...:", then one model a line (on stderr before 4.0).
    installed = {line.strip() for line in (listed.stdout + listed.stderr).splitlines()}
    chosen = [lang for lang in LANGUAGES if lang in installed]
    if not chosen:
        raise OcrError(NO_MODELS)
    return "+".join(chosen)


def read_words(page: pdfium.PdfPage, width: float, height: float) -> tuple[list[Word], bool]:
    """Render the page, have Tesseract read it, and return its words in points, and
    whether it was scanned sideways (the words are then in the page turned upright)."""
    executable = tesseract()
    if executable is None:
        raise OcrError(MISSING)
    langs = languages(executable)
    scale = render_scale(width, height)
    try:
        image = page.render(scale=scale, grayscale=True).to_pil()
    except (pdfium.PdfiumError, ValueError, OSError) as error:
        raise OcrError(f"the page could not be rendered ({error})") from None

    deadline = time.monotonic() + PAGE_TIMEOUT  # for every reading of the page together

    def read(picture: Image.Image) -> _Lines:
        return _tsv_lines(_run(executable, _png(picture), langs, round(72 * scale), deadline))

    lines = read(image)
    # Tesseract reads a page scanned upside down as gibberish: it is tried turned round.
    if _doubtful(lines):
        image_round = image.rotate(180)
        lines_round = read(image_round)
        if _legible(lines_round) > _legible(lines):
            image, lines = image_round, lines_round
    # Its layout analysis loses whole paragraphs of a page askew by two degrees or more:
    # such a page is read again turned straight.
    slope = _skew(_upright(image.size, _confident(lines))[1])
    if abs(slope) > _RETRY_SKEW:
        turn = math.degrees(math.atan(slope))
        lines = read(image.rotate(turn, resample=Image.Resampling.BILINEAR, fillcolor=255))
    return parse_lines(image.size, lines, width / image.width)


def _png(image: Image.Image) -> bytes:
    data = io.BytesIO()
    image.save(data, "PNG", compress_level=1)  # fast: it is read once, at once
    return data.getvalue()


def render_scale(width: float, height: float) -> float:
    """Pixels per point: 300 dpi, less on a page so large it would take too much memory."""
    scale = DPI / 72
    pixels = width * height * scale * scale
    if pixels > MAX_PIXELS:
        scale *= (MAX_PIXELS / pixels) ** 0.5
    return scale


def _run(executable: str, png: bytes, langs: str, dpi: int, deadline: float) -> str:
    # One thread: Tesseract's OpenMP threads make a page slower on a small machine. The
    # image goes through stdin, so no file is left behind whatever happens.
    command = [executable, "stdin", "stdout", "-l", langs, "--dpi", str(dpi), "--psm", "3", "tsv"]
    environment = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(
            command,
            input=png,
            capture_output=True,
            timeout=max(0.1, deadline - time.monotonic()),
            env=environment,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise OcrError(f"Tesseract OCR took more than {PAGE_TIMEOUT} s on a page") from None
    except OSError as error:
        raise OcrError(f"{CANNOT_RUN} ({error})") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
        raise OcrError(f"Tesseract OCR failed ({message[-1] if message else f'exit code {done.returncode}'})")
    return done.stdout.decode("utf-8", errors="replace")


# --- Tesseract's TSV -> words ---------------------------------------------------------------


@dataclass(slots=True)
class _Box:
    text: str
    left: float
    top: float
    right: float
    bottom: float
    confidence: float = 100.0

    @property
    def middle(self) -> tuple[float, float]:
        return (self.left + self.right) / 2, (self.top + self.bottom) / 2


_Lines = list[list[_Box]]  # the words of each line, as Tesseract found them


def parse_tsv(tsv: str, scale: float, size: tuple[int, int]) -> tuple[list[Word], bool]:
    """Tesseract's TSV for an image of `size` pixels -> words in points (`scale` points
    a pixel), and whether the text ran sideways."""
    return parse_lines(size, _tsv_lines(tsv), scale)


def parse_lines(size: tuple[int, int], lines: _Lines, scale: float) -> tuple[list[Word], bool]:
    """Tesseract's lines of words -> words in points, each line at its estimated size.

    A scan is often a degree or two askew: the words are turned back about the page's
    centre, and each line's words share one baseline, so that the layout finds the
    lines Tesseract found (at 1.5 degrees a line drifts by its own height)."""
    (width, height), lines, sideways = _upright(size, _confident(lines))
    cx, cy = width / 2, height / 2
    slope = _skew(lines)
    sizes = _snap([_line_size(boxes, slope) for boxes in lines])
    words: list[Word] = []
    for boxes, em in zip(lines, sizes, strict=True):
        baseline = statistics.median(_baseline(box, em) - slope * (box.middle[0] - cx) for box in boxes)
        top, bottom = (baseline - _ASCENT_BOX * em) * scale, (baseline + _DESCENT_BOX * em) * scale
        points = round(em * scale * 2) / 2
        for box in boxes:
            shift = slope * (box.middle[1] - cy)
            x0, x1 = (box.left + shift) * scale, (box.right + shift) * scale
            words.append(Word(box.text, x0, x1, top, bottom, points, OCR_FONT))
    return words, sideways


def _tsv_lines(tsv: str) -> _Lines:
    """The words of each text line, in Tesseract's order."""
    lines: dict[tuple[str, str, str, str], list[_Box]] = {}
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5":  # level 5: a word
            continue
        text = cells[11].strip()
        try:
            left, top, width, height = (int(v) for v in cells[6:10])
            confidence = float(cells[10])
        except ValueError:
            continue
        if text and width > 0 and height > 0:
            key = (cells[1], cells[2], cells[3], cells[4])  # page, block, paragraph, line
            lines.setdefault(key, []).append(_Box(text, left, top, left + width, top + height, confidence))
    return list(lines.values())


def _confident(lines: _Lines) -> _Lines:
    """The words Tesseract is fairly sure of: the rest are specks, smudges and edges."""
    kept = []
    for boxes in lines:
        sure = [
            box
            for box in boxes
            if box.confidence >= MIN_CONFIDENCE and (_letters(box.text) or box.confidence >= 60)
        ]
        if sure:
            kept.append(sure)
    return kept


def _doubtful(lines: _Lines) -> bool:
    confidences = [box.confidence for boxes in lines for box in boxes]
    return len(confidences) >= 5 and statistics.median(confidences) < _DOUBTFUL


def _legible(lines: _Lines) -> float:
    """How much text was read, weighed by how sure Tesseract is of it."""
    return sum(len(box.text) * box.confidence for boxes in _confident(lines) for box in boxes)


def _upright(size: tuple[int, int], lines: _Lines) -> tuple[tuple[int, int], _Lines, bool]:
    """A page scanned sideways (its lines run down or up the image; Tesseract reads them
    so): the size and boxes of the page turned upright, and whether it was turned."""
    spans = [(boxes[0].middle, boxes[-1].middle) for boxes in lines if len(boxes) >= 2]
    down = sum(1 for (x0, y0), (x1, y1) in spans if y1 - y0 > abs(x1 - x0))
    up = sum(1 for (x0, y0), (x1, y1) in spans if y0 - y1 > abs(x1 - x0))
    if max(down, up) <= len(spans) / 2:
        return size, lines, False
    width, height = size

    def turn(b: _Box) -> _Box:
        if down > up:  # turned clockwise: the page's top is at the image's right
            return _Box(b.text, b.top, width - b.right, b.bottom, width - b.left, b.confidence)
        return _Box(b.text, height - b.bottom, b.left, height - b.top, b.right, b.confidence)

    return (height, width), [[turn(box) for box in boxes] for boxes in lines], True


def _skew(lines: _Lines) -> float:
    """The page's skew (a slope: pixels down per pixel right), the median of its lines'
    baselines, read off the words that stand on theirs (no descenders)."""
    slopes = []
    for boxes in lines:
        points = [(box.middle[0], box.bottom) for box in boxes if _letters(box.text) and not _deep(box.text)]
        if len(points) < 3:
            continue
        mean_x = statistics.fmean(x for x, _ in points)
        mean_y = statistics.fmean(y for _, y in points)
        spread = sum((x - mean_x) ** 2 for x, _ in points)
        if spread > 0:
            slopes.append(sum((x - mean_x) * (y - mean_y) for x, y in points) / spread)
    slope = statistics.median(slopes) if slopes else 0.0
    return slope if abs(slope) <= 0.1 else 0.0  # beyond 6 degrees: a misreading, not a skew


def _letters(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _deep(text: str) -> bool:
    return any(ch in _DEEP for ch in text)


def _baseline(box: _Box, size: float) -> float:
    return box.bottom - (_DESCENT * size if _deep(box.text) else 0.0)


def _em_share(text: str) -> float:
    """The height of a word's letters, in em: from the top of its tallest letter to the
    bottom of its deepest one."""
    if any(ch.isalnum() and ch not in _X_LETTERS and ch != "t" for ch in text):
        above = _TALL  # capitals, figures, ascenders, dotted and accented letters
    elif "t" in text:
        above = _T_HEIGHT
    else:
        above = _X_HEIGHT
    return above + (_DESCENT if _deep(text) else 0.0)


def _line_size(boxes: list[_Box], slope: float) -> float:
    """A line's type size in pixels: the median of its words' estimates. A word askew
    has a box taller than its letters by its width times the skew."""
    heights = [(box.bottom - box.top - abs(slope) * (box.right - box.left), box.text) for box in boxes]
    estimates = [height / _em_share(text) for height, text in heights if _letters(text) and height > 0]
    return statistics.median(estimates or [(box.bottom - box.top) / (_TALL + _DESCENT) for box in boxes])


def _snap(sizes: list[float]) -> list[float]:
    """Lines measured within a few per cent of each other get one size (their median):
    the body's lines must read as set in one size, as they are."""
    if not sizes:
        return []
    ordered = sorted(sizes)
    snapped: dict[float, float] = {}
    group = [ordered[0]]
    for size in ordered[1:] + [float("inf")]:
        if size <= group[0] * _SAME_SIZE:
            group.append(size)
            continue
        middle = statistics.median(group)
        snapped.update((member, middle) for member in group)
        group = [size]
    return [snapped[size] for size in sizes]
