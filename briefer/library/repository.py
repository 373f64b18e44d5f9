"""The library: a folder holding the sections of every ingested report, and the user's edits.

Two TinyDB files, the store of record, each written atomically:
- library.json: documents, meetings and sections, written only when documents are ingested;
- user.json: what the user changed (themes, headings, notes, meeting details, "not a
  duplicate" marks), written on every edit: a small file, so an edit never rewrites the
  section bodies.
Beside them, index.sqlite3 (see `index`): derived from the two, rebuilt when missing,
stale or damaged, and the way every read is answered, so that opening and searching a
library of 50,000 sections needs no parsing of library.json.

Edits are kept by section and meeting id, and ids come from the document's name and the
section's heading path, so an edit survives re-ingesting a changed document wherever its
section still exists (and is kept, not lost, where it does not).

All writes go through `_writing`: one process at a time (a lock file), reading the
latest files first, committing everything at the end or nothing on error.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB
from tinydb.table import Table

from briefer.atomic import remove_leftovers
from briefer.date_checks import check_date, check_range
from briefer.errors import LibraryDamagedError, LibraryError, NotFoundError, RestoreNotice, UsageError
from briefer.ingest.document import ParsedDocument
from briefer.ingest.themes import check_theme_ids
from briefer.library.index import INDEX_FILE, SearchIndex, SearchResult, SectionFilter
from briefer.library.merging import MergeOutcome, merge_documents, merge_user_records
from briefer.library.migrations import SCHEMA_VERSION, migrate, set_version, stored_version
from briefer.library.models import MEETING_FIELDS, Meeting, Section
from briefer.library.storage import (
    AtomicJSONStorage,
    LibraryLock,
    TransactionMiddleware,
    backup_folder,
    file_signature,
    restore_newest_backup,
)

LIBRARY_FILE = "library.json"
USER_FILE = "user.json"
USER_TABLES = ("section_edits", "meeting_edits", "not_duplicates")


@dataclass(slots=True)
class IngestOutcome:
    file: str
    status: str  # "added", "updated", "unchanged", "duplicate"
    meetings: int = 0
    sections: int = 0
    detail: str = ""


def stable_id(prefix: str, *parts: str, length: int = 10) -> str:
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()
    return prefix + digest[:length]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class _Store:
    """One TinyDB file with transactions, parsed only when it is needed and has changed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.middleware = TransactionMiddleware(AtomicJSONStorage)
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
                self.restored.append(restore_newest_backup(self.path, damage))
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
        self._content = _Store(folder / LIBRARY_FILE)
        self._user = _Store(folder / USER_FILE)
        self.index = SearchIndex(folder / INDEX_FILE)

    # --- opening ----------------------------------------------------------------------------

    @classmethod
    def open(cls, folder: Path) -> Library:
        """Open (or create) the library in `folder`: upgrade old files, update the index."""
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
        if backup_folder(folder / LIBRARY_FILE).is_dir():
            remove_leftovers(backup_folder(folder / LIBRARY_FILE))
        library = cls(folder)
        library.refresh_if_changed()
        return library

    @property
    def restored(self) -> list[RestoreNotice]:
        """Library files found damaged and replaced by their newest good backup since this
        library was opened: the user must be told (the CLI prints them, the app shows them)."""
        return self._content.restored + self._user.restored

    def _stamp(self) -> dict[str, str]:
        """What the index records to know it is up to date: each file's signature (cheap to
        compare) and its content's digest (which decides when the signature differs)."""
        recorded = self.index.stamp()
        stamp = {"schema": str(SCHEMA_VERSION)}
        for key, store in (("library", self._content), ("user", self._user)):
            signature = stamp[key] = store.signature()
            known = recorded.get(f"{key}_digest") if recorded.get(key) == signature else None
            stamp[f"{key}_digest"] = known or store.digest()  # a file not changed is not read again
        return stamp

    def _indexed(self, key: str, stamp: dict[str, str]) -> bool:
        """Whether the index holds the file `key` ("library" or "user") as it is: the same
        signature, or the same content under new file times (a copied or restored folder:
        the index is told the new signature instead of being rebuilt). Under the lock."""
        store = self._content if key == "library" else self._user
        signature = store.signature()
        if stamp.get(key) == signature:
            return True
        if stamp.get(f"{key}_digest") != store.digest():
            return False
        self.index.set_stamp(**{key: signature})
        return True

    def refresh_if_changed(self) -> bool:
        """Bring the index up to date with the files (another process may have written
        them). True if anything had changed. Cheap when nothing has."""
        if self._index_is_current():
            if "library_digest" not in self.index.stamp():  # an index made before digests
                with LibraryLock(self.folder):
                    self.index.set_stamp(**self._stamp())
            return False
        with LibraryLock(self.folder):
            self._update_index()
        return True

    def stored_files(self) -> dict[str, bytes]:
        """The files of record as stored, at the current schema, read together under the
        lock (a consistent pair, for an archive)."""
        with LibraryLock(self.folder):
            self._update_index()
            return {name: (self.folder / name).read_bytes() for name in (LIBRARY_FILE, USER_FILE)}

    def _index_is_current(self) -> bool:
        """By the files' signatures alone: cheap, and nothing is read."""
        stamp = self.index.stamp()
        return (
            stamp.get("schema") == str(SCHEMA_VERSION)
            and stamp.get("library") == self._content.signature()
            and stamp.get("user") == self._user.signature()
        )

    def _update_index(self) -> None:
        """Under the lock: migrate old files, then rebuild the index or replay the edits."""
        if self._index_is_current():
            return  # nothing to do, and library.json need not be read
        stamp = self.index.stamp()
        if stamp.get("schema") == str(SCHEMA_VERSION) and all(
            [self._indexed("library", stamp), self._indexed("user", stamp)]
        ):
            return  # the same content under new file times (a copied or restored folder)
        self._migrate_if_needed()
        stamp, current = self.index.stamp(), self._stamp()
        if not self._indexed("library", stamp) or stamp.get("schema") != current["schema"]:
            self._content.load_if_changed()
            self._user.load_if_changed()
            content = self._content.raw()
            self.index.rebuild(
                _records_of(content, "documents"),
                _records_of(content, "meetings"),
                _records_of(content, "sections"),
                self._user_records(),
                {**current, "seeded": "1" if _seeded(content) else ""},
            )
        elif not self._indexed("user", stamp):
            self._user.load_if_changed()
            self.index.apply_user(self._user_records(), current)

    def _user_records(self) -> dict[str, list[dict]]:
        data = self._user.raw()
        return {name: _records_of(data, name) for name in USER_TABLES}

    def _migrate_if_needed(self) -> None:
        for store in (self._content, self._user):
            if not store.path.exists():  # a new library: its files start at this schema
                store.load_if_changed()
                data = store.raw()
                set_version(data, SCHEMA_VERSION)
                store.middleware.write(data)
                store.commit()
                continue
            store.load_if_changed()
            data = store.raw()
            version = stored_version(data)
            if not migrate(data, str(store.path)):
                continue
            shutil.copy2(store.path, store.path.with_name(f"{store.path.name}.v{version}.bak"))
            store.middleware.write(data)  # kept: an upgrade can be undone from the copy
            store.commit()

    @contextmanager
    def _writing(self, content: bool = False) -> Iterator[None]:
        """One change: under the lock, on the latest files, all or nothing. `content` when
        the change needs library.json (ingesting); edits need user.json only."""
        with LibraryLock(self.folder):
            self._update_index()
            restored = len(self.restored)
            if content:
                self._content.load_if_changed()
            self._user.load_if_changed()
            if len(self.restored) != restored:  # a file found damaged only now: index it as restored
                self._update_index()
            try:
                yield
                self._content.commit()
                self._user.commit()
            except BaseException:
                self._content.rollback()
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

    def meetings(self) -> list[Meeting]:
        return sorted(self.index.meetings(), key=lambda m: (m.start_date or "9999", m.label))

    def meeting(self, meeting_id: str) -> Meeting:
        meeting = self.index.meeting(meeting_id)
        if meeting is None:
            raise NotFoundError(
                f"no meeting with id '{meeting_id}' in the library; 'briefer meetings' lists the ids"
            )
        return meeting

    def section(self, section_id: str) -> Section:
        section = self.index.section(section_id)
        if section is None:
            raise NotFoundError(
                f"no section with id '{section_id}' in the library; 'briefer sections' lists the ids"
            )
        return section

    def search(
        self, selection: SectionFilter | None = None, limit: int | None = None, offset: int = 0
    ) -> SearchResult:
        """Ranked, filtered sections with snippets, near-duplicates and facet counts."""
        return self.index.search(selection or SectionFilter(), limit=limit, offset=offset)

    def sections(self, selection: SectionFilter | None = None) -> list[Section]:
        return [hit.section for hit in self.index.search(selection or SectionFilter(), facets=False).hits]

    def theme_counts(self) -> dict[str, int]:
        return self.index.search(SectionFilter(), limit=0).theme_counts

    def duplicates_of(self, section_id: str) -> list[str]:
        self.section(section_id)
        return self.index.duplicates_of(section_id)

    # --- ingesting --------------------------------------------------------------------------

    def add_documents(self, documents: Iterable[ParsedDocument]) -> list[IngestOutcome]:
        """Add parsed documents in one write. An unchanged document changes nothing."""
        documents = list(documents)
        outcomes: list[IngestOutcome] = []
        removed: list[str] = []
        added: tuple[list, list, list] = ([], [], [])
        with self._writing(content=True):
            for document in documents:
                outcomes.append(self._add_document(document, removed, added))
        if removed or added[0]:
            self.index.replace_documents(removed, *added, self._user_records(), self._stamp())
        return outcomes

    def _add_document(
        self, parsed: ParsedDocument, removed: list[str], added: tuple[list, list, list]
    ) -> IngestOutcome:
        documents = self._content.table("documents")
        key = parsed.file_name.casefold()
        existing = documents.get(Query().key == key)
        if existing and existing["sha256"] == parsed.sha256:
            return IngestOutcome(
                parsed.file_name, "unchanged", len(existing["meeting_ids"]), existing["sections"]
            )
        twin = documents.get((Query().sha256 == parsed.sha256) & (Query().key != key))
        if twin:
            return IngestOutcome(
                parsed.file_name,
                "duplicate",
                detail=f"same content as {twin['file']}, already in the library",
            )
        document_id = stable_id("d", key)
        meetings, sections = _records(parsed, document_id, key)
        detail = ""
        if existing:
            self._content.table("meetings").remove(Query().document_id == document_id)
            self._content.table("sections").remove(Query().document_id == document_id)
            documents.remove(Query().key == key)
            removed.append(document_id)
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
        documents.insert(record)
        self._content.table("meetings").insert_multiple(meetings)
        self._content.table("sections").insert_multiple(sections)
        added[0].append(record)
        added[1].extend(meetings)
        added[2].extend(sections)
        status = "updated" if existing else "added"
        return IngestOutcome(parsed.file_name, status, len(meetings), len(sections), detail)

    def mark_seeded(self) -> None:
        with self._writing(content=True):
            meta = self._content.table("meta")
            for document in meta.all():
                if "schema" in document:
                    meta.update({"seeded": True}, doc_ids=[document.doc_id])
        self.index.set_stamp(**self._stamp(), seeded="1")

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
        its new path. Nothing is written when nothing is new."""
        outcome = MergeOutcome()
        with self._writing(content=True):
            merge_documents(self._content.table, content, outcome, place_source)
            merge_user_records(self._user.table, user, outcome, choose_packs)
        if outcome.added[0]:
            self.index.replace_documents([], *outcome.added, self._user_records(), self._stamp())
        elif not self._index_is_current():
            self.index.apply_user(self._user_records(), self._stamp())
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

    def record_build(self, pack_id: str, section_ids: list[str]) -> None:
        with self._writing():
            self._user.table("pack_builds").upsert(
                {"pack_id": pack_id, "section_ids": section_ids, "built_at": _now()},
                Query().pack_id == pack_id,
            )
        self.index.set_stamp(**self._stamp())

    def _section_edit(self, section_id: str) -> dict[str, Any]:
        edit = self._user.table("section_edits").get(Query().section_id == section_id)
        return dict(edit) if edit else {}

    def _save_section_edit(self, section_id: str, **changes: Any) -> dict[str, Any]:
        edit = self._section_edit(section_id)
        edit.update(changes, section_id=section_id, updated_at=_now())
        self._user.table("section_edits").upsert(edit, Query().section_id == section_id)
        return edit


def _records_of(data: dict[str, Any], table: str) -> list[dict[str, Any]]:
    return list(data.get(table, {}).values())


def _seeded(content: dict[str, Any]) -> bool:
    return any(m.get("seeded") for m in content.get("meta", {}).values())


# --- records <-> models ---------------------------------------------------------------------


def _records(parsed: ParsedDocument, document_id: str, key: str) -> tuple[list[dict], list[dict]]:
    meetings: list[dict[str, Any]] = []
    sections: list[dict[str, Any]] = []
    for meeting in parsed.meetings:
        meeting_id = stable_id("m", key, meeting.key, length=8)
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
                    "id": stable_id("s", meeting_id, section.key),
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
