"""One commit for a change that creates many files: an archive's import adds its documents'
pieces and originals, then commits its edits and packs in user.json.

Before the first new file, `.change.journal` is written with the change's id; each new
file's path is added to it (flushed to disk) before the file is made. user.json is then
committed holding the id in its meta: that write is the commit point. A process killed
before it leaves a journal whose id user.json does not hold: the next process to take the
lock removes the files it lists, and the library is as it was. Killed after it, the
journal is only stale, and removed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from briefer.atomic import fsync_folder

JOURNAL_FILE = ".change.journal"


class ChangeJournal:
    """The journal of the library in `folder`; used under the library's lock."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / JOURNAL_FILE
        self.change: str | None = None  # the id of the change under way, once it made a file

    def add(self, path: Path) -> None:
        """Record `path` as made by the change: call it before the file is created."""
        if self.change is None:
            change = os.urandom(8).hex()
            with open(self.path, "w", encoding="utf-8") as handle:
                handle.write(json.dumps({"change": change}) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            fsync_folder(self.folder)
            self.change = change
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"file": os.path.relpath(path, self.folder)}) + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def end(self) -> None:
        self.change = None
        with suppress(FileNotFoundError):
            self.path.unlink()

    def undo_unfinished(self, committed: Callable[[str], bool], before_removing: Callable[[], None]) -> bool:
        """After a killed change: if its id is not `committed`, remove the files it made
        (`before_removing` first, once). True if there was one to undo."""
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return False
        records = []
        for line in lines:
            with suppress(ValueError):  # the last line, cut by the kill
                records.append(json.loads(line))
        change = records[0].get("change") if records and isinstance(records[0], dict) else None
        undone = False
        if not (isinstance(change, str) and committed(change)):
            files = [r["file"] for r in records[1:] if isinstance(r, dict) and isinstance(r.get("file"), str)]
            if files:
                before_removing()
                undone = True
            folders = set()
            for name in files:
                path = (self.folder / name).resolve()
                if path.is_relative_to(self.folder.resolve()):  # (a journal written by hand)
                    with suppress(FileNotFoundError):
                        path.unlink()
                        folders.add(path.parent)
            for folder in folders:
                fsync_folder(folder)
        self.end()
        return undone
