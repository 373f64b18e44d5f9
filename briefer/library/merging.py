"""Another library's records merged into this one's tables (an archive's import): never
changing or removing a local record. `Library.merge_records` runs both in one change."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tinydb.table import Table

from briefer.library.pieces import Piece

Tables = Callable[[str], Table]  # a store's table by name


@dataclass(slots=True)
class MergeOutcome:
    """What `Library.merge_records` did."""

    added: tuple[list, list, list] = field(
        default_factory=lambda: ([], [], [])
    )  # documents, meetings, sections
    documents_skipped: int = 0  # the same content is here already
    conflicts: list[dict] = field(default_factory=list)  # same file name, other content: the local one kept
    edits_added: int = 0
    edits_kept_local: int = 0  # an edit of the same section or meeting here too, and different
    marks_added: int = 0
    packs_added: int = 0
    packs_renamed: int = 0  # added with a new id: a different pack had the same id here


def _without_time(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in ("updated_at", "built_at")}


def merge_documents(
    local: list[dict[str, Any]],
    ids_in_use: set[str],
    content: dict[str, list[dict[str, Any]]],
    outcome: MergeOutcome,
    place_source: Callable[[dict[str, Any]], str | None] | None = None,
) -> list[Piece]:
    """The documents to add, with their meetings and sections, given the `local` document
    records and the meeting and section ids in use: one whose content (sha256) is here is
    skipped, one with a local file name or ids but other content is a conflict (kept
    local); `place_source(document)` may copy its original file (a conflict's too, beside the
    local one) and give its new path."""
    shas = {d["sha256"] for d in local}
    keys = {d["key"] for d in local}
    taken = set(ids_in_use)
    pieces = []
    meetings_of: dict[str, list[dict]] = {}
    sections_of: dict[str, list[dict]] = {}
    for name, grouped in (("meetings", meetings_of), ("sections", sections_of)):
        for row in content.get(name, []):
            grouped.setdefault(row["document_id"], []).append(row)
    for record in content.get("documents", []):
        if record["sha256"] in shas:
            outcome.documents_skipped += 1
            continue
        meetings, sections = meetings_of.get(record["id"], []), sections_of.get(record["id"], [])
        if record["key"] in keys or taken & {r["id"] for r in meetings + sections}:
            outcome.conflicts.append(dict(record))
            if place_source is not None:  # their version, for the user to ingest if wanted
                place_source(record)
            continue
        record = dict(record)
        if place_source is not None:
            record["path"] = place_source(record) or record.get("path")
        pieces.append(Piece(record, meetings, sections))
        shas.add(record["sha256"])
        keys.add(record["key"])
        taken |= {r["id"] for r in meetings + sections}
        outcome.added[0].append(record)
        outcome.added[1].extend(meetings)
        outcome.added[2].extend(sections)
    return pieces


def merge_user_records(
    tables: Tables,
    user: dict[str, list[dict[str, Any]]],
    outcome: MergeOutcome,
    choose_packs: Callable[[list[dict], list[dict]], tuple[list[dict], int]] | None = None,
) -> None:
    """Edits where the library has none for that section or meeting (local edits win),
    not-a-duplicate marks, and the packs `choose_packs(local, incoming)` picks, with their
    builds."""
    for name, id_field in (("section_edits", "section_id"), ("meeting_edits", "meeting_id")):
        stored = {e[id_field]: e for e in tables(name).all()}
        for edit in user.get(name, []):
            mine = stored.get(edit[id_field])
            if mine is None:
                tables(name).insert(dict(edit))
                stored[edit[id_field]] = edit
                outcome.edits_added += 1
            elif _without_time(mine) != _without_time(edit):
                outcome.edits_kept_local += 1
    marks = tables("not_duplicates")
    pairs = {(m["a"], m["b"]) for m in marks.all()}
    for mark in user.get("not_duplicates", []):
        pair = tuple(sorted([mark["a"], mark["b"]]))
        if pair not in pairs:
            marks.insert({**mark, "a": pair[0], "b": pair[1]})
            pairs.add(pair)
            outcome.marks_added += 1
    if choose_packs is not None:
        packs = tables("packs")
        local_ids = {p.get("id") for p in packs.all()}
        chosen, outcome.packs_renamed = choose_packs(packs.all(), user.get("packs", []))
        for pack in chosen:
            packs.insert(dict(pack))
        outcome.packs_added = len(chosen)
        builds = tables("pack_builds")
        built = {b["pack_id"] for b in builds.all()}
        added_ids = {p["id"] for p in chosen} - local_ids
        for build in user.get("pack_builds", []):
            if build["pack_id"] in added_ids and build["pack_id"] not in built:
                builds.insert(dict(build))
                built.add(build["pack_id"])
