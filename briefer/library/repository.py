"""The library: a folder holding the sections of every ingested report, and the user's edits.

Two TinyDB files, each written atomically:
- library.json: documents, meetings and sections, written only when documents are ingested;
- user.json: what the user changed (themes, headings, notes, meeting details), written on
  every edit; a small file, so an edit never rewrites the section bodies.

Edits are kept by section and meeting id, and ids come from the document's name and the
section's heading path, so an edit survives re-ingesting a changed document wherever its
section still exists (and is kept, not lost, where it does not).

All writes go through `_writing`: one process at a time (a lock file), reading the
latest files first, committing everything at the end or nothing on error.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB

from briefer.errors import LibraryError, NotFoundError, UsageError
from briefer.ingest.document import ParsedDocument
from briefer.library.migrations import SCHEMA_VERSION, migrate, stored_version
from briefer.library.models import MEETING_FIELDS, Meeting, Section, ThemeTag
from briefer.library.storage import (
    AtomicJSONStorage,
    LibraryLock,
    TransactionMiddleware,
    remove_stale_temporaries,
)

LIBRARY_FILE = "library.json"
USER_FILE = "user.json"


@dataclass(slots=True)
class IngestOutcome:
    file: str
    status: str  # "added", "updated", "unchanged", "duplicate"
    meetings: int = 0
    sections: int = 0
    detail: str = ""


@dataclass(slots=True)
class SectionFilter:
    themes: list[str] = field(default_factory=list)
    all_themes: bool = False  # every theme (True) or any of them (False)
    meeting_id: str | None = None
    date_from: str | None = None  # ISO dates, compared with the meeting's dates
    date_to: str | None = None
    query: str | None = None
    kinds: tuple[str, ...] = ("body", "front_matter", "annex")


def _stable_id(prefix: str, *parts: str, length: int = 10) -> str:
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()
    return prefix + digest[:length]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class _Store:
    """One TinyDB file with transactions."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.middleware = TransactionMiddleware(AtomicJSONStorage)
        self.db = TinyDB(str(path), storage=self.middleware)

    def table(self, name: str):
        return self.db.table(name, cache_size=0)

    def signature(self) -> tuple[int, int, int] | None:
        try:
            info = self.path.stat()
        except FileNotFoundError:
            return None
        return (info.st_mtime_ns, info.st_size, info.st_ino)

    def raw(self) -> dict[str, Any]:
        return self.middleware.read() or {}

    def reload(self) -> None:
        self.middleware.rollback()
        self.db.clear_cache()

    def commit(self) -> None:
        self.middleware.commit()

    def rollback(self) -> None:
        self.reload()


class Library:
    """A library folder. Open with `Library.open(folder)`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._content = _Store(folder / LIBRARY_FILE)
        self._user = _Store(folder / USER_FILE)
        self._signatures: tuple[Any, Any] = (None, None)
        self._meetings: dict[str, Meeting] = {}
        self._sections: dict[str, Section] = {}
        self._documents: list[dict[str, Any]] = []

    # --- opening ----------------------------------------------------------------------------

    @classmethod
    def open(cls, folder: Path) -> Library:
        """Open (or create) the library in `folder`, upgrading old files if needed."""
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
        remove_stale_temporaries(folder)
        library = cls(folder)
        library._migrate_if_needed()
        library._refresh()
        return library

    def _migrate_if_needed(self) -> None:
        stores = [self._content, self._user]
        if all(s.path.exists() and stored_version(s.raw()) == SCHEMA_VERSION for s in stores):
            return
        with LibraryLock(self.folder):
            for store in stores:
                store.reload()
                data = store.raw()
                version = stored_version(data)
                if not migrate(data, str(store.path)):
                    continue
                if store.path.exists():  # keep the old file: an upgrade can be undone
                    shutil.copy2(store.path, store.path.with_name(f"{store.path.name}.v{version}.bak"))
                store.middleware.write(data)
                store.commit()

    def _refresh(self) -> None:
        """Rebuild the in-memory view from the files."""
        self._content.reload()
        self._user.reload()
        self._signatures = (self._content.signature(), self._user.signature())
        section_edits = {e["section_id"]: e for e in self._user.table("section_edits").all()}
        meeting_edits = {e["meeting_id"]: e for e in self._user.table("meeting_edits").all()}
        self._documents = [dict(d) for d in self._content.table("documents").all()]
        self._meetings = {}
        for record in self._content.table("meetings").all():
            meeting = _meeting_from(record, meeting_edits.get(record["id"]))
            self._meetings[meeting.id] = meeting
        self._sections = {}
        for record in sorted(
            self._content.table("sections").all(), key=lambda r: (r["document_id"], r["ordinal"])
        ):
            section = _section_from(record, section_edits.get(record["id"]))
            self._sections[section.id] = section

    def refresh_if_changed(self) -> bool:
        """Re-read the files if another process changed them. True if it did."""
        if (self._content.signature(), self._user.signature()) != self._signatures:
            self._refresh()
            return True
        return False

    @contextmanager
    def _writing(self) -> Iterator[None]:
        with LibraryLock(self.folder):
            self._content.reload()
            self._user.reload()
            try:
                yield
                self._content.commit()
                self._user.commit()
            except BaseException:
                self._content.rollback()
                self._user.rollback()
                raise
            finally:
                self._refresh()

    # --- reading ----------------------------------------------------------------------------

    def is_empty(self) -> bool:
        return not self._documents

    @property
    def seeded(self) -> bool:
        return any(m.get("seeded") for m in self._content.table("meta").all())

    def documents(self) -> list[dict[str, Any]]:
        return [dict(d) for d in self._documents]

    def meetings(self) -> list[Meeting]:
        return sorted(self._meetings.values(), key=lambda m: (m.start_date or "9999", m.label))

    def meeting(self, meeting_id: str) -> Meeting:
        try:
            return self._meetings[meeting_id]
        except KeyError:
            raise NotFoundError(
                f"no meeting with id '{meeting_id}' in the library; 'briefer meetings' lists the ids"
            ) from None

    def section(self, section_id: str) -> Section:
        try:
            return self._sections[section_id]
        except KeyError:
            raise NotFoundError(
                f"no section with id '{section_id}' in the library; 'briefer sections' lists the ids"
            ) from None

    def sections(self, selection: SectionFilter | None = None) -> list[Section]:
        selection = selection or SectionFilter()
        words = [w.casefold() for w in (selection.query or "").split()]
        result = []
        for section in self._sections.values():
            if section.kind not in selection.kinds:
                continue
            if selection.meeting_id and section.meeting_id != selection.meeting_id:
                continue
            if selection.themes:
                have = set(section.theme_ids)
                wanted = set(selection.themes)
                if selection.all_themes and not wanted <= have:
                    continue
                if not selection.all_themes and not wanted & have:
                    continue
            if selection.date_from or selection.date_to:
                meeting = self._meetings.get(section.meeting_id)
                start = meeting.start_date if meeting else None
                end = (meeting.end_date or start) if meeting else None
                if start is None:
                    continue
                if selection.date_from and end < selection.date_from:
                    continue
                if selection.date_to and start > selection.date_to:
                    continue
            if words:
                haystack = f"{section.heading}\n{section.text}".casefold()
                if not all(word in haystack for word in words):
                    continue
            result.append(section)
        return result

    def theme_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for section in self._sections.values():
            for theme in section.theme_ids:
                counts[theme] = counts.get(theme, 0) + 1
        return counts

    # --- ingesting --------------------------------------------------------------------------

    def add_documents(self, documents: Iterable[ParsedDocument]) -> list[IngestOutcome]:
        """Add parsed documents in one write. An unchanged document changes nothing."""
        documents = list(documents)
        outcomes: list[IngestOutcome] = []
        with self._writing():
            for document in documents:
                outcomes.append(self._add_document(document))
        return outcomes

    def _add_document(self, parsed: ParsedDocument) -> IngestOutcome:
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
        document_id = _stable_id("d", key)
        meetings, sections = _records(parsed, document_id, key)
        if existing:
            self._content.table("meetings").remove(Query().document_id == document_id)
            self._content.table("sections").remove(Query().document_id == document_id)
            documents.remove(Query().key == key)
        documents.insert(
            {
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
        )
        self._content.table("meetings").insert_multiple(meetings)
        self._content.table("sections").insert_multiple(sections)
        status = "updated" if existing else "added"
        detail = ""
        if existing:
            new_ids = {s["id"] for s in sections}
            old_edits = [
                e
                for e in self._user.table("section_edits").all()
                if self._sections.get(e["section_id"])
                and self._sections[e["section_id"]].source_file.casefold() == key
            ]
            lost = [e for e in old_edits if e["section_id"] not in new_ids]
            if lost:
                detail = (
                    f"{len(lost)} of your section edits belong to sections no longer in this "
                    "version; they are kept in case the section comes back"
                )
        return IngestOutcome(parsed.file_name, status, len(meetings), len(sections), detail)

    def mark_seeded(self) -> None:
        with self._writing():
            meta = self._content.table("meta")
            for document in meta.all():
                if "schema" in document:
                    meta.update({"seeded": True}, doc_ids=[document.doc_id])

    # --- user edits -------------------------------------------------------------------------

    def set_section_themes(
        self, section_id: str, add: Iterable[str] = (), remove: Iterable[str] = (), known: Iterable[str] = ()
    ) -> Section:
        """Add or remove themes of a section; the choice outlives re-ingesting."""
        add, remove, known = list(add), list(remove), set(known)
        unknown = [t for t in add + remove if known and t not in known]
        if unknown:
            raise UsageError(f"unknown theme '{unknown[0]}'; 'briefer themes' lists the theme ids")
        self.section(section_id)
        with self._writing():
            edit = self._section_edit(section_id)
            added = [t for t in edit.get("themes_added", []) if t not in remove]
            removed = [t for t in edit.get("themes_removed", []) if t not in add]
            auto = {t["id"] for t in self._content.table("sections").get(Query().id == section_id)["themes"]}
            added += [t for t in add if t not in added and t not in auto]
            removed += [t for t in remove if t not in removed and t in auto]
            self._save_section_edit(section_id, themes_added=added, themes_removed=removed)
        return self.section(section_id)

    def set_section_heading(self, section_id: str, heading: str | None) -> Section:
        heading = (heading or "").strip() or None
        self.section(section_id)
        with self._writing():
            self._save_section_edit(section_id, heading=heading)
        return self.section(section_id)

    def set_section_note(self, section_id: str, note: str) -> Section:
        self.section(section_id)
        with self._writing():
            self._save_section_edit(section_id, note=note.strip())
        return self.section(section_id)

    def update_meeting(self, meeting_id: str, **values: Any) -> Meeting:
        """Correct a meeting's details. A value of None clears the user's correction."""
        unknown = [name for name in values if name not in MEETING_FIELDS]
        if unknown:
            raise UsageError(f"a meeting has no field '{unknown[0]}'; use one of {', '.join(MEETING_FIELDS)}")
        self.meeting(meeting_id)
        with self._writing():
            table = self._user.table("meeting_edits")
            edit = table.get(Query().meeting_id == meeting_id)
            fields = dict(edit["fields"]) if edit else {}
            for name, value in values.items():
                if value is None:
                    fields.pop(name, None)
                else:
                    fields[name] = value
            record = self._content.table("meetings").get(Query().id == meeting_id)
            start = fields.get("start_date", record.get("start_date"))
            end = fields.get("end_date", record.get("end_date"))
            if start and end and end < start:
                raise UsageError(f"the end date {end} is before the start date {start}; check the dates")
            table.upsert(
                {"meeting_id": meeting_id, "fields": fields, "updated_at": _now()},
                Query().meeting_id == meeting_id,
            )
        return self.meeting(meeting_id)

    def _section_edit(self, section_id: str) -> dict[str, Any]:
        edit = self._user.table("section_edits").get(Query().section_id == section_id)
        return dict(edit) if edit else {}

    def _save_section_edit(self, section_id: str, **changes: Any) -> None:
        edit = self._section_edit(section_id)
        edit.update(changes, section_id=section_id, updated_at=_now())
        self._user.table("section_edits").upsert(edit, Query().section_id == section_id)


# --- records <-> models ---------------------------------------------------------------------


def _records(parsed: ParsedDocument, document_id: str, key: str) -> tuple[list[dict], list[dict]]:
    meetings: list[dict[str, Any]] = []
    sections: list[dict[str, Any]] = []
    for meeting in parsed.meetings:
        meeting_id = _stable_id("m", key, meeting.key, length=8)
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
                    "id": _stable_id("s", meeting_id, section.key),
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


def _meeting_from(record: dict[str, Any], edit: dict[str, Any] | None) -> Meeting:
    fields = {name: record.get(name) for name in MEETING_FIELDS}
    fields["organizers"] = list(fields["organizers"] or [])
    edited = []
    if edit:
        for name, value in edit["fields"].items():
            fields[name] = value
            edited.append(name)
    return Meeting(
        id=record["id"],
        document_id=record["document_id"],
        source_file=record["source"]["file"],
        line_start=record["source"]["line_start"],
        line_end=record["source"]["line_end"],
        evidence=dict(record.get("evidence", {})),
        edited=edited,
        **fields,
    )


def _section_from(record: dict[str, Any], edit: dict[str, Any] | None) -> Section:
    edit = edit or {}
    removed = set(edit.get("themes_removed", []))
    themes = [ThemeTag(t["id"], list(t["evidence"])) for t in record["themes"] if t["id"] not in removed]
    themes += [ThemeTag(t, [], by_user=True) for t in edit.get("themes_added", [])]
    source = record["source"]
    return Section(
        id=record["id"],
        meeting_id=record["meeting_id"],
        level=record["level"],
        heading=edit.get("heading") or record["heading"],
        title=record["title"],
        number=record["number"],
        path=list(record["path"]),
        kind=record["kind"],
        text=record["text"],
        paragraph_numbers=list(record["paragraph_numbers"]),
        notes=[dict(n) for n in record["notes"]],
        themes=themes,
        source_file=source["file"],
        line_start=source["line_start"],
        line_end=source["line_end"],
        page_start=source["page_start"],
        page_end=source["page_end"],
        note=edit.get("note", ""),
        ordinal=record["ordinal"],
    )
