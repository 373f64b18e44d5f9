"""The one intermediate form of a built pack: a document of typed blocks.

`briefer.packs.assemble` produces it from a pack and the library; each writer (docx, pdf)
renders it and never queries the library, so Word and PDF cannot drift apart. All text
here is plain user or library text: writers escape it for their own markup, and print it
by the rules of `briefer.ir.text`: each text field below is "one line", "lines" or
"paragraphs" (fields not marked are one line). Layout decisions (a part on a new page)
are made here, by the blocks' producer; the writers honour them.

Headings carry an `anchor` (unique in the document) that the contents and the PDF
bookmarks link to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from briefer.errors import UsageError

_MM = 72 / 25.4
# Paper by name, (width, height) in points: the one list the pack, the app and both writers use.
PAPER_SIZES = {"A4": (210 * _MM, 297 * _MM), "Letter": (8.5 * 72, 11 * 72)}


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """What every page needs: the running header and footer, the watermark, the paper."""

    title: str
    marking: str = ""  # classification, e.g. "RESTRICTED"; "" for none
    draft: bool = False
    page_size: str = "A4"  # a name in PAPER_SIZES
    author: str = ""
    subject: str = ""  # the meeting the pack is for, for the file's properties
    date: str | None = None  # the pack's date (ISO), for the file's properties

    def __post_init__(self) -> None:
        if self.page_size not in PAPER_SIZES:
            raise UsageError(f"unknown page size '{self.page_size}'; use {' or '.join(PAPER_SIZES)}")


@dataclass(frozen=True, slots=True)
class Cover:
    title: str
    subtitle: str = ""
    meeting: str = ""  # the meeting the pack is for
    place: str = ""
    dates: str = ""
    delegation: str = ""
    author: str = ""
    date: str = ""  # the pack's date, as printed
    marking: str = ""
    draft: bool = False


@dataclass(frozen=True, slots=True)
class Title:
    """The pack's title at the top of the first page, when there is no cover (handouts):
    with the meeting, its place and dates and the date of issue, when known."""

    text: str
    subtitle: str = ""
    meeting: str = ""
    place: str = ""
    dates: str = ""
    issued: str = ""  # the pack's date, as printed ("Issued 3 December 2026")


@dataclass(frozen=True, slots=True)
class ContentsEntry:
    level: int  # 1 for parts, 2 for sections, 3 for subsections
    text: str  # with its number, as printed
    anchor: str


@dataclass(frozen=True, slots=True)
class Contents:
    entries: tuple[ContentsEntry, ...]
    title: str = "Contents"


@dataclass(frozen=True, slots=True)
class PartHeading:
    """Groups the items that follow it (Heading 1)."""

    text: str
    anchor: str
    number: str = ""  # "1", "A"... or "" when unnumbered
    new_page: bool = False

    @property
    def label(self) -> str:
        """The heading as printed, with its number: the contents says the same."""
        return _label(self.number, self.text)


@dataclass(frozen=True, slots=True)
class SectionHeading:
    """An excerpt's or a written block's heading (Heading 2, or 3 under a numbered section)."""

    text: str
    anchor: str
    level: int = 2  # 2 or 3
    number: str = ""  # "1.2" or "" when unnumbered

    @property
    def label(self) -> str:
        return _label(self.number, self.text)


def _label(number: str, text: str) -> str:
    number = number.strip().rstrip(".")
    return f"{number}. {text}" if number else text


# Printed, in a style of its own, where the source lost text (debris cut out of a PDF, a
# sentence cut short): the reader must see that the excerpt is not whole.
MISSING_TEXT = "[text missing in the source]"
# Printed where the pack leaves out paragraphs of an excerpt.
OMITTED_TEXT = "[...]"


@dataclass(frozen=True, slots=True)
class Run:
    """A piece of a paragraph: its text ("text"), a footnote reference ("note": the writer
    numbers it where it stands and prints `note`, paragraphs, as the footnote: at the foot
    of the page in the PDF, a Word footnote in Word), or a place where the source lost
    text ("missing": printed as MISSING_TEXT in the missing style; `text` is empty)."""

    text: str = ""  # lines
    kind: str = "text"  # "text", "note", "missing"
    note: str = ""


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of an excerpt (usually one; several where its text holds blank lines).

    `runs`, when given, is the paragraph piece by piece (footnote references, lost text);
    `text` is then their plain text, with MISSING_TEXT where text is lost and no note
    references. A writer prints `pieces()`."""

    text: str  # paragraphs
    style: str = "body"  # "body", "lead" (an introduction under a heading), "quote"
    runs: tuple[Run, ...] = ()

    def pieces(self) -> tuple[Run, ...]:
        return self.runs or (Run(self.text),)

    @property
    def notes(self) -> tuple[str, ...]:
        """The footnotes of the paragraph, in the order their references stand."""
        return tuple(run.note for run in self.runs if run.kind == "note")

    @property
    def damaged(self) -> bool:
        return any(run.kind == "missing" for run in self.runs)


_FIGURE = re.compile(r"[-+\u2212]?[$€£¥]?\s?\d[\d.,\u00a0\u202f ]*\s?%?")


@dataclass(frozen=True, slots=True)
class Table:
    """A table of an excerpt, its cells row by row. With `header`, the first row heads the
    columns (and is repeated on every page the table runs over). Rows may differ in length:
    `grid` gives them all the table's width, with empty cells."""

    rows: tuple[tuple[str, ...], ...]  # each cell: lines
    header: bool = True

    @property
    def columns(self) -> int:
        return max((len(row) for row in self.rows), default=0)

    def grid(self) -> list[tuple[str, ...]]:
        width = self.columns
        return [tuple(row) + ("",) * (width - len(row)) for row in self.rows]

    def figure_columns(self) -> list[bool]:
        """For each column, whether its cells (under the header) are all figures, such as
        "4.2", "1,200", "12 %" or "$200": printed aligned to the right."""
        body = self.grid()[1 if self.header else 0 :]
        columns = [[row[i].strip() for row in body if row[i].strip()] for i in range(self.columns)]
        return [bool(cells) and all(_FIGURE.fullmatch(cell) for cell in cells) for cells in columns]


@dataclass(frozen=True, slots=True)
class SourceLine:
    """Where an excerpt came from: meeting, symbol, date, paragraphs, pages, file. Left
    out when empty."""

    text: str  # lines


@dataclass(frozen=True, slots=True)
class Note:
    """A block the user wrote: notes, objectives, background."""

    title: str  # one line; none printed when empty
    text: str  # paragraphs
    kind: str = "notes"  # "notes", "objectives", "comment" (on the excerpt before it)
    anchor: str = ""  # when the contents and bookmarks list it


@dataclass(frozen=True, slots=True)
class KeyMessages:
    """Key messages / lines to take: a titled, boxed list; empty items are left out."""

    title: str
    items: tuple[str, ...]  # each: lines
    anchor: str = ""


@dataclass(frozen=True, slots=True)
class QuestionAnswer:
    """A question (left out when empty) and its answer ("—" while it has none)."""

    question: str  # lines
    answer: str  # paragraphs


@dataclass(frozen=True, slots=True)
class QuestionsAnswers:
    """'If raised' questions with the answers to give. The PDF sets "Q" and "A" beside
    them; Word's styles set them apart by type (a bold question, an indented answer)."""

    title: str
    pairs: tuple[QuestionAnswer, ...]
    anchor: str = ""


@dataclass(frozen=True, slots=True)
class SourceExcerpt:
    """An excerpt of the pack taken from a source: its heading as the pack prints it (with
    its number), the anchor of that heading (the writer prints its page in the pack), and
    where in the file it is ("lines 12-40", "pp. 3-4")."""

    label: str
    anchor: str
    where: str = ""


@dataclass(frozen=True, slots=True)
class SourceEntry:
    document: str  # file name
    meeting: str  # meeting title(s) with place and dates: the title the entry is listed by
    symbol: str = ""
    date: str = ""
    sections: int = 0  # how many excerpts of the pack come from it
    excerpts: tuple[SourceExcerpt, ...] = ()


@dataclass(frozen=True, slots=True)
class SourcesList:
    """The annex listing every document the pack quotes; nothing is printed without entries."""

    entries: tuple[SourceEntry, ...]


@dataclass(frozen=True, slots=True)
class NotesSpace:
    """Ruled room for handwritten notes (handouts)."""

    lines: int = 6


@dataclass(frozen=True, slots=True)
class PageBreak:
    pass


Block = (
    Cover
    | Title
    | Contents
    | PartHeading
    | SectionHeading
    | Paragraph
    | Table
    | SourceLine
    | Note
    | KeyMessages
    | QuestionsAnswers
    | SourcesList
    | NotesSpace
    | PageBreak
)


@dataclass(slots=True)
class Document:
    info: DocumentInfo
    blocks: list[Block] = field(default_factory=list)

    def headings(self) -> list[PartHeading | SectionHeading]:
        return [b for b in self.blocks if isinstance(b, PartHeading | SectionHeading)]

    def anchored(self) -> list[Block]:
        """The blocks the contents and bookmarks point at, in order: headings and the
        brief's own blocks that carry an anchor."""
        return [b for b in self.blocks if getattr(b, "anchor", "")]
