"""Every block type through both writers: the PDF and the Word file print the same text,
line for line, by the rules of briefer/ir/text.py (blank lines, line breaks, runs of
spaces, empty items and lists)."""

from __future__ import annotations

import typing
from pathlib import Path

import docx
import pypdfium2 as pdfium
import pytest
from docx.oxml.ns import qn

from briefer.export.docx_writer import write_docx
from briefer.export.pdf_writer import write_pdf
from briefer.ir import blocks as ir
from briefer.ir.templates import find_template

RUNNING_TITLE = "Running title"
# What the PDF draws beside a block's text, where Word's styles use type or numbering
# (the texts below never start so).
PDF_LABELS = ("• ", "Q ", "A ")
TABULAR = {"table", "sources"}  # a PDF line holds a row, a Word paragraph a cell

CASES: dict[str, list] = {
    "paragraph": [ir.Paragraph("First line\nafter a  line break.\n\n\nThen a paragraph after blank lines.")],
    "lead and quote": [ir.Paragraph("The lead.", "lead"), ir.Paragraph("Quoted\ton one line.", "quote")],
    "empty paragraph": [ir.Paragraph(" \n \n"), ir.Paragraph("Then text.")],
    "table": [ir.Table((("Corridor", "Fee"), ("Nepal\nto Qatar", "1,200"), ("Kenya to Oman",)))],
    "source line": [ir.SourceLine("Source: a meeting\nparas. 3–4"), ir.SourceLine("  ")],
    "note": [ir.Note("Objectives", "One.\n\nTwo\nbroken.\n\n\n\nThree."), ir.Note("", "Untitled note.")],
    "key messages": [
        ir.KeyMessages("Lines to take", ("First\nmessage.", "", "  ", "Third.")),
        ir.KeyMessages("No lines yet", ()),
    ],
    "questions": [
        ir.QuestionsAnswers(
            "If raised",
            (
                ir.QuestionAnswer("Will you fund it?\nIn cash?", "In kind.\n\nAnd in cash."),
                ir.QuestionAnswer("", "An answer without its question."),
                ir.QuestionAnswer("Still open?", ""),
            ),
        )
    ],
    "sources": [
        ir.SourcesList((ir.SourceEntry("gfmd.txt", "GFMD, Brussels", "A/61/515", "2007-07-09", 3),)),
        ir.SourcesList(()),
    ],
    "headings": [
        ir.PartHeading("Part\none", "p1", "1"),
        ir.SectionHeading("A section", "s1", 2, "1.1"),
        ir.SectionHeading("A subsection", "s2", 3, "1.1.1"),
    ],
    "title": [ir.Title("Pack\ttitle", "Its  subtitle")],
    "page break": [ir.Paragraph("Before."), ir.PageBreak(), ir.Paragraph("After.")],
    "notes space": [ir.Paragraph("Text."), ir.NotesSpace(2)],
}
# Cover and Contents lay out their own pages (and Word fills the contents when opened).
COVERED = {type(b) for blocks in CASES.values() for b in blocks} | {ir.Cover, ir.Contents, ir.QuestionAnswer}


def test_every_block_type_is_compared() -> None:
    assert set(typing.get_args(ir.Block)) | {ir.QuestionAnswer} <= COVERED


def _pdf_lines(path: Path) -> list[str]:
    """The lines of the pages' text, inside the margins (the running head and the foot,
    which name the part and item, the title and the page, are page furniture)."""
    pdf = pdfium.PdfDocument(path)
    margin = find_template("briefing").margin_mm * 72 / 25.4
    found = []
    for page in pdf:
        width, height = page.get_size()
        bounded = page.get_textpage().get_text_bounded(0, margin, width, height - margin)
        text = bounded.replace("\r\n", "\n")
        for line in text.split("\n"):
            line = " ".join(line.split())
            for label in PDF_LABELS:
                line = line.removeprefix(label)
            if line and line != RUNNING_TITLE and not line.startswith("Page "):
                found.append(line)
    return found


def _docx_lines(path: Path) -> list[str]:
    """Each paragraph of the body (table cells included), split at its line breaks."""
    found = []
    for paragraph in docx.Document(str(path)).element.body.iter(qn("w:p")):
        breaks = {qn("w:br"): "\n", qn("w:tab"): " "}
        text = "".join(breaks.get(node.tag) or node.text or "" for node in paragraph.iter(qn("w:t"), *breaks))
        found += [" ".join(line.split()) for line in text.split("\n") if line.strip()]
    return found


@pytest.mark.parametrize("case", CASES)
def test_both_writers_print_the_same_text(tmp_path: Path, case: str) -> None:
    template = find_template("briefing")
    document = ir.Document(ir.DocumentInfo(RUNNING_TITLE), list(CASES[case]))
    write_pdf(document, template, tmp_path / "out.pdf")
    write_docx(document, template, tmp_path / "out.docx")
    pdf, word = _pdf_lines(tmp_path / "out.pdf"), _docx_lines(tmp_path / "out.docx")
    if case not in TABULAR:
        assert pdf == word
        return
    # Row by row: the same words, and each line of a cell on one line of the PDF.
    assert sorted(" ".join(pdf).split()) == sorted(" ".join(word).split())
    assert all(any(line in printed for printed in pdf) for line in word), (pdf, word)
    if case == "table":
        assert "to Qatar" in pdf  # the cell's line break kept, not "Nepal to Qatar"


def test_the_rules_as_printed(tmp_path: Path) -> None:
    """What the shared rules give, on the PDF (the other test holds Word to the same)."""
    template = find_template("briefing")
    blocks = CASES["paragraph"] + CASES["key messages"] + CASES["questions"] + CASES["sources"]
    write_pdf(ir.Document(ir.DocumentInfo(RUNNING_TITLE), blocks), template, tmp_path / "out.pdf")
    assert _pdf_lines(tmp_path / "out.pdf") == [
        "First line",  # a newline breaks the line
        "after a line break.",  # spaces run together
        "Then a paragraph after blank lines.",
        "Lines to take",
        "First",
        "message.",
        "Third.",  # empty items left out
        "No lines yet",  # an empty list: its title only
        "If raised",
        "Will you fund it?",
        "In cash?",
        "In kind.",
        "And in cash.",
        "An answer without its question.",
        "Still open?",
        "—",  # an answer still to write
        "Excerpt In the source Page",
        "GFMD, Brussels",  # a document by its title
        "A/61/515 · 2007-07-09 · gfmd.txt · 3 excerpts",  # and nothing for the empty list
    ]
