"""The library: a folder holding the sections of every ingested report, and the user's edits.

The store of record is TinyDB files, each written atomically with its backups:
- documents/<id>.json, one per ingested document (`pieces`): its record, meetings and
  sections, written only when that document is ingested;
- user.json: what the user changed (themes, headings, notes, meeting details, "not a
  duplicate" marks) and the packs, written on every edit: a small file, so an edit never
  rewrites a section body, and an ingest never rewrites another document.
A library of schema 2 or before kept its documents in one library.json; it is split into
pieces when the library is opened, and kept as library.json.vN.bak.

Beside them, index.sqlite3 (see `index`): derived from the files, and the way every read is
answered, so that opening and searching a library of 50,000 sections parses none of them.
It records what it was built from (the pieces' generation, each piece's signature and
content digest, user.json's), and is brought up to date piece by piece when they differ:
by content, so a copied or restored folder is not indexed again.

Edits are kept by section and meeting id, and ids come from the document's name and the
section's heading path, so an edit survives re-ingesting a changed document wherever its
section still exists (and is kept, not lost, where it does not).

All writes go through `_writing`: one process at a time (a lock file), on the latest
files, user.json committed at the end or not at all; each piece is written whole.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, cast

from tinydb import Query, TinyDB
from tinydb.table import Table

from briefer.atomic import file_sha256, fsync_folder, remove_leftovers
from briefer.date_checks import check_date, check_range
from briefer.errors import LibraryDamagedError, LibraryError, NotFoundError, RestoreNotice, UsageError
from briefer.ingest.document import ParsedDocument, ParsedSection
from briefer.ingest.themes import check_theme_ids
from briefer.library.index import INDEX_FILE, SearchIndex, SearchResult, SectionFilter, remove_database
from briefer.library.journal import ChangeJournal
from briefer.library.merging import MergeOutcome, merge_documents, merge_user_records
from briefer.library.migrations import SCHEMA_VERSION, migrate, set_version, stored_version
from briefer.library.models import MEETING_FIELDS, Meeting, Section
from briefer.library.pieces import (
    DOCUMENTS_FOLDER,
    DocumentPieces,
    Piece,
    piece_name,
    single_file,
    split_single_file,
)
from briefer.library.records import library_file_problem, user_problem
from briefer.library.storage import (
    AtomicJSONStorage,
    LibraryLock,
    RecordCheck,
    TransactionMiddleware,
    backup_folder,
    encode_tables,
    file_signature,
    lock_unless_read_only,
    restore_newest_backup,
)

LIBRARY_FILE = "library.json"  # the documents in one file: libraries before schema 3, and archives
USER_FILE = "user.json"
USER_TABLES = ("section_edits", "meeting_edits", "not_duplicates")
_SYNC_BATCH = 200  # documents re-indexed in one transaction when pieces changed


@dataclass(slots=True)
class IngestOutcome:
    file: str
    status: str  # "added", "updated", "unchanged", "duplicate"
    meetings: int = 0
    sections: int = 0
    detail: str = ""


class _RepairingIndex:
    """The library's `SearchIndex`, repaired when it fails (`Library._repair_index`): a
    read is then asked again; a write is not, the repaired index having its effect already."""

    def __init__(self, index: SearchIndex, repair: Callable[[sqlite3.DatabaseError | OSError], None]) -> None:
        self._index = index
        self._repair = repair

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._index, name)
        if not callable(attribute):
            return attribute

        def repaired(*args: Any, **kwargs: Any) -> Any:
            for attempt in range(3):  # a copy of a damaged file failing too: built from the files
                try:
                    return getattr(self._index, name)(*args, **kwargs)
                except (sqlite3.DatabaseError, OSError) as error:
                    if attempt == 2:
                        raise
                    self._repair(error)
                    if name in SearchIndex.WRITES:
                        return None

        return repaired


def stable_id(prefix: str, *parts: str, length: int = 10) -> str:
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()
    return prefix + digest[:length]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class _Store:
    """One TinyDB file with transactions, parsed only when it is needed and has changed."""

    def __init__(self, path: Path, check: RecordCheck) -> None:
        self.path = path
        self.check = check
        self.middleware = TransactionMiddleware(partial(AtomicJSONStorage, check=check))
        self.db = TinyDB(str(path), storage=self.middleware)
        self.loaded: str | None = None  # the signature of the file the cache holds
        self.restored: list[RestoreNotice] = []  # damaged files replaced by a backup

    def table(self, name: str) -> Table:
        # A new Table each time: TinyDB's cached one remembers the next document id, which
        # another process's save (re-read under the lock) makes stale: the next insert failed
        # with "Document with ID n already exists".
        return Table(self.db.storage, name, cache_size=0)

    def signature(self) -> str:
        return file_signature(self.path)

    def digest(self) -> str:
        """The file's content (sha256): the same after a copy, a sync or a restore that
        changed its times."""
        return self.middleware.storage.digest()

    def raw(self) -> dict[str, Any]:
        return self.middleware.read() or {}

    def load_if_changed(self) -> None:
        current = self.signature()
        if current != self.loaded:
            self.middleware.rollback()
            self.db.clear_cache()
            try:
                self.middleware.read()
            except LibraryDamagedError as damage:  # under the lock: put the newest good backup back
                self.middleware.rollback()
                self.restored.append(restore_newest_backup(self.path, damage, self.check))
                current = self.signature()
                self.middleware.read()
            self.loaded = current

    def commit(self) -> None:
        self.middleware.commit()
        self.loaded = self.signature()

    def rollback(self) -> None:
        self.middleware.rollback()
        self.db.clear_cache()
        self.loaded = None


class Library:
    """A library folder. Open with `Library.open(folder)`; all calls from one thread."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._pieces = DocumentPieces(folder / DOCUMENTS_FOLDER)
        self._user = _Store(folder / USER_FILE, user_problem)
        self._journal = ChangeJournal(folder)  # a change of many new files (`merge_records`)
        self.index = cast(SearchIndex, _RepairingIndex(SearchIndex(folder / INDEX_FILE), self._repair_index))
        self._repairing = False
        # Told (documents done, documents in all, what is being done) during long work: the
        # index built from scratch, an old library split into pieces.
        self.progress: Callable[[int, int, str], None] | None = None

    # --- opening ----------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        folder: Path,
        progress: Callable[[int, int, str], None] | None = None,
        look_at_pieces: bool = False,
    ) -> Library:
        """Open (or create) the library in `folder`: upgrade old files, update the index
        (`progress(done, total, what)` while it is built from scratch). `look_at_pieces`: compare
        every document file with the index too (see `refresh_if_changed`)."""
        folder = Path(folder)
        if folder.exists() and not folder.is_dir():
            raise LibraryError(f"{folder}: this is a file, not a library folder; choose a folder")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise LibraryError(
                f"{folder}: the library folder cannot be created ({error.strerror}); "
                "choose a folder you can write to"
            ) from None
        remove_leftovers(folder)
        if backup_folder(folder / USER_FILE).is_dir():
            remove_leftovers(backup_folder(folder / USER_FILE))
        library = cls(folder)
        library.progress = progress
        library.refresh_if_changed(look_at_pieces)
        return library

    @property
    def restored(self) -> list[RestoreNotice]:
        """Library files found damaged and replaced by their newest good backup since this
        library was opened: the user must be told (the CLI prints them, the app shows them)."""
        return self._pieces.restored + self._user.restored

    def _pieces_stamp(self) -> dict[str, str]:
        """Changes with every write of a piece, and with pieces added or removed by hand."""
        return {"generation": self._pieces.generation(), "folder": file_signature(self._pieces.folder)}

    def _user_stamp(self) -> dict[str, str]:
        """user.json's signature (cheap to compare) and its content's digest (which decides
        when the signature differs)."""
        recorded = self.index.stamp()
        signature = self._user.signature()
        known = recorded.get("user_digest") if recorded.get("user") == signature else None
        return {"user": signature, "user_digest": known or self._user.digest()}

    def _stamp(self) -> dict[str, str]:
        return {"schema": str(SCHEMA_VERSION), **self._pieces_stamp(), **self._user_stamp()}

    def refresh_if_changed(self, look_at_pieces: bool = False) -> bool:
        """Bring the index up to date with the files (another process may have written
        them). True if anything had changed. Cheap when nothing has: four stats, which see
        every write of Briefer's and every file added, removed or renamed into the folder
        (as sync and restore tools write). `look_at_pieces` (the app, when it opens): every
        piece's signature too (60 ms at 50,000 sections), for a file written over in place
        by hand or damaged."""
        self._check_folder()
        if (
            self._index_is_current()
            and not self._journal.path.exists()
            and not (look_at_pieces and self._pieces_changed_in_place())
        ):
            return False
        with lock_unless_read_only(self.folder):
            self._update_index(look_at_pieces)
        return True

    def _check_folder(self) -> None:
        """A library open in the app whose folder was moved or deleted meanwhile: said so,
        never answered from what is left open, nor made again empty."""
        if not self.folder.is_dir():
            raise LibraryError(
                f"{self.folder}: the library folder has gone (moved, renamed or deleted); "
                "put it back, or open the library where it is now"
            )

    def stored_files(self) -> dict[str, bytes]:
        """The files of record at the current schema, read together under the lock (a
        consistent pair, for an archive): the documents as one file, and user.json."""
        with lock_unless_read_only(self.folder):
            self._update_index()
            tables = single_file(iter(self._pieces), {"schema": SCHEMA_VERSION})
            return {
                LIBRARY_FILE: encode_tables(tables),
                USER_FILE: self._user.path.read_bytes(),
            }

    def _index_is_current(self) -> bool:
        """By the files' signatures alone: cheap, and nothing is read."""
        stamp = self.index.stamp()
        return (
            stamp.get("schema") == str(SCHEMA_VERSION)
            and all(stamp.get(key) == value for key, value in self._pieces_stamp().items())
            and stamp.get("user") == self._user.signature()
        )

    def _pieces_changed_in_place(self) -> bool:
        indexed = {name: signature for name, (_, signature, _) in self.index.pieces().items()}
        return indexed != self._pieces.signatures()

    def _update_index(self, look_at_pieces: bool = False) -> None:
        """Under the lock: migrate old files, then bring the index up to date: built anew,
        or the changed pieces re-indexed and the edits replayed."""
        self._undo_unfinished_change()
        if self._index_is_current() and not (look_at_pieces and self._pieces_changed_in_place()):
            return  # nothing to do, and no file need be read
        self._migrate_if_needed()
        stamp = self.index.stamp()
        if stamp.get("schema") != str(SCHEMA_VERSION):  # no index, or one of another version
            self._rebuild()
            return
        if stamp.get("user") != self._user.signature():
            if stamp.get("user_digest") == self._user.digest():
                self.index.set_stamp(user=self._user.signature())  # the same content, copied
            else:
                self._user.load_if_changed()
                self.index.apply_user(self._user_records(), {**self._user_stamp(), **self._seeded_stamp()})
        if look_at_pieces or any(stamp.get(key) != value for key, value in self._pieces_stamp().items()):
            self._sync_pieces()

    def _repair_index(self, error: sqlite3.DatabaseError | OSError) -> None:
        """The index failed (a full disk, a read-only folder, a damaged page): it is derived,
        so this process goes on with one in memory, brought up to date from the library's
        files, starting from a copy of the file where it is sound; a damaged file is removed,
        for the next process to build again. A saved change is never failed by the index."""
        if self._repairing:
            raise error
        index = self.index
        damaged = isinstance(error, sqlite3.DatabaseError) and (error.sqlite_errorcode or 0) & 0xFF in (
            sqlite3.SQLITE_CORRUPT,
            sqlite3.SQLITE_NOTADB,
        )
        self._repairing = True
        try:
            index.use_memory(copy_file=not (damaged or index.in_memory))
            if damaged:
                remove_database(index.path)
            self._update_index()
        except (sqlite3.DatabaseError, OSError) as failure:
            raise LibraryError(
                f"{index.path}: the search index cannot be built, even in memory ({failure}); "
                "free some memory and disk space and try again"
            ) from None
        finally:
            self._repairing = False

    def _undo_unfinished_change(self) -> None:
        """Under the lock: the files of a change killed before its commit removed (see
        `journal`). One stat when there is none."""
        if not self._journal.path.exists():
            return
        self._user.load_if_changed()
        self._journal.undo_unfinished(self._holds_change, self._pieces.new_generation)

    def _holds_change(self, change: str) -> bool:
        return any(m.get("change") == change for m in self._user.raw().get("meta", {}).values())

    def _rebuild(self) -> None:
        self._user.load_if_changed()
        total = len(self._pieces.signatures())
        progress = self.progress

        def told(done: int) -> None:
            if progress is not None and (done % 50 == 0 or done == total):
                progress(done, total, "Indexing the library")

        self.index.rebuild(
            iter(self._pieces), self._user_records(), {**self._stamp(), **self._seeded_stamp()}, told
        )
        self.index.set_stamp(**self._stamp())  # a piece restored or upgraded while it was read

    def _sync_pieces(self) -> None:
        """Re-index the pieces whose content changed, one batch of documents at a time; a
        piece under a new signature with the same content (copied) is only told its new one."""
        indexed = self.index.pieces()
        current = self._pieces.signatures()
        moved: dict[str, str] = {}
        changed: list[str] = []
        for name, signature in current.items():
            known = indexed.get(name)
            if known is not None and known[1] == signature:
                continue
            if known is not None and known[2] == self._pieces.digest(name):
                moved[name] = signature
            else:
                changed.append(name)
        gone = [name for name in indexed if name not in current and self._pieces.has_backups(name)]
        for name in gone:  # a piece gone though its backups are there: damage, put back
            self._pieces.read(name)
            changed.append(name)
        if gone:
            current = self._pieces.signatures()
        removed = [document_id for name, (document_id, _, _) in indexed.items() if name not in current]
        if len(changed) > max(_SYNC_BATCH, len(current) // 2):  # most of the library: faster anew
            self._rebuild()
            return
        if moved:
            self.index.set_piece_signatures(moved, {})
        if removed or changed:
            self._user.load_if_changed()
            user = self._user_records()
            for start in range(0, max(len(changed), 1), _SYNC_BATCH):
                batch = [self._pieces.read(name) for name in changed[start : start + _SYNC_BATCH]]
                self.index.replace_documents(removed if start == 0 else [], batch, user, {})
        self.index.set_stamp(**self._pieces_stamp())

    def _user_records(self) -> dict[str, list[dict]]:
        data = self._user.raw()
        return {name: _records_of(data, name) for name in USER_TABLES}

    def _seeded_stamp(self) -> dict[str, str]:
        meta = self._user.raw().get("meta", {}).values()
        return {"seeded": "1" if any(m.get("seeded") for m in meta) else ""}

    def _migrate_if_needed(self) -> None:
        """user.json brought to this schema (a copy of the old one kept); an old library's
        single library.json split into pieces."""
        store = self._user
        store.load_if_changed()
        data = store.raw()
        if not store.path.exists():  # a new library: its file starts at this schema
            set_version(data, SCHEMA_VERSION)
            store.middleware.write(data)
            store.commit()
        else:
            version = stored_version(data)
            if migrate(data, str(store.path)):
                shutil.copy2(store.path, store.path.with_name(f"{store.path.name}.v{version}.bak"))
                store.middleware.write(data)  # kept: an upgrade can be undone from the copy
                store.commit()
        if (self.folder / LIBRARY_FILE).exists():
            self._split_single_file()

    def _split_single_file(self) -> None:
        """library.json (schema 2 and before) written as one piece per document, then kept
        as library.json.vN.bak. A kill before that rename leaves library.json, and the next
        open splits it again (the same pieces)."""
        single = _Store(self.folder / LIBRARY_FILE, library_file_problem)
        single.load_if_changed()
        self._pieces.restored += single.restored  # (the documents' file, restored from a backup)
        content = single.raw()
        version = stored_version(content)
        migrate(content, str(single.path))  # refuses a newer version; old records brought up to date
        total = len(content.get("documents", {}))
        for number, piece in enumerate(split_single_file(content)):
            self._pieces.write(piece, new_generation=number == 0)  # redone while library.json is there
            if self.progress is not None and number % 50 == 0:
                self.progress(number, total, "Upgrading the library to one file per document")
        if any(m.get("seeded") for m in content.get("meta", {}).values()):
            self._record_seeded()
            self._user.commit()
        single.path.replace(single.path.with_name(f"{LIBRARY_FILE}.v{version}.bak"))
        fsync_folder(self.folder)

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One change: under the lock, on the latest files, user.json all or nothing.
        Pieces are written by the change itself, each whole (`DocumentPieces.write`)."""
        self._check_folder()
        with LibraryLock(self.folder):
            self._update_index()
            restored = len(self.restored)
            self._user.load_if_changed()
            if len(self.restored) != restored:  # a file found damaged only now: index it as restored
                self._update_index()
            try:
                yield
                self._user.commit()
            except BaseException:
                self._user.rollback()
                raise

    # --- reading ----------------------------------------------------------------------------

    def is_empty(self) -> bool:
        return self.index.document_count() == 0

    @property
    def seeded(self) -> bool:
        return bool(self.index.stamp().get("seeded"))

    def documents(self) -> list[dict[str, Any]]:
        return self.index.documents()

    def original_file(self, section_id: str) -> Path | None:
        """The report a section came from, to open at its page or line: the file it was
        ingested from, else the copy an archive brought (`sources/`), as long as it is
        the same file (its checksum); None when neither is found."""
        document = self.index.document(self.meeting(self.section(section_id).meeting_id).document_id) or {}
        name = Path(str(document.get("file", ""))).name
        candidates = [document.get("path"), self.folder / "sources" / name if name else None]
        for candidate in candidates:
            if candidate and _same_file(Path(candidate), document.get("sha256")):
                return Path(candidate)
        return None

    def meetings(self) -> list[Meeting]:
        return sorted(self.index.meetings(), key=lambda m: (m.start_date or "9999", m.label))

    def meeting(self, meeting_id: str) -> Meeting:
        meeting = self.index.meeting(meeting_id)
        if meeting is None:
            self._check_folder()
            raise NotFoundError(
                f"no meeting with id '{meeting_id}' in the library; 'briefer meetings' lists the ids"
            )
        return meeting

    def section(self, section_id: str) -> Section:
        section = self.index.section(section_id)
        if section is None:
            self._check_folder()
            raise NotFoundError(
                f"no section with id '{section_id}' in the library; 'briefer sections' lists the ids"
            )
        return section

    def search(
        self, selection: SectionFilter | None = None, limit: int | None = None, offset: int = 0
    ) -> SearchResult:
        """Ranked, filtered sections with snippets, near-duplicates and facet counts."""
        self._check_folder()  # (an app open on a folder deleted meanwhile)
        return self.index.search(selection or SectionFilter(), limit=limit, offset=offset)

    def suggest(self, query: str) -> str | None:
        """The query with misspelt words corrected from the library's words, or None."""
        self._check_folder()
        return self.index.suggest(query)

    def sections(self, selection: SectionFilter | None = None) -> list[Section]:
        return [hit.section for hit in self.index.search(selection or SectionFilter(), facets=False).hits]

    def theme_counts(self) -> dict[str, int]:
        return self.index.search(SectionFilter(), limit=0).theme_counts

    def theme_ids(self) -> set[str]:
        """Every theme id the library's sections and edits name."""
        return set(self.index.theme_bits())

    def duplicates_of(self, section_id: str) -> list[str]:
        self.section(section_id)
        return self.index.duplicates_of(section_id)

    # --- ingesting --------------------------------------------------------------------------

    def add_documents(self, documents: Iterable[ParsedDocument]) -> list[IngestOutcome]:
        """Add parsed documents, each written and indexed on its own (its piece, its rows):
        the cost of a document, whatever the size of the library. An unchanged document
        changes nothing."""
        outcomes: list[IngestOutcome] = []
        with self._writing():
            user = self._user_records()
            for document in documents:
                outcome, piece = self._add_document(document)
                outcomes.append(outcome)
                if piece is not None:
                    self._pieces.write(piece)
                    self.index.replace_documents([], [piece], user, self._pieces_stamp())
        return outcomes

    def _add_document(self, parsed: ParsedDocument) -> tuple[IngestOutcome, Piece | None]:
        key = parsed.file_name.casefold()
        document_id = stable_id("d", key)
        existing = self.index.document(document_id)
        if existing and existing["sha256"] == parsed.sha256:
            outcome = IngestOutcome(
                parsed.file_name, "unchanged", len(existing["meeting_ids"]), existing["sections"]
            )
            return outcome, None
        twin = self.index.document_with_content(parsed.sha256)
        if twin and twin["id"] != document_id:
            detail = f"same content as {twin['file']}, already in the library"
            return IngestOutcome(parsed.file_name, "duplicate", detail=detail), None
        meetings, sections = _records(parsed, document_id, key, lambda i: self.index.id_taken(i, document_id))
        detail = ""
        if existing:
            old_ids = set(self.index.section_ids_of(document_id))
            new_ids = {s["id"] for s in sections}
            lost = [
                e for e in self._user.table("section_edits").all() if e["section_id"] in old_ids - new_ids
            ]
            if lost:
                detail = (
                    f"{len(lost)} of your section edits belong to sections no longer in this "
                    "version; they are kept in case the section comes back"
                )
        record = {
            "id": document_id,
            "key": key,
            "file": parsed.file_name,
            "path": parsed.path,
            "kind": parsed.kind,
            "sha256": parsed.sha256,
            "size": parsed.size,
            "page_count": parsed.page_count,
            "meeting_ids": [m["id"] for m in meetings],
            "sections": len(sections),
            "ingested_at": _now(),
        }
        status = "updated" if existing else "added"
        outcome = IngestOutcome(parsed.file_name, status, len(meetings), len(sections), detail)
        return outcome, Piece(record, meetings, sections)

    def mark_seeded(self) -> None:
        with self._writing():
            self._record_seeded()
        self.index.set_stamp(**self._user_stamp(), seeded="1")

    def _record_seeded(self) -> None:
        """In user.json's meta: the sample reports were put in once (not again if removed)."""
        self._record_in_meta(seeded=True)

    def _record_in_meta(self, **fields: Any) -> None:
        meta = self._user.table("meta")
        for document in meta.all():
            if "schema" in document:
                meta.update(fields, doc_ids=[document.doc_id])

    # --- merging another library (a library archive) -----------------------------------------

    def merge_records(
        self,
        content: dict[str, list[dict[str, Any]]],
        user: dict[str, list[dict[str, Any]]],
        choose_packs: Callable[[list[dict], list[dict]], tuple[list[dict], int]] | None = None,
        place_source: Callable[[dict[str, Any]], str | None] | None = None,
    ) -> MergeOutcome:
        """Merge another library's records (already validated) in one write; never change or
        remove a local record. `content`: its documents, meetings and sections; `user`: its
        section_edits, meeting_edits, not_duplicates, packs and pack_builds.

        A document whose content (sha256) is here already is skipped; one with the same
        file name but other content keeps the local version (reported in `conflicts`); the
        others are added with their meetings and sections, under the same ids. An edit is
        added where the library has none for that section or meeting: local edits win.
        `choose_packs(local, incoming)` says which pack records to add (and how many were
        renamed); `place_source(document)` may copy the document's original file and give
        its new path, given a function to call with a file's path before creating it.
        Nothing is written when nothing is new.

        One commit (see `journal`): a kill or failure at any moment leaves the library as it
        was, or with all of it merged."""
        outcome = MergeOutcome()
        journal = self._journal
        placed = None if place_source is None else partial(place_source, before_create=journal.add)
        with self._writing():
            try:
                pieces = merge_documents(
                    self.index.documents(), self.index.ids_in_use(), content, outcome, placed
                )
                merge_user_records(self._user.table, user, outcome, choose_packs)
                for piece in pieces:
                    journal.add(self._pieces.path(piece_name(piece.document["id"])))
                    self._pieces.write(piece)
                if journal.change is not None:
                    self._record_in_meta(change=journal.change)
                self._user.commit()  # the commit point
            except BaseException:
                self._user.rollback()
                self._undo_unfinished_change()
                raise
            journal.end()
        user_records = self._user_records()
        if pieces:
            self.index.replace_documents([], pieces, user_records, self._pieces_stamp())
        if not self._index_is_current():  # edits of documents here before, too
            self.index.apply_user(user_records, self._stamp())
        return outcome

    # --- user edits -------------------------------------------------------------------------

    def set_section_themes(
        self, section_id: str, add: Iterable[str] = (), remove: Iterable[str] = (), known: Iterable[str] = ()
    ) -> Section:
        """Add or remove themes of a section; the choice outlives re-ingesting."""
        add, remove, known = list(add), list(remove), set(known)
        if known:
            check_theme_ids(add + remove, known)
        self.section(section_id)
        auto = {t["id"] for t in self.index.section_record(section_id)["themes"]}
        with self._writing():
            edit = self._section_edit(section_id)
            added = [t for t in edit.get("themes_added", []) if t not in remove]
            removed = [t for t in edit.get("themes_removed", []) if t not in add]
            added += [t for t in add if t not in added and t not in auto]
            removed += [t for t in remove if t not in removed and t in auto]
            edit = self._save_section_edit(section_id, themes_added=added, themes_removed=removed)
        self.index.set_section_edit(section_id, edit, self._stamp())
        return self.section(section_id)

    def set_section_heading(self, section_id: str, heading: str | None) -> Section:
        heading = (heading or "").strip() or None
        self.section(section_id)
        with self._writing():
            edit = self._save_section_edit(section_id, heading=heading)
        self.index.set_section_edit(section_id, edit, self._stamp())
        return self.section(section_id)

    def set_section_note(self, section_id: str, note: str) -> Section:
        self.section(section_id)
        with self._writing():
            edit = self._save_section_edit(section_id, note=note.strip())
        self.index.set_section_edit(section_id, edit, self._stamp())
        return self.section(section_id)

    def update_meeting(self, meeting_id: str, **values: Any) -> Meeting:
        """Correct a meeting's details. A value of None clears the user's correction."""
        unknown = [name for name in values if name not in MEETING_FIELDS]
        if unknown:
            raise UsageError(f"a meeting has no field '{unknown[0]}'; use one of {', '.join(MEETING_FIELDS)}")
        self.meeting(meeting_id)
        record = self.index.meeting_record(meeting_id)
        with self._writing():
            table = self._user.table("meeting_edits")
            edit = table.get(Query().meeting_id == meeting_id)
            fields = dict(edit["fields"]) if edit else {}
            for name, value in values.items():
                if value is None:
                    fields.pop(name, None)
                else:
                    fields[name] = value
            for name in ("start_date", "end_date"):
                if values.get(name) is not None:
                    fields[name] = check_date(str(values[name]))
            check_range(
                fields.get("start_date", record.get("start_date")),
                fields.get("end_date", record.get("end_date")),
            )
            saved = {"meeting_id": meeting_id, "fields": fields, "updated_at": _now()}
            table.upsert(saved, Query().meeting_id == meeting_id)
        self.index.set_meeting_edit(meeting_id, saved, self._stamp())
        return self.meeting(meeting_id)

    def mark_not_duplicate(self, section_id: str, other_id: str, not_duplicate: bool = True) -> None:
        """Say that two sections the library grouped as near-duplicates are not (or are again)."""
        self.section(section_id)
        self.section(other_id)
        pair = sorted([section_id, other_id])
        with self._writing():
            table = self._user.table("not_duplicates")
            match = (Query().a == pair[0]) & (Query().b == pair[1])
            if not_duplicate:
                table.upsert({"a": pair[0], "b": pair[1], "updated_at": _now()}, match)
            else:
                table.remove(match)
        self.index.set_not_duplicates(self._user_records()["not_duplicates"], self._stamp())

    # --- packs ------------------------------------------------------------------------------
    # Stored as plain records in user.json (the packs module owns their form); the index
    # does not hold them, so saving one only moves the index's stamp forward.

    def pack_records(self) -> list[dict[str, Any]]:
        with LibraryLock(self.folder):
            self._user.load_if_changed()
            return [dict(record) for record in self._user.table("packs").all()]

    def save_pack_record(self, record: dict[str, Any]) -> None:
        with self._writing():
            self._user.table("packs").upsert({**record, "updated_at": _now()}, Query().id == record["id"])
        self.index.set_stamp(**self._stamp())

    def delete_pack_record(self, pack_id: str) -> bool:
        with self._writing():
            removed = self._user.table("packs").remove(Query().id == pack_id)
            self._user.table("pack_builds").remove(Query().pack_id == pack_id)
        self.index.set_stamp(**self._stamp())
        return bool(removed)

    def last_build(self, pack_id: str) -> dict[str, Any] | None:
        """What the pack's previous build held (section ids, when), to report what is new."""
        with LibraryLock(self.folder):
            self._user.load_if_changed()
            record = self._user.table("pack_builds").get(Query().pack_id == pack_id)
        return dict(record) if record else None

    def record_build(self, pack_id: str, section_ids: list[str], entry: dict[str, Any] | None = None) -> None:
        """Remember a build: what it held (to tell what is new at the next one) and, with
        `entry` (template, format, file, sha256, pages, final), a line in its list of
        versions, newest last, the last BUILDS_KEPT kept."""
        with self._writing():
            table = self._user.table("pack_builds")
            old = table.get(Query().pack_id == pack_id) or {}
            history = list(old.get("history", []))
            now = _now()
            if entry is not None:
                history = [*history, {**entry, "built_at": now}][-BUILDS_KEPT:]
            table.upsert(
                {"pack_id": pack_id, "section_ids": section_ids, "built_at": now, "history": history},
                Query().pack_id == pack_id,
            )
        self.index.set_stamp(**self._stamp())

    def builds(self, pack_id: str) -> list[dict[str, Any]]:
        """The pack's builds, oldest first: when, template, format, file, checksum, pages."""
        record = self.last_build(pack_id)
        return list(record.get("history", [])) if record else []

    def _section_edit(self, section_id: str) -> dict[str, Any]:
        edit = self._user.table("section_edits").get(Query().section_id == section_id)
        return dict(edit) if edit else {}

    def _save_section_edit(self, section_id: str, **changes: Any) -> dict[str, Any]:
        edit = self._section_edit(section_id)
        edit.update(changes, section_id=section_id, updated_at=_now())
        self._user.table("section_edits").upsert(edit, Query().section_id == section_id)
        return edit


def _same_file(path: Path, sha256: str | None) -> bool:
    try:
        return path.is_file() and file_sha256(path) == sha256
    except OSError:
        return False


BUILDS_KEPT = 200  # builds listed per pack: years of a pack's versions


def _gaps_record(section: ParsedSection) -> list[list[int]]:
    """Where the section's source lost text, as the record keeps it: each gap in its text."""
    lengths = [len(paragraph) for paragraph in section.paragraphs]
    return [
        [paragraph, offset, length]
        for paragraph, offset, length in section.gaps
        if 0 <= paragraph < len(lengths) and 0 <= offset and offset + length <= lengths[paragraph]
    ]


def _pages_record(section: ParsedSection) -> list[int]:
    """Each paragraph's first page: known for every paragraph, or [] (none said)."""
    pages = section.pages
    if len(pages) != len(section.paragraphs) or any(page is None or page < 1 for page in pages):
        return []
    return [int(page) for page in pages]


def _records_of(data: dict[str, Any], table: str) -> list[dict[str, Any]]:
    return list(data.get(table, {}).values())


# --- records <-> models ---------------------------------------------------------------------


def _unique_id(prefix: str, parts: tuple[str, ...], length: int, taken: Callable[[str], bool]) -> str:
    """The short stable id, or, when another document has it already (hashes of 8 or 10 hex
    digits meet by chance in libraries of 100,000 sections), the same made twice as long."""
    short = stable_id(prefix, *parts, length=length)
    return stable_id(prefix, *parts, length=2 * length) if taken(short) else short


def _records(
    parsed: ParsedDocument, document_id: str, key: str, taken: Callable[[str], bool] = lambda _: False
) -> tuple[list[dict], list[dict]]:
    meetings: list[dict[str, Any]] = []
    sections: list[dict[str, Any]] = []
    for meeting in parsed.meetings:
        meeting_id = _unique_id("m", (key, meeting.key), 8, taken)
        meta = meeting.metadata
        meetings.append(
            {
                "id": meeting_id,
                "document_id": document_id,
                "key": meeting.key,
                "title": meta.title,
                "organizers": list(meta.organizers),
                "city": meta.city,
                "country": meta.country,
                "start_date": meta.start_date,
                "end_date": meta.end_date,
                "symbol": meta.symbol,
                "evidence": dict(meta.evidence),
                "source": {
                    "file": parsed.file_name,
                    "line_start": meeting.line_start,
                    "line_end": meeting.line_end,
                },
            }
        )
        for section in meeting.sections:
            sections.append(
                {
                    "id": _unique_id("s", (meeting_id, section.key), 10, taken),
                    "document_id": document_id,
                    "meeting_id": meeting_id,
                    "ordinal": len(sections),
                    "key": section.key,
                    "level": section.level,
                    "heading": section.heading,
                    "title": section.title,
                    "number": section.number,
                    "path": list(section.path),
                    "kind": section.kind,
                    "text": section.text,
                    "paragraph_numbers": list(section.paragraph_numbers),
                    "notes": [{"number": n.number, "text": n.text} for n in section.notes],
                    "gaps": _gaps_record(section),
                    "paragraph_pages": _pages_record(section),
                    "tables": [
                        {"paragraph": t.paragraph, "rows": [[str(cell) for cell in row] for row in t.rows]}
                        for t in section.tables
                    ],
                    "themes": [
                        {"id": t.theme, "score": t.score, "evidence": list(t.evidence)}
                        for t in section.themes
                    ],
                    "source": {
                        "file": parsed.file_name,
                        "line_start": section.line_start,
                        "line_end": section.line_end,
                        "page_start": section.page_start,
                        "page_end": section.page_end,
                    },
                }
            )
    return meetings, sections
