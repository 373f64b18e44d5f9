"""The text path's layout step on small inputs made here: lines cleaned, page furniture
(running heads, page numbers, rules, job numbers) removed, footnotes taken out and given back
to the text that cites them, words split at line ends joined, lines made paragraphs again."""

from __future__ import annotations

from pathlib import Path

from briefer.ingest import layout
from briefer.ingest.readers import RawDocument, RawLine
from briefer.ingest.units import Footnote, Line, Unit
from briefer.ingest.vocabulary import Vocabulary

TOPICS = ["remittances", "labour migration", "diaspora engagement", "return", "data on migration"]


def _raw(text: str) -> RawDocument:
    """A text file's lines as the reader gives them; a form feed starts a page (pdftotext)."""
    paged = "\f" in text
    lines, page = [], 1
    for number, line in enumerate(text.split("\n"), 1):
        page += line.count("\f")
        lines.append(RawLine(line.replace("\f", ""), number, page if paged else None))
    return RawDocument(Path("report.txt"), "text", lines, page if paged else None, "0" * 64, len(text))


def _lines(*texts: str, page: int | None = None) -> list[Line]:
    return [Line(text, number, page) for number, text in enumerate(texts, 1)]


def _texts(units: list[Unit]) -> list[str]:
    return [unit.text for unit in units]


# --- line preparation -----------------------------------------------------------------------


def test_lines_are_cleaned_and_bold_is_remembered() -> None:
    lines, vocabulary = layout.prepare_lines(
        _raw(
            "\n".join(
                [
                    "**Key findings**",
                    "ﬁnancial\u00a0 inclusion of migrants",
                    "IntroductionIntroductionIntroduction",
                    "RREPORT of the meeting",
                    "-20 -Tj 129hd.0781 Tw (Ms. Marti said that the meeting agreed on the report",
                    "Plain text stays as it is.",
                ]
            )
        )
    )
    assert [(line.text, line.emphasis) for line in lines] == [
        ("Key findings", True),  # Markdown bold: the markers go, the emphasis stays
        ("financial inclusion of migrants", False),
        ("Introduction", True),  # drawn three times over: the PDF's bold
        ("REPORT of the meeting", False),
        ("[…] Marti said that the meeting agreed on the report", False),
        ("Plain text stays as it is.", False),
    ]
    assert [line.number for line in lines] == [1, 2, 3, 4, 5, 6]
    assert vocabulary.count("inclusion") == 1 and vocabulary.count("remittances") == 0


def test_a_bold_run_over_several_lines_marks_each_line() -> None:
    lines, _ = layout.prepare_lines(_raw("**Informal consultations on\nmigration and development**\nText."))
    assert [(line.text, line.emphasis) for line in lines] == [
        ("Informal consultations on", True),
        ("migration and development", True),
        ("Text.", False),
    ]


def test_a_rule_of_underscores_stays_a_rule_and_is_dropped() -> None:
    """pdftotext prints the rule above a page's footnotes as underscores: no Markdown bold."""
    lines, _ = layout.prepare_lines(_raw("_" * 18 + "\n" + "*" * 10 + "\nName: ____________ Date: ________"))
    assert [line.text for line in lines] == ["_" * 18, "*" * 10, "Name: ____________ Date: ________"]
    assert not any(line.emphasis for line in lines)
    kept, _ = layout.remove_page_furniture(lines)
    assert [line.text for line in kept] == ["", "", "Name: ____________ Date: ________"]


# --- page furniture ---------------------------------------------------------------------------


def _paged_report(head: str, foot: str, pages: int = 3) -> str:
    """Pages with a running head, one sentence of text each, and a page number at the foot."""
    return "\f".join(
        f"{head}\n\nOn page {page} the participants discussed {TOPICS[page - 1]} at length.\n\n"
        f"{foot.format(page=page)}\n"
        for page in range(1, pages + 1)
    )


def test_running_heads_and_page_numbers_are_removed() -> None:
    lines, _ = layout.prepare_lines(_raw(_paged_report("A/HRC/41/38", "- {page} -")))
    kept, running = layout.remove_page_furniture(lines)
    assert running == ["A/HRC/41/38"]
    assert [line.text for line in kept if line.text] == [
        f"On page {page} the participants discussed {TOPICS[page - 1]} at length." for page in (1, 2, 3)
    ]
    assert len(kept) == len(lines)  # the breaks stay where the text was


def test_a_running_head_in_words_needs_three_pages() -> None:
    for pages, removed in ((2, False), (3, True)):
        lines, _ = layout.prepare_lines(
            _raw(_paged_report("Report of the Regional Workshop", "{page}", pages))
        )
        kept, running = layout.remove_page_furniture(lines)
        assert (running == ["Report of the Regional Workshop"]) is removed, pages
        assert any(line.text == "Report of the Regional Workshop" for line in kept) is not removed


def test_page_furniture_without_pages() -> None:
    lines = _lines(
        "Page 3 of 10",
        "12",
        "– 4 –",
        "-----------",
        "GE.19-05612(E)",
        "*1905612*",
        "Key findings",
        "The meeting noted that 12 countries took part.",
        "Key findings",
    )
    kept, running = layout.remove_page_furniture(lines)
    # Without page breaks a repeated heading cannot be told from a running head: it stays.
    assert [line.text for line in kept if line.text] == [
        "Key findings",
        "The meeting noted that 12 countries took part.",
        "Key findings",
    ]
    assert running == []


# --- footnotes ----------------------------------------------------------------------------------


def test_a_footnote_cited_in_the_text_is_taken_out() -> None:
    body, notes = layout.extract_footnotes(
        _lines(
            "The meeting discussed the cost of remittances.1",
            "",
            "1 World Bank, Remittance Prices Worldwide,",
            "second quarter 2010.",
            "",
            "2 countries reported their data late.",
        )
    )
    assert [(note.number, note.text, note.line) for note in notes] == [
        ("1", "World Bank, Remittance Prices Worldwide, second quarter 2010.", 3)
    ]
    # A line that starts with the next number is no note unless the text cites it ("...late2").
    assert [line.text for line in body if line.text] == [
        "The meeting discussed the cost of remittances.1",
        "2 countries reported their data late.",
    ]


def test_a_superscript_footnote_needs_no_reference() -> None:
    _, notes = layout.extract_footnotes(_lines("The meeting agreed.", "¹ See document A/60/871."))
    assert [(note.number, note.text) for note in notes] == [("1", "See document A/60/871.")]


def test_a_footnote_under_a_rule_of_underscores() -> None:
    units = layout.lay_out(
        _raw(
            "The workshop examined the data on migration that countries collect.1\n"
            "__________________\n"
            "1 See the UN Recommendations on Statistics of International Migration, 1998.\n"
        )
    ).units
    assert [(unit.kind, [note.text for note in unit.notes]) for unit in units] == [
        ("paragraph", ["See the UN Recommendations on Statistics of International Migration, 1998."])
    ]
    assert units[0].text == "The workshop examined the data on migration that countries collect.¹"


def test_footnotes_go_to_the_unit_that_cites_them() -> None:
    units = [
        Unit("heading", "I. Remittances1", 1, 1, None, None, "I", "roman", "Remittances1"),
        Unit("paragraph", "The costs of sending money home2 are high.", 2, 3, None, None),
        Unit("paragraph", "Delegates agreed to act.", 4, 4, None, None),
    ]
    notes = [
        Footnote("1", "On the heading.", 6, None),
        Footnote("2", "World Bank data.", 7, None),
        Footnote("3", "A note nothing cites.", 8, None),
    ]
    layout.attach_footnotes(units, notes)
    assert [(unit.text, [note.number for note in unit.notes]) for unit in units] == [
        ("I. Remittances", ["1"]),  # a heading shows no mark
        ("The costs of sending money home² are high.", ["2"]),  # the mark is raised
        ("Delegates agreed to act.", ["3"]),  # uncited: the text just before it
    ]
    assert units[0].title == "Remittances"


def test_with_raised_marks_only_a_raised_mark_cites_a_note() -> None:
    units = [
        Unit("paragraph", "See document A/60/871/Add.1 on recruitment.", 1, 1, 1, 1),
        Unit("paragraph", "Recruitment fees¹ fall on the workers.", 2, 2, 1, 1),
        Unit("paragraph", "The next paragraph.", 3, 3, 1, 1),
    ]
    layout.attach_footnotes(units, [Footnote("1", "ILO figures.", 4, 1)], marks_raised=True)
    assert [len(unit.notes) for unit in units] == [0, 1, 0]
    assert units[0].text == "See document A/60/871/Add.1 on recruitment."


# --- words split at line ends -------------------------------------------------------------------


def test_words_split_at_a_line_end_are_joined_and_real_hyphens_stay() -> None:
    lines = _lines(
        "the fees paid to migra-", "tion agencies and a rights-", "based approach", "of dis\ufffecussion"
    )
    layout.join_hyphenated_words(lines, Vocabulary("a rights-based approach"))
    assert [line.text for line in lines] == [
        "the fees paid to migration",
        "agencies and a rights-",  # the document writes "rights-based"
        "based approach",
        "of discussion",  # PDFium's mark of a word hyphenated at a line end
    ]


# --- lines -> units -------------------------------------------------------------------------------


def test_the_page_width_is_what_full_lines_measure() -> None:
    lengths = [30] * 10 + [75] * 10 + [140, 12, 12]  # last lines, full lines, a long table row, titles
    lines = [Line("x" * length, n, None) for n, length in enumerate(lengths, 1)]
    assert layout.typical_width(lines) == 75
    assert layout.typical_width(_lines("A short page.", "Two lines only, and short ones.")) == 100


WRAPPED = [
    "II. Labour migration",
    "",
    "23. Participants underscored the need to protect migrant workers in all countries of",
    "origin, transit and destination, and to ensure that recruitment agencies are regulated",
    "by the authorities of the countries in which they operate.",
    "24. Several delegations stressed the role of bilateral labour agreements in the",
    "governance of labour migration between countries of origin and destination.",
    "",
    "The meeting recommended the following to the governments of the region:",
    "1. Data collection",
    "2. Data sharing",
    "3. Capacity building",
    "",
    "Conclusions",
    "",
    "The chair closed the meeting.",
]


def test_lines_broken_at_the_page_width_become_paragraphs() -> None:
    lines = _lines(*WRAPPED)
    units = layout.build_units(lines, layout.typical_width(lines))
    assert [(unit.kind, unit.number, unit.text[:40]) for unit in units] == [
        ("heading", "II", "II. Labour migration"),
        ("paragraph", "23", "23. Participants underscored the need to"),
        ("paragraph", "24", "24. Several delegations stressed the rol"),
        ("paragraph", None, "The meeting recommended the following to"),
        ("paragraph", "1", "1. Data collection"),  # a list's items: numbered text, not headings
        ("paragraph", "2", "2. Data sharing"),
        ("paragraph", "3", "3. Capacity building"),
        ("heading", None, "Conclusions"),
        ("paragraph", None, "The chair closed the meeting."),
    ]
    assert units[1].text.endswith(
        "recruitment agencies are regulated by the authorities of the countries in which they operate."
    )
    assert (units[1].first_line, units[1].last_line) == (3, 5)
    assert units[2].text.endswith("between countries of origin and destination.")


def test_short_lines_of_a_title_page_stay_apart() -> None:
    lines = _lines("Human Rights Council", "Forty-first session", "24 June-12 July 2019", "", *WRAPPED[2:5])
    units = layout.build_units(lines, 90)
    assert _texts(units)[:3] == ["Human Rights Council", "Forty-first session", "24 June-12 July 2019"]


def test_lay_out_a_paged_report() -> None:
    """Running heads and page numbers go; a paragraph cut by a page break is made whole;
    a word split over the break is joined; the footnote goes to the paragraph citing it."""
    page_1 = (
        "A/HRC/41/38\n"
        "I. Remittances\n"
        "\n"
        "The participants recalled that the cost of sending money home1 remains high in many\n"
        "corridors, and that migrants pay the most where competition between money trans-\n"
        "\n"
        "1 World Bank, Remittance Prices Worldwide.\n"
        "- 1 -\n"
    )
    page_2 = (
        "A/HRC/41/38\n"
        "fer operators is weakest, in rural areas and small countries of origin.\n"
        "\n"
        "II. Labour migration\n"
        "\n"
        "Delegates discussed recruitment fees and the role of recruitment agencies in the region.\n"
        "- 2 -\n"
    )
    page_3 = "A/HRC/41/38\nThe meeting closed with thanks to the hosts of the meeting in Geneva.\n- 3 -\n"
    result = layout.lay_out(_raw("\f".join([page_1, page_2, page_3])))
    assert result.running_heads == ["A/HRC/41/38"]
    assert [(unit.kind, unit.page_start, unit.page_end) for unit in result.units] == [
        ("heading", 1, 1),
        ("paragraph", 1, 2),
        ("heading", 2, 2),
        ("paragraph", 2, 2),
        ("paragraph", 3, 3),
    ]
    paragraph = result.units[1]
    assert paragraph.text == (
        "The participants recalled that the cost of sending money home¹ remains high in many corridors, "
        "and that migrants pay the most where competition between money transfer operators is weakest, "
        "in rural areas and small countries of origin."
    )
    assert [note.text for note in paragraph.notes] == ["World Bank, Remittance Prices Worldwide."]
    assert not any("A/HRC" in unit.text or unit.text.startswith("-") for unit in result.units)
