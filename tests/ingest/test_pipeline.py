"""The five sample reports through the whole pipeline: the acceptance input for ingestion.

These tests read what comes out as a delegation officer would: headings, their levels,
paragraph numbers, footnotes, meetings and their details, and the absence of noise.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docx import Document
from hypothesis import given, settings
from hypothesis import strategies as st

from briefer.ingest.document import ParsedDocument, ParsedSection
from briefer.ingest.pipeline import parse_document
from tests.conftest import SAMPLE_FILES, SOURCES

GCIM = "gcim-regional-hearing-americas-2005.txt"
COORDINATION = "un-coordination-meeting-international-migration-2003.txt"
UNITAR = "unitar-migration-development-series-2006-2008.txt"
HEARINGS = "unga-civil-society-hearings-migration-2006.txt"
IDM = "iom-idm-informal-consultations-2009.txt"


def _sections(document: ParsedDocument) -> list[ParsedSection]:
    return [s for m in document.meetings for s in m.sections]


def _find(document: ParsedDocument, heading: str) -> ParsedSection:
    matches = [s for s in _sections(document) if s.heading == heading]
    assert matches, f"no section headed {heading!r}"
    return matches[0]


# --- no noise anywhere ------------------------------------------------------------------------

# A run of four characters or more (the first no space) drawn three times over in one line.
REPEATED_RUN = re.compile(r"(\S.{3,}?)\1{2,}")
NOISE = {
    "glued repeat": re.compile(r"([A-Z][a-z]{2,}(?: [\w’']+){0,6})\1"),
    "letter-doubled small capitals": re.compile(r"\b([A-Z])\1(?!LDC)[A-Z]{2,}"),
    "PDF operator": re.compile(r"\b(?:Tj|TJ|Tw|Tc|Tf|Td|TD|Tm|rg|RG|BT|ET)\b"),
    # "micro- or household level" is a real suspended hyphen; "migra- tion" is not.
    "hyphen left by a line break": re.compile(r"[a-z]- (?!(?:or|and|to|as well as)\b)[a-z]"),
    "Markdown marker": re.compile(r"\*\*|(?<!\w)\*\w"),
}


def repeated_run(text: str) -> str | None:
    """What REPEATED_RUN finds (its three copies), or None, found fast: the regex tries every
    length at every start, which takes seconds on a long paragraph. A run of length L drawn
    three times from p has the same first four characters at p, p + L and p + 2L, so only
    such positions need looking at."""
    for line in text.split("\n"):  # ("." stops at a line end)
        starts: dict[str, list[int]] = {}
        for position in range(len(line) - 3):
            starts.setdefault(line[position : position + 4], []).append(position)
        for gram, positions in starts.items():
            if len(positions) < 3 or gram[0].isspace():
                continue
            found = set(positions)
            for index, first in enumerate(positions):
                for second in positions[index + 1 :]:
                    length = second - first
                    if first + 3 * length > len(line):
                        break
                    third = second + length
                    if length >= 4 and third in found and line[first:second] == line[second:third]:
                        if line[second:third] == line[third : third + length]:
                            return line[first : third + length]
    return None


_PIECES = st.text(alphabet="ab A.\n\t", max_size=12)
# A run drawn one to four times between other text (three times more often than not).
_COPIES = st.sampled_from([1, 2, 3, 3, 3, 4])
_RUNS = st.builds(lambda a, run, copies, b: a + run * copies + b, _PIECES, _PIECES, _COPIES, _PIECES)


@settings(max_examples=500, deadline=None, derandomize=True)
@given(text=_RUNS | st.text(max_size=30))
def test_the_fast_repeated_run_finds_what_the_regex_finds(text: str) -> None:
    found, match = repeated_run(text), REPEATED_RUN.search(text)
    assert (found is None) == (match is None)
    if found:
        assert REPEATED_RUN.fullmatch(found)


def test_the_fast_repeated_run_on_extraction_noise() -> None:
    assert repeated_run("IntroductionIntroductionIntroduction") == "IntroductionIntroductionIntroduction"
    assert repeated_run("x Develop Develop Develop ment") == "Develop Develop Develop "
    assert repeated_run("had had had") is None  # three letters: too short a run
    assert repeated_run("Walla Walla, a town") is None  # twice is no noise
    assert repeated_run("Introduction\nIntroduction\nIntroduction") is None  # one a line: headings


@pytest.mark.parametrize("name", [p.name for p in SAMPLE_FILES])
def test_no_extraction_noise_survives(parsed_samples, name: str) -> None:
    for section in _sections(parsed_samples[name]):
        for field, text in (("heading", section.heading), ("text", section.text)):
            run = repeated_run(text)
            assert not run, f"repeated run in the {field} of {section.heading!r}: {run!r}"
            for what, pattern in NOISE.items():
                found = pattern.search(text)
                assert not found, f"{what} in the {field} of {section.heading!r}: {found.group(0)!r}"
        for note in section.notes:
            assert not NOISE["PDF operator"].search(note.text)


def test_operator_debris_is_marked_where_text_is_missing(parsed_samples) -> None:
    text = _find(parsed_samples[COORDINATION], "I. Report of the Meeting").text
    assert "She recalled that, given the […]" in text


def test_line_breaks_become_paragraphs(parsed_samples) -> None:
    section = _find(parsed_samples[GCIM], "Migrant remittances")
    assert len(section.paragraphs) == 7
    assert all("\n" not in p for p in section.paragraphs)
    assert section.paragraphs[0].startswith("One participant in the Hearing summarized")
    assert section.paragraphs[0].endswith("communities they have left behind.")


def test_real_hyphens_survive_line_ends(parsed_samples) -> None:
    text = " ".join(s.text for s in _sections(parsed_samples[HEARINGS]))
    for word in ("rights-based", "Secretary-General", "low-income", "capacity-building"):
        assert word in text
    text = " ".join(s.text for s in _sections(parsed_samples[UNITAR]))
    for word in (
        "migration-related",
        "inter-agency",
        "life-saving",
        "IOM-facilitated",
        "Under-Secretary-General",
    ):
        assert word in text


def test_hyphen_lost_by_extraction_is_restored_from_the_document(parsed_samples) -> None:
    text = _find(parsed_samples[GCIM], "The national level").text
    assert "additional capacity-building at the" in text


def test_hyphenated_line_ends_are_joined(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text(
        "I. Remittances\n\nParticipants discussed the cost of sending remit-\n"
        "tances home and the role of the rights-\nbased approach in the develop-\n"
        "ment of origin countries, a capacity-\nbuilding effort.\n",
        encoding="utf-8",
    )
    text = _sections(parse_document(path))[0].text
    assert "sending remittances home" in text
    assert "rights-based approach" in text
    assert "the development of origin" in text
    assert "capacity-building effort" in text


# --- footnotes ------------------------------------------------------------------------------


def test_footnotes_are_notes_not_body(parsed_samples) -> None:
    idm = _find(parsed_samples[IDM], "(a) South-South Migration")
    # The paragraph that the footnote interrupted reads on.
    assert "seasonal patterns and environmental factors are among the drivers of South-South" in idm.text
    section = _find(
        parsed_samples[IDM],
        "IDM 2009: Human Rights and Migration: Working Together for Safe, Dignified and Secure Migration",
    )
    assert [n.number for n in section.notes] == ["1", "2"]
    assert "For further details on the second intersessional workshop" in section.notes[1].text
    assert "For further" not in section.text
    assert "academia and the media.¹" in section.text

    findings = _find(parsed_samples[HEARINGS], "II. Key findings")
    assert [(n.number, n.text) for n in findings.notes] == [("1", "A/60/871.")]
    assert "stated in his report¹ that civil society" in findings.text

    unitar = {n.text: s.text for s in _sections(parsed_samples[UNITAR]) for n in s.notes}
    notes = " ".join(unitar)
    assert "financially supported by the Government of Liechtenstein" in notes
    assert "held in Manila from 29-30 October 2008" in notes
    for body in unitar.values():
        assert "Liechtenstein" not in body and "gfmd_philippines2008" not in body


def test_a_note_does_not_swallow_the_next_page(parsed_samples) -> None:
    section = _find(parsed_samples[UNITAR], "IX. Building partnerships: A multi-stakeholder approach")
    assert section.notes[0].text.endswith("gfmd_philippines2008.html")
    assert "fight against human trafficking; Thirdly, in allowing migrant workers" in section.text


# --- headings and their levels ----------------------------------------------------------------


def test_gcim_outline(parsed_samples) -> None:
    outline = [(s.level, s.heading) for s in _sections(parsed_samples[GCIM])]
    assert outline[:6] == [
        (1, "Introduction"),
        (1, "International migration in the Americas"),
        (1, "I. Economic dimensions of international migration"),  # number on the line above
        (2, "Labour supply and demand"),
        (2, "Migrant remittances"),
        (1, "II. Irregular migration"),
    ]
    assert (1, "IV. The governance of international migration") in outline
    assert (2, "International institutions") in outline
    # The agenda listed in the introduction is text, not headings.
    assert "I. The economic dimensions of international migration" not in [h for _, h in outline]


def test_hearings_outline_and_multi_line_headings(parsed_samples) -> None:
    sections = _sections(parsed_samples[HEARINGS])
    promoting = _find(
        parsed_samples[HEARINGS], "A. Promoting a rights-based approach to international migration"
    )
    assert promoting.level == 2
    assert promoting.path == [
        "III. Interactive segment on promoting a comprehensive rights-based approach to international "
        "migration, and ensuring respect for and protection of the human rights of all migrants and their "
        "families"
    ]
    female = _find(parsed_samples[HEARINGS], "Female migrants")
    assert female.level == 4
    assert female.path[-1] == "2. Vulnerable groups: migrant women, migrant children and indigenous peoples"
    assert _find(
        parsed_samples[HEARINGS],
        "D. Intergovernmental cooperation on international migration and the role of civil society",
    )
    numbered = [s.heading for s in sections if re.match(r"\d+\.", s.heading)]
    assert "12. The positive impact of international migration was underscored" not in " ".join(numbered)


def test_numbered_paragraphs_stay_in_the_body(parsed_samples) -> None:
    promoting = _find(
        parsed_samples[HEARINGS], "A. Promoting a rights-based approach to international migration"
    )
    assert promoting.paragraph_numbers == ["23", "24", "25"]
    assert promoting.paragraphs[0].startswith("23. Participants underscored the need to ensure")
    all_numbers = [int(n) for s in _sections(parsed_samples[HEARINGS]) for n in s.paragraph_numbers]
    assert all_numbers == list(range(1, 77))
    idm_numbers = [int(n) for s in _sections(parsed_samples[IDM]) for n in s.paragraph_numbers]
    assert idm_numbers == list(range(1, 18))


def test_session_and_panel_headings(parsed_samples) -> None:
    headings = [s.heading for s in _sections(parsed_samples[UNITAR])]
    for heading in (
        "Session I: Labour Migration Arrangements",
        "Session III: GATS Mode 4",
        "Panel Discussion : A Measurable Impact on Development?",
        "1st Session: Living undocumented: the status of irregular migrants",
        "Introduction: Diasporas and Development",
        "Session I: From state control to shared responsibility: international migration and human rights",
    ):
        assert heading in headings
    # A speaker's name set in bold at the start of a paragraph is not a heading.
    assert not [h for h in headings if h.startswith(("Mr. ", "Ms. ", "Dr. "))]


def test_coordination_meeting_outline(parsed_samples) -> None:
    outline = [(s.level, s.heading) for s in _sections(parsed_samples[COORDINATION])]
    assert outline[0] == (1, "I. Report of the Meeting")
    assert (2, "A. Recent Activities on International Migration at the United Nations") in outline
    assert (3, "1. Workers' Remittances") in outline
    assert outline[-1] == (3, "3. Research on international migration")


def test_idm_outline(parsed_samples) -> None:
    outline = [(s.level, s.heading) for s in _sections(parsed_samples[IDM])]
    assert outline[-3:] == [
        (1, "IDM 2010"),
        (2, "(a) South-South Migration"),
        (2, "(b) Migration and Social Change"),
    ]


# --- front matter, annexes, several meetings ------------------------------------------------


def test_front_matter_and_annex_are_set_apart(parsed_samples) -> None:
    about = _find(parsed_samples[UNITAR], "About UNITAR")
    assert about.kind == "front_matter" and not about.themes
    assert _find(parsed_samples[UNITAR], "Context: The international process on migration").kind == "body"
    annex = [s for s in _sections(parsed_samples[HEARINGS]) if s.kind == "annex"]
    assert [s.heading for s in annex] == ["Annex"]
    assert "10 a.m.-10.30 a.m. Opening of the hearings" in annex[0].paragraphs
    last_body = [s for s in _sections(parsed_samples[HEARINGS]) if s.kind == "body"][-1]
    assert "a.m." not in last_body.text and "Programme of the informal" not in last_body.text


def test_a_file_with_several_reports_gives_several_meetings(parsed_samples) -> None:
    meetings = parsed_samples[UNITAR].meetings
    assert len(meetings) >= 10
    dated = {(m.metadata.title, m.metadata.start_date) for m in meetings if m.metadata.start_date}
    assert dated == {
        ("Key Migration Issues Workshop Series: Labour Migration", "2006-03-15"),
        ("Key Migration Issues Workshop Series: Contributions of Diasporas", "2006-05-11"),
        ("Key Migration Issues Workshop Series: HIV, AIDS and Migration", "2006-05-26"),
        ("Regional Consultative Processes", "2006-06-20"),
        ("Key Migration Issues Workshop Series: Migration and Human Rights", "2006-06-27"),
    }
    labour = next(m for m in meetings if m.metadata.start_date == "2006-03-15")
    assert labour.metadata.organizers == ["UNITAR", "UNFPA", "IOM", "ILO"]
    assert labour.sections[0].heading == "Introduction: Globalization and International Labour Mobility"
    # Each workshop's sessions stay in their own meeting.
    assert [s.heading for s in labour.sections][-1].startswith("Session IV: Labour Migration")
    for other in (GCIM, COORDINATION, HEARINGS, IDM):
        assert len(parsed_samples[other].meetings) == 1


# --- meeting metadata ------------------------------------------------------------------------


def _meta(parsed_samples, name: str, index: int = 0) -> dict:
    meta = parsed_samples[name].meetings[index].metadata
    return {
        "title": meta.title,
        "organizers": meta.organizers,
        "city": meta.city,
        "country": meta.country,
        "start_date": meta.start_date,
        "end_date": meta.end_date,
        "symbol": meta.symbol,
    }


def test_metadata_read_from_the_documents(parsed_samples) -> None:
    assert _meta(parsed_samples, GCIM) == {
        "title": "Hearing for the Americas",
        "organizers": ["Global Commission on International Migration (GCIM)"],
        "city": "Mexico City",
        "country": "Mexico",
        "start_date": "2005-05-16",
        "end_date": "2005-05-17",
        "symbol": None,
    }
    assert _meta(parsed_samples, COORDINATION) == {
        "title": "Second United Nations Coordination Meeting on International Migration",
        "organizers": [
            "United Nations Population Division of the Department of Economic and Social Affairs (DESA)"
        ],
        "city": "New York",
        "country": "United States",
        "start_date": "2003-10-15",
        "end_date": "2003-10-16",
        "symbol": None,  # A/58/394 in a footnote is a reference, not the report's symbol
    }
    hearings = _meta(parsed_samples, HEARINGS)
    assert hearings["title"].startswith("Informal interactive hearings of the General Assembly")
    assert hearings["organizers"] == ["President of the General Assembly"]
    assert (hearings["start_date"], hearings["city"]) == ("2006-07-12", None)  # no place is stated
    assert _meta(parsed_samples, IDM) == {
        "title": "Informal Consultations on International Dialogue on Migration",
        "organizers": ["International Organization for Migration (IOM)"],
        "city": None,  # "Geneva, 17 April 2009" is where the note was issued, not the meeting
        "country": None,
        "start_date": "2009-04-28",
        "end_date": "2009-04-28",
        "symbol": "IC/2009/5",
    }
    series = _meta(parsed_samples, UNITAR)
    assert series["title"] == "Migration and Development Series"
    assert series["organizers"] == ["UNITAR"]
    assert series["start_date"] is None  # the report covers 2006-2008 but names no meeting date


def test_every_metadata_field_keeps_its_evidence(parsed_samples) -> None:
    for document in parsed_samples.values():
        for meeting in document.meetings:
            meta = meeting.metadata
            for field in ("title", "city", "country", "start_date", "symbol"):
                if getattr(meta, field):
                    assert meta.evidence.get(field), (document.file_name, field)


def test_unknown_fields_stay_empty(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text(
        "Remittances\n\nParticipants agreed that the cost of sending money home remains too high "
        "and that banks should open accounts for migrants without papers, as several speakers said.\n",
        encoding="utf-8",
    )
    meeting = parse_document(path).meetings[0]
    meta = meeting.metadata
    assert (meta.title, meta.city, meta.country, meta.start_date, meta.symbol) == (None,) * 5
    assert meta.organizers == []


# --- themes -----------------------------------------------------------------------------------


def test_every_substantive_section_gets_one_to_three_themes_with_evidence(parsed_samples) -> None:
    for document in parsed_samples.values():
        for section in _sections(document):
            if section.kind != "body":
                assert not section.themes
                continue
            if len(section.text) < 400:
                continue
            assert 1 <= len(section.themes) <= 3, section.heading
            for match in section.themes:
                assert match.evidence


def test_themes_fit_the_section(parsed_samples) -> None:
    def themes(name: str, heading: str) -> list[str]:
        return [t.theme for t in _find(parsed_samples[name], heading).themes]

    assert themes(GCIM, "Migrant remittances")[0] == "remittances"
    assert themes(GCIM, "Human trafficking")[0] == "trafficking_smuggling"
    assert themes(GCIM, "Gender and migrant women")[0] == "gender"
    assert themes(HEARINGS, "3. Highly skilled migration")[0] == "brain_drain_health"
    assert themes(IDM, "(a) South-South Migration")[0] == "south_south"
    assert themes(UNITAR, "Environmental factors")[0] == "environment_climate"
    assert themes(COORDINATION, "1. Statistics on international migration")[0] == "data_research"


# --- sources: lines and pages -----------------------------------------------------------------


@pytest.mark.parametrize("name", [p.name for p in SAMPLE_FILES])
def test_source_lines_point_at_the_section(parsed_samples, name: str) -> None:
    lines = (SOURCES / name).read_text(encoding="utf-8").splitlines()
    for section in _sections(parsed_samples[name]):
        assert 1 <= section.line_start <= section.line_end <= len(lines)
        span = " ".join(lines[section.line_start - 1 : section.line_end])
        first_words = section.paragraphs[0].split()[:3]
        assert all(word.strip("¹²³⁴⁵") in span for word in first_words), (section.heading, first_words)


def test_docx_report_uses_its_heading_styles(tmp_path: Path) -> None:
    path = tmp_path / "meeting.docx"
    doc = Document()
    doc.add_heading("Regional Workshop on Labour Mobility", level=0)
    doc.add_paragraph("The workshop was held in Bangkok, Thailand, on 3-4 March 2010.")
    doc.add_heading("Recruitment costs", level=1)
    doc.add_paragraph("Participants discussed recruitment fees paid by migrant workers and ways to cut them.")
    doc.add_heading("Bilateral agreements", level=2)
    doc.add_paragraph("Bilateral labour agreements should protect the rights of migrant workers.")
    doc.save(path)
    document = parse_document(path)
    outline = [(s.level, s.heading, s.path) for s in _sections(document)]
    assert outline[-2:] == [
        (1, "Recruitment costs", []),
        (2, "Bilateral agreements", ["Recruitment costs"]),
    ]
    meta = document.meetings[0].metadata
    assert (meta.city, meta.country, meta.start_date, meta.end_date) == (
        "Bangkok",
        "Thailand",
        "2010-03-03",
        "2010-03-04",
    )


def _pdf_from_text(path: Path, lines: list[str], symbol: str, per_page: int = 40) -> Path:
    """A real PDF laid out as UN documents are: symbol at the top, page number at the foot."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    font = "Helvetica"
    dejavu = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if dejavu.exists():  # curly quotes and dashes need a Unicode font
        pdfmetrics.registerFont(TTFont("DejaVu", str(dejavu)))
        font = "DejaVu"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for page, start in enumerate(range(0, len(lines), per_page), start=1):
        pdf.setFont(font, 9)
        pdf.drawString(72, 800, symbol)
        pdf.drawString(290, 40, str(page))
        pdf.setFont(font, 10)
        y = 770
        for line in lines[start : start + per_page]:
            pdf.drawString(72, y, line.strip())
            y -= 17
        pdf.showPage()
    pdf.save()
    return path


def test_pdf_report_end_to_end(tmp_path: Path) -> None:
    lines = (SOURCES / HEARINGS).read_text(encoding="utf-8").splitlines()[:340]
    path = _pdf_from_text(tmp_path / "A-61-187.pdf", lines, "A/61/187")
    document = parse_document(path)
    assert document.kind == "pdf" and document.page_count == 9
    meeting = document.meetings[0]
    assert meeting.metadata.symbol == "A/61/187"
    assert meeting.metadata.start_date == "2006-07-12"
    sections = meeting.sections
    headings = [s.heading for s in sections]
    assert headings[:3] == [
        "I. Introduction",
        "II. Key findings",
        "A. Promoting a rights-based approach to international migration",
    ]
    promoting = sections[2]
    assert promoting.paragraph_numbers == ["23", "24", "25"]
    assert promoting.page_start is not None and promoting.page_end >= promoting.page_start
    findings = sections[1]
    assert (findings.page_start, findings.page_end) == (2, 6)
    for section in sections:
        assert "A/61/187" not in section.text  # the running head is gone
        assert not re.search(r"(?:^|\n\n)\d{1,2}(?:\n\n|$)", section.text)  # and the page numbers
    assert "A rights-based approach implied the recognition of the full dignity of migrants" in findings.text
