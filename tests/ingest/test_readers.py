"""Readers on real files: text in three encodings, PDF with pages, Word with heading styles,
and every kind of bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from reportlab.lib import pdfencrypt
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from briefer.errors import InputFileError
from briefer.ingest.readers import read_document

TEXT = "Côte d’Ivoire hosted the “regional” meeting – on remittances.\nSecond line: naïve café.\n"


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b""), ("utf-16", b"")],
)
def test_text_encodings(tmp_path: Path, encoding: str, prefix: bytes) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(prefix + TEXT.encode(encoding))
    document = read_document(path)
    assert [line.text for line in document.lines[:2]] == TEXT.splitlines()
    assert document.lines[0].number == 1
    assert document.lines[0].page is None


def test_text_form_feeds_are_pages(tmp_path: Path) -> None:
    path = tmp_path / "pages.txt"
    path.write_text("Page one text\n\fPage two text\nmore\n\fPage three\n", encoding="utf-8")
    pages = {line.text: line.page for line in read_document(path).lines if line.text}
    assert pages == {"Page one text": 1, "Page two text": 2, "more": 2, "Page three": 3}


def _make_pdf(path: Path, pages: list[list[str]], password: str | None = None) -> Path:
    encrypt = pdfencrypt.StandardEncryption(password, canPrint=1) if password else None
    pdf = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    for lines in pages:
        y = 780
        for line in lines:
            pdf.drawString(72, y, line)
            y -= 16
        pdf.showPage()
    pdf.save()
    return path


def test_pdf_text_per_page(tmp_path: Path) -> None:
    path = _make_pdf(
        tmp_path / "report.pdf",
        [["I. Introduction", "The meeting was held in Geneva."], ["II. Remittances", "Costs fell."]],
    )
    document = read_document(path)
    assert document.kind == "pdf" and document.page_count == 2
    by_page = {}
    for line in document.lines:
        if line.text.strip():
            by_page.setdefault(line.page, []).append(line.text.strip())
    assert by_page == {
        1: ["I. Introduction", "The meeting was held in Geneva."],
        2: ["II. Remittances", "Costs fell."],
    }


def test_docx_heading_styles(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    doc = Document()
    doc.add_heading("Report of the meeting", level=0)
    doc.add_heading("Remittances", level=1)
    doc.add_paragraph("Participants discussed the cost of sending money home.")
    doc.add_heading("Costs", level=2)
    doc.add_paragraph("Costs remain high.")
    table = doc.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Mr. A"
    table.rows[0].cells[1].text = "Ministry of Labour"
    doc.save(path)
    lines = [(line.text, line.style_level) for line in read_document(path).lines if line.text]
    assert lines == [
        ("Report of the meeting", 0),
        ("Remittances", 1),
        ("Participants discussed the cost of sending money home.", None),
        ("Costs", 2),
        ("Costs remain high.", None),
        ("Mr. A | Ministry of Labour", None),
    ]


# --- bad input: one clear error naming the file --------------------------------------------


def _error(path: Path) -> InputFileError:
    with pytest.raises(InputFileError) as caught:
        read_document(path)
    message = str(caught.value)
    assert str(path) in message and "\n" not in message
    return caught.value


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert "empty" in _error(path).problem


def test_whitespace_only_file(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_text("\n\n   \n", encoding="utf-8")
    assert "no text" in _error(path).problem


def test_binary_junk_named_txt(tmp_path: Path) -> None:
    path = tmp_path / "junk.txt"
    path.write_bytes(bytes(range(256)) * 40)
    assert "binary" in _error(path).problem


def test_corrupt_pdf(tmp_path: Path) -> None:
    good = _make_pdf(tmp_path / "good.pdf", [["Some text"]])
    path = tmp_path / "corrupt.pdf"
    path.write_bytes(good.read_bytes()[:200])
    assert "damaged" in _error(path).problem


def test_encrypted_pdf(tmp_path: Path) -> None:
    path = _make_pdf(tmp_path / "secret.pdf", [["Confidential text"]], password="secret")
    assert "password" in _error(path).problem


def test_corrupt_docx(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip file")
    assert "Word document" in _error(path).problem


def test_a_file_named_for_another_type(tmp_path: Path) -> None:
    pdf = _make_pdf(tmp_path / "report.pdf", [["Some text"]])
    disguised = tmp_path / "report.docx"
    disguised.write_bytes(pdf.read_bytes())
    error = _error(disguised)
    assert "is a PDF" in error.problem and "rename it to end in .pdf" in error.remedy
    old_word = tmp_path / "old.docx"
    old_word.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))
    assert "old Word .doc" in _error(old_word).problem


def test_unsupported_extension(tmp_path: Path) -> None:
    path = tmp_path / "table.xlsx"
    path.write_bytes(b"whatever")
    error = _error(path)
    assert "unsupported" in error.problem and ".xlsx" in error.problem


def test_missing_path(tmp_path: Path) -> None:
    assert "not found" in _error(tmp_path / "nowhere.txt").problem


def test_huge_text_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:  # 100 MB, sparse: cheap to make
        handle.truncate(100 * 1024 * 1024)
    error = _error(path)
    assert "too large" in error.problem and "100 MB" in error.problem
