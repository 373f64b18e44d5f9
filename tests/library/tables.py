"""Reports with tables, made in the test: parsed documents as ingest hands them to the library.

Shared by the library, pack, export, CLI and app tests. The cells hold what breaks markup
(`& < >`), accents, Greek and Cyrillic, a number column, and rows of different lengths.
"""

from __future__ import annotations

import hashlib

from briefer.ingest.document import (
    MeetingMetadata,
    ParsedDocument,
    ParsedMeeting,
    ParsedSection,
    Table,
    ThemeMatch,
)

HEADER = ["Corridor", "Cost of sending $200 (%)", "Year"]
ROWS = [
    HEADER,
    ["United States – Mexico", "4.2", "2005"],
    ["Spain – Ecuador & <Peru>", "6.8", "2006"],
    ["Россия – Ελλάδα (Côte d’Ivoire)", "9.1"],  # a short row: no year
]
BEFORE = "Remittance costs fell in every corridor the hearing discussed."
AFTER = "The participants expected transfer costs to fall further once competition grew."
FIRST_TABLE = [["Session", "Chair"], ["Opening", "Ms. Ana Pérez"], ["Remittances", "Mr. Li Wei"]]


def table_text(rows: list[list[str]]) -> str:
    """A table's text as ingest writes it into the section's paragraph: a row a line."""
    return "\n".join(" | ".join(row) for row in rows)


def _section(key: str, heading: str, paragraphs: list[str], tables: list[Table], line: int) -> ParsedSection:
    return ParsedSection(
        key=key,
        level=1,
        heading=heading,
        title=heading,
        number=None,
        path=[],
        kind="body",
        paragraphs=paragraphs,
        paragraph_numbers=[],
        notes=[],
        line_start=line,
        line_end=line + 10,
        page_start=1,
        page_end=2,
        themes=[ThemeMatch("remittances", 3.0, ["remittance", "transfer costs"])],
        tables=tables,
    )


def table_document(name: str = "corridors.pdf", rows: list[list[str]] = ROWS) -> ParsedDocument:
    """A report of two sections: 'Costs by corridor' (a paragraph, the table `rows`, a
    paragraph) and 'Programme' (a table first, then a paragraph)."""
    sections = [
        _section(
            "costs",
            "Costs by corridor",
            [BEFORE, table_text(rows), AFTER],
            [Table(1, [list(row) for row in rows])],
            1,
        ),
        _section(
            "programme",
            "Programme",
            [table_text(FIRST_TABLE), "The sessions were open to observers."],
            [Table(0, [list(row) for row in FIRST_TABLE])],
            20,
        ),
    ]
    text = "\n\n".join(p for s in sections for p in s.paragraphs)
    metadata = MeetingMetadata(
        title="Hearing on remittance corridors",
        city="Geneva",
        country="Switzerland",
        start_date="2006-03-01",
        end_date="2006-03-02",
    )
    return ParsedDocument(
        file_name=name,
        path=f"/nowhere/{name}",
        kind="pdf",
        sha256=hashlib.sha256((name + text).encode("utf-8")).hexdigest(),
        size=len(text),
        page_count=2,
        meetings=[ParsedMeeting("m1", metadata, sections, 1, 40)],
    )
