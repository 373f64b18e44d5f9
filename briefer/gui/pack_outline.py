"""The pack's items as an outline: part headings at the top, the items after each one under it.

A view of the pane's list of `PackItem`s, never a copy: after the pane changes the list
(always through an undo command) it calls `rebuild()` (items added, removed, moved) or
`refresh()` (content only). Headings are numbered as `assemble` numbers them, so the
outline shows what the built pack will print. A drop does not change the list: it asks
for a move (`move_requested`), which the pane turns into an undoable command. Which items
form a part and where a drop puts them are `briefer.packs.outline`'s rules; this model
turns them into rows and back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractItemModel, QByteArray, QMimeData, QModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QStyle

from briefer.packs import outline
from briefer.packs.estimate import written_words
from briefer.packs.model import PackItem
from briefer.packs.numbering import Numbering
from briefer.packs.wording import printed_heading

if TYPE_CHECKING:
    from briefer.gui.pack_session import SectionInfo

MIME_TYPE = "application/x-briefer-pack-item-ids"
SECTION_MIME = "application/x-briefer-section-ids"  # rows dragged from the results
ITEM_ID_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_ROLE = Qt.ItemDataRole.UserRole + 2
KIND_LABELS = {
    "section": "Section",
    "heading": "Part",
    "notes": "Notes",
    "objectives": "Objectives",
    "key_messages": "Key messages",
    "qa": "Q&A",
}
_ICONS = {
    "section": QStyle.StandardPixmap.SP_FileIcon,
    "heading": QStyle.StandardPixmap.SP_DirIcon,
    "notes": QStyle.StandardPixmap.SP_FileDialogDetailedView,
    "objectives": QStyle.StandardPixmap.SP_DialogApplyButton,
    "key_messages": QStyle.StandardPixmap.SP_MessageBoxInformation,
    "qa": QStyle.StandardPixmap.SP_MessageBoxQuestion,
}
_TOP = 0  # internal id of a top-level row; a child's is its parent's row + 1


def _label(number: str, text: str) -> str:
    return f"{number}. {text}" if number else text


class PackOutlineModel(QAbstractItemModel):
    move_requested = Signal(list, int)  # item ids, position in the item list before the move
    sections_dropped = Signal(list, int)  # section ids from the results, where in the item list

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[PackItem] = []
        self._sections: Mapping[str, SectionInfo] = {}
        self._top: list[int] = []  # item positions of the top-level rows
        self._children: dict[int, list[int]] = {}  # heading position -> positions of its items
        self._labels: list[str] = []
        self._icons: dict[str, QIcon] = {}

    # --- the list it shows --------------------------------------------------------------------

    def set_items(self, items: list[PackItem], sections: Mapping[str, SectionInfo]) -> None:
        """Show `items` (kept by reference) with what is known of their sections."""
        self._items, self._sections = items, sections
        self.rebuild()

    def rebuild(self) -> None:
        self.beginResetModel()
        grouping = outline.grouping(self._items)
        self._top, self._children = grouping.top, grouping.children
        self._number()
        self.endResetModel()

    def refresh(self) -> None:
        """After a change of content: labels and numbers may change, rows do not."""
        self._number()
        if self._top:
            last = self.index(len(self._top) - 1, 1)
            self.dataChanged.emit(self.index(0, 0), last)
            for row, position in enumerate(self._top):
                children = self._children.get(position, [])
                if children:
                    parent = self.index(row, 0)
                    self.dataChanged.emit(self.index(0, 0, parent), self.index(len(children) - 1, 1, parent))

    def _number(self) -> None:
        """The printed labels, numbered as `assemble` numbers parts and sections."""
        numbering = Numbering()
        self._labels = []
        for item in self._items:
            if item.kind == "heading":
                self._labels.append(_label(numbering.part(item.numbered), item.title))
            elif item.kind == "section":
                self._labels.append(_label(numbering.section(item.numbered), self._section_title(item)))
            else:
                self._labels.append(self._written_label(item))

    def _section_title(self, item: PackItem) -> str:
        info = self._sections.get(item.section_id or "")
        if item.title:
            return item.title
        if info is None:
            return f"Section {item.section_id} (not in the library)"
        return printed_heading(info.heading, info.number, item.numbered)

    def _written_label(self, item: PackItem) -> str:
        kind = KIND_LABELS[item.kind]
        title = item.display_title
        label = kind if title in (kind, "") else f"{kind}: {title}"
        if item.kind == "key_messages":
            return f"{label} ({len([m for m in item.messages if m.strip()])})"
        if item.kind == "qa":
            return f"{label} ({len([q for q in item.qa if q.question.strip()])})"
        return f"{label} ({written_words(item)} words)"

    # --- positions ----------------------------------------------------------------------------

    def item_at(self, index: QModelIndex) -> PackItem | None:
        position = self.position_of(index)
        return None if position is None else self._items[position]

    def position_of(self, index: QModelIndex) -> int | None:
        """The position in the item list of the item a row shows."""
        if not index.isValid():
            return None
        parent_id = index.internalId()
        if parent_id == _TOP:
            return self._top[index.row()] if index.row() < len(self._top) else None
        children = self._children.get(self._top[parent_id - 1], [])
        return children[index.row()] if index.row() < len(children) else None

    def index_of(self, item_id: str, column: int = 0) -> QModelIndex:
        for row, position in enumerate(self._top):
            if self._items[position].id == item_id:
                return self.index(row, column)
            for child_row, child in enumerate(self._children.get(position, [])):
                if self._items[child].id == item_id:
                    return self.index(child_row, column, self.index(row, 0))
        return QModelIndex()

    # --- QAbstractItemModel -------------------------------------------------------------------

    def index(self, row: int, column: int, parent: QModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column not in (0, 1) or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, _TOP) if row < len(self._top) else QModelIndex()
        if parent.internalId() != _TOP:
            return QModelIndex()
        children = self._children.get(self._top[parent.row()], [])
        return self.createIndex(row, column, parent.row() + 1) if row < len(children) else QModelIndex()

    def parent(self, child: QModelIndex | None = None) -> Any:  # type: ignore[override]
        if child is None:  # QObject.parent()
            return super().parent()
        if not child.isValid() or child.internalId() == _TOP:
            return QModelIndex()
        return self.createIndex(child.internalId() - 1, 0, _TOP)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        if not parent.isValid():
            return len(self._top)
        if parent.internalId() != _TOP or parent.column() != 0:
            return 0
        return len(self._children.get(self._top[parent.row()], []))

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 2

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return ("Item", "Meeting")[section] if section in (0, 1) else None
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        position = self.position_of(index)
        if position is None:
            return None
        item = self._items[position]
        info = self._sections.get(item.section_id or "") if item.kind == "section" else None
        if role == ITEM_ID_ROLE:
            return item.id
        if role == KIND_ROLE:
            return item.kind
        if index.column() == 1:
            return self._meeting_data(info, role)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._labels[position]
        if role == Qt.ItemDataRole.DecorationRole:
            return self._icon(item.kind)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(item, info)
        if role == Qt.ItemDataRole.FontRole and item.kind == "heading":
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and self._not_printed(item, info):
            return QApplication.palette().brush(QPalette.ColorRole.PlaceholderText)
        return None

    def _meeting_data(self, info: SectionInfo | None, role: int) -> Any:
        if info is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return info.meeting
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{info.meeting}, {info.date}" if info.date else info.meeting
        return None

    def _icon(self, kind: str) -> QIcon:
        if kind not in self._icons:
            self._icons[kind] = QApplication.style().standardIcon(_ICONS[kind])
        return self._icons[kind]

    def _tooltip(self, item: PackItem, info: SectionInfo | None) -> str:
        if item.kind == "section":
            if info is None:
                return "This section is not in the library: remove it, or add its report again"
            when = f", {info.date}" if info.date else ""
            return f"{info.heading}\n{info.meeting}{when}\n{info.words} words"
        if item.kind == "heading":
            return "Part heading: the items under it form a part of the pack"
        label = self._labels[self._items.index(item)]
        if self._not_printed(item, None):
            return f"{label}: empty, so it is left out of the built pack"
        return label

    @staticmethod
    def _not_printed(item: PackItem, info: SectionInfo | None) -> bool:
        if item.kind == "section":
            return info is None
        if item.kind == "heading":
            return False
        return written_words(item) == 0

    # --- drag and drop ------------------------------------------------------------------------

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        item = self.item_at(index)
        if item is None:
            return Qt.ItemFlag.ItemIsDropEnabled  # the empty space below the rows
        if item.kind == "heading" and index.column() == 0:
            return base | Qt.ItemFlag.ItemIsDropEnabled
        return base

    def supportedDropActions(self) -> Qt.DropAction:  # noqa: N802
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [MIME_TYPE, SECTION_MIME]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:  # noqa: N802
        """The dragged items' ids in pack order; a part heading brings its items along."""
        positions = [self.position_of(index) for index in indexes]
        chosen = outline.with_parts(self._items, [p for p in positions if p is not None])
        ids = [self._items[p].id for p in chosen]
        data = QMimeData()
        data.setData(MIME_TYPE, QByteArray("\n".join(ids).encode("utf-8")))
        return data

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: QModelIndex
    ) -> bool:  # noqa: N802
        if data.hasFormat(SECTION_MIME):
            return bool(self.dropped_sections(data)) and self._raw_drop_position(row, parent) is not None
        return self.drop_position(data, row, parent) is not None

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: QModelIndex
    ) -> bool:  # noqa: N802
        if action == Qt.DropAction.IgnoreAction:
            return True
        if data.hasFormat(SECTION_MIME):  # results dropped: added there (by the main window)
            position = self._raw_drop_position(row, parent)
            ids = self.dropped_sections(data)
            if position is None or not ids:
                return False
            self.sections_dropped.emit(ids, position)
            return True
        position = self.drop_position(data, row, parent)
        if position is None:
            return False
        self.move_requested.emit(self.dropped_ids(data), position)
        return True

    def removeRows(self, row: int, count: int, parent: QModelIndex = QModelIndex()) -> bool:  # noqa: N802, B008
        """Never: the view asks after a move drop, but the move command has moved the items."""
        return False

    def dropped_ids(self, data: QMimeData) -> list[str]:
        if not data.hasFormat(MIME_TYPE):
            return []
        known = {item.id for item in self._items}
        raw = bytes(data.data(MIME_TYPE).data()).decode("utf-8")
        return [item_id for item_id in raw.split("\n") if item_id in known]

    @staticmethod
    def dropped_sections(data: QMimeData) -> list[str]:
        """The section ids of results dragged here."""
        if not data.hasFormat(SECTION_MIME):
            return []
        raw = bytes(data.data(SECTION_MIME).data()).decode("utf-8")
        return [section_id for section_id in raw.split("\n") if section_id]

    def drop_position(self, data: QMimeData, row: int, parent: QModelIndex) -> int | None:
        """Where in the item list a drop at (row, parent) puts the dragged items, or None
        when it cannot go there."""
        position = self._raw_drop_position(row, parent)
        if position is None:
            return None
        onto_heading = row == -1 and parent.isValid()
        return outline.drop_position(self._items, self.dropped_ids(data), position, onto_heading)

    def _raw_drop_position(self, row: int, parent: QModelIndex) -> int | None:
        if not parent.isValid():
            if row < 0 or row >= len(self._top):
                return len(self._items)
            return self._top[row]
        heading = self.position_of(parent)
        if heading is None or parent.internalId() != _TOP or self._items[heading].kind != "heading":
            return None
        children = self._children.get(heading, [])
        if row < 0 or row >= len(children):
            return heading + len(children) + 1
        return children[row]
