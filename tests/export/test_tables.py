"""Tables of excerpts, from the library to the built file: a real table in the PDF (cells in
order on their rows, within the text width, the header row repeated on each page a long
table runs over) and in the Word file (a Word table in the template's table style, or a plain
grid), in every template, read back as a reader would."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pypdfium2 as pdfium
import pytest
from docx.oxml.ns import qn

from briefer.actions.build import build_pack
from briefer.export.columns import column_widths, on_two_lines
from briefer.export.docx_writer import write_docx
from briefer.export.pdf_writer import write_pdf
from briefer.ir.blocks import Document, DocumentInfo, Paragraph, SectionHeading, Table
from briefer.ir.templates import load_template
from briefer.library import Library
from briefer.packs.model import Pack, PackItem
from tests.export.documents import ROOT
from tests.export.test_docx_writer import convert, needs_office
from tests.library.tables import AFTER, BEFORE, FIRST_TABLE, ROWS, table_document

TEMPLATES = ROOT / "templates"
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

LONG = [["Country", "Remittances received (US$ million)", "Share of GDP (%)", "Channels & <notes>"]]
LONG += [
    [f"Country {n}", f"{1000 + 37 * n:,}", f"{n % 17 * 0.7:.1f}", "Banks and transfer operators " * (n % 3)]
    for n in range(1, 121)
]


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Library:
    library = Library.open(tmp_path_factory.mktemp("tables") / "library")
    library.add_documents([table_document(), table_document("long.pdf", LONG)])
    return library


def _section(library: Library, file: str, heading: str) -> str:
    return next(s.id for s in library.sections() if s.source_file == file and s.heading == heading)


def _pack(library: Library, *sections: tuple[str, str]) -> Pack:
    return Pack(
        "Corridors & <costs>",
        draft=False,
        items=[PackItem.heading("Costs")] + [PackItem.section(_section(library, *s)) for s in sections],
    )


def _built(library: Library, tmp_path: Path, pack: Pack, template: str = "briefing") -> dict[str, Path]:
    out = {fmt: tmp_path / f"{template}.{fmt}" for fmt in ("pdf", "docx")}
    return {fmt: build_pack(pack, library, fmt, out[fmt], template, record=False).path for fmt in out}


def _pdf_lines(path: Path) -> list[str]:
    command = ["pdftotext", "-layout", str(path), "-"]
    text = subprocess.run(command, capture_output=True, text=True, check=True)
    return [" ".join(line.split()) for line in text.stdout.splitlines() if line.strip()]


def _pdf_pages(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(path)
    return [" ".join(page.get_textpage().get_text_range().split()) for page in pdf]


def _row_line(lines: list[str], row: list[str]) -> int:
    """The index of the one line holding the row's cells in order (a row of short cells is
    one line of the page)."""
    pattern = re.compile(".*".join(re.escape(cell) for cell in row if cell))
    found = [i for i, line in enumerate(lines) if pattern.search(line)]
    assert len(found) == 1, (row, found)
    return found[0]


def _first_words(text: str) -> str:
    """The start of a paragraph, on its first line whatever the measure."""
    return " ".join(text.split()[:3])


def _docx_tables(path: Path) -> list[list[list[str]]]:
    word = docx.Document(str(path))
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in word.tables]


def _grid(rows: list[list[str]]) -> list[list[str]]:
    width = max(len(row) for row in rows)
    return [row + [""] * (width - len(row)) for row in rows]


# --- end to end -------------------------------------------------------------------------------


@needs_poppler
def test_a_table_excerpt_prints_as_a_table_in_pdf_and_word(library: Library, tmp_path: Path) -> None:
    built = _built(library, tmp_path, _pack(library, ("corridors.pdf", "Costs by corridor")))
    lines = _pdf_lines(built["pdf"])
    places = [_row_line(lines, row) for row in ROWS]
    assert places == sorted(places) and len(set(places)) == len(places)  # row by row, in order
    assert _row_line(lines, [_first_words(BEFORE)]) < places[0]
    assert places[-1] < _row_line(lines, [_first_words(AFTER)])
    text = "\n".join(lines)
    assert " | " not in text  # cells, not the table's text
    assert "Spain – Ecuador & <Peru>" in text and "Россия – Ελλάδα (Côte d’Ivoire)" in text
    fonts = subprocess.run(["pdffonts", str(built["pdf"])], capture_output=True, text=True, check=True)
    listed = fonts.stdout.splitlines()[2:]
    assert listed and all("Liberation" in line and " yes yes " in line for line in listed)  # embedded subsets

    word = docx.Document(str(built["docx"]))
    tables = [t for t in word.tables if t.style.name == "Excerpt Table"]
    assert len(tables) == 1
    assert [[cell.text for cell in row.cells] for row in tables[0].rows] == _grid(ROWS)
    header = tables[0].rows[0]._tr
    assert header.find(qn("w:trPr")).find(qn("w:tblHeader")) is not None  # repeats on a new page
    assert all(row._tr.find(qn("w:trPr")).find(qn("w:tblHeader")) is None for row in tables[0].rows[1:])
    body = [child for child in word.element.body.iterchildren() if child.tag in (qn("w:p"), qn("w:tbl"))]
    texts = ["TABLE" if child.tag == qn("w:tbl") else "".join(child.xpath(".//w:t/text()")) for child in body]
    table_at = next(i for i, child in enumerate(body) if child is tables[0]._tbl)
    assert texts.index(BEFORE) < table_at < texts.index(AFTER)
    assert not any(" | " in t for t in texts)
    figures = [cell.paragraphs[0].paragraph_format.alignment for cell in tables[0].rows[1].cells]
    assert [str(a) if a is not None else None for a in figures] == [None, "RIGHT (2)", "RIGHT (2)"]


@needs_poppler
def test_a_long_table_runs_over_pages_with_its_header_row_on_each(library: Library, tmp_path: Path) -> None:
    built = _built(library, tmp_path, _pack(library, ("long.pdf", "Costs by corridor")))
    pages = _pdf_pages(built["pdf"])
    with_rows = [page for page in pages if "Country 1 " in page or re.search(r"Country \d+ \d", page)]
    assert len(with_rows) >= 3
    assert all("Remittances received (US$ million)" in page for page in with_rows)
    assert all("Channels & <notes>" in page for page in with_rows)
    lines = _pdf_lines(built["pdf"])
    places = [_row_line(lines, [row[0] + " ", row[1]]) for row in LONG[1:]]
    assert places == sorted(places)  # every row once, in order, over the pages

    rows = _docx_tables(built["docx"])[0]
    assert rows == [[cell.strip() for cell in row] for row in _grid(LONG)]  # (cells lose edge spaces)


def test_table_cells_stay_within_the_text_width(tmp_path: Path) -> None:
    wide = [[f"Heading{n}" for n in range(12)]] + [
        [f"Extraordinarilylongword{n}{m}" for n in range(12)] for m in range(3)
    ]
    document = _document(Table(tuple(map(tuple, wide))))
    template = load_template(TEMPLATES / "briefing")
    out = tmp_path / "wide.pdf"
    write_pdf(document, template, out)
    page = pdfium.PdfDocument(out)[0]
    width = page.get_width()
    margin = template.margin_mm * 72 / 25.4
    text = page.get_textpage()
    boxes = [text.get_charbox(i) for i in range(text.count_chars())]
    assert boxes and all(margin - 1 <= left and right <= width - margin + 1 for left, _, right, _ in boxes)
    found = "".join(text.get_text_range().split())  # words too long for their column are broken
    assert all(cell in found for row in wide for cell in row)


@pytest.mark.parametrize("template", ["briefing", "handout", "speaking-notes"])
def test_every_template_prints_tables_and_speaking_notes_only_the_first_paragraph(
    library: Library, tmp_path: Path, template: str
) -> None:
    pack = _pack(library, ("corridors.pdf", "Costs by corridor"), ("corridors.pdf", "Programme"))
    built = _built(library, tmp_path, pack, template)
    text = " ".join(_pdf_pages(built["pdf"]))
    tables = _docx_tables(built["docx"])
    excerpts = [t for t in tables if t and t[0][0] in ("Corridor", "Session")]
    if template == "speaking-notes":  # each excerpt's first paragraph: a paragraph, then a table
        assert BEFORE in text and "Spain – Ecuador" not in text and AFTER not in text
        assert "Ms. Ana Pérez" in text and "open to observers" not in text
        assert excerpts == [FIRST_TABLE]
    else:
        assert all(cell in text for row in ROWS + FIRST_TABLE for cell in row)
        assert excerpts == [_grid(ROWS), FIRST_TABLE]
    if template == "handout":
        assert text.count("Notes") >= 2


# --- the writers, block by block ----------------------------------------------------------------


def _document(*blocks) -> Document:
    return Document(DocumentInfo("Tables"), [SectionHeading("Tables", "h1"), *blocks])


ODD = (
    Table((("Only one row & <no header>",),), header=False),
    Table(((), ("a", "b", "c"), ("d",))),
    Table((("Name", "Value"), ("ctrl\x01\x0bchars\ttab", "line\nbreak"), ("", ""))),
    Table(()),
)


def test_odd_tables_build_in_both_writers(tmp_path: Path) -> None:
    template = load_template(TEMPLATES / "briefing")
    document = _document(Paragraph("Before."), *ODD, Paragraph("After."))
    write_pdf(document, template, tmp_path / "odd.pdf")
    text = " ".join(_pdf_pages(tmp_path / "odd.pdf"))
    assert "Only one row & <no header>" in text and "ctrl chars tab" in text and "line break" in text
    write_docx(document, template, tmp_path / "odd.docx")
    tables = _docx_tables(tmp_path / "odd.docx")
    assert tables == [
        [["Only one row & <no header>"]],
        [["", "", ""], ["a", "b", "c"], ["d", "", ""]],
        [["Name", "Value"], ["ctrlchars\ttab", "line\nbreak"], ["", ""]],
    ]
    word = docx.Document(str(tmp_path / "odd.docx"))
    single = word.tables[0]._tbl
    assert single.find(qn("w:tblPr")).find(qn("w:tblLook")).get(qn("w:firstRow")) == "0"
    assert not single.xpath(".//w:tblHeader")


def test_a_style_base_without_a_table_style_gives_a_plain_grid(tmp_path: Path, caplog) -> None:
    template = load_template(TEMPLATES / "briefing")
    base = docx.Document(str(template.style_docx))
    style = base.styles["Excerpt Table"].element
    style.getparent().remove(style)
    base.save(str(tmp_path / "style.docx"))
    shutil.copy(TEMPLATES / "briefing" / "template.json", tmp_path / "template.json")
    plain = load_template(tmp_path)
    write_docx(_document(Table(tuple(map(tuple, ROWS)))), plain, tmp_path / "plain.docx")
    word = docx.Document(str(tmp_path / "plain.docx"))
    table = word.tables[0]
    assert [[c.text for c in row.cells] for row in table.rows] == _grid(ROWS)
    properties = table._tbl.find(qn("w:tblPr"))
    assert properties.find(qn("w:tblStyle")) is None
    borders = properties.find(qn("w:tblBorders"))
    sides = {child.tag.split("}")[1] for child in borders}
    assert sides == {"top", "left", "bottom", "right", "insideH", "insideV"}
    assert all(run.bold for cell in table.rows[0].cells for run in cell.paragraphs[0].runs)
    assert not any(run.bold for cell in table.rows[1].cells for run in cell.paragraphs[0].runs)
    assert "Excerpt Table" not in caplog.text  # not a missing style: the grid is the plan
    with zipfile.ZipFile(tmp_path / "plain.docx") as package:
        assert b"<w:tblBorders>" in package.read("word/document.xml")


@needs_office
def test_libreoffice_opens_the_word_table(library: Library, tmp_path: Path) -> None:
    built = _built(library, tmp_path, _pack(library, ("corridors.pdf", "Costs by corridor")))
    out = tmp_path / "office"
    out.mkdir()
    (pdf,) = convert([built["docx"]], out)
    lines = _pdf_lines(pdf)
    places = [_row_line(lines, row) for row in ROWS]
    assert places == sorted(places)


# --- column widths ------------------------------------------------------------------------------


def test_column_widths() -> None:
    # everything fits on one line: the columns grow in proportion
    assert column_widths([1, 1], [10, 30], [20, 30], 100) == [40, 60]
    # the narrow columns keep their cells on one line, the widest wraps
    widths = column_widths([5, 5, 10], [15, 10, 200], [30, 20, 200], 100)
    assert widths[:2] == pytest.approx([15, 10]) and sum(widths) == pytest.approx(100)
    # the bodies fit and the headers partly: short headers first
    widths = column_widths([5, 5], [10, 40], [20, 200], 100)
    assert widths[0] == pytest.approx(20) and sum(widths) == pytest.approx(100)
    # not even the longest words fit: narrowed alike
    assert column_widths([100, 300], [100, 300], [100, 300], 100) == [25, 75]
    assert column_widths([0, 0], [0, 0], [0, 0], 10) == [5, 5]
    assert column_widths([], [], [], 10) == []
    assert on_two_lines("Share of GDP (%)", len) == 8 and on_two_lines("Year", len) == 4
