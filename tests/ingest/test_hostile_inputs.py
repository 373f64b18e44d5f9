"""Files made to hurt the reader (issue 13): each is read in bounded time and memory, or
refused alone with a one-line message naming it."""

from __future__ import annotations

import os
import time
import zipfile
import zlib
from pathlib import Path

import docx
import pytest

from briefer.actions.ingest import ingest_paths
from briefer.errors import InputFileError, shown_path
from briefer.ingest import pdf_text, readers
from briefer.ingest.pipeline import parse_document
from briefer.ingest.readers import read_document
from briefer.ingest.segment import split_meetings
from briefer.ingest.units import Unit
from briefer.library import Library

TEXT = (
    "Participants discussed the recruitment of migrant workers and the fees they pay to agencies, "
    "and agreed that the fees should be paid by the employers rather than by the workers themselves."
)
_ROMANS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def _roman_headings_text(size: int) -> str:
    """Short sections under roman headings, numbered I to X over and over, and no report
    text long enough to be a body: the case where looking for one at each heading was
    quadratic."""
    parts, total, index = [], 0, 0
    while total < size:
        part = f"{_ROMANS[index % 10]}. Heading\nsome text\n"
        parts.append(part)
        total += len(part)
        index += 1
    return "".join(parts)


def test_a_megabyte_of_repeated_roman_headings_is_read_in_seconds(tmp_path: Path) -> None:
    path = tmp_path / "romans.txt"
    path.write_text(_roman_headings_text(1_000_000), encoding="utf-8")
    start = time.perf_counter()
    parsed = parse_document(path)
    elapsed = time.perf_counter() - start
    assert parsed.meetings
    assert elapsed < 15, f"{elapsed:.1f} s"  # 2.8 s here; over a minute when quadratic


def test_splitting_many_short_sections_into_meetings_is_linear() -> None:
    units: list[Unit] = []
    for index in range(20_000):
        number = _ROMANS[index % 10]
        units.append(
            Unit(
                "heading",
                f"{number}. Heading",
                2 * index,
                2 * index,
                None,
                None,
                number,
                "roman",
                "Heading",
                None,
            )
        )
        units.append(
            Unit("paragraph", "some text", 2 * index + 1, 2 * index + 1, None, None, None, None, "", None)
        )
    start = time.perf_counter()
    drafts = split_meetings(units)
    elapsed = time.perf_counter() - start
    assert len(drafts) == 1  # no report text: nothing to split after
    assert elapsed < 2, f"{elapsed:.1f} s"  # 0.1 s here; 20 s when quadratic


# --- decompression bombs ------------------------------------------------------------------


def _pdf(content: bytes, pages: int = 1) -> bytes:
    """A PDF whose pages all draw one Flate-compressed content stream."""
    stream = zlib.compress(content, 9)
    kids = " ".join(f"{5 + i} 0 R" for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R /Resources << /Font << /F1 4 0 R >> >> >>"
    objects += [page] * pages
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


_DRAW_LINE = b"BT /F1 12 Tf 72 700 Td (Participants discussed the recruitment of workers.) Tj ET\n"


def _refusal(path: Path) -> str:
    with pytest.raises(InputFileError) as caught:
        read_document(path)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(shown_path(path))
    return message


def test_a_pdf_that_unpacks_into_gigabytes_is_refused_at_once(tmp_path: Path) -> None:
    # 100 KB that PDFium would unpack into 400 MB of drawing instructions (and hold
    # about 6 GB while reading the page; 2.5 s and 300 MB for each 20 MB of them).
    path = tmp_path / "bomb.pdf"
    path.write_bytes(_pdf(_DRAW_LINE * 5_000_000))
    start = time.perf_counter()
    message = _refusal(path)
    assert time.perf_counter() - start < 5
    assert "too large to read" in message and "unpack" in message


def test_a_pdf_of_too_many_pages_is_refused_before_they_are_read(tmp_path: Path) -> None:
    path = tmp_path / "pages.pdf"
    path.write_bytes(_pdf(_DRAW_LINE, pages=pdf_text.MAX_PAGES + 1))
    start = time.perf_counter()
    assert f"{pdf_text.MAX_PAGES + 1} pages" in _refusal(path)
    assert time.perf_counter() - start < 2


def test_pages_sharing_one_big_drawing_are_bounded_over_the_document(tmp_path: Path, monkeypatch) -> None:
    # Each page draws the same stream: small once, large when read on every page.
    monkeypatch.setattr(pdf_text, "MAX_PAGE_ITEMS", 20_000)
    path = tmp_path / "shared.pdf"
    lines = b"".join(_DRAW_LINE.replace(b"700", b"%d" % (750 - 15 * n)) for n in range(45))
    path.write_bytes(_pdf(lines, pages=20))  # 2,000 letters a page
    assert "letters and shapes" in _refusal(path)
    monkeypatch.undo()
    assert len(read_document(path).pages) == 20


def _docx_with_member(path: Path, member: str, megabytes: int) -> None:
    """A Word document that holds one more part: `megabytes` of zeros, packed tight."""
    document = docx.Document()
    document.add_paragraph(TEXT)
    document.save(str(path))
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive, archive.open(member, "w") as part:
        chunk = bytes(1 << 20)
        for _ in range(megabytes):
            part.write(chunk)


def test_a_word_file_that_unpacks_into_gigabytes_is_refused_as_such(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    _docx_with_member(path, "word/media/image1.png", 30)  # 30 KB in the file
    message = _refusal(path)
    assert "too large to read" in message and "password" not in message
    assert "word/media/image1.png" in message


def test_a_word_file_over_200_mb_unpacked_is_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(readers, "MAX_DOCX_UNPACKED", 5 * 1024 * 1024)
    monkeypatch.setattr(readers, "MAX_DOCX_RATIO", 10**9)
    path = tmp_path / "big.docx"
    _docx_with_member(path, "word/media/image1.png", 6)
    assert "unpack into" in _refusal(path)
    monkeypatch.undo()
    assert read_document(path).word is not None  # 6 MB of zeros: under the real bounds


# --- file names ---------------------------------------------------------------------------


def _report_text(place: str) -> str:
    return f"Workshop on labour migration\n{place}, 3 May 2011\n\nI. Opening\n\n{TEXT}\n"


def test_a_name_that_is_not_utf8_is_ingested_with_the_rest_of_its_folder(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "good.txt").write_text(_report_text("Geneva"), encoding="utf-8")
    odd = Path(os.fsdecode(bytes(folder) + b"/r\xe9port.txt"))  # Latin-1 bytes, as a USB stick may hold
    odd.write_text(_report_text("Bangkok"), encoding="utf-8")
    library = Library.open(tmp_path / "library")
    reports = ingest_paths(library, [folder])
    assert sorted((r.path.name, r.status) for r in reports) == [
        ("good.txt", "added"),
        ("r\\xe9port.txt", "added"),
    ]
    assert sorted(d["file"] for d in library.documents()) == ["good.txt", "r\\xe9port.txt"]
    for report in reports:
        str(report.path).encode("utf-8")  # printable, whatever the terminal
    reopened = Library.open(tmp_path / "library")  # and stored: the library reads back
    assert len(reopened.documents()) == 2


def test_a_bad_file_with_an_odd_name_is_refused_alone_in_one_printable_line(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "good.txt").write_text(_report_text("Geneva"), encoding="utf-8")
    Path(os.fsdecode(bytes(folder) + b"/emp\xfdty.txt")).write_bytes(b"")
    reports = ingest_paths(Library.open(tmp_path / "library"), [folder])
    bad = next(r for r in reports if not r.ok)
    assert bad.message == f"{folder}/emp\\xfdty.txt: the file is empty; choose the file that holds the report"
    assert [r.status for r in reports if r.ok] == ["added"]


@pytest.mark.parametrize(
    "name", ["two\nlines.txt", "tab\there.txt", "ret\rurn.txt", "esc\x1b[31m.txt", "sep\u2028.txt"]
)
def test_an_error_names_a_file_on_one_line_whatever_its_name(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    message = _refusal(path)
    assert message.isprintable()  # no control character, no line break of any kind
    assert shown_path(path) in message and repr(name)[1:-1] in message


def test_ordinary_names_are_shown_as_they_are() -> None:
    for name in [
        "report.txt",
        "Rapport d’atelier — Genève 2011.pdf",
        "نشست.docx",
        "会议 报告.txt",
        "a\xa0b.md",
    ]:
        assert shown_path(name) == name
