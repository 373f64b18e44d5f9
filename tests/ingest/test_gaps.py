"""Where the source lost text (issue 14, item 1): the ingest records it as gaps per
paragraph, undoes what it can for sure (a wrong split after "Ms.", a stray "__", a note cut
in two by a decimal), and leaves clean text unflagged (headings, list items, names, a
paragraph going on after a page break, an editor's own "[…]")."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefer.ingest.clean import DEBRIS_MARK
from briefer.ingest.document import ParsedDocument, ParsedSection
from briefer.ingest.gaps import debris_gaps, mend_section
from briefer.ingest.pipeline import parse_document

PROSE = (
    "The meeting was opened by the Chair, who welcomed the participants and recalled the purpose of "
    "the consultations on international migration and development held over the past year."
)


def _write(tmp_path: Path, body: str, name: str = "report.txt") -> Path:
    path = tmp_path / name
    path.write_text(f"REPORT OF THE MEETING\n\nI. INTRODUCTION\n\n{PROSE}\n\n{body}\n", encoding="utf-8")
    return path


def _sections(document: ParsedDocument) -> list[ParsedSection]:
    return [section for meeting in document.meetings for section in meeting.sections]


def _gapped(document: ParsedDocument) -> list[tuple[str, str, int]]:
    """(paragraph text before the gap, after it, placeholder length) of every gap."""
    found = []
    for section in _sections(document):
        for paragraph, offset, length in section.gaps:
            text = section.paragraphs[paragraph]
            found.append((text[:offset], text[offset + length :], length))
    return found


def _section(**changes) -> ParsedSection:
    values = dict(
        key="k",
        level=1,
        heading="A",
        title="A",
        number=None,
        path=[],
        kind="body",
        paragraphs=[],
        paragraph_numbers=[],
        notes=[],
        line_start=1,
        line_end=1,
        page_start=None,
        page_end=None,
    )
    values.update(changes)
    return ParsedSection(**values)


def test_operator_debris_is_a_gap_over_its_mark(tmp_path: Path) -> None:
    body = (
        "Mr. Ratha showed that remittances had increased steadily and that they were less volatile "
        "than the flows of foreign direct investment (FID) oriTc 1.1607 Tw 1.160e5d\n\n"
        "II. OTHER MATTERS\n\n" + PROSE
    )
    document = parse_document(_write(tmp_path, body))
    [(before, after, length)] = _gapped(document)
    assert before.endswith("foreign direct investment (FID) ") and length == len(DEBRIS_MARK)
    section = next(s for s in _sections(document) if s.gaps)
    paragraph, offset, length = section.gaps[0]
    assert section.paragraphs[paragraph][offset : offset + length] == DEBRIS_MARK


def test_a_sentence_cut_mid_word_is_a_gap_at_its_end(tmp_path: Path) -> None:
    body = (
        "Mr. Schoenholtz, Associate Professor of Georgetown University, discussed concrete actions "
        "that States might take to prevent te\n\nII. OTHER MATTERS\n\n" + PROSE
    )
    [(before, after, length)] = _gapped(parse_document(_write(tmp_path, body)))
    assert before.endswith("to prevent te") and after == "" and length == 0


def test_a_sentence_stopping_on_of_before_a_heading_is_cut(tmp_path: Path) -> None:
    body = (
        "Participants identified certain areas of concern for future work. In the area of\n\n"
        "II. OTHER MATTERS\n\n" + PROSE
    )
    [(before, _after, length)] = _gapped(parse_document(_write(tmp_path, body)))
    assert before.endswith("In the area of") and length == 0


def test_a_lone_ms_then_lower_case_is_joined_with_a_gap_where_the_name_was(tmp_path: Path) -> None:
    body = (
        "The presentations of three panellists introduced the issue of international migration and "
        "security. Ms.\n\ninternational migration movements had posed threats to security and not "
        "only to receiving States."
    )
    document = parse_document(_write(tmp_path, body))
    section = _find(document, "I. Introduction")
    assert len(section.paragraphs) == 2  # PROSE, and the two parts as one
    [(before, after, length)] = _gapped(document)
    assert before.endswith("and security. Ms.") and after.startswith(" international migration movements")
    assert length == 0


def test_a_lone_ms_then_her_name_is_one_paragraph_without_gap(tmp_path: Path) -> None:
    body = (
        "The presentations of three panellists introduced the issue of international migration and "
        "security. Ms.\n\nCalabrini stressed that protecting the human rights of trafficked persons "
        "had to be at the core of any strategy."
    )
    document = parse_document(_write(tmp_path, body))
    section = _find(document, "I. Introduction")
    assert (
        section.paragraphs[1].startswith("The presentations")
        and "Ms. Calabrini stressed" in section.paragraphs[1]
    )
    assert _gapped(document) == []


def test_a_stray_double_underscore_is_dropped(tmp_path: Path) -> None:
    body = (
        "The delegations __ agreed that the consultations should go on next year, with the "
        "participation of civil society.\n\n__\n\n" + PROSE
    )
    document = parse_document(_write(tmp_path, body))
    section = _find(document, "I. Introduction")
    assert "__" not in section.text
    assert "The delegations agreed that" in section.text
    assert _gapped(document) == []


def test_a_forms_blanks_stay() -> None:
    section = _section(paragraphs=["Name of the enumerator: ________ __ Date: ____/____"])
    mend_section(section)
    assert section.paragraphs == ["Name of the enumerator: ________ __ Date: ____/____"]


def test_a_footnote_line_ending_in_a_decimal_goes_on(tmp_path: Path) -> None:
    """A note whose line ends in "3.1" runs on (it was cut there and its rest spliced into
    the numbered list the note stood in)."""
    body = (
        "The Commission issued draft recommendations, highlighting five points: 1) Ask basic census "
        "questions; 2) Exploit administrative data sources; the topic1 was central.\n"
        "3) Leverage existing surveys; 4) Provide access to microdata.\n\n"
        "                                                \n"
        "1 A meeting was held in Manila, where Roundtable 3.1\n\n"
        "was dedicated to the topic of Strengthening Data and Research Tools on Migration and\n\n"
        "Development.\n"
    )
    document = parse_document(_write(tmp_path, body))
    section = _find(document, "I. Introduction")
    [note] = section.notes
    assert note.text.endswith(
        "Roundtable 3.1 was dedicated to the topic of Strengthening Data and Research "
        "Tools on Migration and Development."
    )
    assert "was dedicated" not in section.text


@pytest.mark.parametrize(
    "body",
    [
        # a list whose items end "; and"
        "The Commission found:\n\na) That the numbers are ordinary subscriber numbers of the operator; and\n\n"
        "b) That the details of the calls were not provided.",
        # a paragraph going on after a page break, with a name
        "15. Regarding the right to humane treatment and the right to life, the\n\n"
        "Argentine State asserted that the facts were investigated with all due diligence.",
        # a name at the end
        "District Representatives: Board President Josephine Lucey, Unrepresented Employee: "
        "Superintendent Wendy Gudalewicz",
        # headings and short title lines
        "II. MIGRATION AND DEVELOPMENT\n\n" + PROSE,
        # an editor's own mark in a quotation
        "The witness said that the blows were produced by knocking against hard surfaces. […] "
        "The results of the exams were still pending.",
        # a paragraph in another language
        "Naukowcy, leśnicy, przedstawiciele organizacji pozarządowych oraz mieszkańcy zainteresowani "
        "dziedziną związaną z tematyką spotkania",
    ],
)
def test_clean_text_is_not_flagged(tmp_path: Path, body: str) -> None:
    assert _gapped(parse_document(_write(tmp_path, body))) == []


def test_a_mark_in_a_word_file_is_the_documents_own(tmp_path: Path) -> None:
    from docx import Document

    word = Document()
    word.add_heading("Summary of discussions", 1)
    word.add_paragraph(PROSE)
    word.add_paragraph(
        "The witness said that the blows were produced by hard surfaces. […] The exams were pending."
    )
    word.save(tmp_path / "quote.docx")
    assert _gapped(parse_document(tmp_path / "quote.docx")) == []


def test_gaps_follow_a_join_and_a_table(tmp_path: Path) -> None:
    """Offsets and paragraph indexes are those of the mended paragraphs; a table's place moves
    with the join."""
    from briefer.ingest.document import Table

    section = _section(
        paragraphs=[
            "The panel discussed the issue of international migration and security at length. Ms.",
            "international movements had posed threats to security and not only to receiving States.",
            "Year | Number",
            "Delegates noted that the flows of foreign direct investment (FID) [\u2026]",
        ],
        pages=[3, 4, 4, 5],
        tables=[Table(2, [["Year", "Number"]])],
    )
    mend_section(section)
    assert len(section.paragraphs) == 3 and section.pages == [3, 4, 5]
    assert [table.paragraph for table in section.tables] == [1]
    join = section.paragraphs[0].index("Ms.") + 3
    debris = section.paragraphs[2].index(DEBRIS_MARK)
    assert section.gaps == [(0, join, 0), (2, debris, len(DEBRIS_MARK))]


def test_debris_gaps_of_stored_text() -> None:
    assert debris_gaps(["clean", f"lost {DEBRIS_MARK} here {DEBRIS_MARK}"]) == [(1, 5, 3), (1, 14, 3)]


def test_the_sample_reports_gaps(parsed_samples) -> None:
    """The coordination meeting's damaged text is flagged, every gap where damage is; the
    other samples hold none."""
    for name, document in parsed_samples.items():
        gapped = _gapped(document)
        if name.startswith("un-coordination"):
            befores = [before for before, _, _ in gapped]
            assert any(b.endswith("foreign direct investment (FID) ") for b in befores)
            assert any(b.endswith("to prevent te") for b in befores)
            assert any(b.endswith("and security. Ms.") for b in befores)
            assert len(gapped) <= 8
        else:
            assert gapped == [], name


def _find(document: ParsedDocument, heading: str) -> ParsedSection:
    return next(s for s in _sections(document) if s.heading == heading)


REALDOCS = Path(__file__).resolve().parents[3] / "shared" / "realdocs"


@pytest.mark.skipif(not REALDOCS.is_dir(), reason="the real documents are not here")
def test_real_documents_flag_debris_only(tmp_path: Path) -> None:
    """The real documents: gaps only where PDF debris was cut out (the damaged PDFs), none in
    the clean ones; each PDF section knows its paragraphs' pages."""
    flagged: dict[str, int] = {}
    for path in sorted(REALDOCS.glob("*.pdf")) + sorted(REALDOCS.glob("*.docx")):
        document = parse_document(path)
        for section in _sections(document):
            for paragraph, offset, length in section.gaps:
                flagged[path.name] = flagged.get(path.name, 0) + 1
                if length:
                    assert section.paragraphs[paragraph][offset : offset + length] == DEBRIS_MARK
            if path.suffix == ".pdf":
                assert len(section.pages) == len(section.paragraphs)
    assert set(flagged) <= {"us-loc-iraq-legal-history-2004.pdf", "warda-nigerian-rice-2003.pdf"}, flagged


def test_a_pdfs_paragraphs_know_their_first_page(tmp_path: Path) -> None:
    from tests.ingest.test_pipeline import _pdf_from_text

    sentence = "Delegates discussed the protection of migrant workers and their families at length."
    lines = ["I. INTRODUCTION", ""]
    for number in range(1, 9):
        lines += [f"{number}. {sentence}", sentence, sentence + " They agreed.", ""]
    document = parse_document(_pdf_from_text(tmp_path / "r.pdf", lines, "A/1/1", per_page=20))
    [section] = [s for s in _sections(document) if s.heading == "I. Introduction"]
    assert len(section.pages) == len(section.paragraphs) >= 8
    assert section.pages[0] == 1 and section.pages[-1] == 2 and section.pages == sorted(section.pages)


def test_a_lone_ms_before_a_new_sentence_is_a_gap() -> None:
    section = _section(
        paragraphs=[
            "The presentations of three panellists introduced the issue of migration and security. Ms.",
            "The general discussion focused on the validity of available statistics on trafficking.",
        ]
    )
    mend_section(section)
    assert len(section.paragraphs) == 2
    assert section.gaps == [(0, len(section.paragraphs[0]), 0)]
