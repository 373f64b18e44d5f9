"""Units -> meetings -> sections, on small sequences of units made here: where a file splits
into several reports and where it must not, where a report's title page ends, and the outline
of sections (levels, paths, kinds, numbers, notes) that its headings make."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from briefer.ingest.layout import lay_out
from briefer.ingest.readers import RawDocument, RawLine
from briefer.ingest.segment import (
    BODY_MIN,
    OPENING_TEXT,
    MeetingDraft,
    build_sections,
    is_body,
    split_meetings,
    title_page,
)
from briefer.ingest.units import Footnote, Unit

TEXT = (
    "Participants discussed the recruitment of migrant workers and the fees they pay to agencies, "
    "and agreed that the fees should be paid by the employers rather than by the workers themselves."
)
assert len(TEXT) >= BODY_MIN

_line = itertools.count(1)


def heading(text: str, style: str = "title", number: str | None = None, level: int | None = None) -> Unit:
    """A heading unit; a numbered one's title is its text after the number."""
    title = text.split(" ", 1)[1] if number and " " in text else text
    line = next(_line)
    return Unit("heading", text, line, line, None, None, number, style, title, level)


def paragraph(text: str = TEXT, number: str | None = None, notes: list[Footnote] | None = None) -> Unit:
    line = next(_line)
    return Unit("paragraph", text, line, line, None, None, number, notes=notes or [])


def roman(number: str, title: str) -> Unit:
    return heading(f"{number}. {title}", "roman", number)


def _drafts(units: list[Unit]) -> list[tuple[list[str], list[str]]]:
    """Each meeting found: its labels and the texts of its units (cut short)."""
    return [([u.text for u in d.labels], [u.text[:30] for u in d.units]) for d in split_meetings(units)]


# --- where a file holds another report --------------------------------------------------------


def test_a_report_label_starts_a_new_meeting_with_its_title_lines() -> None:
    units = [
        heading("Workshop on Labour Migration"),
        heading("Report"),
        roman("I", "Opening"),
        paragraph(),
        heading("Seminar on Remittances"),  # the next report's title stands above its label
        heading("Summary Report"),
        roman("I", "Opening"),
        paragraph(),
    ]
    assert _drafts(units) == [
        (["Report"], ["Workshop on Labour Migration", "I. Opening", TEXT[:30]]),
        (["Summary Report"], ["Seminar on Remittances", "I. Opening", TEXT[:30]]),
    ]


def test_a_second_meeting_named_in_a_sentence_is_no_new_meeting() -> None:
    afterwards = (
        "Afterwards a second meeting was held in Dakar on the same subject, and the participants agreed "
        "to meet again the following year to review the progress made on recruitment."
    )
    units = [
        roman("I", "Opening"),
        paragraph(),
        paragraph(afterwards),
        roman("II", "Recruitment"),
        paragraph(),
    ]
    drafts = split_meetings(units)
    assert len(drafts) == 1 and drafts[0].units == units


def test_a_second_meeting_named_in_the_text_of_a_file_is_no_new_meeting() -> None:
    text = (
        "Meeting Report\n\nI. Opening\n\n"
        "The chair opened the first meeting of the working group on labour migration and welcomed\n"
        "the participants from the twelve countries of the region, and the observers.\n\n"
        "Afterwards a second meeting\n"
        "was held by the experts alone, to prepare the recommendations adopted on the last day.\n\n"
        "II. Recommendations\n\nThe meeting adopted its recommendations, which are annexed to this report.\n"
    )
    lines = [RawLine(line, number) for number, line in enumerate(text.split("\n"), 1)]
    units = lay_out(RawDocument(Path("report.txt"), "text", lines, None, "0" * 64, len(text))).units
    drafts = split_meetings(units)
    assert len(drafts) == 1
    assert [u.text for u in drafts[0].units if u.kind == "heading"] == ["I. Opening", "II. Recommendations"]
    assert [u.text[:40] for u in drafts[0].units if u.kind == "paragraph"] == [
        "The chair opened the first meeting of th",
        "Afterwards a second meeting was held by ",  # a paragraph of its own, no heading
        "The meeting adopted its recommendations,",
    ]


def test_the_top_numbering_starting_again_starts_a_new_meeting() -> None:
    first = [roman("I", "Opening"), paragraph(), roman("II", "Work"), paragraph()]
    second = [roman("I", "Opening"), paragraph()]
    assert [len(d.units) for d in split_meetings(first + second)] == [4, 2]
    sessions = [
        heading("Session 1: Data", "session", "1"),
        paragraph(),
        heading("Session 2: Return", "session", "2"),
    ]
    again = [paragraph(), heading("Session 1: Opening", "session", "1"), paragraph()]
    assert [len(d.units) for d in split_meetings(sessions + again)] == [4, 2]


def test_numbering_that_starts_again_in_an_annex_or_before_any_text_is_the_same_meeting() -> None:
    annex = [roman("I", "Opening"), paragraph(), roman("II", "Work"), paragraph(), heading("Annex I")]
    annex += [roman("I", "Programme"), paragraph()]
    assert len(split_meetings(annex)) == 1
    contents = [roman("I", "Opening"), roman("II", "Work"), roman("I", "Opening"), paragraph()]
    assert len(split_meetings(contents)) == 1  # a list of contents: no text yet
    one = [roman("I", "Opening"), paragraph(), roman("I", "Opening"), paragraph()]
    assert len(split_meetings(one)) == 1  # "I." after "I." only: no numbering ran


def test_a_summary_of_discussions_after_text_starts_a_new_meeting() -> None:
    units = [
        heading("Summary of discussions"),
        paragraph(),
        heading("Summary of the discussions"),
        paragraph(),
    ]
    assert [len(d.units) for d in split_meetings(units)] == [2, 2]
    numbered = [
        heading("Summary of discussions"),
        paragraph(),
        heading("A. Summary of discussions", "letter", "A"),
    ]
    assert len(split_meetings([*numbered, paragraph()])) == 1  # a numbered one is a section of the report


def test_short_lines_are_no_body_that_a_new_report_could_follow() -> None:
    units = [heading("Workshop"), paragraph("Geneva, 3 May 2011"), heading("Report"), roman("I", "Opening")]
    drafts = split_meetings([*units, paragraph()])
    assert len(drafts) == 1 and [u.text for u in drafts[0].labels] == ["Report"]
    assert not any(is_body(unit) for unit in units)


# --- the title page ----------------------------------------------------------------------------


def test_the_header_ends_where_the_report_begins() -> None:
    title = heading("Workshop on Labour Migration")
    place = paragraph("Geneva, 3-5 May 2011")
    opening = roman("I", "Opening")
    draft = MeetingDraft(units=[title, place, opening, paragraph()])
    header, report = draft.split_header()
    assert (header, report[0]) == ([title, place], opening)
    text_first = MeetingDraft(units=[title, paragraph()])
    assert text_first.split_header() == ([], text_first.units)  # a title over its text opens it
    only_title = MeetingDraft(units=[title, place])
    assert only_title.split_header() == ([title, place], [])


def test_the_title_page_as_a_section_of_front_matter() -> None:
    section = title_page([heading("Workshop on Labour Migration"), paragraph("Geneva, 3-5 May 2011")])
    assert (section.key, section.kind, section.heading) == ("(title page)", "front_matter", OPENING_TEXT)
    assert section.paragraphs == ["Workshop on Labour Migration", "Geneva, 3-5 May 2011"]
    assert title_page([]) is None


# --- sections ------------------------------------------------------------------------------------


def _outline(units: list[Unit], first_meeting: bool = True) -> list[tuple[int, str, str, list[str]]]:
    return [(s.level, s.kind, s.heading, s.path) for s in build_sections(units, first_meeting)]


def test_levels_follow_the_numbering_styles() -> None:
    units = [
        roman("I", "Opening"),
        paragraph(),
        heading("A. Welcome", "letter", "A"),
        paragraph(),
        heading("1.1 Fees", "arabic", "1.1"),
        paragraph(),
        heading("B. Costs", "letter", "B"),
        paragraph(),
        roman("II", "Findings"),
        paragraph(),
        heading("Conclusions", "keyword"),  # a peer of the roman chapters
        paragraph(),
    ]
    assert _outline(units) == [
        (1, "body", "I. Opening", []),
        (2, "body", "A. Welcome", ["I. Opening"]),
        (3, "body", "1.1 Fees", ["I. Opening", "A. Welcome"]),
        (2, "body", "B. Costs", ["I. Opening"]),
        (1, "body", "II. Findings", []),
        (1, "body", "Conclusions", []),
    ]


def test_unnumbered_styles_rank_capitals_over_bold_over_plain_titles() -> None:
    units = [heading("BACKGROUND", "caps"), paragraph(), heading("Context", "emphasis"), paragraph()]
    units += [heading("The region", "title"), paragraph(), heading("METHODS", "caps"), paragraph()]
    assert [(level, h) for level, _, h, _ in _outline(units)] == [
        (1, "BACKGROUND"),
        (2, "Context"),
        (3, "The region"),
        (1, "METHODS"),
    ]


def test_a_roman_chapter_closes_the_unnumbered_headings_before_it() -> None:
    units = [heading("Introduction"), paragraph(), roman("I", "Findings"), paragraph()]
    assert [(level, h) for level, _, h, _ in _outline(units)] == [(1, "Introduction"), (1, "I. Findings")]


def test_levels_a_source_states_are_kept() -> None:
    units = [heading("Report", "markdown", level=1), paragraph(), heading("Details", "markdown", level=3)]
    assert [(level, h, path) for level, _, h, path in _outline([*units, paragraph()])] == [
        (1, "Report", []),
        (3, "Details", ["Report"]),  # the missing level 2 is implied, with no name
    ]


def test_a_chapter_without_text_lives_on_in_its_sub_sections_path() -> None:
    units = [roman("II", "Findings"), heading("A. Data", "letter", "A"), paragraph()]
    assert _outline(units) == [(2, "body", "A. Data", ["II. Findings"])]


def test_a_numbered_heading_with_nothing_under_it_stays_and_an_unnumbered_one_is_text() -> None:
    units = [roman("I", "Opening"), paragraph(), roman("II", "Other matters"), roman("III", "Closing")]
    units += [paragraph(), heading("Stray line"), heading("IV. Next", "roman", "IV"), paragraph()]
    sections = build_sections(units, first_meeting=True)
    assert [s.heading for s in sections] == ["I. Opening", "II. Other matters", "III. Closing", "IV. Next"]
    assert sections[2].paragraphs == [TEXT, "Stray line"]


def test_text_before_the_first_heading_is_opening_text() -> None:
    sections = build_sections(
        [paragraph("The meeting opened at ten."), roman("I", "Work"), paragraph()], True
    )
    assert [(s.heading, s.paragraphs) for s in sections] == [
        (OPENING_TEXT, ["The meeting opened at ten."]),
        ("I. Work", [TEXT]),
    ]


def test_front_matter_and_annexes_are_set_apart() -> None:
    units = [heading("Acknowledgements"), paragraph(), heading("List of acronyms"), paragraph("IOM")]
    units += [roman("I", "Findings"), paragraph(), heading("Foreword"), paragraph()]
    units += [heading("Annex"), heading("Programme"), paragraph("9:00 Opening"), heading("10:00 Panel")]
    sections = build_sections(units, first_meeting=True)
    assert [(s.heading, s.kind) for s in sections] == [
        ("Acknowledgements", "front_matter"),
        ("List of acronyms", "front_matter"),
        ("I. Findings", "body"),
        ("Foreword", "body"),  # once the report has begun, a "Foreword" is a section of it
        ("Annex", "annex"),
    ]
    # Inside an annex, short lines (a programme's items) are its text, not headings.
    assert sections[-1].paragraphs == ["Programme", "9:00 Opening", "10:00 Panel"]
    later = build_sections([heading("Acknowledgements"), paragraph()], first_meeting=False)
    assert later[0].kind == "body"  # a second report of the file has its front matter behind it


def test_programmes_and_lists_of_participants_are_annex_matter() -> None:
    units = [roman("I", "Findings"), paragraph(), heading("List of participants"), paragraph("Ms. A. Smith")]
    assert [s.kind for s in build_sections(units, True)] == ["body", "annex"]


def test_paragraph_numbers_notes_and_lines_go_with_their_section() -> None:
    note = Footnote("1", "World Bank, Remittance Prices Worldwide.", 90, None)
    heading_note = Footnote("2", "On the title.", 91, None)
    first, second = roman("I", "Remittances"), roman("II", "Labour migration")
    second.notes.append(heading_note)
    units = [first, paragraph("23. Costs are high.", "23"), paragraph("24. Fees too.¹", "24", [note])]
    units += [second, paragraph("25. Recruitment.", "25")]
    one, two = build_sections(units, True)
    assert (one.paragraph_numbers, [n.text for n in one.notes]) == (["23", "24"], [note.text])
    assert (two.paragraph_numbers, [n.text for n in two.notes]) == (["25"], [heading_note.text])
    assert (one.line_start, one.line_end) == (first.first_line, units[2].last_line)


def test_section_keys_follow_the_path_and_count_repeated_headings() -> None:
    units = [roman("I", "Session"), heading("A. Discussion", "letter", "A"), paragraph()]
    units += [heading("B. Discussion", "letter", "B"), paragraph(), roman("II", "Session")]
    units += [heading("A. Discussion", "letter", "A"), paragraph(), heading("A. Discussion", "letter", "A")]
    keys = [s.key for s in build_sections([*units, paragraph()], True)]
    assert keys == [
        "i. session / a. discussion",
        "i. session / b. discussion",
        "ii. session / a. discussion",
        "ii. session / a. discussion #2",
    ]


@pytest.mark.parametrize("first_meeting", [True, False])
def test_every_word_of_the_report_is_in_a_section(first_meeting: bool) -> None:
    """In a section's text, its heading, or the path of headings above it."""
    units = [paragraph("Opening words."), heading("Acknowledgements"), paragraph("Thanks.")]
    units += [roman("I", "Findings"), roman("II", "Empty"), heading("Stray"), paragraph("Text.")]
    sections = build_sections(units, first_meeting)
    kept = [text for s in sections for text in [*s.paragraphs, s.heading, *s.path]]
    for unit in units:
        assert unit.text in kept
