"""What ingestion hands to the library: a parsed document with its meetings and sections.

Plain values, no behaviour. The library turns them into its own records.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Note:
    number: str
    text: str


@dataclass(slots=True)
class Table:
    """A table of a section: its rows of cells. Its text is also the section's paragraph
    `paragraph` (one row a line, cells between " | "), so that it is searched and read."""

    paragraph: int
    rows: list[list[str]]


@dataclass(slots=True)
class ThemeMatch:
    theme: str
    score: float
    evidence: list[str]  # the terms that matched, most telling first


@dataclass(slots=True)
class ParsedSection:
    key: str  # stable within its meeting: heading path and occurrence
    level: int
    heading: str  # as the document writes it, with its number ("III. Key findings")
    title: str  # the heading without its number
    number: str | None
    path: list[str]  # ancestor headings, outermost first
    kind: str  # "body", "front_matter" or "annex"
    paragraphs: list[str]
    paragraph_numbers: list[str]
    notes: list[Note]
    line_start: int
    line_end: int
    page_start: int | None
    page_end: int | None
    themes: list[ThemeMatch] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    pages: list[int | None] = field(default_factory=list)  # each paragraph's first page (None unknown)
    # Where the source lost text: (paragraph, offset, length), see `gaps`.
    gaps: list[tuple[int, int, int]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass(slots=True)
class MeetingMetadata:
    title: str | None = None
    organizers: list[str] = field(default_factory=list)
    city: str | None = None
    country: str | None = None
    start_date: str | None = None  # ISO YYYY-MM-DD
    end_date: str | None = None
    symbol: str | None = None
    # Where each field was read: field name -> the words of the document it came from.
    evidence: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class ParsedMeeting:
    key: str  # stable within its document
    metadata: MeetingMetadata
    sections: list[ParsedSection]
    line_start: int
    line_end: int


@dataclass(slots=True)
class ParsedDocument:
    file_name: str  # base name, as the JSON interface reports it
    path: str  # where it was read from
    kind: str  # "text", "pdf", "docx"
    sha256: str
    size: int
    page_count: int | None
    meetings: list[ParsedMeeting]
