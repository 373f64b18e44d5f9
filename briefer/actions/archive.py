"""A whole library as one file, to hand to a colleague or take to a second laptop.

`export_archive` writes a zip (`NAME.briefer-library.zip`): `manifest.json` (format, version,
counts, the original files it could not include), `library.json` and `user.json` as stored,
and `sources/FILE` for each document whose original file is still where it was ingested from
and unchanged.

`import_archive` merges one into a library without duplicating anything, and treats the
archive as untrusted: it is checked in full before anything is written (member names that
are plain and expected only: no absolute paths, `..`, backslashes, drive letters or links;
sizes and compression ratios that rule out zip bombs; plain JSON, never code), then merged
in one write (`Library.merge_records`): a document already here (same content) is skipped,
one with the same file name but other content keeps the local version (reported; its
original file is copied to `sources/` so it can be ingested by hand), local edits win over
the archive's, packs follow `briefer.packs.importing` (same id and content: skipped;
same id, other content: added with a new id, once). Original files go to `LIBRARY/sources/` under their
plain name, never over a different file. Importing the same archive again changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import lzma
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefer import __version__
from briefer.actions.outputs import check_target
from briefer.atomic import replacing
from briefer.errors import LibraryDamagedError, UsageError
from briefer.library.migrations import SCHEMA_VERSION, migrate, stored_version
from briefer.library.records import MAX_THEMES, library_file_problem, theme_ids, user_problem
from briefer.library.repository import LIBRARY_FILE, USER_FILE, Library, stable_id
from briefer.library.storage import parse_library_file
from briefer.packs.importing import packs_to_add, stored
from briefer.packs.model import Pack

ARCHIVE_FORMAT = "briefer-library"
ARCHIVE_VERSION = 1
ARCHIVE_SUFFIX = ".briefer-library.zip"
MANIFEST = "manifest.json"
SOURCES_FOLDER = "sources"

MAX_TOTAL_BYTES = 2 * 1024**3  # uncompressed, all members together
MAX_MEMBERS = 100_000
MAX_RATIO = 100  # uncompressed / compressed, for members over RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_MANIFEST_BYTES = 10 * 1024 * 1024

_PLAIN_NAME = re.compile(r"^[^/\\:\x00-\x1f]+$")
_CONTENT_TABLES = ("documents", "meetings", "sections")
_USER_TABLES = ("section_edits", "meeting_edits", "not_duplicates", "packs", "pack_builds")


@dataclass(slots=True)
class ArchiveReport:
    documents_added: int = 0
    documents_skipped: int = 0  # already in the library
    documents_kept_local: list[str] = field(default_factory=list)  # same name, other content
    sections_added: int = 0
    meetings_added: int = 0
    edits_added: int = 0
    edits_kept_local: int = 0
    marks_added: int = 0
    packs_added: int = 0
    packs_renamed: int = 0
    sources_copied: int = 0

    def lines(self) -> list[str]:
        first = (
            f"{self.documents_added} document(s) added ({self.sections_added} sections), "
            f"{self.documents_skipped} already in the library"
        )
        if self.documents_kept_local:
            first += (
                f", {len(self.documents_kept_local)} kept as they are here (a different version "
                f"in the archive: {', '.join(self.documents_kept_local)}; its file is in sources/)"
            )
        second = (
            f"{self.edits_added} edit(s) added, {self.edits_kept_local} kept as yours; "
            f"{self.packs_added} pack(s) added ({self.packs_renamed} with a new id); "
            f"{self.sources_copied} original file(s) copied"
        )
        return [first, second]


# --- export ---------------------------------------------------------------------------------


def export_archive(library: Library, out: Path, replace: bool = False) -> Path:
    """Write the library (files of record, and the original files still found) to `out`
    (see `outputs.check_target` for where, and over what)."""
    out = Path(out)
    if not out.name.lower().endswith(".zip"):
        out = out.with_name(out.name + ARCHIVE_SUFFIX)
    check_target(out, library.folder, replace)
    if not out.parent.is_dir():
        raise UsageError(f"{out.parent}: the folder does not exist; create it or choose another")
    raw = library.stored_files()
    content = parse_library_file(library.folder / LIBRARY_FILE, raw[LIBRARY_FILE])
    user = parse_library_file(library.folder / USER_FILE, raw[USER_FILE])
    documents = list(content.get("documents", {}).values())
    included, missing = [], []
    try:
        with replacing(out) as temporary:
            with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.writestr(LIBRARY_FILE, raw[LIBRARY_FILE])
                archive.writestr(USER_FILE, raw[USER_FILE])
                for document in documents:
                    data = _original(document)
                    if data is None:
                        missing.append(document.get("file"))
                        continue
                    archive.writestr(f"{SOURCES_FOLDER}/{document['file']}", data)
                    included.append(document["file"])
                manifest = {
                    "format": ARCHIVE_FORMAT,
                    "version": ARCHIVE_VERSION,
                    "app_version": __version__,
                    "schema": SCHEMA_VERSION,
                    "counts": {
                        **{name: len(content.get(name, {})) for name in _CONTENT_TABLES},
                        **{name: len(user.get(name, {})) for name in _USER_TABLES},
                        "sources": len(included),
                    },
                    "sources": included,
                    "sources_missing": missing,
                }
                archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    except OSError as error:
        raise UsageError(
            f"{out}: the archive cannot be written ({error.strerror}); choose another place"
        ) from None
    return out


def _original(document: dict[str, Any]) -> bytes | None:
    """The document's original file, if it is still a regular file with the same content."""
    path, name = document.get("path"), document.get("file")
    if not path or not isinstance(name, str) or not _PLAIN_NAME.match(name) or name in (".", ".."):
        return None
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        data = Path(path).read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == document.get("sha256") else None


# --- import ---------------------------------------------------------------------------------


def import_archive(library: Library, archive: Path) -> ArchiveReport:
    """Merge a library archive into `library` (see the module's text); refused whole, with
    nothing written, when anything in it is not as Briefer writes it."""
    archive = Path(archive)
    checked = _read_archive(archive)
    themes = library.theme_ids() | theme_ids(checked.content["sections"], checked.user["section_edits"])
    if len(themes) > MAX_THEMES:
        raise _refuse(
            archive, f"with it the library would hold {len(themes)} themes, more than the {MAX_THEMES} it can"
        )
    copied: list[bool] = []
    sources_folder = library.folder / SOURCES_FOLDER

    def place_source(document: dict[str, Any], before_create: Callable[[Path], None]) -> str | None:
        data = checked.sources.get(document["file"])
        if data is None:
            return None
        target, new = _copy_source(sources_folder, document["file"], data, before_create)
        copied.append(new)
        return str(target)

    outcome = library.merge_records(
        checked.content, checked.user, choose_packs=packs_to_add, place_source=place_source
    )
    return ArchiveReport(
        documents_added=len(outcome.added[0]),
        documents_skipped=outcome.documents_skipped,
        documents_kept_local=[d["file"] for d in outcome.conflicts],
        meetings_added=len(outcome.added[1]),
        sections_added=len(outcome.added[2]),
        edits_added=outcome.edits_added,
        edits_kept_local=outcome.edits_kept_local,
        marks_added=outcome.marks_added,
        packs_added=outcome.packs_added,
        packs_renamed=outcome.packs_renamed,
        sources_copied=sum(copied),
    )


@dataclass(slots=True)
class _Checked:
    content: dict[str, list[dict]]
    user: dict[str, list[dict]]
    sources: dict[str, bytes]


def _refuse(archive: Path, problem: str) -> UsageError:
    return UsageError(
        f"{archive}: not a library archive Briefer can import ({problem}); nothing was changed. "
        "Ask for a new one made with 'briefer library-export'"
    )


def _read_archive(archive: Path) -> _Checked:
    if not archive.is_file():
        raise UsageError(f"{archive}: no such archive file; check the path")
    try:
        with zipfile.ZipFile(archive) as zipped:
            members = _checked_members(archive, zipped)
            manifest = _json(archive, _read(archive, zipped, members[MANIFEST]), MANIFEST)
            if not isinstance(manifest, dict) or manifest.get("format") != ARCHIVE_FORMAT:
                raise _refuse(archive, "its manifest is not that of a Briefer library archive")
            version = manifest.get("version")
            if not isinstance(version, int) or version < 1:
                raise _refuse(archive, "its manifest has no valid version")
            if version > ARCHIVE_VERSION:
                raise UsageError(
                    f"{archive}: this archive was made by a newer version of Briefer (archive "
                    f"version {version}); install the newer version to import it. Nothing was changed"
                )
            for name in (LIBRARY_FILE, USER_FILE):
                if name not in members:
                    raise _refuse(archive, f"{name} is missing")
            content = _tables(archive, zipped, members[LIBRARY_FILE], LIBRARY_FILE)
            user = _tables(archive, zipped, members[USER_FILE], USER_FILE)
            checked = _Checked(
                {name: list(content.get(name, {}).values()) for name in _CONTENT_TABLES},
                {name: list(user.get(name, {}).values()) for name in _USER_TABLES},
                {},
            )
            _check_records(archive, checked, content, user)
            files = {d["file"]: d["sha256"] for d in checked.content["documents"]}
            for name, info in members.items():
                if not name.startswith(SOURCES_FOLDER + "/"):
                    continue
                plain = name.split("/", 1)[1]
                if plain not in files:
                    raise _refuse(archive, f"{name} is not the original of a document it holds")
                data = _read(archive, zipped, info)
                if hashlib.sha256(data).hexdigest() != files[plain]:
                    raise _refuse(archive, f"{name} is not the file its document was read from")
                checked.sources[plain] = data
            return checked
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        NotImplementedError,
        RuntimeError,
        ValueError,
        zlib.error,
        lzma.LZMAError,
    ) as error:
        raise _refuse(archive, f"not a readable zip file: {error}") from None
    except OSError as error:
        if error.errno is None:  # a compressed member's data is damaged (bz2 says so thus)
            raise _refuse(archive, f"a file in it is damaged: {error}") from None
        raise UsageError(f"{archive}: the archive cannot be read ({error.strerror})") from None


def _checked_members(archive: Path, zipped: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    infos = zipped.infolist()
    if len(infos) > MAX_MEMBERS:
        raise _refuse(archive, f"it holds more than {MAX_MEMBERS} files")
    members: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        name = info.filename
        if not _expected_name(name):
            raise _refuse(archive, f"it holds '{name}', which is not a name Briefer writes")
        if name in members:
            raise _refuse(archive, f"it holds '{name}' twice")
        mode = info.external_attr >> 16
        if stat.S_IFMT(mode) not in (0, stat.S_IFREG) or info.is_dir():  # links, folders, devices
            raise _refuse(archive, f"'{name}' is a link or a folder, not a plain file")
        if info.flag_bits & 0x1:
            raise _refuse(archive, f"'{name}' is encrypted")
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise _refuse(archive, "its files together are larger than 2 GB")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _refuse(archive, f"'{name}' is compressed suspiciously well (a zip bomb?)")
        members[name] = info
    if MANIFEST not in members:
        raise _refuse(archive, "it has no manifest.json")
    if members[MANIFEST].file_size > MAX_MANIFEST_BYTES:
        raise _refuse(archive, "its manifest is too large")
    return members


def _expected_name(name: str) -> bool:
    if name in (MANIFEST, LIBRARY_FILE, USER_FILE):
        return True
    folder, _, plain = name.partition("/")
    return folder == SOURCES_FOLDER and _plain_file_name(plain)


def _plain_file_name(name: str) -> bool:
    return (
        bool(_PLAIN_NAME.match(name))
        and name not in (".", "..")
        and name == name.strip()
        and not name.startswith(".")
        and len(name.encode("utf-8")) <= 255
    )


def _read(archive: Path, zipped: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes, never more than it declares (the checks were made on that)."""
    chunks, size = [], 0
    with zipped.open(info) as handle:
        while chunk := handle.read(1024 * 1024):
            size += len(chunk)
            if size > info.file_size:
                raise _refuse(archive, f"'{info.filename}' is larger than it says")
            chunks.append(chunk)
    return b"".join(chunks)


def _json(archive: Path, data: bytes, name: str) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _refuse(archive, f"its {name} is not valid JSON") from None


def _tables(archive: Path, zipped: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> dict[str, Any]:
    try:
        data = parse_library_file(Path(name), _read(archive, zipped, info))
    except LibraryDamagedError as damage:
        raise _refuse(archive, f"its {name}: {damage.problem}") from None
    if stored_version(data) > SCHEMA_VERSION:
        raise UsageError(
            f"{archive}: this archive was made by a newer version of Briefer (its {name} has "
            f"schema {stored_version(data)}); install the newer version to import it. Nothing was changed"
        )
    migrate(data, f"{archive}: {name}")
    return data


# --- the records, checked before anything is written ----------------------------------------


def _check_records(archive: Path, checked: _Checked, tables: dict[str, Any], user: dict[str, Any]) -> None:
    """Every record as the library's own files must hold them (`records`), and what an
    archive adds: plain file names, ids that follow from them, packs Briefer can open."""
    problem = library_file_problem(tables) or user_problem(user)
    if problem:
        raise _refuse(archive, problem)
    keys: set[str] = set()
    for document in checked.content["documents"]:
        if (
            not _plain_file_name(document["file"])
            or document["key"] != document["file"].casefold()
            or document["id"] != stable_id("d", document["key"])
            or document["key"] in keys
        ):
            raise _refuse(archive, f"its document record of {document['file']!r} is not as Briefer writes it")
        keys.add(document["key"])
    for record in checked.user["packs"]:
        Pack.from_json(stored(record), f"{archive}: pack '{record.get('title')}'")


# --- packs and original files ---------------------------------------------------------------


def _copy_source(
    folder: Path, name: str, data: bytes, before_create: Callable[[Path], None] | None = None
) -> tuple[Path, bool]:
    """Put `data` in `folder` as `name` (or `name-2`...), never over a different file. The
    path, and whether a file was created (not when the same content is there already);
    `before_create(path)` just before it is."""
    if not _plain_file_name(name):
        raise UsageError(f"'{name}' is not a plain file name; the archive is refused")
    folder.mkdir(exist_ok=True)
    stem, suffix = os.path.splitext(name)
    for number in range(1, 1000):
        target = folder / (name if number == 1 else f"{stem}-{number}{suffix}")
        if os.path.lexists(target):
            if target.is_file() and not target.is_symlink() and target.read_bytes() == data:
                return target, False
            continue
        if before_create is not None:
            before_create(target)
        try:
            with open(target, "xb") as handle:  # never follows or replaces anything
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        except FileExistsError:
            continue
        return target, True
    raise UsageError(f"{folder}: too many files named like {name}; tidy the sources folder and try again")
