"""Schema versions of the library files, and the steps that bring old files up to date.

Each file keeps its version in its "meta" table. `MIGRATIONS[n]` turns a file of version
n into version n + 1, working on the raw TinyDB data (table -> doc id -> document). The
file is copied aside before it is migrated, so an upgrade can always be undone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from briefer.errors import LibraryError

SCHEMA_VERSION = 4
CHECKSUMS_SINCE = 4  # from this schema on, every file carries its checksum (`storage`)
META_TABLE = "meta"

Data = dict[str, dict[str, dict[str, Any]]]


def stored_version(data: Data | None) -> int:
    """The schema version a file was written with; 0 for a file from before versions."""
    if not data:
        return SCHEMA_VERSION  # a new file starts at the current version
    for document in data.get(META_TABLE, {}).values():
        if isinstance(document, dict) and "schema" in document:
            return int(document["schema"])
    return 0


def set_version(data: Data, version: int) -> None:
    meta = data.setdefault(META_TABLE, {})
    for document in meta.values():
        if "schema" in document:
            document["schema"] = version
            return
    meta[str(len(meta) + 1)] = {"schema": version}


def _unversioned_to_1(data: Data) -> None:
    """Files from before schema versions already have schema 1's shape: only the version
    number is new."""


def _tables_in_sections(data: Data) -> None:
    """Schema 2: a section records its tables (`"tables": [{"paragraph", "rows"}]`). Sections
    ingested before had none recognised."""
    for section in data.get("sections", {}).values():
        section.setdefault("tables", [])


def _in_pieces(data: Data) -> None:
    """Schema 3: the documents are kept one file each (`pieces`); the records keep their
    shape. The library splits a schema-2 library.json when it opens it; user.json only
    records the new version, so that an older Briefer refuses a library it cannot read."""


def _with_checksums(data: Data) -> None:
    """Schema 4: each file ends with the checksum of its content, written with the file; a
    file of schema 4 without one is damaged. The records keep their shape."""


MIGRATIONS: dict[int, Callable[[Data], None]] = {
    0: _unversioned_to_1,
    1: _tables_in_sections,
    2: _in_pieces,
    3: _with_checksums,
}


def migrate(data: Data, name: str) -> bool:
    """Bring `data` to SCHEMA_VERSION in place. True when anything changed."""
    version = stored_version(data)
    if version > SCHEMA_VERSION:
        raise LibraryError(
            f"{name}: this library was written by a newer version of Briefer "
            f"(schema {version}, this version knows {SCHEMA_VERSION}); install the newer "
            "version to open it"
        )
    if data and version == SCHEMA_VERSION:
        return False
    while version < SCHEMA_VERSION:
        MIGRATIONS[version](data)
        version += 1
    set_version(data, version)
    return True
