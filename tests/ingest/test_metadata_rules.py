"""Meeting details as a text file's title page and opening sentences give them (the path
without typography: `read_metadata` with the header's lines), and the casing of headings.
The laid-out title pages of PDF and Word files are tested in test_metadata.py."""

from __future__ import annotations

import pytest

from briefer.ingest.document import MeetingMetadata
from briefer.ingest.metadata import read_metadata, running_head_symbol, smart_title
from briefer.ingest.places import default_gazetteer
from briefer.ingest.units import Unit

GAZETTEER = default_gazetteer()


def _read(
    header: list[str],
    body: list[str] | None = None,
    acronyms: set[str] | None = None,
    publisher: str | None = None,
) -> MeetingMetadata:
    """The details of a text file whose title page holds these lines and whose report says `body`."""
    units = [Unit("paragraph", text, n, n, None, None) for n, text in enumerate(header, 1)]
    return read_metadata(units, body or [], GAZETTEER, acronyms or set(), publisher)


def _when_and_where(meta: MeetingMetadata) -> tuple[str | None, str | None, str | None, str | None]:
    return meta.start_date, meta.end_date, meta.city, meta.country


# --- the title page's date and place line ---------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Geneva, 8-19 February 2010", ("2010-02-08", "2010-02-19", "Geneva", "Switzerland")),
        ("Genève, le 3 mars 2011", ("2011-03-03", "2011-03-03", "Genève", "Switzerland")),
        ("Ginebra, 2 a 4 de mayo de 2012", ("2012-05-02", "2012-05-04", "Ginebra", "Switzerland")),
        ("Ciudad de México, 15 de marzo de 2006", ("2006-03-15", "2006-03-15", "Ciudad de México", "Mexico")),
        ("Dakar, Senegal, 9–11 November 2015", ("2015-11-09", "2015-11-11", "Dakar", "Senegal")),
        (
            "15 March 2006, UN Headquarters, New York",
            ("2006-03-15", "2006-03-15", "New York", "United States"),
        ),
        ("September 20-21, 2005", ("2005-09-20", "2005-09-21", None, None)),
    ],
)
def test_the_date_and_place_line_of_a_title_page(line: str, expected: tuple) -> None:
    meta = _read(["Regional Seminar on Labour Migration", line])
    assert _when_and_where(meta) == expected
    assert meta.title == "Regional Seminar on Labour Migration"
    assert meta.evidence["start_date"] == line
    if expected[2]:
        assert meta.evidence["city"] == line


def test_a_date_that_does_not_exist_gives_no_date() -> None:
    assert _when_and_where(_read(["Regional Seminar", "Geneva, 31 February 2010"])) == (
        None,
        None,
        None,
        None,
    )


def test_the_day_of_issue_is_not_the_meetings_day() -> None:
    meta = _read(["A/60/871", "Distr.: General", "16 November 2009", "Regional Seminar on Migration"])
    assert (meta.symbol, meta.start_date) == ("A/60/871", None)
    meta = _read(
        ["Distr.: General", "16 November 2009", "Regional Seminar on Migration"],
        ["The seminar was held in Dakar, Senegal, on 3-5 May 2011."],
    )
    assert _when_and_where(meta) == ("2011-05-03", "2011-05-05", "Dakar", "Senegal")


# --- symbols ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "symbol"),
    [
        ("A/HRC/WG.6/7/ITA/1", "A/HRC/WG.6/7/ITA/1"),
        ("Symbol: E/CN.9/2006/5", "E/CN.9/2006/5"),
        ("Report of the Expert Group Meeting E/CN.9/2006/5", "E/CN.9/2006/5"),  # at the end of a line
        ("Report No. 146/18", "Report No. 146/18"),
        ("UN/POP/EGM/2006/01", "UN/POP/EGM/2006/01"),
        ("IOM/ILO", None),  # no number: two bodies, not a symbol
    ],
)
def test_a_symbol_on_the_title_page(line: str, symbol: str | None) -> None:
    assert _read([line, "Regional Seminar on Migration"]).symbol == symbol


def test_symbols_in_running_heads_beside_their_page_numbers() -> None:
    assert running_head_symbol("E/CN.9/2006/5 Page 2") == "E/CN.9/2006/5"
    assert running_head_symbol("A/60/871 | 12") == "A/60/871"
    assert running_head_symbol("GCIM/RH/AMERICAS") is None  # letters only: a name, not a symbol
    assert running_head_symbol("Regional Hearing for the Americas") is None


# --- the opening sentences -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "The Expert Group Meeting on International Migration was held in Mexico City, Mexico, from 15 to "
            "16 October 2003.",
            ("2003-10-15", "2003-10-16", "Mexico City", "Mexico"),
        ),
        (
            "The seminar took place in Bangkok, Thailand, from 5 to 7 June 2007.",
            ("2007-06-05", "2007-06-07", "Bangkok", "Thailand"),
        ),
        (
            "Le séminaire a eu lieu à Dakar du 3 au 5 mai 2011.",
            ("2011-05-03", "2011-05-05", "Dakar", "Senegal"),
        ),
        (
            "La réunion s'est tenue à Genève le 3 mars 2011.",
            ("2011-03-03", "2011-03-03", "Genève", "Switzerland"),
        ),
        (
            "El seminario se celebró en Ginebra del 2 al 4 de mayo de 2012.",
            ("2012-05-02", "2012-05-04", "Ginebra", "Switzerland"),
        ),
    ],
)
def test_the_opening_sentence_says_when_and_where(sentence: str, expected: tuple) -> None:
    meta = _read(["Expert Group Meeting on International Migration"], [sentence])
    assert _when_and_where(meta) == expected
    assert meta.evidence["start_date"] == meta.evidence["city"] == sentence


def test_a_sentence_about_another_meeting_gives_none_of_its_details() -> None:
    meta = _read(
        ["Regional Seminar on Labour Migration"],
        ["The Expert Group Meeting on Data was held in Geneva on 3 May 2001, and the seminar recalled it."],
    )
    assert _when_and_where(meta) == (None, None, None, None)
    own = _read(["The Expert Group Meeting"], ["The meeting was held in Geneva on 3 May 2001."])
    assert _when_and_where(own) == (
        "2001-05-03",
        "2001-05-03",
        "Geneva",
        "Switzerland",
    )  # "the meeting": ours


def test_the_title_page_line_comes_before_the_opening_sentence() -> None:
    meta = _read(
        ["Regional Seminar on Labour Migration", "Bangkok, 5 June 2007"],
        ["The seminar was held in Manila on 6 June 2007."],
    )
    assert _when_and_where(meta) == ("2007-06-05", "2007-06-05", "Bangkok", "Thailand")


def test_a_decisions_closing_words_give_its_date_and_place() -> None:
    meta = _read(
        ["Decision of the Council"], ["1. The Council decides.", "Done in Accra, on the 28th of March 2022."]
    )
    assert _when_and_where(meta) == ("2022-03-28", "2022-03-28", "Accra", "Ghana")


# --- organisers -------------------------------------------------------------------------------


def test_organisers_named_by_the_opening_sentences() -> None:
    meta = _read(
        ["Expert Group Meeting"],
        [
            "The Expert Group Meeting on International Migration was held in Mexico City. It was organized by "
            "the Population Division of the Department of Economic and Social Affairs and the OECD."
        ],
        acronyms={"OECD"},
    )
    assert meta.organizers == ["Population Division of the Department of Economic and Social Affairs", "OECD"]
    assert meta.evidence["organizers"].startswith("It was organized by")
    active = _read(
        ["Regional Seminar"],
        ["IOM and the ILO organized a regional seminar on labour migration in Bangkok on 5 June 2007."],
        acronyms={"IOM", "ILO"},
    )
    assert active.organizers == ["IOM", "ILO"]


def test_organisers_named_on_the_title_page() -> None:
    assert _read(["Organized by the ILO and the OECD", "Workshop"], acronyms={"ILO", "OECD"}).organizers == [
        "ILO",
        "OECD",
    ]
    named = _read(["IOM International Organization for Migration", "Workshop on Labour Migration"])
    assert named.organizers == ["International Organization for Migration (IOM)"]
    listed = _read(["IOM/ILO Workshop on Labour Migration"], acronyms={"IOM", "ILO"})
    assert (listed.title, listed.organizers) == ("Workshop on Labour Migration", ["IOM", "ILO"])


def test_the_publisher_is_the_organiser_only_when_nothing_else_is() -> None:
    assert _read(["Notes"], ["Nothing here names a body."], publisher="IOM").organizers == ["IOM"]
    meta = _read(["Workshop"], ["The workshop was organized by the ILO."], {"ILO"}, publisher="IOM")
    assert meta.organizers == ["ILO"]


# --- the title ------------------------------------------------------------------------------------


def test_the_title_is_the_line_that_names_an_event() -> None:
    meta = _read(["Summary Report", "UNITED NATIONS", "Regional Seminar on Labour Migration", "Bangkok"])
    assert meta.title == "Regional Seminar on Labour Migration"  # not the report's kind, not a body
    assert meta.evidence["title"] == "Regional Seminar on Labour Migration"


def test_a_title_in_capitals_is_set_in_title_case_with_its_acronyms() -> None:
    assert _read(["GCIM REGIONAL HEARING FOR THE AMERICAS"], acronyms={"GCIM"}).title == (
        "GCIM Regional Hearing for the Americas"
    )


def test_what_the_report_does_not_say_stays_empty() -> None:
    meta = _read(["Notes from the field"], ["Participants met and talked about many things."])
    assert meta.title == "Notes from the field"
    assert (meta.organizers, meta.symbol, *_when_and_where(meta)) == ([], None, None, None, None, None)
    assert set(meta.evidence) == {"title"}


# --- the casing of headings --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "acronyms", "language", "expected"),
    [
        ("HIV, AIDS AND MIGRATION", {"HIV", "AIDS"}, "en", "HIV, AIDS and Migration"),
        ("HIV, AIDS AND MIGRATION", set(), "en", "Hiv, Aids and Migration"),  # no acronym it writes so
        ("MIGRATION: THE WAY FORWARD", set(), "en", "Migration: The Way Forward"),  # a colon starts again
        ("ANNEX IV – LIST OF PARTICIPANTS", set(), "en", "Annex IV – List of Participants"),
        ("THE ROLE OF THE ILO", {"ILO"}, "en", "The Role of the ILO"),
        ("L'UNION AFRICAINE ET LA MIGRATION", set(), "fr", "L'Union africaine et la migration"),
        ("RAPPORT Nº 5", set(), "fr", "Rapport nº 5"),
        ("Already in Mixed case", set(), "en", "Already in Mixed case"),  # left as the document writes it
    ],
)
def test_headings_in_capitals_are_cased(text: str, acronyms: set[str], language: str, expected: str) -> None:
    assert smart_title(text, acronyms, language) == expected
