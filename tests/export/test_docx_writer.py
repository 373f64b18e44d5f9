"""The DOCX writer: read the files back with python-docx, then open them in LibreOffice."""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

from briefer.errors import UsageError
from briefer.export.docx_writer import (
    LAST_PAGE_BOOKMARK,
    bookmark_names,
    clean_text,
    write_docx,
)
from briefer.export.measure import side_margins
from briefer.export.word_styles import marking_size
from briefer.ir.blocks import (
    MISSING_TEXT,
    Contents,
    Document,
    DocumentInfo,
    KeyMessages,
    Note,
    PageBreak,
    Paragraph,
    PartHeading,
    QuestionsAnswers,
    Run,
    SectionHeading,
    SourceEntry,
    SourceLine,
    SourcesList,
    Title,
)
from briefer.ir.templates import Template, load_template
from tests.export.documents import ROOT, TRICKY, sample_document
from tests.export.realistic import NOTES, realistic_document

TEMPLATES = ROOT / "templates"


@pytest.fixture(scope="module")
def briefing() -> Template:
    return load_template(TEMPLATES / "briefing")


@pytest.fixture(scope="module")
def handout() -> Template:
    return load_template(TEMPLATES / "handout")


def build(
    tmp_path: Path, document: Document, template: Template, name: str = "pack.docx"
) -> docx.document.Document:
    out = tmp_path / name
    write_docx(document, template, out)
    return docx.Document(str(out))


def xml_of(element) -> str:
    return element.xml if hasattr(element, "xml") else ""


def instructions(element) -> list[str]:
    return [" ".join(t.text.split()) for t in element.iter(qn("w:instrText"))]


def headings_of(word: docx.document.Document) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in word.paragraphs if p.style.name.startswith("Heading")]


def toc_paragraphs(word: docx.document.Document) -> list:
    return [p for p in word.paragraphs if p.style.name in ("toc 1", "toc 2", "toc 3")]


def header_xml(section) -> str:
    return "" if section.header.is_linked_to_previous else section.header._element.xml


def footer_xml(section) -> str:
    return "" if section.footer.is_linked_to_previous else section.footer._element.xml


# -- python-docx read-back ------------------------------------------------------------


def test_headings_and_source_lines_use_the_templates_named_styles(tmp_path: Path, briefing: Template) -> None:
    document = sample_document(6)
    word = build(tmp_path, document, briefing)
    expected = [
        ("Heading 1" if isinstance(h, PartHeading) else f"Heading {h.level}", h.label)
        for h in document.headings()
    ]
    assert headings_of(word) == expected
    sources = [p for p in word.paragraphs if p.text.startswith("Source: Global Forum")]
    assert len(sources) == 6 and {p.style.name for p in sources} == {"Source Line"}
    # The styles are the template's own definitions, not python-docx defaults.
    base = docx.Document(str(briefing.style_docx))
    for name in ("Heading 1", "Heading 2", "Heading 3", "Source Line", "Normal", "Key Message", "Note"):
        assert word.styles[name].element.xml == base.styles[name].element.xml, name
    assert word.styles["Heading 1"].font.name == "Liberation Sans"
    assert word.styles["Normal"].font.name == "Liberation Serif"


def test_no_direct_formatting_in_body_runs(tmp_path: Path, briefing: Template) -> None:
    for document in (sample_document(6), realistic_document("briefing")):
        word = build(tmp_path, document, briefing)
        body = word.element.body
        for rpr in body.iter(qn("w:rPr")):  # a character style at most (a footnote reference, lost text)
            assert [child.tag for child in rpr] == [qn("w:rStyle")], "runs must take their look from styles"


def test_contents_entries_equal_the_headings_in_order(tmp_path: Path, briefing: Template) -> None:
    document = sample_document(12)
    word = build(tmp_path, document, briefing)
    contents = next(b for b in document.blocks if isinstance(b, Contents))
    entries = toc_paragraphs(word)
    assert [p.text.split("\t")[0] for p in entries] == [e.text for e in contents.entries]
    assert [p.text.split("\t")[0] for p in entries] == [text for _, text in headings_of(word)]
    assert [p.style.name for p in entries] == [f"toc {e.level}" for e in contents.entries]
    first = entries[0]._p
    assert first.xpath("./w:r/w:fldChar/@w:fldCharType")[:2] == ["begin", "separate"]
    assert instructions(first)[0] == 'TOC \\o "1-3" \\h \\z \\u \\t "Brief Title,1"'
    assert entries[-1]._p.xpath("./w:r/w:fldChar/@w:fldCharType")[-1:] == ["end"]
    assert word.paragraphs[[p.text for p in word.paragraphs].index("Contents")].style.name == "TOC Heading"


def test_every_contents_link_lands_on_a_heading_bookmark(tmp_path: Path, briefing: Template) -> None:
    word = build(tmp_path, sample_document(12), briefing)
    body = word.element.body
    anchors = body.xpath(".//w:hyperlink/@w:anchor")
    names = [n for n in body.xpath(".//w:bookmarkStart/@w:name") if n != LAST_PAGE_BOOKMARK]
    assert anchors and len(anchors) == len(names) == len(set(names))
    assert set(anchors) == set(names)
    for name in names:
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,39}", name), name
    heading_paragraphs = body.xpath(f".//w:p[w:bookmarkStart[@w:name != '{LAST_PAGE_BOOKMARK}']]")
    styles = {word.styles.element.get_by_id(p.pPr.pStyle.val).name_val for p in heading_paragraphs}
    assert styles == {"heading 1", "heading 2", "heading 3"}
    settings = word.settings.element
    assert settings.find(qn("w:updateFields")).get(qn("w:val")) == "true"  # Word adds page numbers
    starts = body.xpath(".//w:bookmarkStart/@w:id")
    ends = body.xpath(".//w:bookmarkEnd/@w:id")
    assert sorted(starts) == sorted(ends)


def test_bookmark_names_are_valid_and_unique() -> None:
    anchors = ["s-1", "s_1", "1-intro", "part 0", "x" * 60, "x" * 60 + "y", "é-accent", "s-1", ""]
    names = bookmark_names(anchors)
    assert len(names) == len(set(anchors))
    assert len({n.casefold() for n in names.values()}) == len(names)
    for name in names.values():
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,39}", name), name
    assert names["s-1"] == "s_1" and names["1-intro"] == "h1_intro"


def test_cover_is_its_own_section_without_running_header(tmp_path: Path, briefing: Template) -> None:
    word = build(tmp_path, sample_document(6, draft=False), briefing)
    assert len(word.sections) == 2
    cover, body = word.sections
    assert cover.header.is_linked_to_previous and cover.footer.is_linked_to_previous  # none defined
    assert cover._sectPr.find(qn("w:pgNumType")) is None
    assert body._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
    cover_texts = []
    for p in word.paragraphs:
        if p._p.pPr is not None and p._p.pPr.sectPr is not None:
            break
        cover_texts.append((p.style.name, p.text))
    assert cover_texts[0] == ("Marking", "RESTRICTED")
    assert ("Cover Title", "Briefing pack: remittances & <costs>") in cover_texts
    assert cover_texts[-1] == ("Marking", "RESTRICTED")  # the framed one at the foot of the page
    assert "Contents" not in [text for _, text in cover_texts]


def test_marking_title_and_page_numbers_in_header_and_footer(tmp_path: Path, briefing: Template) -> None:
    word = build(tmp_path, sample_document(6, marking="SECRET"), briefing)
    body = word.sections[-1]
    header = [(p.style.name, p.text) for p in body.header.paragraphs]
    footer = [(p.style.name, p.text) for p in body.footer.paragraphs]
    assert header[:2] == [("Marking", "SECRET"), ("Header", "Briefing pack: remittances & <costs>")]
    # and the part and item each page belongs to, which Word finds page by page
    assert instructions(body.header._element) == ['STYLEREF "Heading 1"', 'STYLEREF "Heading 2"']
    assert header[2][0] == "Header" and len(header) == 3
    assert footer[-1] == ("Marking", "SECRET")
    assert footer[0][0] == "Footer" and footer[0][1].startswith("Page ")
    assert instructions(body.footer._element) == ["PAGE", f"PAGEREF {LAST_PAGE_BOOKMARK}"]
    # The page count is the page number of the last paragraph with text, in the body section.
    last = word.element.body.xpath(".//w:p[w:r]")[-1]
    assert last.xpath("./w:bookmarkStart/@w:name") == [LAST_PAGE_BOOKMARK]


def test_no_marking_paragraphs_when_unmarked(tmp_path: Path, briefing: Template) -> None:
    word = build(tmp_path, sample_document(3, marking=""), briefing)
    body = word.sections[-1]
    assert [p.style.name for p in body.header.paragraphs] == ["Header", "Header"]  # title, part and item
    assert [p.style.name for p in body.footer.paragraphs] == ["Footer"]
    assert "Marking" not in {p.style.name for p in word.paragraphs}


@pytest.mark.parametrize("draft", [True, False])
def test_watermark_only_on_drafts(tmp_path: Path, briefing: Template, draft: bool) -> None:
    word = build(tmp_path, sample_document(3, draft=draft), briefing)
    for section in word.sections:
        xml = header_xml(section)
        assert ('string="DRAFT"' in xml) is draft
        assert ("PowerPlusWaterMarkObject" in xml) is draft
    if draft:  # the cover's header holds the watermark and no text
        cover = word.sections[0]
        assert not cover.header.is_linked_to_previous
        assert "".join(p.text for p in cover.header.paragraphs) == ""


@pytest.mark.parametrize(("size", "width", "height"), [("A4", 210.0, 297.0), ("Letter", 215.9, 279.4)])
def test_page_size_and_margins(
    tmp_path: Path, briefing: Template, size: str, width: float, height: float
) -> None:
    word = build(tmp_path, sample_document(3, page_size=size), briefing)
    for section in word.sections:
        assert section.page_width.mm == pytest.approx(width, abs=0.1)
        assert section.page_height.mm == pytest.approx(height, abs=0.1)
        side = side_margins(briefing, size)[1] / 72 * 25.4  # the PDF's measure: what it leaves
        assert section.left_margin.mm == section.right_margin.mm == pytest.approx(side, abs=0.1)
        assert side > briefing.margin_mm
        assert section.top_margin.mm == pytest.approx(briefing.margin_mm, abs=0.1)
    # Right tabs (contents page numbers, notes lines) sit at the right margin of this paper.
    text_width = round((width - 2 * side) * 1440 / 25.4)
    tab = word.styles["toc 1"].element.xpath("./w:pPr/w:tabs/w:tab/@w:pos")[0]
    assert abs(int(tab) - text_width) <= 3


def test_tricky_text_survives(tmp_path: Path, briefing: Template) -> None:
    word = build(tmp_path, sample_document(3), briefing)
    texts = [p.text for p in word.paragraphs]
    assert f"1. Part 1: {TRICKY}" in texts
    assert word.core_properties.title == "Briefing pack: remittances & <costs>"
    cells = [p.text for t in word.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    assert f"Support lower transfer costs in {TRICKY}." in cells
    with zipfile.ZipFile(tmp_path / "pack.docx") as package:
        assert "&amp; &lt;Ελλάδα&gt;" in package.read("word/document.xml").decode("utf-8")


def test_control_characters_are_dropped_and_newlines_break_lines(tmp_path: Path, briefing: Template) -> None:
    nasty = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r")
    document = Document(
        DocumentInfo(f"Title{nasty}", marking=f"SEC{nasty}RET"),
        [
            PartHeading(f"Part{nasty}", "p\x00-1"),
            Paragraph(f"a{nasty}b\tc\nd\r\ne"),
            SourceLine(f"src\x0b\x0c{TRICKY}"),
            Note("N\x01", "one\x02\n\ntwo"),
        ],
    )
    word = build(tmp_path, document, briefing)
    texts = [p.text for p in word.paragraphs]
    assert texts[:3] == ["Part", "ab\tc\nd\ne", f"src{TRICKY}"]
    assert [p.text for p in word.tables[0].cell(0, 0).paragraphs] == ["N", "one", "two"]
    assert [p.text for p in word.sections[0].header.paragraphs][:2] == ["SECRET", "Title"]
    assert clean_text("a\ud800b\ufffec\x7fd") == "abcd"


def test_blocks_render_with_their_styles(tmp_path: Path, briefing: Template) -> None:
    word = build(tmp_path, sample_document(6), briefing)
    boxes = [t for t in word.tables if t.style.name == "Box"]
    assert len(boxes) == 2
    note, messages = (list(t.cell(0, 0).paragraphs) for t in boxes)
    assert [(p.style.name, p.text) for p in note] == [
        ("Note Title", "Objectives"),
        ("Note", "Secure agreement on the remittances paragraph."),
        ("Note", "Avoid reopening 2007 language."),
    ]
    assert [p.style.name for p in messages] == ["Note Title", "Key Message", "Key Message"]
    by_text = {p.text: p.style.name for p in word.paragraphs}
    assert by_text["Will you fund the Forum’s secretariat?"] == "Question"
    assert by_text["We are considering a contribution <in kind> & in cash."] == "Answer"
    assert [p.style.name for p in word.paragraphs].count("Notes Line") == 6
    # Key messages are bulleted by their style's numbering.
    assert word.styles["Key Message"].element.xpath("./w:pPr/w:numPr/w:numId/@w:val")


def test_page_breaks_for_new_parts_but_not_a_blank_first_page(tmp_path: Path, handout: Template) -> None:
    document = sample_document(11, cover=False, contents=False, parts_on_new_pages=True)
    word = build(tmp_path, document, handout)
    breaks = [p.text for p in word.paragraphs if p._p.xpath("./w:pPr/w:pageBreakBefore")]
    parts = [h.label for h in document.headings() if isinstance(h, PartHeading)]
    assert breaks[: len(parts) - 1] == parts[1:]  # every part but the first starts a page
    assert parts[0] not in breaks


def test_handout_without_cover_or_contents(tmp_path: Path, handout: Template) -> None:
    word = build(tmp_path, sample_document(6, cover=False, contents=False, marking=""), handout)
    assert len(word.sections) == 1
    styles = {p.style.name for p in word.paragraphs}
    assert not styles & {"Cover Title", "TOC Heading", "toc 1", "toc 2"}
    assert not word.element.body.xpath(".//w:hyperlink")
    assert word.element.body.xpath(".//w:bookmarkStart")  # headings stay linkable
    section = word.sections[0]
    assert [p.text for p in section.header.paragraphs][:1] == ["Briefing pack: remittances & <costs>"]
    assert section._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
    assert word.styles["Normal"].font.size.pt == handout.body_size == 13


def test_each_template_writes(tmp_path: Path) -> None:
    for folder in sorted(TEMPLATES.iterdir()):
        template = load_template(folder)
        word = build(tmp_path, sample_document(4), template, f"{folder.name}.docx")
        assert word.styles["Normal"].font.size.pt == template.body_size
        assert "Source Line" in {p.style.name for p in word.paragraphs}


def test_progress_reports_up_to_the_total(tmp_path: Path, briefing: Template) -> None:
    document = sample_document(40)
    calls: list[tuple[int, int]] = []
    write_docx(document, briefing, tmp_path / "p.docx", lambda done, total: calls.append((done, total)))
    assert calls and calls[-1] == (len(document.blocks), len(document.blocks))
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_file_properties_and_reproducible_builds(
    tmp_path: Path, briefing: Template, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    document = sample_document(6)
    write_docx(document, briefing, tmp_path / "a.docx")
    write_docx(document, briefing, tmp_path / "b.docx")
    word = docx.Document(str(tmp_path / "a.docx"))
    props = word.core_properties
    assert (props.title, props.author, props.subject) == (
        "Briefing pack: remittances & <costs>",
        "A. Officer",
        "Global Forum on Migration and Development",
    )
    assert props.created == props.modified and props.created.year == 2026
    with zipfile.ZipFile(tmp_path / "a.docx") as a, zipfile.ZipFile(tmp_path / "b.docx") as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            assert a.read(name) == b.read(name), name


def test_a_style_missing_from_a_users_template_falls_back_to_normal(
    tmp_path: Path, briefing: Template, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "mine"
    shutil.copytree(briefing.folder, folder)
    base = docx.Document(str(folder / "style.docx"))
    for name in ("Source Line", "Marking", "Box", "Key Message", "toc 2"):
        style = base.styles[name].element
        style.getparent().remove(style)
    base.save(str(folder / "style.docx"))
    with caplog.at_level(logging.WARNING):
        word = build(tmp_path, sample_document(2), load_template(folder))
    for name in ("Source Line", "Marking", "Box", "Key Message", "toc 2"):
        assert f"no style '{name}'" in caplog.text
    assert {p.style.name for p in word.paragraphs if p.text.startswith("Source:")} == {"Normal"}
    assert [p.text for p in word.paragraphs[:1]] == ["RESTRICTED"]


def test_a_broken_style_base_is_a_usage_error(tmp_path: Path, briefing: Template) -> None:
    folder = tmp_path / "broken"
    shutil.copytree(briefing.folder, folder)
    template = load_template(folder)
    (folder / "style.docx").write_bytes(b"not a zip file")
    with pytest.raises(UsageError, match="style.docx: not a Word document"):
        write_docx(sample_document(1), template, tmp_path / "out.docx")
    assert not (tmp_path / "out.docx").exists()


def test_a_style_base_without_page_settings(tmp_path: Path, briefing: Template) -> None:
    folder = tmp_path / "bare"
    shutil.copytree(briefing.folder, folder)
    base = docx.Document(str(folder / "style.docx"))
    body = base.element.body
    body.remove(body.find(qn("w:sectPr")))
    base.save(str(folder / "style.docx"))
    word = build(tmp_path, sample_document(1, page_size="Letter"), load_template(folder))
    assert [round(s.page_width.mm, 1) for s in word.sections] == [215.9, 215.9]
    assert word.sections[-1].left_margin.mm == pytest.approx(
        side_margins(briefing, "Letter")[1] / 72 * 25.4, abs=0.1
    )


def test_empty_document_and_headings_without_contents(tmp_path: Path, briefing: Template) -> None:
    word = build(tmp_path, Document(DocumentInfo("Empty")), briefing, "empty.docx")
    assert len(word.paragraphs) == 1
    document = Document(
        DocumentInfo("Links"),
        [Contents(()), SectionHeading("Alone", "a", 3, "9"), KeyMessages("", ()), Note("", "")],
    )
    word = build(tmp_path, document, briefing, "odd.docx")
    assert headings_of(word) == [("Heading 3", "9. Alone")]


# -- LibreOffice ------------------------------------------------------------------------


needs_office = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("soffice", "pdftotext", "pdftoppm", "pdfinfo")),
    reason="LibreOffice (soffice) and poppler-utils are needed",
)


def convert(files: list[Path], out_dir: Path) -> list[Path]:
    """PDFs made by LibreOffice headless, with a private profile so runs do not clash, and
    the bundled Liberation fonts visible to it (as on a user's machine that has them)."""
    fonts_conf = out_dir / "fonts.conf"
    fonts_conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"<dir>{ROOT / 'resources' / 'fonts'}</dir><cachedir>{out_dir / 'font-cache'}</cachedir>"
        "</fontconfig>",
        encoding="utf-8",
    )
    profile = out_dir / "lo-profile"
    command = ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless"]
    command += ["--convert-to", "pdf", "--outdir", str(out_dir), *map(str, files)]
    environment = {**os.environ, "FONTCONFIG_FILE": str(fonts_conf)}
    subprocess.run(command, check=True, capture_output=True, timeout=300, env=environment)
    pdfs = [out_dir / f"{f.stem}.pdf" for f in files]
    assert all(p.is_file() for p in pdfs), sorted(p.name for p in out_dir.iterdir())
    return pdfs


def pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True)
    return text.stdout.split("\f")[:-1]


def light_grey_share(pdf: Path, page: int) -> float:
    """The share of a page's pixels in the light grey of the watermark (LibreOffice draws it
    as a shape, so it is not text that pdftotext could find)."""
    command = ["pdftoppm", "-gray", "-r", "30", "-f", str(page), "-l", str(page), str(pdf)]
    image = subprocess.run(command, check=True, capture_output=True).stdout
    magic, width, height, _maxval, pixels = image.split(maxsplit=4)
    assert magic == b"P5"
    count = int(width) * int(height)
    return sum(1 for value in pixels[:count] if 220 <= value <= 245) / count


@pytest.fixture(scope="module")
def office(
    tmp_path_factory: pytest.TempPathFactory, briefing: Template, handout: Template
) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("office")
    documents = {
        "draft": (sample_document(12, draft=True), briefing),
        "final": (sample_document(12, draft=False), briefing),
        "letter": (sample_document(3, draft=False, page_size="Letter"), briefing),
        "handout": (
            sample_document(6, cover=False, contents=False, draft=False, parts_on_new_pages=True),
            handout,
        ),
        "table-last": (ends_with_a_table(), briefing),
    }
    files = []
    for name, (document, template) in documents.items():
        write_docx(document, template, folder / f"{name}.docx")
        files.append(folder / f"{name}.docx")
    return dict(zip(documents, convert(files, folder), strict=True))


def ends_with_a_table() -> Document:
    """A pack whose last block is the sources table (the writer adds a paragraph after it)."""
    blocks = sample_document(3).blocks
    annex = next(b for b in blocks if isinstance(b, SourcesList))
    body = [b for b in blocks if isinstance(b, PartHeading | SectionHeading | Paragraph)][:-1]
    return Document(DocumentInfo("Ends with a table", marking="RESTRICTED"), [*body, annex])


def squash(text: str) -> str:
    return " ".join(text.split())


def lines_of(page: str) -> list[str]:
    return [line.strip() for line in page.splitlines() if line.strip()]


@needs_office
def test_libreoffice_shows_the_contents_entries(office: dict[str, Path]) -> None:
    contents = lines_of(pdf_pages(office["final"])[1])
    assert contents[2] == "Contents"
    expected = [squash(h.label) for h in sample_document(12).headings()]
    assert squash(" ".join(contents[3:-2])) == " ".join(expected)  # (long entries on two lines)


@needs_office
def test_libreoffice_shows_marking_and_page_numbers_after_the_cover(office: dict[str, Path]) -> None:
    for name in ("draft", "final"):
        pages = pdf_pages(office[name])
        cover = lines_of(pages[0])
        assert cover[0] == cover[-1] == "RESTRICTED" and not any("Page" in line for line in cover)
        body = pages[1:]
        assert len(body) >= 5
        for number, page in enumerate(body, 1):
            lines = lines_of(page)
            assert lines[:2] == ["RESTRICTED", "Briefing pack: remittances & <costs>"], (name, number)
            assert lines[-2:] == [f"Page {number} of {len(body)}", "RESTRICTED"], (name, number)


@needs_office
def test_libreoffice_counts_pages_when_a_table_ends_the_pack(office: dict[str, Path]) -> None:
    pages = pdf_pages(office["table-last"])
    assert len(pages) >= 2
    for number, page in enumerate(pages, 1):
        assert lines_of(page)[-2] == f"Page {number} of {len(pages)}"
    assert "unitar-seminars.txt" in pages[-1]


@needs_office
def test_libreoffice_shows_the_draft_watermark_on_every_page(office: dict[str, Path]) -> None:
    draft, final = office["draft"], office["final"]
    pages = len(pdf_pages(final))
    assert len(pdf_pages(draft)) == pages
    for page in range(1, pages + 1):
        assert light_grey_share(draft, page) > light_grey_share(final, page) + 0.01, page
    assert light_grey_share(final, pages) < 0.01  # the last page holds one line and no watermark


@needs_office
def test_libreoffice_page_size(office: dict[str, Path]) -> None:
    for name, size in (("final", (595.3, 841.9)), ("letter", (612.0, 792.0))):
        info = subprocess.run(
            ["pdfinfo", str(office[name])], check=True, capture_output=True, text=True
        ).stdout
        width, height = re.search(r"Page size: +([\d.]+) x ([\d.]+) pts", info).groups()
        assert (float(width), float(height)) == pytest.approx(size, abs=0.5), info


@needs_office
def test_libreoffice_handout_starts_with_the_first_part(office: dict[str, Path]) -> None:
    pages = pdf_pages(office["handout"])
    first = lines_of(pages[0])
    assert first[:3] == ["RESTRICTED", "Briefing pack: remittances & <costs>", "Objectives and key messages"]
    assert first[-2:] == [f"Page 1 of {len(pages)}", "RESTRICTED"]
    starts = [lines_of(page)[2] for page in pages]
    assert any(s.startswith("1. Part 1: Côte d’Ivoire") for s in starts)  # each part on a new page
    assert any(s.startswith("2. Part 2: Migration") for s in starts)


def test_a_title_longer_than_word_allows_in_the_file_properties(tmp_path: Path, briefing: Template) -> None:
    """Issue 13: python-docx refuses a file property over 255 characters; the property is cut
    with an ellipsis, the printed title stays whole."""
    title = "A very long title " * 30
    info = DocumentInfo(title, "RESTRICTED", False, "A4", "A. Officer " * 30, "Subject " * 40)
    word = build(tmp_path, Document(info, [Paragraph("Text.")]), briefing)
    props = word.core_properties
    assert 250 < len(props.title) <= 255 and props.title.endswith("…")
    assert title.strip().startswith(props.title[:-1])
    assert len(props.author) <= 255 and len(props.subject) <= 255
    assert title.strip() in header_xml(word.sections[0]) + "".join(p.text for p in word.paragraphs)


# -- issue 14: footnotes, lost text, keeping together, print conventions ------------------

W_NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}


@pytest.fixture(scope="module")
def speaking_notes() -> Template:
    return load_template(TEMPLATES / "speaking-notes")


def style_ids(word: docx.document.Document) -> dict[str, str]:
    return {s.name: s.style_id for s in word.styles}


def style_of(word: docx.document.Document, p) -> str:
    style = p.find(qn("w:pPr"))
    style = None if style is None else style.find(qn("w:pStyle"))
    return "Normal" if style is None else word.styles.element.get_by_id(style.get(qn("w:val"))).name_val


def test_notes_are_real_word_footnotes(tmp_path: Path, briefing: Template) -> None:
    document = realistic_document("briefing")
    word = build(tmp_path, document, briefing)
    with zipfile.ZipFile(tmp_path / "pack.docx") as package:
        footnotes = etree.fromstring(package.read("word/footnotes.xml"))
        types = package.read("[Content_Types].xml").decode()
        rels = package.read("word/_rels/document.xml.rels").decode()
    assert 'PartName="/word/footnotes.xml"' in types and "wordprocessingml.footnotes+xml" in types
    assert "relationships/footnotes" in rels and 'Target="footnotes.xml"' in rels
    notes = footnotes.findall("w:footnote", W_NS)
    special = [(n.get(qn("w:type")), n.get(qn("w:id"))) for n in notes if n.get(qn("w:type"))]
    assert special == [("separator", "-1"), ("continuationSeparator", "0")]
    texts = {n.get(qn("w:id")): "".join(n.itertext()).strip() for n in notes if n.get(qn("w:type")) is None}
    body = word.element.body
    references = body.xpath(".//w:footnoteReference/@w:id")
    # every reference resolves to its own note, and every note is referred to once
    assert references and sorted(references, key=int) == sorted(texts, key=int)
    assert len(set(references)) == len(references)
    expected = [
        run.note
        for block in document.blocks
        if isinstance(block, Paragraph)
        for run in block.runs
        if run.kind == "note"
    ]
    assert [texts[r] for r in references] == expected
    assert set(expected) <= set(NOTES)
    # each note starts with its own number mark, and both marks are raised by their style
    for note in notes:
        if note.get(qn("w:type")) is None:
            assert note.xpath(".//w:footnoteRef", namespaces=W_NS)
    ids = style_ids(word)
    for run in body.xpath(".//w:r[w:footnoteReference]"):
        assert run.xpath("./w:rPr/w:rStyle/@w:val") == [ids["footnote reference"]]
    assert word.styles["footnote reference"].font.superscript
    assert word.settings.element.xpath("./w:footnotePr/w:footnote/@w:id") == ["-1", "0"]


def test_a_marker_without_its_note_never_prints(tmp_path: Path, briefing: Template) -> None:
    runs = (Run("Text"), Run(kind="note", note="  "), Run(" and more"), Run(kind="note", note="A real note."))
    word = build(tmp_path, Document(DocumentInfo("T"), [Paragraph("Text and more", runs=runs)]), briefing)
    assert word.element.body.xpath(".//w:footnoteReference/@w:id") == ["1"]
    assert word.paragraphs[0].text == "Text and more"


def test_a_style_base_with_its_own_footnotes_part(tmp_path: Path, briefing: Template) -> None:
    """A base saved from Word holds a footnotes part already: the pack's replaces it."""
    word = build(tmp_path, realistic_document("briefing"), briefing, "first.docx")
    folder = tmp_path / "mine"
    shutil.copytree(briefing.folder, folder)
    shutil.copy(tmp_path / "first.docx", folder / "style.docx")
    build(tmp_path, realistic_document("briefing"), load_template(folder), "second.docx")
    with zipfile.ZipFile(tmp_path / "second.docx") as package:
        names = package.namelist()
        notes = etree.fromstring(package.read("word/footnotes.xml")).findall("w:footnote", W_NS)
    assert names.count("word/footnotes.xml") == 1
    assert len(notes) == 2 + len(word.element.body.xpath(".//w:footnoteReference"))


def test_lost_text_prints_in_its_own_style(tmp_path: Path, briefing: Template) -> None:
    runs = (Run("States might take to prevent te"), Run(kind="missing"), Run(" by representatives."))
    block = Paragraph("States might take to prevent te" + MISSING_TEXT + " by representatives.", runs=runs)
    word = build(tmp_path, Document(DocumentInfo("T"), [block, Paragraph("Clean.")]), briefing)
    assert word.paragraphs[0].text == block.text
    missing = [r for r in word.paragraphs[0].runs if r.style.name == "Missing Text"]
    assert [r.text for r in missing] == [MISSING_TEXT]
    style = word.styles["Missing Text"]
    assert style.font.italic and str(style.font.color.rgb) == "595959"
    assert style.element.xpath("./w:rPr/w:shd/@w:fill")  # shaded, not only grey
    assert all(r.style.name != "Missing Text" for r in word.paragraphs[1].runs)


def test_runs_follow_the_text_rules(tmp_path: Path, briefing: Template) -> None:
    runs = (
        Run("One  line\n\nSecond paragraph"),
        Run(kind="note", note="Note one.\n\nIts second paragraph."),
        Run("  ends. "),
    )
    word = build(tmp_path, Document(DocumentInfo("T"), [Paragraph("x", runs=runs)]), briefing)
    assert [p.text for p in word.paragraphs] == ["One line", "Second paragraph ends."]
    with zipfile.ZipFile(tmp_path / "pack.docx") as package:
        note = etree.fromstring(package.read("word/footnotes.xml")).findall("w:footnote", W_NS)[-1]
    assert ["".join(p.itertext()).strip() for p in note.findall("w:p", W_NS)] == [
        "Note one.",
        "Its second paragraph.",
    ]


def test_source_lines_and_notes_space_keep_with_their_excerpt(tmp_path: Path, handout: Template) -> None:
    word = build(tmp_path, realistic_document("handout"), handout)
    body = list(word.element.body)
    sources = [i for i, p in enumerate(body) if p.tag == qn("w:p") and style_of(word, p) == "Source Line"]
    assert len(sources) == 12
    for index in sources:
        before = body[index - 1]
        assert before.xpath("./w:pPr/w:keepNext"), "the excerpt's last paragraph keeps with its source line"
        if not before.xpath("./w:r") and body[index - 2].tag == qn("w:tbl"):  # a table ends the excerpt
            last_row = body[index - 2].findall(qn("w:tr"))[-1]
            assert all(p.xpath("./w:pPr/w:keepNext") for p in last_row.iter(qn("w:p")))
        # the handout's notes space follows, and stays on the source line's page
        assert body[index].xpath("./w:pPr/w:keepNext")
        assert style_of(word, body[index + 1]) == "Note Title"
        lines = body[index + 2 : index + 8]
        assert [style_of(word, p) for p in lines] == ["Notes Line"] * 6
        assert lines[-1].xpath("./w:pPr/w:keepNext/@w:val") == ["0"]  # not chained to what follows
    table = next(t for t in word.tables if t.style.name == "Excerpt Table")
    assert table._tbl.getnext().xpath("./w:pPr/w:keepNext")


def test_a_question_keeps_with_its_answer(tmp_path: Path, briefing: Template) -> None:
    word = build(tmp_path, realistic_document("briefing"), briefing)
    paragraphs = word.paragraphs
    for index, p in enumerate(paragraphs):
        if p.style.name == "Question":
            assert p._p.xpath("./w:pPr/w:keepNext") or word.styles["Question"].paragraph_format.keep_with_next
            assert paragraphs[index + 1].style.name == "Answer"


def test_mirrored_margins_and_gutter_for_the_handout(
    tmp_path: Path, handout: Template, briefing: Template
) -> None:
    assert handout.mirror_margins and handout.gutter_mm == 8
    word = build(tmp_path, realistic_document("handout"), handout)
    assert word.settings.element.find(qn("w:mirrorMargins")) is not None
    section = word.sections[-1]
    assert section.gutter.mm == pytest.approx(8, abs=0.1)
    side = side_margins(handout, "A4")[1] / 72 * 25.4
    assert section.left_margin.mm == section.right_margin.mm == pytest.approx(side, abs=0.1)
    text_width = round((210 - 2 * side - 8) * 1440 / 25.4)
    tab = word.styles["Notes Line"].element.xpath("./w:pPr/w:tabs/w:tab/@w:pos")[0]
    assert abs(int(tab) - text_width) <= 3
    word = build(tmp_path, realistic_document("briefing"), briefing, "briefing.docx")
    assert word.settings.element.find(qn("w:mirrorMargins")) is None
    assert all(s.gutter.mm == 0 for s in word.sections)


def test_handout_title_says_the_meeting_and_date_of_issue(tmp_path: Path, handout: Template) -> None:
    word = build(tmp_path, realistic_document("handout"), handout)
    first = [(p.style.name, p.text) for p in word.paragraphs[:6]]
    assert first == [
        ("Title", "Global Forum 2027: remittances and migration data"),
        ("Subtitle", "Handout"),
        ("Title Meeting", "Global Forum on Migration and Development"),
        ("Title Detail", "Genève, Switzerland"),
        ("Title Detail", "12–14 January 2027"),
        ("Title Detail", "Issued 3 December 2026"),
    ]
    bare = build(tmp_path, Document(DocumentInfo("T"), [Title("Only a title")]), handout, "bare.docx")
    assert [p.text for p in bare.paragraphs] == ["Only a title"]


def test_the_briefs_own_blocks_are_bookmarked_and_in_the_contents(tmp_path: Path, briefing: Template) -> None:
    document = realistic_document("briefing")
    word = build(tmp_path, document, briefing)
    body = word.element.body
    titled = [p for p in body.iter(qn("w:p")) if style_of(word, p) == "Brief Title"]
    assert ["".join(p.xpath(".//w:t/text()")) for p in titled] == ["Objectives", "Key messages", "If raised"]
    assert all(p.xpath("./w:bookmarkStart/@w:name") for p in titled)
    # listed by Word's navigation pane and an updated contents list: an outline level
    assert word.styles["Brief Title"].element.xpath("./w:pPr/w:outlineLvl/@w:val") == ["0"]
    assert '\\t "Brief Title,1"' in instructions(body)[0]
    names = set(body.xpath(".//w:bookmarkStart/@w:name"))
    contents = toc_paragraphs(word)
    assert [p.text for p in contents[:3]] == ["Objectives", "Key messages", "If raised"]
    assert set(body.xpath(".//w:hyperlink/@w:anchor")) <= names
    # the drafting note, which the contents does not list, keeps the plain title style
    assert "Drafting note" in [
        p.text for t in word.tables for p in t.cell(0, 0).paragraphs if p.style.name == "Note Title"
    ]


def test_sources_annex_lists_each_excerpt_with_its_page(tmp_path: Path, briefing: Template) -> None:
    document = realistic_document("briefing")
    word = build(tmp_path, document, briefing)
    annex = next(b for b in document.blocks if isinstance(b, SourcesList))
    (table,) = [t for t in word.tables if t.style.name == "Sources Table"]
    assert [c.text for c in table.rows[0].cells] == ["Excerpt", "In the source", "Page"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page
    rows = table.rows[1:]
    expected = []
    for entry in annex.entries:
        detail = f"{entry.symbol + ' · ' if entry.symbol else ''}{entry.date} · {entry.document}"
        expected.append([entry.meeting, detail])
        expected += [[x.label, x.where, ""] for x in entry.excerpts]
    found = []
    for row in rows:
        cells = row._tr.findall(qn("w:tc"))
        if len(cells) == 1:  # a document: its title, then its symbol, date and file
            assert cells[0].xpath("./w:tcPr/w:gridSpan/@w:val") == ["3"]
            found.append([p.text.replace("\u200b", "") for p in row.cells[0].paragraphs])
        else:
            found.append([c.text for c in row.cells])
    assert found == expected
    bookmarks = {
        start.get(qn("w:name")): "".join(start.getparent().xpath(".//w:t/text()"))
        for start in word.element.body.iter(qn("w:bookmarkStart"))
    }
    pages = [row.cells[2]._tc for row in rows if len(row._tr.findall(qn("w:tc"))) == 3]
    listed = [x for entry in annex.entries for x in entry.excerpts]
    for page, excerpt in zip(pages, listed, strict=True):
        (instruction,) = instructions(page)
        target = instruction.split()[1]
        assert instruction == f"PAGEREF {target} \\h" and bookmarks[target] == excerpt.label
    for name in ("Source Title", "Source Detail", "Source Excerpt"):
        assert word.styles[name].element.xpath("./w:pPr/w:suppressAutoHyphens"), name
    # a long file name breaks only after its separators; a short one is left as it is
    details = [row.cells[0].paragraphs[1].text for row in rows if len(row._tr.findall(qn("w:tc"))) == 1]
    long_name = details[0].rsplit(" · ", 1)[1]
    assert "\u200b" in long_name and re.fullmatch(r"[^\u200b]+(?:(?<=[-_./])\u200b[^\u200b]+)+", long_name)
    assert "\u200b" not in details[1]


def test_sources_annex_of_entries_without_excerpts(tmp_path: Path, briefing: Template) -> None:
    entries = (SourceEntry("a.txt", "A meeting", "", "2007", 3), SourceEntry("b.txt", "", "", "", 1))
    document = Document(DocumentInfo("T"), [SourcesList(entries), SourcesList(())])
    word = build(tmp_path, document, briefing)
    assert len(word.tables) == 1
    assert [[p.text for p in row.cells[0].paragraphs] for row in word.tables[0].rows[1:]] == [
        ["A meeting", "2007 · a.txt · 3 excerpts"],
        ["b.txt", "b.txt · 1 excerpt"],
    ]


def test_speaking_notes_on_cards(tmp_path: Path, speaking_notes: Template) -> None:
    assert speaking_notes.cards and 16 <= speaking_notes.body_size <= 18
    document = realistic_document("speaking-notes")
    word = build(tmp_path, document, speaking_notes)
    assert word.styles["Normal"].font.size.pt == speaking_notes.body_size
    assert word.styles["Normal"].paragraph_format.keep_together  # never a paragraph split over two pages
    starts = [p.text for p in word.paragraphs if p._p.xpath("./w:pPr/w:pageBreakBefore")]
    cards = sum(isinstance(b, PageBreak) for b in document.blocks)
    assert len(starts) == cards
    boxes = word.element.body.xpath("./w:tbl")
    assert len(boxes) >= 3  # a key message a card, each card's box after a page break
    for tbl in boxes[1:4]:
        assert tbl.getprevious().xpath("./w:pPr/w:pageBreakBefore")


def test_marking_language_and_creation_date(tmp_path: Path) -> None:
    for folder in sorted(TEMPLATES.iterdir()):
        template = load_template(folder)
        word = build(tmp_path, realistic_document("briefing"), template, f"{folder.name}.docx")
        assert word.styles["Marking"].font.size.pt == marking_size(template.body_size) <= 12
        defaults = word.styles.element.find(qn("w:docDefaults"))
        assert defaults.xpath(".//w:rPr/w:lang/@w:val", namespaces=W_NS) == ["en-GB"]
        assert word.settings.element.xpath("./w:themeFontLang/@w:val") == ["en-GB"]
        props = word.core_properties
        assert props.created.date().isoformat() == "2026-12-03" == props.modified.date().isoformat()


def test_the_draft_watermark_is_in_front_of_the_text(tmp_path: Path, briefing: Template) -> None:
    word = build(tmp_path, realistic_document("briefing", draft=True), briefing)
    xml = header_xml(word.sections[-1])
    style = re.search(r'id="PowerPlusWaterMarkObject\d+"[^>]*style="([^"]+)"', xml).group(1)
    assert int(re.search(r"z-index:(-?\d+)", style).group(1)) > 0  # above the tinted boxes
    assert re.search(r'<v:fill opacity="\.\d+"/>', xml)  # translucent: the text shows through


def test_styles_added_to_an_older_style_base(
    tmp_path: Path, briefing: Template, caplog: pytest.LogCaptureFixture
) -> None:
    """A user's copy of a template from before issue 14 has none of its styles: the
    writer adds them, so references are raised and lost text stands out."""
    folder = tmp_path / "older"
    shutil.copytree(briefing.folder, folder)
    base = docx.Document(str(folder / "style.docx"))
    for name in ("footnote text", "footnote reference", "Missing Text", "Brief Title", "Source Excerpt"):
        style = base.styles[name].element
        style.getparent().remove(style)
    base.save(str(folder / "style.docx"))
    with caplog.at_level(logging.WARNING):
        word = build(tmp_path, realistic_document("briefing"), load_template(folder))
    assert "no style" not in caplog.text
    assert word.styles["footnote reference"].font.superscript
    assert word.styles["Missing Text"].font.italic
    assert word.styles["Brief Title"].base_style.name == "Note Title"


# -- issue 14 as LibreOffice prints it ----------------------------------------------------

REALISTIC = [(t, size) for t in ("briefing", "handout", "speaking-notes") for size in ("A4", "Letter")]


@pytest.fixture(scope="module")
def realistic_pdfs(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[tuple[str, str], tuple[Document, list[str]]]:
    """The realistic pack in every template and paper, written to Word, printed by
    LibreOffice: each one's blocks and its pages' text."""
    folder = tmp_path_factory.mktemp("realistic")
    documents, files = {}, []
    for name, size in REALISTIC:
        document = realistic_document(name, size)
        path = folder / f"{name}-{size}.docx"
        write_docx(document, load_template(TEMPLATES / name), path)
        documents[(name, size)] = document
        files.append(path)
    pdfs = convert(files, folder)
    return {key: (documents[key], pdf_pages(pdf), pdf) for key, pdf in zip(documents, pdfs, strict=True)}


def body_lines(page: str) -> list[str]:
    """A page's lines without the running head (marking, title) and foot (page, marking)."""
    lines = [squash(line) for line in lines_of(page)]
    start = 2 if lines[:1] == ["RESTRICTED"] else 0
    if len(lines) >= 2 and lines[-2].startswith("Page "):
        lines = lines[:-2]
    return lines[start:]


@needs_office
@pytest.mark.slow
@pytest.mark.parametrize(("template", "size"), REALISTIC)
def test_libreoffice_prints_each_footnote_on_its_markers_page(
    realistic_pdfs, template: str, size: str
) -> None:
    document, pages, _pdf = realistic_pdfs[(template, size)]
    # pdftotext sets a raised number apart by a space or not: compared without spaces
    flat = [re.sub(r"\s+", "", "".join(body_lines(page))) for page in pages]
    number = 0
    for block in document.blocks:
        if not isinstance(block, Paragraph):
            continue
        for before, run in zip(block.runs, block.runs[1:], strict=False):
            if run.kind != "note":
                continue
            number += 1
            note = re.sub(r"\s+", "", run.note)
            holding = [i for i, page in enumerate(flat) if f"{number}{note}" in page]
            assert len(holding) == 1, (number, run.note)
            # the text the marker follows ends on that page (it may start on the page before)
            page = holding[0]
            before_marker = re.sub(r"\s+", "", before.text)[-25:]
            assert before_marker[-8:] in flat[page], (number, before_marker)
            assert before_marker in flat[page] or before_marker in flat[page - 1] + flat[page], before_marker
    assert number >= 3


@needs_office
@pytest.mark.slow
@pytest.mark.parametrize(("template", "size"), REALISTIC)
def test_libreoffice_keeps_source_lines_notes_and_answers_with_what_they_belong_to(
    realistic_pdfs, template: str, size: str
) -> None:
    document, pages, _pdf = realistic_pdfs[(template, size)]
    sources = [squash(b.text) for b in document.blocks if isinstance(b, SourceLine)]
    questions = {
        squash(p.question) for b in document.blocks if isinstance(b, QuestionsAnswers) for p in b.pairs
    }
    assert sources
    for number, page in enumerate(pages, 1):
        lines = body_lines(page)
        if not lines:
            continue
        first = lines[0]
        assert not any(source.startswith(first) for source in sources), (number, first)
        assert first != "Notes", number  # a notes space never parted from its excerpt
        assert lines[-1] not in questions, (number, lines[-1])
    missing = sum(squash(page).count(MISSING_TEXT) for page in pages)
    assert missing == sum(block.damaged for block in document.blocks if isinstance(block, Paragraph))


@needs_office
@pytest.mark.slow
@pytest.mark.parametrize("size", ["A4", "Letter"])
def test_libreoffice_prints_the_annexs_page_numbers(realistic_pdfs, size: str) -> None:
    document, pages, _pdf = realistic_pdfs[("briefing", size)]
    annex = next(b for b in document.blocks if isinstance(b, SourcesList))

    def start(text: str) -> str:  # a heading's first words: on its first line at any measure
        return " ".join(squash(text).split()[:3])

    printed_on: dict[str, int] = {}
    for page in pages[1:]:
        lines = lines_of(page)
        if "Contents" in lines[:3] or not lines[-2].startswith("Page "):
            continue
        number = int(lines[-2].split()[1])
        for line in lines:
            printed_on.setdefault(start(line), number)
    annex_page = next(page for page in pages if "Annex: Sources" in lines_of(page)[2:3])
    listed = [squash(line) for line in lines_of(annex_page)]
    assert "Excerpt In the source Page" in listed
    for entry in annex.entries:
        assert squash(entry.meeting) in squash(" ".join(listed))
        for excerpt in entry.excerpts:
            line = next(line for line in listed if line.startswith(f"{start(excerpt.label)} "))
            assert squash(excerpt.where).split()[0] in line, line  # the row: excerpt, where, page
            assert int(line.rsplit(" ", 1)[1]) == printed_on[start(excerpt.label)], excerpt.label


@needs_office
@pytest.mark.slow
@pytest.mark.parametrize("size", ["A4", "Letter"])
def test_libreoffice_prints_speaking_notes_a_card_a_page(realistic_pdfs, size: str) -> None:
    document, pages, _pdf = realistic_pdfs[("speaking-notes", size)]
    firsts = [body_lines(page)[0] for page in pages]
    seconds = [body_lines(page)[1:2] for page in pages]
    for block in document.blocks:
        if isinstance(block, PartHeading):
            assert squash(block.label) in firsts, block.label  # on its first excerpt's card, at its top
        if isinstance(block, SectionHeading):  # each excerpt starts its card, under its part's heading
            place = next(i for i, page in enumerate(pages) if squash(block.label) in body_lines(page)[:2])
            assert firsts[place] == squash(block.label) or seconds[place] == [squash(block.label)]
        if isinstance(block, KeyMessages):
            assert squash(block.title) in firsts, block.title
    assert len(pages) == 1 + sum(isinstance(b, PageBreak) for b in document.blocks)


@needs_office
@pytest.mark.slow
def test_libreoffice_prints_the_handout_title_and_mirrors_its_margins(realistic_pdfs, tmp_path: Path) -> None:
    _document, pages, pdf = realistic_pdfs[("handout", "A4")]
    first = squash(" ".join(body_lines(pages[0])))
    assert first.startswith(
        "Global Forum 2027: remittances and migration data Handout Global Forum on Migration and "
        "Development Genève, Switzerland 12–14 January 2027 Issued 3 December 2026"
    )
    # printed both sides: the text's left edge moves by the gutter from even to odd pages
    lefts = []
    for page in (2, 3):
        command = ["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"]
        boxes = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        lefts.append(min(float(x) for x in re.findall(r'<word xMin="([\d.]+)"', boxes)))
    mm = 72 / 25.4
    side = side_margins(load_template(TEMPLATES / "handout"), "A4")[1] / mm
    assert lefts == pytest.approx([side * mm, (side + 8) * mm], abs=1.5)  # outer, then inner with gutter


@needs_office
@pytest.mark.slow
def test_libreoffice_bookmarks_the_briefs_own_blocks_first(realistic_pdfs) -> None:
    """The navigation Word and LibreOffice build from outline levels, exported as the PDF's
    bookmarks: the brief's objectives, key messages and if-raised come first."""
    import pypdfium2 as pdfium

    document, _pages, pdf = realistic_pdfs[("briefing", "A4")]
    titles = [item.get_title() for item in pdfium.PdfDocument(pdf).get_toc()]
    contents = next(b for b in document.blocks if isinstance(b, Contents))
    assert titles[:3] == ["Objectives", "Key messages", "If raised"]
    assert titles == [entry.text for entry in contents.entries]


def test_a_pack_with_footnotes_builds_to_the_same_bytes(tmp_path: Path, handout: Template) -> None:
    for name in ("a.docx", "b.docx"):
        write_docx(realistic_document("handout"), handout, tmp_path / name)
    with zipfile.ZipFile(tmp_path / "a.docx") as a, zipfile.ZipFile(tmp_path / "b.docx") as b:
        assert "word/footnotes.xml" in a.namelist() and a.namelist() == b.namelist()
        for name in a.namelist():
            assert a.read(name) == b.read(name), name


def test_a_page_break_after_a_heading_goes_before_it(tmp_path: Path, speaking_notes: Template) -> None:
    """On cards a part heading comes just before the break of its first excerpt's card: it
    moves to that card, as the PDF does, and is never left at the foot of the card before."""
    blocks = [
        Paragraph("A card."),
        PartHeading("A part", "p1", "1"),
        PageBreak(),
        SectionHeading("Its first excerpt", "s1", 2, "1.1"),
        Paragraph("Text."),
    ]
    word = build(tmp_path, Document(DocumentInfo("T"), blocks), speaking_notes)
    breaks = [p.text for p in word.paragraphs if p._p.xpath("./w:pPr/w:pageBreakBefore")]
    assert breaks == ["1. A part"]
    word = build(tmp_path, Document(DocumentInfo("T"), blocks[1:]), speaking_notes, "top.docx")
    assert not word.element.body.xpath(".//w:pageBreakBefore")  # no blank first page


def test_word_is_told_the_fonts_of_the_same_metrics_and_hyphenates(
    tmp_path: Path, briefing: Template
) -> None:
    build(tmp_path, sample_document(2), briefing)
    with zipfile.ZipFile(tmp_path / "pack.docx") as package:
        fonts = etree.fromstring(package.read("word/fontTable.xml"))
        settings = etree.fromstring(package.read("word/settings.xml"))
    alternatives = {
        f.get(qn("w:name")): f.find(qn("w:altName")).get(qn("w:val"))
        for f in fonts.findall(qn("w:font"))
        if f.find(qn("w:altName")) is not None
    }
    assert (
        alternatives["Liberation Serif"] == "Times New Roman" and alternatives["Liberation Sans"] == "Arial"
    )
    assert settings.find(qn("w:autoHyphenation")) is not None
