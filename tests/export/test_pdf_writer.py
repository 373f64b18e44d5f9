"""The PDF writer, read back as a reader would: page text, labels, outline, links, fonts, page sizes.

Text is read with pypdfium2 (always installed); the poppler tools (pdftotext, pdfinfo, pdffonts) give a
second opinion where the machine has them.
"""

from __future__ import annotations

import ctypes
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest

from briefer import __version__
from briefer.errors import UsageError
from briefer.export.pdf_writer import write_pdf
from briefer.ir.blocks import (
    Contents,
    ContentsEntry,
    Cover,
    Document,
    DocumentInfo,
    Note,
    NotesSpace,
    PageBreak,
    Paragraph,
    PartHeading,
    SectionHeading,
    SourceLine,
    SourcesList,
)
from briefer.ir.templates import Template, load_template
from tests.export.documents import ROOT, TRICKY, sample_document

TEMPLATES = ROOT / "templates"
SECTIONS = 40  # enough for a contents table over two pages
MARKING = "RESTRICTED"
TITLE = "Briefing pack: remittances & <costs>"

needs_poppler = pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")


def _template(name: str) -> Template:
    return load_template(TEMPLATES / name)


def _build(tmp_path: Path, document: Document, template: str = "briefing", name: str = "out.pdf") -> Path:
    out = tmp_path / name
    pages = write_pdf(document, _template(template), out)
    assert pages == len(pdfium.PdfDocument(out))
    return out


def _flat(text: str) -> str:
    return " ".join(text.split())


def _pages(path: Path) -> list[str]:
    """Each page's text with runs of white space as one space."""
    pdf = pdfium.PdfDocument(path)
    return [_flat(page.get_textpage().get_text_range()) for page in pdf]


def _body(page_text: str, number: int, total: int, title: str = TITLE) -> str:
    """A numbered page's text without its header and footer (drawn first, so they come first)."""
    furniture = f"Page {number} of {total}"
    body = page_text.split(furniture, 1)[1].strip()
    return body.removeprefix(title).strip()  # (the title follows on a page whose number is on the left)


@pytest.fixture(scope="module")
def briefing(tmp_path_factory) -> tuple[Document, Path]:
    document = sample_document(SECTIONS)
    out = tmp_path_factory.mktemp("pdf") / "briefing.pdf"
    write_pdf(document, _template("briefing"), out)
    return document, out


@pytest.fixture(scope="module")
def briefing_pages(briefing) -> list[str]:
    return _pages(briefing[1])


@pytest.fixture(scope="module")
def printed_contents(briefing, briefing_pages) -> list[tuple[str, int, int]]:
    """(entry text, level, printed page) as the contents pages print them, in order."""
    document, _ = briefing
    contents = next(block for block in document.blocks if isinstance(block, Contents))
    text = " ".join(page for page in briefing_pages if " . . . " in page)
    found = []
    for entry in contents.entries:
        match = re.search(re.escape(_flat(entry.text)) + r"(?: \.)+ (\d+)", text)
        assert match, f"contents entry missing: {entry.text}"
        found.append((entry.text, entry.level, int(match.group(1))))
    return found


# --- pages and furniture --------------------------------------------------------------------------------


def test_page_count_is_returned_and_matches_the_file(tmp_path):
    document = sample_document(6)
    out = tmp_path / "pack.pdf"
    pages = write_pdf(document, _template("briefing"), out)
    assert pages == len(pdfium.PdfDocument(out)) >= 5
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
        assert re.search(rf"^Pages:\s+{pages}$", info, re.M)


def test_cover_is_its_own_page_with_markings_and_no_running_furniture(briefing_pages):
    cover = briefing_pages[0]
    for text in (TITLE, "Global Forum 2026 preparation", "Global Forum on Migration and Development"):
        assert text in cover
    for text in ("Genève, Switzerland", "12–14 January 2027", "Delegation of Côte d’Ivoire", "A. Officer"):
        assert text in cover
    assert "23 November 2026" in cover
    assert cover.count(MARKING) == 2  # top and bottom
    assert "Page " not in cover
    assert "Contents" not in cover


def test_every_page_after_the_cover_has_marking_title_and_page_x_of_y(briefing_pages):
    total = len(briefing_pages) - 1
    for number, text in enumerate(briefing_pages[1:], start=1):
        assert text.count(f"Page {number} of {total}") == 1, number
        assert text.count(MARKING) >= 2, number  # header and footer
        assert text.startswith(MARKING), number
        assert TITLE in text.split(f"Page {number}")[0], number


def test_page_labels_match_the_printed_numbers(briefing):
    pdf = pdfium.PdfDocument(briefing[1])
    assert pdf.get_page_label(0) == "Cover"
    assert [pdf.get_page_label(index) for index in range(1, len(pdf))] == [str(n) for n in range(1, len(pdf))]


def test_pages_without_a_cover_are_numbered_from_the_first(tmp_path):
    out = _build(tmp_path, sample_document(4, cover=False, contents=False))
    pages = _pages(out)
    pdf = pdfium.PdfDocument(out)
    assert pdf.get_page_label(0) == "1"
    assert f"Page 1 of {len(pages)}" in pages[0]
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]


def test_no_marking_means_none_printed(tmp_path):
    pages = _pages(_build(tmp_path, sample_document(3, marking="", draft=False)))
    assert not any(MARKING in page for page in pages)
    assert "Page 1 of" in pages[1]


# --- contents, outline, links ---------------------------------------------------------------------------


def test_contents_spans_pages_and_lists_every_entry(briefing, printed_contents, briefing_pages):
    document, _ = briefing
    headings = document.headings()
    assert len(printed_contents) == len(headings)
    contents_pages = [n for n, page in enumerate(briefing_pages) if " . . . " in page]
    assert contents_pages[0] == 1 and len(contents_pages) >= 2  # on the page after the cover, continued


def test_contents_page_numbers_are_where_each_heading_is(briefing_pages, printed_contents):
    for text, _, page in printed_contents:
        assert _flat(text) in briefing_pages[page], f"{text!r} is not on page {page}"
        if page > 2:
            assert _flat(text) not in briefing_pages[page - 1]


def test_outline_holds_the_contents_nested_by_level(briefing, printed_contents):
    pdf = pdfium.PdfDocument(briefing[1])
    outline = [(item.level, item.get_title(), item.get_dest().get_index()) for item in pdf.get_toc()]
    assert outline[0][:2] == (0, "Contents") and outline[0][2] == 1
    expected = [(level - 1, _flat(text), page) for text, level, page in printed_contents]
    assert outline[1:] == expected  # page index == printed page, thanks to the cover
    assert {level for level, _, _ in outline} == {0, 1, 2}


def test_contents_entries_link_to_their_headings(briefing, printed_contents):
    pdf = pdfium.PdfDocument(briefing[1])
    targets: dict[str, int] = {}
    for page_index in range(1, 4):
        page = pdf[page_index]
        textpage = page.get_textpage()
        position, link = ctypes.c_int(0), pdfium_raw.FPDF_LINK()
        while pdfium_raw.FPDFLink_Enumerate(page.raw, ctypes.byref(position), ctypes.byref(link)):
            dest = pdfium_raw.FPDFLink_GetDest(pdf.raw, link)
            rect = pdfium_raw.FS_RECTF()
            pdfium_raw.FPDFLink_GetAnnotRect(link, ctypes.byref(rect))
            text = _flat(textpage.get_text_bounded(rect.left, rect.bottom, rect.right, rect.top))
            targets.setdefault(text, pdfium_raw.FPDFDest_GetDestPageIndex(pdf.raw, dest))
    for entry, _, page in printed_contents:
        start = _flat(entry)[:20]
        linked = [target for text, target in targets.items() if start in text]  # the watermark may show too
        assert linked and set(linked) == {page}, entry


def test_contents_entries_without_a_heading_are_left_out_and_levels_never_skip(tmp_path):
    entries = (
        ContentsEntry(1, "1. Part", "p1"),
        ContentsEntry(3, "1.1.1. Deep", "deep"),
        ContentsEntry(2, "Gone", "no-such-heading"),
    )
    blocks = [
        Contents(entries),
        PartHeading("Part", "p1", "1"),
        SectionHeading("Deep", "deep", 3, "1.1.1"),
        Paragraph("Text."),
    ]
    out = _build(tmp_path, Document(DocumentInfo("T"), blocks))
    pages = _pages(out)
    assert "Gone" not in pages[0]
    assert re.search(r"1\.1\.1\. Deep(?: \.)+ 2", pages[0])
    outline = [(item.level, item.get_title()) for item in pdfium.PdfDocument(out).get_toc()]
    assert outline == [(0, "Contents"), (0, "1. Part"), (1, "1.1.1. Deep")]


def test_headings_are_never_last_on_a_page_and_sources_never_first(briefing, briefing_pages):
    document, _ = briefing
    total = len(briefing_pages) - 1
    bodies = [
        _body(text, number, total)
        for number, text in enumerate(briefing_pages[1:], start=1)
        if " . . . " not in text  # the contents pages
    ]
    for heading in document.headings():
        printed = _flat(f"{heading.number}. {heading.text}" if heading.number else heading.text)
        for body in bodies:
            assert not body.endswith(printed), printed
    for body in bodies:
        assert not body.startswith("Source:")


# --- blocks and text ------------------------------------------------------------------------------------


def test_tricky_text_survives_intact(briefing_pages):
    text = " ".join(briefing_pages)
    assert f"1. Part 1: {TRICKY}" in text
    assert f"1.1. Excerpt 1 on remittances and {TRICKY}" in text
    assert "We are considering a contribution <in kind> & in cash." in text
    assert "A short paragraph with & and < and > in it." in text
    assert "Will you fund the Forum’s secretariat?" in text
    assert f"Support lower transfer costs in {TRICKY}." in text
    assert "&amp;" not in text and "&lt;" not in text


def test_every_excerpt_has_its_source_line(briefing_pages):
    text = " ".join(briefing_pages)
    for index in range(SECTIONS):
        source = (
            "Source: Global Forum on Migration and Development, Brussels, 9–11 July 2007 · A/61/515 · "
            f"paras. {index + 1}–{index + 3} · pp. 4–5 ·"
        )
        assert source in text


def test_written_blocks_and_sources_table(briefing_pages):
    text = " ".join(briefing_pages)
    for expected in (
        "Objectives Secure agreement on the remittances paragraph. Avoid reopening 2007 language.",
        "Lines to take • Remittances are private funds.",
        "If raised Q Will you fund",
        "Excerpt In the source Page Global Forum on Migration and Development, Brussels, 9–11 July 2007",
        f"A/61/515 · 2007-07-09 · gfmd-2007.txt · {SECTIONS} excerpts",
        "UNITAR migration and development seminar, New York 2009-03-12 · unitar-seminars.txt · 1 excerpt",
        "Notes",
        "End of pack.",
    ):
        assert expected in text, expected


def test_control_characters_and_unusual_text_do_not_break_the_build(tmp_path):
    odd = "before \x00\x07\x0b\x1b\x7f\x85\ufffe\ud800 emoji 😀 中文 after\ttab"
    info = DocumentInfo(f"Title {odd}", marking="SECRET\x07", author="A\x00B")
    blocks = [
        PartHeading(odd, "p1", "1"),
        SectionHeading("<b>not bold</b> & <br/>", "weird anchor \"'<>&", 2, "1.1"),
        Paragraph(odd + "\n\nsecond paragraph"),
        SourceLine("Source: " + odd),
    ]
    pages = _pages(_build(tmp_path, Document(info, blocks)))
    text = " ".join(pages)
    assert "before" in text and "after tab" in text and "second paragraph" in text
    assert "1.1. <b>not bold</b> & <br/>" in text
    assert "SECRET" in text


def test_every_paragraph_style_and_empty_blocks(tmp_path):
    blocks = [
        PartHeading("Part", "p1"),
        Paragraph("A lead paragraph.", "lead"),
        Paragraph("A quoted paragraph.", "quote"),
        Paragraph("An unknown style falls back to body.", "fancy"),
        Paragraph("First.\r\n\r\nSecond after a Windows blank line."),
        Note("Note", "One line\nnext line\n\nSecond paragraph"),
        Note("Empty note", ""),
        SourcesList(()),
        NotesSpace(0),
        NotesSpace(3),
    ]
    text = " ".join(_pages(_build(tmp_path, Document(DocumentInfo("T"), blocks))))
    for expected in (
        "A lead paragraph. A quoted paragraph. An unknown style falls back to body. First. Second after",
        "Note One line next line Second paragraph Empty note Notes",
    ):
        assert expected in text


def test_page_breaks_never_leave_a_blank_page(tmp_path):
    blocks = [
        Paragraph("One"),
        PageBreak(),
        PageBreak(),
        PartHeading("Two", "p2", "2", new_page=True),
        Paragraph("Two text"),
        PageBreak(),
    ]
    pages = _pages(_build(tmp_path, Document(DocumentInfo("T"), blocks)))
    assert len(pages) == 2
    assert pages[1].endswith("2. Two Two text")


def test_the_cover_prints_its_own_marking(tmp_path):
    info = DocumentInfo("T", marking="RESTRICTED")
    blocks = [Cover("Cover title", marking="CONFIDENTIAL"), Paragraph("Body")]
    pages = _pages(_build(tmp_path, Document(info, blocks)))
    assert pages[0].count("CONFIDENTIAL") == 2 and "RESTRICTED" not in pages[0]
    assert pages[1].count("RESTRICTED") == 2 and "CONFIDENTIAL" not in pages[1]


def test_an_empty_document_makes_one_page(tmp_path):
    out = _build(tmp_path, Document(DocumentInfo("Nothing yet")))
    assert len(pdfium.PdfDocument(out)) == 1


# --- fonts, watermark, paper, metadata ------------------------------------------------------------------


def test_fonts_are_embedded_subsets_and_no_base14_font_is_used(briefing):
    raw = briefing[1].read_bytes()
    names = set(re.findall(rb"/BaseFont\s*/([A-Za-z0-9+\-]+)", raw))
    assert names and all(re.match(rb"[A-Z]{6}\+Liberation", name) for name in names), names
    assert raw.count(b"/FontFile2") >= len(names)


@needs_poppler
def test_pdffonts_reports_every_font_embedded(briefing):
    output = subprocess.run(["pdffonts", str(briefing[1])], capture_output=True, text=True, check=True).stdout
    rows = output.splitlines()[2:]
    assert rows
    for row in rows:
        assert "Liberation" in row and re.search(r"\byes\s+yes\s+(yes|no)\s+\d+\s+\d+$", row), row
    for base in ("Helvetica", "Times", "Courier", "Symbol"):
        assert base not in output


@needs_poppler
def test_pdftotext_reads_the_tricky_text(briefing):
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(briefing[1]), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert TRICKY in _flat(text)


def _objects(page: pdfium.PdfPage) -> list[tuple[int, int]]:
    """The page's objects in the order drawn: (type, fill alpha)."""
    found = []
    for index in range(pdfium_raw.FPDFPage_CountObjects(page.raw)):
        obj = pdfium_raw.FPDFPage_GetObject(page.raw, index)
        r, g, b, a = (ctypes.c_uint() for _ in range(4))
        pdfium_raw.FPDFPageObj_GetFillColor(obj, *(ctypes.byref(v) for v in (r, g, b, a)))
        found.append((pdfium_raw.FPDFPageObj_GetType(obj), a.value))
    return found


def test_draft_watermark_only_when_draft_drawn_last_translucent_and_not_text(tmp_path):
    """Issue 14: the watermark was drawn under the tinted boxes and copied as "DR/AF/T"."""
    draft = _build(tmp_path, sample_document(3, draft=True), name="draft.pdf")
    final = _build(tmp_path, sample_document(3, draft=False), name="final.pdf")
    for path in (draft, final):
        text = " ".join(_pages(path))
        for piece in ("DRAFT", "DR ", "AF ", " T "):
            assert piece not in text
    path_type = pdfium_raw.FPDF_PAGEOBJ_PATH
    for page in pdfium.PdfDocument(draft):  # the cover included
        objects = _objects(page)
        # the last thing drawn: translucent shapes (the letters), after every text and box
        watermark = [i for i, (kind, alpha) in enumerate(objects) if kind == path_type and 0 < alpha < 80]
        assert watermark and watermark[-1] == len(objects) - 1
        assert all(kind == path_type for kind, _ in objects[watermark[0] :])
    for page in pdfium.PdfDocument(final):
        assert not any(0 < alpha < 80 for _, alpha in _objects(page))


@pytest.mark.parametrize(("size", "expected"), [("A4", (595.28, 841.89)), ("Letter", (612.0, 792.0))])
def test_paper_size(tmp_path, size, expected):
    pdf = pdfium.PdfDocument(_build(tmp_path, sample_document(3, page_size=size)))
    for page in pdf:
        box = page.get_mediabox()
        assert (round(box[2], 2), round(box[3], 2)) == expected


def test_unknown_paper_font_or_sizes_are_usage_errors(tmp_path):
    document = sample_document(1)
    with pytest.raises(UsageError, match="A4 or Letter"):
        write_pdf(
            Document(replace(document.info, page_size="B5"), document.blocks),
            _template("briefing"),
            tmp_path / "x.pdf",
        )
    with pytest.raises(UsageError, match="LiberationSans"):
        write_pdf(document, replace(_template("briefing"), body_font="Arial"), tmp_path / "x.pdf")
    with pytest.raises(UsageError):
        write_pdf(
            document, replace(_template("briefing"), heading_font="../../etc/passwd"), tmp_path / "x.pdf"
        )
    with pytest.raises(UsageError, match="body_size is 0; set it between 6 and 24"):
        write_pdf(document, replace(_template("briefing"), body_size=0), tmp_path / "x.pdf")
    with pytest.raises(UsageError, match="margin_mm is 120"):
        write_pdf(document, replace(_template("briefing"), margin_mm=120), tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_metadata(briefing):
    meta = pdfium.PdfDocument(briefing[1]).get_metadata_dict()
    assert meta["Title"] == TITLE
    assert meta["Author"] == "A. Officer"
    assert meta["Subject"] == "Global Forum on Migration and Development"
    assert meta["Creator"] == f"Briefer {__version__}"
    assert b"/PageMode /UseOutlines" in briefing[1].read_bytes()  # opens with the bookmarks shown


def test_same_document_same_bytes(tmp_path):
    first = _build(tmp_path, sample_document(8), name="first.pdf")
    second = _build(tmp_path, sample_document(8), name="second.pdf")
    assert first.read_bytes() == second.read_bytes()


# --- templates ------------------------------------------------------------------------------------------


def test_handout_has_no_cover_or_contents_and_starts_each_part_on_a_page(tmp_path):
    document = sample_document(12, cover=False, contents=False, draft=False, parts_on_new_pages=True)
    pages = _pages(_build(tmp_path, document, template="handout"))
    total = len(pages)
    assert pdfium.PdfDocument(tmp_path / "out.pdf").get_page_label(0) == "1"
    assert not any(" . . . " in page for page in pages)
    bodies = [_body(text, number, total) for number, text in enumerate(pages, start=1)]
    assert bodies[0].startswith("Objectives and key messages")
    parts = [block for block in document.blocks if isinstance(block, PartHeading)]
    for part in parts:
        printed = _flat(f"{part.number}. {part.text}" if part.number else part.text)
        assert any(body.startswith(printed) for body in bodies), printed
    assert not any(body == "" for body in bodies)  # no blank pages


def test_handout_notes_space_stays_under_its_section(tmp_path):
    document = sample_document(15, cover=False, contents=False, draft=False)
    blocks = []
    for block in document.blocks:
        blocks.append(block)
        if isinstance(block, SourceLine):
            blocks.append(NotesSpace(6))  # as the handout template asks
    document.blocks[:] = blocks
    pages = _pages(_build(tmp_path, document, template="handout"))
    bodies = [_body(text, number, len(pages)) for number, text in enumerate(pages, start=1)]
    assert sum(body.count("Notes") for body in bodies) == 15 + 1  # and the one after the annex
    for body in bodies:
        assert not body.startswith(("Notes", "Source:")), body[:80]


def test_handout_outline_comes_from_the_headings_when_there_is_no_contents(tmp_path):
    document = sample_document(3, cover=False, contents=False)
    pdf = pdfium.PdfDocument(_build(tmp_path, document, template="handout"))
    titles = [(item.level, item.get_title()) for item in pdf.get_toc()]
    assert (0, f"1. Part 1: {TRICKY}") in titles
    assert (1, f"1.1. Excerpt 1 on remittances and {TRICKY}") in titles
    assert (2, "1.1.1. A subsection under the first excerpt") in titles


def test_speaking_notes_use_the_sans_body_font(tmp_path):
    out = _build(tmp_path, sample_document(4, cover=False, contents=False), template="speaking-notes")
    names = set(re.findall(rb"/BaseFont\s*/[A-Z]{6}\+([A-Za-z\-]+)", out.read_bytes()))
    assert names and all(name.startswith(b"LiberationSans") for name in names), names


def test_progress_is_reported_in_order_up_to_the_total(tmp_path):
    calls: list[tuple[int, int]] = []
    write_pdf(
        sample_document(10),
        _template("briefing"),
        tmp_path / "p.pdf",
        progress=lambda d, t: calls.append((d, t)),
    )
    assert len(calls) >= 10
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert calls[-1][0] == calls[-1][1]
    assert all(0 < done <= total for done, total in calls)


def test_footnote_marks_print_whole(tmp_path) -> None:
    """ "¹⁰" prints as 10 raised: the bundled fonts have no superscript zero."""
    from briefer.export.pdf_writer import _markup

    assert _markup("rights.¹⁰ More <b>") == "rights.<super>10</super> More &lt;b&gt;"


def test_long_text_costs_its_length_not_its_square(tmp_path) -> None:
    """Issue 13: a 300,000-character word took minutes (its lines were broken again on every
    page) and a 30,000-character title over a minute (the running header shrank it one
    character at a time). Both are now done in one pass; the text prints whole."""
    import time

    title = "Title " * 5_000
    word = "x" * 300_000
    info = DocumentInfo(title, "M" * 10_000, False, "A4", "A. Officer", "")
    document = Document(info, [Paragraph(f"Before {word} after."), Paragraph("End of pack.")])
    started = time.monotonic()
    out = _build(tmp_path, document)
    assert time.monotonic() - started < 15  # before: not done in 120 s
    text = "".join(_pages(out))
    assert text.count("x") == len(word)
    assert "Before x" in text and "x after." in text and "Title Title" in text
    assert "…" in text  # the running header: the title cut to fit
