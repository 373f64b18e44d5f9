"""Built packs compared with reference outputs kept in tests/export/reference/.

The PDF is compared as the text pdftotext reads from it, the DOCX as its paragraphs with
their style names, headers and footers: what a reader sees, not bytes (dates and ids in
the files are volatile). Any change to what a pack says or how it is laid out shows up
here as a diff to review; after a deliberate change, rewrite the references with
BRIEFER_UPDATE_REFERENCES=1 and read the diff before committing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document as WordDocument
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph as WordParagraph

from briefer.actions.build import build_pack
from briefer.actions.packs import read_pack_file
from briefer.library import Library

REFERENCE = Path(__file__).parent / "reference"
UPDATE = bool(os.environ.get("BRIEFER_UPDATE_REFERENCES"))


@pytest.fixture
def library(library_copy):
    return Library.open(library_copy)


def _compare(name: str, actual: str) -> None:
    path = REFERENCE / name
    if UPDATE or not path.exists():
        path.write_text(actual, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"{path} was missing and has been written; check it and commit it")
    assert actual == path.read_text(encoding="utf-8")


def _volatile_filtered(text: str) -> str:
    """Runs of spaces as one: pdftotext -layout moves columns by a space when a line on the
    page changes length, which says nothing about the pack."""
    lines = (re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines())
    return "\n".join(lines) + "\n"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("template", ["briefing", "handout", "speaking-notes"])
def test_pdf_reads_as_the_reference(library, tmp_path, template):
    pack = read_pack_file(REFERENCE / "pack.briefer-pack.json")
    out = build_pack(pack, library, "pdf", tmp_path / "pack.pdf", template=template, record=False).path
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True)
    _compare(f"{template}.pdf.txt", _volatile_filtered(text.stdout))


def test_docx_reads_as_the_reference(library, tmp_path):
    pack = read_pack_file(REFERENCE / "pack.briefer-pack.json")
    out = build_pack(pack, library, "docx", tmp_path / "pack.docx", record=False).path
    word = WordDocument(str(out))
    # every paragraph in reading order, those in tables (boxes, the sources annex) too
    body = word.element.body
    paragraphs = [WordParagraph(element, word) for element in body.iter(qn("w:p"))]
    lines = [f"[{p.style.name}] {p.text}" for p in paragraphs if p.text.strip()]
    for number, section in enumerate(word.sections):
        for part, name in ((section.header, "header"), (section.footer, "footer")):
            texts = [p.text for p in part.paragraphs if p.text.strip()]
            lines.append(f"<section {number} {name}> {' | '.join(texts)}")
    _compare("briefing.docx.txt", "\n".join(lines) + "\n")
