"""TinyDB storage that never leaves a broken file, and the lock that keeps writers apart.

Every write goes to a temporary file in the same folder, is flushed and fsync'ed, then
renamed over the old file (an atomic step on POSIX and Windows), and the folder is
fsync'ed so the rename itself survives a power cut. Killing the process at any moment
leaves either the old or the new file.

Integrity: a file ends with the sha256 of everything before it (its "checksum" table,
written last), so a flipped bit or a change made outside Briefer reads as damage, not as
other content. A file of this schema without it is damaged too, and so is a missing or
emptied file whose backups hold records: a store that had records and has none is damage,
not a new library.

Backups: when a save replaces a file that holds records, the file it replaces is first
hard-linked (copied where the file system has no hard links) into `backups/` beside it
as `NAME.SEQUENCE-YYYYmmddTHHMMSSffffffZ`; the `BACKUPS_KEPT` newest by sequence number
are kept (not by the time in the name: a clock once set ahead would prune new ones). A hard link costs no
copy, so even user.json, saved on every edit, keeps one on every save: its backups are its
last three versions. A file holding nothing but its schema version is not backed up
(restoring it would empty the library). When a file is damaged, `restore_newest_backup` keeps
it as `NAME.damaged-TIMESTAMP` and puts the newest backup that is sound in its place.
"""

from __future__ import annotations

import errno
import glob
import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tinydb.middlewares import Middleware
from tinydb.storages import Storage

from briefer.atomic import fsync_folder, replacing, write_bytes
from briefer.errors import (
    LibraryDamagedError,
    LibraryError,
    LibraryLockedError,
    LibraryReadOnlyError,
    RestoreNotice,
)
from briefer.library.migrations import CHECKSUMS_SINCE, SCHEMA_VERSION, stored_version

LOCK_TIMEOUT_SECONDS = 5.0
LOCK_FILE = "library.lock"
BACKUP_FOLDER = "backups"
BACKUPS_KEPT = 3
CHECKSUM_TABLE = "checksum"
_CHECKSUM_OPEN = b'"checksum":{"1":{"sha256":"'
_CHECKSUM_CLOSE = b'"}}}'
_CHECKSUM_LENGTH = len(_CHECKSUM_OPEN) + 64 + len(_CHECKSUM_CLOSE)
RecordCheck = Callable[[dict[str, Any]], str | None]  # what is wrong with a file's records, if anything
_SEQUENCE_RE = re.compile(r"(\d{6,})-")


def _timestamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def atomic_write_bytes(path: Path, data: bytes, backup: bool = False, leftovers: bool = True) -> None:
    """Replace `path` with `data` in one step; on failure the old file is untouched.
    `backup`: keep the file being replaced in `backups/` first (see the module's text);
    `leftovers`: see `atomic.replacing`."""
    kept: list[Path] = []

    def keep() -> None:
        copy = keep_backup(path) if backup else None
        if copy is not None:
            kept.append(copy)

    try:
        write_bytes(path, data, before_replace=keep, leftovers=leftovers)
    except OSError as error:
        for leftover in kept:
            with suppress(OSError):
                leftover.unlink()
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            raise LibraryError(
                f"{path}: the disk is full, so the change was not saved; the library is as "
                "it was before. Free some space and try again"
            ) from None
        raise LibraryError(
            f"{path}: the change could not be saved ({error.strerror}); the library is as it "
            "was before. Check that the folder is writable"
        ) from None
    fsync_folder(path.parent)
    if kept:
        prune_backups(path)


def backup_folder(path: Path) -> Path:
    return path.parent / BACKUP_FOLDER


def backups_of(path: Path) -> list[Path]:
    """The backups of `path`, newest (highest sequence number) first; those of versions
    that named them by time alone come after, newest name first."""
    folder = backup_folder(path)
    if not folder.is_dir():
        return []
    found = folder.glob(f"{glob.escape(path.name)}.*")  # (temporary files are hidden: .NAME...)
    return sorted(found, key=lambda p: (_sequence(path, p), p.name), reverse=True)


def _sequence(path: Path, backup: Path) -> int:
    match = _SEQUENCE_RE.match(backup.name[len(path.name) + 1 :])
    return int(match.group(1)) if match else 0


def keep_backup(path: Path) -> Path | None:
    """Keep the current `path` in the backups folder (a hard link, else a copy); its name."""
    if not path.exists():
        return None
    folder = backup_folder(path)
    try:
        folder.mkdir(exist_ok=True)
    except FileExistsError:
        raise LibraryError(
            f"{folder}: a file stands where the library keeps its backups; move it away and try again"
        ) from None
    existing = backups_of(path)
    sequence = _sequence(path, existing[0]) + 1 if existing else 1
    while True:
        target = folder / f"{path.name}.{sequence:06d}-{_timestamp()}"
        try:
            os.link(path, target)
        except FileExistsError:
            sequence += 1
            continue
        except OSError:  # no hard links here (FAT, some network shares): a copy, written atomically
            with replacing(target) as temporary:
                shutil.copyfile(path, temporary)
        return target


def prune_backups(path: Path, keep: int = BACKUPS_KEPT) -> None:
    for old in backups_of(path)[keep:]:
        try:
            old.unlink()
        except OSError:
            pass


def encode_tables(content: dict[str, Any]) -> bytes:
    """A library file's bytes: compact UTF-8 JSON, its checksum table last (see the module's
    text)."""
    tables = {name: table for name, table in content.items() if name != CHECKSUM_TABLE}
    head = json.dumps(tables, ensure_ascii=False, separators=(",", ":")).encode("utf-8")[:-1]
    digest = hashlib.sha256(head).hexdigest().encode("ascii")
    return head + (b"," if len(head) > 1 else b"") + _CHECKSUM_OPEN + digest + _CHECKSUM_CLOSE


def parse_library_file(path: Path, data: bytes) -> dict[str, Any]:
    """The tables a library file holds (its checksum checked and left out); LibraryDamagedError
    if it holds none, or its checksum does not match, or a file of this schema that holds
    records has none. A file of a newer schema is returned as it is (for the migrations to
    refuse: its form is not this version's to judge)."""
    data = data.rstrip()
    if not data:
        raise LibraryDamagedError(path, "the file is empty")
    try:
        content = json.loads(data)
    except (ValueError, RecursionError):
        raise LibraryDamagedError(path, "it is not valid JSON") from None
    if not isinstance(content, dict) or not all(isinstance(t, dict) for t in content.values()):
        raise LibraryDamagedError(path, "it does not hold TinyDB tables")
    content.pop(CHECKSUM_TABLE, None)
    version = _version(path, content)
    if version > SCHEMA_VERSION:
        return content
    checksum = _checksum(data)
    if checksum is not None:
        head = data[:-_CHECKSUM_LENGTH].removesuffix(b",")
        if hashlib.sha256(head).hexdigest().encode("ascii") != checksum:
            raise LibraryDamagedError(path, "its content does not match its checksum")
    elif version >= CHECKSUMS_SINCE and _holds_records(content):
        raise LibraryDamagedError(path, "it has no checksum")
    return content


def _version(path: Path, content: dict[str, Any]) -> int:
    try:
        return stored_version(content)
    except (TypeError, ValueError):
        raise LibraryDamagedError(path, "its schema version is not a number") from None


def _checksum(data: bytes) -> bytes | None:
    tail = data[-_CHECKSUM_LENGTH:]
    if tail.startswith(_CHECKSUM_OPEN) and tail.endswith(_CHECKSUM_CLOSE):
        return tail[len(_CHECKSUM_OPEN) : -len(_CHECKSUM_CLOSE)]
    return None


def restore_newest_backup(
    path: Path, damage: LibraryDamagedError, check: RecordCheck | None = None
) -> RestoreNotice:
    """Keep the damaged `path` under another name and put the newest backup that is sound
    (parses, and passes `check`) in its place. Raises `damage` (saying no backup could be
    read) when none does. A kill at any moment leaves the damaged file or the restored one
    under `path`."""
    for candidate in backups_of(path):
        try:
            data = candidate.read_bytes()
            _checked_content(path, data, check)
        except (OSError, LibraryDamagedError):
            continue
        damaged_copy: Path | None = path.with_name(f"{path.name}.damaged-{_timestamp()}")
        try:
            if path.exists():
                shutil.copy2(path, damaged_copy)
            else:
                damaged_copy = None
        except OSError as error:
            raise LibraryError(
                f"{path}: the file is damaged and a backup exists, but the damaged file could not "
                f"be kept aside ({error.strerror}); nothing was changed. Free some space, or "
                f"copy {candidate} over it yourself"
            ) from None
        atomic_write_bytes(path, data)
        return RestoreNotice(path, damage.problem, candidate, damaged_copy)
    damage.no_backup = True
    raise damage


def file_signature(path: Path) -> str:
    """Cheap to read, and changes with every save (also with a copy, sync or restore)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return "missing"
    return f"{info.st_mtime_ns}:{info.st_size}:{info.st_ino}"


def _checked_content(path: Path, data: bytes, check: RecordCheck | None) -> dict[str, Any]:
    content = parse_library_file(path, data)
    if check is not None and _version(path, content) <= SCHEMA_VERSION:
        problem = check(content)
        if problem:
            raise LibraryDamagedError(path, problem)
    return content


class AtomicJSONStorage(Storage):
    """A JSON file written atomically, compact, in UTF-8, with its checksum. It knows the
    content digest (sha256) of the version it last read or wrote, which costs little beside
    the JSON. `check(tables)` says what is wrong with the records read, if anything: such a
    file is damaged."""

    def __init__(
        self, path: str | os.PathLike[str], leftovers: bool = True, check: RecordCheck | None = None
    ) -> None:
        self.path = Path(path)
        self.leftovers = leftovers  # see `atomic.replacing`
        self.check = check
        self.holds_records = False  # does the file on disk hold more than its schema version?
        self.known_digest: tuple[str, str] = ("", "")  # (signature, sha256) of that version

    def read(self) -> dict[str, Any] | None:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            self.holds_records = False
            if backups_of(self.path):
                raise LibraryDamagedError(self.path, "the file is missing, though it has backups") from None
            return None
        except IsADirectoryError:
            raise LibraryError(
                f"{self.path}: a folder stands where the library keeps this file; move it away"
            ) from None
        except OSError as error:
            raise LibraryError(f"{self.path}: cannot be read ({error.strerror})") from None
        content = _checked_content(self.path, data, self.check)
        if (
            not _holds_records(content)
            and _checksum(data.rstrip()) is None  # (Briefer's own empty file has one)
            and any(_has_records(backup) for backup in backups_of(self.path))
        ):
            raise LibraryDamagedError(self.path, "it has lost the records its backups hold")
        self.holds_records = _holds_records(content)
        self.known_digest = (file_signature(self.path), hashlib.sha256(data).hexdigest())
        return content

    def write(self, data: dict[str, Any]) -> None:
        problem = self.check(data) if self.check is not None else None
        if problem:  # what would read as damage is never written
            raise LibraryError(
                f"{self.path}: the change was not saved ({problem}); the library is as it was "
                "before. Please report this"
            )
        encoded = encode_tables(data)
        atomic_write_bytes(self.path, encoded, backup=self.holds_records, leftovers=self.leftovers)
        self.holds_records = _holds_records(data)
        self.known_digest = (file_signature(self.path), hashlib.sha256(encoded).hexdigest())

    def digest(self) -> str:
        """The file's content digest as it is now: known, or read once for this version."""
        signature = file_signature(self.path)
        if self.known_digest[0] != signature:
            try:
                with open(self.path, "rb") as handle:
                    self.known_digest = (signature, hashlib.file_digest(handle, "sha256").hexdigest())
            except FileNotFoundError:
                self.known_digest = (signature, "missing")
        return self.known_digest[1]

    def close(self) -> None:
        pass


def _holds_records(content: dict[str, Any]) -> bool:
    return any(table for name, table in content.items() if name != "meta")


def _has_records(backup: Path) -> bool:
    try:
        return _holds_records(parse_library_file(backup, backup.read_bytes()))
    except (OSError, LibraryDamagedError):
        return False


class TransactionMiddleware(Middleware):
    """Keeps changes in memory until `commit`; `rollback` forgets them.

    TinyDB writes the whole file on every change; here a whole ingest or edit is one
    write, and a failed one writes nothing.
    """

    def __init__(self, storage_cls: type[Storage] = AtomicJSONStorage) -> None:
        super().__init__(storage_cls)
        self.cache: dict[str, Any] | None = None
        self.dirty = False

    def read(self) -> dict[str, Any] | None:
        if self.cache is None:
            self.cache = self.storage.read()
        return self.cache

    def write(self, data: dict[str, Any]) -> None:
        self.cache = data
        self.dirty = True

    def commit(self) -> None:
        if self.dirty and self.cache is not None:
            self.storage.write(self.cache)
        self.dirty = False

    def rollback(self) -> None:
        self.cache = None
        self.dirty = False

    def close(self) -> None:
        self.rollback()
        self.storage.close()


class LibraryLock:
    """One writer at a time per library folder, across processes."""

    def __init__(self, folder: Path, timeout: float = LOCK_TIMEOUT_SECONDS) -> None:
        from filelock import FileLock

        self.folder = folder
        self._lock = FileLock(str(folder / LOCK_FILE), timeout=timeout)

    def __enter__(self) -> LibraryLock:
        from filelock import Timeout

        path = self.folder / LOCK_FILE
        if path.is_symlink():  # it would create or lock a file elsewhere
            raise LibraryError(f"{path}: a link stands where the library keeps its lock file; remove it")
        try:
            self._lock.acquire()
        except Timeout:
            raise LibraryLockedError(self.folder) from None
        except IsADirectoryError:
            raise LibraryError(
                f"{path}: a folder stands where the library keeps its lock file; move it away"
            ) from None
        except OSError as error:
            if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
                raise LibraryReadOnlyError(self.folder) from None
            raise LibraryError(
                f"{path}: the library cannot be locked for a change ({error.strerror})"
            ) from None
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._lock.release()


@contextmanager
def lock_unless_read_only(folder: Path) -> Iterator[None]:
    """The library's lock, or none in a folder no one can change (read-only): reading goes on."""
    with ExitStack() as stack:
        with suppress(LibraryReadOnlyError):
            stack.enter_context(LibraryLock(folder))
        yield
