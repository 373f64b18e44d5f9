"""Word's XML, written with lxml directly: styled paragraphs, runs, fields, bookmarks and
tables in a document body. The DOCX writer renders blocks with it; python-docx's own
per-paragraph style lookup by name costs more than everything else on a long pack.

It also keeps the one piece of page state the body needs: a page break asked for
before the next paragraph or table (never at the top of an empty section, which would
leave a blank page).
"""

from __future__ import annotations

import logging
import re

import docx
from docx.oxml.ns import qn
from lxml import etree

log = logging.getLogger(__name__)

W_P, W_PPR, W_PSTYLE, W_R, W_T, W_BR, W_TAB = (
    qn(t) for t in ("w:p", "w:pPr", "w:pStyle", "w:r", "w:t", "w:br", "w:tab")
)
W_VAL = qn("w:val")
W_RPR = qn("w:rPr")
# The order of a paragraph's properties (ECMA-376 CT_PPr): Word refuses them out of order.
_PPR_ORDER = {
    qn(f"w:{tag}"): number
    for number, tag in enumerate(
        (
            "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers "
            "pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE "
            "autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents "
            "suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle "
            "rPr sectPr pPrChange"
        ).split()
    )
}
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
# Characters XML 1.0 forbids (and C1 controls, which no one means to print).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """User text made safe for XML: line ends unified, forbidden characters dropped."""
    return _ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


class WordXml:
    """Writes into `word`'s body; `bookmarks` maps heading anchors to bookmark names,
    `text_width` (twips) is what table widths are fractions of."""

    def __init__(self, word: docx.document.Document, bookmarks: dict[str, str], text_width: int) -> None:
        self.word = word
        self.body = word.element.body
        self.bookmarks = bookmarks
        self.text_width = text_width
        self.style_ids = self._read_style_ids()
        self.missing_styles: set[str] = set()
        self.next_bookmark_id = 0
        self.page_break_pending = False
        self.section_empty = True  # a page break at the top of a section would leave a blank page

    def _read_style_ids(self) -> dict[str, str]:
        ids: dict[str, str] = {}
        for style in self.word.styles.element.iterchildren(qn("w:style")):
            name = style.find(qn("w:name"))
            if name is not None and name.get(W_VAL) and style.get(qn("w:styleId")):
                ids.setdefault(name.get(W_VAL).casefold(), style.get(qn("w:styleId")))
        return ids

    def style(self, name: str | None) -> str | None:
        if name is None:
            return None
        style_id = self.style_ids.get(name.casefold())
        if style_id is None and name not in self.missing_styles:
            self.missing_styles.add(name)
            log.warning("the template's style.docx has no style '%s'; Normal used instead", name)
        return style_id

    def paragraph(
        self, style: str | None, text: str = "", parent: etree._Element | None = None
    ) -> etree._Element:
        """A paragraph in `style` (a style name); top-level ones take a pending page break."""
        in_body = parent is None
        p = etree.SubElement(self.body if in_body else parent, W_P)
        style_id = self.style(style)
        ppr = None
        if style_id is not None:
            ppr = etree.SubElement(p, W_PPR)
            etree.SubElement(ppr, W_PSTYLE).set(W_VAL, style_id)
        if in_body:
            if self.page_break_pending and not self.section_empty:
                if ppr is None:
                    ppr = etree.SubElement(p, W_PPR)
                etree.SubElement(ppr, qn("w:pageBreakBefore"))
            self.page_break_pending = False
            self.section_empty = False
        if text:
            self.text(p, text)
        return p

    def text(self, parent: etree._Element, text: str) -> etree._Element:
        """One run holding `text`; newlines become line breaks, tabs become tabs."""
        run = etree.SubElement(parent, W_R)
        for index, line in enumerate(clean_text(text).split("\n")):
            if index:
                etree.SubElement(run, W_BR)
            for piece_index, piece in enumerate(line.split("\t")):
                if piece_index:
                    etree.SubElement(run, W_TAB)
                if piece:
                    t = etree.SubElement(run, W_T)
                    t.text = piece
                    if piece[0] == " " or piece[-1] == " ":
                        t.set(XML_SPACE, "preserve")
        return run

    def styled_text(self, parent: etree._Element, text: str, style: str) -> etree._Element:
        """A run in a character style (named): the one run property the writer sets."""
        run = self.text(parent, text)
        style_id = self.style(style)
        if style_id is not None:
            rpr = etree.Element(W_RPR)
            etree.SubElement(rpr, qn("w:rStyle")).set(W_VAL, style_id)
            run.insert(0, rpr)
        return run

    def field(self, parent: etree._Element, instruction: str, cached: str) -> None:
        """A complex field (begin / instruction / separate / cached result / end)."""
        etree.SubElement(etree.SubElement(parent, W_R), qn("w:fldChar")).set(qn("w:fldCharType"), "begin")
        instr = etree.SubElement(etree.SubElement(parent, W_R), qn("w:instrText"))
        instr.text = instruction
        instr.set(XML_SPACE, "preserve")
        etree.SubElement(etree.SubElement(parent, W_R), qn("w:fldChar")).set(qn("w:fldCharType"), "separate")
        self.text(parent, cached)
        etree.SubElement(etree.SubElement(parent, W_R), qn("w:fldChar")).set(qn("w:fldCharType"), "end")

    def bookmark(self, p: etree._Element, anchor: str) -> None:
        """Wrap the paragraph's content in the bookmark the contents entries link to."""
        name = self.bookmarks.get(anchor)
        if name is not None:
            self.add_bookmark(p, name)

    def add_bookmark(self, p: etree._Element, name: str) -> None:
        bookmark_id = str(self.next_bookmark_id)
        self.next_bookmark_id += 1
        start = etree.Element(qn("w:bookmarkStart"))
        start.set(qn("w:id"), bookmark_id)
        start.set(qn("w:name"), name)
        ppr = p.find(W_PPR)
        if ppr is not None:
            ppr.addnext(start)
        else:
            p.insert(0, start)
        etree.SubElement(p, qn("w:bookmarkEnd")).set(qn("w:id"), bookmark_id)

    def table(self, style: str | None, widths: list[float], header: bool = True) -> etree._Element:
        """An empty table at full text width; `widths` are fractions of it. `header`: its
        first row takes the table style's look for a header row."""
        if self.page_break_pending and not self.section_empty:
            self.paragraph(None)  # carries the page break: Word ignores it inside tables
        self.page_break_pending = False
        self.section_empty = False
        style_id = self.style(style)
        tbl = etree.SubElement(self.body, qn("w:tbl"))
        tbl_pr = etree.SubElement(tbl, qn("w:tblPr"))
        if style_id:
            etree.SubElement(tbl_pr, qn("w:tblStyle")).set(W_VAL, style_id)
        tbl_w = etree.SubElement(tbl_pr, qn("w:tblW"))
        tbl_w.set(qn("w:w"), "5000")
        tbl_w.set(qn("w:type"), "pct")
        layout = etree.SubElement(tbl_pr, qn("w:tblLayout"))
        layout.set(qn("w:type"), "fixed")
        look = etree.SubElement(tbl_pr, qn("w:tblLook"))
        first_row = "1" if header else "0"
        for key, value in (("val", "04A0"), ("firstRow", first_row), ("lastRow", "0"), ("firstColumn", "0")):
            look.set(qn(f"w:{key}"), value)
        for key in ("lastColumn", "noHBand", "noVBand"):
            look.set(qn(f"w:{key}"), "0" if key == "lastColumn" else "1")
        grid = etree.SubElement(tbl, qn("w:tblGrid"))
        for fraction in widths:
            etree.SubElement(grid, qn("w:gridCol")).set(qn("w:w"), str(round(self.text_width * fraction)))
        return tbl

    def row(
        self, tbl: etree._Element, widths: list[float], header: bool = False, whole: bool = True
    ) -> list[etree._Element]:
        """A row of empty cells; `whole` rows do not break over pages (a box may)."""
        tr = etree.SubElement(tbl, qn("w:tr"))
        tr_pr = etree.SubElement(tr, qn("w:trPr"))
        if whole:
            etree.SubElement(tr_pr, qn("w:cantSplit"))
        if header:
            etree.SubElement(tr_pr, qn("w:tblHeader"))  # repeats at the top of every page
        cells = []
        for fraction in widths:
            tc = etree.SubElement(tr, qn("w:tc"))
            tc_w = etree.SubElement(etree.SubElement(tc, qn("w:tcPr")), qn("w:tcW"))
            tc_w.set(qn("w:w"), str(round(self.text_width * fraction)))
            tc_w.set(qn("w:type"), "dxa")
            cells.append(tc)
        return cells

    def box(self) -> etree._Element:
        """A one-cell 'Box' table (shaded, ruled at the left) to put paragraphs in."""
        tbl = self.table("Box", [1.0])
        return self.row(tbl, [1.0], whole=False)[0]

    def after_table(self) -> None:
        """An empty paragraph after each table: a table style cannot add space below the
        table, two adjacent tables would merge into one in Word, and a body must not end
        with a table."""
        self.paragraph(None)

    @staticmethod
    def set_property(p: etree._Element, tag: str, value: str | None = None) -> etree._Element:
        """Set a paragraph property (e.g. "w:keepNext", "w:outlineLvl" with `value`) in its
        place in the sequence, replacing one already there."""
        ppr = p.find(W_PPR)
        if ppr is None:
            ppr = etree.Element(W_PPR)
            p.insert(0, ppr)
        name = qn(tag)
        for old in ppr.findall(name):
            ppr.remove(old)
        element = etree.Element(name)
        if value is not None:
            element.set(W_VAL, value)
        rank = _PPR_ORDER.get(name, len(_PPR_ORDER))
        follower = next((child for child in ppr if _PPR_ORDER.get(child.tag, len(_PPR_ORDER)) > rank), None)
        if follower is not None:
            follower.addprevious(element)
        else:
            ppr.append(element)
        return element

    @staticmethod
    def clear(element: etree._Element) -> None:
        for child in list(element):
            element.remove(child)
