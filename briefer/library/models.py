"""The library's records as the rest of the program sees them: meetings and sections.

`to_json` gives the forms docs/ARCHITECTURE.md fixes for `--json` output (other tools rely on
them); extra keys may be added, none removed or renamed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MEETING_FIELDS = ("title", "organizers", "city", "country", "start_date", "end_date", "symbol")


@dataclass(slots=True)
class Meeting:
    id: str
    document_id: str
    title: str | None
    organizers: list[str]
    city: str | None
    country: str | None
    start_date: str | None
    end_date: str | None
    symbol: str | None
    source_file: str
    line_start: int
    line_end: int
    evidence: dict[str, str] = field(default_factory=dict)
    edited: list[str] = field(default_factory=list)  # fields the user has set

    @property
    def label(self) -> str:
        """What to call the meeting on screen when the report gives no title."""
        return self.title or f"Unnamed meeting ({self.source_file}, line {self.line_start})"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "organizers": list(self.organizers),
            "city": self.city,
            "country": self.country,
            "start_date": self.start_date,
            "end_date": self.end_date,
            "symbol": self.symbol,
            "source": {"file": self.source_file, "line_start": self.line_start, "line_end": self.line_end},
            "evidence": dict(self.evidence),
            "edited": list(self.edited),
        }


@dataclass(slots=True)
class ThemeTag:
    id: str
    evidence: list[str]  # terms found in the text; empty when the user added the theme
    by_user: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    """A table of a section: its cells row by row (the first row usually the header row; rows
    may differ in length). Its text is also the section's paragraph `paragraph` (0-based), one
    row a line with the cells between " | ", so that it is searched and read like any text."""

    paragraph: int
    rows: tuple[tuple[str, ...], ...]

    @classmethod
    def from_json(cls, record: Any) -> Table:
        """The table of a record `{"paragraph": i, "rows": [[cell, ...], ...]}`; ValueError when
        the record is not one."""
        if not isinstance(record, dict) or set(record) != {"paragraph", "rows"}:
            raise ValueError("a table record holds its paragraph and its rows")
        paragraph, rows = record["paragraph"], record["rows"]
        if type(paragraph) is not int or paragraph < 0:
            raise ValueError("a table's paragraph is a number from 0")
        if not isinstance(rows, list) or not all(
            isinstance(row, list) and all(isinstance(cell, str) for cell in row) for row in rows
        ):
            raise ValueError("a table's rows are lists of text")
        return cls(paragraph, tuple(tuple(row) for row in rows))

    @property
    def header(self) -> bool:
        """Whether the first row heads the columns. Reports do not say; in a table of several
        rows it usually does."""
        return len(self.rows) > 1

    def to_json(self) -> dict[str, Any]:
        return {"paragraph": self.paragraph, "rows": [list(row) for row in self.rows]}


@dataclass(slots=True)
class Section:
    id: str
    meeting_id: str
    level: int
    heading: str
    title: str
    number: str | None
    path: list[str]
    kind: str  # "body", "front_matter", "annex"
    text: str
    paragraph_numbers: list[str]
    notes: list[dict[str, str]]
    themes: list[ThemeTag]
    source_file: str
    line_start: int
    line_end: int
    page_start: int | None
    page_end: int | None
    note: str = ""  # the user's own note
    ordinal: int = 0  # position in its document
    tables: list[Table] = field(default_factory=list)
    # Where the source lost text: (paragraph, offset, length), 0-based in `paragraphs()`,
    # `length` characters of placeholder ("[…]" for cut PDF debris; 0 for a sentence cut short).
    gaps: list[tuple[int, int, int]] = field(default_factory=list)
    paragraph_pages: list[int] = field(default_factory=list)  # each paragraph's first page; [] unknown

    @property
    def theme_ids(self) -> list[str]:
        return [tag.id for tag in self.themes]

    def paragraphs(self) -> list[str | Table]:
        """The body in reading order: each paragraph's text, or the table that paragraph is."""
        tables = {table.paragraph: table for table in self.tables if any(table.rows)}
        return [tables.get(index, text) for index, text in enumerate(self.text.split("\n\n"))]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "meeting_id": self.meeting_id,
            "level": self.level,
            "heading": self.heading,
            "path": list(self.path),
            "text": self.text,
            "paragraph_numbers": list(self.paragraph_numbers),
            "themes": self.theme_ids,
            "source": {
                "file": self.source_file,
                "line_start": self.line_start,
                "line_end": self.line_end,
                "page_start": self.page_start,
                "page_end": self.page_end,
            },
            "kind": self.kind,
            "notes": [dict(note) for note in self.notes],
            "theme_evidence": {tag.id: list(tag.evidence) for tag in self.themes},
            "user_note": self.note,
            "tables": [table.to_json() for table in self.tables],
            "gaps": [list(gap) for gap in self.gaps],
            "paragraph_pages": list(self.paragraph_pages),
        }
