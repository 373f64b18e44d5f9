"""Readers: a file on disk -> its lines of text, with line numbers, pages and heading styles.

Every problem a user can meet (empty, binary, damaged, password-protected, too large)
is raised as InputFileError with the file's name, what is wrong and what to do.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefer.errors import InputFileError

if TYPE_CHECKING:
    from briefer.ingest.docx_reader import WordBody
    from briefer.ingest.ocr import ScanReport
    from briefer.ingest.page_layout import PdfPage

log = logging.getLogger(__name__)

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
PDF_SUFFIXES = frozenset({".pdf"})
DOCX_SUFFIXES = frozenset({".docx"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES | DOCX_SUFFIXES

MAX_TEXT_BYTES = 20 * 1024 * 1024
MAX_BINARY_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class RawLine:
    text: str
    number: int  # 1-based: line of a text file, line of a PDF's extracted text, docx paragraph
    page: int | None = None
    style_level: int | None = None  # heading level from a Word style; 0 for "Title"
    ends_paragraph: bool = False  # a Word paragraph is whole: never joined to the next


@dataclass(frozen=True, slots=True)
class RawDocument:
    path: Path
    kind: str  # "text", "pdf" or "docx"
    lines: list[RawLine]
    page_count: int | None
    sha256: str  # of the file's bytes: an unchanged file is recognised by it
    size: int
    pages: list[PdfPage] | None = None  # a PDF's pages as laid out: lines with their type
    word: WordBody | None = None  # a Word document's paragraphs with their type, and its notes


def read_document(path: Path) -> RawDocument:
    """Read a supported file. Raises InputFileError for anything a user must fix."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputFileError(
            path,
            f"unsupported file type '{suffix or '(none)'}'",
            "Briefer reads .txt, .md, .pdf and .docx files; save it in one of those formats",
        )
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputFileError(path, "file not found", "check the path") from None
    except OSError as error:
        raise InputFileError(path, f"cannot be read ({error.strerror})") from None
    if size == 0:
        raise InputFileError(path, "the file is empty", "choose the file that holds the report")
    limit = MAX_TEXT_BYTES if suffix in TEXT_SUFFIXES else MAX_BINARY_BYTES
    if size > limit:
        raise InputFileError(
            path,
            f"the file is too large ({size / 1_048_576:.0f} MB; the limit is {limit // 1_048_576} MB)",
            "split it into one file per report",
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputFileError(path, f"cannot be read ({error.strerror})") from None
    _check_content_matches_name(path, suffix, data)
    laid_out = word = None
    if suffix in TEXT_SUFFIXES:
        kind, lines, pages = "text", *_read_text(path, data)
    elif suffix in PDF_SUFFIXES:
        kind, laid_out = "pdf", _read_pdf(path, data)
        lines = [RawLine(line.text, 0, page.number) for page in laid_out for line in page.lines]
        lines = [RawLine(line.text, number, line.page) for number, line in enumerate(lines, start=1)]
        pages = len(laid_out)
    else:
        kind, pages, word = "docx", None, _read_docx(path, data)
        lines = _word_lines(word)
    sha256 = hashlib.sha256(data).hexdigest()
    document = RawDocument(path, kind, lines, pages, sha256, len(data), laid_out, word)
    if not any(line.text.strip() for line in document.lines):
        raise InputFileError(
            path,
            "no text found in the file" + (" (a scanned PDF?)" if document.kind == "pdf" else ""),
            "run OCR on it first, or choose a file with text" if document.kind == "pdf" else "",
        )
    return document


def _check_content_matches_name(path: Path, suffix: str, data: bytes) -> None:
    """A PDF saved as "report.docx" gets an error that says what the file really is."""
    if data.startswith(b"%PDF") and suffix != ".pdf":
        raise InputFileError(path, f"the file is a PDF, not a {suffix} file", "rename it to end in .pdf")
    if data.startswith(b"PK\x03\x04") and suffix != ".docx":
        raise InputFileError(
            path,
            f"the file is a ZIP archive (a Word .docx?), not a {suffix} file",
            "rename it to end in .docx",
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputFileError(
            path,
            "the file is an old Word .doc or a password-protected document",
            "open it in Word and save it as .docx without a password",
        )


# --- plain text ---------------------------------------------------------------------------

_LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def decode_text(data: bytes) -> str | None:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252.

    Returns None when the bytes are not text at all.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        # Windows-1252 leaves five bytes undefined; a file that uses them is not text.
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            return None
    controls = len(_CONTROL_RE.findall(text))
    if controls > max(2, len(text) // 1000):
        return None
    return text


def _read_text(path: Path, data: bytes) -> tuple[list[RawLine], int | None]:
    text = decode_text(data)
    if text is None:
        raise InputFileError(
            path,
            "this is not a text file (it holds binary data)",
            "check that it is the right file; save reports as .txt, .pdf or .docx",
        )
    # A form feed marks a page break in text saved by PDF tools (pdftotext).
    has_pages = "\f" in text
    page = 1
    lines: list[RawLine] = []
    for number, line in enumerate(_LINE_BREAK_RE.split(text), start=1):
        if "\f" in line:
            page += line.count("\f")
            line = line.replace("\f", "")
        lines.append(RawLine(line, number, page if has_pages else None))
    return lines, page if has_pages else None


# --- PDF ------------------------------------------------------------------------------------


def _read_pdf(path: Path, data: bytes) -> list[PdfPage]:
    from briefer.ingest import ocr, pdf_text
    from briefer.ingest.page_layout import lay_out_page

    try:
        pdf_text.check_size(data)
        pdf = pdf_text.open_pdf(data)
    except pdf_text.PdfTooLarge as error:
        raise _too_large(path, "PDF", error) from None
    except pdf_text.PdfiumError as error:
        if getattr(error, "err_code", None) == 4 or "password" in str(error).lower():
            raise InputFileError(
                path,
                "the PDF is password-protected",
                "open it with its password and save an unprotected copy, then add that",
            ) from None
        raise InputFileError(
            path,
            "the PDF is damaged and cannot be read",
            "download or export it again",
        ) from None
    try:
        with ocr.collect_scans() as scans:
            pages = [lay_out_page(page) for page in pdf_text.pages(pdf)]
    except pdf_text.PdfTooLarge as error:
        raise _too_large(path, "PDF", error) from None
    except pdf_text.PdfiumError:
        raise InputFileError(
            path, "the PDF is damaged and cannot be read", "download or export it again"
        ) from None
    finally:
        pdf.close()
    _check_scans(path, pages, scans)
    return pages


def _check_scans(path: Path, pages: list[PdfPage], scans: ScanReport) -> None:
    """Scanned pages that OCR could not read: a warning when the rest of the document has
    text, an error when nothing of it could be read."""
    from briefer.ingest import ocr

    hint = ocr.remedy(scans.reasons)
    if any(line.text.strip() for page in pages for line in page.lines):
        if scans.unread:
            numbers = ", ".join(str(n) for n in scans.unread)
            reasons = "; ".join(scans.reasons)
            log.warning("%s: scanned pages not read: %s (%s); %s", path, numbers, reasons, hint)
    elif scans.unread and ocr.MISSING in scans.reasons:
        raise InputFileError(path, f"the PDF is a scan (pictures of pages, no text) and {ocr.MISSING}", hint)
    elif scans.unread:
        raise InputFileError(path, f"the PDF is a scan and OCR could not read it: {scans.reasons[0]}", hint)
    elif scans.read:
        raise InputFileError(
            path,
            "the PDF is a scan and OCR found no legible text in it",
            "check the scan (blank, faint or turned sideways?) or scan it again at 300 dpi",
        )


def _too_large(path: Path, kind: str, error: ValueError) -> InputFileError:
    """A file that unpacks into more than any report holds (or one made to exhaust the
    reader's memory)."""
    return InputFileError(
        path,
        f"the {kind} file is too large to read: {error}",
        "if it is a real report, save or print it again as a new file, or split it into one file per report",
    )


# --- Word -----------------------------------------------------------------------------------

# A .docx is a ZIP archive; python-docx unpacks its parts into memory. A long report
# with its pictures unpacks into some tens of MB; its XML parts compress 5 to 20 times.
# A part packed more than 100 times over, or parts over 200 MB in all, are a bomb.
MAX_DOCX_UNPACKED = 200 * 1024 * 1024
MAX_DOCX_RATIO = 100
_RATIO_FROM = 10 * 1024 * 1024  # small parts may be packed tightly (blank space, repeated styles)


def _check_docx_size(data: bytes) -> None:
    """Raise ValueError when the archive's parts unpack into more than the bounds above,
    from the sizes it declares (Python's zipfile never unpacks more than a part declares)."""
    import zipfile

    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return  # not a readable archive: python-docx says so
    total = sum(member.file_size for member in members)
    if total > MAX_DOCX_UNPACKED:
        raise ValueError(f"its parts unpack into {total / 1_048_576:,.0f} MB (the limit is 200 MB)")
    for member in members:
        if member.file_size > _RATIO_FROM and member.file_size > MAX_DOCX_RATIO * max(
            member.compress_size, 1
        ):
            raise ValueError(
                f"its part {member.filename!r} unpacks {member.file_size // max(member.compress_size, 1):,} "
                "times over (a real document's part, at most some tens)"
            )


def _read_docx(path: Path, data: bytes) -> WordBody:
    from briefer.ingest.docx_reader import read_word

    try:
        _check_docx_size(data)
    except ValueError as error:
        raise _too_large(path, "Word", error) from None
    try:
        return read_word(data)
    except Exception as error:  # noqa: BLE001 - python-docx fails on damaged packages in
        # open-ended ways (bad XML, bad zip data, bad attribute values, missing parts), while
        # opening or while walking the body: each means the same to the user
        log.debug("%s: not a readable Word document: %r", path, error)
        raise InputFileError(
            path,
            "not a readable Word document (damaged, password-protected, or an old .doc)",
            "open it in Word and save it again as .docx without a password",
        ) from None


def _word_lines(body: WordBody) -> list[RawLine]:
    """One line per paragraph and per table row, numbered as the layout numbers them."""
    lines: list[RawLine] = []
    for paragraph in body.paragraphs:
        if paragraph.rows is None:
            lines.append(RawLine(paragraph.text, paragraph.first_line, None, paragraph.style_level, True))
            continue
        for offset, cells in enumerate(paragraph.rows):
            lines.append(RawLine(" | ".join(cells), paragraph.first_line + offset, None, None, True))
    return lines
