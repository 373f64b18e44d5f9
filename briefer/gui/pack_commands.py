"""Undoable edits of a pack: every change the user makes goes through one of these.

The commands change a `PackDocument` (the pack being edited) and tell it what changed;
the pane listens and refreshes its outline, editor and estimate. A command keeps what it
needs to go back (the previous order, the removed items with their places, the previous
values), so undo gives back exactly the pack that was there.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtGui import QUndoCommand

from briefer.packs.model import QA, Pack, PackItem, SavedSearch
from briefer.packs.outline import moved

EDIT_ITEM_ID = 1001  # consecutive edits of the same fields of one item merge into one undo step
EDIT_COVER_ID = 1002  # consecutive edits of the same cover field merge
ITEM_FIELDS = ("title", "text", "messages", "qa", "audience", "paragraphs", "comment", "comment_audience")
COVER_FIELDS = (
    "title",
    "subtitle",
    "meeting.name",
    "meeting.place",
    "meeting.start_date",
    "meeting.end_date",
    "delegation",
    "author",
    "date",
    "marking",
    "draft",
    "final",
)


class PackDocument:
    """The pack being edited, and whom to tell when it changes.

    `on_change(structure, item_ids)`: `structure` is true when items were added, removed or
    moved (the outline is rebuilt), false when only their content changed; `item_ids` are
    the items to select afterwards (empty: keep the selection). Cover edits report
    `(False, [])`.
    """

    def __init__(self, pack: Pack, on_change: Callable[[bool, list[str]], None]) -> None:
        self.pack = pack
        self.on_change = on_change

    @property
    def items(self) -> list[PackItem]:
        return self.pack.items

    def find(self, item_id: str) -> PackItem:
        return next(item for item in self.pack.items if item.id == item_id)

    def reorder(self, ids: list[str]) -> None:
        by_id = {item.id: item for item in self.pack.items}
        self.pack.items[:] = [by_id[item_id] for item_id in ids]


class AddItemsCommand(QUndoCommand):
    def __init__(self, document: PackDocument, items: list[PackItem], position: int, text: str) -> None:
        super().__init__(text)
        self.document = document
        self.new_items = items
        self.position = max(0, min(position, len(document.items)))

    def redo(self) -> None:
        self.document.items[self.position : self.position] = self.new_items
        self.document.on_change(True, [item.id for item in self.new_items])

    def undo(self) -> None:
        del self.document.items[self.position : self.position + len(self.new_items)]
        before = self.document.items[self.position - 1 : self.position] if self.position else []
        self.document.on_change(True, [item.id for item in before])


class SavedSearchCommand(QUndoCommand):
    """Adds a saved search to the pack (`search`), or removes one (`remove_id`)."""

    def __init__(
        self, document: PackDocument, search: SavedSearch | None = None, remove_id: str = ""
    ) -> None:
        super().__init__("Add saved search" if search is not None else "Remove saved search")
        self.document = document
        searches = document.pack.searches
        self.place = (
            len(searches)
            if search is not None
            else next((n for n, s in enumerate(searches) if s.id == remove_id), -1)
        )
        self.search = search if search is not None else (searches[self.place] if self.place >= 0 else None)
        self.adding = search is not None
        self.setObsolete(self.search is None)

    def redo(self) -> None:
        self._apply(self.adding)

    def undo(self) -> None:
        self._apply(not self.adding)

    def _apply(self, add: bool) -> None:
        if add:
            self.document.pack.searches.insert(self.place, self.search)
        else:
            self.document.pack.searches.remove(self.search)
        self.document.on_change(False, [])


class RemoveItemsCommand(QUndoCommand):
    """Removes the items only: a removed part heading's items join the part before it."""

    def __init__(self, document: PackDocument, item_ids: Iterable[str], text: str = "Remove") -> None:
        super().__init__(text)
        self.document = document
        wanted = set(item_ids)
        self.removed = [(n, item) for n, item in enumerate(document.items) if item.id in wanted]

    def redo(self) -> None:
        for n, _item in reversed(self.removed):
            del self.document.items[n]
        first = self.removed[0][0] if self.removed else 0
        near = self.document.items[max(0, min(first, len(self.document.items) - 1)) :][:1]
        self.document.on_change(True, [item.id for item in near])

    def undo(self) -> None:
        for n, item in self.removed:
            self.document.items.insert(n, item)
        self.document.on_change(True, [item.id for _n, item in self.removed])


class MoveItemsCommand(QUndoCommand):
    """Moves items, in their pack order, to `position`: an index in the list before the move."""

    def __init__(
        self, document: PackDocument, item_ids: Iterable[str], position: int, text: str = "Move"
    ) -> None:
        super().__init__(text)
        self.document = document
        self.before = [item.id for item in document.items]
        moving = set(item_ids)
        self.moved = [item_id for item_id in self.before if item_id in moving]
        self.after = moved(self.before, moving, position)
        self.setObsolete(self.after == self.before)

    def redo(self) -> None:
        self.document.reorder(self.after)
        self.document.on_change(True, self.moved)

    def undo(self) -> None:
        self.document.reorder(self.before)
        self.document.on_change(True, self.moved)


class SetNumberedCommand(QUndoCommand):
    def __init__(self, document: PackDocument, item_ids: Iterable[str], numbered: bool) -> None:
        super().__init__("Number" if numbered else "Unnumber")
        self.document = document
        self.numbered = numbered
        self.previous = {item_id: document.find(item_id).numbered for item_id in item_ids}

    def redo(self) -> None:
        self._set({item_id: self.numbered for item_id in self.previous})

    def undo(self) -> None:
        self._set(self.previous)

    def _set(self, values: dict[str, bool]) -> None:
        for item_id, numbered in values.items():
            self.document.find(item_id).numbered = numbered
        self.document.on_change(False, [])


class EditItemCommand(QUndoCommand):
    """Sets fields of an item (see ITEM_FIELDS); typing in one field is one step."""

    def __init__(
        self,
        document: PackDocument,
        item_id: str,
        values: dict[str, Any],
        text: str = "Edit",
        session: int = 0,
    ) -> None:
        super().__init__(text)
        self.session = session  # edits merge within one session of typing (-1: never)
        unknown = set(values) - set(ITEM_FIELDS)
        if unknown:
            raise ValueError(f"not an editable item field: {sorted(unknown)}")
        self.document = document
        self.item_id = item_id
        item = document.find(item_id)
        self.old = {name: copy.deepcopy(getattr(item, name)) for name in values}
        self.new = copy.deepcopy(values)
        self.setObsolete(self.old == self.new)

    def id(self) -> int:
        return EDIT_ITEM_ID

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 (Qt name)
        if not isinstance(other, EditItemCommand) or other.item_id != self.item_id:
            return False
        if self.session < 0 or other.session != self.session:
            return False
        if set(other.new) != set(self.new):
            return False
        self.new = copy.deepcopy(other.new)
        self.setObsolete(self.old == self.new)  # typed back to where it started: nothing to undo
        return True

    def redo(self) -> None:
        self._apply(self.new)

    def undo(self) -> None:
        self._apply(self.old)

    def _apply(self, values: dict[str, Any]) -> None:
        item = self.document.find(self.item_id)
        for name, value in values.items():
            if name == "qa":
                value = [QA(qa.question, qa.answer) for qa in value]
            setattr(item, name, copy.deepcopy(value))
        self.document.on_change(False, [])


class RenameItemCommand(EditItemCommand):
    """An item's title: a part heading's or written block's title, a section's printed heading."""

    def __init__(self, document: PackDocument, item_id: str, title: str, session: int = 0) -> None:
        super().__init__(document, item_id, {"title": title}, "Rename", session)


class EditCoverCommand(QUndoCommand):
    """Sets one cover field (`meeting.place` for the meeting's); typing in it is one step."""

    def __init__(self, document: PackDocument, name: str, value: Any, session: int = 0) -> None:
        super().__init__(f"Edit cover: {name.replace('meeting.', 'meeting ').replace('_', ' ')}")
        self.session = session
        if name not in COVER_FIELDS:
            raise ValueError(f"not a cover field: {name}")
        self.document = document
        self.name = name
        self.old = cover_value(document.pack, name)
        self.new = value
        self.setObsolete(self.old == self.new)

    def id(self) -> int:
        return EDIT_COVER_ID

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 (Qt name)
        if not isinstance(other, EditCoverCommand) or other.name != self.name:
            return False
        if self.session < 0 or other.session != self.session:
            return False
        self.new = other.new
        self.setObsolete(self.old == self.new)
        return True

    def redo(self) -> None:
        self._apply(self.new)

    def undo(self) -> None:
        self._apply(self.old)

    def _apply(self, value: Any) -> None:
        owner, attribute = _cover_owner(self.document.pack, self.name)
        setattr(owner, attribute, value)
        self.document.on_change(False, [])


class SetBuildChoicesCommand(QUndoCommand):
    """The template and paper the pack is built with, as last chosen in the build dialog."""

    def __init__(self, document: PackDocument, template: str, page_size: str) -> None:
        super().__init__("Build with another template or paper")
        self.document = document
        self.old = (document.pack.template, document.pack.page_size)
        self.new = (template, page_size)
        self.setObsolete(self.old == self.new)

    def redo(self) -> None:
        self._apply(self.new)

    def undo(self) -> None:
        self._apply(self.old)

    def _apply(self, values: tuple[str, str]) -> None:
        self.document.pack.template, self.document.pack.page_size = values
        self.document.on_change(False, [])


def cover_value(pack: Pack, name: str) -> Any:
    owner, attribute = _cover_owner(pack, name)
    return getattr(owner, attribute)


def _cover_owner(pack: Pack, name: str) -> tuple[Any, str]:
    if name.startswith("meeting."):
        return pack.meeting, name.split(".", 1)[1]
    return pack, name
