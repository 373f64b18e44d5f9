"""The PDF writer, read back as a reader would: page text, labels, outline, links, fonts, page sizes.

Text is read with pypdfium2 (always installed); the poppler tools (pdftotext, pdfinfo, pdffonts) give a
second opinion where the machine has them.
"""

from __future__ import annotations

import ctypes
import re
import shutil
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest

from briefer import __version__
from briefer.errors import UsageError
from briefer.export.pdf_writer import write_pdf
from briefer.ir.blocks import (
    MISSING_TEXT,
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
    Run,
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
        # the title at the foot, after the page number
        assert text.split(f"Page {number} of {total}", 1)[1].strip().startswith(TITLE), number


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


# --- issue 14: print conventions, read back from the pages --------------------------------------------


@dataclass(frozen=True, slots=True)
class _Char:
    text: str
    x: float  # origin
    y: float  # baseline
    left: float
    right: float
    size: float
    font: str
    fill: tuple[int, int, int, int]


def _chars(page: pdfium.PdfPage) -> list[_Char]:
    """Every drawn character (none pdfium made up) with its place, size, font and colour."""
    textpage = page.get_textpage()
    found = []
    buffer = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    for index in range(textpage.count_chars()):
        if pdfium_raw.FPDFText_IsGenerated(textpage.raw, index):
            continue
        x, y = ctypes.c_double(), ctypes.c_double()
        pdfium_raw.FPDFText_GetCharOrigin(textpage.raw, index, ctypes.byref(x), ctypes.byref(y))
        left, _, right, _ = textpage.get_charbox(index)
        pdfium_raw.FPDFText_GetFontInfo(textpage.raw, index, buffer, 256, ctypes.byref(flags))
        rgba = [ctypes.c_uint() for _ in range(4)]
        pdfium_raw.FPDFText_GetFillColor(textpage.raw, index, *(ctypes.byref(v) for v in rgba))
        found.append(
            _Char(
                chr(pdfium_raw.FPDFText_GetUnicode(textpage.raw, index)),
                x.value,
                y.value,
                left,
                right,
                round(pdfium_raw.FPDFText_GetFontSize(textpage.raw, index), 2),
                buffer.value.decode("latin-1"),
                tuple(v.value for v in rgba),
            )
        )
    return found


def _lines_of(chars: list[_Char]) -> list[list[_Char]]:
    """Characters grouped by baseline (and size), each line left to right, top to bottom."""
    lines: dict[tuple[float, float], list[_Char]] = {}
    for char in chars:
        lines.setdefault((round(char.y, 1), char.size), []).append(char)
    return [sorted(line, key=lambda c: c.x) for _, line in sorted(lines.items(), key=lambda kv: -kv[0][0])]


def _text_of(line: list[_Char]) -> str:
    return "".join(c.text for c in line)


def _noted_document(sections: int, notes_per_section: int = 4) -> Document:
    """Sections of real paragraphs, each paragraph with footnote references in it."""
    from itertools import cycle

    from tests.export.documents import _sample_paragraphs

    texts = cycle(_sample_paragraphs())
    blocks: list = []
    number = 0
    for section in range(sections):
        blocks.append(SectionHeading(f"Section {section + 1}", f"s-{section + 1}"))
        for _ in range(notes_per_section):
            number += 1
            text = next(texts)
            cut = text.index(" ", len(text) // 2)
            runs = (
                Run(f"{text[:cut]} ref{number:03d}"),
                Run(kind="note", note=f"Footnote {number:03d}: A/61/515, para. {number}."),
                Run(text[cut:]),
            )
            blocks.append(Paragraph(f"{text[:cut]} ref{number:03d}{text[cut:]}", runs=runs))
        blocks.append(SourceLine(f"Source: a meeting · paras. {section + 1}-{section + 4}"))
    return Document(
        DocumentInfo("Footnoted pack", MARKING, True, "A4", "A. Officer", "", "2026-11-23"), blocks
    )


def test_every_footnote_is_at_the_foot_of_its_references_page(tmp_path):
    """Issue 14: footnote markers printed with no notes. Each note now prints at the foot of
    the page holding its reference, numbered in order, under the text, across many pages."""
    document = _noted_document(30)
    out = _build(tmp_path, document)
    pdf = pdfium.PdfDocument(out)
    assert len(pdf) > 15
    marker_page: dict[int, int] = {}
    note_page: dict[int, int] = {}
    for index, page in enumerate(pdf):
        chars = _chars(page)
        stream = "".join(c.text for c in chars)  # in the order drawn
        body_bottom = min(c.y for c in chars if c.size == 11.0)
        for match in re.finditer(r"ref(\d{3})", stream):
            number = int(match.group(1))
            marker_page[number] = index
            # the raised number right after the word, smaller than the text
            after = chars[match.end() : match.end() + len(str(number))]
            assert "".join(c.text for c in after) == str(number), (
                number,
                stream[match.start() : match.end() + 9],
            )
            assert all(c.size < 11 and c.y > chars[match.end() - 1].y for c in after)
        for line in _lines_of([c for c in chars if c.size < 11]):
            text = _text_of(line)
            for match in re.finditer(r"Footnote (\d{3}):", text):
                number = int(match.group(1))
                note_page[number] = index
                assert line[0].y < body_bottom  # under the body text
        for match in re.finditer(r"Footnote (\d{3}):", stream):
            before = stream[: match.start()].rstrip()
            assert before.endswith(str(int(match.group(1)))), before[-8:]  # numbered as its reference
    numbers = list(range(1, 30 * 4 + 1))
    assert sorted(marker_page) == numbers
    assert sorted(note_page) == numbers
    for number in numbers:
        assert note_page[number] == marker_page[number], number


def test_a_paragraph_split_over_pages_takes_only_its_own_notes(tmp_path):
    """One very long paragraph with references all through it: each page holds the notes of
    the references on it, none of the others."""
    from tests.export.documents import _sample_paragraphs

    runs: list[Run] = []
    for number, text in enumerate(_sample_paragraphs()[:40], start=1):
        runs += [Run(f"{text} ref{number:03d}"), Run(kind="note", note=f"Footnote {number:03d}: a note.")]
        runs.append(Run(" "))
    plain = "".join(run.text for run in runs)
    document = Document(DocumentInfo("Long"), [Paragraph(plain, runs=tuple(runs))])
    pages = _pages(_build(tmp_path, document))
    assert len(pages) > 5
    for page in pages:
        refs = set(re.findall(r"ref(\d{3})", page))
        notes = set(re.findall(r"Footnote (\d{3}):", page))
        assert refs == notes


def test_lost_text_prints_in_its_own_style(tmp_path):
    runs = (Run("States might take to prevent "), Run(kind="missing"), Run(" the costs of transfers."))
    plain = f"States might take to prevent {MISSING_TEXT} the costs of transfers."
    document = Document(DocumentInfo("Lost"), [Paragraph(plain, runs=runs)])
    pdf = pdfium.PdfDocument(_build(tmp_path, document))
    chars = _chars(pdf[0])
    text = "".join(c.text for c in chars)
    assert "prevent [text missing in the source] the costs" in _flat(text)
    start = text.index("[text missing")
    missing = chars[start : start + len(MISSING_TEXT)]
    body = chars[text.index("States") : text.index("States") + 6]
    assert all("Italic" in c.font for c in missing)
    assert not any("Italic" in c.font for c in body)
    assert {c.fill for c in missing} != {c.fill for c in body}  # grey, not the body's ink
    # and a tint behind it: a filled rectangle drawn before its text
    kinds = [kind for kind, _ in _objects(pdf[0])]
    assert pdfium_raw.FPDF_PAGEOBJ_PATH in kinds


def _body_lines(path: Path, size: float = 11.0) -> list[list[list[_Char]]]:
    """Each page's lines of body text (the body font at the body size, no contents line)."""
    pages = []
    for page in pdfium.PdfDocument(path):
        lines = []
        for line in _lines_of(_chars(page)):
            text = _text_of(line)
            if line[0].size == size and "LiberationSerif" in line[0].font and ". . ." not in text:
                lines.append(line)
        pages.append(lines)
    return pages


@pytest.mark.parametrize(
    ("template", "size"), [("briefing", "A4"), ("briefing", "Letter"), ("handout", "A4")]
)
def test_body_lines_measure_65_to_80_characters_and_no_line_is_loose(tmp_path, template, size):
    """Issue 14: lines of about 100 characters, 27-32 % of them loose, some at four times
    normal word spacing. Measured from the characters' positions on the pages."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from tests.export.realistic import realistic_document

    body = _template(template).body_size
    path = _build(tmp_path, realistic_document(template, size), template=template)
    pages = _body_lines(path, body)
    lines = [line for page in pages for line in page]
    assert len(lines) > 200
    full = []
    for page in pages:  # a full line reaches the page's right edge (mirrored pages differ)
        if page:
            right = max(line[-1].right for line in page)
            full += [line for line in page if line[-1].right > right - 1.5]
    assert len(full) > len(lines) / 2
    lengths = [len(_text_of(line).rstrip()) for line in full]
    assert min(lengths) >= 65 and max(lengths) <= 80, (min(lengths), max(lengths))
    assert 68 <= sum(lengths) / len(lengths) <= 76
    space = stringWidth(" ", "LiberationSerif", body)
    widest = 0.0
    for line in lines:
        for a, b in zip(line, line[1:], strict=False):
            if a.text == " " and a.font == b.font:
                widest = max(widest, (b.x - a.x) / space)
    assert widest <= 2.0, widest
    hyphenated = [line for line in full if _text_of(line).rstrip().endswith("-")]
    assert hyphenated  # justified text is hyphenated


def test_pdf_language_creation_date_and_marking_size(tmp_path):
    from briefer.export.word_styles import marking_size

    document = sample_document(3)
    document.info = replace(document.info, date="2026-11-23")
    for template in ("briefing", "handout", "speaking-notes"):
        out = _build(tmp_path, document, template=template, name=f"{template}.pdf")
        data = out.read_bytes()
        assert b"/Lang (en)" in data
        meta = pdfium.PdfDocument(out).get_metadata_dict()
        assert meta["CreationDate"].startswith("D:20261123")
        expected = marking_size(_template(template).body_size)
        page = pdfium.PdfDocument(out)[1]
        sizes = {c.size for c in _chars(page) if c.text == "R" and "Bold" in c.font}
        marking_lines = [line for line in _lines_of(_chars(page)) if _text_of(line) == MARKING]
        assert len(marking_lines) == 2 and {line[0].size for line in marking_lines} == {expected}, sizes


def test_a_box_split_over_pages_says_continued_and_a_question_keeps_its_answer(tmp_path):
    from briefer.ir.blocks import KeyMessages, QuestionAnswer, QuestionsAnswers

    messages = tuple(f"Message {n}: remittances are private funds and must stay so." for n in range(90))
    pairs = tuple(
        QuestionAnswer(f"Question {n}: will you fund the secretariat?", "We are considering it. " * 14)
        for n in range(40)
    )
    document = Document(
        DocumentInfo("Boxes"),
        [
            KeyMessages("Lines to take", messages),
            QuestionsAnswers("If raised", pairs),
            Note("Drafting note", "A note longer than a page. " * 500),  # one row taller than a page
        ],
    )
    pages = _pages(_build(tmp_path, document))
    assert len(pages) >= 5
    continued = [page for page in pages if "(continued)" in page]
    assert len(continued) >= 3
    assert any("Lines to take (continued) • Message" in page for page in pages)
    assert any("If raised (continued) Q Question" in page for page in pages)
    assert all(page.count("(continued)") <= 1 for page in pages)  # a continuation starts its page
    for n in range(40):
        page = next(page for page in pages if f"Question {n}:" in page)
        after = page.split(f"Question {n}: will you fund the secretariat?", 1)[1]
        assert after.startswith(" A We are considering it."), n  # its answer starts on the same page


def test_running_heads_name_the_part_and_item_of_the_page(tmp_path):
    blocks: list = []
    from itertools import cycle

    from tests.export.documents import _sample_paragraphs

    texts = cycle(_sample_paragraphs())
    for part in range(1, 4):
        blocks.append(PartHeading(f"Part {part}", f"p{part}", str(part)))
        for section in range(1, 5):
            blocks.append(
                SectionHeading(f"Item {part}.{section}", f"s{part}-{section}", 2, f"{part}.{section}")
            )
            blocks += [Paragraph(next(texts)) for _ in range(4)]
    document = Document(DocumentInfo("Heads"), blocks)
    out = _build(tmp_path, document, template="handout")
    pdf = pdfium.PdfDocument(out)
    toc = {item.get_title(): item.get_dest().get_index() for item in pdf.get_toc()}
    headings = [(toc[h.label], h) for h in document.headings()]
    for index, page in enumerate(pdf):
        width, height = page.get_size()
        top = height - 22 * 72 / 25.4  # the handout's margins are 20 mm, the minimum 16
        head = _flat(page.get_textpage().get_text_bounded(0, top + 7, width, top + 19))
        head = head.removesuffix("Heads").strip()  # the pack's title, on the right
        starting = [h for p, h in headings if p == index]
        before = [h for p, h in headings if p < index]
        part_before = [h for h in before if isinstance(h, PartHeading)]
        item_before = [h for h in before if isinstance(h, SectionHeading)]
        # the page belongs to what runs on from the page before, or to the first item it starts
        allowed = []
        if part_before and item_before:
            allowed.append(f"{part_before[-1].label} {item_before[-1].label}")
        if starting:
            first = starting[0]
            if isinstance(first, PartHeading):
                allowed.append(first.label)
                allowed.append(f"{first.label} {starting[1].label}" if len(starting) > 1 else first.label)
            elif part_before:
                allowed.append(f"{part_before[-1].label} {first.label}")
        assert head in allowed, (index, head, allowed)


def test_brief_blocks_are_bookmarked_and_linked_from_the_contents(tmp_path):
    from briefer.ir.blocks import KeyMessages, QuestionAnswer, QuestionsAnswers

    blocks = [
        Contents(
            (
                ContentsEntry(1, "Objectives", "objectives"),
                ContentsEntry(1, "Key messages", "key-messages"),
                ContentsEntry(1, "If raised", "if-raised"),
                ContentsEntry(1, "1. Part", "p1"),
            )
        ),
        Note("Objectives", "Secure agreement.", "objectives", anchor="objectives"),
        KeyMessages("Key messages", ("Remittances are private funds.",), anchor="key-messages"),
        QuestionsAnswers("If raised", (QuestionAnswer("Q?", "A."),), anchor="if-raised"),
        PartHeading("Part", "p1", "1"),
        Paragraph("Text."),
    ]
    out = _build(tmp_path, Document(DocumentInfo("Brief"), blocks))
    pdf = pdfium.PdfDocument(out)
    outline = [(item.level, item.get_title(), item.get_dest().get_index()) for item in pdf.get_toc()]
    assert [title for _, title, _ in outline] == [
        "Contents",
        "Objectives",
        "Key messages",
        "If raised",
        "1. Part",
    ]
    assert all(page == 1 for _, title, page in outline if title != "Contents")
    names = [name for name in re.findall(rb"/Dest\s*/(\S+)|/D\s*/(\S+)", out.read_bytes())]
    assert names
    page = pdf[0]
    targets = 0
    position, link = ctypes.c_int(0), pdfium_raw.FPDF_LINK()
    while pdfium_raw.FPDFLink_Enumerate(page.raw, ctypes.byref(position), ctypes.byref(link)):
        dest = pdfium_raw.FPDFLink_GetDest(pdf.raw, link)
        assert pdfium_raw.FPDFDest_GetDestPageIndex(pdf.raw, dest) == 1
        targets += 1
    assert targets >= 4  # (the text and the page number of each entry)


def test_handout_title_says_meeting_place_dates_and_issue(tmp_path):
    from briefer.ir.blocks import Title

    title = Title(
        "Remittances",
        "Handout",
        "Global Forum on Migration and Development",
        "Geneva",
        "12-14 January 2027",
        "Issued 3 December 2026",
    )
    pages = _pages(
        _build(tmp_path, Document(DocumentInfo("R"), [title, Paragraph("Text.")]), template="handout")
    )
    assert (
        "Remittances Handout Global Forum on Migration and Development Geneva, 12-14 January 2027 "
        "Issued 3 December 2026 Text." in pages[0]
    )


def test_mirrored_margins_put_the_gutter_inside(tmp_path):
    handout = _template("handout")
    assert handout.mirror_margins and handout.gutter_mm > 0
    document = sample_document(12, cover=False, contents=False, draft=False)
    out = _build(tmp_path, document, template="handout")
    pdf = pdfium.PdfDocument(out)
    width = pdf[0].get_size()[0]
    gutter = handout.gutter_mm * 72 / 25.4
    edges = {}
    for index, page in enumerate(pdf):
        lines = [line for line in _lines_of(_chars(page)) if line[0].size == handout.body_size]
        if lines:
            edges[index + 1] = (min(line[0].left for line in lines), max(line[-1].right for line in lines))
    odd = [edges[n] for n in edges if n % 2]
    even = [edges[n] for n in edges if not n % 2]
    assert odd and even
    odd_left, odd_right = min(e[0] for e in odd), max(e[1] for e in odd)
    even_left, even_right = min(e[0] for e in even), max(e[1] for e in even)
    assert abs((odd_left - even_left) - gutter) < 1.5  # the inner margin is on the left of odd pages
    assert abs((width - even_right) - (odd_left)) < 1.5  # and on the right of even ones
    assert abs((width - odd_right) - even_left) < 1.5


def test_cards_never_cut_a_paragraph_or_a_sentence_across_pages(tmp_path):
    from tests.export.documents import _sample_paragraphs

    cards = _template("speaking-notes")
    assert cards.cards
    paragraphs = _sample_paragraphs()[:12]
    long = " ".join(paragraphs[:5])  # longer than a card: cut between sentences only
    blocks: list = []
    for index in range(0, 12, 3):
        blocks.append(SectionHeading(f"Card {index}", f"c{index}"))
        blocks += [Paragraph(text) for text in paragraphs[index : index + 3]]
        blocks.append(SourceLine("Source: a meeting · para. 3"))
        blocks.append(PageBreak())
    blocks += [SectionHeading("Long card", "long"), Paragraph(long)]
    pages = _pages(_build(tmp_path, Document(DocumentInfo("Cards"), blocks), template="speaking-notes"))
    lowered = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")  # marks print raised
    for text in paragraphs:
        assert any(_flat(text).translate(lowered) in page for page in pages), text[:40]
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z])", _flat(long).translate(lowered))
    for sentence in sentences:
        assert any(sentence in page for page in pages), sentence[:60]


def test_sources_annex_lists_excerpts_with_their_pages_and_never_breaks_a_word(tmp_path):
    from itertools import cycle

    from briefer.ir.blocks import SourceEntry, SourceExcerpt
    from tests.export.documents import _sample_paragraphs

    texts = cycle(_sample_paragraphs())
    blocks: list = []
    excerpts = []
    for n in range(1, 13):
        blocks.append(SectionHeading(f"Excerpt number {n}", f"e{n}", 2, f"1.{n}"))
        blocks += [Paragraph(next(texts)) for _ in range(3)]
        excerpts.append(SourceExcerpt(f"1.{n}. Excerpt number {n}", f"e{n}", f"lines {n * 10}-{n * 10 + 9}"))
    long_label = "1.13. Migrants in society and the human rights of migrants and of their families"
    blocks.append(SectionHeading(long_label[6:], "e13", 2, "1.13"))
    excerpts.append(SourceExcerpt(long_label, "e13", "lines 262-280"))
    name = "report_of_the_secretary-general_on_international_migration_and_development_2006/annex.txt"
    blocks.append(PartHeading("Sources", "sources"))
    blocks.append(
        SourcesList(
            (
                SourceEntry(
                    name,
                    "Global Forum, Brussels, 9-11 July 2007",
                    "A/61/515",
                    "2007-07-09",
                    8,
                    tuple(excerpts[:8]),
                ),
                SourceEntry("other.txt", "Seminar, New York", "", "2009", 4, tuple(excerpts[8:])),
            )
        )
    )
    out = _build(tmp_path, Document(DocumentInfo("Annex"), blocks), template="briefing")
    pdf = pdfium.PdfDocument(out)
    toc = {item.get_title(): item.get_dest().get_index() + 1 for item in pdf.get_toc()}
    annex = " ".join(_pages(out)[toc["Sources"] - 1 :])
    for excerpt in excerpts:
        match = re.search(re.escape(excerpt.label) + r" " + re.escape(excerpt.where) + r" (\d+)", annex)
        assert match, excerpt.label
        assert int(match.group(1)) == toc[excerpt.label], excerpt.label
    # a long label wraps at its own width (its cell is indented): no word left alone on a line
    annex_lines = [
        " ".join(line.split())
        for page in pdf
        for line in page.get_textpage().get_text_range().splitlines()
        if line.strip()
    ]
    assert not [line for line in annex_lines if line in long_label.split()], annex_lines
    # the file name: its lines end only where a space, slash, hyphen or underscore allows
    pattern = "".join(re.escape(char) + r"(\s*\n)?" for char in name)
    found = [
        match for page in pdf for match in [re.search(pattern, page.get_textpage().get_text_range())] if match
    ]
    assert found, "the file name is not printed whole"
    breaks = [
        name[index]
        for index, group in enumerate(found[0].groups())
        if group is not None and index < len(name) - 1
    ]
    assert breaks, "the name fits on one line: the test needs a longer one"
    assert all(char in " /-_" for char in breaks), breaks


def test_a_page_break_after_a_heading_goes_before_it(tmp_path):
    """Cards: a part heading, then the page break between cards: the heading goes with the
    card it introduces, never alone at the foot of the card before."""
    blocks = [
        SectionHeading("First card", "c1"),
        Paragraph("Text of the first card."),
        PartHeading("Part two", "p2", "2"),
        PageBreak(),
        SectionHeading("Second card", "c2"),
        Paragraph("Text of the second card."),
    ]
    pages = _pages(_build(tmp_path, Document(DocumentInfo("Cards"), blocks), template="speaking-notes"))
    assert len(pages) == 2
    assert "Part two" not in _body(pages[0], 1, 2, "Cards")
    assert _body(pages[1], 2, 2, "Cards").startswith("2. Part two Second card Text of the second card.")


def test_a_card_heading_never_stands_alone_over_its_paragraph(tmp_path):
    """A card whose paragraph fits a page but not under its heading: the paragraph is cut
    between sentences, so the heading keeps its first lines."""
    from tests.export.documents import _sample_paragraphs

    text = _flat(" ".join(_sample_paragraphs()[:8]))
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z])", text)
    blocks: list = []
    for length in range(1700, 2000, 8):  # about a page at 17 pt, around the heading's height
        chosen, size = [], 0
        for sentence in sentences:
            if size + len(sentence) > length:
                break
            chosen.append(sentence)
            size += len(sentence) + 1
        blocks += [
            SectionHeading(f"Card of {length}", f"c{length}"),
            Paragraph(" ".join(chosen)),
            PageBreak(),
        ]
    pages = _pages(_build(tmp_path, Document(DocumentInfo("Cards"), blocks), template="speaking-notes"))
    for number, page in enumerate(pages, start=1):
        body = _body(page, number, len(pages), "Cards")
        assert not re.fullmatch(r"Card of \d+", body), body


@pytest.mark.parametrize("after", [0, 30])
def test_a_note_longer_than_a_page_starts_on_its_references_page_and_goes_on(tmp_path, after):
    """No build fails on a very long note: it starts at the foot of its reference's page and
    goes on at the foot of the next pages, whole; text after it (or none) flows as usual."""
    from tests.export.documents import _sample_paragraphs

    runs = (
        Run("Text with a huge note"),
        Run(kind="note", note="Very long note. " * 800),
        Run(" and after it."),
    )
    blocks: list = [Paragraph("Text with a huge note and after it.", runs=runs)]
    blocks += [Paragraph(text) for text in _sample_paragraphs()[:after]]
    blocks.append(Paragraph("End of pack."))
    pages = _pages(_build(tmp_path, Document(DocumentInfo("Big"), blocks)))
    assert "Text with a huge note1 and after it." in pages[0]
    assert re.search(r"1\s*Very long note", pages[0])  # the note starts on its reference's page
    assert sum(page.count("Very") for page in pages) == 800
    assert any("End of pack." in page for page in pages)
    assert sum(1 for page in pages if "Very" in page) >= 3
