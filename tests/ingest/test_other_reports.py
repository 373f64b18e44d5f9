"""Reports from the same world that are not in the sample library: a UN document as a PDF
(symbol on every page, job number, footnotes at page feet, hyphens marked by PDFium), Word
reports with heading styles and a Title, a Windows-1252 text, two reports in one file,
bold headings drawn several times over, annexes. Made by a tester playing a new user."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefer.ingest.pipeline import parse_document

REPORTS = Path(__file__).resolve().parent.parent / "data" / "reports"


@pytest.fixture(scope="module")
def parsed():
    return {path.name: parse_document(path) for path in sorted(REPORTS.iterdir())}


def _meta(document, index: int = 0) -> tuple:
    m = document.meetings[index].metadata
    return (m.title, m.city, m.country, m.start_date, m.end_date, m.symbol)


def test_meeting_details_from_title_pages_and_opening_sentences(parsed) -> None:
    assert _meta(parsed["A-HRC-41-38-panel-migrants-vulnerable.pdf"]) == (
        "Intersessional panel discussion on the human rights of migrants in vulnerable situations",
        "Geneva",
        "Switzerland",
        "2019-02-12",  # not the session's dates, nor the date the report was issued
        "2019-02-12",
        "A/HRC/41/38",
    )
    assert parsed["A-HRC-41-38-panel-migrants-vulnerable.pdf"].meetings[0].metadata.organizers == [
        "Human Rights Council"
    ]
    assert _meta(parsed["expert-meeting-fair-recruitment-2017.docx"]) == (
        "Expert Meeting on Fair Recruitment and Labour Mobility in Asia",
        "Bangkok",
        "Thailand",
        "2017-03-14",
        "2017-03-15",
        None,
    )
    assert _meta(parsed["rcm-seminar-migrant-children-2011-cp1252.txt"])[:4] == (
        "Regional Seminar on Migrant Children and Adolescents",
        "San Salvador",
        "El Salvador",
        "2011-06-23",
    )
    rabat = parsed["thematic-meeting-climate-rabat-2013-boldrepeat.txt"].meetings[0].metadata
    assert (rabat.title, rabat.city, rabat.start_date) == (
        "Thematic Meeting on Migration, Environment and Climate Change",
        "Rabat",
        "2013-10-02",
    )
    assert rabat.organizers == ["International Organization for Migration", "Government of Morocco"]
    assert _meta(parsed["unsd-egm-migration-statistics-2006-annexes.txt"]) == (
        "Expert Group Meeting on Measuring International Migration",
        "New York",
        "United States",
        "2006-12-04",
        "2006-12-07",
        "ESA/STAT/AC.119/L.3",
    )
    dakar = parsed["ecowas-workshop-migration-data-dakar-2015.pdf"].meetings[0].metadata
    assert (dakar.city, dakar.start_date, dakar.end_date) == ("Dakar", "2015-11-09", "2015-11-11")
    # Word's Title style is the title page's, and what the report does not say stays empty.
    assert _meta(parsed["chairs-summary-micic-consultation.docx"]) == (
        "Thematic Consultation on Migrants in Countries in Crisis",
        None,
        None,
        None,
        None,
        None,
    )


def test_two_reports_in_one_file_keep_their_own_titles(parsed) -> None:
    document = parsed["eap-two-workshops-moldova-georgia-2014.txt"]
    assert [(_meta(document, i)[0], _meta(document, i)[1], _meta(document, i)[3]) for i in range(2)] == [
        ("Workshop on Diaspora Engagement for Development", "Chisinau", "2014-06-03"),
        ("Workshop on Return and Reintegration of Migrants", "Tbilisi", "2014-06-05"),
    ]


def test_pdf_text_is_clean(parsed) -> None:
    document = parsed["A-HRC-41-38-panel-migrants-vulnerable.pdf"]
    cover, *sections = document.meetings[0].sections  # the title page is kept, as front matter
    assert cover.kind == "front_matter" and "Human Rights Council" in cover.text
    text = " ".join(s.text for s in sections)
    assert "\ufffe" not in text
    assert "panel discussion on the human rights" in text and "Global Migration Group" in text
    assert "gender-responsive" in text  # a real hyphen at a line end stays
    assert "A/HRC/41/38" not in text and "GE.19" not in text  # running head, job number
    assert "Domestic Workers Convention, 2011 (No. 189)" in text  # "No." ends no sentence
    assert [s.heading for s in sections][:2] == ["I. Introduction", "II. Opening statements"]
    numbers = [int(n) for s in sections for n in s.paragraph_numbers]
    assert numbers == list(range(1, 18))
    notes = [n.text for s in sections for n in s.notes]
    assert len(notes) == 5 and notes[2] == "See A/HRC/37/34, paras. 12-15."
    assert "See A/HRC" not in text  # footnotes at a page foot are notes, not body
    assert "isolated from support networks" in text


def test_outlines(parsed) -> None:
    def outline(name: str) -> list[tuple[int, str, str]]:
        return [(s.level, s.heading, s.kind) for m in parsed[name].meetings for s in m.sections]

    assert outline("thematic-meeting-climate-rabat-2013-boldrepeat.txt") == [
        (1, "Introduction", "body"),
        (1, "Background and objectives", "body"),
        (1, "Session I: Evidence and trends", "body"),
        (1, "Session II: Policy responses", "body"),
        (1, "Conclusions", "body"),  # a peer of the sessions, not inside the last one
    ]
    cover, *ecowas = outline("ecowas-workshop-migration-data-dakar-2015.pdf")
    assert cover[2] == "front_matter"  # the title page, kept
    assert ecowas[0] == (1, "Introduction", "body") and ecowas[-1] == (1, "Closing", "body")
    # "Session 1: ..." is set in smaller type than "Objectives": printed as a level below.
    assert [level for level, heading, _ in ecowas if heading.startswith("Session")] == [2, 2, 2]
    assert {level for level, heading, _ in ecowas if not heading.startswith("Session")} == {1}
    rcm = outline("rcm-seminar-migrant-children-2011-cp1252.txt")
    assert [heading for _, heading, _ in rcm] == [
        "Background",
        "Opening Session",
        "Discussions",
        "Agreements",
    ]
    assert {level for level, _, _ in rcm} == {1}
    unsd = outline("unsd-egm-migration-statistics-2006-annexes.txt")
    assert [h for _, h, k in unsd if k == "annex"] == ["Annex I", "Annex II"]
    assert len(parsed["unsd-egm-migration-statistics-2006-annexes.txt"].meetings) == 1
    fair = outline("expert-meeting-fair-recruitment-2017.docx")
    assert (2, "A. Recruitment costs and debt bondage", "body") in fair
    assert [k for _, h, k in fair if h in ("Programme of work", "List of participants")] == ["annex", "annex"]
