"""TinyDB storage that never leaves a broken file, and the lock that keeps writers apart.

Every write goes to a temporary file in the same folder, is flushed and fsync'ed, then
renamed over the old file (an atomic step on POSIX and Windows), and the folder is
fsync'ed so the rename itself survives a power cut. Killing the process at any moment
leaves either the old or the new file.
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

from tinydb.middlewares import Middleware
from tinydb.storages import Storage

from briefer.errors import LibraryDamagedError, LibraryError, LibraryLockedError

LOCK_TIMEOUT_SECONDS = 5.0


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one step; on failure the old file is untouched."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as error:
        try:
            temporary.unlink()
        except OSError:
            pass
        if error.errno == errno.ENOSPC:
            raise LibraryError(
                f"{path}: the disk is full, so the change was not saved; the library is as "
                "it was before. Free some space and try again"
            ) from None
        raise LibraryError(
            f"{path}: the change could not be saved ({error.strerror}); the library is as it "
            "was before. Check that the folder is writable"
        ) from None
    _fsync_folder(path.parent)


def remove_stale_temporaries(folder: Path) -> None:
    """Delete temporary files left by a process that was killed while writing."""
    for temporary in folder.glob(".*.tmp"):
        pid = temporary.name.rsplit(".", 2)[-2]
        if pid.isdigit() and not _process_alive(int(pid)):
            try:
                temporary.unlink()
            except OSError:
                pass


def _process_alive(pid: int) -> bool:
    if pid == os.getpid() or os.name != "posix":  # no harmless probe on Windows: keep it
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class AtomicJSONStorage(Storage):
    """A JSON file written atomically, compact, in UTF-8."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def read(self) -> dict[str, Any] | None:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise LibraryError(f"{self.path}: cannot be read ({error.strerror})") from None
        if not data.strip():
            raise LibraryDamagedError(self.path, "the file is empty")
        try:
            content = json.loads(data)
        except ValueError:
            raise LibraryDamagedError(self.path, "it is not valid JSON") from None
        if not isinstance(content, dict):
            raise LibraryDamagedError(self.path, "it does not hold TinyDB tables")
        return content

    def write(self, data: dict[str, Any]) -> None:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        atomic_write_bytes(self.path, text.encode("utf-8"))

    def close(self) -> None:
        pass


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
        self._lock = FileLock(str(folder / "library.lock"), timeout=timeout)

    def __enter__(self) -> LibraryLock:
        from filelock import Timeout

        try:
            self._lock.acquire()
        except Timeout:
            raise LibraryLockedError(self.folder) from None
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._lock.release()
