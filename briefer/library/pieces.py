"""The store of record for documents, in pieces: one TinyDB file per ingested document.

`documents/<document id>.json` holds one document: its record (table "document"), its
meetings and its sections, and in "meta" the schema version and the piece's revision (a
count of its writes, what a replication engine would compare piece by piece). A piece is
written atomically with its backups (`storage`), so ingesting a report writes that
report's file, whatever the size of the library, and reading one never parses the others.

`documents/generation` is replaced before any piece is written (under the library's lock).
Its signature alone tells a reader whether any piece may have changed: two stats, however
many pieces there are; the pieces are looked at one by one only when it has changed.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefer.atomic import remove_leftovers
from briefer.errors import LibraryDamagedError, LibraryError, RestoreNotice
from briefer.library.migrations import SCHEMA_VERSION, migrate
from briefer.library.records import piece_problem
from briefer.library.storage import (
    AtomicJSONStorage,
    atomic_write_bytes,
    backup_folder,
    backups_of,
    file_signature,
    restore_newest_backup,
)

DOCUMENTS_FOLDER = "documents"
GENERATION_FILE = "generation"
PIECE_SUFFIX = ".json"


@dataclass(slots=True)
class Piece:
    """One document's records, and the file they were read from or written to."""

    document: dict[str, Any]
    meetings: list[dict[str, Any]] = field(default_factory=list)
    sections: list[dict[str, Any]] = field(default_factory=list)
    name: str = ""  # the file's name in documents/
    signature: str = ""  # the file's signature and content digest when read or written
    digest: str = ""


def piece_name(document_id: str) -> str:
    return document_id + PIECE_SUFFIX


class DocumentPieces:
    """The documents folder of a library. All writes under the library's lock."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.restored: list[RestoreNotice] = []  # damaged pieces replaced by a backup
        self._cleaned = False  # the leftovers of killed writers removed (once: a listing each)

    def path(self, name: str) -> Path:
        return self.folder / name

    def generation(self) -> str:
        """Changes with every write of any piece (see the module's text)."""
        return file_signature(self.folder / GENERATION_FILE)

    def signatures(self) -> dict[str, str]:
        """Each piece's file name and signature, from one listing of the folder."""
        if not self.folder.is_dir():
            return {}
        found = {}
        with os.scandir(self.folder) as entries:
            for entry in entries:
                if entry.name.endswith(PIECE_SUFFIX) and not entry.name.startswith("."):
                    try:
                        info = entry.stat()
                    except FileNotFoundError:
                        continue
                    found[entry.name] = f"{info.st_mtime_ns}:{info.st_size}:{entry.inode()}"
        return found

    def has_backups(self, name: str) -> bool:
        return bool(backups_of(self.path(name)))

    def digest(self, name: str) -> str:
        try:
            with open(self.path(name), "rb") as handle:
                return hashlib.file_digest(handle, "sha256").hexdigest()
        except FileNotFoundError:
            return "missing"

    def read(self, name: str) -> Piece:
        """One piece, at the current schema: a damaged file is replaced by its newest good
        backup (the user is told through `restored`); an old one is upgraded in place."""
        path = self.path(name)
        storage = AtomicJSONStorage(path, check=piece_problem)
        try:
            data = _present(path, storage.read())
        except LibraryDamagedError as damage:
            self.new_generation()
            self.restored.append(restore_newest_backup(path, damage, piece_problem))
            data = _present(path, storage.read())
        if migrate(data, str(path)):
            self.new_generation()
            storage.write(data)  # the old version stays among its backups
        piece = _piece_of(data)
        piece.name, (piece.signature, piece.digest) = name, storage.known_digest
        return piece

    def __iter__(self) -> Iterator[Piece]:
        """Every piece, one at a time (a rebuild holds one document in memory, not all)."""
        for name in sorted(self.signatures()):
            yield self.read(name)

    def new_generation(self) -> None:
        """Before a piece is written: a new generation, so that readers look again even if
        this process is killed before the index is told (see the module's text)."""
        self.folder.mkdir(exist_ok=True)
        if not self._cleaned:
            remove_leftovers(self.folder)
            if backup_folder(self.folder / GENERATION_FILE).is_dir():
                remove_leftovers(backup_folder(self.folder / GENERATION_FILE))
            self._cleaned = True
        generation = os.urandom(8).hex().encode("ascii")
        atomic_write_bytes(self.folder / GENERATION_FILE, generation, leftovers=False)

    def write(self, piece: Piece, new_generation: bool = True) -> Piece:
        """Write one document's piece (a new one, or its next revision). `new_generation`
        False: the caller made one for a run of writes that is redone whole if killed."""
        if new_generation:
            self.new_generation()
        name = piece_name(piece.document["id"])
        storage = AtomicJSONStorage(self.path(name), leftovers=not self._cleaned, check=piece_problem)
        revision = 0
        try:
            old = storage.read()
        except LibraryDamagedError:
            old = None  # replaced by the new version anyway; the backups keep the old ones
        if old is not None:
            revision = max((int(m.get("revision", 0)) for m in old.get("meta", {}).values()), default=0)
        storage.write(
            {
                "meta": {"1": {"schema": SCHEMA_VERSION, "revision": revision + 1}},
                "document": {"1": piece.document},
                "meetings": {str(i): m for i, m in enumerate(piece.meetings, 1)},
                "sections": {str(i): s for i, s in enumerate(piece.sections, 1)},
            }
        )
        piece.name, (piece.signature, piece.digest) = name, storage.known_digest
        return piece


def _present(path: Path, data: dict[str, Any] | None) -> dict[str, Any]:
    if data is None:
        raise LibraryError(f"{path}: the document's file has gone while it was read; try again")
    return data


def _piece_of(data: dict[str, Any]) -> Piece:
    documents = list(data["document"].values())
    return Piece(
        documents[0], list(data.get("meetings", {}).values()), list(data.get("sections", {}).values())
    )


def split_single_file(content: dict[str, Any]) -> Iterator[Piece]:
    """The pieces of a library kept in one file (library.json, before schema 3): each
    document with its meetings and sections."""
    meetings: dict[str, list[dict]] = {}
    sections: dict[str, list[dict]] = {}
    for record in content.get("meetings", {}).values():
        meetings.setdefault(record["document_id"], []).append(record)
    for record in content.get("sections", {}).values():
        sections.setdefault(record["document_id"], []).append(record)
    for document in content.get("documents", {}).values():
        yield Piece(document, meetings.get(document["id"], []), sections.get(document["id"], []))


def single_file(pieces: Iterator[Piece], meta: dict[str, Any]) -> dict[str, Any]:
    """The pieces as one TinyDB file's tables (the form an archive holds, and schema 2's)."""
    tables: dict[str, dict[str, Any]] = {"meta": {"1": meta}, "documents": {}, "meetings": {}, "sections": {}}
    for piece in pieces:
        tables["documents"][str(len(tables["documents"]) + 1)] = piece.document
        for name, records in (("meetings", piece.meetings), ("sections", piece.sections)):
            for record in records:
                tables[name][str(len(tables[name]) + 1)] = record
    return tables
