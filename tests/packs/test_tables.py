"""Tables in packs: assemble turns a section's table paragraph into a Table block in its place
(speaking notes keep the first paragraph, table or not), and the estimate counts a table's
cell words, not the separators of its text."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefer.ir.blocks import NotesSpace, PageBreak, Paragraph, SectionHeading, SourceLine, Table
from briefer.ir.templates import find_template
from briefer.library import Library
from briefer.packs.assemble import assemble
from briefer.packs.estimate import estimate, section_words
from briefer.packs.model import Pack, PackItem
from tests.library.tables import AFTER, BEFORE, FIRST_TABLE, ROWS, table_document


@pytest.fixture
def library(tmp_path: Path) -> Library:
    library = Library.open(tmp_path / "library")
    library.add_documents([table_document()])
    return library


def _ids(library: Library) -> dict[str, str]:
    return {s.heading: s.id for s in library.sections()}


def _rows(rows: list[list[str]]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(row) for row in rows)


def _excerpts(library: Library, template: str) -> list:
    ids = _ids(library)
    pack = Pack("Tables", items=[PackItem.section(ids[h]) for h in ("Costs by corridor", "Programme")])
    blocks = assemble(pack, library, find_template(template)).document.blocks
    start = next(i for i, b in enumerate(blocks) if isinstance(b, SectionHeading))
    return [b for b in blocks[start:] if not isinstance(b, SourceLine | NotesSpace)]


def test_a_table_paragraph_becomes_a_table_block_in_its_place(library: Library) -> None:
    blocks = _excerpts(library, "briefing")
    assert [type(b).__name__ for b in blocks][:8] == [
        "SectionHeading",
        "Paragraph",
        "Table",
        "Paragraph",
        "SectionHeading",
        "Table",
        "Paragraph",
        "PartHeading",  # the sources annex
    ]
    assert blocks[1] == Paragraph(BEFORE) and blocks[3] == Paragraph(AFTER)
    assert blocks[2] == Table(_rows(ROWS), header=True)
    assert blocks[5] == Table(_rows(FIRST_TABLE), header=True)
    assert not any(isinstance(b, Paragraph) and " | " in b.text for b in blocks)


def test_handout_keeps_tables_and_notes_space(library: Library) -> None:
    ids = _ids(library)
    pack = Pack("Tables", items=[PackItem.section(ids["Costs by corridor"])])
    blocks = assemble(pack, library, find_template("handout")).document.blocks
    kinds = [type(b).__name__ for b in blocks]
    assert kinds[kinds.index("Table") :][:4] == ["Table", "Paragraph", "SourceLine", "NotesSpace"]


def test_speaking_notes_print_the_first_paragraph_even_a_table(library: Library) -> None:
    blocks = _excerpts(library, "speaking-notes")
    assert blocks == [
        blocks[0],
        Paragraph(BEFORE),
        PageBreak(),  # a card each
        blocks[3],
        Table(_rows(FIRST_TABLE), header=True),
    ]


def test_a_one_row_table_has_no_header_row(tmp_path: Path) -> None:
    library = Library.open(tmp_path / "library")
    library.add_documents([table_document(rows=[["Total", "4.2", "2005"]])])
    blocks = _excerpts(library, "briefing")
    assert blocks[2] == Table((("Total", "4.2", "2005"),), header=False)


def test_the_estimate_counts_the_words_of_the_cells(library: Library) -> None:
    section = library.section(_ids(library)["Costs by corridor"])
    cells = sum(len(cell.split()) for row in ROWS for cell in row)
    assert section_words(section) == len(BEFORE.split()) + cells + len(AFTER.split())
    assert section_words(section) < len(section.text.split())  # the text's " | " are not words
    ids = [s.id for s in library.sections()]
    pack = Pack("Tables", items=[PackItem.section(i) for i in ids])
    words = {s.id: section_words(s) for s in library.sections()}
    assert estimate(pack, words).words == sum(words.values())
