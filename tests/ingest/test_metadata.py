"""Meeting details read from small title pages and texts made here: the typography of a
PDF or Word title page, mastheads, cases, resolutions, symbols beyond the UN's, dates and
places in English, French and Spanish, labelled fields, and what stays empty."""

from __future__ import annotations

import pytest

from briefer.ingest.dates import find_date_range, has_date_words
from briefer.ingest.metadata import read_metadata, running_head_symbol, title_page_units
from briefer.ingest.places import default_gazetteer
from briefer.ingest.units import TypeStyle, Unit

GAZETTEER = default_gazetteer()


def heading(
    text: str, size: float = 12.0, bold: bool = False, italic: bool = False, page: int = 1, **kw
) -> Unit:
    style = TypeStyle(size, bold, italic, caps=not any(ch.islower() for ch in text), centered=True)
    kw.setdefault("style", "typeset")
    return Unit("heading", text, 1, 1, page, page, title=text, type_style=style, **kw)


def line(text: str, page: int | None = 1, **kw) -> Unit:
    return Unit("paragraph", text, 1, 1, page, page, **kw)


def read(units: list[Unit], body: list[str] | None = None, acronyms: set[str] | None = None):
    """The details of a PDF or Word file whose title page holds these units."""
    return read_metadata([], body or [], GAZETTEER, acronyms or set(), title_page=units)


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Geneva, 8-19 February 2010", ("2010-02-08", "2010-02-19")),
        ("Genève, le 3 mars 2011", ("2011-03-03", "2011-03-03")),
        ("Ginebra, 2 a 4 de mayo de 2012", ("2012-05-02", "2012-05-04")),
        ("DE 14 DE NOVIEMBRE DE 2023", ("2023-11-14", "2023-11-14")),
        ("Done in Accra, on the 28th of March 2022", ("2022-03-28", "2022-03-28")),
        ("held on 4th and 5th January 2010", ("2010-01-04", "2010-01-05")),
        ("du 30 juin au 2 juillet 2010", ("2010-06-30", "2010-07-02")),
        ("le 1er août 2011", ("2011-08-01", "2011-08-01")),
        ("27 sierpnia 2019 roku", ("2019-08-27", "2019-08-27")),
        ("On March 28, 2022", ("2022-03-28", "2022-03-28")),
    ],
)
def test_dates_in_english_french_and_spanish(text: str, expected: tuple[str, str]) -> None:
    assert find_date_range(text)[:2] == expected


@pytest.mark.parametrize("text", ["April 2003", "le 20 juin", "septiembre de 2003"])
def test_a_date_without_its_day_or_year_gives_no_date_but_is_a_date_line(text: str) -> None:
    assert find_date_range(text) is None
    assert has_date_words(text)


# --- the title page's typography -----------------------------------------------------------


def test_un_title_page_title_body_and_dates() -> None:
    meta = read(
        [
            heading("UNITED NATIONS", 14, bold=True),
            heading("General Assembly Distr.", 17, bold=True),
            heading("GENERAL"),
            line("A/HRC/WG.6/7/ITA/1 16 November 2009 Original: ENGLISH"),
            heading("HUMAN RIGHTS COUNCIL"),
            line("Working Group on the Universal Periodic Review Seventh session Geneva, 8-19 February 2010"),
            heading("NATIONAL REPORT SUBMITTED IN ACCORDANCE WITH PARAGRAPH 15 (A)*", bold=True),
            heading("Italy", bold=True),
        ]
    )
    assert meta.title == "National Report Submitted in Accordance with Paragraph 15 (a)"
    assert meta.symbol == "A/HRC/WG.6/7/ITA/1"
    assert meta.organizers == ["Human Rights Council"]  # the masthead's organ gives way to it
    # 16 November 2009 is the day of issue; the session's dates are the meeting's.
    assert (meta.start_date, meta.end_date, meta.city) == ("2010-02-08", "2010-02-19", "Geneva")
    assert meta.evidence["start_date"].startswith("Working Group")


def test_the_date_right_under_the_masthead_is_the_day_of_issue() -> None:
    meta = read(
        [
            heading("United Nations A/INF/76/1", 14),
            heading("General Assembly Distr.: General", 20),
            heading("15 February 2021", 10, number="15", style="arabic"),
            line("Original: English"),
            heading("Seventy-sixth session", 10, bold=True),
            heading("Opening dates of forthcoming regular sessions of the General Assembly", 14, bold=True),
        ]
    )
    assert meta.title == "Opening dates of forthcoming regular sessions of the General Assembly"
    assert (meta.start_date, meta.symbol, meta.organizers) == (None, "A/INF/76/1", ["General Assembly"])


def test_a_title_over_several_lines_is_joined() -> None:
    meta = read(
        [
            heading("THE NIGERIAN RICE ECONOMY IN A COMPETITIVE WORLD: CONSTRAINTS", 10, bold=True),
            heading("Rice Processing in Nigeria:", 18, bold=True),
            heading("A survey", 18, bold=True),
            line(
                "By F. Lançon and O. Erenstein September 2003 West Africa Rice Development Association (WARDA)"
            ),
            line("Abidjan, Cote d’Ivoire"),
        ]
    )
    assert meta.title == "Rice Processing in Nigeria: A survey"
    assert meta.organizers == ["West Africa Rice Development Association (WARDA)"]
    assert (meta.city, meta.country, meta.start_date) == ("Abidjan", "Côte d'Ivoire", None)


def test_masthead_bodies_labels_and_an_address() -> None:
    meta = read(
        [
            heading("CUPERTINO UNION SCHOOL DISTRICT", 12, bold=True),
            heading("Board of Education", 14, bold=True),
            heading("Special Meeting", 14, bold=True),
            heading("AGENDA", 14, bold=True),
            line("Cupertino Union School District | April 6, 2016\n1309 S. Mary Avenue | 7:30 a.m."),
            heading("Sunnyvale, CA 94087", 10),
        ]
    )
    assert meta.title == "Special Meeting"
    assert meta.organizers == ["Cupertino Union School District", "Board of Education"]
    assert (meta.city, meta.country, meta.start_date) == ("Sunnyvale", None, "2016-04-06")


def test_a_court_named_over_two_lines_a_case_and_a_place_of_issue() -> None:
    meta = read(
        [
            heading("IN THE COURT OF JUSTICE OF THE ECONOMIC COMMUNITY", 14),
            heading("OF WEST AFRICAN STATES (ECOWAS)", 14),
            line("In the Case SUNDAY CHARLES UGWUABA v. REPUBLIC OF SENEGAL Judgment No. ECW/CCJ/JUD/16/22"),
            heading("JUDGMENT", 14, bold=True),
            heading("ACCRA", 14, bold=True),
            line("On March 28, 2022"),
        ]
    )
    assert meta.title == "Sunday Charles Ugwuaba v. Republic of Senegal"
    assert meta.organizers == ["Court of Justice of the Economic Community of West African States (ECOWAS)"]
    assert (meta.symbol, meta.city, meta.start_date) == ("ECW/CCJ/JUD/16/22", "Accra", "2022-03-28")


def test_spanish_court_order_its_court_and_its_date() -> None:
    meta = read(
        [
            heading(
                "RESOLUCIÓN DEL PRESIDENTE DE LA CORTE INTERAMERICANA DE DERECHOS HUMANOS", 10, bold=True
            ),
            heading("DE 14 DE NOVIEMBRE DE 2023", 10, bold=True),
            heading("CASO MUNIZ DA SILVA VS. BRASIL", 10, bold=True, italic=True),
        ]
    )
    assert meta.title == "Caso Muniz da Silva vs. Brasil"
    assert meta.organizers == ["Corte Interamericana de Derechos Humanos"]
    assert (meta.start_date, meta.city, meta.country) == ("2023-11-14", None, None)


def test_parties_on_lines_of_their_own_and_a_case_named_above_its_parties() -> None:
    parties = read(
        [
            heading("AFRICAN COURT ON HUMAN AND PEOPLES' RIGHTS", 14, bold=True),
            line("THE MATTER OF ALEX THOMAS"),
            line("v."),
            heading("UNITED REPUBLIC OF TANZANIA", 12, bold=True),
            heading("APPLICATION No. 005/2013", 12, bold=True),
        ]
    )
    assert parties.title == "Alex Thomas v. United Republic of Tanzania"
    assert parties.symbol == "Application No. 005/2013"  # a case's number, where nothing else numbers it
    named = read(
        [heading("PULP MILLS ON THE RIVER URUGUAY", 13, bold=True), heading("(ARGENTINA v. URUGUAY)")]
    )
    assert named.title == "Pulp Mills on the River Uruguay (Argentina v. Uruguay)"


def test_a_body_and_a_label_make_the_title_when_nothing_else_does() -> None:
    meta = read(
        [
            heading("COMITÉ DE DÉMOLITION", bold=True),
            heading("PROCÈS-VERBAL", bold=True),
            heading("Séance publique tenue le 20 juin, à 16h00 à la salle du conseil", bold=True),
            heading("Présences", bold=True),
        ]
    )
    assert meta.title == "Comité de Démolition: Procès-Verbal"
    assert meta.organizers == ["Comité de Démolition"]
    assert (meta.start_date, meta.city) == (None, None)  # "le 20 juin" has no year


def test_symbols_beyond_the_uns() -> None:
    cases = {
        "REPORT No. 146/18": "Report No. 146/18",
        "INTERCONNECTION DETERMINATION NO.1 OF 2010": "Determination No. 1 of 2010",
        "LL File No. 2004-208": "LL File No. 2004-208",
        "CREDO REFERENCE\n03/599": "03/599",
    }
    for printed, symbol in cases.items():
        assert read([heading("Some Commission", 10), line(printed)]).symbol == symbol, printed


def test_symbols_printed_atop_every_page() -> None:
    assert running_head_symbol("A/HRC/41/38") == "A/HRC/41/38"
    assert running_head_symbol("Judgment No. ECW/CCJ/JUD/16/22") == "ECW/CCJ/JUD/16/22"
    assert running_head_symbol("LL File No. 2004-208 – 3") == "LL File No. 2004-208"  # its page number aside
    assert running_head_symbol("LAW LIBRARY OF CONGRESS – 2") is None
    assert running_head_symbol("Page 2") is None


def test_a_country_after_a_name_with_no_comma_is_no_venue() -> None:
    meta = read(
        [
            heading("REPORT No. 146/18", 9, bold=True),
            heading("CASE 12.906", 9, bold=True),
            line("MERITS JOSÉ DELFÍN ACOSTA MARTINEZ AND FAMILY ARGENTINA DECEMBER 7, 2018"),
        ],
        body=[
            '1. On June 6, 2002, the Inter-American Commission on Human Rights (hereinafter "the Commission") '
            "received a petition lodged against the Republic of Argentina."
        ],
    )
    assert (meta.start_date, meta.city, meta.country) == ("2018-12-07", None, None)
    # The body a decision names as itself at the start of its text is its organiser.
    assert meta.organizers == ["Inter-American Commission on Human Rights"]


def test_labelled_fields_with_the_value_on_the_next_line() -> None:
    meta = read(
        [
            heading("Agenda", 14, bold=True),
            heading("Event:", bold=True),
            line("Sixth expert meeting on the forest."),
            heading("Organizers:", bold=True),
            line("Regional Directorate of State Forests, General Directorate of State Forests."),
            heading("Date:", bold=True),
            line("27 August 2019, 10:00."),
            heading("Venue:", bold=True),
            line("Forest Education Centre, Podolany II, 17-230 Białowieża."),
        ]
    )
    assert meta.title == "Sixth expert meeting on the forest"
    assert meta.organizers == [
        "Regional Directorate of State Forests",
        "General Directorate of State Forests",
    ]
    assert (meta.start_date, meta.city) == ("2019-08-27", "Białowieża")  # the town after the postcode


def test_a_table_of_details() -> None:
    rows = [["Date:", "3-4 October 2013"], ["Venue:", "UN Headquarters, New York"]]
    table = Unit("table", "\n".join(" | ".join(row) for row in rows), 1, 1, 1, 1, rows=rows)
    meta = read([heading("High-Level Dialogue on International Migration", 16, bold=True), table])
    assert (meta.start_date, meta.end_date, meta.city) == ("2013-10-03", "2013-10-04", "New York")


def test_a_resolution_its_title_and_its_plenary_meeting() -> None:
    meta = read(
        [
            heading("UNITED A NATIONS", 14, bold=True),
            heading("General Assembly", 15, bold=True),
            line("Distr."),
        ],
        body=[
            "[on the report of the Fifth Committee] 48/246. Financing of the United Nations Mission in Haiti "
            "The General Assembly, Having considered the report of the Secretary-General,",
            "1. Decides to include in the agenda of its forty-ninth session the item.",
            '12. Decides to include the item entitled "Financing". 92nd plenary meeting 5 April 1994',
        ],
    )
    assert meta.title == "Financing of the United Nations Mission in Haiti"
    assert meta.organizers == ["General Assembly"]
    assert (meta.start_date, meta.evidence["start_date"]) == (
        "1994-04-05",
        "92nd plenary meeting 5 April 1994",
    )


def test_a_judgment_read_where_it_was_done_and_a_hearing_held_further_down() -> None:
    done = read(
        [heading("SOME COURT OF JUSTICE", 14)],
        body=[
            "1. This is the judgment of the Court.",
            "75. Done in Accra, on the 28th of March 2022, in English.",
        ],
    )
    assert (done.start_date, done.city) == ("2022-03-28", "Accra")
    hearing = read(
        [heading("COMMUNICATIONS COMMISSION OF KENYA", 18, bold=True)],
        body=[
            "This Determination is made under the Act.",
            "It concerns a dispute.",
            "The hearing by the Commission was held on 4th and 5th January 2010 and the parties made submissions.",
        ],
    )
    assert (hearing.start_date, hearing.end_date) == ("2010-01-04", "2010-01-05")
    assert hearing.organizers == ["Communications Commission of Kenya"]


def test_a_meeting_line_in_french_and_an_opening_sentence_in_spanish() -> None:
    french = read(
        [
            heading("COMMISSION DE L'UNION AFRICAINE", bold=True),
            heading("Réunion d'experts sur la migration de main-d'œuvre", 16, bold=True),
            heading("Addis-Abeba (Éthiopie), du 23 au 25 avril 2014"),
        ]
    )
    assert french.title == "Réunion d'experts sur la migration de main-d'œuvre"
    assert french.organizers == ["Commission de l'Union Africaine"]
    assert (french.city, french.country, french.start_date) == ("Addis-Abeba", "Ethiopia", "2014-04-23")
    spanish = read(
        [heading("Taller regional sobre migración laboral", 16, bold=True)],
        body=["El taller regional sobre migración laboral se celebró en Ginebra el 5 de mayo de 2012."],
    )
    assert (spanish.city, spanish.start_date) == ("Ginebra", "2012-05-05")


def test_a_summary_record_its_committee_and_where_it_was_held() -> None:
    meta = read(
        [
            heading("United Nations", 14, bold=True),
            heading("E/C.12/2010/SR.5", 12),
            heading("Economic and Social Council", 17, bold=True),
            line("Distr.: General 12 May 2010 Original: English"),
            heading("Committee on Economic, Social and Cultural Rights", 11, bold=True),
            heading("Forty-fourth session", 10, bold=True),
            heading("Summary record of the 5th meeting", 14, bold=True),
            heading("Held at the Palais Wilson, Geneva, on Tuesday, 4 May 2010, at 10 a.m."),
        ]
    )
    assert meta.title == "Summary record of the 5th meeting"
    assert meta.organizers == ["Committee on Economic, Social and Cultural Rights"]
    assert (meta.symbol, meta.start_date, meta.city) == ("E/C.12/2010/SR.5", "2010-05-04", "Geneva")


def test_a_security_council_resolution_adopted_at_its_meeting() -> None:
    meta = read(
        [
            heading("United Nations", 14, bold=True),
            heading("S/RES/2250 (2015)", 12),
            heading("Security Council", 17, bold=True),
            line("Distr.: General 9 December 2015"),
            heading("Resolution 2250 (2015)", 14, bold=True),
            heading(
                "Adopted by the Security Council at its 7573rd meeting, on 9 December 2015", 10, bold=True
            ),
        ]
    )
    assert (meta.title, meta.symbol, meta.organizers) == (
        "Resolution 2250 (2015)",
        "S/RES/2250 (2015)",
        ["Security Council"],
    )
    assert meta.evidence["start_date"].startswith("Adopted by")


def test_a_bilingual_masthead_over_a_chamber_and_a_preamble_that_cites_dates() -> None:
    court = read(
        [
            heading("COUR EUROPÉENNE DES DROITS DE L'HOMME", 12, bold=True),
            heading("EUROPEAN COURT OF HUMAN RIGHTS", 12, bold=True),
            heading("FIRST SECTION", 12, bold=True),
            heading("CASE OF IVANOV v. RUSSIA", 14, bold=True),
            heading("STRASBOURG", 11),
            heading("5 May 2015", 11),
        ]
    )
    assert court.title == "Case of Ivanov v. Russia"
    assert court.organizers == ["Cour Européenne des Droits de l'Homme", "European Court of Human Rights"]
    assert (court.city, court.start_date) == ("Strasbourg", "2015-05-05")
    preamble = read(
        [
            heading("General Assembly", 15, bold=True),
            line("Recalling its decision 48/477 of 23 December 1993,"),
        ]
    )
    assert preamble.start_date is None


def test_minutes_name_the_body_whose_meeting_they_record() -> None:
    table = Unit(
        "table",
        "Date: | 12th March 2015\nVenue: | KWS Headquarters, Nairobi",
        1,
        1,
        1,
        1,
        rows=[["Date:", "12th March 2015"], ["Venue:", "KWS Headquarters, Nairobi"]],
    )
    english = read(
        [
            heading("KENYA WILDLIFE SERVICE", 14, bold=True),
            heading("MINUTES OF THE MEETING OF THE BOARD OF TRUSTEES", 13),
            table,
        ]
    )
    assert english.title == "Minutes of the Meeting of the Board of Trustees"
    assert english.organizers == ["Kenya Wildlife Service", "Board of Trustees"]
    assert (english.start_date, english.city) == ("2015-03-12", "Nairobi")
    spanish = read([heading("ACTA DE LA REUNIÓN ORDINARIA DEL CONSEJO DIRECTIVO", 14, bold=True)])
    assert spanish.organizers == ["Consejo Directivo"]


def test_organisers_named_by_french_and_spanish_opening_sentences() -> None:
    french = read(
        [heading("Atelier régional sur la migration de travail", 16, bold=True)],
        body=[
            "L'atelier régional s'est tenu à Dakar du 3 au 5 mai 2011. Il a été organisé par le Ministère du "
            "Travail et l'Organisation internationale pour les migrations à Dakar."
        ],
    )
    assert french.organizers == ["Ministère du Travail", "Organisation internationale pour les migrations"]
    assert (french.city, french.start_date, french.end_date) == ("Dakar", "2011-05-03", "2011-05-05")
    spanish = read(
        [heading("Seminario regional", 16, bold=True)],
        body=[
            "El seminario fue organizado por la Comisión Económica para América Latina y el Caribe y la OIT."
        ],
    )
    assert spanish.organizers == ["Comisión Económica para América Latina y el Caribe", "OIT"]


def test_a_papers_affiliations_are_not_organisers() -> None:
    meta = read(
        [
            heading("Dense Passage Retrieval for Open-Domain Question Answering", 14, bold=True),
            heading("Jane Smith", 12),
            heading("Princeton University", 11),
            line("jane@princeton.edu"),
        ]
    )
    assert meta.title == "Dense Passage Retrieval for Open-Domain Question Answering"
    assert meta.organizers == []


def test_what_the_title_page_does_not_say_stays_empty() -> None:
    meta = read([heading("BlogCFC", 36, bold=True)], body=["Welcome to BlogCFC, a blogging application."])
    assert meta.title == "BlogCFC"
    assert (meta.organizers, meta.city, meta.country, meta.start_date, meta.symbol) == (
        [],
        None,
        None,
        None,
        None,
    )


# --- the title page of a file ----------------------------------------------------------------


def test_the_title_page_is_the_first_page_without_the_reports_text() -> None:
    text = (
        "1. In paragraph 1 of its resolution 57/301, the General Assembly decided to amend rule 1 of its " * 2
    )
    date = heading("15 February 2021", 10, number="15", style="arabic")
    title = heading("Opening dates of forthcoming regular sessions", 14, bold=True)
    report = [date, title, line(text.strip(), number="1"), heading("I. Contents", style="roman", page=2)]
    header = [heading("General Assembly", 20), heading("Annex", 12, page=2)]
    assert title_page_units(header, report) == [header[0], date, title]


def test_a_file_without_a_title_page_opens_with_its_title_in_its_largest_type() -> None:
    def word(text: str, size: float) -> Unit:
        return Unit("heading", text, 1, 1, None, None, type_style=TypeStyle(size, True, False, False, False))

    text = "Welcome to BlogCFC, a ColdFusion based blogging application. It is in use by over five hundred sites."
    body = line(f"{text} {text}", page=None)
    report = [word("BlogCFC", 36), body, word("License and Credits", 20)]
    assert title_page_units([], report) == [report[0]]
    smaller = [word("Introduction", 14), body, word("Background", 14)]
    assert title_page_units([], smaller) == []


# --- the gazetteer ---------------------------------------------------------------------------


def test_places_at_the_end_alone_and_in_pairs() -> None:
    assert GAZETTEER.find_at_end("Working Group Seventh session Geneva").city == "Geneva"
    assert GAZETTEER.find_at_end("for ECOWAS Member States Dakar, Senegal").country == "Senegal"
    assert GAZETTEER.whole("ACCRA").city == "Accra"
    assert GAZETTEER.whole("Italy") is None  # a country alone is often the report's subject
    assert GAZETTEER.find_pair("Association (WARDA) Abidjan, Cote d'Ivoire").city == "Abidjan"
    assert GAZETTEER.city("Ginebra") == ("Ginebra", "Switzerland")
    assert GAZETTEER.country("Suisse") == "Switzerland"


def test_headings_in_capitals_take_their_languages_case() -> None:
    from briefer.ingest.metadata import smart_title

    assert (
        smart_title("VIII – THE PROCEDURE BEFORE THE COURT", set()) == "VIII – The Procedure Before the Court"
    )
    assert smart_title("IL EST RÉSOLU À L’UNANIMITÉ", set(), "fr") == "Il est résolu à l’unanimité"
    assert smart_title("5. LEVÉE DE LA SÉANCE", set(), "fr") == "5. Levée de la séance"
    assert smart_title("III. DETERMINACIONES DE LA CIDH", {"CIDH"}, "es") == "III. Determinaciones de la CIDH"


def test_a_documents_language_from_its_small_words() -> None:
    from briefer.ingest.vocabulary import language_of

    assert language_of("La séance est ouverte à 16h00 et le comité adopte l'ordre du jour.") == "fr"
    assert language_of("El Estado y los representantes de la Corte presentaron sus alegatos.") == "es"
    assert language_of("The meeting of the council was held in Geneva.") == "en"


def test_sentence_case_keeps_the_names_a_document_capitalizes() -> None:
    from briefer.ingest.metadata import smart_title
    from briefer.ingest.pipeline import document_names
    from briefer.ingest.units import Layout, Unit
    from briefer.ingest.vocabulary import Vocabulary

    text = (
        "La réunion s’est tenue à Genève avec le Comité. Les délégués de Genève et du Canada ont "
        "parlé. Comité des droits, comité restreint et réunion du comité."
    )
    layout = Layout([Unit("paragraph", text, 1, 1, None, None)], [], Vocabulary(text), [])
    names = document_names(layout)
    assert {"genève", "canada"} <= names and "comité" not in names and "les" not in names
    assert smart_title("RAPPORT DU COMITÉ DE GENÈVE", set(), "fr", names) == "Rapport du comité de Genève"
