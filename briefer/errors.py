"""One exception family. Every message says what is wrong and what to do about it.

The CLI prints ``str(error)`` on one line; the GUI shows it in a dialog. Neither shows a
traceback for these errors.
"""

from __future__ import annotations

from pathlib import Path


class BrieferError(Exception):
    """Base of every error a user can act on."""


class InputFileError(BrieferError):
    """A file given to ingest cannot be read. Names the file, the problem and the remedy."""

    def __init__(self, path: Path | str, problem: str, remedy: str = "") -> None:
        self.path = Path(path)
        self.problem = problem
        self.remedy = remedy
        text = f"{self.path}: {problem}"
        if remedy:
            text += f"; {remedy}"
        super().__init__(text)


class LibraryError(BrieferError):
    """The library cannot be opened or changed."""


class LibraryLockedError(LibraryError):
    def __init__(self, library_dir: Path) -> None:
        super().__init__(
            f"{library_dir}: the library is being changed by another Briefer process; "
            "wait for it to finish (or close the other Briefer window) and try again"
        )


class LibraryDamagedError(LibraryError):
    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(
            f"{path}: the library file is damaged ({problem}); it was left untouched. "
            "Restore it from a backup, or move it away to start a new library"
        )


class NotFoundError(BrieferError):
    """A section, meeting or theme id that the library does not hold."""


class UsageError(BrieferError):
    """A value given by the user is not valid (a bad date, an unknown theme...)."""
