"""Render a block document to Word (.docx), starting from the template's style base.

Every paragraph gets a named style of `template.style_docx` and (almost) no direct
formatting, so a user restyles a whole pack, or every pack, by editing styles in Word.
The XML is built with lxml directly (`word_xml.py`): python-docx's per-paragraph style lookup by name
costs more than everything else together on a long pack.

What a word processor shows without updating fields decides the choices here:

- The contents list is a real TOC field whose cached result already holds one linked
  entry per heading (hyperlinks to bookmarks placed on the headings). LibreOffice shows
  that cached result as it is and never updates it on opening, so entries carry no page
  numbers (an empty PAGEREF result would print dot leaders running to nothing). The
  file asks Word to update its fields on opening (w:updateFields), which rebuilds the
  list with page numbers.
- "Page X of Y" counts from 1 after the cover: Y is a PAGEREF to a bookmark on the last
  paragraph, which both Word and LibreOffice compute at layout time. SECTIONPAGES would
  be Word's own answer, but LibreOffice (7.4) prints its cached value instead. The
  sources annex prints each excerpt's page the same way (a PAGEREF to its heading).
- A paragraph's footnote references are real Word footnotes (`word_notes.py`); text lost
  in the source prints as MISSING_TEXT in the "Missing Text" character style.
- What must not be parted is kept together by keep-with-next, as LibreOffice honours it: an
  excerpt's last paragraph with its source line, a source line with the notes space after
  it, a question with its answer.
- The brief's own blocks (objectives, key messages, if raised) title their box in the
  "Brief Title" style, which has an outline level: Word's navigation pane, an updated
  contents list and LibreOffice's PDF bookmarks list them as they list the headings.
"""

from __future__ import annotations

import copy
import logging
import os
import re
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from lxml import etree

from briefer.errors import UsageError
from briefer.export.columns import column_widths, on_two_lines
from briefer.export.measure import side_margins
from briefer.export.word_notes import Footnotes
from briefer.export.word_styles import added_styles, word_font_name
from briefer.export.word_xml import W_P, W_PPR, W_PSTYLE, W_R, W_VAL, XML_SPACE, WordXml, clean_text
from briefer.ir import text as text_rules
from briefer.ir.blocks import (
    MISSING_TEXT,
    PAPER_SIZES,
    Block,
    Contents,
    Cover,
    Document,
    KeyMessages,
    Note,
    NotesSpace,
    PageBreak,
    Paragraph,
    PartHeading,
    QuestionsAnswers,
    SectionHeading,
    SourceLine,
    SourcesList,
    Table,
    Title,
)
from briefer.ir.templates import Template

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]

TWIPS_PER_MM = 1440 / 25.4
PROGRESS_EVERY = 25
WATERMARK_TEXT = "DRAFT"
# Headings 1-3, and the titles of the brief's own blocks (objectives, key messages, if
# raised) at the contents' first level.
BRIEF_TITLE_STYLE = "Brief Title"
TOC_INSTRUCTION = f' TOC \\o "1-3" \\h \\z \\u \\t "{BRIEF_TITLE_STYLE},1" '
LAST_PAGE_BOOKMARK = "_BrieferLastPage"  # leading underscore: hidden in Word's bookmark list
_NOT_NAME = re.compile(r"[^A-Za-z0-9_]")
BOOKMARK_MAX = 40


TABLE_CELL_MARGIN = 100  # twips left and right of a cell's text, as the bundled table styles have
EXCERPT_TABLE_STYLE = "Excerpt Table"  # a table style of the style base; without it, a plain grid
SOURCES_TABLE_STYLE = "Sources Table"
EXCERPT_INDENT = 227  # twips: an excerpt's heading indented under its document's title
SOURCES_COLUMNS = ("Excerpt", "In the source", "Page")  # the annex's header row, as the PDF's
# A file name this long may not fit a line of the annex: it may break after a separator
# (a zero-width space there), never inside a word.
LONG_NAME = 40
_SEPARATORS = re.compile(r"(?<=[-_./\\])(?=[^-_./\\])")
# Placeholders for a paragraph's footnote references and lost text while its text is read
# by the text rules (private-use characters, taken out of the text first).
_PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")
_PLACEHOLDER_CHARACTERS = re.compile("[\ue000\ue001]")
MISSING_STYLE = "Missing Text"


def write_docx(document: Document, template: Template, out: Path, progress: Progress | None = None) -> None:
    """Write `document` as a Word file at `out` (the caller makes it atomic)."""
    word = open_style_base(template.style_docx)
    _DocxBuilder(word, document, template).build(progress)
    word.save(str(out))


def open_style_base(path: Path) -> docx.document.Document:
    """The template's style.docx, or an error that says how to mend the template."""
    try:
        word = docx.Document(str(path))
        word.styles  # noqa: B018 - a base without a styles part fails here, not half-way
    except FileNotFoundError:
        raise UsageError(
            f"{path}: the template has no style.docx; copy one from a bundled template"
        ) from None
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, PackageNotFoundError, etree.XMLSyntaxError):
        raise UsageError(
            f"{path}: not a Word document that Briefer can build on; save it again from Word as .docx, "
            "or copy the one from a bundled template"
        ) from None
    if word.element.body.find(qn("w:sectPr")) is None:
        word.element.body.append(OxmlElement("w:sectPr"))  # python-docx's class: sections use it
    return word


_BEFORE_PAGE_SIZE = {
    qn(f"w:{tag}") for tag in ("headerReference", "footerReference", "footnotePr", "endnotePr", "type")
}


def _section_child(sect_pr: etree._Element, tag: str) -> etree._Element:
    """w:pgSz or w:pgMar of a section, made where a base saved without them lacks it."""
    found = sect_pr.find(qn(tag))
    if found is not None:
        return found
    element = etree.Element(qn(tag))
    anchor = sect_pr.find(qn("w:pgSz")) if tag == "w:pgMar" else None
    if anchor is not None:
        anchor.addnext(element)
        return element
    earlier = [child for child in sect_pr if child.tag in _BEFORE_PAGE_SIZE]
    if earlier:
        earlier[-1].addnext(element)
    else:
        sect_pr.insert(0, element)
    return element


# The text rules are briefer/ir/text.py's; these give them as text for `_text` (a
# newline there is a line break).


def _one_line(text: str) -> str:
    return text_rules.one_line(clean_text(text))


def _property(text: str) -> str:
    """One-line text for a file property, cut with an ellipsis to the 255 characters the
    format allows (python-docx refuses more); the printed text stays whole."""
    text = _one_line(text)
    return text if len(text) <= 255 else text[:254].rstrip() + "…"


def _lines(text: str) -> str:
    return "\n".join(text_rules.lines(clean_text(text)))


def _paragraphs(text: str) -> list[str]:
    return ["\n".join(lines) for lines in text_rules.paragraphs(clean_text(text))]


def bookmark_names(anchors: list[str]) -> dict[str, str]:
    """A valid, unique Word bookmark name for each anchor (letter first, <= 40 of [A-Za-z0-9_])."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for anchor in anchors:
        if anchor in names:
            continue
        base = _NOT_NAME.sub("_", anchor)
        if not base[:1].isalpha():
            base = "h" + base
        name = base[:BOOKMARK_MAX]
        counter = 1
        while name.casefold() in used:  # Word compares bookmark names without case
            counter += 1
            suffix = f"_{counter}"
            name = base[: BOOKMARK_MAX - len(suffix)] + suffix
        used.add(name.casefold())
        names[anchor] = name
    return names


class _DocxBuilder:
    def __init__(self, word: docx.document.Document, document: Document, template: Template) -> None:
        self.word = word
        self.document = document
        self.template = template
        self.body = word.element.body
        self.sect_pr = self.body.find(qn("w:sectPr"))
        self.cover_sect_pr: etree._Element | None = None
        self.watermarks = 0
        width, height = (round(points * 20) for points in PAPER_SIZES[document.info.page_size])  # twips
        self.margin = round(template.margin_mm * TWIPS_PER_MM)  # top and bottom
        # Printed both sides: the inner margin (left on odd pages) takes the binding's gutter.
        self.gutter = round(template.gutter_mm * TWIPS_PER_MM) if template.mirror_margins else 0
        # Left and right: what the measure (the PDF's, 65-80 characters a line) leaves.
        self.side = round(side_margins(template, document.info.page_size)[1] * 20)
        self.page = (width, height)
        self.text_width = width - 2 * self.side - self.gutter
        anchors = [block.anchor for block in document.blocks if getattr(block, "anchor", "")]
        self._add_missing_styles()
        self.xml = WordXml(word, bookmark_names(anchors), self.text_width)
        self.footnotes = Footnotes(word, self.xml.style)

    # -- the whole document --------------------------------------------------------

    def build(self, progress: Progress | None) -> None:
        for child in list(self.body):
            self.body.remove(child)  # the style base's own content, and the sectPr for now
        self._set_page(self.sect_pr)
        self._fit_tabs()
        blocks = self.document.blocks
        total = len(blocks)
        for done, block in enumerate(blocks, 1):
            self._render(block)
            if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
                progress(done, total)
        if self.xml.section_empty or self.body[-1].tag != W_P:
            self.xml.paragraph(None)  # a section needs a paragraph, and so does the end of a body
        self._mark_last_page()
        self.body.append(self.sect_pr)
        self._ask_word_to_update_fields()
        self._set_mirror_margins()
        self._hyphenate()
        self._font_fallbacks()
        self._page_furniture()
        self._properties()

    def _render(self, block: Block) -> None:
        handler = self._handlers.get(type(block))
        if handler is None:
            log.warning("DOCX writer: no rendering for %s; left out", type(block).__name__)
            return
        handler(self, block)

    # -- styles and page -----------------------------------------------------------

    def _set_page(self, sect_pr: etree._Element) -> None:
        size = _section_child(sect_pr, "w:pgSz")
        size.set(qn("w:w"), str(self.page[0]))
        size.set(qn("w:h"), str(self.page[1]))
        size.attrib.pop(qn("w:orient"), None)
        margins = _section_child(sect_pr, "w:pgMar")
        for side in ("top", "bottom"):
            margins.set(qn(f"w:{side}"), str(self.margin))
        for side in ("right", "left"):
            margins.set(qn(f"w:{side}"), str(self.side))
        margins.set(qn("w:gutter"), str(self.gutter))
        for edge in ("header", "footer"):
            if margins.get(qn(f"w:{edge}")) is None:
                margins.set(qn(f"w:{edge}"), str(round(10 * TWIPS_PER_MM)))

    def _set_mirror_margins(self) -> None:
        """Printed both sides (a template setting): inner and outer margins, not left and right."""
        self._set_setting("w:mirrorMargins", _BEFORE_MIRROR_MARGINS, self.template.mirror_margins)

    def _hyphenate(self) -> None:
        """Justified body text hyphenated, as in the PDF (no line loosely spaced); styles
        that must not break a word (the annex) say so themselves."""
        self._set_setting("w:autoHyphenation", _BEFORE_AUTO_HYPHENATION, True)

    def _set_setting(self, tag: str, earlier_tags: set[str], on: bool) -> None:
        """A flag of the document's settings, on or off, at its place in their sequence."""
        settings = self.word.settings.element
        for old in settings.findall(qn(tag)):
            settings.remove(old)
        if not on:
            return
        flag = etree.Element(qn(tag))
        earlier = [child for child in settings if child.tag in earlier_tags]
        if earlier:
            earlier[-1].addnext(flag)
        else:
            settings.insert(0, flag)

    def _add_missing_styles(self) -> None:
        """The styles issue 14 added, into a style base that lacks them (a user's copy of an
        older template): footnote references raised, lost text set apart."""
        styles = self.word.styles.element
        names = {(name.get(W_VAL) or "").casefold() for name in styles.iter(qn("w:name"))}
        ids = {style.get(qn("w:styleId")) for style in styles.iterchildren(qn("w:style"))}
        template = self.template
        for xml in added_styles(
            template.body_font, template.heading_font, template.body_size, self.text_width
        ):
            style = parse_xml(xml)
            name = style.find(qn("w:name")).get(W_VAL)
            if name.casefold() in names or style.get(qn("w:styleId")) in ids:
                continue
            based_on = style.find(qn("w:basedOn"))
            if based_on is not None and based_on.get(W_VAL) not in ids:
                style.remove(based_on)
            styles.append(style)
            log.info("the template's style.docx has no style '%s'; Briefer's own added", name)

    def _fit_tabs(self) -> None:
        """Right tabs of the contents, header, footer and notes lines at the real text width."""
        for name in ("toc 1", "toc 2", "toc 3", "header", "footer", "Notes Line"):
            style_id = self.xml.style_ids.get(name.casefold())
            if style_id is None:
                continue
            style = self.word.styles.element.find(f"{qn('w:style')}[@{qn('w:styleId')}='{style_id}']")
            for tab in style.iter(qn("w:tab")):
                if tab.get(W_VAL) == "right":
                    tab.set(qn("w:pos"), str(self.text_width))
                elif tab.get(W_VAL) == "center":
                    tab.set(qn("w:pos"), str(self.text_width // 2))

    # -- paragraphs and runs -------------------------------------------------------

    def _mark_last_page(self) -> None:
        """The bookmark whose page number is the footer's page count, on the last paragraph
        that holds something: LibreOffice drops an empty last paragraph after a table, and
        the bookmark with it."""
        filled = self.body.xpath(".//w:p[w:r]")
        self.xml.add_bookmark(filled[-1] if filled else self.body[-1], LAST_PAGE_BOOKMARK)

    def _ask_word_to_update_fields(self) -> None:
        """Word offers to update fields on opening: the contents list gets its page numbers."""
        settings = self.word.settings.element
        for old in settings.findall(qn("w:updateFields")):
            settings.remove(old)
        update = etree.Element(qn("w:updateFields"))
        update.set(W_VAL, "true")
        # Its place in the settings sequence: after these, before the rest.
        earlier = [child for child in settings if child.tag in _BEFORE_UPDATE_FIELDS]
        if earlier:
            earlier[-1].addnext(update)
        else:
            settings.insert(0, update)

    # -- tables --------------------------------------------------------------------

    # -- blocks ----------------------------------------------------------------------

    def _title(self, title: Title) -> None:
        """The first page's title (no cover: a handout), with the meeting, its place and
        dates and the date of issue."""
        self.xml.paragraph("Title", _one_line(title.text))
        if _one_line(title.subtitle):
            self.xml.paragraph("Subtitle", _one_line(title.subtitle))
        if _one_line(title.meeting):
            self.xml.paragraph("Title Meeting", _one_line(title.meeting))
        for detail in (title.place, title.dates, title.issued):
            if _one_line(detail):
                self.xml.paragraph("Title Detail", _one_line(detail))

    def _cover(self, cover: Cover) -> None:
        marking = cover.marking or self.document.info.marking
        if marking:
            self.xml.paragraph("Marking", _one_line(marking))
        self.xml.paragraph("Cover Title", _one_line(cover.title))
        if cover.subtitle:
            self.xml.paragraph("Subtitle", _one_line(cover.subtitle))
        if cover.meeting:
            self.xml.paragraph("Cover Meeting", _one_line(cover.meeting))
        for detail in (cover.place, cover.dates):
            if detail:
                self.xml.paragraph("Cover Detail", _one_line(detail))
        if cover.delegation:
            self.xml.paragraph("Cover Meeting", _one_line(cover.delegation))
        for detail in (cover.author, cover.date):
            if detail:
                self.xml.paragraph("Cover Detail", _one_line(detail))
        if marking:
            self._bottom_marking(marking)
        # The section break: the cover is a section of its own, without the running
        # header and footer, and the body's page numbers start at 1 after it.
        self.cover_sect_pr = self._cover_section_properties()
        p = self.xml.paragraph(None)
        ppr = p.find(W_PPR)
        if ppr is None:
            ppr = etree.SubElement(p, W_PPR)
        ppr.append(self.cover_sect_pr)
        self.xml.section_empty = True
        self.xml.page_break_pending = False

    def _bottom_marking(self, marking: str) -> None:
        """The marking again at the foot of the cover, in a frame anchored to the bottom margin."""
        p = self.xml.paragraph("Marking", _one_line(marking))
        frame = etree.Element(qn("w:framePr"))
        for key, value in (
            ("w", str(self.text_width)),
            ("wrap", "around"),
            ("vAnchor", "margin"),
            ("hAnchor", "margin"),
            ("xAlign", "center"),
            ("yAlign", "bottom"),
        ):
            frame.set(qn(f"w:{key}"), value)
        ppr = p.find(W_PPR)
        if ppr is None:  # no Marking style in a user's base
            ppr = etree.Element(W_PPR)
            p.insert(0, ppr)
        style = ppr.find(W_PSTYLE)
        if style is not None:
            style.addnext(frame)
        else:
            ppr.insert(0, frame)

    def _cover_section_properties(self) -> etree._Element:
        sect_pr = copy.deepcopy(self.sect_pr)
        for tag in ("w:headerReference", "w:footerReference", "w:pgNumType", "w:titlePg", "w:type"):
            for element in sect_pr.findall(qn(tag)):
                sect_pr.remove(element)
        return sect_pr

    def _contents(self, contents: Contents) -> None:
        self.xml.paragraph("TOC Heading", _one_line(contents.title))
        entries = contents.entries
        if not entries:
            p = self.xml.paragraph("toc 1")
            self._field_begin(p)
            self._field_end(p)
        for index, entry in enumerate(entries):
            p = self.xml.paragraph(f"toc {min(max(entry.level, 1), 3)}")
            if index == 0:
                self._field_begin(p)
            name = self.xml.bookmarks.get(entry.anchor)
            if name is None:
                self.xml.text(p, _one_line(entry.text))
            else:
                link = etree.SubElement(p, qn("w:hyperlink"))
                link.set(qn("w:anchor"), name)
                link.set(qn("w:history"), "1")
                self.xml.text(link, _one_line(entry.text))
            if index == len(entries) - 1:
                self._field_end(p)
        self.xml.page_break_pending = True  # the body starts on a fresh page

    def _field_begin(self, p: etree._Element) -> None:
        etree.SubElement(etree.SubElement(p, W_R), qn("w:fldChar")).set(qn("w:fldCharType"), "begin")
        instr = etree.SubElement(etree.SubElement(p, W_R), qn("w:instrText"))
        instr.text = TOC_INSTRUCTION
        instr.set(XML_SPACE, "preserve")
        etree.SubElement(etree.SubElement(p, W_R), qn("w:fldChar")).set(qn("w:fldCharType"), "separate")

    def _field_end(self, p: etree._Element) -> None:
        etree.SubElement(etree.SubElement(p, W_R), qn("w:fldChar")).set(qn("w:fldCharType"), "end")

    def _part_heading(self, block: PartHeading) -> None:
        if block.new_page:  # (set by the pack's template, in the blocks: the writer only honours it)
            self.xml.page_break_pending = True
        p = self.xml.paragraph("heading 1", _one_line(block.label))
        self.xml.bookmark(p, block.anchor)

    def _section_heading(self, block: SectionHeading) -> None:
        level = 3 if block.level >= 3 else 2
        p = self.xml.paragraph(f"heading {level}", _one_line(block.label))
        self.xml.bookmark(p, block.anchor)

    def _body_paragraph(self, block: Paragraph) -> None:
        style = {"lead": "Lead", "quote": "Quote"}.get(block.style, "Normal")
        if not block.runs:
            for text in _paragraphs(block.text):
                self.xml.paragraph(style, text)
            return
        # The runs as one text with a placeholder for each reference and lost passage,
        # read by the text rules (blank lines part paragraphs), then written piece by piece.
        pieces = block.pieces()
        marked = "".join(
            _PLACEHOLDER_CHARACTERS.sub("", run.text) if run.kind == "text" else f"\ue000{index}\ue001"
            for index, run in enumerate(pieces)
        )
        for text in _paragraphs(marked):
            p = self.xml.paragraph(style)
            position = 0
            for match in _PLACEHOLDER.finditer(text):
                if match.start() > position:
                    self.xml.text(p, text[position : match.start()])
                position = match.end()
                run = pieces[int(match.group(1))]
                if run.kind == "note":
                    notes = _paragraphs(run.note)
                    if notes:  # a marker without its note never prints
                        self.footnotes.reference(p, self.footnotes.add(notes, self.xml.text))
                elif run.kind == "missing":
                    self.xml.styled_text(p, MISSING_TEXT, MISSING_STYLE)
                elif run.text:
                    self.xml.text(p, _lines(run.text).replace("\n", " "))
            if position < len(text):
                self.xml.text(p, text[position:])

    def _keep_last_with_next(self) -> None:
        """What the body ends with stays on the page of what comes next: the last paragraph
        (its last lines), or a table (its last row) and the paragraph after it."""
        if not len(self.body):
            return
        last = self.body[-1]
        if last.tag != W_P:
            return
        self.xml.set_property(last, "w:keepNext")
        previous = last.getprevious()
        if previous is not None and previous.tag == qn("w:tbl") and not last.xpath("./w:r"):
            rows = previous.findall(qn("w:tr"))
            if rows:
                for p in rows[-1].iter(W_P):
                    self.xml.set_property(p, "w:keepNext")

    def _source_line(self, block: SourceLine) -> None:
        text = _lines(block.text)
        if text:
            self._keep_last_with_next()  # never a source line alone at the top of a page
            self.xml.paragraph("Source Line", text)

    def _block_title(self, title: str, anchor: str, parent: etree._Element | None) -> etree._Element | None:
        """A written block's title: with an anchor (the brief's objectives, key messages, if
        raised), in the Brief Title style, which the contents and Word's navigation pane
        list, and bookmarked for the contents' link."""
        if not title:
            return None
        listed = bool(anchor) and anchor in self.xml.bookmarks
        p = self.xml.paragraph(BRIEF_TITLE_STYLE if listed else "Note Title", title, parent)
        if listed:
            self.xml.bookmark(p, anchor)
        return p

    def _bookmark_first(self, first: etree._Element | None, anchor: str) -> None:
        """An anchored block without a title: its bookmark on its first paragraph."""
        if (
            first is not None
            and anchor
            and anchor in self.xml.bookmarks
            and not first.xpath("./w:bookmarkStart")
        ):
            self.xml.bookmark(first, anchor)

    def _note(self, block: Note) -> None:
        cell = self.xml.box()
        title = _one_line(block.title)
        self._block_title(title, block.anchor, cell)
        for text in _paragraphs(block.text) or ([] if title else [""]):  # (a cell needs a paragraph)
            self.xml.paragraph("Note", text, cell)
        self._bookmark_first(cell.find(W_P), block.anchor)
        self.xml.after_table()

    def _key_messages(self, block: KeyMessages) -> None:
        cell = self.xml.box()
        title = _one_line(block.title)
        self._block_title(title, block.anchor, cell)
        items = [text for text in map(_lines, block.items) if text]
        for text in items or ([] if title else [""]):  # (a cell needs a paragraph)
            self.xml.paragraph("Key Message", text, cell)
        self._bookmark_first(cell.find(W_P), block.anchor)
        self.xml.after_table()

    def _questions(self, block: QuestionsAnswers) -> None:
        first = self._block_title(_one_line(block.title), block.anchor, None)
        for pair in block.pairs:
            question = _lines(pair.question)
            if question:
                p = self.xml.paragraph("Question", question)
                self.xml.set_property(p, "w:keepNext")  # a question is never parted from its answer
                first = first if first is not None else p
            answers = _paragraphs(pair.answer) or ["—"]  # an answer still to write shows as such
            for index, text in enumerate(answers):
                p = self.xml.paragraph("Answer", text)
                first = first if first is not None else p
                if index == 0 and len(answers) > 1:
                    self.xml.set_property(p, "w:keepLines")
        self._bookmark_first(first, block.anchor)

    def _sources(self, block: SourcesList) -> None:
        """The annex, as the PDF prints it: one table, its header row (Excerpt, In the
        source, Page) repeated on every page; for each document a row with its title and,
        under it, its symbol, date and file; then a row for each excerpt taken from it: its
        heading, where it is in the document and its page in the pack (a PAGEREF to the
        heading's bookmark, which Word and LibreOffice compute as they lay out the pages).
        No hyphenation, a long file name breaks only after a separator: no word breaks in two."""
        if not block.entries:
            return
        excerpts = [excerpt for entry in block.entries for excerpt in entry.excerpts]
        # "In the source" as wide as its longest text needs (within limits), "Page" for four
        # digits; the heading takes the rest. Measured in characters, as the excerpt tables.
        per_character = 11 * max(self.template.body_size - 2, 8)  # twips
        margins = 2 * TABLE_CELL_MARGIN
        where = max([len(_one_line(e.where)) for e in excerpts] + [len("In the source")]) * per_character
        where = min(where + margins, round(self.text_width * 0.38)) / self.text_width
        page = (5 * per_character + margins) / self.text_width
        widths = [1 - where - page, where, page]
        tbl = self.xml.table(SOURCES_TABLE_STYLE, widths)
        for cell, title in zip(self.xml.row(tbl, widths, header=True), SOURCES_COLUMNS, strict=True):
            p = self.xml.paragraph("Table Heading", title, cell)
            if title == "Page":
                self.xml.set_property(p, "w:jc", "right")
        for entry in block.entries:
            cells = self.xml.row(tbl, widths)
            for extra in cells[1:]:
                extra.getparent().remove(extra)
            cell = cells[0]
            span = etree.SubElement(cell.find(qn("w:tcPr")), qn("w:gridSpan"))
            span.set(W_VAL, str(len(widths)))
            cell.find(qn("w:tcPr")).find(qn("w:tcW")).set(qn("w:w"), str(self.text_width))
            title = _one_line(entry.meeting) or _breakable(_one_line(entry.document))
            self.xml.paragraph("Source Title", title, cell)
            details = [_one_line(entry.symbol), _one_line(entry.date), _breakable(_one_line(entry.document))]
            if not entry.excerpts and entry.sections:
                details.append(f"{entry.sections} excerpt{'s' if entry.sections != 1 else ''}")
            detail = self.xml.paragraph("Source Detail", " · ".join(d for d in details if d), cell)
            if not entry.excerpts:
                self.xml.set_property(detail, "w:keepNext", "0")
            for excerpt in entry.excerpts:
                label, where_cell, page_cell = self.xml.row(tbl, widths)
                indented = self.xml.paragraph("Source Excerpt", _one_line(excerpt.label), label)
                # under their document, as the PDF sets them
                self.xml.set_property(indented, "w:ind").set(qn("w:left"), str(EXCERPT_INDENT))
                self.xml.paragraph("Source Excerpt", _one_line(excerpt.where), where_cell)
                p = self.xml.paragraph("Source Excerpt", "", page_cell)
                self.xml.set_property(p, "w:jc", "right")
                name = self.xml.bookmarks.get(excerpt.anchor)
                if name is not None:
                    self.xml.field(p, f" PAGEREF {name} \\h ", "")
        self.xml.after_table()

    def _excerpt_table(self, block: Table) -> None:
        """A real Word table: the template's Excerpt Table style, else a plain grid; the header
        row repeats on every page; columns as wide as their cells need; figures to the right."""
        if not block.columns:
            return
        grid = block.grid()
        columns = [[" ".join(row[i].split()) for row in grid] for i in range(block.columns)]
        first = 1 if block.header else 0
        # Measured in characters of the table text (two points smaller than the body, some
        # 0.55 em wide on average: Word lays the table out, not us), margins included.
        per_character = 11 * max(self.template.body_size - 2, 8)  # twips
        margins = 2 * TABLE_CELL_MARGIN / per_character
        least = [max((len(w) for cell in column for w in cell.split()), default=0) for column in columns]
        body = [max((len(cell) for cell in column[first:]), default=0) for column in columns]
        if block.header:
            body = [max(b, on_two_lines(column[0], len)) for b, column in zip(body, columns, strict=True)]
        whole = [max(len(cell) for cell in column) for column in columns]
        wants = ([w + margins for w in want] for want in (least, body, whole))
        text_width = self.text_width / per_character
        widths = [w / text_width for w in column_widths(*wants, text_width)]
        styled = EXCERPT_TABLE_STYLE.casefold() in self.xml.style_ids
        tbl = self.xml.table(EXCERPT_TABLE_STYLE if styled else None, widths, header=block.header)
        if not styled:
            tbl.find(qn("w:tblPr")).find(qn("w:tblLayout")).addprevious(_grid_borders())
        figures = block.figure_columns()
        for index, row in enumerate(grid):
            header = block.header and index == 0
            for cell, text, figure in zip(
                self.xml.row(tbl, widths, header=header), row, figures, strict=True
            ):
                p = self.xml.paragraph("Table Text", _lines(text), cell)
                if figure:
                    ppr = p.find(W_PPR)
                    if ppr is None:
                        ppr = etree.Element(W_PPR)
                        p.insert(0, ppr)
                    etree.SubElement(ppr, qn("w:jc")).set(W_VAL, "right")
                if header and not styled:  # no table style to set the header row apart
                    for run in p.iter(W_R):
                        rpr = etree.Element(qn("w:rPr"))
                        etree.SubElement(rpr, qn("w:b"))
                        run.insert(0, rpr)
        self.xml.after_table()

    def _notes_space(self, block: NotesSpace) -> None:
        """Ruled lines for notes, on the page of the excerpt they follow (its source line
        keeps with them), and the lines together."""
        self._keep_last_with_next()
        title = self.xml.paragraph("Note Title", "Notes")
        lines = [
            self.xml.paragraph("Notes Line", "\t") for _ in range(max(block.lines, 0))
        ]  # the leader tab rules it
        self.xml.set_property(lines[-1] if lines else title, "w:keepNext", "0")  # not chained to what follows

    def _page_break(self, _block: PageBreak) -> None:
        """A new page; right after a heading, the break goes before the heading (a card's
        part heading never stands alone at the foot of the card before), as in the PDF."""
        last = self.body[-1] if len(self.body) else None
        if last is not None and last.tag == W_P and self._is_heading(last):
            previous = last.getprevious()
            at_top = previous is None or previous.find(f"{W_PPR}/{qn('w:sectPr')}") is not None
            if not at_top:
                self.xml.set_property(last, "w:pageBreakBefore")
            return
        self.xml.page_break_pending = True

    def _is_heading(self, p: etree._Element) -> bool:
        style = p.find(f"{W_PPR}/{W_PSTYLE}")
        headings = {self.xml.style_ids.get(f"heading {level}") for level in (1, 2, 3)} - {None}
        return style is not None and style.get(W_VAL) in headings

    _handlers: dict[type, Callable[[_DocxBuilder, Block], None]] = {
        Cover: _cover,
        Title: _title,
        Contents: _contents,
        PartHeading: _part_heading,
        SectionHeading: _section_heading,
        Paragraph: _body_paragraph,
        Table: _excerpt_table,
        SourceLine: _source_line,
        Note: _note,
        KeyMessages: _key_messages,
        QuestionsAnswers: _questions,
        SourcesList: _sources,
        NotesSpace: _notes_space,
        PageBreak: _page_break,
    }

    # -- header, footer, watermark ---------------------------------------------------

    def _page_furniture(self) -> None:
        sections = self.word.sections
        info = self.document.info
        body = sections[len(sections) - 1]
        _restart_page_numbers(body._sectPr)
        for first_page_switch in body._sectPr.findall(qn("w:titlePg")):
            body._sectPr.remove(first_page_switch)  # one header for every page, from a user's base too
        header = body.header
        header.is_linked_to_previous = False
        self._fill_header(header._element, info.title, info.marking, info.draft)
        footer = body.footer
        footer.is_linked_to_previous = False
        self._fill_footer(footer._element, info.marking)
        if len(sections) > 1 and info.draft:
            cover_header = sections[0].header
            cover_header.is_linked_to_previous = False
            self.xml.clear(cover_header._element)
            self._watermark(self.xml.paragraph(None, parent=cover_header._element))

    def _fill_header(self, hdr: etree._Element, title: str, marking: str, draft: bool) -> None:
        self.xml.clear(hdr)
        first = None
        if marking:
            first = self.xml.paragraph("Marking", marking, hdr)
        title_p = self.xml.paragraph("header", title, hdr)
        # The part and item the page belongs to, as board books print them: Word finds them
        # page by page (STYLEREF); a word processor that cannot leaves the line empty.
        where = self.xml.paragraph("header", "", hdr)
        self.xml.field(where, f' STYLEREF "{PART_STYLE}" ', "")
        self.xml.text(where, "   ")
        self.xml.field(where, f' STYLEREF "{ITEM_STYLE}" ', "")
        if draft:
            self._watermark(first if first is not None else title_p)

    def _fill_footer(self, ftr: etree._Element, marking: str) -> None:
        self.xml.clear(ftr)
        p = self.xml.paragraph("footer", "Page ", ftr)
        self.xml.field(p, " PAGE ", "1")
        self.xml.text(p, " of ")
        self.xml.field(p, f" PAGEREF {LAST_PAGE_BOOKMARK} ", "1")
        if marking:
            self.xml.paragraph("Marking", marking, ftr)

    def _watermark(self, p: etree._Element) -> None:
        """Word's own text watermark (a grey diagonal VML WordArt shape, under the name Word
        gives its watermarks, so that Word's Watermark command removes it), but in front of
        the text and translucent: behind it, Word hides it under the tinted boxes. It is a
        shape, not text: copied text never holds it. (LibreOffice 7.4 draws a header's
        shapes under the body's cell shading whatever their order: there, the boxes still
        cover it.)"""
        self.watermarks += 1  # each header's shape gets its own id, as Word gives them
        p.append(parse_xml(_WATERMARK_XML.replace("{number}", str(self.watermarks))))

    # -- file properties ---------------------------------------------------------------

    def _font_fallbacks(self) -> None:
        """Name, for a word processor without the bundled fonts, the ones of the same
        metrics (Liberation Serif is Times New Roman's, Liberation Sans Arial's), so the
        pack breaks its lines as designed wherever it is opened."""
        part = next(
            (rel.target_part for rel in self.word.part.rels.values() if rel.reltype == RT.FONT_TABLE), None
        )
        if part is None:
            return
        table = part.element if hasattr(part, "element") else parse_xml(part.blob)
        for family in {self.template.body_font, self.template.heading_font}:
            alternative = METRIC_TWINS.get(family)
            if alternative is None:
                continue
            name = word_font_name(family)
            font = next((f for f in table.findall(qn("w:font")) if f.get(qn("w:name")) == name), None)
            if font is None:
                font = etree.SubElement(table, qn("w:font"))
                font.set(qn("w:name"), name)
            for old in font.findall(qn("w:altName")):
                font.remove(old)
            alt = etree.Element(qn("w:altName"))
            alt.set(W_VAL, alternative)
            font.insert(0, alt)
        if not hasattr(part, "element"):
            part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)

    def _properties(self) -> None:
        info = self.document.info
        props = self.word.core_properties
        props.title = _property(info.title)
        props.author = _property(info.author)
        props.last_modified_by = _property(info.author)
        props.subject = _property(info.subject)
        props.comments = ""
        props.keywords = ""
        props.category = "Briefing pack"
        props.revision = 1
        when = build_time(info.date)
        props.created = when
        props.modified = when


PART_STYLE, ITEM_STYLE = "Heading 1", "Heading 2"  # what a page's running head names
# A bundled family -> the common font of the same metrics.
METRIC_TWINS = {
    "LiberationSerif": "Times New Roman",
    "LiberationSans": "Arial",
    "LiberationMono": "Courier New",
}
_SETTINGS_ORDER = (
    "writeProtection view zoom removePersonalInformation removeDateAndTime doNotDisplayPageBoundaries "
    "displayBackgroundShape printPostScriptOverText printFractionalCharacterWidth printFormsData "
    "embedTrueTypeFonts embedSystemFonts saveSubsetFonts saveFormsData mirrorMargins alignBordersAndEdges "
    "bordersDoNotSurroundHeader bordersDoNotSurroundFooter gutterAtTop hideSpellingErrors "
    "hideGrammaticalErrors activeWritingStyle proofState formsDesign attachedTemplate linkStyles "
    "stylePaneFormatFilter stylePaneSortMethod documentType mailMerge revisionView trackRevisions "
    "doNotTrackMoves doNotTrackFormatting documentProtection autoFormatOverride styleLockTheme "
    "styleLockQFSet defaultTabStop autoHyphenation consecutiveHyphenLimit hyphenationZone "
    "doNotHyphenateCaps showEnvelope summaryLength clickAndTypeStyle defaultTableStyle "
    "evenAndOddHeaders bookFoldRevPrinting bookFoldPrinting bookFoldPrintingSheets "
    "drawingGridHorizontalSpacing drawingGridVerticalSpacing displayHorizontalDrawingGridEvery "
    "displayVerticalDrawingGridEvery doNotUseMarginsForDrawingGridOrigin drawingGridHorizontalOrigin "
    "drawingGridVerticalOrigin doNotShadeFormData noPunctuationKerning characterSpacingControl "
    "printTwoOnOne strictFirstAndLastChars noLineBreaksAfter noLineBreaksBefore savePreviewPicture "
    "doNotValidateAgainstSchema saveInvalidXml ignoreMixedContent alwaysShowPlaceholderText "
    "doNotDemarcateInvalidXml saveXmlDataOnly useXSLTWhenSaving saveThroughXslt showXMLTags "
    "alwaysMergeEmptyNamespace"
).split()  # w:settings' children in their schema order, as far as updateFields
_BEFORE_UPDATE_FIELDS = {qn(f"w:{tag}") for tag in _SETTINGS_ORDER}
_BEFORE_AUTO_HYPHENATION = {
    qn(f"w:{tag}") for tag in _SETTINGS_ORDER[: _SETTINGS_ORDER.index("autoHyphenation")]
}
_BEFORE_MIRROR_MARGINS = {
    qn(f"w:{tag}")
    for tag in (
        "writeProtection view zoom removePersonalInformation removeDateAndTime doNotDisplayPageBoundaries "
        "displayBackgroundShape printPostScriptOverText printFractionalCharacterWidth printFormsData "
        "embedTrueTypeFonts embedSystemFonts saveSubsetFonts saveFormsData"
    ).split()
}
_AFTER_PG_NUM_TYPE = tuple(
    qn(f"w:{tag}")
    for tag in ("cols", "formProt", "vAlign", "noEndnote", "titlePg", "textDirection", "bidi", "docGrid")
)


def _grid_borders() -> etree._Element:
    """w:tblBorders of a plain grid: a thin line around and between every cell."""
    borders = etree.Element(qn("w:tblBorders"))
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = etree.SubElement(borders, qn(f"w:{side}"))
        for key, value in (("val", "single"), ("sz", "4"), ("space", "0"), ("color", "auto")):
            line.set(qn(f"w:{key}"), value)
    return borders


def _restart_page_numbers(sect_pr: etree._Element) -> None:
    """Number this section's pages from 1 (w:pgNumType at its place in the sequence)."""
    for old in sect_pr.findall(qn("w:pgNumType")):
        sect_pr.remove(old)
    numbering = etree.Element(qn("w:pgNumType"))
    numbering.set(qn("w:start"), "1")
    follower = next((child for child in sect_pr if child.tag in _AFTER_PG_NUM_TYPE), None)
    if follower is not None:
        follower.addprevious(numbering)
    else:
        sect_pr.append(numbering)


def _breakable(name: str) -> str:
    """A long file name that may break after its separators (zero-width spaces), not
    inside a word; a short one as it is (it is copied as it reads)."""
    return _SEPARATORS.sub("\u200b", name) if len(name) > LONG_NAME else name


def build_time(pack_date: str | None = None) -> datetime:
    """The pack's own date when it has one (a rebuild gives the same file), else
    SOURCE_DATE_EPOCH when set (reproducible builds), else now, to the second."""
    if pack_date:
        try:
            return datetime.fromisoformat(pack_date).replace(tzinfo=UTC)
        except ValueError:
            pass
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC).replace(microsecond=0)


_VML_NAMESPACES = (
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:w10="urn:schemas-microsoft-com:office:word"'
)
_WATERMARK_XML = f"""<w:r {nsdecls("w")} {_VML_NAMESPACES}><w:rPr><w:noProof/></w:rPr><w:pict>
<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800"
 path="m@7,l@8,m@5,21600l@6,21600e">
<v:formulas><v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/>
<v:f eqn="sum 0 0 @2"/><v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/><v:f eqn="if @0 21600 @1"/>
<v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/><v:f eqn="mid @5 @6"/><v:f eqn="mid @8 @5"/>
<v:f eqn="mid @7 @8"/><v:f eqn="mid @6 @7"/><v:f eqn="sum @6 0 @5"/></v:formulas>
<v:path textpathok="t" o:connecttype="custom" o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800"
 o:connectangles="270,180,90,0"/>
<v:textpath on="t" fitshape="t"/>
<v:handles><v:h position="#0,bottomRight" xrange="6629,14971"/></v:handles>
<o:lock v:ext="edit" text="t" shapetype="t"/>
</v:shapetype>
<v:shape id="PowerPlusWaterMarkObject{{number}}" o:spid="_x0000_s{{number}}049" type="#_x0000_t136"
 style="position:absolute;margin-left:0;margin-top:0;width:440pt;height:146pt;rotation:315;z-index:251659264;mso-position-horizontal:center;mso-position-horizontal-relative:margin;mso-position-vertical:center;mso-position-vertical-relative:margin"
 o:allowincell="f" fillcolor="#bfbfbf" stroked="f">
<v:fill opacity=".4"/>
<v:textpath style="font-family:&quot;Liberation Sans&quot;;font-size:1pt" string="{WATERMARK_TEXT}"/>
<w10:wrap anchorx="margin" anchory="margin"/>
</v:shape></w:pict></w:r>"""
