"""The shape of every record the library keeps: checked wherever records come in.

A file of record read from disk (a document's piece, user.json) and a library archive
being imported are checked against the same rules, here and only here: each record's
fields and their types (JSON Schema, compiled once by fastjsonschema), sizes a real report
never reaches but a crafted file would (so a build or an index cannot be made to stall or
fail), and how records refer to each other. A file that fails is damaged (its newest sound
backup is put back); an archive that fails is refused whole.

Limits, from what real reports need: a section's text up to the largest text a reader
accepts (20 MB); a heading, title or other one-line field up to 2,000 characters (the
longest real heading seen is under 400); tables as `Table` allows; a library's themes at
most 63 (the index keeps a section's themes as the bits of one integer).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import fastjsonschema

from briefer.library.models import MEETING_FIELDS

MAX_TEXT_CHARS = 20 * 1024 * 1024  # a section's text: the most a reader takes in (readers.MAX_TEXT_BYTES)
MAX_LINE_CHARS = 2_000  # a heading, a title, a name, a symbol
MAX_THEMES = 63  # bits of sections.themes in the index
# A section's tables: far beyond any report's (Word allows 63 columns), short of what would
# stall a build.
MAX_TABLE_ROWS = 20_000
MAX_TABLE_COLUMNS = 200
MAX_TABLE_CELLS = 200_000
MAX_CELL_CHARS = 100_000
MAX_GAPS = 100_000  # places a section's source lost text (a damaged report has a few dozen)


def _iso_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


_ID = {"type": "string", "pattern": "^[0-9A-Za-z_-]{1,64}$"}
_THEME_ID = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,63}$"}
_LINE = {"type": "string", "maxLength": MAX_LINE_CHARS}
_TEXT = {"type": "string", "maxLength": MAX_TEXT_CHARS}
_MAYBE_LINE = {"type": ["string", "null"], "maxLength": MAX_LINE_CHARS}
_MAYBE_DATE = {"anyOf": [{"type": "null"}, {"type": "string", "format": "iso-date"}]}
_COUNT = {"type": "integer", "minimum": 0}
_MAYBE_COUNT = {"type": ["integer", "null"], "minimum": 0}
_LINES = {"type": "array", "items": _LINE}
_STAMP = {"type": "string", "maxLength": 64}


def _record(required: dict[str, Any], optional: dict[str, Any] | None = None) -> dict[str, Any]:
    """An object with these fields (others are kept: a newer minor version may add some)."""
    return {"type": "object", "required": list(required), "properties": {**required, **(optional or {})}}


_MEETING_VALUES = {
    "title": _MAYBE_LINE,
    "organizers": {"type": ["array", "null"], "items": _LINE},
    "city": _MAYBE_LINE,
    "country": _MAYBE_LINE,
    "start_date": _MAYBE_DATE,
    "end_date": _MAYBE_DATE,
    "symbol": _MAYBE_LINE,
}
assert set(_MEETING_VALUES) == set(MEETING_FIELDS)

DOCUMENT = _record(
    {
        "id": _ID,
        "key": _LINE,
        "file": _LINE,
        "meeting_ids": {"type": "array", "items": _ID},
        "sections": _COUNT,
    },
    {
        "path": {"type": ["string", "null"], "maxLength": 4096},
        "kind": _LINE,
        "sha256": {"type": "string", "maxLength": 128},
        "size": _MAYBE_COUNT,
        "page_count": _MAYBE_COUNT,
        "ingested_at": _STAMP,
    },
)
MEETING = _record(
    {
        "id": _ID,
        "document_id": _ID,
        "source": _record({"file": _LINE}, {"line_start": _MAYBE_COUNT, "line_end": _MAYBE_COUNT}),
    },
    {"key": _LINE, **_MEETING_VALUES, "evidence": {"type": "object", "additionalProperties": _TEXT}},
)
SECTION = _record(
    {
        "id": _ID,
        "document_id": _ID,
        "meeting_id": _ID,
        "ordinal": _COUNT,
        "level": {"type": "integer", "minimum": 0, "maximum": 99},
        "heading": _LINE,
        "title": _LINE,
        "number": _MAYBE_LINE,
        "path": _LINES,
        "kind": {"enum": ["body", "front_matter", "annex"]},
        "text": _TEXT,
        "paragraph_numbers": {"type": "array", "items": {"type": "string", "maxLength": 64}},
        "notes": {
            "type": "array",
            "items": _record({"number": {"type": "string", "maxLength": 64}, "text": _TEXT}),
        },
        "themes": {
            "type": "array",
            "items": _record(
                {"id": _THEME_ID},
                {"score": {"type": "number"}, "evidence": {"type": "array", "items": _LINE}},
            ),
        },
        "source": _record(
            {"file": _LINE},
            {
                "line_start": _MAYBE_COUNT,
                "line_end": _MAYBE_COUNT,
                "page_start": _MAYBE_COUNT,
                "page_end": _MAYBE_COUNT,
            },
        ),
    },
    {
        "key": _LINE,
        # where the source lost text: [paragraph, offset, length] (`models.Section.gaps`)
        "gaps": {
            "type": "array",
            "maxItems": MAX_GAPS,
            "items": {"type": "array", "minItems": 3, "maxItems": 3, "items": _COUNT},
        },
        "paragraph_pages": {"type": "array", "items": {"type": "integer", "minimum": 1}},
        "tables": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["paragraph", "rows"],
                "additionalProperties": False,
                "properties": {
                    "paragraph": _COUNT,
                    "rows": {
                        "type": "array",
                        "maxItems": MAX_TABLE_ROWS,
                        "items": {
                            "type": "array",
                            "maxItems": MAX_TABLE_COLUMNS,
                            "items": {"type": "string", "maxLength": MAX_CELL_CHARS},
                        },
                    },
                },
            },
        },
    },
)
SECTION_EDIT = _record(
    {"section_id": _ID},
    {
        "themes_added": {"type": "array", "items": _THEME_ID},
        "themes_removed": {"type": "array", "items": _THEME_ID},
        "heading": _MAYBE_LINE,
        "note": _TEXT,
        "updated_at": _STAMP,
    },
)
MEETING_EDIT = _record(
    {
        "meeting_id": _ID,
        "fields": {"type": "object", "properties": _MEETING_VALUES, "additionalProperties": False},
    },
    {"updated_at": _STAMP},
)
NOT_DUPLICATE = _record({"a": _ID, "b": _ID}, {"updated_at": _STAMP})
PACK = _record({"id": _ID})  # its form is the packs module's (`Pack.from_json`)
# One build of a pack, for the list of versions: which printout is current.
BUILD_ENTRY = _record(
    {"built_at": _STAMP, "template": _LINE, "format": _LINE, "file": _LINE, "sha256": _LINE},
    {"pages": _MAYBE_COUNT, "final": {"type": "boolean"}},
)
PACK_BUILD = _record(
    {"pack_id": _ID, "section_ids": {"type": "array", "items": _ID}},
    {"built_at": _STAMP, "history": {"type": "array", "items": BUILD_ENTRY, "maxItems": 1000}},
)
META = _record(
    {},
    {
        "schema": {"type": "integer"},
        "revision": _COUNT,
        "seeded": {"type": "boolean"},
        "change": {"type": "string"},
    },
)

# table -> the schema of its records, for the two kinds of file
PIECE_TABLES = {"meta": META, "document": DOCUMENT, "meetings": MEETING, "sections": SECTION}
USER_TABLES = {
    "meta": META,
    "section_edits": SECTION_EDIT,
    "meeting_edits": MEETING_EDIT,
    "not_duplicates": NOT_DUPLICATE,
    "packs": PACK,
    "pack_builds": PACK_BUILD,
}
LIBRARY_FILE_TABLES = {"meta": META, "documents": DOCUMENT, "meetings": MEETING, "sections": SECTION}

_VALIDATORS: dict[int, Any] = {}


def _validator(schema: dict[str, Any]) -> Any:
    key = id(schema)
    if key not in _VALIDATORS:
        _VALIDATORS[key] = fastjsonschema.compile(schema, formats={"iso-date": _iso_date})
    return _VALIDATORS[key]


def table_problem(tables: dict[str, Any], schemas: dict[str, dict[str, Any]]) -> str | None:
    """What is wrong with a file's records by their schemas, or None. Tables not listed
    are left alone (TinyDB's own, or a newer version's)."""
    for name, schema in schemas.items():
        table = tables.get(name, {})
        check = _validator(schema)
        for record in table.values():
            try:
                check(record)
            except fastjsonschema.JsonSchemaValueException as error:
                return f"a record of its {name} is not as Briefer writes it: {_said(error)}"
        if name == "sections":
            for record in table.values():
                problem = tables_problem(record) or gaps_problem(record)
                if problem:
                    return f"{problem} (section {record['id']})"
    return None


def _said(error: fastjsonschema.JsonSchemaValueException) -> str:
    return error.message.removeprefix("data.").removeprefix("data ")


def tables_problem(section: dict[str, Any]) -> str | None:
    """A section's tables: each one of its paragraphs (a different one each), of a size a
    report could hold."""
    tables = section.get("tables", [])
    if not tables:
        return None
    paragraphs = section["text"].count("\n\n") + 1
    places = [table["paragraph"] for table in tables]
    if len(set(places)) != len(places) or any(place >= paragraphs for place in places):
        return "a table is not one of the section's paragraphs"
    if any(sum(len(row) for row in table["rows"]) > MAX_TABLE_CELLS for table in tables):
        return f"a table has more than {MAX_TABLE_CELLS} cells"
    return None


def gaps_problem(section: dict[str, Any]) -> str | None:
    """A section's gaps each in one of its paragraphs, within it; its paragraphs' pages one
    a paragraph (or none known)."""
    gaps, pages = section.get("gaps", []), section.get("paragraph_pages", [])
    if not gaps and not pages:
        return None
    lengths = [len(paragraph) for paragraph in section["text"].split("\n\n")]
    for paragraph, offset, length in gaps:
        if paragraph >= len(lengths) or offset + length > lengths[paragraph]:
            return "a gap is not in the section's text"
    if pages and len(pages) != len(lengths):
        return "the section's paragraph pages are not one a paragraph"
    return None


def piece_problem(tables: dict[str, Any]) -> str | None:
    """A document's piece: its records, one document, and its meetings and sections its own."""
    problem = table_problem(tables, PIECE_TABLES)
    if problem:
        return problem
    documents = list(tables.get("document", {}).values())
    if len(documents) != 1:
        return "it does not hold one document record"
    return links_problem(documents, tables.get("meetings", {}).values(), tables.get("sections", {}).values())


def user_problem(tables: dict[str, Any]) -> str | None:
    return table_problem(tables, USER_TABLES)


def library_file_problem(tables: dict[str, Any]) -> str | None:
    """The documents of a whole library in one file (schema 2's library.json, an archive's)."""
    return table_problem(tables, LIBRARY_FILE_TABLES) or links_problem(
        *(tables.get(name, {}).values() for name in ("documents", "meetings", "sections"))
    )


def links_problem(
    documents: Iterable[dict[str, Any]],
    meetings: Iterable[dict[str, Any]],
    sections: Iterable[dict[str, Any]],
) -> str | None:
    """Meetings of documents given, sections of meetings given, every id once."""
    document_ids = {document["id"] for document in documents}
    meeting_ids: set[str] = set()
    for meeting in meetings:
        if meeting["document_id"] not in document_ids:
            return f"meeting {meeting['id']} is of no document here"
        if meeting["id"] in meeting_ids:
            return f"meeting {meeting['id']} is there twice"
        meeting_ids.add(meeting["id"])
    section_ids: set[str] = set()
    for section in sections:
        if section["document_id"] not in document_ids or section["meeting_id"] not in meeting_ids:
            return f"section {section['id']} is of no meeting here"
        if section["id"] in section_ids:
            return f"section {section['id']} is there twice"
        section_ids.add(section["id"])
    return None


def theme_ids(sections: Iterable[dict[str, Any]], section_edits: Iterable[dict[str, Any]]) -> set[str]:
    """Every theme id the records name (what the index gives a bit each)."""
    found = {theme["id"] for section in sections for theme in section["themes"]}
    for edit in section_edits:
        found.update(edit.get("themes_added", []))
    return found
