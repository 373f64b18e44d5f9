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

from briefer.errors import UsageError
from briefer.export.docx_writer import (
    LAST_PAGE_BOOKMARK,
    bookmark_names,
    clean_text,
    write_docx,
)
from briefer.ir.blocks import (
    Contents,
    Document,
    DocumentInfo,
    KeyMessages,
    Note,
    Paragraph,
    PartHeading,
    SectionHeading,
    SourceLine,
    SourcesList,
)
from briefer.ir.templates import Template, load_template
from tests.export.documents import ROOT, TRICKY, sample_document

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
    word = build(tmp_path, sample_document(6), briefing)
    body = word.element.body
    assert not list(body.iter(qn("w:rPr"))), "runs must take their look from styles"


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
    assert instructions(first)[0] == 'TOC \\o "1-3" \\h \\z \\u'
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
    assert header == [("Marking", "SECRET"), ("Header", "Briefing pack: remittances & <costs>")]
    assert footer[-1] == ("Marking", "SECRET")
    assert footer[0][0] == "Footer" and footer[0][1].startswith("Page ")
    assert instructions(body.footer._element) == ["PAGE", f"PAGEREF {LAST_PAGE_BOOKMARK}"]
    # The page count is the page number of the last paragraph with text, in the body section.
    last = word.element.body.xpath(".//w:p[w:r]")[-1]
    assert last.xpath("./w:bookmarkStart/@w:name") == [LAST_PAGE_BOOKMARK]


def test_no_marking_paragraphs_when_unmarked(tmp_path: Path, briefing: Template) -> None:
    word = build(tmp_path, sample_document(3, marking=""), briefing)
    body = word.sections[-1]
    assert [p.style.name for p in body.header.paragraphs] == ["Header"]
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
        assert section.left_margin.mm == pytest.approx(briefing.margin_mm, abs=0.1)
        assert section.top_margin.mm == pytest.approx(briefing.margin_mm, abs=0.1)
    # Right tabs (contents page numbers, notes lines) sit at the right margin of this paper.
    text_width = round((width - 2 * briefing.margin_mm) * 1440 / 25.4)
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
    assert [p.text for p in word.sections[0].header.paragraphs] == ["SECRET", "Title"]
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


def test_sources_table_has_a_repeating_header_row(tmp_path: Path, briefing: Template) -> None:
    document = sample_document(6)
    sources = next(b for b in document.blocks if isinstance(b, SourcesList))
    word = build(tmp_path, document, briefing)
    table = next(t for t in word.tables if t.style.name == "Sources Table")
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["Document", "Meeting", "Symbol", "Date", "Excerpts"]
    assert rows[1] == [
        "gfmd-2007.txt",
        "Global Forum on Migration and Development, Brussels, 9–11 July 2007",
        "A/61/515",
        "2007-07-09",
        "6",
    ]
    assert len(rows) == 1 + len(sources.entries)
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert {p.style.name for p in table.rows[0].cells[0].paragraphs} == {"Table Heading"}


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
    assert [p.text for p in section.header.paragraphs] == ["Briefing pack: remittances & <costs>"]
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
    assert word.sections[-1].left_margin.mm == pytest.approx(briefing.margin_mm, abs=0.1)


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
    assert [squash(line) for line in contents[3:-2]] == expected


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
    assert "1. Part 1: Côte d’Ivoire & <Ελλάδα> “quoted” —" in starts  # each part on a new page
    assert "2. Part 2: Migration and development" in starts


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
