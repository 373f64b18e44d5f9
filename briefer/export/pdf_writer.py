"""The PDF writer: renders a block document with reportlab platypus, from a template's settings.

Layout takes two passes (reportlab's multiBuild): the first finds the page of every heading and
the page count, the part and item each page belongs to (its running head) and the page of every
excerpt (the sources annex); the second prints them, and only the second is saved. The contents
table is given its entries up front, so both passes lay out the same pages.

What must stay together is bound into `_Chain`s: a heading with the first lines it introduces, a
source line (and a handout's notes space) with the last lines of its excerpt, a question with its
answer. Footnotes print at the foot of their reference's page: the body frame (`_NotesFrame`)
takes a flowable only with room left for its notes, and knows which notes each piece of a split
paragraph holds. The body is set to a measure of about 72 characters, justified and hyphenated
(pyphen), no line's spaces past twice normal; the watermark is drawn last, as shapes. Fonts are
the bundled Liberation families, embedded as subsets. All user and library text goes through
`_markup`, `_paragraphs` or `_run_paragraphs` (controls dropped, `& < >` escaped) before
reportlab sees it.
"""

from __future__ import annotations

import copy
import logging
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.pathobject import PDFPathObject
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
from reportlab.platypus.doctemplate import ActionFlowable
from reportlab.platypus.flowables import PageBreakIfNotEmpty
from reportlab.platypus.tableofcontents import TableOfContents, drawPageNumbers

import briefer
from briefer.export.columns import column_widths, on_two_lines
from briefer.export.glyph_outlines import word_outline
from briefer.export.measure import register_family, side_margins
from briefer.export.word_styles import marking_size  # one size for the marking, Word and PDF
from briefer.ir import text as text_rules
from briefer.ir.blocks import (
    MISSING_TEXT,
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
    Run,
    SectionHeading,
    SourceEntry,
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
WATERMARK = colors.Color(0.35, 0.35, 0.35)  # drawn over the page at WATERMARK_ALPHA
WATERMARK_ALPHA = 0.13
MISSING_INK = "#595959"  # "[text missing in the source]": grey italic on a grey tint (as in Word)
MISSING_SHADE = "#E4E4E4"
LANGUAGE = "en"  # the packs' text: the PDF's /Lang, and the hyphenation patterns below
HYPHENATION = "en_GB"  # UN English
# No justified line's spaces stretched past twice normal (the rest of such a line left at
# its end); the measure itself is `measure.py`'s.
MAX_WORD_SPACE = 1.95  # times a normal space

# Header and footer sit in the top and bottom margins; they need this much room.
MIN_VERTICAL_MARGIN = 16 * mm
NOTES_LINE_GAP = 8 * mm  # ruled lines a hand can write between
CELL_PADDING = 4  # points left and right of a table cell's text


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


# A footnote reference is drawn raised, followed by a zero-width callback that carries its
# number: the lines a paragraph is broken into then tell which notes each piece of a split
# paragraph holds (`_notes_in_lines`), so the note goes to the foot of the marker's page.
NOTE_CB = "briefer_note"
_NOTE_LABEL = re.compile(rf'<onDraw name="{NOTE_CB}" label="(\d+)"/>')
NBSP = "\u00a0"
_NOTE_PLACE, _MISSING_PLACE = "\ue000", "\ue001"  # where a note or lost text stands, while the text is read


def _note_marker(number: int) -> str:
    return f'<super>{number}</super><onDraw name="{NOTE_CB}" label="{number}"/>'


def _missing_markup() -> str:
    # One piece, never hyphenated ("miss-ing" would read as the report's own words).
    return f'<nobr><font color="{MISSING_INK}" backColor="{MISSING_SHADE}"><i>{escape(MISSING_TEXT).replace(" ", NBSP)}</i></font></nobr>'


def _run_paragraphs(runs: Iterable[Run], numbers: Iterable[int]) -> list[str]:
    """A paragraph's runs as markup paragraphs: text as "paragraphs" text, each footnote
    reference raised with the next of `numbers`, lost text in the missing style."""
    pieces: list[str] = []
    numbers = iter(numbers)
    for run in runs:
        if run.kind == "note":
            pieces.append(_NOTE_PLACE)
        elif run.kind == "missing":
            pieces.append(_MISSING_PLACE)
        else:
            pieces.append(run.text.replace(_NOTE_PLACE, "\ufffd").replace(_MISSING_PLACE, "\ufffd"))
    result = []
    for paragraph in _paragraphs("".join(pieces)):
        paragraph = re.sub(
            f"[{_NOTE_PLACE}{_MISSING_PLACE}]",
            lambda m: _note_marker(next(numbers)) if m.group(0) == _NOTE_PLACE else _missing_markup(),
            paragraph,
        )
        result.append(paragraph)
    return result


def _note_numbers(markup: str) -> tuple[int, ...]:
    return tuple(int(n) for n in _NOTE_LABEL.findall(markup))


def _notes_in_lines(lines: Iterable[object]) -> tuple[int, ...]:
    """The footnote numbers whose references stand in these broken lines of a paragraph."""
    found: list[int] = []
    for line in lines:
        for word in getattr(line, "words", ()):
            callback = getattr(word, "cbDefn", None)
            if callback is not None and getattr(callback, "name", "") == NOTE_CB:
                found.append(int(callback.label))
    return tuple(found)


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


_BREAK_AFTER = re.compile(r"(?<=[-_/ ])")


def _breakable(text: str, font: str, size: float, width: float) -> str:
    """Text (a file name, a symbol, a title) as markup that wraps only after a space, a
    slash, a hyphen or an underscore, never inside a word; a piece wider than the width
    stands whole on its line (the annex's columns are made as wide as their widest piece)."""
    pieces = [piece for piece in _BREAK_AFTER.split(" ".join(_plain(text).split())) if piece]
    lines: list[str] = []
    line = ""
    for piece in pieces:
        if line and pdfmetrics.stringWidth((line + piece).rstrip(), font, size) > width - 0.5:
            lines.append(line.rstrip())
            line = ""
        line += piece
    lines.append(line.rstrip())
    return "<br/>".join(_escape(line) for line in lines if line)


def _widest_piece(text: str, font: str, size: float) -> float:
    pieces = _BREAK_AFTER.split(" ".join(_plain(text).split()))
    return max((pdfmetrics.stringWidth(piece.rstrip(), font, size) for piece in pieces), default=0.0)


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
    ragged = template.condensed or template.cards
    body_alignment = TA_LEFT if ragged else TA_JUSTIFY
    # Justified text is hyphenated (pyphen's patterns), so its spaces stay even; ragged text
    # is not (a podium reader should not meet a broken word).
    hyphens: dict[str, object] = (
        {} if ragged else {"hyphenationLang": HYPHENATION, "embeddedHyphenation": 1, "spaceShrinkage": 0.1}
    )

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
        "body": style("body", alignment=body_alignment, spaceAfter=s * 0.6, **hyphens),
        "lead": style(
            "lead",
            fontSize=s * 1.08,
            leading=s * 1.46,
            textColor=colors.HexColor("#333333"),
            spaceAfter=s * 0.75,
            **hyphens,
        ),
        "quote": style(
            "quote",
            leftIndent=s * 1.8,
            rightIndent=s * 1.8,
            fontSize=s * 0.96,
            spaceAfter=s * 0.6,
            alignment=body_alignment,
            **hyphens,
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
        "box_body": style("box_body", fontSize=s * 0.96, leading=s * 1.34, **hyphens),
        "box_continued": style(
            "box_continued",
            fontName=fonts.italic(fonts.heading),
            fontSize=s * 0.85,
            leading=s * 1.2,
            textColor=MUTED,
        ),
        "footnote": style(
            "footnote",
            fontSize=small,
            leading=round(small * 1.22, 2),
            leftIndent=s * 1.5,
            firstLineIndent=-s * 1.5,
            allowOrphans=1,
            allowWidows=1,
        ),
        "annex": style("annex", fontSize=small, leading=small * 1.28, splitLongWords=0),
        "annex_entry": style(
            "annex_entry",
            fontName=fonts.bold(fonts.body),
            fontSize=small,
            leading=small * 1.28,
            splitLongWords=0,
        ),
        "annex_detail": style(
            "annex_detail", fontSize=small, leading=small * 1.28, textColor=MUTED, splitLongWords=0
        ),
        "annex_page": style(
            "annex_page", fontSize=small, leading=small * 1.28, alignment=TA_RIGHT, splitLongWords=0
        ),
        "title_detail": style(
            "title_detail",
            fontName=fonts.heading,
            fontSize=s * 1.05,
            leading=s * 1.4,
            textColor=INK,
        ),
        "title_issued": style(
            "title_issued",
            fontName=fonts.italic(fonts.heading),
            fontSize=s * 0.9,
            leading=s * 1.3,
            textColor=MUTED,
            spaceBefore=s * 0.2,
        ),
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

    def __init__(
        self,
        key: str,
        outline: tuple[int, str] | None,
        contents: tuple[int, str] | None,
        head: tuple[str | None, str | None] | None = None,
    ) -> None:
        super().__init__()
        self.key = key
        self.outline = outline  # (level from 0, plain title)
        self.contents = contents  # (level from 0, markup text)
        self.head = head  # (part, item) of the running head from here; None keeps the part

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
            width, height = part.wrapOn(getattr(self, "canv", None), availWidth, availHeight)
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
        canv = getattr(self, "canv", None)  # (none inside a table's cell)
        pieces = self.middle.splitOn(canv, availWidth, room) if room > 0 else []
        frame = getattr(self, "_frame", None)
        if len(pieces) < 2 and isinstance(self.middle, _Sentences) and frame is not None and frame._atTop:
            # a card's paragraph that fits a page, but not under its heading: cut between sentences
            pieces = self.middle.at_sentences(availWidth, room) if room > 0 else []
        if len(pieces) >= 2:
            first = _Chain(self.before, pieces[0], []) if self.before else pieces[0]
            last = _Chain([], pieces[-1], self.after) if self.after else pieces[-1]
            return [first, *pieces[1:-1], last]
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


class _PageRef(Flowable):
    """The page in the pack of an anchor (the sources annex), as the pass before found it,
    linked to it."""

    def __init__(self, key: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.key = key
        self.style = style

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width, self.height = availWidth, self.style.leading
        return self.width, self.height

    def draw(self) -> None:
        doc = getattr(self.canv, "_doctemplate", None)
        page = doc.anchor_pages_before.get(self.key) if doc is not None and not doc.measuring else None
        if page is None:
            return
        text = str(page)
        size = self.style.fontSize
        self.canv.setFont(self.style.fontName, size)
        self.canv.setFillColor(INK)
        baseline = self.height - size
        self.canv.drawRightString(self.width, baseline, text)
        text_width = pdfmetrics.stringWidth(text, self.style.fontName, size)
        self.canv.linkRect(
            "", self.key, (self.width - text_width, baseline - 2, self.width, baseline + size), relative=1
        )


class _Box(Table):
    """A shaded box (notes, key messages, questions): where it splits over pages, the part
    on the next page starts with its title and "(continued)"; its title never stands alone
    at the foot of a page."""

    continued: Callable[[list[list[object]]], Table] | None = None
    head_rows = 0
    continuation = False  # the part of a box after a page break: it starts the next page
    page_height = 0.0  # on cards (no split inside a row), a box taller than this splits in rows anyway
    in_row = 0  # the smallest piece of a row split over pages

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        pieces = super().split(availWidth, availHeight)
        if not self._fair(pieces):
            pieces = []  # only the title would stay here
        if not pieces:
            # split inside a row instead, where allowed (on a card, only a box taller than a page)
            allowed = self.splitInRow or (self.page_height and self._height > self.page_height)
            if allowed and self.in_row:
                self.splitInRow = self.in_row
                pieces = self._splitRows(availHeight, doInRowSplit=True)
            if not self._fair(pieces):
                return []
        if len(pieces) < 2 or self.continued is None:
            return pieces
        return [
            pieces[0],
            *(self.continued([list(row) for row in piece._cellvalues]) for piece in pieces[1:]),
        ]

    def _fair(self, pieces: list[Flowable]) -> bool:
        return len(pieces) < 2 or len(pieces[0]._cellvalues) > self.head_rows


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
        self._wrapped_for: tuple[int, float] | None = None
        self._placed: list[tuple[_LeaderAfter, float, float]] = []

    def beforeBuild(self) -> None:
        self._found_before, self._found = self._found, {}
        self._wrapped_for = None  # a new pass: new page numbers to lay out
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
        wanted = (id(self._lastEntries), availWidth)
        if self._rows and self._wrapped_for == wanted:  # (split wraps it again: once a pass will do)
            return self.width, self.height
        self._wrapped_for = wanted
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
    """Paper and text area. The text is `frame_width` wide (the measure): on a page printed
    both sides, the inner margin (with the gutter) is on the left of odd pages and on the
    right of even ones."""

    width: float
    height: float
    inner: float  # the left margin, or the binding side's with mirrored margins
    outer: float
    vertical: float  # top and bottom
    mirrored: bool = False

    @property
    def frame_width(self) -> float:
        return self.width - self.inner - self.outer

    @property
    def frame_height(self) -> float:
        return self.height - 2 * self.vertical

    def left(self, page: int) -> float:
        """The left edge of the text on a page (numbered from 1, the cover included)."""
        return self.outer if self.mirrored and page % 2 == 0 else self.inner

    def frame(self, frame_id: str, footnotes: _Footnotes | None = None) -> Frame:
        return _NotesFrame(
            self.inner,
            self.vertical,
            self.frame_width,
            self.frame_height,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id=frame_id,
            footnotes=footnotes,
        )


_NotePiece = tuple[Flowable, float]  # a note (a paragraph), or a piece of a long one, with its height


class _Footnotes:
    """The document's footnotes by number (from 1, in the order their references stand), as
    printed at the foot of a page: under a short rule, in smaller type. A note taller than
    `share` of the page starts on its reference's page and goes on at the foot of the next."""

    SHARE = 0.45  # of the text's height, the most one note (or piece) takes on a page

    def __init__(self, style: ParagraphStyle, width: float, page_height: float) -> None:
        self.style = style
        self.width = width
        self.most = page_height * self.SHARE
        self.texts: list[str] = []  # markup, note n at n - 1
        self._pieces: dict[int, list[_NotePiece]] = {}
        self.rule_space = style.fontSize * 1.6  # room for the rule above the notes
        self.gap = style.fontSize * 0.25  # between two notes

    def add(self, note: str) -> int:
        self.texts.append("<br/>".join(_paragraphs(note)) or "—")
        return len(self.texts)

    def pieces(self, number: int) -> list[_NotePiece]:
        """The note as printed: whole, or in pieces of at most `most` points."""
        found = self._pieces.get(number)
        if found is None:
            paragraph = Paragraph(f"<super>{number}</super>\u2002{self.texts[number - 1]}", self.style)
            found = []
            while True:
                _, height = paragraph.wrap(self.width, 1e6)
                parts = paragraph.split(self.width, self.most) if height > self.most else []
                if len(parts) < 2:
                    found.append((paragraph, height))
                    break
                first, paragraph = parts
                found.append((first, first.wrap(self.width, self.most)[1]))
            self._pieces[number] = found
        return found

    def height(self, pieces: Iterable[_NotePiece]) -> float:
        heights = [height for _, height in pieces]
        if not heights:
            return 0.0
        return self.rule_space + sum(heights) + self.gap * (len(heights) - 1)

    def draw(self, canv: Canvas, pieces: list[_NotePiece], x: float, bottom: float) -> None:
        """The notes of a page, their rule on top, ending at `bottom`."""
        top = bottom + self.height(pieces)
        canv.saveState()
        canv.setStrokeColor(INK)
        canv.setLineWidth(0.5)
        rule_y = top - self.rule_space * 0.45
        canv.line(x, rule_y, x + min(self.width / 3, 48 * mm), rule_y)
        canv.restoreState()
        y = top - self.rule_space
        for paragraph, height in pieces:
            paragraph.drawOn(canv, x, y - height)
            y -= height + self.gap


class _NotesFrame(Frame):
    """A frame that keeps room at its foot for the footnotes of what it holds: a flowable
    holding references goes in only if it and every note of the page fit together, so a
    note always prints (or, when very long, starts) on its reference's page; a split
    paragraph's piece takes its own. What a long note leaves goes on at the next page's foot."""

    def __init__(self, *args: object, footnotes: _Footnotes | None = None, **kwargs: object) -> None:
        self.__dict__["footnotes"] = footnotes
        self.__dict__["page_notes"] = []  # the numbers whose references are on this page
        self.__dict__["notes"] = []  # what prints at this page's foot
        self.__dict__["carry"] = []  # pieces of long notes for the next pages
        self.__dict__["reserved"] = 0.0
        super().__init__(*args, **kwargs)

    def _reset(self) -> None:
        super()._reset()
        self.page_notes = []
        self.notes = []
        while self.carry and (
            not self.notes or self.footnotes.height([*self.notes, self.carry[0]]) <= self.footnotes.most
        ):
            self.notes.append(self.carry.pop(0))
        self._reserve(self.footnotes.height(self.notes) if self.footnotes else 0.0)

    def _reserve(self, height: float) -> None:
        self.reserved = height
        self._y1p = self._y1 + self._bottomPadding + height

    def _room_for(self, numbers: tuple[int, ...]) -> float:
        if not self.footnotes:
            return 0.0
        return self.footnotes.height([*self.notes, *(self.footnotes.pieces(n)[0] for n in numbers)])

    def add(self, flowable: Flowable, canv: Canvas, trySplit: int = 0) -> int:  # noqa: N803
        if getattr(flowable, "continuation", False) and not self._atTop:
            return 0  # a box's continuation starts a page: never a second "(continued)" under the first
        numbers = _notes_of(flowable)
        if not numbers:
            return super().add(flowable, canv, trySplit)
        before = self.reserved
        self._reserve(self._room_for(numbers))
        placed = super().add(flowable, canv, trySplit)
        if placed:
            self.page_notes.extend(numbers)
            for number in numbers:
                first, *rest = self.footnotes.pieces(number)
                self.notes.append(first)
                self.carry.extend(rest)
        else:
            self._reserve(before)
        return placed

    def split(self, flowable: Flowable, canv: Canvas) -> list[Flowable]:
        if getattr(flowable, "continuation", False) and not self._atTop:
            return []
        numbers = _notes_of(flowable)
        if not numbers:
            return super().split(flowable, canv)
        before = self.reserved
        try:
            # Room for all its notes first; if the piece for this page holds fewer, try again
            # with room for those only, and keep that if its piece needs no more.
            self._reserve(self._room_for(numbers))
            pieces = super().split(flowable, canv)
            if pieces:
                first = _notes_of(pieces[0])
                if len(first) < len(numbers):
                    self._reserve(self._room_for(first))
                    again = super().split(flowable, canv)
                    if again and set(_notes_of(again[0])) <= set(first):
                        pieces = again
            return pieces
        finally:
            self._reserve(before)


class _FlushNotes(ActionFlowable):
    """At the end of the story: pages for what long notes still have to print."""

    def apply(self, doc: BaseDocTemplate) -> None:
        while isinstance(doc.frame, _NotesFrame) and doc.frame.carry:
            doc.handle_pageBreak()
            doc.clean_hanging()  # the next page begins now: it takes the pieces it has room for


class _Furniture:
    """What every page carries around its text: marking, running head (the part and item
    the page belongs to), title, page number, footnotes, and the watermark over it all."""

    def __init__(
        self, info: DocumentInfo, page: _Page, fonts: _Fonts, cover_marking: str, marking_points: float
    ) -> None:
        self.page = page
        self.draft = info.draft
        self.font = fonts.heading
        self.bold = fonts.bold(fonts.heading)
        self.bold_file = font_file(fonts.heading, "Bold")
        self.marking_size = marking_points
        # fitted to their width once, not on every page
        self.title = _fit(_one_line(info.title), self.font, 8, page.frame_width)
        self.marking = _fit(_one_line(info.marking), self.bold, marking_points, page.frame_width)
        self.cover_marking = (
            _fit(_one_line(cover_marking), self.bold, marking_points, page.frame_width) or self.marking
        )
        self._outline: tuple[PDFPathObject, float] | None = None

    def _place_frames(self, doc: _PackDoc) -> None:
        for frame in doc.pageTemplate.frames:
            frame.x1 = self.page.left(doc.page)

    def cover(self, canv: Canvas, doc: _PackDoc) -> None:
        self._place_frames(doc)
        self._markings(canv, self.cover_marking)

    def body(self, canv: Canvas, doc: _PackDoc) -> None:
        self._place_frames(doc)
        if doc.measuring:
            return  # the first pass is never saved: it only lays out
        self._markings(canv, self.marking)
        page = self.page
        left = page.left(doc.page)
        right = left + page.frame_width
        top = page.height - page.vertical
        bottom = page.vertical
        canv.saveState()
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(left, top + 7, right, top + 7)
        canv.line(left, bottom - 9, right, bottom - 9)
        canv.setFillColor(MUTED)
        # the running head: the part and item the page belongs to (the pack's title, before any)
        width = page.frame_width
        part, item = doc.running_head(doc.page)
        if not part:  # before the first part: the item alone
            part, item = item, ""
        canv.setFont(self.font, 8)
        if not part:
            canv.drawString(left, top + 11, self.title)
        else:
            part_text = _fit(part, self.bold, 8, width * (0.5 if item else 1))
            canv.setFont(self.bold, 8)
            canv.drawString(left, top + 11, part_text)
            if item:
                used = pdfmetrics.stringWidth(part_text, self.bold, 8) + 10
                canv.setFont(self.font, 8)
                canv.drawString(left + used, top + 11, _fit(item, self.font, 8, width - used))
        # the foot: the page number on the outer edge (the left, or the right of an odd page
        # printed both sides), the pack's title on the inner
        number = doc.page - doc.cover_pages
        total = doc.printed_total or number  # the first pass does not know it yet; it is not saved
        label = f"Page {number} of {total}"
        title = _fit(self.title, self.font, 8, width - pdfmetrics.stringWidth(label, self.font, 8.5) - 14)
        outside_right = page.mirrored and doc.page % 2 == 1
        canv.setFont(self.font, 8.5)
        (canv.drawRightString if outside_right else canv.drawString)(
            right if outside_right else left, bottom - 20, label
        )
        canv.setFont(self.font, 8)
        (canv.drawString if outside_right else canv.drawRightString)(
            left if outside_right else right, bottom - 20, title
        )
        canv.restoreState()

    def body_end(self, canv: Canvas, doc: _PackDoc) -> None:
        frame = doc.frame
        if isinstance(frame, _NotesFrame) and frame.notes and frame.footnotes and not doc.measuring:
            frame.footnotes.draw(canv, frame.notes, frame._x1, frame._y1)
        self._watermark(canv, doc)

    def cover_end(self, canv: Canvas, doc: _PackDoc) -> None:
        self._watermark(canv, doc)

    def _markings(self, canv: Canvas, marking: str) -> None:
        """The classification, centred at the top and the foot of the page."""
        if not marking:
            return
        page = self.page
        canv.saveState()
        canv.setFillColor(INK)
        canv.setFont(self.bold, self.marking_size)
        canv.drawCentredString(page.width / 2, page.height - page.vertical + 25, marking)
        canv.drawCentredString(page.width / 2, page.vertical - 32, marking)
        canv.restoreState()

    def _watermark(self, canv: Canvas, doc: _PackDoc) -> None:
        """DRAFT across the page, translucent, over everything drawn before it (tinted boxes
        too): drawn last, and as shapes, so it is no text to copy or search."""
        if not self.draft:
            return
        if doc.measuring:
            return  # the first pass is never saved
        if self._outline is None:  # the letters' outlines, made into a path once for every page
            word = "DRAFT"
            advances = [pdfmetrics.stringWidth(char, self.bold, 1) for char in word]
            path = PDFPathObject()
            for command in word_outline(self.bold_file, word, advances):
                kind = command[0]
                if kind == "M":
                    path.moveTo(*command[1])
                elif kind == "L":
                    path.lineTo(*command[1])
                elif kind == "C":
                    path.curveTo(*command[1], *command[2], *command[3])
                else:
                    path.close()
            self._outline = (path, sum(advances))
        path, advance = self._outline
        width, height = self.page.width, self.page.height
        size = math.hypot(width, height) * 0.55 / advance
        canv.saveState()
        canv.setFillColor(WATERMARK)
        canv.setFillAlpha(WATERMARK_ALPHA)
        canv.translate(width / 2, height / 2)
        canv.rotate(math.degrees(math.atan2(height, width)))
        canv.scale(size, size)
        canv.translate(-advance / 2, -0.36)
        canv.drawPath(path, stroke=0, fill=1, fillMode=1)  # non-zero winding, as TrueType outlines are
        canv.restoreState()


class Paragraph(_ReportlabParagraph):
    """reportlab's paragraph, with its lines broken once per width (both passes, and the
    chains that try a paragraph in several places, would break them again each time), and
    not drawn in the first pass, which only measures.

    It knows the footnotes whose references it holds (`notes`, also for each piece when
    split), and no justified line of it spreads its spaces past MAX_WORD_SPACE times a
    normal space: the rest of such a line is left at its end."""

    _wrapped_at: float | None = None
    notes: tuple[int, ...] = ()

    def __init__(self, text: str | None, style: ParagraphStyle, *args: object, **kwargs: object) -> None:
        super().__init__(text, style, *args, **kwargs)
        if text:
            self.notes = _note_numbers(text)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (reportlab's names)
        if self._wrapped_at != availWidth or not hasattr(self, "blPara"):
            super().wrap(availWidth, availHeight)
            self._wrapped_at = availWidth
            if self.style.alignment == TA_JUSTIFY:
                self._limit_word_spaces()
        return self.width, self.height

    def _limit_word_spaces(self) -> None:
        para = self.blPara
        style = self.style
        if para.kind == 0:
            space = pdfmetrics.stringWidth(" ", style.fontName, style.fontSize)
            most = space * (MAX_WORD_SPACE - 1)
            for index, (extra, words) in enumerate(para.lines):  # the last too: justified when split
                gaps = len(words) - 1
                if gaps > 0 and extra > most * gaps:
                    para.lines[index] = (most * gaps, words)
            return
        for line in para.lines:
            if getattr(line, "lineBreak", False) or line.extraSpace <= 0:
                continue
            words = [w for w in line.words if not hasattr(w, "cbDefn")]
            gaps = line.wordCount - 1
            if gaps <= 0 or not words:
                continue
            first = words[0]
            space = pdfmetrics.stringWidth(" ", first.fontName, first.fontSize)
            most = space * (MAX_WORD_SPACE - 1) * gaps
            if line.extraSpace > most:
                line.extraSpace = most

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        """As reportlab splits, but the part left for the next page keeps the lines already
        broken: reportlab would break all of them again on every page, which makes a
        paragraph many pages long cost the square of its length."""
        broken = getattr(self, "blPara", None) if self._wrapped_at == availWidth else None
        parts = super().split(availWidth, availHeight)
        if broken is None:
            if len(parts) == 2 and self.notes:
                for part in parts:
                    part.wrap(availWidth, availHeight)
                    part.notes = _notes_in_lines(part.blPara.lines)
            return parts
        self.blPara = broken  # reportlab forgets the lines when nothing fits here
        if len(parts) == 2:
            first, rest = parts
            lines = broken.lines[len(first.blPara.lines) :]
            offset = getattr(lines[0], "sFW", None) if lines else None
            if offset:  # the lines index the fragments; the rest holds those from its first line's
                lines = [copy.copy(line) for line in lines]
                for line in lines:
                    line.sFW -= offset
            rest.blPara = broken.clone(lines=lines)
            rest._wrapped_at = availWidth
            rest.width = availWidth
            rest.height = len(lines) * rest.style.leading  # the styles have no autoLeading
            if self.notes:
                first.notes = _notes_in_lines(first.blPara.lines)
                rest.notes = _notes_in_lines(lines)
        return parts

    def draw(self) -> None:
        if not getattr(getattr(self.canv, "_doctemplate", None), "measuring", False):
            super().draw()


def _notes_of(flowable: Flowable) -> tuple[int, ...]:
    """The footnotes whose references a flowable holds (paragraphs, and chains of them)."""
    if isinstance(flowable, Paragraph | _Sentences):
        return flowable.notes
    if isinstance(flowable, _Chain):
        return tuple(n for part in flowable._parts() for n in _notes_of(part))
    return ()


class _Sentences(Flowable):
    """A paragraph of a card (speaking notes): never split across pages if a page can hold
    it, and then only between sentences."""

    _BOUNDARY = re.compile(
        rf'[.!?][”’")\]]*(?:<super>\d+</super><onDraw name="{NOTE_CB}" label="\d+"/>)?( )(?=[A-Z0-9“‘"(\[<])'
    )

    def __init__(self, markup: str, style: ParagraphStyle, page_height: float) -> None:
        super().__init__()
        self.markup = markup
        self.style = style
        self.page_height = page_height
        self.paragraph = Paragraph(markup, style)
        self.notes = self.paragraph.notes

    def getSpaceBefore(self) -> float:
        return self.paragraph.getSpaceBefore()

    def getSpaceAfter(self) -> float:
        return self.paragraph.getSpaceAfter()

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = self.paragraph.wrap(availWidth, availHeight)
        return self.width, self.height

    def _sentences(self) -> list[str]:
        cuts = [m.start(1) for m in self._BOUNDARY.finditer(self.markup)]
        bounds = [0, *cuts, len(self.markup)]
        return [self.markup[a:b].strip() for a, b in zip(bounds, bounds[1:], strict=False)]

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self.wrap(availWidth, availHeight)
        if self.height <= self.page_height:
            return []  # it fits on a page: it moves there whole
        return self.at_sentences(availWidth, availHeight)

    def at_sentences(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        """The most whole sentences that fit here, and the rest."""
        sentences = self._sentences()
        fits, over = 0, len(sentences)
        while over - fits > 1:  # found by halving
            middle = (fits + over) // 2
            if (
                Paragraph(" ".join(sentences[:middle]), self.style).wrap(availWidth, availHeight)[1]
                <= availHeight
            ):
                fits = middle
            else:
                over = middle
        if fits == 0:
            if self.height <= self.page_height:
                return []
            return self.paragraph.split(availWidth, availHeight)  # one sentence longer than a page
        return [
            Paragraph(" ".join(sentences[:fits]), self.style),
            _Sentences(" ".join(sentences[fits:]), self.style, self.page_height),
        ]

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        self.paragraph.drawOn(canvas, x, y, _sW)


class _PackDoc(BaseDocTemplate):
    """The document template: records where headings land, how many pages there are and
    the part and item each page belongs to (its running head); each pass prints what the
    pass before found, and passes go on until two agree."""

    def __init__(
        self,
        out: Path,
        *,
        cover_pages: int,
        blocks: int,
        progress: Progress | None,
        created: tuple[int, int, int] | None,
        **options: object,
    ) -> None:
        super().__init__(str(out), **options)
        self.cover_pages = cover_pages  # the leading cover is not numbered
        self.printed_total = 0  # numbered pages found by the previous pass: the Y of "Page X of Y"
        self.page_count = 0
        self.measuring = True
        self._blocks = blocks
        self._progress = progress
        self._created = created
        self._passes = 0
        self._outline_level = -1
        self._reported = 0
        self._heads: dict[int, tuple[str, str]] = {}  # page -> (part, item), this pass
        self._heads_before: dict[int, tuple[str, str]] = {}
        self.anchor_pages: dict[str, int] = {}  # anchor key -> printed page number, this pass
        self.anchor_pages_before: dict[str, int] = {}
        self._state = ("", "")
        self._page_head = ("", "")
        self._page_fresh = True

    def beforeDocument(self) -> None:
        self._passes += 1
        self.measuring = self._passes == 1  # the first pass is never saved: only measured
        self._outline_level = -1
        self.page_count = 0
        self._heads_before, self._heads = self._heads, {}
        self.anchor_pages_before, self.anchor_pages = self.anchor_pages, {}
        self._state = ("", "")
        canv = self.canv
        canv.showOutline()
        for template in self.pageTemplates:  # no piece of a long note left from the pass before
            for frame in template.frames:
                if isinstance(frame, _NotesFrame):
                    frame.carry = []
        canv.setNamedCB(NOTE_CB, _no_callback)
        if self._created is not None:  # the pack's date, not the build's (nor reportlab's fixed 2000)
            stamp = canv._doc._timeStamp
            stamp.YMDhms = (*self._created, 0, 0, 0)
            stamp.dhh = stamp.dmm = 0
        if self.cover_pages:
            canv.addPageLabel(0, prefix="Cover")
        canv.addPageLabel(self.cover_pages, "ARABIC", start=1)

    def beforePage(self) -> None:
        self._page_head = self._state
        self._page_fresh = True

    def afterPage(self) -> None:
        self.page_count = self.page
        self._heads[self.page] = self._page_head

    def running_head(self, page: int) -> tuple[str, str]:
        return self._heads_before.get(page, ("", ""))

    def afterFlowable(self, flowable: Flowable) -> None:
        if not isinstance(flowable, ActionFlowable):  # (a page break is "after" on the new page)
            self._page_fresh = False
        index = getattr(flowable, "_block_index", None)
        if index is None or self._progress is None:
            return
        total = max(self._passes, EXPECTED_PASSES) * self._blocks
        done = (self._passes - 1) * self._blocks + index + 1
        if done - self._reported >= max(1, total // 200):  # a bar needs no more than 200 steps
            self._reported = done
            self._progress(done, total)

    def anchor_placed(self, anchor: _Anchor) -> None:
        self.anchor_pages.setdefault(anchor.key, self.page - self.cover_pages)
        if anchor.head is not None:
            part, item = anchor.head
            self._state = (self._state[0] if part is None else part, "" if item is None else item)
            if self._page_fresh:  # a page that starts with a heading belongs to it
                self._page_head = self._state
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
        settled = (
            numbered == self.printed_total
            and self._heads == self._heads_before
            and self.anchor_pages == self.anchor_pages_before
        )
        self.printed_total = numbered
        return super()._allSatisfied() and settled


def _no_callback(canvas: Canvas, kind: str, label: str) -> None:
    """A footnote reference's callback: it only marks the place (see NOTE_CB)."""


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
        self.footnotes = _Footnotes(self.styles["footnote"], page.frame_width, page.frame_height)
        self.in_part = False  # a part heading has come: the brief's own blocks before any are in none

    def build(self) -> list[Flowable]:
        for index, block in enumerate(self.document.blocks):
            for flowable, role in self._block(block, first=index == 0):
                self.items.append((flowable, role, index))
        story = _join(self.items)
        if self.footnotes.texts:
            story.append(_FlushNotes())
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
                return [*self._block_anchor(block), (self._box(block.title, content), BODY)]
            case KeyMessages():
                items = [
                    Paragraph(text, self.styles["bullet"], bulletText="•")
                    for text in map(_lines, block.items)
                    if text
                ]
                return [*self._block_anchor(block), (self._box(block.title, items, bar=ACCENT), BODY)]
            case QuestionsAnswers():
                return [*self._block_anchor(block), (self._questions(block), BODY)]
            case SourcesList():
                return [(table, BODY) for table in self._sources(block)] if block.entries else []
            case NotesSpace():  # kept with the section it follows
                return [(self._notes_space(block), TAIL)] if block.lines > 0 else []
            case PageBreakBlock():
                return [(PageBreakIfNotEmpty(), BREAK)]  # a blank page is never wanted
        log.warning("the PDF writer does not know the block %r; left out", type(block).__name__)
        return []

    def _paragraph(self, block: ParagraphBlock) -> list[Flowable]:
        style = self.styles[block.style if block.style in ("body", "lead", "quote") else "body"]
        if block.runs:
            numbers = [self.footnotes.add(run.note) for run in block.runs if run.kind == "note"]
            texts = _run_paragraphs(block.runs, numbers)
        else:
            texts = _paragraphs(block.text)
        if self.template.cards:  # a card's paragraph is never cut across pages (only between sentences)
            return [_Sentences(text, style, self.page.frame_height) for text in texts]
        return [Paragraph(text, style) for text in texts]

    def _block_anchor(self, block: Note | KeyMessages | QuestionsAnswers) -> list[tuple[Flowable, str]]:
        """A brief's own block with an anchor: a destination, bookmark and contents entry like a
        heading's, and the item of the running head."""
        key = self.keys.get(block.anchor) if block.anchor else None
        if key is None:
            return []
        title = _one_line(block.title) or {"objectives": "Objectives"}.get(getattr(block, "kind", ""), "")
        listed = self.listed.get(key)
        if listed is not None:
            outline, contents = (listed.level, listed.plain), (listed.level, listed.markup)
        else:
            outline, contents = (None if self.contents else (1, title or key)), None
        return [(_Anchor(key, outline, contents, (None if self.in_part else "", title)), HEADING)]

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
        title_text = _one_line(block.title) or "Contents"
        st = self.styles
        flowables: list[tuple[Flowable, str]] = [
            (PageBreakIfNotEmpty(), BREAK),
            (_Anchor("contents", (0, _one_line(block.title) or "Contents"), None, (title_text, "")), HEADING),
            (Paragraph(title, st["toc_title"]), HEADING),
        ]
        toc = _Contents(self.contents, [st["toc1"], st["toc2"], st["toc3"]])
        # Left out of any chain: multiBuild only finds contents tables at the top of the story.
        return flowables + [(toc, BREAK), (PageBreak(), BREAK)]

    # headings

    def _heading(
        self,
        anchor: str,
        text: str,
        level: int,
        style: ParagraphStyle,
        head: tuple[str | None, str | None] | None = None,
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
            flowables.append((_Anchor(key, outline, contents, head), HEADING))
        flowables.append((Paragraph(_markup(text), style), HEADING))
        return flowables

    def _title(self, title: Title) -> list[tuple[Flowable, str]]:
        flowables = [Paragraph(_markup(title.text), self.styles["title"])]
        if title.subtitle.strip():
            flowables.append(Paragraph(_markup(title.subtitle), self.styles["cover_subtitle"]))
        # the handout's first page says the meeting, where and when, and the date of issue
        meeting = _one_line(title.meeting)
        where = ", ".join(part for part in (_one_line(title.place), _one_line(title.dates)) if part)
        if meeting or where:
            spacer = Spacer(1, self.template.body_size * 0.5)
            flowables.append(spacer)
        if meeting:
            flowables.append(Paragraph(_escape(meeting), self.styles["title_detail"]))
        if where:
            flowables.append(Paragraph(_escape(where), self.styles["title_detail"]))
        issued = _one_line(title.issued)
        if issued:
            if not issued.casefold().startswith("issued"):
                issued = f"Issued {issued}"
            flowables.append(Paragraph(_escape(issued), self.styles["title_issued"]))
        rule = HRFlowable(
            width="100%", thickness=2, color=ACCENT, spaceBefore=4, spaceAfter=self.template.body_size
        )
        return [(flowable, HEADING) for flowable in [*flowables, rule]]

    def _part(self, part: PartHeading) -> list[tuple[Flowable, str]]:
        flowables: list[tuple[Flowable, str]] = []
        if part.new_page:  # (set by the pack's template, in the blocks: the writer only honours it)
            flowables.append((PageBreakIfNotEmpty(), BREAK))
        label = _one_line(part.label)
        self.in_part = True
        flowables += self._heading(part.anchor, part.label, 1, self.styles["part"], (label, ""))
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
        head = (None, _one_line(section.label)) if level == 2 else None  # a subsection stays in its item
        return self._heading(section.anchor, section.label, level, style, head)

    # written blocks

    def _source(self, source: SourceLine) -> list[tuple[Flowable, str]]:
        text = _lines(source.text)
        if not text:
            return []
        rule = HRFlowable(
            width=28 * mm, thickness=0.5, color=RULE, hAlign="LEFT", spaceBefore=1, spaceAfter=3
        )
        return [(rule, TAIL), (Paragraph(text, self.styles["source"]), TAIL)]

    def _box(
        self,
        title: str,
        content: list[Flowable | list[Flowable]],
        bar: colors.Color = RULE,
        continued: bool = False,
    ) -> Table:
        """A titled, shaded box; one row per paragraph, so a long box can continue on the next
        page, where it says "(continued)"."""
        rows: list[list[Flowable | list[Flowable]]] = []
        if continued:
            more = f'<font name="{self.fonts.italic(self.fonts.heading)}" color="{MUTED.hexval()}">(continued)</font>'
            rows.append([Paragraph(f"{_markup(title)} {more}".strip(), self.styles["box_title"])])
        elif title.strip():
            rows.append([Paragraph(_markup(title), self.styles["box_title"])])
        rows += [[cell] for cell in content]
        if not rows:
            rows = [[Spacer(1, 1)]]
        pad = self.template.body_size * 0.9
        # a row (one paragraph) splits only into pieces of three lines or more; never on a card
        in_row = 0 if self.template.cards else round(self.template.body_size * 4)
        table = _Box(rows, colWidths=[self.page.frame_width], splitInRow=in_row)
        table.in_row = round(self.template.body_size * 4)
        table.continuation = continued
        table.page_height = self.page.frame_height
        table.continued = lambda rest: self._box(title, [row[0] for row in rest], bar, continued=True)
        table.head_rows = 1 if rows and (continued or title.strip()) else 0
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
        pairs: list[Flowable] = []
        for pair in block.pairs:
            question = _lines(pair.question)
            answer = Paragraph("<br/>".join(_paragraphs(pair.answer)) or "—", st["answer"], bulletText="A")
            gap = Spacer(1, self.template.body_size * 0.35)
            # the question stays with (at least the first lines of) its answer
            before = [Paragraph(question, st["question"], bulletText="Q")] if question else []
            pairs.append(_Chain(before, answer, [gap]))
        return self._box(block.title, pairs)

    def _sources(self, block: SourcesList) -> list[Flowable]:
        """The annex: each document by its title (symbol, date, file under it), then the
        excerpts the pack takes from it, where they are in the document and their page in
        the pack (linked). No word is ever broken: lines break at spaces, slashes, hyphens and
        underscores only, and the columns are as wide as their widest unbreakable piece."""
        st = self.styles
        cell, page_style = st["annex"], st["annex_page"]
        pad = CELL_PADDING
        width = self.page.frame_width
        font, size = cell.fontName, cell.fontSize
        entries = block.entries
        excerpts = [excerpt for entry in entries for excerpt in entry.excerpts]
        page_width = (
            max(
                pdfmetrics.stringWidth("Page", st["cell_head"].fontName, size),
                pdfmetrics.stringWidth("9999", font, size),
            )
            + 2 * pad
            + 1
        )
        where_width = min(
            max(
                [pdfmetrics.stringWidth(_one_line(e.where), font, size) for e in excerpts]
                + [pdfmetrics.stringWidth("In the source", st["cell_head"].fontName, size)]  # its header
            )
            + 2 * pad
            + 1,
            width * 0.38,
        )
        where_width = max(
            where_width, *(_widest_piece(e.where, font, size) + 2 * pad + 1 for e in excerpts), 0.0
        )
        widths = [width - where_width - page_width, where_width, page_width]
        flowables: list[Flowable] = []
        for index, entry in enumerate(entries):
            flowables.append(self._source_entry(entry, widths, cell, page_style, header=index == 0))
        return flowables

    def _source_entry(
        self,
        entry: SourceEntry,
        widths: list[float],
        cell: ParagraphStyle,
        page_style: ParagraphStyle,
        header: bool,
    ) -> Table:
        st = self.styles
        pad = CELL_PADDING
        font, size = cell.fontName, cell.fontSize
        whole = sum(widths) - 2 * pad
        details = [_one_line(entry.symbol), _one_line(entry.date), _one_line(entry.document)]
        count = len(entry.excerpts) or entry.sections
        if count and not entry.excerpts:
            details.append(f"{count} excerpt{'s' if count != 1 else ''}")
        title = _one_line(entry.meeting) or _one_line(entry.document)
        bold = st["annex_entry"]
        head_cell: list[Flowable] = [
            Paragraph(_breakable(title, bold.fontName, size, whole), bold),
            Paragraph(
                _breakable(" · ".join(d for d in details if d), font, size, whole),
                st["annex_detail"],
            ),
        ]
        rows: list[list[Flowable | list[Flowable] | str]] = []
        if header:
            rows.append(
                [
                    Paragraph("Excerpt", st["cell_head"]),
                    Paragraph("In the source", st["cell_head"]),
                    Paragraph("Page", st["cell_head_right"]),
                ]
            )
        rows.append([head_cell, "", ""])
        for excerpt in entry.excerpts:
            key = self.keys.get(excerpt.anchor)
            label = _breakable(excerpt.label, font, size, widths[0] - 2 * pad - size - 1)  # (indented)
            if key:
                label = f'<a href="#{key}">{label}</a>'
            rows.append(
                [
                    Paragraph(label, cell),
                    Paragraph(_breakable(excerpt.where, font, size, widths[1] - 2 * pad), cell),
                    _PageRef(key, page_style) if key else Paragraph("", page_style),
                ]
            )
        first = 1 if header else 0
        commands: list[tuple] = [
            ("SPAN", (0, first), (-1, first)),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), pad),
            ("RIGHTPADDING", (0, 0), (-1, -1), pad),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("LEFTPADDING", (0, first + 1), (0, -1), pad + size),  # excerpts under their document
            ("LINEABOVE", (0, first), (-1, first), 0.6, ACCENT),
            ("TOPPADDING", (0, first), (-1, first), 5),
        ]
        if header:
            commands += [
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("LINEABOVE", (0, 0), (-1, 0), 1, ACCENT),
                ("LINEBELOW", (0, 0), (-1, 0), 0.75, ACCENT),
            ]
        table = Table(rows, colWidths=widths, repeatRows=first + 1, hAlign="LEFT")
        table.setStyle(self._table_style(commands))
        table.spaceBefore = 0
        table.spaceAfter = 2
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
    """Anchor (of a heading or a brief's own block) -> PDF destination name: the anchor
    itself when it is a safe name, else a made one."""
    keys: dict[str, str] = {}
    used = {"contents"}
    for number, heading in enumerate(document.anchored(), start=1):
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


def _plain_break(flowable: Flowable) -> bool:
    """A page break of the blocks (not the cover's nor the contents', which change templates)."""
    return type(flowable) is PageBreakIfNotEmpty and not flowable.nextTemplate


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
        elif role == BREAK and pending and _plain_break(flowable):
            # a page break right after a heading goes before it: the heading stays with its text
            if not _merged_break(story, flowable):
                story.append(tag(flowable, index))
            can_take_tail = False
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
    inner, outer = side_margins(template, info.page_size)
    return _Page(
        width,
        height,
        inner,
        outer,
        max(template.margin_mm * mm, MIN_VERTICAL_MARGIN),
        template.mirror_margins,
    )


def _pack_date(value: str | None) -> tuple[int, int, int] | None:
    """The pack's ISO date as (year, month, day), for the file's creation date."""
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", (value or "").strip())
    if not match:
        return None
    year, month, day = map(int, match.groups())
    return (year, month, day) if 1 <= month <= 12 and 1 <= day <= 31 else None


def write_pdf(document: Document, template: Template, out: Path, progress: Progress | None = None) -> int:
    """Renders the document to `out` (a PDF) with the template's settings; returns the page count."""
    fonts = _Fonts(register_family(template.body_font), register_family(template.heading_font))
    page = _page(document.info, template)
    builder = _Story(document, template, page, fonts)
    story = builder.build()
    has_cover = bool(document.blocks) and isinstance(document.blocks[0], Cover)
    cover = document.blocks[0] if has_cover else None
    furniture = _Furniture(
        document.info,
        page,
        fonts,
        cover.marking if isinstance(cover, Cover) else "",
        marking_size(template.body_size),
    )
    body = PageTemplate(
        "body",
        frames=[page.frame("body", builder.footnotes)],
        onPage=furniture.body,
        onPageEnd=furniture.body_end,
        pagesize=(page.width, page.height),
    )
    cover_frames = [
        Frame(
            page.inner,
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
            page.inner, page.vertical, page.frame_width, page.frame_height * 0.2, 0, 0, 0, 0, id="cover-foot"
        ),
    ]
    cover_template = PageTemplate(
        "cover",
        frames=cover_frames,
        onPage=furniture.cover,
        onPageEnd=furniture.cover_end,
        pagesize=(page.width, page.height),
    )
    info = document.info
    doc = _PackDoc(
        out,
        cover_pages=1 if has_cover else 0,
        blocks=len(document.blocks),
        progress=progress,
        created=_pack_date(info.date),
        pagesize=(page.width, page.height),
        pageTemplates=[cover_template, body] if has_cover else [body, cover_template],
        leftMargin=page.inner,
        rightMargin=page.outer,
        topMargin=page.vertical,
        bottomMargin=page.vertical,
        title=_one_line(info.title),
        author=_one_line(info.author),
        subject=_one_line(info.subject),
        creator=f"{briefer.APP_NAME} {briefer.__version__}",
        lang=LANGUAGE,
        invariant=1,  # same document, same bytes: reference outputs can be compared
        initialFontName=fonts.body,  # else reportlab puts an unembedded Helvetica in every page
        displayDocTitle=1,
    )
    doc.multiBuild(story, maxPasses=4)
    total = max(doc._passes, EXPECTED_PASSES) * len(document.blocks)
    if progress is not None and doc._reported < total:
        progress(total, total)
    return doc.page_count
