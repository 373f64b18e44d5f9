"""Writing a file in one step: to a temporary name beside it, then renamed over it.

The one way Briefer replaces a file, the user's (a built pack, an exported pack or
archive) and the library's own alike. A failure or a kill at any moment leaves either the
old file or the new one under the name, never a half-written one. What a killed process
leaves behind is a hidden `.NAME.PID.partial` beside the file; the next write of that
name, and the library when it opens, remove those of processes no longer running.
"""

from __future__ import annotations

import glob
import hashlib
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

PARTIAL_SUFFIX = ".partial"
# Temporary names of earlier versions (library writes used ".tmp", index rebuilds
# ".building"), removed the same way.
_LEFTOVER_SUFFIXES = (PARTIAL_SUFFIX, ".tmp", ".building")


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
            if pid.isdigit() and not _writer_alive(int(pid), leftover):
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


def _writer_alive(pid: int, leftover: Path) -> bool:
    """Is the process that wrote `leftover` still running? Not if no process has its PID,
    nor if the one that has it now started after the file was last written (a PID reused)."""
    if not _process_alive(pid):
        return False
    if pid == os.getpid():
        return True
    started = _process_start(pid)
    if started is None:
        return True  # no way to tell here: kept
    try:
        written = leftover.stat().st_mtime
    except OSError:
        return True
    return written >= started - 1.0  # (a second's slack: boot time and ticks are coarse)


def _process_start(pid: int) -> float | None:
    """When process `pid` started (seconds since the epoch), where /proc says (Linux)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()  # (the name may hold spaces)
        with open("/proc/stat", encoding="ascii", errors="replace") as handle:
            boot = next(float(line.split()[1]) for line in handle if line.startswith("btime "))
        return boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return None


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


def file_sha256(path: Path) -> str:
    """A file's SHA-256, read a megabyte at a time. OSError when it cannot be read."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
