"""The library keeps where a section's source lost text (its gaps) and each paragraph's
first page (issue 14, item 1): stored with the section, read back, exported and imported,
shown in its JSON; a library written before them opens unchanged, its sections' debris
marks taken as their gaps."""

from __future__ import annotations

import json
from pathlib import Path

from briefer.actions.archive import export_archive, import_archive
from briefer.ingest.clean import DEBRIS_MARK
from briefer.ingest.pipeline import parse_document
from briefer.library import Library, records
from briefer.library.models import Section
from tests.library.test_repository import _as_schema_2


def _gapped(library: Library) -> dict[str, list[tuple[int, int, int]]]:
    return {s.id: s.gaps for s in library.sections() if s.gaps}


def _debris(section: Section) -> list[tuple[int, int, int]]:
    return [gap for gap in section.gaps if gap[2]]


def test_gaps_are_stored_and_read_back(library_copy: Path) -> None:
    library = Library.open(library_copy)
    gapped = _gapped(library)
    assert gapped, "the coordination meeting's report lost text"
    for section_id, gaps in gapped.items():
        section = library.section(section_id)
        assert section.gaps == gaps
        for paragraph, offset, length in gaps:
            text = section.paragraphs()[paragraph]
            assert offset + length <= len(text)
            assert length == 0 or text[offset : offset + length] == DEBRIS_MARK
    cut = [gap for gaps in gapped.values() for gap in gaps if gap[2] == 0]
    assert cut, "a sentence cut short is a gap of no length"
    assert _gapped(Library.open(library_copy)) == gapped  # a fresh process reads the same
    shown = library.section(next(iter(gapped))).to_json()
    assert shown["gaps"] == [list(gap) for gap in gapped[shown["id"]]]
    assert shown["paragraph_pages"] == []  # a text file has no pages


def test_a_pdfs_paragraph_pages_are_kept(tmp_path: Path) -> None:
    from tests.ingest.test_pipeline import _pdf_from_text

    sentence = "Delegates discussed the protection of migrant workers and their families at length."
    lines = ["I. INTRODUCTION", ""]
    for number in range(1, 9):
        lines += [f"{number}. {sentence}", sentence, sentence + " They agreed.", ""]
    document = parse_document(_pdf_from_text(tmp_path / "r.pdf", lines, "A/1/1", per_page=20))
    library = Library.open(tmp_path / "library")
    library.add_documents([document])
    [section] = [s for s in Library.open(tmp_path / "library").sections() if s.heading == "I. Introduction"]
    assert len(section.paragraph_pages) == len(section.paragraphs())
    assert section.paragraph_pages[0] == 1 and section.paragraph_pages[-1] == 2
    assert section.to_json()["paragraph_pages"] == section.paragraph_pages


def test_an_old_library_takes_its_debris_marks_as_gaps(library_copy: Path) -> None:
    """Sections stored before gaps were kept: their "[…]" marks are their gaps (a sentence
    cut short is not known there)."""
    library = Library.open(library_copy)
    expected = {s.id: _debris(s) for s in library.sections() if _debris(s)}
    assert expected
    _as_schema_2(library_copy)
    path = library_copy / "library.json"
    content = json.loads(path.read_text(encoding="utf-8"))
    for record in content["sections"].values():
        record.pop("gaps", None)
        record.pop("paragraph_pages", None)
    path.write_text(json.dumps(content), encoding="utf-8")

    upgraded = Library.open(library_copy)
    assert _gapped(upgraded) == expected
    for section in upgraded.sections():
        assert section.paragraph_pages == []


def test_gaps_go_with_an_archive(library_copy: Path, tmp_path: Path) -> None:
    library = Library.open(library_copy)
    gapped = _gapped(library)
    archive = export_archive(library, tmp_path / "mine")
    other = Library.open(tmp_path / "other")
    import_archive(other, archive)
    assert _gapped(other) == gapped


def _section_record(text: str, **extra) -> dict:
    return {"id": "s1", "text": text, **extra}


def test_a_gap_outside_its_text_is_a_damaged_record() -> None:
    text = "first paragraph\n\nsecond"
    assert records.gaps_problem(_section_record(text, gaps=[[1, 6, 0], [0, 0, 3]])) is None
    assert records.gaps_problem(_section_record(text, gaps=[[2, 0, 0]])) is not None
    assert records.gaps_problem(_section_record(text, gaps=[[1, 5, 3]])) is not None
    assert records.gaps_problem(_section_record(text, paragraph_pages=[1, 2])) is None
    assert records.gaps_problem(_section_record(text, paragraph_pages=[1])) is not None
