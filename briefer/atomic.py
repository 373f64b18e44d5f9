"""Writing a file in one step: to a temporary name beside it, then renamed over it.

The one way Briefer replaces a file, the user's (a built pack, an exported pack or
archive) and the library's own alike. A failure or a kill at any moment leaves either the
old file or the new one under the name, never a half-written one. What a killed process
leaves behind is a hidden `.NAME.PID.partial` beside the file; the next write of that
name, and the library when it opens, remove those of processes no longer running.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

PARTIAL_SUFFIX = ".partial"
# Temporary names of earlier versions (library writes used ".tmp"), removed the same way.
_LEFTOVER_SUFFIXES = (PARTIAL_SUFFIX, ".tmp")


def partial_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}{PARTIAL_SUFFIX}")


@contextmanager
def replacing(
    path: Path, before_replace: Callable[[], None] | None = None, leftovers: bool = True
) -> Iterator[Path]:
    """Yield the temporary path to write; when the block ends without error, it replaces
    `path` (flushed to disk first; `before_replace` runs just before the rename). On any
    error the temporary file is removed and `path` is untouched. `leftovers`: first remove
    those a killed writer left of this name (a listing of the folder: a caller writing many
    files into one folder removes them once itself, with `remove_leftovers`)."""
    if leftovers:
        remove_leftovers(path.parent, path.name)
    temporary = partial_name(path)
    try:
        yield temporary
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        if before_replace is not None:
            before_replace()
        os.replace(temporary, path)
    finally:
        with suppress(FileNotFoundError):
            temporary.unlink()


def write_bytes(
    path: Path, data: bytes, before_replace: Callable[[], None] | None = None, leftovers: bool = True
) -> None:
    """Replace `path` with `data` in one step."""
    with replacing(path, before_replace, leftovers) as temporary, open(temporary, "wb") as handle:
        handle.write(data)


def remove_leftovers(folder: Path, name: str = "*") -> None:
    """Delete the temporary files (of `name`, or of any file) that processes no longer
    running left in `folder` when they were killed while writing."""
    pattern = name if name == "*" else glob.escape(name)
    for suffix in _LEFTOVER_SUFFIXES:
        for leftover in folder.glob(f".{pattern}.*{suffix}"):
            pid = leftover.name[: -len(suffix)].rsplit(".", 1)[-1]
            if pid.isdigit() and not _process_alive(int(pid)):
                with suppress(OSError):
                    leftover.unlink()


def fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` survive a power cut (POSIX; elsewhere a no-op)."""
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _process_alive(pid: int) -> bool:
    if pid == os.getpid() or os.name != "posix":  # no harmless probe on Windows: keep it
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError included: another user's process
        return True
    return True
