"""The pack's outline as the user works on it: the tree of parts and items, and its actions
(add a part heading or a written block, remove, number, move up and down, drag and drop).

Every action is an undo command pushed on the pane's `PackSession`; where the items go is
decided by `briefer.packs.outline`. The widget follows the session: after a change the pane
calls `rebuild` (items added, removed or moved) or `refresh` (content only).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QStyle,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from briefer.gui.pack_commands import (
    AddItemsCommand,
    MoveItemsCommand,
    RemoveItemsCommand,
    SetNumberedCommand,
)
from briefer.gui.pack_outline import ITEM_ID_ROLE, KIND_LABELS, MIME_TYPE, SECTION_MIME, PackOutlineModel
from briefer.gui.pack_session import PackSession, count
from briefer.packs import outline
from briefer.packs.model import PackItem

WRITTEN_KINDS = ("notes", "objectives", "key_messages", "qa")


class PackOutlineView(QWidget):
    current_changed = Signal(object)  # the current item's id, or None: the one to show in the editor
    section_activated = Signal(str)  # a section item was selected or double-clicked: its id
    item_added = Signal(str)  # the kind of the item just added from the Add menu, to edit it
    message = Signal(str)  # what an action did, or why it did nothing
    sections_dropped = Signal(list, int)  # results dropped here: section ids, position in the items

    def __init__(self, session: PackSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._current_id: str | None = None
        self._collapsed: set[str] = set()
        self._drop_position: int | None = None  # while dropped sections are added
        self.model = PackOutlineModel(self)
        self.model.move_requested.connect(self._move)
        self.model.sections_dropped.connect(self.sections_dropped)
        self._build_actions()
        self._build_ui()
        self.show_items()

    # --- the API the pane uses ----------------------------------------------------------------

    @property
    def current_id(self) -> str | None:
        return self._current_id

    def show_items(self) -> None:
        """Show the session's pack afresh: nothing current, every part expanded."""
        self._current_id = None
        self._collapsed.clear()
        self.model.set_items(self.session.items, self.session.sections)
        self._expand()
        self._update_actions()

    def rebuild(self, item_ids: list[str]) -> None:
        """After items were added, removed or moved: select `item_ids` (none: the current item)."""
        self.model.rebuild()
        self._expand()
        self._select(item_ids or ([self._current_id] if self._current_id else []))

    def refresh(self) -> None:
        """After a change of content: labels and numbers."""
        self.model.refresh()

    def insert_position(self) -> int:
        if self._drop_position is not None:
            return min(self._drop_position, len(self.session.items))
        return outline.insert_position(self.session.items, self._current_id)

    def add_at(self, position: int, add: Callable[[], None]) -> None:
        """Run `add` (which adds items at `insert_position()`) with the items going to
        `position` instead: where results were dropped."""
        self._drop_position = position
        try:
            add()
        finally:
            self._drop_position = None

    # --- layout -------------------------------------------------------------------------------

    def _action(
        self, text: str, tip: str, slot: Callable[[], None], icon: QStyle.StandardPixmap | None = None
    ) -> QAction:
        action = QAction(text, self)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        sp = QStyle.StandardPixmap
        self.add_heading_action = self._action(
            "Part heading",
            "Add a part heading: the items after it form a part",
            self._add_heading,
            sp.SP_DirIcon,
        )
        self.add_written_actions = {
            kind: self._action(
                KIND_LABELS[kind],
                f"Add {KIND_LABELS[kind].lower()} you write",
                lambda _checked=False, k=kind: self._add_written(k),
            )
            for kind in WRITTEN_KINDS
        }
        self.add_written_actions["qa"].setText("Q&&A (if raised)")
        self.remove_action = self._action(
            "Remove", "Remove the selected items (Delete)", self._remove, sp.SP_TrashIcon
        )
        self.remove_action.setShortcut(QKeySequence.StandardKey.Delete)
        self.number_action = self._action(
            "Number",
            "Number or unnumber the selected headings and sections (Ctrl+Shift+N)",
            self._toggle_numbered,
        )
        self.number_action.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.up_action = self._action(
            "Move up", "Move the selected items up (Alt+Up)", self._move_up, sp.SP_ArrowUp
        )
        self.up_action.setShortcut(QKeySequence("Alt+Up"))
        self.down_action = self._action(
            "Move down", "Move the selected items down (Alt+Down)", self._move_down, sp.SP_ArrowDown
        )
        self.down_action.setShortcut(QKeySequence("Alt+Down"))
        self._outline_keys = (self.remove_action, self.number_action, self.up_action, self.down_action)
        for action in self._outline_keys:
            # Only while the outline has focus: Delete in a text field deletes text.
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)

    def _build_ui(self) -> None:
        self.add_menu = QMenu("Add", self)
        self.add_menu.addAction(self.add_heading_action)
        self.add_menu.addSeparator()
        self.add_menu.addActions(list(self.add_written_actions.values()))
        self.add_button = QToolButton(self)
        self.add_button.setText("Add")
        self.add_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogNewFolder))
        self.add_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.add_button.setMenu(self.add_menu)
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.add_button.setAccessibleName("Add a part heading or a block you write")
        self.add_button.setToolTip("Add a part heading, notes, objectives, key messages or Q&A")
        buttons = QHBoxLayout()
        buttons.setSpacing(2)
        buttons.addWidget(self.add_button)
        for action in self._outline_keys:
            buttons.addWidget(self._tool_button(action))
        buttons.addStretch(1)

        self.tree = QTreeView(self)
        self.tree.installEventFilter(self)
        self.tree.setModel(self.model)
        self.tree.setAccessibleName("Pack outline")
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Items move within the outline; results come in from the results table (copied).
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.tree.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.tree.setDropIndicatorShown(True)
        self.tree.setTabKeyNavigation(False)
        self.tree.viewport().installEventFilter(self)
        self.tree.setExpandsOnDoubleClick(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.tree.setColumnWidth(1, 110)
        self.tree.addActions(list(self._outline_keys))
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        self.tree.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        self.tree.doubleClicked.connect(self._activated)
        self.tree.expanded.connect(
            lambda index: self._collapsed.discard(self.model.data(index, ITEM_ID_ROLE))
        )
        self.tree.collapsed.connect(lambda index: self._collapsed.add(self.model.data(index, ITEM_ID_ROLE)))

        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(buttons)
        column.addWidget(self.tree, 1)

    def _tool_button(self, action: QAction) -> QToolButton:
        button = QToolButton(self)
        button.setDefaultAction(action)
        button.setAccessibleName(action.text())
        button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        if action.icon().isNull():
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        return button

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        """The outline's keys also when the window is not the active one (Qt dispatches
        shortcuts to the active window only; a key sent to the outline still means them)."""
        kind = event.type()
        if watched is self.tree.viewport() and kind in (
            QEvent.Type.DragEnter,
            QEvent.Type.DragMove,
            QEvent.Type.Drop,
        ):
            return self._filter_drag(event)
        if watched is self.tree and kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            pressed = QKeySequence(event.keyCombination())
            for action in self._outline_keys:
                exact = action.shortcut().matches(pressed) == QKeySequence.SequenceMatch.ExactMatch
                if action.isEnabled() and exact:
                    event.accept()  # as an override: delivered here as a key press, not as a shortcut
                    if kind == QEvent.Type.KeyPress:
                        action.trigger()
                    return kind == QEvent.Type.KeyPress
        return super().eventFilter(watched, event)

    def _filter_drag(self, event) -> bool:
        """Pack items move only within this outline; results dropped from elsewhere are
        copied in. Anything else is refused. False: the view goes on with the drag."""
        data = event.mimeData()
        if data.hasFormat(SECTION_MIME) and event.source() is not self.tree:
            if event.possibleActions() & Qt.DropAction.CopyAction:
                event.setDropAction(Qt.DropAction.CopyAction)
                return False
        elif data.hasFormat(MIME_TYPE) and event.source() is self.tree:
            return False
        event.ignore()
        return True

    def _context_menu(self, point) -> None:
        menu = QMenu(self)
        menu.addMenu(self.add_menu)
        menu.addSeparator()
        menu.addActions(list(self._outline_keys))
        menu.exec(self.tree.viewport().mapToGlobal(point))

    def _update_actions(self) -> None:
        selected = bool(self.tree.selectionModel().selectedRows(0))
        for action in self._outline_keys:
            action.setEnabled(selected)

    # --- the actions --------------------------------------------------------------------------

    def _selected_ids(self) -> list[str]:
        """The selected items in pack order."""
        rows = self.tree.selectionModel().selectedRows(0)
        wanted = {self.model.data(index, ITEM_ID_ROLE) for index in rows}
        return [item.id for item in self.session.items if item.id in wanted]

    def _add(self, item: PackItem, text: str) -> None:
        self.session.flush()
        self.session.push(AddItemsCommand(self.session.document, [item], self.insert_position(), text))
        self.item_added.emit(item.kind)

    def _add_heading(self) -> None:
        self._add(PackItem.heading("New part"), "Add part heading")

    def _add_written(self, kind: str) -> None:
        self._add(PackItem(kind, numbered=False), f"Add {KIND_LABELS[kind].lower()}")

    def _remove(self) -> None:
        ids = self._selected_ids()
        if not ids:
            return
        self.session.flush()
        headings = sum(1 for item_id in ids if self.session.item(item_id).kind == "heading")  # type: ignore[union-attr]
        self.session.push(RemoveItemsCommand(self.session.document, ids, f"Remove {count(len(ids), 'item')}"))
        note = "; the items of a removed part join the part before it" if headings else ""
        self.message.emit(f"Removed {count(len(ids), 'item')}{note}. Undo brings them back.")

    def _toggle_numbered(self) -> None:
        items = [self.session.item(item_id) for item_id in self._selected_ids()]
        items = [item for item in items if item is not None and item.kind in ("section", "heading")]
        if not items:
            self.message.emit("Only part headings and sections are numbered.")
            return
        numbered = not all(item.numbered for item in items)
        self.session.push(SetNumberedCommand(self.session.document, [item.id for item in items], numbered))

    def _move(self, ids: list[str], position: int) -> None:
        """A drop, or Move up/down: one undoable step."""
        self.session.flush()
        command = MoveItemsCommand(self.session.document, ids, position, f"Move {count(len(ids), 'item')}")
        if not command.isObsolete():
            self.session.push(command)

    def _move_up(self) -> None:
        move = outline.move_up(self.session.items, self._selected_ids())
        if move is not None:
            self._move(move.ids, move.position)

    def _move_down(self) -> None:
        move = outline.move_down(self.session.items, self._selected_ids())
        if move is not None:
            self._move(move.ids, move.position)

    # --- selection ----------------------------------------------------------------------------

    def _expand(self) -> None:
        self.tree.expandAll()
        for item_id in list(self._collapsed):
            index = self.model.index_of(item_id)
            if index.isValid():
                self.tree.collapse(index)
            else:
                self._collapsed.discard(item_id)

    def _select(self, item_ids: list[str]) -> None:
        indexes = [self.model.index_of(item_id) for item_id in item_ids]
        indexes = [index for index in indexes if index.isValid()]
        selection = QItemSelection()
        for index in indexes:
            selection.select(index, index.siblingAtColumn(1))
        flags = QItemSelectionModel.SelectionFlag
        if indexes:
            self.tree.selectionModel().setCurrentIndex(indexes[0], flags.NoUpdate)
            self.tree.scrollTo(indexes[0])
        else:
            self._current_id = None
            self.current_changed.emit(None)
        self.tree.selectionModel().select(selection, flags.ClearAndSelect)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.session.end_typing()  # the edit typed for the previous item belongs to it
        item = self.model.item_at(current)
        self._current_id = item.id if item else None
        self.current_changed.emit(self._current_id)
        self._update_actions()
        if item is not None and item.kind == "section" and item.section_id:
            self.section_activated.emit(item.section_id)

    def _activated(self, index: QModelIndex) -> None:
        item = self.model.item_at(index)
        if item is not None and item.kind == "section" and item.section_id:
            self.section_activated.emit(item.section_id)
