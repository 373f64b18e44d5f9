"""Heading recognition on a few lines made here: which lines are headings, in which numbering
style, with what number and title, how many lines they take; and which lines are not."""

from __future__ import annotations

import pytest

from briefer.ingest.headings import (
    Numbering,
    heading_at,
    heading_number,
    numbered_heading,
    roman_value,
)
from briefer.ingest.units import Line, Unit

SENTENCE = "The chair opened the meeting and welcomed the participants."
WIDTH = 90  # characters of a full line of body text


def _lines(*texts: str, emphasis: bool = False) -> list[Line]:
    return [
        Line(text, number, None, emphasis=emphasis and bool(text)) for number, text in enumerate(texts, 1)
    ]


def _heading(
    *texts: str, numbering: Numbering | None = None, emphasis: bool = False
) -> tuple[Unit, int] | None:
    """The heading the first line starts, and the index of the line after it."""
    return heading_at(_lines(*texts, emphasis=emphasis), 0, WIDTH, numbering or Numbering())


def _read(*texts: str, numbering: Numbering | None = None) -> tuple[str, str | None, str, int]:
    found = _heading(*texts, numbering=numbering)
    assert found is not None, f"{texts[0]!r} is no heading"
    unit, after = found
    assert unit.kind == "heading"
    return unit.style, unit.number, unit.title, after


# --- numbered headings ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "style", "number", "title"),
    [
        ("III. Key findings", "roman", "III", "Key findings"),
        ("A. Labour mobility", "letter", "A", "Labour mobility"),
        ("2.1 Data collection", "arabic", "2.1", "Data collection"),
        ("3.2.1. Household surveys", "arabic", "3.2.1", "Household surveys"),
        ("4. Recommendations", "arabic", "4", "Recommendations"),
        ("(b) Recruitment fees", "paren", "b", "Recruitment fees"),
        ("(iv) Return and reintegration", "paren", "iv", "Return and reintegration"),
        ("Session I: Opening of the meeting", "session", "I", "Opening of the meeting"),
        ("Panel 2 - The role of the diaspora", "session", "2", "The role of the diaspora"),
        ("Theme Three: Data and research", "session", "Three", "Data and research"),
        ("2nd Session: Remittances", "session", "2", "Remittances"),
    ],
)
def test_numbered_headings_with_their_style_number_and_title(
    line: str, style: str, number: str, title: str
) -> None:
    assert _read(line, SENTENCE) == (style, number, title, 1)
    assert numbered_heading(line)


def test_the_heading_keeps_its_number_as_printed_in_its_text() -> None:
    unit, _ = _heading("(b) Recruitment fees", SENTENCE)
    assert (unit.text, unit.title) == ("(b) Recruitment fees", "Recruitment fees")
    unit, _ = _heading("Session I: Opening of the meeting", SENTENCE)
    assert unit.text == "Session I: Opening of the meeting"


def test_a_number_standing_alone_takes_its_title_from_the_next_line() -> None:
    assert _read("III.", "", "Key findings", SENTENCE) == ("roman", "III", "Key findings", 3)
    assert _heading("III.", "1. Opening", SENTENCE) is None  # the next line is a heading of its own


def test_a_session_number_standing_alone_over_its_text_is_a_heading() -> None:
    """ "Session II" on its own line, the report's text below it: the session opens there
    (its title is its number), and the sentence stays text."""
    unit, after = _heading("Session II", "", SENTENCE)
    assert (unit.style, unit.number, unit.text, after) == ("session", "II", "Session II", 1)
    unit, after = _heading("1st Session", SENTENCE)
    assert (unit.style, unit.number, unit.text, after) == ("session", "1", "1st Session", 1)


def test_a_long_title_runs_on_over_lines_ending_with_a_small_word() -> None:
    style, number, title, after = _read(
        "II. The role of the diaspora in the", "development of countries of origin", "", SENTENCE
    )
    assert (style, number, after) == ("roman", "II", 2)
    assert title == "The role of the diaspora in the development of countries of origin"


def test_a_heading_is_read_as_a_letter_or_a_roman_number_by_what_came_before() -> None:
    assert _read("I. Introduction", SENTENCE)[:2] == ("roman", "I")
    after_h = Numbering()
    after_h.accept("letter", "H")
    assert _read("I. Irregular migration", SENTENCE, numbering=after_h)[:2] == ("letter", "I")
    after_four = Numbering()
    after_four.accept("roman", "IV")
    assert _read("V. Conclusions", SENTENCE, numbering=after_four)[:2] == ("roman", "V")
    after_c = Numbering()
    after_c.accept("letter", "C")
    assert _read("D. Data", SENTENCE, numbering=after_c)[:2] == ("letter", "D")


def test_numbering_remembers_the_last_numbers() -> None:
    numbering = Numbering()
    numbering.accept("letter", "B")
    assert numbering.continues_letters("C") and not numbering.continues_letters("E")
    assert numbering.style_of("C") == "letter"
    numbering.accept("roman", "II")  # a new chapter: its letters start again
    assert (numbering.roman, numbering.letter) == (2, 0)
    assert numbering.continues_letters("A") and not numbering.continues_letters("C")


@pytest.mark.parametrize(
    ("numeral", "value"), [("I", 1), ("IV", 4), ("IX", 9), ("XIV", 14), ("XL", 40), ("XC", 90), ("CX", 110)]
)
def test_roman_values(numeral: str, value: int) -> None:
    assert roman_value(numeral) == value


# --- unnumbered headings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "style"),
    [
        ("Panel Discussion", "keyword"),
        ("Conclusions and recommendations", "keyword"),
        ("Opening Session", "keyword"),
        ("Background: The Global Forum", "keyword"),
        ("KEY FINDINGS OF THE MEETING", "caps"),
        ("Migration and development in West Africa", "title"),
    ],
)
def test_unnumbered_headings_and_their_style(line: str, style: str) -> None:
    unit, after = _heading(line, SENTENCE)
    assert (unit.style, unit.number, unit.text, after) == (style, None, line, 1)
    assert not numbered_heading(line)


def test_a_line_drawn_in_bold_is_an_emphasis_heading() -> None:
    lines = _lines("Key findings of the meeting", SENTENCE)
    lines[0].emphasis = True
    unit, _ = heading_at(lines, 0, WIDTH, Numbering())
    assert (unit.style, unit.title, unit.emphasis) == ("emphasis", "Key findings of the meeting", True)


def test_a_heading_in_capitals_over_two_lines() -> None:
    unit, after = _heading("THE ROLE OF MIGRANT ASSOCIATIONS AND", "DIASPORA NETWORKS", SENTENCE)
    assert (unit.style, unit.title, after) == (
        "caps",
        "THE ROLE OF MIGRANT ASSOCIATIONS AND DIASPORA NETWORKS",
        2,
    )


def test_headings_whose_level_the_source_states() -> None:
    unit, _ = _heading("## Data and research", SENTENCE)
    assert (unit.style, unit.title, unit.level) == ("markdown", "Data and research", 2)
    word = [Line("Data and research", 1, None, style_level=3), Line(SENTENCE, 2, None)]
    unit, _ = heading_at(word, 0, WIDTH, Numbering())
    assert (unit.style, unit.level) == ("docx", 3)
    title = [Line("Report of the Meeting", 1, None, style_level=0), Line(SENTENCE, 2, None)]
    assert heading_at(title, 0, WIDTH, Numbering())[0].style == "doctitle"


# --- what is not a heading ----------------------------------------------------------------------


def test_a_numbered_paragraph_is_no_heading() -> None:
    opening = "23. Participants underscored the need to protect migrant workers in all countries of origin"
    assert len(opening) >= 0.85 * WIDTH
    assert _heading(opening, "and destination, whatever their status.") is None  # a full line that runs on
    numbering = Numbering(paragraph=23)
    assert _heading("24. Delegations agreed", SENTENCE, numbering=numbering) is None  # the next paragraph


def test_an_item_of_a_list_the_line_before_announces_is_no_heading() -> None:
    lines = _lines("The meeting recommended the following:", "1. Data collection", "2. Data sharing")
    assert heading_at(lines, 1, WIDTH, Numbering()) is None
    # (the next items follow the item before as numbered paragraphs do: see test_layout)
    assert heading_at(lines, 2, WIDTH, Numbering(paragraph=1)) is None


@pytest.mark.parametrize(
    "line",
    [
        SENTENCE,  # ends with a full stop
        "Migration was discussed. Delegates agreed",  # two sentences
        "Geneva, 8-19 February 2010",  # a date line of the title page
        "September 20-21, 2005",
        "A/HRC/41/38",  # a document symbol
        "Distr.: General",
        "Session III presented two views on recruitment.",  # "Session III" opens a sentence
        "III. the economic dimensions of migration",  # a title starts with a capital
    ],
)
def test_lines_that_are_not_headings(line: str) -> None:
    assert _heading(line, SENTENCE) is None


def test_a_number_that_is_no_roman_number_is_no_number() -> None:
    unit, _ = _heading("IIII. Findings", SENTENCE)
    assert (unit.style, unit.number) == ("title", None)


def test_a_heading_never_runs_on_into_a_sentence() -> None:
    """A short line whose next line goes on in lower case is the start of a paragraph."""
    assert _heading("Participants from the region", "discussed the fees paid by workers.") is None
    assert _heading("Participants from the region", SENTENCE) is not None  # (the same line over a sentence)


# --- numbers of headings set apart by their type ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "family", "depth", "number", "title"),
    [
        ("1 Introduction", "arabic", 1, "1", "Introduction"),
        ("3.1.2 Household surveys", "arabic", 3, "3.1.2", "Household surveys"),
        ("IX- MERIT", "roman", 1, "IX", "MERIT"),
        ("a. Summary of facts", "lower", 1, "a", "Summary of facts"),
        ("ii) Return", "lower_roman", 1, "ii", "Return"),
        ("(b) Data", "paren", 1, "b", "Data"),
        ("Annex 2", "keyword", 1, "Annex 2", ""),
        ("Chapitre III Les migrations", "keyword", 1, "Chapitre III", "Les migrations"),
    ],
)
def test_heading_numbers_of_typeset_headings(
    text: str, family: str, depth: int, number: str, title: str
) -> None:
    found = heading_number(text)
    assert found is not None
    assert (found.family, found.depth, found.number, found.title) == (family, depth, number, title)


@pytest.mark.parametrize(
    "text",
    [
        "1994 was a year of change",  # a year, not a heading number
        "112 countries took part",
        "16 November 2009",  # a date
        "3 de mayo de 2012",
        "Introduction",  # no number at all
        "IIX. Findings",  # not a roman number
        "IV.",  # a number with no title
    ],
)
def test_no_heading_number(text: str) -> None:
    assert heading_number(text) is None


def test_a_single_letter_number_follows_the_documents_numbering() -> None:
    assert heading_number("I. Findings").family == "roman"
    after_h = Numbering()
    after_h.accept("letter", "H")
    assert heading_number("I. Findings", after_h).family == "letter"
