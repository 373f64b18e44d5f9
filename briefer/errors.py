"""One exception family. Every message says what is wrong and what to do about it.

The CLI prints ``str(error)`` on one line; the GUI shows it in a dialog. Neither shows a
traceback for these errors.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

# What cannot stand in a one-line message: control characters (a newline in a file name
# would split it), line and paragraph separators, and the lone surrogates by which Python
# holds a file name's bytes that are not UTF-8 (they cannot be printed, nor stored as JSON).
_UNSHOWABLE_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if "\udc80" <= char <= "\udcff":  # a byte of the name that is not UTF-8, as it was
        return f"\\x{ord(char) - 0xDC00:02x}"
    return char.encode("unicode_escape", "backslashreplace").decode("ascii")


def shown_path(path: os.PathLike[str] | str) -> str:
    """A file's name as every message shows it (and the library stores it): on one line
    and printable, with what is not escaped as Python writes it ("r\\xe9port.txt",
    "a\\nb.txt"). Ordinary names are unchanged."""
    return _UNSHOWABLE_RE.sub(_escape, os.fspath(path))


class BrieferError(Exception):
    """Base of every error a user can act on."""


class InputFileError(BrieferError):
    """A file given to ingest cannot be read. Names the file, the problem and the remedy."""

    def __init__(self, path: Path | str, problem: str, remedy: str = "") -> None:
        self.path = Path(path)
        self.problem = problem
        self.remedy = remedy
        text = f"{shown_path(self.path)}: {problem}"
        if remedy:
            text += f"; {remedy}"
        super().__init__(text)


class LibraryError(BrieferError):
    """The library cannot be opened or changed."""


class LibraryLockedError(LibraryError):
    def __init__(self, library_dir: Path, problem: str = "") -> None:
        super().__init__(
            f"{shown_path(library_dir)}: "
            + (
                problem
                or "the library is being changed by another Briefer process; "
                "wait for it to finish (or close the other Briefer window) and try again"
            )
        )


class LibraryReadOnlyError(LibraryError):
    def __init__(self, library_dir: Path) -> None:
        super().__init__(
            f"{library_dir}: the library folder is read-only, so Briefer can search and read it but "
            "not change it; copy the folder to one you can write to, or ask for write access"
        )


class LibraryDamagedError(LibraryError):
    def __init__(self, path: Path, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        self.no_backup = False  # set when no backup in backups/ could be read either
        super().__init__(path, problem)

    def __str__(self) -> str:
        backups = " and no backup of it in the backups folder could be read" if self.no_backup else ""
        return (
            f"{shown_path(self.path)}: the library file is damaged ({self.problem}){backups}; it was left "
            "untouched. Restore it from a copy you keep, or move it away to start a new library"
        )


@dataclass(frozen=True, slots=True)
class RestoreNotice:
    """Not an error: a damaged library file was replaced by its newest good backup. The CLI
    prints it as a warning; the GUI shows it (`Library.restored`)."""

    path: Path
    problem: str
    backup: Path
    damaged_copy: Path | None  # None: the file was missing

    def __str__(self) -> str:
        kept = f"The damaged file is kept as {self.damaged_copy.name}" if self.damaged_copy else ""
        return (
            f"{shown_path(self.path)} was damaged ({self.problem}); it was restored from its backup "
            f"{self.backup.name}, so changes saved after that backup may be missing: check "
            f"your latest work. {kept}"
        ).rstrip()


class NotFoundError(BrieferError):
    """A section, meeting or theme id that the library does not hold."""


class UsageError(BrieferError):
    """A value given by the user is not valid (a bad date, an unknown theme...)."""


class TemplateError(UsageError):
    """A pack template's folder or settings cannot be used. Names the file and the fix."""


class BuildError(BrieferError):
    """The output file of a build cannot be written."""
