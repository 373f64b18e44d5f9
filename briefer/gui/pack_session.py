"""What the parts of the Pack pane share: the pack being edited, its undo history, and the
edit being typed.

The outline, the item editor and the cover form each edit the one `PackSession`: they push
undo commands through it, and it tells the pane after every change (`changed`). Typing is
applied after a pause (`schedule`), or at once when the user leaves the field, undoes or
asks for the pack; the edits of one run of typing in one field merge into one undo step
(`typing_run`, moved on by `end_typing`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QPalette, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QLabel

from briefer.gui.pack_commands import PackDocument
from briefer.packs.model import Pack, PackItem

IDLE_MS = 600  # typing pauses this long before an edit is applied


@dataclass(frozen=True, slots=True)
class SectionInfo:
    """What the pane shows of a library section."""

    id: str
    heading: str
    meeting: str  # the meeting's label
    date: str | None  # the meeting's start date, YYYY-MM-DD
    words: int
    number: str | None = None  # the report's own number ("II."): dropped when the pack numbers it
    paragraphs: tuple[str, ...] = ()  # each paragraph's text (a table's first row), to choose from
    citation: str = ""  # ready to paste ("IOM, International Dialogue on Migration 2009, …")
    page: int | None = None  # where it starts in its report: a PDF's page…
    line: int | None = None  # …or a text's line


class PackUndoStack(QUndoStack):
    """Applies the edit being typed before undo and redo, so that Undo undoes it.

    Connect actions to `undo`/`redo` of this object: `createUndoAction` calls the C++ slots
    and skips that step.
    """

    def __init__(self, before: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._before = before

    def undo(self) -> None:
        self._before()
        super().undo()

    def redo(self) -> None:
        self._before()
        super().redo()


class Debouncer(QObject):
    """One pending edit, applied after a pause in typing, or at once by `flush()`."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._timer = QTimer(self, singleShot=True, interval=IDLE_MS)
        self._timer.timeout.connect(self.flush)
        self._pending: tuple[object, Callable[[], None]] | None = None

    def schedule(self, key: object, apply: Callable[[], None]) -> None:
        if self._pending is not None and self._pending[0] != key:
            self.flush()
        self._pending = (key, apply)
        self._timer.start()

    def flush(self) -> None:
        self._timer.stop()
        pending, self._pending = self._pending, None
        if pending is not None:
            pending[1]()

    def cancel(self) -> None:
        self._timer.stop()
        self._pending = None


class PackSession(QObject):
    """The pack being edited (a copy of the one given), with its undo history."""

    changed = Signal(bool, list)  # after any edit, undo or redo: structure changed?, ids to select

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pack = Pack("Untitled pack")
        self.sections: dict[str, SectionInfo] = {}
        self.document = PackDocument(self.pack, self._on_change)
        self.applying = False  # an edit from the editors: they show it already, do not refill them
        self.typing_run = 0  # edits merge into one undo step until the user leaves the field
        self.debouncer = Debouncer(self)
        self.undo_stack = PackUndoStack(self.debouncer.flush, self)

    def reset(self, pack: Pack, sections: Mapping[str, SectionInfo]) -> None:
        """Edit a copy of `pack`; what was being typed is dropped, the history starts afresh."""
        self.debouncer.cancel()
        self.pack = Pack.from_json(pack.to_json(), f"pack '{pack.title}'")
        self.sections = dict(sections)
        self.document = PackDocument(self.pack, self._on_change)
        self.undo_stack.clear()

    @property
    def items(self) -> list[PackItem]:
        return self.pack.items

    def item(self, item_id: str | None) -> PackItem | None:
        return next((item for item in self.pack.items if item.id == item_id), None)

    def copy(self) -> Pack:
        """A copy of the pack as edited, including what is being typed."""
        self.debouncer.flush()
        return Pack.from_json(self.pack.to_json(), f"pack '{self.pack.title}'")

    def schedule(self, key: object, apply: Callable[[], None]) -> None:
        """Apply an edit being typed after a pause; an edit of another field applies this one first."""
        self.debouncer.schedule(key, apply)

    def flush(self) -> None:
        self.debouncer.flush()

    def end_typing(self) -> None:
        """Apply what is pending; the next edit is a new undo step."""
        self.debouncer.flush()
        self.typing_run += 1

    def push(self, command: QUndoCommand) -> None:
        self.undo_stack.push(command)

    def push_edit(self, command: QUndoCommand) -> None:
        """An edit typed in an editor, which shows it already: the editors are not refilled."""
        self.applying = True
        try:
            self.undo_stack.push(command)
        finally:
            self.applying = False

    def _on_change(self, structure: bool, item_ids: list[str]) -> None:
        self.changed.emit(structure, item_ids)


def count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def muted(label: QLabel) -> None:
    """Secondary text: the palette's placeholder colour, right in light and dark themes."""
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.PlaceholderText))
    label.setPalette(palette)
