"""Word documents read as Word shows them: tracked changes accepted, content controls, text
boxes, fields, tables with merged and nested cells, page breaks inside a paragraph, notes,
and headings set as large or bold type. Each file is built here with python-docx, and with
raw WordprocessingML where python-docx has no API for it."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.shared import Pt

from briefer.errors import InputFileError
from briefer.ingest.pipeline import parse_document
from briefer.ingest.readers import read_document

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = (
    f'xmlns:w="{W_NS}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)
OPENING = (
    "The meeting brought together representatives of governments, international organizations "
    "and civil society to review the progress made since the last session and to agree on next steps."
)


def _append(document, xml: str) -> None:
    """Raw WordprocessingML elements added at the end of the body."""
    body = document.element.body
    wrapper = parse_xml(f"<w:body {NAMESPACES}>{xml}</w:body>")
    for element in list(wrapper):
        body.insert(len(body) - 1, element)  # before the section properties


def _report(*extra_xml: str):
    """A small report with a title page and an opening paragraph, then the XML given."""
    document = docx.Document()
    document.add_heading("Regional Consultation on Labour Migration", level=0)
    document.add_paragraph("Geneva, 12-13 March 2019")
    document.add_paragraph(OPENING)
    for xml in extra_xml:
        _append(document, xml)
    return document


def _parse(document, tmp_path: Path, name: str = "report.docx"):
    path = tmp_path / name
    document.save(str(path))
    return parse_document(path)


def _sections(parsed):
    return [section for meeting in parsed.meetings for section in meeting.sections]


def _text(parsed) -> str:
    return "\n".join(section.heading + "\n" + section.text for section in _sections(parsed))


def _run(text: str, props: str = "") -> str:
    return f'<w:r>{f"<w:rPr>{props}</w:rPr>" if props else ""}<w:t xml:space="preserve">{text}</w:t></w:r>'


def _paragraph(*runs: str, props: str = "") -> str:
    return f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}{''.join(runs)}</w:p>"


# --- what Word shows -----------------------------------------------------------------------


def test_tracked_changes_read_as_accepted(tmp_path: Path) -> None:
    changed = _paragraph(
        _run("Participants agreed "),
        '<w:ins w:id="1" w:author="A" w:date="2020-01-01T00:00:00Z">' + _run("unanimously ") + "</w:ins>",
        '<w:del w:id="2" w:author="A" w:date="2020-01-01T00:00:00Z"><w:r><w:delText>reluctantly </w:delText>'
        "</w:r></w:del>",
        _run("to meet again "),
        '<w:moveTo w:id="3" w:author="A" w:date="2020-01-01T00:00:00Z">' + _run("in Geneva ") + "</w:moveTo>",
        '<w:moveFrom w:id="4" w:author="A" w:date="2020-01-01T00:00:00Z">'
        + _run("in Vienna ")
        + "</w:moveFrom>",
        _run("next year."),
    )
    text = _text(_parse(_report(changed), tmp_path))
    assert "Participants agreed unanimously to meet again in Geneva next year." in text
    assert "reluctantly" not in text and "Vienna" not in text


def test_content_controls_fields_and_hyperlinks_show_their_text(tmp_path: Path) -> None:
    block_control = (
        "<w:sdt><w:sdtPr><w:alias w:val='Summary'/></w:sdtPr><w:sdtContent>"
        + _paragraph(_run("The summary was adopted by consensus."))
        + "</w:sdtContent></w:sdt>"
    )
    inline = _paragraph(
        _run("Held on "),
        "<w:sdt><w:sdtPr/><w:sdtContent>" + _run("12 March 2019") + "</w:sdtContent></w:sdt>",
        _run(" at "),
        '<w:fldSimple w:instr=" DOCPROPERTY Venue ">' + _run("the Palais des Nations") + "</w:fldSimple>",
        _run(", see "),
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> HYPERLINK "http://a.invalid" '
        "</w:instrText></w:r>"
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        + _run("the website")
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
        _run(" and "),
        '<w:hyperlink w:anchor="x">' + _run("the annex") + "</w:hyperlink>",
        "<w:smartTag w:uri='urn:x' w:element='place'>" + _run(".") + "</w:smartTag>",
    )
    text = _text(_parse(_report(block_control, inline), tmp_path))
    assert "The summary was adopted by consensus." in text
    assert "Held on 12 March 2019 at the Palais des Nations, see the website and the annex." in text
    assert "HYPERLINK" not in text and "DOCPROPERTY" not in text


def test_hidden_text_and_field_codes_are_not_shown_capitals_are(tmp_path: Path) -> None:
    shown = _paragraph(
        _run("The chair "),
        _run("(drafting note: check the name) ", "<w:vanish/>"),
        _run("closed the session", "<w:caps/>"),
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> IF </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> MERGEFIELD Day </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        + _run("Monday")
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:instrText> = "Monday" " on Monday" "" '
        '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        + _run(" on Monday")
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
        _run("."),
    )
    text = _text(_parse(_report(shown), tmp_path))
    assert "The chair CLOSED THE SESSION on Monday." in text
    assert "drafting note" not in text and "MERGEFIELD" not in text


def test_a_text_box_is_read_once_after_its_paragraph(tmp_path: Path) -> None:
    box = (
        "<w:txbxContent>" + _paragraph(_run("Key message: remittances reduce poverty.")) + "</w:txbxContent>"
    )
    anchored = _paragraph(
        _run("The box beside this paragraph sums up the debate."),
        "<w:r><mc:AlternateContent><mc:Choice Requires='wps'><w:drawing><wp:anchor><a:graphic>"
        "<a:graphicData><wps:wsp><wps:txbx>" + box + "</wps:txbx></wps:wsp></a:graphicData></a:graphic>"
        "</wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>" + box + "</v:textbox>"
        "</v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>",
    )
    text = _text(_parse(_report(anchored), tmp_path))
    assert text.count("Key message: remittances reduce poverty.") == 1
    assert text.index("sums up the debate.") < text.index("Key message")


def test_tabs_and_line_breaks_are_spaces(tmp_path: Path) -> None:
    broken = _paragraph(
        _run("Item one"), "<w:r><w:tab/></w:r>", _run("Item two"), "<w:r><w:br/></w:r>", _run("three.")
    )
    assert "Item one Item two three." in _text(_parse(_report(broken), tmp_path))


def test_headers_footers_and_comments_are_not_body_text(tmp_path: Path) -> None:
    document = _report()
    section = document.sections[0]
    section.header.paragraphs[0].text = "CONFIDENTIAL HEADER"
    section.footer.paragraphs[0].text = "Page footer text"
    paragraph = document.add_paragraph("The delegates reviewed the draft conclusions.")
    document.add_comment(paragraph.runs, text="A reviewer's comment", author="R")
    text = _text(_parse(document, tmp_path))
    assert "reviewed the draft conclusions." in text
    assert "CONFIDENTIAL" not in text and "footer" not in text and "reviewer" not in text


# --- paragraphs split by a page break, headings from type ------------------------------------


def test_a_page_break_inside_a_paragraph_starts_a_new_one(tmp_path: Path) -> None:
    """Manuals put a chapter title after a page break inside the last paragraph of the
    chapter before; a last rendered page break (where Word once broke the page) is none."""
    chapter_end = _paragraph(
        _run("That ends the discussion of the first topic."),
        '<w:r><w:br w:type="page"/></w:r>',
        _run("Installation", '<w:sz w:val="40"/>'),
    )
    rendered = _paragraph(
        _run("Unzip the package into a folder"),
        "<w:r><w:lastRenderedPageBreak/></w:r>",
        _run(" of your choice."),
    )
    parsed = _parse(_report(chapter_end, rendered), tmp_path)
    sections = _sections(parsed)
    assert "Installation" in [s.heading for s in sections]
    installation = next(s for s in sections if s.heading == "Installation")
    assert installation.paragraphs == ["Unzip the package into a folder of your choice."]
    assert any(p.endswith("first topic.") for s in sections for p in s.paragraphs)


def test_large_and_bold_normal_paragraphs_are_headings_with_levels(tmp_path: Path) -> None:
    document = _report()
    for chapter in ("Remittances", "Diaspora engagement"):
        document.add_paragraph().add_run(chapter).font.size = Pt(20)
        for topic in ("Costs", "Channels"):
            document.add_paragraph().add_run(topic).bold = True
            document.add_paragraph(
                f"Participants discussed {topic.lower()} in the context of {chapter.lower()}."
            )
    outline = [(s.level, s.heading, s.path) for s in _sections(_parse(document, tmp_path))]
    # The chapters have no text of their own: they live on in their sections' path.
    assert outline[-4:] == [
        (2, "Costs", ["Remittances"]),
        (2, "Channels", ["Remittances"]),
        (2, "Costs", ["Diaspora engagement"]),
        (2, "Channels", ["Diaspora engagement"]),
    ]


def test_sizes_and_weights_come_through_the_style_inheritance(tmp_path: Path) -> None:
    """A character style, a paragraph style based on another and direct formatting all set
    the type; bold in the paragraph style and in the character style cancel out."""
    document = _report()
    styles = document.styles
    big = styles.add_style("Big Body", docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
    big.base_style = styles["Normal"]
    big.font.size = Pt(18)
    bold_style = styles.add_style("Loud", docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
    bold_style.font.bold = True
    strong = styles.add_style("Strong Words", docx.enum.style.WD_STYLE_TYPE.CHARACTER)
    strong.font.bold = True
    document.add_paragraph("Inherited size", style="Big Body").alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("Text under the inherited size heading.")
    cancelled = document.add_paragraph(style="Loud")
    cancelled.add_run("Bold twice is regular", style="Strong Words")
    path = tmp_path / "styles.docx"
    document.save(str(path))
    typed = {p.text: p for p in read_document(path).word.paragraphs}
    assert typed["Inherited size"].size == 18 and not typed["Inherited size"].bold
    assert typed["Inherited size"].centered and not typed["Text under the inherited size heading."].centered
    assert typed["Text under the inherited size heading."].size == 11
    assert not typed["Bold twice is regular"].bold


def test_heading_styles_and_outline_levels_give_levels(tmp_path: Path) -> None:
    document = _report(
        _paragraph(_run("Findings"), props='<w:outlineLvl w:val="0"/>'),
        _paragraph(_run("The findings were presented by the rapporteur and discussed at length.")),
        _paragraph(_run("Regional trends"), props='<w:outlineLvl w:val="1"/>'),
        _paragraph(_run("Trends differ from one region to the next, as the data show.")),
    )
    path = tmp_path / "outline.docx"
    document.save(str(path))
    levels = {line.text: line.style_level for line in read_document(path).lines}
    assert levels["Regional Consultation on Labour Migration"] == 0  # Title
    assert (levels["Findings"], levels["Regional trends"]) == (1, 2)
    outline = [(s.level, s.heading) for s in _sections(parse_document(path))]
    assert outline[-2:] == [(1, "Findings"), (2, "Regional trends")]


def test_a_table_of_contents_is_a_table_not_headings(tmp_path: Path) -> None:
    from docx.enum.style import WD_STYLE_TYPE

    document = _report()
    for level in (1, 2):
        style = document.styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH)
        style.font.bold, style.font.size = level == 1, Pt(13 - level)
    document.add_paragraph("Contents", style="TOC Heading")
    for text, level in (("I. Findings", 1), ("Regional trends", 2), ("II. Next steps", 1)):
        paragraph = document.add_paragraph(style=f"toc {level}")
        paragraph.add_run(text)
        paragraph.add_run().add_tab()
        paragraph.add_run(str(level + 1))
    for title in ("I. Findings", "II. Next steps"):
        document.add_heading(title, level=1)
        document.add_paragraph(OPENING)
    sections = _sections(_parse(document, tmp_path))
    assert [s.heading for s in sections[-3:]] == ["Contents", "I. Findings", "II. Next steps"]
    assert sections[-3].tables[0].rows == [
        ["I. Findings", "2"],
        ["Regional trends", "3"],
        ["II. Next steps", "2"],
    ]


# --- tables ------------------------------------------------------------------------------------


def test_a_table_is_one_unit_with_its_rows_merged_cells_counted_once(tmp_path: Path) -> None:
    document = _report()
    document.add_paragraph().add_run("Programme").bold = True
    table = document.add_table(rows=3, cols=3)
    for row, cells in zip(
        table.rows, [["Time", "Item", "Speaker"], ["09.00", "Opening", "Chair"], ["", "", ""]], strict=True
    ):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    table.cell(0, 1).merge(table.cell(0, 2)).text = "Item and speaker"  # across
    merged = table.cell(1, 0).merge(table.cell(2, 0))  # down
    merged.text = "09.00"
    table.cell(2, 1).text = "Keynote"
    nested = table.cell(2, 2).add_table(rows=1, cols=2)
    nested.cell(0, 0).text = "Ms. A"
    nested.cell(0, 1).text = "Ministry of Labour"
    section = next(s for s in _sections(_parse(document, tmp_path)) if s.heading == "Programme")
    assert [t.rows for t in section.tables] == [
        [
            ["Time", "Item and speaker"],
            ["09.00", "Opening", "Chair"],
            ["Keynote"],
            ["Ms. A", "Ministry of Labour"],
        ]
    ]
    assert section.paragraphs[section.tables[0].paragraph] == (
        "Time | Item and speaker\n09.00 | Opening | Chair\nKeynote\nMs. A | Ministry of Labour"
    )


def test_raw_lines_hold_one_line_per_paragraph_and_table_row(tmp_path: Path) -> None:
    document = _report()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Country", "Delegates"
    table.cell(1, 0).text, table.cell(1, 1).text = "Mexico", "4"
    document.add_paragraph("The list closes the report.")
    path = tmp_path / "lines.docx"
    document.save(str(path))
    lines = [(line.number, line.text) for line in read_document(path).lines]
    assert lines == [
        (1, "Regional Consultation on Labour Migration"),
        (2, "Geneva, 12-13 March 2019"),
        (3, OPENING),
        (4, "Country | Delegates"),
        (5, "Mexico | 4"),
        (6, "The list closes the report."),
    ]


# --- notes -------------------------------------------------------------------------------------


def _add_notes_part(document, kind: str, notes: dict[int, str]) -> None:
    """A footnotes or endnotes part with its separators and the notes given (id: text)."""
    tag = "footnote" if kind == "footnotes" else "endnote"
    separators = (
        f'<w:{tag} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{tag}>'
        f'<w:{tag} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r>'
        f"</w:p></w:{tag}>"
    )
    bodies = "".join(
        f'<w:{tag} w:id="{note_id}"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
        f"<w:{tag}Ref/></w:r>{_run(' ' + text)}</w:p></w:{tag}>"
        for note_id, text in notes.items()
    )
    blob = f'<?xml version="1.0" encoding="UTF-8"?><w:{kind} xmlns:w="{W_NS}">{separators}{bodies}</w:{kind}>'
    content_type = CONTENT_TYPE.WML_FOOTNOTES if kind == "footnotes" else CONTENT_TYPE.WML_ENDNOTES
    relation = RELATIONSHIP_TYPE.FOOTNOTES if kind == "footnotes" else RELATIONSHIP_TYPE.ENDNOTES
    part = Part(PackURI(f"/word/{kind}.xml"), content_type, blob.encode(), document.part.package)
    document.part.relate_to(part, relation)


def test_footnotes_and_endnotes_become_notes_of_their_section(tmp_path: Path) -> None:
    document = _report(
        _paragraph(_run("Findings"), props='<w:pStyle w:val="Heading1"/>'),
        _paragraph(
            _run("Costs fell by a third"),
            '<w:r><w:footnoteReference w:id="1"/></w:r>',
            _run(" while flows grew."),
            '<w:r><w:endnoteReference w:id="1"/></w:r>',
        ),
        _paragraph(_run("Next steps"), props='<w:pStyle w:val="Heading1"/>'),
        _paragraph(
            _run("A working group will report back"), '<w:r><w:footnoteReference w:id="2"/></w:r>', _run(".")
        ),
    )
    _add_notes_part(
        document, "footnotes", {1: "World Bank, Remittance Prices Worldwide.", 2: "See annex II."}
    )
    _add_notes_part(document, "endnotes", {1: "Figures for 2019."})
    sections = {s.heading: s for s in _sections(_parse(document, tmp_path))}
    findings, steps = sections["Findings"], sections["Next steps"]
    assert findings.paragraphs == ["Costs fell by a third¹ while flows grew.²"]
    assert [(n.number, n.text) for n in findings.notes] == [
        ("1", "World Bank, Remittance Prices Worldwide."),
        ("2", "Figures for 2019."),
    ]
    assert steps.paragraphs == ["A working group will report back³."]
    assert [(n.number, n.text) for n in steps.notes] == [("3", "See annex II.")]
    everything = _text(_parse(document, tmp_path, "again.docx"))
    assert "separator" not in everything and "World Bank" not in everything  # notes are not body text


def test_a_damaged_notes_part_is_the_typed_error(tmp_path: Path) -> None:
    document = _report(
        _paragraph(_run("Costs fell"), '<w:r><w:footnoteReference w:id="1"/></w:r>', _run("."))
    )
    part = Part(
        PackURI("/word/footnotes.xml"),
        CONTENT_TYPE.WML_FOOTNOTES,
        b"<w:footnotes><unclosed",
        document.part.package,
    )
    document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
    path = tmp_path / "damaged.docx"
    document.save(str(path))
    with pytest.raises(InputFileError, match="not a readable Word document"):
        read_document(path)


def test_a_note_cited_in_a_heading_leaves_no_mark_in_it(tmp_path: Path) -> None:
    document = _report(
        _paragraph(
            _run("Findings"),
            '<w:r><w:footnoteReference w:id="1"/></w:r>',
            props='<w:pStyle w:val="Heading1"/>',
        ),
        _paragraph(_run("The findings were presented by the rapporteur.")),
    )
    _add_notes_part(document, "footnotes", {1: "Prepared by the secretariat."})
    findings = next(s for s in _sections(_parse(document, tmp_path)) if s.heading.startswith("Findings"))
    assert findings.heading == "Findings"
    assert [n.text for n in findings.notes] == ["Prepared by the secretariat."]


def test_a_word_file_is_one_report(tmp_path: Path) -> None:
    """Numbering that starts again ("I." after "II.") and a second "Report" label would
    start a second report in a text file; a Word file is one."""
    document = _report()
    for heading in ("I. Introduction", "II. Discussion", "Meeting report", "I. Background"):
        document.add_heading(heading, level=1)
        document.add_paragraph(OPENING)
    parsed = _parse(document, tmp_path)
    assert len(parsed.meetings) == 1
    assert [s.heading for s in _sections(parsed)][-4:] == [
        "I. Introduction",
        "II. Discussion",
        "Meeting report",
        "I. Background",
    ]


# --- list numbers -------------------------------------------------------------------------


def _add_list(document, abstract_id: int, levels: list[tuple[str, str]], nums: dict[int, str]) -> None:
    """A list definition (levels as (format, text)) and lists using it (numId: overrides)."""
    numbering = document.part.numbering_part.element
    lvls = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
        f'<w:pPr><w:ind w:left="{360 * (i + 1)}" w:hanging="360"/></w:pPr></w:lvl>'
        for i, (fmt, text) in enumerate(levels)
    )
    numbering.append(
        parse_xml(f'<w:abstractNum {NAMESPACES} w:abstractNumId="{abstract_id}">{lvls}</w:abstractNum>')
    )
    for num_id, overrides in nums.items():
        numbering.append(
            parse_xml(
                f'<w:num {NAMESPACES} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{overrides}</w:num>'
            )
        )


def _item(text: str, num_id: int, level: int) -> str:
    return _paragraph(
        _run(text), props=f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'
    )


def test_list_numbers_are_printed_as_word_counts_them(tmp_path: Path) -> None:
    document = _report()
    restart = '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>'
    _add_list(
        document,
        90,
        [("decimal", "%1."), ("decimal", "%1.%2"), ("lowerLetter", "(%3)"), ("bullet", "\u2022")],
        {90: "", 91: restart},
    )
    _append(
        document,
        "".join(
            _item(text, num_id, level)
            for text, num_id, level in [
                ("Opening", 90, 0),
                ("Welcome", 90, 1),
                ("Agenda", 90, 1),
                ("Adoption", 90, 2),
                ("A point", 90, 3),
                ("Discussion", 90, 0),
                ("Panel", 90, 1),
                ("New list", 91, 0),
            ]
        ),
    )
    path = tmp_path / "lists.docx"
    document.save(str(path))
    typed = {p.text: p for p in read_document(path).word.paragraphs}
    assert [text for text in typed if text[:1].isdigit() or text[:1] in "(A"] == [
        "1. Opening",
        "1.1 Welcome",
        "1.2 Agenda",
        "(a) Adoption",
        "A point",  # a bullet prints no number
        "2. Discussion",
        "2.1 Panel",
        "1. New list",
    ]
    assert typed["1.1 Welcome"].indent == 36  # the list level's indent, in points


def test_numbered_paragraphs_keep_their_numbers_for_citation(tmp_path: Path) -> None:
    document = _report(_paragraph(_run("Discussion"), props='<w:pStyle w:val="Heading1"/>'))
    _add_list(document, 80, [("decimal", "%1.")], {80: ""})
    for sentence in (
        "Delegates welcomed the report of the working group.",
        "They asked for figures by region.",
    ):
        _append(document, _item(sentence, 80, 0))
    section = next(s for s in _sections(_parse(document, tmp_path)) if s.heading == "Discussion")
    assert section.paragraphs == [
        "1. Delegates welcomed the report of the working group.",
        "2. They asked for figures by region.",
    ]
    assert section.paragraph_numbers == ["1", "2"]
