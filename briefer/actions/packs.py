"""Packs kept in the library, and pack files: save, list, open, copy, export, import."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from briefer.actions.outputs import check_target
from briefer.atomic import replacing
from briefer.errors import NotFoundError, UsageError
from briefer.library.repository import Library
from briefer.library.search_sql import SectionFilter
from briefer.packs.importing import packs_to_add, stored, without_ids
from briefer.packs.model import MeetingDetails, Pack, SavedSearch

PACK_SUFFIX = ".briefer-pack.json"
PACK_FILE_LIMIT = 20_000_000  # bytes; a real pack file is a few kilobytes


def save_pack(library: Library, pack: Pack) -> Pack:
    library.save_pack_record(pack.checked().to_json())
    return pack


def list_packs(library: Library) -> list[Pack]:
    """The library's packs, the most recently saved first."""
    records = sorted(library.pack_records(), key=lambda r: r.get("updated_at", ""), reverse=True)
    return [Pack.from_json(stored(r), f"pack '{r.get('title')}' in the library") for r in records]


def load_pack(library: Library, pack_id: str) -> Pack:
    for record in library.pack_records():
        if record.get("id") == pack_id:
            return Pack.from_json(stored(record), f"pack '{record.get('title')}' in the library")
    raise NotFoundError(f"no pack with id '{pack_id}' in the library; 'briefer packs' lists them")


def delete_pack(library: Library, pack_id: str) -> None:
    if not library.delete_pack_record(pack_id):
        raise NotFoundError(f"no pack with id '{pack_id}' in the library; 'briefer packs' lists them")


def duplicate_pack(
    library: Library,
    pack_id: str,
    title: str | None = None,
    meeting: MeetingDetails | None = None,
    contents: bool = True,
    date: str | None = None,
) -> Pack:
    """A copy to start the next session's pack from (see `Pack.copy`); the original is unchanged."""
    return save_pack(library, load_pack(library, pack_id).copy(title, meeting, contents, date))


def export_pack(pack: Pack, path: Path, library_folder: Path | None = None, replace: bool = False) -> Path:
    """Write `pack` to a file (see `outputs.check_target` for where, and over what)."""
    path = Path(path)
    check_target(path, library_folder, replace)
    if not path.parent.is_dir():
        raise UsageError(f"{path.parent}: the folder does not exist; create it or choose another")
    data = json.dumps(pack.to_json(), ensure_ascii=False, indent=2) + "\n"
    try:
        with replacing(path) as temporary:
            temporary.write_text(data, encoding="utf-8")
    except OSError as error:
        raise UsageError(
            f"{path}: the pack cannot be written ({error.strerror}); choose another place"
        ) from None
    return path


def read_pack_file(path: Path) -> Pack:
    """A pack from a file; errors name the file and what is wrong with it."""
    path = Path(path)
    raw = _pack_bytes(path)
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise UsageError(
            f"{path}: not a pack file (it is not valid JSON: {error}); export packs from Briefer to share them"
        ) from None
    except RecursionError:  # the JSON reader's own limit on nesting
        raise UsageError(f"{path}: not a pack file (its data is nested too deeply)") from None
    return Pack.from_json(data, str(path))


def _pack_bytes(path: Path) -> bytes:
    """The file's bytes, if it is a regular file of at most PACK_FILE_LIMIT: a device
    (/dev/zero) would be read until memory runs out, a FIFO would wait for ever. Opened
    without waiting and checked on the open file, so nothing can be swapped in between."""
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise UsageError(f"{path}: no such pack file; check the path") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a folder; give the pack file inside it") from None
    except OSError as error:
        raise UsageError(f"{path}: the pack file cannot be read ({error.strerror})") from None
    mode = os.fstat(handle).st_mode
    if not stat.S_ISREG(mode):
        os.close(handle)
        if stat.S_ISDIR(mode):
            raise UsageError(f"{path}: is a folder; give the pack file inside it")
        raise UsageError(f"{path}: not a pack file (it is a device or a pipe, not a file)")
    with os.fdopen(handle, "rb") as file:
        try:
            raw = file.read(PACK_FILE_LIMIT + 1)
        except OSError as error:
            raise UsageError(f"{path}: the pack file cannot be read ({error.strerror})") from None
    if len(raw) > PACK_FILE_LIMIT:
        raise UsageError(
            f"{path}: not a pack file (over {PACK_FILE_LIMIT // 1_000_000} MB; a pack file is a few kilobytes)"
        )
    return raw


def import_pack(library: Library, path: Path) -> Pack:
    """Add a pack file to the library, by the rule of `briefer.packs.importing`: a pack
    already here with other content is kept, the import gets a new id (once: importing the
    same file again adds nothing)."""
    pack = read_pack_file(path)
    chosen, _ = packs_to_add(library.pack_records(), [pack.to_json()])
    if not chosen:
        return _same_content(library, pack)
    return save_pack(library, Pack.from_json(stored(chosen[0])))


def _same_content(library: Library, pack: Pack) -> Pack:
    """The pack already in the library that `pack` matches (same id first)."""
    packs = list_packs(library)
    for candidate in packs:
        if candidate.id == pack.id and candidate.to_json() == pack.to_json():
            return candidate
    wanted = without_ids(pack.to_json())
    return next((p for p in packs if without_ids(p.to_json()) == wanted), pack)


def saved_search(selection: SectionFilter, label: str = "") -> SavedSearch:
    """The search a user has on screen, to keep in a pack: it pulls its matches in at every
    build. Refused when it has no rule (it would pull in the whole library)."""
    search = SavedSearch(
        label=label.strip() or selection.query or "Saved search",
        themes=list(selection.themes),
        all_themes=selection.all_themes,
        meetings=list(selection.meeting_ids or ([selection.meeting_id] if selection.meeting_id else [])),
        date_from=selection.date_from,
        date_to=selection.date_to,
        query=selection.query or "",
    )
    if not (search.themes or search.meetings or search.query or search.date_from or search.date_to):
        raise UsageError("choose themes, meetings, dates or words to search for first: a saved search needs a rule")
    return search
