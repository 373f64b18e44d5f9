"""PDF reports read from their layout: a report drawn with reportlab as UN documents are
set (masthead and title page, symbol atop every page, job number and page number at the
foot, bold headings in two sizes, numbered paragraphs, a footnote below a rule with its
mark raised in the text, a table between rules, a paragraph running over a page break,
a page in two columns), then ingested: what comes out is what a reader of the printed
page sees."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from briefer.ingest.pipeline import parse_document
from briefer.ingest.readers import read_document
from tests.conftest import ROOT

FONTS = ROOT / "resources" / "fonts"
WIDTH, HEIGHT = A4
LEFT, RIGHT = 72, WIDTH - 72

WORDS = (
    "participants discussed the recruitment of migrant workers and the fees they pay to agencies "
    "in countries of origin while governments described their labour inspection and the support "
    "offered to workers who return home after their contracts end and the costs of travel"
).split()


def _register_fonts() -> None:
    for name in ("Regular", "Bold", "Italic"):
        pdfmetrics.registerFont(TTFont(f"Serif-{name}", str(FONTS / f"LiberationSerif-{name}.ttf")))


def _prose(count: int, start: int = 0, width: float = RIGHT - LEFT, size: float = 10) -> list[str]:
    """Lines of plain words that fill `width`, as a justified paragraph's lines do."""
    lines, line, index = [], "", start
    while len(lines) < count:
        word = WORDS[index % len(WORDS)]
        index += 1
        trial = f"{line} {word}".strip()
        if pdfmetrics.stringWidth(trial, "Serif-Regular", size) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    return lines


class Page:
    """A page being drawn, top-down: y is the distance from the top of the page."""

    def __init__(self, pdf: canvas.Canvas, number: int, symbol: str | None = "A/TEST/12/3") -> None:
        self.pdf, self.y = pdf, 72
        if symbol:
            self.text(symbol, 9, x=LEFT, y=40)
        self.text(f"Page {number}", 9, x=WIDTH / 2 - 15, y=HEIGHT - 40)
        if number == 1:
            self.text("GE.21-01234(E)", 8, x=LEFT, y=HEIGHT - 55)

    def text(
        self, text: str, size: float, font: str = "Serif-Regular", x: float = LEFT, y: float | None = None
    ):
        self.pdf.setFont(font, size)
        self.pdf.drawString(x, HEIGHT - (self.y if y is None else y), text)

    def line(self, text: str, size: float = 10, font: str = "Serif-Regular", x: float = LEFT, gap: float = 0):
        self.y += gap + size * 1.25
        self.text(text, size, font, x)

    def heading(self, text: str, size: float = 12) -> None:
        self.line(text, size, "Serif-Bold", gap=size)
        self.y += size * 0.5

    def paragraph(self, lines: list[str], number: str | None = None) -> None:
        self.y += 6
        lines = [lines[0][:1].upper() + lines[0][1:], *lines[1:]]
        for index, line in enumerate(lines):
            self.line(f"{number}. {line}" if number and index == 0 else line)

    def rule(self, x0: float, x1: float) -> None:
        self.pdf.setLineWidth(0.5)
        self.pdf.line(x0, HEIGHT - self.y, x1, HEIGHT - self.y)


def _report(path: Path) -> Path:
    _register_fonts()
    pdf = canvas.Canvas(str(path), pagesize=A4)
    # Page 1: masthead, title page, the report's first part and a footnote.
    page = Page(pdf, 1, symbol=None)
    page.text("United Nations", 14, "Serif-Bold", y=60)
    page.text("A/TEST/12/3", 9, x=RIGHT - 60, y=60)
    page.y = 120
    page.line("Report of the Regional Workshop on Labour Mobility", 16, "Serif-Bold", x=120)
    page.line("Geneva, 8-10 March 2021", 11, x=220, gap=6)
    page.heading("I. Introduction")
    first = _prose(4)
    first[1] = first[1].rsplit(" ", 1)[0] + " agencies"
    page.paragraph(first[:2], "1")
    # A footnote mark raised after "agencies" at the end of the second line.
    mark_x = LEFT + pdfmetrics.stringWidth(first[1], "Serif-Regular", 10)
    pdf.setFont("Serif-Regular", 6)
    pdf.drawString(mark_x + 0.5, HEIGHT - page.y + 4, "1")
    page.paragraph([*first[2:], "as article 35.1 and document Add.1 provide."])
    page.paragraph(_prose(3, 7), "2")
    page.y = HEIGHT - 120
    page.rule(LEFT, LEFT + 120)
    page.y += 4
    page.line("1 See the report of the previous meeting, A/TEST/11/2.", 8)
    pdf.showPage()
    # Page 2: headings in two sizes, a table between rules, a paragraph going on overleaf.
    page = Page(pdf, 2)
    page.heading("II. Findings")
    page.paragraph(_prose(3, 12), "3")
    page.heading("A. Recruitment costs", 11)
    page.paragraph(_prose(2, 20), "4")
    page.line("Table 1: Recruitment fees by corridor", 10, "Serif-Bold", gap=8)
    page.y += 4
    page.rule(LEFT, LEFT + 300)
    rows = [
        ("Corridor", "Fee (USD)", "Change"),
        ("Nepal to Qatar", "1,200", "-5%"),
        ("Kenya to Oman", "950", "+2%"),
        ("Peru to Spain", "400", "-12%"),
    ]
    for index, (a, b, c) in enumerate(rows):
        page.y += 14
        font = "Serif-Bold" if index == 0 else "Serif-Regular"
        for x, cell in ((LEFT, a), (LEFT + 150, b), (LEFT + 240, c)):
            page.text(cell, 10, font, x=x)
    page.y += 8
    page.rule(LEFT, LEFT + 300)
    page.y = HEIGHT - 110
    page.line("5. The costs of recruitment were found to weigh most on those who", 10)
    pdf.showPage()
    # Page 3: the paragraph goes on; then a part set in two columns.
    page = Page(pdf, 3)
    page.line("travel furthest, and participants called for a cap on fees.", 10)
    page.heading("B. Two columns", 11)
    column = (RIGHT - LEFT - 24) / 2
    top = page.y
    left_lines = _prose(12, 30, column)
    right_lines = _prose(12, 50, column)
    left_lines[0], right_lines[0] = "Leftcolumn " + left_lines[0], "Rightcolumn " + right_lines[0]
    for x, lines in ((LEFT, left_lines), (LEFT + column + 24, right_lines)):
        page.y = top
        for line in lines:
            page.line(line, 10, x=x)
    pdf.showPage()
    pdf.save()
    return path


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory):
    path = _report(tmp_path_factory.mktemp("pdf") / "A-TEST-12-3.pdf")
    return path, parse_document(path)


def _body(report) -> list:
    return [s for s in report[1].meetings[0].sections if s.kind != "front_matter"]


def test_headings_from_their_type_and_numbering(report) -> None:
    body = _body(report)
    assert [(s.level, s.heading) for s in body] == [
        (1, "I. Introduction"),
        (1, "II. Findings"),
        (2, "A. Recruitment costs"),
        (2, "B. Two columns"),
    ]
    assert all("Table 1" not in s.heading for s in body)  # a caption is no heading


def test_title_page_kept_and_read(report) -> None:
    path, document = report
    (meeting,) = document.meetings
    cover = meeting.sections[0]
    assert cover.kind == "front_matter" and "Report of the Regional Workshop on Labour Mobility" in cover.text
    assert meeting.metadata.symbol == "A/TEST/12/3"


def test_page_furniture_is_gone(report) -> None:
    text = "\n".join(s.text for s in report[1].meetings[0].sections)
    assert "A/TEST/12/3" not in text and "GE.21-01234" not in text
    assert "Page 2" not in text and "Page 3" not in text


def test_footnote_below_the_rule_is_a_note_of_its_section(report) -> None:
    introduction = _body(report)[0]
    assert [n.text for n in introduction.notes] == ["See the report of the previous meeting, A/TEST/11/2."]
    assert "agencies¹" in introduction.text and "previous meeting" not in introduction.text
    assert "article 35.1 and document Add.1" in introduction.text  # numbers, not marks


def test_numbered_paragraphs_are_paragraphs(report) -> None:
    introduction, findings, costs, _ = _body(report)
    assert introduction.paragraph_numbers == ["1", "2"] and findings.paragraph_numbers == ["3"]
    assert costs.paragraph_numbers == ["4", "5"]


def test_table_between_rules_keeps_its_cells(report) -> None:
    costs = _body(report)[2]
    (table,) = costs.tables
    assert table.rows == [
        ["Corridor", "Fee (USD)", "Change"],
        ["Nepal to Qatar", "1,200", "-5%"],
        ["Kenya to Oman", "950", "+2%"],
        ["Peru to Spain", "400", "-12%"],
    ]
    assert costs.paragraphs[table.paragraph].startswith("Corridor | Fee (USD) | Change")


def test_a_paragraph_reads_on_over_the_page_break(report) -> None:
    costs = _body(report)[2]
    assert "weigh most on those who travel furthest, and participants called for a cap" in costs.text
    assert (costs.page_start, costs.page_end) == (2, 3)


def test_two_columns_read_one_after_the_other(report) -> None:
    columns = _body(report)[3].text
    assert columns.index("Leftcolumn") < columns.index("Rightcolumn")
    left_end = " ".join(_prose(12, 30, (RIGHT - LEFT - 24) / 2)[-2:])
    assert left_end in columns  # the left column's lines are not interleaved with the right's


def test_lines_keep_their_type(report) -> None:
    path, _ = report
    lines = [line for page in read_document(path).pages for line in page.lines]
    title = next(line for line in lines if line.text.startswith("Report of the Regional"))
    assert title.bold and title.size == pytest.approx(16, abs=0.2)
    mark = next(line for line in lines if line.marks)
    assert mark.marks == ["1"] and mark.text.endswith("agencies¹") and mark.page == 1


def _contents_and_columns(path: Path) -> Path:
    """A contents list with dot leaders, a running head in words on every page, and a
    page in three columns."""
    _register_fonts()
    pdf = canvas.Canvas(str(path), pagesize=A4)
    head = "Workshop on Labour Mobility – Final report"
    page = Page(pdf, 1, symbol=None)
    page.text(head, 8, "Serif-Italic", x=LEFT, y=40)
    page.line("CONTENTS", 12, "Serif-Bold", x=260)
    for entry, number in (("I. Introduction", 2), ("II. Findings", 3), ("III. Three columns", 4)):
        page.line(f"{entry} {'.' * 60} {number}", 10, gap=4)
    pdf.showPage()
    for number, (title, lines) in enumerate((("I. Introduction", 8), ("II. Findings", 8)), start=2):
        page = Page(pdf, number, symbol=None)
        page.text(head, 8, "Serif-Italic", x=LEFT, y=40)
        page.heading(title)
        page.paragraph(_prose(lines, number * 5))
        pdf.showPage()
    page = Page(pdf, 4, symbol=None)
    page.text(head, 8, "Serif-Italic", x=LEFT, y=40)
    page.heading("III. Three columns")
    column = (RIGHT - LEFT - 2 * 18) / 3
    top = page.y
    for index in range(3):
        page.y = top
        lines = _prose(10, 40 + index * 9, column)
        lines[0] = f"Column{index + 1} {lines[0]}"
        for line in lines:
            page.line(line, 10, x=LEFT + index * (column + 18))
    pdf.showPage()
    pdf.save()
    return path


def test_contents_list_running_head_in_words_and_three_columns(tmp_path: Path) -> None:
    document = parse_document(_contents_and_columns(tmp_path / "final-report.pdf"))
    sections = document.meetings[0].sections
    headings = [s.heading for s in sections if s.kind == "body"]
    assert headings == ["I. Introduction", "II. Findings", "III. Three columns"]  # no contents entry
    text = "\n".join(s.text for s in sections)
    assert "Final report" not in text  # the running head, repeated at the top of each page
    columns = sections[-1].text
    assert columns.index("Column1") < columns.index("Column2") < columns.index("Column3")


def test_text_drawn_off_the_page_is_ignored(tmp_path: Path) -> None:
    """A damaged content stream draws stray operators far outside the page."""
    _register_fonts()
    path = tmp_path / "damaged.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    page = Page(pdf, 1, symbol=None)
    page.heading("I. Introduction")
    page.paragraph(_prose(6))
    pdf.setFont("Serif-Regular", 10)
    pdf.drawString(WIDTH + 400, 300, "0.9.910.9Tw 19.3tf BT garbage")
    pdf.showPage()
    pdf.save()
    text = " ".join(s.text for s in parse_document(path).meetings[0].sections)
    assert "garbage" not in text and "Tw" not in text


def _with_endnotes(path: Path, notes_heading: bool) -> Path:
    """A report whose notes are gathered at its end, their marks raised in the text; it
    closes with a numbered list of recommendations (which are no notes)."""
    _register_fonts()
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for number, title in enumerate(("I. Introduction", "II. Findings"), start=1):
        page = Page(pdf, number, symbol=None)
        page.heading(title)
        lines = _prose(10, number * 7)
        lines[3] = lines[3].rsplit(" ", 1)[0] + " agencies"
        page.paragraph(lines[:4])
        pdf.setFont("Serif-Regular", 6)
        pdf.drawString(
            LEFT + pdfmetrics.stringWidth(lines[3], "Serif-Regular", 10) + 0.5,
            HEIGHT - page.y + 4,
            str(number),
        )
        page.paragraph(lines[4:])
        pdf.showPage()
    page = Page(pdf, 3, symbol=None)
    page.heading("III. Recommendations")
    for number, words in enumerate(
        ("Cap recruitment fees", "Share data on fees", "Inspect agencies"), start=1
    ):
        page.line(f"{number}. {words} in every corridor of the region.", 10, gap=4)
    if notes_heading:
        page.line("Notes", 12, "Serif-Bold", gap=12)
    for number, note in enumerate(
        ("See the survey of agencies, 2019.", "The figures are for 2020."), start=1
    ):
        page.line(f"{number} {note}", 8, gap=2)
    page.line("3 The third note reads on over", 8, gap=2)
    page.line("a second line.", 8)
    pdf.showPage()
    pdf.save()
    return path


@pytest.mark.parametrize("notes_heading", [True, False])
def test_endnotes_become_notes_of_the_sections_citing_them(tmp_path: Path, notes_heading: bool) -> None:
    document = parse_document(_with_endnotes(tmp_path / "endnotes.pdf", notes_heading))
    introduction, findings, recommendations = document.meetings[0].sections
    assert [n.text for n in introduction.notes] == ["See the survey of agencies, 2019."]
    assert [n.text for n in findings.notes] == ["The figures are for 2020."]
    assert "agencies¹" in introduction.text and "agencies²" in findings.text
    text = " ".join(s.text for s in document.meetings[0].sections)
    assert "survey of agencies, 2019" not in text and "Notes" not in [
        s.heading for s in document.meetings[0].sections
    ]
    assert "1. Cap recruitment fees" in recommendations.text  # a list at the end stays text
    assert "3. Inspect agencies" in recommendations.text


def test_two_documents_in_one_file_are_two_meetings(tmp_path: Path) -> None:
    """Two UN documents saved as one PDF: the symbol atop the pages changes."""
    _register_fonts()
    path = tmp_path / "two.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    documents = (("A/TEST/1", "Report of the first meeting"), ("A/TEST/2", "Report of the second meeting"))
    for which, (symbol, title) in enumerate(documents):
        for number in (1, 2):
            page = Page(pdf, number, symbol=symbol)
            if number == 1:
                page.line(title, 16, "Serif-Bold", x=150)
                page.line(
                    "Geneva, 8-10 March 2021" if symbol.endswith("1") else "Dakar, 3-4 May 2022", 11, x=220
                )
            page.heading(f"{'I' if number == 1 else 'II'}. Discussion")
            page.paragraph(_prose(8, number * 3 + which * 11))
            if number == 2:
                # A sentence mentioning another meeting is no new meeting.
                page.paragraph(
                    ["Afterwards a second meeting was held in the capital to review the findings."]
                )
            pdf.showPage()
    pdf.save()
    meetings = parse_document(path).meetings
    assert [m.metadata.symbol for m in meetings] == ["A/TEST/1", "A/TEST/2"]
    assert [m.metadata.city for m in meetings] == ["Geneva", "Dakar"]
    assert [[s.heading for s in m.sections if s.kind == "body"] for m in meetings] == [
        ["I. Discussion", "II. Discussion"],
        ["I. Discussion", "II. Discussion"],
    ]


def test_a_long_stretch_in_one_type_is_reexamined_for_headings(tmp_path: Path) -> None:
    """A report set all in one type: its short title lines between long paragraphs are
    headings, not one section of the whole text."""
    _register_fonts()
    path = tmp_path / "plain.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    titles = ["Background", "Recruitment in the region", "Return and reintegration", "Next steps"]
    for number, title in enumerate(titles, start=1):
        for half in range(2):
            page = Page(pdf, 2 * number + half - 1, symbol=None)
            if half == 0:
                page.line(title, 10, gap=10)
            for paragraph in range(5):
                lines = _prose(7, number * 13 + half * 5 + paragraph)
                page.paragraph([*lines[:-1], lines[-1] + "."])
            pdf.showPage()
    pdf.save()
    sections = [s for s in parse_document(path).meetings[0].sections if s.kind == "body"]
    assert [s.heading for s in sections] == titles


def test_table_rows_share_one_grid_of_columns() -> None:
    from briefer.ingest.page_layout import Cell
    from briefer.ingest.pdf_layout import table_grid

    lines = [
        [Cell(72, 120, "Corridor"), Cell(200, 330, "Fees and change")],  # a heading over two columns
        [Cell(72, 130, "Nepal"), Cell(200, 230, "1,200"), Cell(300, 330, "-5%")],
        [Cell(72, 130, "Kenya"), Cell(300, 330, "+2%")],  # a cell missing
        [Cell(72, 130, "Peru"), Cell(200, 230, "400"), Cell(300, 330, "-12%")],
    ]
    assert table_grid(lines) == [
        ["Corridor", "Fees and change", ""],
        ["Nepal", "1,200", "-5%"],
        ["Kenya", "", "+2%"],
        ["Peru", "400", "-12%"],
    ]


def test_a_charts_labels_are_no_headings(tmp_path: Path) -> None:
    """Bold labels among a chart's bars are the figure's text, not its headings; a form's
    question codes ("B 1.") are no headings either."""
    _register_fonts()
    path = tmp_path / "chart.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    page = Page(pdf, 1, symbol=None)
    page.heading("I. Costs of milling")
    page.paragraph(_prose(5))
    chart_top = page.y + 30
    for bar in range(40):  # the bars of a chart
        pdf.rect(LEFT + 20 + bar * 10, HEIGHT - chart_top - 200, 6, 20 + (bar * 37) % 150, fill=1)
    for offset, label in enumerate(("Fee for milling", "Labour", "Energy costs")):
        page.text(label, 11, "Serif-Bold", x=LEFT + 40 + offset * 130, y=chart_top + 120)
    page.y = chart_top + 230
    page.line("B 1. Description of respondents", 11, "Serif-Bold", gap=10)
    page.paragraph(_prose(4, 9))
    pdf.showPage()
    pdf.save()
    sections = [s for s in parse_document(path).meetings[0].sections if s.kind == "body"]
    assert [s.heading for s in sections] == ["I. Costs of milling"]
    assert "Fee for milling" in sections[0].text and "Description of respondents" in sections[0].text


def test_words_keep_the_spaces_between_them_however_close_italics_lean(tmp_path: Path) -> None:
    """An italic "f" leans over the space after it: "of a future", not "ofafuture"."""
    _register_fonts()
    path = tmp_path / "italic.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    page = Page(pdf, 1, symbol=None)
    page.heading("I. Definition")
    page.line(
        "A road safety audit is a formal examination of a future road or traffic project.", 12, "Serif-Italic"
    )
    page.paragraph(_prose(5))
    pdf.showPage()
    pdf.save()
    text = parse_document(path).meetings[0].sections[0].text
    assert "a formal examination of a future road" in text


def test_a_document_that_opens_no_report_keeps_every_word(tmp_path: Path) -> None:
    """A slide or a memo of short lines: no report text begins, yet nothing is refused or
    lost; a character PDFium gives as half of a pair is no crash."""
    _register_fonts()
    path = tmp_path / "slide.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    page = Page(pdf, 1, symbol=None)
    for line in ("Remittances in 2020", "Costs fell by 2%", "Next: fees by corridor"):
        page.line(line, 20, "Serif-Bold", gap=20)
    pdf.showPage()
    pdf.save()
    (section,) = parse_document(path).meetings[0].sections
    assert section.kind == "body" and "Costs fell by 2%" in section.text


def test_half_a_surrogate_pair_is_a_replacement_character() -> None:
    from briefer.ingest.pdf_text import _character

    assert (_character(0xD83D), _character(0), _character(0x41)) == ("\ufffd", " ", "A")


def test_pages_turned_on_the_sheet_read_as_their_text_runs(tmp_path: Path) -> None:
    """Landscape pages set turned on a portrait sheet: shown upright by /Rotate (90 or
    270 degrees) or left sideways; each reads left to right, top down, as a page of
    its own shape."""
    from briefer.ingest.pdf_text import open_pdf, pages

    _register_fonts()
    path = tmp_path / "turned.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    # (x, y) on the landscape page (y up) -> the sheet, for text running up or down it.
    turns = {1: (0, 1, -1, 0, WIDTH, 0), 3: (0, -1, 1, 0, 0, HEIGHT)}
    for turn, rotate, title in ((1, 90, "I. Introduction"), (3, 270, "II. Findings"), (1, 0, "III. Outlook")):
        pdf.setPageRotation(rotate)
        pdf.setPageSize((HEIGHT, WIDTH) if rotate else A4)  # (reportlab gives the size as shown)
        pdf.saveState()
        pdf.transform(*turns[turn])
        y = WIDTH - 72  # the landscape page is as tall as the sheet is wide
        pdf.setFont("Serif-Bold", 12)
        pdf.drawString(LEFT, y, title)
        pdf.setFont("Serif-Regular", 10)
        y -= 8
        for line in _prose(8, turn * 5, width=HEIGHT - 2 * LEFT):
            y -= 12.5
            pdf.drawString(LEFT, y, line[:1].upper() + line[1:] if y > WIDTH - 100 else line)
        pdf.restoreState()
        pdf.showPage()
    pdf.save()
    sections = parse_document(path).meetings[0].sections
    assert [s.heading for s in sections] == ["I. Introduction", "II. Findings", "III. Outlook"]
    expected = " ".join(_prose(8, 5, width=HEIGHT - 2 * LEFT))
    assert sections[0].text.casefold() == expected.casefold()
    for page in pages(open_pdf(path.read_bytes())):
        assert page.width > page.height and all(w.upright for w in page.words)
        assert 60 < min(w.top for w in page.words) < 72  # the heading, set 72 pt from the top


@pytest.mark.parametrize(
    "label",
    ["3", "- 3 -", "Page 3", "page 3 of 17", "3/17", "- Page ii -", "— iv —", "Página 2 de 9", "p. 12"],
)
def test_page_labels_in_their_printed_forms_are_furniture(label: str) -> None:
    from briefer.ingest.pdf_layout import _is_furniture

    assert _is_furniture(label)


@pytest.mark.parametrize("text", ["Page views rose", "3. Findings", "II. Mandate", "Annex 2"])
def test_headings_and_sentences_are_not_page_labels(text: str) -> None:
    from briefer.ingest.pdf_layout import _is_furniture

    assert not _is_furniture(text)
