"""The PDF writer: renders a block document with reportlab platypus, from a template's settings.

Layout takes two passes (reportlab's multiBuild): the first finds the page of every heading and the
page count, the second prints them in the contents and in the footers, and only the second is saved.
The contents table is given its entries up front, so both passes lay out the same pages.

What must stay together is bound into `_Chain`s: a heading with the first lines it introduces, a source
line (and a handout's notes space) with the last lines of its excerpt. Fonts are the bundled Liberation
families, embedded as subsets. All user and library text goes through `_markup` or `_paragraphs`
(controls dropped, `& < >` escaped) before reportlab sees it.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    FrameBreak,
    HRFlowable,
    KeepInFrame,
    LongTable,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import Paragraph as _ReportlabParagraph
from reportlab.platypus.flowables import PageBreakIfNotEmpty
from reportlab.platypus.tableofcontents import TableOfContents, drawPageNumbers

import briefer
from briefer.export.columns import column_widths, on_two_lines
from briefer.ir import text as text_rules
from briefer.ir.blocks import (
    PAPER_SIZES,
    Contents,
    Cover,
    Document,
    DocumentInfo,
    KeyMessages,
    Note,
    NotesSpace,
    PartHeading,
    QuestionsAnswers,
    SectionHeading,
    SourceLine,
    SourcesList,
    Title,
)
from briefer.ir.blocks import PageBreak as PageBreakBlock
from briefer.ir.blocks import Paragraph as ParagraphBlock
from briefer.ir.blocks import Table as TableBlock
from briefer.ir.templates import Template, font_file

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]

EXPECTED_PASSES = 2  # see the module docstring; progress totals assume it

INK = colors.HexColor("#111111")
ACCENT = colors.HexColor("#1F3A5F")  # dark navy: headings and rules, prints as a dark grey
MUTED = colors.HexColor("#595959")
RULE = colors.HexColor("#A7B1BD")
SHADE = colors.HexColor("#EEF1F5")
WATERMARK = colors.Color(0.86, 0.86, 0.86)

# Header and footer sit in the top and bottom margins; they need this much room.
MIN_VERTICAL_MARGIN = 16 * mm
NOTES_LINE_GAP = 8 * mm  # ruled lines a hand can write between
CELL_PADDING = 4  # points left and right of a table cell's text


# --- fonts -------------------------------------------------------------------------------------------

_FACES = {"": "Regular", "-Bold": "Bold", "-Italic": "Italic", "-BoldItalic": "BoldItalic"}


@cache
def _register_family(family: str) -> str:
    """Registers a bundled TTF family (four faces; the template checked it is bundled)
    once per process; returns its name."""
    files = {suffix: font_file(family, face) for suffix, face in _FACES.items()}
    for suffix, path in files.items():
        pdfmetrics.registerFont(TTFont(family + suffix, str(path)))
    pdfmetrics.registerFontFamily(
        family,
        normal=family,
        bold=f"{family}-Bold",
        italic=f"{family}-Italic",
        boldItalic=f"{family}-BoldItalic",
    )
    return family


# --- text --------------------------------------------------------------------------------------------

# C0 and C1 controls have no glyphs; tabs, form feeds and vertical tabs read as spaces.
_CONTROLS = {code: None for code in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), 0xFFFE, 0xFFFF]}
_CONTROLS.update({code: " " for code in (0x09, 0x0B, 0x0C)})
del _CONTROLS[0x0A]
_SURROGATES = re.compile("[\ud800-\udfff]")


def _plain(text: str) -> str:
    """Text reportlab can draw: one kind of newline, no controls, no lone surrogates."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_CONTROLS)
    return _SURROGATES.sub("\ufffd", text)


_RAISED = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_LOWERED = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


def _escape(text: str) -> str:
    """Escaped for reportlab markup; footnote marks ("¹⁰") raised by markup, since the
    fonts lack some superscript digits (Liberation has no "⁰")."""
    return _RAISED.sub(lambda m: f"<super>{m.group(0).translate(_LOWERED)}</super>", escape(text))


# The text rules are briefer/ir/text.py's; these give them as reportlab markup.


def _markup(text: str) -> str:
    """ "One line" text as markup."""
    return _escape(_one_line(text))


def _lines(text: str) -> str:
    """ "Lines" text as markup: one paragraph, its lines broken."""
    return "<br/>".join(map(_escape, text_rules.lines(_plain(text))))


def _paragraphs(text: str) -> list[str]:
    """ "Paragraphs" text as markup paragraphs, their lines broken."""
    return ["<br/>".join(map(_escape, lines)) for lines in text_rules.paragraphs(_plain(text))]


def _one_line(text: str) -> str:
    return text_rules.one_line(_plain(text))


def _fit(text: str, font: str, size: float, width: float) -> str:
    """Text cut with an ellipsis to fit a width (running headers)."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    # The longest start that fits with the ellipsis, found by halving: cutting one character
    # at a time measures the text once per character, the square of its length.
    fits, over = 0, len(text)
    while over - fits > 1:
        middle = (fits + over) // 2
        if pdfmetrics.stringWidth(text[:middle] + "…", font, size) <= width:
            fits = middle
        else:
            over = middle
    return text[:fits].rstrip() + "…"


_BREAK_AFTER = re.compile(r"(?<=[-_/.])")


def _breakable(text: str, font: str, size: float, width: float) -> str:
    """An identifier (file name, symbol) as markup that wraps after - _ / . rather than mid-word."""
    pieces = [piece for piece in _BREAK_AFTER.split(_plain(text).strip()) if piece]
    lines: list[str] = []
    line = ""
    for piece in pieces:
        if line and pdfmetrics.stringWidth(line + piece, font, size) > width:
            lines.append(line)
            line = ""
        line += piece
    lines.append(line)
    return "<br/>".join(escape(line) for line in lines)


# --- styles ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Fonts:
    body: str
    heading: str

    def bold(self, family: str) -> str:
        return f"{family}-Bold"

    def italic(self, family: str) -> str:
        return f"{family}-Italic"


def _styles(template: Template, fonts: _Fonts) -> dict[str, ParagraphStyle]:
    """Every paragraph style, scaled from the template's body size."""
    s = template.body_size
    heading_bold = fonts.bold(fonts.heading)
    # Speaking notes are read aloud: even word spacing reads better than a justified block.
    body_alignment = TA_LEFT if template.condensed else TA_JUSTIFY

    def style(name: str, **values: object) -> ParagraphStyle:
        base: dict[str, object] = {
            "fontName": fonts.body,
            "bulletFontName": fonts.body,  # reportlab's default is Helvetica, which would not be embedded
            "fontSize": s,
            "leading": round(s * 1.36, 1),
            "textColor": INK,
            "allowOrphans": 0,
            "allowWidows": 0,
        }
        base.update(values)
        base.setdefault("bulletFontSize", base["fontSize"])  # reportlab's default is 10 pt at any size
        return ParagraphStyle(name, **base)  # type: ignore[arg-type]

    small = s * 0.82
    return {
        "body": style("body", alignment=body_alignment, spaceAfter=s * 0.6),
        "lead": style(
            "lead",
            fontSize=s * 1.08,
            leading=s * 1.46,
            textColor=colors.HexColor("#333333"),
            spaceAfter=s * 0.75,
        ),
        "quote": style(
            "quote",
            leftIndent=s * 1.8,
            rightIndent=s * 1.8,
            fontSize=s * 0.96,
            spaceAfter=s * 0.6,
            alignment=body_alignment,
        ),
        "source": style(
            "source",
            fontName=fonts.italic(fonts.body),
            fontSize=small,
            leading=small * 1.3,
            textColor=MUTED,
            spaceAfter=s * 1.4,
        ),
        "part": style(
            "part",
            fontName=heading_bold,
            fontSize=s * 1.55,
            leading=s * 1.9,
            textColor=ACCENT,
            spaceBefore=s * 1.9,
            spaceAfter=s * 0.25,
        ),
        "section": style(
            "section",
            fontName=heading_bold,
            fontSize=s * 1.18,
            leading=s * 1.5,
            textColor=ACCENT,
            spaceBefore=s * 1.45,
            spaceAfter=s * 0.45,
        ),
        "subsection": style(
            "subsection",
            fontName=heading_bold,
            fontSize=s * 1.02,
            leading=s * 1.35,
            textColor=INK,
            spaceBefore=s * 1.0,
            spaceAfter=s * 0.35,
        ),
        "box_title": style(
            "box_title", fontName=heading_bold, fontSize=s * 0.98, leading=s * 1.3, textColor=ACCENT
        ),
        "box_body": style("box_body", fontSize=s * 0.96, leading=s * 1.34),
        "bullet": style(
            "bullet", fontSize=s * 0.96, leading=s * 1.34, leftIndent=s * 1.2, bulletIndent=s * 0.2
        ),
        "question": style(
            "question",
            fontName=fonts.bold(fonts.body),
            bulletFontName=fonts.bold(fonts.body),
            fontSize=s * 0.96,
            leading=s * 1.34,
            leftIndent=s * 1.6,
        ),
        "answer": style(
            "answer",
            bulletFontName=fonts.bold(fonts.body),
            fontSize=s * 0.96,
            leading=s * 1.34,
            leftIndent=s * 1.6,
            spaceBefore=2,
        ),
        "cell_head": style(
            "cell_head", fontName=heading_bold, fontSize=small, leading=small * 1.25, textColor=ACCENT
        ),
        "cell_head_right": style(
            "cell_head_right",
            fontName=heading_bold,
            fontSize=small,
            leading=small * 1.25,
            textColor=ACCENT,
            alignment=TA_RIGHT,
        ),
        "cell": style("cell", fontSize=small, leading=small * 1.28),
        "cell_right": style("cell_right", fontSize=small, leading=small * 1.28, alignment=TA_RIGHT),
        "notes_label": style(
            "notes_label", fontName=heading_bold, fontSize=s * 0.85, leading=s * 1.1, textColor=MUTED
        ),
        "toc_title": style(
            "toc_title",
            fontName=heading_bold,
            fontSize=s * 1.55,
            leading=s * 1.9,
            textColor=ACCENT,
            spaceAfter=s * 1.2,
        ),
        "toc1": style(
            "toc1",
            fontName=heading_bold,
            leading=s * 1.3,
            spaceBefore=s * 0.75,
            rightIndent=s * 3,
            leftIndent=s * 1.4,
            firstLineIndent=-s * 1.4,
        ),
        "toc2": style(
            "toc2",
            leading=s * 1.3,
            spaceBefore=s * 0.2,
            rightIndent=s * 3,
            leftIndent=s * 3.6,
            firstLineIndent=-s * 2.2,
        ),
        "toc3": style(
            "toc3",
            fontSize=s * 0.93,
            leading=s * 1.25,
            spaceBefore=s * 0.1,
            rightIndent=s * 3,
            leftIndent=s * 5.8,
            firstLineIndent=-s * 2.2,
        ),
        "cover_delegation": style(
            "cover_delegation", fontName=heading_bold, fontSize=s * 1.1, leading=s * 1.4, textColor=ACCENT
        ),
        "cover_title": style(
            "cover_title",
            fontName=heading_bold,
            fontSize=s * 2.4,
            leading=s * 2.85,
            textColor=ACCENT,
            spaceBefore=s * 1.2,
        ),
        "cover_subtitle": style(
            "cover_subtitle",
            fontName=fonts.heading,
            fontSize=s * 1.35,
            leading=s * 1.75,
            textColor=MUTED,
            spaceBefore=s * 0.6,
        ),
        "title": style(
            "title",
            fontName=heading_bold,
            fontSize=s * 1.8,
            leading=s * 2.15,
            textColor=ACCENT,
            spaceAfter=s * 0.2,
        ),
        "cover_label": style(
            "cover_label", fontName=heading_bold, fontSize=s * 0.78, leading=s * 1.4, textColor=MUTED
        ),
        "cover_value": style("cover_value", fontSize=s * 1.05, leading=s * 1.35),
    }


# --- flowables ---------------------------------------------------------------------------------------


class _Anchor(Flowable):
    """Where a heading starts: its named destination, its outline entry and its contents entry.

    Zero-sized and drawn just above its heading, so both stay on the heading's page.
    """

    _ZEROSIZE = True

    def __init__(self, key: str, outline: tuple[int, str] | None, contents: tuple[int, str] | None) -> None:
        super().__init__()
        self.key = key
        self.outline = outline  # (level from 0, plain title)
        self.contents = contents  # (level from 0, markup text)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.bookmarkHorizontal(self.key, 0, 0)
        self.canv._doctemplate.anchor_placed(self)


class _Chain(Flowable):
    """Flowables laid out as one that splits only inside its middle one.

    It keeps headings with the first lines of what they introduce, and a source line with the last lines
    of its excerpt. reportlab's keepWithNext would instead move the whole next paragraph to the next
    page, leaving a gap of up to half a page.
    """

    def __init__(self, before: Iterable[Flowable], middle: Flowable, after: Iterable[Flowable]) -> None:
        super().__init__()
        self.before = list(before)
        self.middle = middle
        self.after = list(after)
        self._placed: list[tuple[Flowable, float, float, float]] = []  # flowable, top offset, width, height

    def _parts(self) -> list[Flowable]:
        return [*self.before, self.middle, *self.after]

    def _real_parts(self) -> list[Flowable]:
        return [part for part in self._parts() if not isinstance(part, _Anchor)]

    def getSpaceBefore(self) -> float:
        return self._real_parts()[0].getSpaceBefore()

    def getSpaceAfter(self) -> float:
        return self._real_parts()[-1].getSpaceAfter()

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._placed = []
        anchors: list[Flowable] = []
        y = 0.0
        previous: Flowable | None = None
        for part in self._parts():
            if isinstance(part, _Anchor):
                anchors.append(part)
                continue
            width, height = part.wrapOn(self.canv, availWidth, availHeight)
            if previous is not None:
                y += max(previous.getSpaceAfter(), part.getSpaceBefore())
            self._placed.extend((anchor, y, 0.0, 0.0) for anchor in anchors)
            anchors = []
            self._placed.append((part, y, width, height))
            y += height
            previous = part
        self._placed.extend((anchor, y, 0.0, 0.0) for anchor in anchors)
        self.width, self.height = availWidth, y
        return self.width, self.height

    def _top_of(self, flowable: Flowable) -> float:
        return next(top for part, top, _, _ in self._placed if part is flowable)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self.wrap(availWidth, availHeight)
        shorter = self._with_fewer_note_lines(self.height - availHeight)
        if shorter is not None:
            return [shorter]
        middle_top = self._top_of(self.middle)
        middle_height = next(height for part, _, _, height in self._placed if part is self.middle)
        room = availHeight - middle_top
        if middle_height <= room:
            room = middle_height - 1  # the middle fits but what follows does not: send its last lines down
        pieces = self.middle.splitOn(self.canv, availWidth, room) if room > 0 else []
        if len(pieces) >= 2:
            first = _Chain(self.before, pieces[0], []) if self.before else pieces[0]
            last = _Chain([], pieces[-1], self.after) if self.after else pieces[-1]
            return [first, *pieces[1:-1], last]
        frame = getattr(self, "_frame", None)
        if frame is not None and frame._atTop:
            return self._parts()  # too big for any page as one: let the frame place the parts one by one
        return []

    def _with_fewer_note_lines(self, excess: float) -> _Chain | None:
        """This chain with its ruled notes space shortened by `excess`, if enough lines are left.

        Notes under a section belong to it: fewer lines at the foot of the page beat a notes space
        alone at the top of the next.
        """
        last = self.after[-1] if self.after else None
        if not isinstance(last, _RuledLines) or last.label is None:
            return None
        lines = last.lines - math.ceil(excess / NOTES_LINE_GAP)
        if lines < _RuledLines.MIN_LINES:
            return None
        return _Chain(
            self.before, self.middle, [*self.after[:-1], _RuledLines(last.label, lines, last.space)]
        )

    def draw(self) -> None:
        for part, top, width, height in self._placed:
            part.drawOn(self.canv, 0, self.height - top - height, _sW=self.width - width)


class _RuledLines(Flowable):
    """Room for handwritten notes: a label over evenly ruled lines; more lines than a page can hold
    continue on the next."""

    MIN_LINES = 3  # fewer at a page foot look like a stray rule

    def __init__(self, label: Paragraph | None, lines: int, space: float) -> None:
        super().__init__()
        self.label = label
        self.lines = lines
        self.space = space
        self.spaceBefore = space if label is not None else 0
        self.spaceAfter = space * 1.5
        self._label_height = 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if self.label is not None:
            _, self._label_height = self.label.wrapOn(self.canv, availWidth, availHeight)
        self.width, self.height = availWidth, self._label_height + self.lines * NOTES_LINE_GAP
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self.wrap(availWidth, availHeight)
        fit = int((availHeight - self._label_height) // NOTES_LINE_GAP)
        if fit < self.MIN_LINES or self.lines - fit < 1:
            return []
        return [_RuledLines(self.label, fit, self.space), _RuledLines(None, self.lines - fit, self.space)]

    def draw(self) -> None:
        if self.label is not None:
            self.label.drawOn(self.canv, 0, self.height - self._label_height)
        self.canv.setStrokeColor(RULE)
        self.canv.setLineWidth(0.5)
        for line in range(1, self.lines + 1):
            y = self.height - self._label_height - line * NOTES_LINE_GAP
            self.canv.line(0, y, self.width, y)


def _table_style(fonts: _Fonts, commands: list[tuple]) -> TableStyle:
    """A table style whose cells use the body font (reportlab would select Helvetica, unembedded)."""
    return TableStyle([("FONT", (0, 0), (-1, -1), fonts.body), *commands])


class _Contents(TableOfContents):
    """reportlab's contents table (linked entries, dot leaders), told its entries up front.

    Its height is then right on the first pass, and only the page numbers change on the second. Pages
    are matched to entries by key, so an entry whose heading never comes cannot stall the build.
    """

    END = "briefer_contents_entry_end"  # the paragraph callback where an entry's text ends

    def __init__(self, entries: list[_Entry], styles: list[ParagraphStyle]) -> None:
        super().__init__(levelStyles=styles, dotsMinLevel=0)
        self._wanted = entries  # in the Contents block's order
        self._found: dict[str, int] = {}
        self._found_before: dict[str, int] | None = None
        self._ends: list[tuple[tuple[float, float], dict, str]] = []
        self._width = self._height = 0.0
        self._rows: list[_LeaderAfter] = []
        self._placed: list[tuple[_LeaderAfter, float, float]] = []

    def beforeBuild(self) -> None:
        self._found_before, self._found = self._found, {}
        self._lastEntries = [
            (e.level, e.markup, self._found_before.get(e.key, 0), e.key) for e in self._wanted
        ]

    def notify(self, kind: str, stuff: tuple[int, str, int, str]) -> None:
        if kind == "TOCEntry":
            self._found.setdefault(stuff[3], stuff[2])

    def isSatisfied(self) -> bool:
        return self._found == self._found_before

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        # One flowable per entry, not reportlab's table: a table split over pages wraps its remaining
        # rows again on every page, which grows with the square of the entries.
        self._width, self._height = availWidth, availHeight
        self.canv.setNamedCB(self.END, self._remember_end)
        self._rows = []
        entries = self._lastEntries
        for index, (level, text, page, key) in enumerate(entries):
            markup = f'<a href="#{key}">{text}</a><onDraw name="{self.END}" label="{page},{level},{key}"/>'
            row = _LeaderAfter(Paragraph(markup, self.getLevelStyle(level)), self)
            # a part's entry stays on the page of its first section's
            row.keepWithNext = index + 1 < len(entries) and entries[index + 1][0] > level
            self._rows.append(row)
        self._placed = []
        y = 0.0
        for index, row in enumerate(self._rows):
            _, height = row.wrapOn(self.canv, availWidth, availHeight)
            if index:
                y += max(self._rows[index - 1].getSpaceAfter(), row.getSpaceBefore())
            self._placed.append((row, y, height))
            y += height
        self.width, self.height = availWidth, y
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self.wrap(availWidth, availHeight)
        return list(self._rows)  # the frame flows them over as many pages as they need

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        for row, top, height in self._placed:
            row.drawOn(canvas, x, y + self.height - top - height)

    def _remember_end(self, canvas: Canvas, kind: str, label: str) -> None:
        self._ends.append((canvas.absolutePosition(0, 0), dict(canvas._curr_tx_info), label))

    def draw_leaders(self, canvas: Canvas) -> None:
        """Dot leaders and page numbers for the entries just drawn, at the ends of their text."""
        ends, self._ends = self._ends, []
        for (origin_x, origin_y), info, label in ends:
            page, level, key = label.split(",")
            here_x, here_y = canvas.absolutePosition(0, 0)
            canvas.saveState()
            canvas.translate(origin_x - here_x, origin_y - here_y)
            canvas._curr_tx_info = info  # where drawPageNumbers starts the leader
            try:
                style = self.getLevelStyle(int(level))
                drawPageNumbers(canvas, style, [(int(page), key)], self._width, self._height, " . ")
            finally:
                del canvas._curr_tx_info
                canvas.restoreState()


class _LeaderAfter(Flowable):
    """A contents entry whose leader and page number are drawn after its text.

    reportlab's contents table draws them from inside the entry's last line, before that line's text is
    written out: text extraction, copying and screen readers would get a wrapped entry's number first.
    """

    def __init__(self, paragraph: Paragraph, contents: _Contents) -> None:
        super().__init__()
        self.paragraph = paragraph
        self.contents = contents

    def getSpaceBefore(self) -> float:
        return self.paragraph.getSpaceBefore()

    def getSpaceAfter(self) -> float:
        return self.paragraph.getSpaceAfter()

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.paragraph.wrapOn(self.canv, availWidth, availHeight)

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        self.paragraph.drawOn(canvas, x, y, _sW)
        self.contents.draw_leaders(canvas)


# --- pages -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Page:
    """Paper and text area."""

    width: float
    height: float
    margin: float  # left and right
    vertical: float  # top and bottom

    @property
    def frame_width(self) -> float:
        return self.width - 2 * self.margin

    @property
    def frame_height(self) -> float:
        return self.height - 2 * self.vertical

    def frame(self, frame_id: str) -> Frame:
        return Frame(
            self.margin,
            self.vertical,
            self.frame_width,
            self.frame_height,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id=frame_id,
        )


class _Furniture:
    """What every page carries around its text: marking, running title, page number, watermark."""

    def __init__(self, info: DocumentInfo, page: _Page, fonts: _Fonts, cover_marking: str) -> None:
        self.page = page
        self.draft = info.draft
        self.font = fonts.heading
        self.bold = fonts.bold(fonts.heading)
        # fitted to the text width once, not on every page
        self.title = _fit(_one_line(info.title), self.font, 8, page.frame_width)
        self.marking = _fit(_one_line(info.marking), self.bold, 9, page.frame_width)
        self.cover_marking = _fit(_one_line(cover_marking), self.bold, 9, page.frame_width) or self.marking

    def cover(self, canv: Canvas, doc: _PackDoc) -> None:
        self._watermark(canv)
        self._markings(canv, self.cover_marking)

    def body(self, canv: Canvas, doc: _PackDoc) -> None:
        self._watermark(canv)
        self._markings(canv, self.marking)
        page = self.page
        top = page.height - page.vertical
        bottom = page.vertical
        canv.saveState()
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(page.margin, top + 7, page.width - page.margin, top + 7)
        canv.line(page.margin, bottom - 9, page.width - page.margin, bottom - 9)
        canv.setFillColor(MUTED)
        canv.setFont(self.font, 8)
        canv.drawString(page.margin, top + 11, self.title)
        number = doc.page - doc.cover_pages
        total = doc.printed_total or number  # the first pass does not know it yet; it is not saved
        canv.setFont(self.font, 8.5)
        canv.drawCentredString(page.width / 2, bottom - 20, f"Page {number} of {total}")
        canv.restoreState()

    def _markings(self, canv: Canvas, marking: str) -> None:
        """The classification, centred at the top and the foot of the page."""
        if not marking:
            return
        page = self.page
        canv.saveState()
        canv.setFillColor(INK)
        canv.setFont(self.bold, 9)
        canv.drawCentredString(page.width / 2, page.height - page.vertical + 25, marking)
        canv.drawCentredString(page.width / 2, page.vertical - 32, marking)
        canv.restoreState()

    def _watermark(self, canv: Canvas) -> None:
        """DRAFT across the page, under everything drawn after it."""
        if not self.draft:
            return
        width, height = self.page.width, self.page.height
        size = math.hypot(width, height) * 0.55 / pdfmetrics.stringWidth("DRAFT", self.bold, 1)
        canv.saveState()
        canv.setFillColor(WATERMARK)
        canv.setFont(self.bold, size)
        canv.translate(width / 2, height / 2)
        canv.rotate(math.degrees(math.atan2(height, width)))
        canv.drawCentredString(0, -size * 0.35, "DRAFT")
        canv.restoreState()


class Paragraph(_ReportlabParagraph):
    """reportlab's paragraph, with its lines broken once per width (both passes, and the
    chains that try a paragraph in several places, would break them again each time), and
    not drawn in the first pass, which only measures."""

    _wrapped_at: float | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (reportlab's names)
        if self._wrapped_at != availWidth or not hasattr(self, "blPara"):
            super().wrap(availWidth, availHeight)
            self._wrapped_at = availWidth
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        """As reportlab splits, but the part left for the next page keeps the lines already
        broken: reportlab would break all of them again on every page, which makes a
        paragraph many pages long cost the square of its length."""
        broken = getattr(self, "blPara", None) if self._wrapped_at == availWidth else None
        parts = super().split(availWidth, availHeight)
        if broken is None:
            return parts
        self.blPara = broken  # reportlab forgets the lines when nothing fits here
        if len(parts) == 2:
            first, rest = parts
            lines = broken.lines[len(first.blPara.lines) :]
            rest.blPara = broken.clone(lines=lines)
            rest._wrapped_at = availWidth
            rest.width = availWidth
            rest.height = len(lines) * rest.style.leading  # the styles have no autoLeading
        return parts

    def draw(self) -> None:
        if not getattr(getattr(self.canv, "_doctemplate", None), "measuring", False):
            super().draw()


class _PackDoc(BaseDocTemplate):
    """The document template: records where headings land and how many pages there are."""

    def __init__(
        self, out: Path, *, cover_pages: int, blocks: int, progress: Progress | None, **options: object
    ) -> None:
        super().__init__(str(out), **options)
        self.cover_pages = cover_pages  # the leading cover is not numbered
        self.printed_total = 0  # numbered pages found by the previous pass: the Y of "Page X of Y"
        self.page_count = 0
        self._blocks = blocks
        self._progress = progress
        self._passes = 0
        self._outline_level = -1
        self._reported = 0

    def beforeDocument(self) -> None:
        self._passes += 1
        self.measuring = self._passes == 1  # the first pass is never saved: only measured
        self._outline_level = -1
        self.page_count = 0
        canv = self.canv
        canv.showOutline()
        if self.cover_pages:
            canv.addPageLabel(0, prefix="Cover")
        canv.addPageLabel(self.cover_pages, "ARABIC", start=1)

    def afterPage(self) -> None:
        self.page_count = self.page

    def afterFlowable(self, flowable: Flowable) -> None:
        index = getattr(flowable, "_block_index", None)
        if index is None or self._progress is None:
            return
        total = max(self._passes, EXPECTED_PASSES) * self._blocks
        done = (self._passes - 1) * self._blocks + index + 1
        if done - self._reported >= max(1, total // 200):  # a bar needs no more than 200 steps
            self._reported = done
            self._progress(done, total)

    def anchor_placed(self, anchor: _Anchor) -> None:
        if anchor.contents is not None:
            level, text = anchor.contents
            self.notify("TOCEntry", (level, text, self.page - self.cover_pages, anchor.key))
        if anchor.outline is not None:
            level, title = anchor.outline
            level = min(level, self._outline_level + 1)  # an outline may not skip a level
            self.canv.addOutlineEntry(title, anchor.key, level, closed=False)
            self._outline_level = level

    def _allSatisfied(self) -> bool:
        numbered = self.page_count - self.cover_pages
        settled = numbered == self.printed_total
        self.printed_total = numbered
        return super()._allSatisfied() and settled


# --- story -------------------------------------------------------------------------------------------

HEADING, BODY, TAIL, BREAK = "heading", "body", "tail", "break"


class _Story:
    """Turns blocks into flowables, each with its role in keeping things together."""

    def __init__(self, document: Document, template: Template, page: _Page, fonts: _Fonts) -> None:
        self.document = document
        self.template = template
        self.page = page
        self.fonts = fonts
        self.styles = _styles(template, fonts)
        self.keys = _heading_keys(document)
        self.contents = _contents_entries(document, self.keys)
        self.listed = {entry.key: entry for entry in self.contents}
        self.items: list[tuple[Flowable, str, int]] = []

    def build(self) -> list[Flowable]:
        for index, block in enumerate(self.document.blocks):
            for flowable, role in self._block(block, first=index == 0):
                self.items.append((flowable, role, index))
        story = _join(self.items)
        return story or [Spacer(1, 1)]

    def _block(self, block: object, first: bool) -> list[tuple[Flowable, str]]:
        match block:
            case Cover():
                return self._cover(block, first)
            case Title():
                return self._title(block)
            case Contents():
                return self._contents(block)
            case PartHeading():
                return self._part(block)
            case SectionHeading():
                return self._section(block)
            case ParagraphBlock():
                return [(paragraph, BODY) for paragraph in self._paragraph(block)]
            case TableBlock():
                return [(self._excerpt_table(block), BODY)] if block.columns else []
            case SourceLine():
                return self._source(block)
            case Note():
                content = [Paragraph(text, self.styles["box_body"]) for text in _paragraphs(block.text)]
                return [(self._box(block.title, content), BODY)]
            case KeyMessages():
                items = [
                    Paragraph(text, self.styles["bullet"], bulletText="•")
                    for text in map(_lines, block.items)
                    if text
                ]
                return [(self._box(block.title, items, bar=ACCENT), BODY)]
            case QuestionsAnswers():
                return [(self._questions(block), BODY)]
            case SourcesList():
                return [(self._sources(block), BODY)] if block.entries else []
            case NotesSpace():  # kept with the section it follows
                return [(self._notes_space(block), TAIL)] if block.lines > 0 else []
            case PageBreakBlock():
                return [(PageBreakIfNotEmpty(), BREAK)]  # a blank page is never wanted
        log.warning("the PDF writer does not know the block %r; left out", type(block).__name__)
        return []

    def _paragraph(self, block: ParagraphBlock) -> list[Paragraph]:
        style = self.styles[block.style if block.style in ("body", "lead", "quote") else "body"]
        return [Paragraph(text, style) for text in _paragraphs(block.text)]

    def _notes_space(self, block: NotesSpace) -> _RuledLines:
        label = Paragraph("Notes", self.styles["notes_label"])
        return _RuledLines(label, min(block.lines, 500), self.template.body_size)

    # cover and contents

    def _cover(self, cover: Cover, first: bool) -> list[tuple[Flowable, str]]:
        st = self.styles
        top: list[Flowable] = [Spacer(1, self.page.frame_height * 0.16)]
        if cover.delegation.strip():
            top.append(Paragraph(_markup(cover.delegation), st["cover_delegation"]))
        top.append(HRFlowable(width="100%", thickness=2, color=ACCENT, spaceBefore=6, spaceAfter=4))
        top.append(Paragraph(_markup(cover.title), st["cover_title"]))
        if cover.subtitle.strip():
            top.append(Paragraph(_markup(cover.subtitle), st["cover_subtitle"]))
        details = self._details([("Meeting", cover.meeting), ("Place", cover.place), ("Dates", cover.dates)])
        if details is not None:
            top += [Spacer(1, self.template.body_size * 2.5), details]
        bottom = self._details([("Prepared by", cover.author), ("Date", cover.date)])
        flowables: list[Flowable] = [] if first else [PageBreakIfNotEmpty(nextTemplate="cover")]
        flowables.append(
            KeepInFrame(self.page.frame_width, self.page.frame_height * 0.74, top, mode="shrink")
        )
        if bottom is not None:
            flowables += [FrameBreak(), bottom]
        flowables += [NextPageTemplate("body"), PageBreak()]
        return [(flowable, BREAK) for flowable in flowables]

    def _details(self, rows: list[tuple[str, str]]) -> Table | None:
        rows = [(label, value) for label, value in rows if value.strip()]
        if not rows:
            return None
        st = self.styles
        data = [
            [Paragraph(label.upper(), st["cover_label"]), Paragraph(_markup(value), st["cover_value"])]
            for label, value in rows
        ]
        table = Table(data, colWidths=[32 * mm, self.page.frame_width - 32 * mm], hAlign="LEFT")
        table.setStyle(
            self._table_style(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                    ("LINEABOVE", (0, 0), (-1, 0), 0.5, RULE),
                    ("LINEBELOW", (0, -1), (-1, -1), 0.5, RULE),
                    ("TOPPADDING", (0, 0), (-1, 0), 7),
                    ("BOTTOMPADDING", (0, -1), (-1, -1), 7),
                ]
            )
        )
        return table

    def _contents(self, block: Contents) -> list[tuple[Flowable, str]]:
        if not self.contents:
            return []
        title = _markup(block.title) or "Contents"
        st = self.styles
        flowables: list[tuple[Flowable, str]] = [
            (PageBreakIfNotEmpty(), BREAK),
            (_Anchor("contents", (0, _one_line(block.title) or "Contents"), None), HEADING),
            (Paragraph(title, st["toc_title"]), HEADING),
        ]
        toc = _Contents(self.contents, [st["toc1"], st["toc2"], st["toc3"]])
        # Left out of any chain: multiBuild only finds contents tables at the top of the story.
        return flowables + [(toc, BREAK), (PageBreak(), BREAK)]

    # headings

    def _heading(
        self, anchor: str, text: str, level: int, style: ParagraphStyle
    ) -> list[tuple[Flowable, str]]:
        """The heading, after its anchor; with a Contents block, its entries alone make the outline."""
        key = self.keys.get(anchor)
        flowables: list[tuple[Flowable, str]] = []
        if key:
            listed = self.listed.get(key)
            if listed is not None:
                outline, contents = (listed.level, listed.plain), (listed.level, listed.markup)
            else:
                outline, contents = (None if self.contents else (level - 1, _one_line(text))), None
            flowables.append((_Anchor(key, outline, contents), HEADING))
        flowables.append((Paragraph(_markup(text), style), HEADING))
        return flowables

    def _title(self, title: Title) -> list[tuple[Flowable, str]]:
        flowables = [Paragraph(_markup(title.text), self.styles["title"])]
        if title.subtitle.strip():
            flowables.append(Paragraph(_markup(title.subtitle), self.styles["cover_subtitle"]))
        rule = HRFlowable(
            width="100%", thickness=2, color=ACCENT, spaceBefore=4, spaceAfter=self.template.body_size
        )
        return [(flowable, HEADING) for flowable in [*flowables, rule]]

    def _part(self, part: PartHeading) -> list[tuple[Flowable, str]]:
        flowables: list[tuple[Flowable, str]] = []
        if part.new_page:  # (set by the pack's template, in the blocks: the writer only honours it)
            flowables.append((PageBreakIfNotEmpty(), BREAK))
        flowables += self._heading(part.anchor, part.label, 1, self.styles["part"])
        flowables.append(
            (
                HRFlowable(
                    width="100%",
                    thickness=0.8,
                    color=ACCENT,
                    spaceBefore=1,
                    spaceAfter=self.template.body_size * 0.7,
                ),
                HEADING,
            )
        )
        return flowables

    def _section(self, section: SectionHeading) -> list[tuple[Flowable, str]]:
        level = 3 if section.level >= 3 else 2
        style = self.styles["subsection" if level == 3 else "section"]
        return self._heading(section.anchor, section.label, level, style)

    # written blocks

    def _source(self, source: SourceLine) -> list[tuple[Flowable, str]]:
        text = _lines(source.text)
        if not text:
            return []
        rule = HRFlowable(
            width=28 * mm, thickness=0.5, color=RULE, hAlign="LEFT", spaceBefore=1, spaceAfter=3
        )
        return [(rule, TAIL), (Paragraph(text, self.styles["source"]), TAIL)]

    def _box(self, title: str, content: list[Flowable | list[Flowable]], bar: colors.Color = RULE) -> Table:
        """A titled, shaded box; one row per paragraph, so a long box can continue on the next page."""
        rows: list[list[Flowable | list[Flowable]]] = []
        if title.strip():
            rows.append([Paragraph(_markup(title), self.styles["box_title"])])
        rows += [[cell] for cell in content]
        if not rows:
            rows = [[Spacer(1, 1)]]
        pad = self.template.body_size * 0.9
        # a row (one paragraph) splits only into pieces of three lines or more
        table = Table(rows, colWidths=[self.page.frame_width], splitInRow=round(self.template.body_size * 4))
        table.setStyle(
            self._table_style(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), SHADE),
                    ("LINEBEFORE", (0, 0), (0, -1), 2.5, bar),
                    ("LEFTPADDING", (0, 0), (-1, -1), pad),
                    ("RIGHTPADDING", (0, 0), (-1, -1), pad),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), pad * 0.35),
                    ("TOPPADDING", (0, 0), (-1, 0), pad * 0.75),
                    ("BOTTOMPADDING", (0, -1), (-1, -1), pad * 0.8),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        table.spaceBefore = self.template.body_size * 0.6
        table.spaceAfter = self.template.body_size * 1.1
        return table

    def _table_style(self, commands: list[tuple]) -> TableStyle:
        # reportlab sets each cell's font even when the cell holds paragraphs: not its default Helvetica
        return _table_style(self.fonts, commands)

    def _questions(self, block: QuestionsAnswers) -> Table:
        st = self.styles
        gap = Spacer(1, self.template.body_size * 0.35)
        pairs: list[list[Flowable]] = []
        for pair in block.pairs:
            question = _lines(pair.question)
            answer = Paragraph("<br/>".join(_paragraphs(pair.answer)) or "—", st["answer"], bulletText="A")
            pairs.append(
                [*([Paragraph(question, st["question"], bulletText="Q")] if question else []), answer, gap]
            )
        return self._box(block.title, pairs)

    def _sources(self, block: SourcesList) -> Table:
        st = self.styles
        cell = st["cell"]
        pad = CELL_PADDING
        # Symbol, date and count columns as wide as their contents (within limits); the meeting, the
        # longest text, takes the rest.
        width = self.page.frame_width
        head_font = st["cell_head"].fontName

        def column(header: str, values: Iterable[str], most: float) -> float:
            widest = max(
                [pdfmetrics.stringWidth(header, head_font, cell.fontSize)]
                + [pdfmetrics.stringWidth(_one_line(value), cell.fontName, cell.fontSize) for value in values]
            )
            return min(widest + 2 * pad + 1, most)

        entries = block.entries
        widths = [
            width * 0.24,
            0.0,
            column("Symbol", (entry.symbol for entry in entries), width * 0.18),
            column("Date", (entry.date for entry in entries), width * 0.16),
            column("Excerpts", (), width),
        ]
        widths[1] = width - sum(widths)
        head = [
            Paragraph("Document", st["cell_head"]),
            Paragraph("Meeting", st["cell_head"]),
            Paragraph("Symbol", st["cell_head"]),
            Paragraph("Date", st["cell_head"]),
            Paragraph("Excerpts", st["cell_head_right"]),
        ]
        rows: list[list[Flowable]] = [head]
        for entry in block.entries:
            rows.append(
                [
                    Paragraph(
                        _breakable(entry.document, cell.fontName, cell.fontSize, widths[0] - 2 * pad), cell
                    ),
                    Paragraph(_markup(entry.meeting), cell),
                    Paragraph(
                        _breakable(entry.symbol, cell.fontName, cell.fontSize, widths[2] - 2 * pad), cell
                    ),
                    Paragraph(_markup(entry.date), cell),
                    Paragraph(str(entry.sections) if entry.sections else "", st["cell_right"]),
                ]
            )
        table = self._ruled(Table, rows, widths, header=True)
        table.spaceBefore = 4
        table.spaceAfter = self.template.body_size
        return table

    def _ruled(
        self, kind: type[Table], rows: list[list[Flowable]], widths: list[float], header: bool
    ) -> Table:
        """A table of cells with rules between the rows; a shaded header row, repeated on each page."""
        commands: list[tuple] = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("TOPPADDING", (0, 0), (-1, -1), 3.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4.5),
            ("LINEABOVE", (0, 0), (-1, 0), 1, ACCENT),
        ]
        if header:
            commands += [
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("LINEBELOW", (0, 0), (-1, 0), 0.75, ACCENT),
            ]
        commands += [
            ("LINEBELOW", (0, 1 if header else 0), (-1, -1), 0.3, RULE),
            ("LINEBELOW", (0, -1), (-1, -1), 1, ACCENT),
        ]
        # rows split between them; inside one only when it is too tall to move whole (a quarter page or more)
        table = kind(
            rows,
            colWidths=widths,
            repeatRows=1 if header else 0,
            splitInRow=round(self.page.frame_height / 4),
            hAlign="LEFT",
        )
        table.setStyle(self._table_style(commands))
        return table

    def _excerpt_table(self, block: TableBlock) -> Table:
        """A table of an excerpt at the text width, its columns as wide as their cells need."""
        st = self.styles
        grid = block.grid()
        figures = block.figure_columns()
        styles = [
            [
                st[("cell_head" if block.header and index == 0 else "cell") + ("_right" if figure else "")]
                for figure in figures
            ]
            for index in range(len(grid))
        ]
        least, body, whole = ([0.0] * block.columns for _ in range(3))
        for index, (row, row_styles) in enumerate(zip(grid, styles, strict=True)):
            heading = block.header and index == 0
            for column, (text, style) in enumerate(zip(row, row_styles, strict=True)):
                measure = partial(pdfmetrics.stringWidth, fontName=style.fontName, fontSize=style.fontSize)
                for plain in text_rules.lines(_plain(text)) or [""]:  # a cell's lines each measured
                    least[column] = max(least[column], *(measure(word) for word in plain.split()), 0.0)
                    body[column] = max(
                        body[column], on_two_lines(plain, measure) if heading else measure(plain)
                    )
                    whole[column] = max(whole[column], measure(plain))
        room = 2 * CELL_PADDING + 1
        wants = ([w + room for w in want] for want in (least, body, whole))
        widths = column_widths(*wants, self.page.frame_width)
        rows = [
            [Paragraph(_lines(text), style) for text, style in zip(row, row_styles, strict=True)]
            for row, row_styles in zip(grid, styles, strict=True)
        ]
        table = self._ruled(LongTable, rows, widths, header=block.header)
        table.spaceBefore = self.template.body_size * 0.3
        table.spaceAfter = self.template.body_size * 0.9
        return table


_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_.:-]{0,80}\Z")


def _heading_keys(document: Document) -> dict[str, str]:
    """Heading anchor -> PDF destination name: the anchor itself when it is a safe name, else a made one."""
    keys: dict[str, str] = {}
    used = {"contents"}
    for number, heading in enumerate(document.headings(), start=1):
        if heading.anchor in keys:
            continue
        key = (
            heading.anchor
            if _KEY.match(heading.anchor) and heading.anchor not in used
            else f"heading-{number}"
        )
        keys[heading.anchor] = key
        used.add(key)
    return keys


@dataclass(frozen=True, slots=True)
class _Entry:
    """A contents entry as drawn: in the contents table and in the outline."""

    level: int  # from 0
    markup: str
    plain: str
    key: str


def _contents_entries(document: Document, keys: dict[str, str]) -> list[_Entry]:
    """The Contents block's entries that point at a heading."""
    block = next((b for b in document.blocks if isinstance(b, Contents)), None)
    if block is None:
        return []
    entries: list[_Entry] = []
    for entry in block.entries:
        key = keys.get(entry.anchor)
        if key is None:
            log.warning(
                "contents entry %r points at no heading (anchor %r); left out", entry.text, entry.anchor
            )
            continue
        plain = _one_line(entry.text)
        entries.append(_Entry(min(max(entry.level, 1), 3) - 1, escape(plain), plain, key))
    return entries


def _merged_break(story: list[Flowable], flowable: Flowable) -> bool:
    """Folds a conditional page break into the page break before it.

    reportlab drops a conditional break at the start of a page, but not a second one in a row: that
    one would leave a blank page.
    """
    if not (isinstance(flowable, PageBreakIfNotEmpty) and story and isinstance(story[-1], PageBreak)):
        return False
    if flowable.nextTemplate:
        story[-1].nextTemplate = flowable.nextTemplate
    return True


def _alone(headings: list[Flowable]) -> list[Flowable]:
    """Headings with nothing after them to keep: still one flowable, so anchors stay on their page."""
    return [_Chain(headings[:-1], headings[-1], [])] if headings else []


def _join(items: list[tuple[Flowable, str, int]]) -> list[Flowable]:
    """Binds headings to what follows them and tails (source lines) to what precedes them, as `_Chain`s."""
    story: list[Flowable] = []
    pending: list[Flowable] = []  # headings waiting for what they introduce
    last_index = 0
    can_take_tail = False  # story[-1] is body text a tail may attach to

    def tag(flowable: Flowable, index: int) -> Flowable:
        flowable._block_index = index
        return flowable

    for flowable, role, index in items:
        if role == HEADING or (role == TAIL and pending):
            pending.append(flowable)
        elif role == BODY:
            story.append(tag(_Chain(pending, flowable, []) if pending else flowable, index))
            pending = []
            can_take_tail = True
        elif role == TAIL and can_take_tail:
            last = story.pop()
            chain = last if isinstance(last, _Chain) else _Chain([], last, [])
            story.append(tag(_Chain(chain.before, chain.middle, [*chain.after, flowable]), index))
        else:
            story.extend(_alone(pending))
            pending = []
            if not _merged_break(story, flowable):
                story.append(tag(flowable, index))
            can_take_tail = False
        last_index = index
    story.extend(_alone(pending))
    if story:
        tag(story[-1], last_index)
    return story


# --- entry point -------------------------------------------------------------------------------------


def _page(info: DocumentInfo, template: Template) -> _Page:
    width, height = PAPER_SIZES[info.page_size]
    margin = template.margin_mm * mm
    return _Page(width, height, margin, max(margin, MIN_VERTICAL_MARGIN))


def write_pdf(document: Document, template: Template, out: Path, progress: Progress | None = None) -> int:
    """Renders the document to `out` (a PDF) with the template's settings; returns the page count."""
    fonts = _Fonts(_register_family(template.body_font), _register_family(template.heading_font))
    page = _page(document.info, template)
    story = _Story(document, template, page, fonts).build()
    has_cover = bool(document.blocks) and isinstance(document.blocks[0], Cover)
    cover = document.blocks[0] if has_cover else None
    furniture = _Furniture(document.info, page, fonts, cover.marking if isinstance(cover, Cover) else "")
    body = PageTemplate(
        "body", frames=[page.frame("body")], onPage=furniture.body, pagesize=(page.width, page.height)
    )
    cover_frames = [
        Frame(
            page.margin,
            page.vertical + page.frame_height * 0.2,
            page.frame_width,
            page.frame_height * 0.8,
            0,
            0,
            0,
            0,
            id="cover",
        ),
        Frame(
            page.margin, page.vertical, page.frame_width, page.frame_height * 0.2, 0, 0, 0, 0, id="cover-foot"
        ),
    ]
    cover_template = PageTemplate(
        "cover", frames=cover_frames, onPage=furniture.cover, pagesize=(page.width, page.height)
    )
    info = document.info
    doc = _PackDoc(
        out,
        cover_pages=1 if has_cover else 0,
        blocks=len(document.blocks),
        progress=progress,
        pagesize=(page.width, page.height),
        pageTemplates=[cover_template, body] if has_cover else [body, cover_template],
        leftMargin=page.margin,
        rightMargin=page.margin,
        topMargin=page.vertical,
        bottomMargin=page.vertical,
        title=_one_line(info.title),
        author=_one_line(info.author),
        subject=_one_line(info.subject),
        creator=f"{briefer.APP_NAME} {briefer.__version__}",
        invariant=1,  # same document, same bytes: reference outputs can be compared
        initialFontName=fonts.body,  # else reportlab puts an unembedded Helvetica in every page
        displayDocTitle=1,
    )
    doc.multiBuild(story, maxPasses=4)
    total = max(doc._passes, EXPECTED_PASSES) * len(document.blocks)
    if progress is not None and doc._reported < total:
        progress(total, total)
    return doc.page_count
