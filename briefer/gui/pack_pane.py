"""The Pack pane: the outline of the pack being composed, an editor for the selected item,
the cover details, and an estimate of the built pack's length.

The pane never reads the library: the main window gives it the pack and what it needs to
know of the pack's sections (`SectionInfo`, fetched on the library worker), and asks it
for the pack (`pack()`) to save or build it. Every edit goes through `undo_stack`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QRegularExpression,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QKeySequence, QPalette, QRegularExpressionValidator, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from briefer.export.templates import Template
from briefer.gui.pack_commands import (
    AddItemsCommand,
    EditCoverCommand,
    EditItemCommand,
    MoveItemsCommand,
    PackDocument,
    RemoveItemsCommand,
    RenameItemCommand,
    SetNumberedCommand,
    cover_value,
)
from briefer.gui.pack_outline import ITEM_ID_ROLE, KIND_LABELS, PackOutlineModel
from briefer.packs import outline
from briefer.packs.estimate import estimate
from briefer.packs.model import QA, WRITTEN_TITLES, Pack, PackItem
from briefer.packs.wording import printed_heading

IDLE_MS = 600  # typing pauses this long before an edit is applied
MARKINGS = ("", "UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL", "SECRET")
ERROR_COLOUR = "#d0453b"  # a mid red, readable on light and dark backgrounds
_DATE_TYPING = QRegularExpression(r"\d{0,4}(-\d{0,2}(-\d{0,2})?)?")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True, slots=True)
class SectionInfo:
    """What the pane shows of a library section."""

    id: str
    heading: str
    meeting: str  # the meeting's label
    date: str | None  # the meeting's start date, YYYY-MM-DD
    words: int
    number: str | None = None  # the report's own number ("II."): dropped when the pack numbers it


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


class _Debouncer(QObject):
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


class _TextEdit(QPlainTextEdit):
    """Plain text that tells when it loses focus; Tab moves on (keyboard users)."""

    focus_lost = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)

    def focusOutEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().focusOutEvent(event)
        self.focus_lost.emit()


class PackPane(QWidget):
    pack_changed = Signal()  # after any edit, undo or redo (not after set_pack)
    section_activated = Signal(str)  # a section item was selected or double-clicked: its id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pack = Pack("Untitled pack")
        self._sections: dict[str, SectionInfo] = {}
        self._template: Template | None = None
        self._document = PackDocument(self._pack, self._on_change)
        self._current_id: str | None = None
        self._collapsed: set[str] = set()
        self._loading = False  # filling the editors from the pack: their signals are not edits
        self._applying = False  # an edit from the editors: do not refill them
        self._session = 0  # edits merge into one undo step until the user leaves the field
        self._debouncer = _Debouncer(self)
        self.undo_stack = PackUndoStack(self._debouncer.flush, self)
        self.model = PackOutlineModel(self)
        self.model.move_requested.connect(self._move)
        self._build_ui()
        self.model.set_items(self._pack.items, self._sections)
        self._load_cover()
        self._load_editor()
        self._update_estimate()
        self._update_actions()

    # --- the API the main window uses ---------------------------------------------------------

    def set_pack(self, pack: Pack, sections: Mapping[str, SectionInfo]) -> None:
        """Show and edit a copy of `pack`; the undo history starts afresh."""
        self._debouncer.cancel()
        self._pack = Pack.from_json(pack.to_json(), f"pack '{pack.title}'")
        self._sections = dict(sections)
        self._document = PackDocument(self._pack, self._on_change)
        self._current_id = None
        self._collapsed.clear()
        self.undo_stack.clear()
        self.model.set_items(self._pack.items, self._sections)
        self._expand()
        self._load_cover()
        self._load_editor()
        self._update_estimate()
        self._update_actions()
        self.status.clear()

    def add_sections(self, infos: list[SectionInfo]) -> None:
        """Add sections after the current item (at the end of the current part when a part
        heading is current); sections already in the pack are not added again."""
        present = set(self._pack.section_ids())
        fresh: list[SectionInfo] = []
        for info in infos:
            self._sections[info.id] = info
            if info.id not in present:
                present.add(info.id)
                fresh.append(info)
        self.model.refresh()  # sections already there may now be known
        skipped = len(infos) - len(fresh)
        if fresh:
            items = [PackItem.section(info.id) for info in fresh]
            text = f"Add {_count(len(items), 'section')}"
            self.undo_stack.push(AddItemsCommand(self._document, items, self._insert_position(), text))
        self.status.setText(_added_message(fresh, skipped, infos))

    def pack(self) -> Pack:
        """A copy of the pack as edited, including what is being typed."""
        self._debouncer.flush()
        return Pack.from_json(self._pack.to_json(), f"pack '{self._pack.title}'")

    def is_modified(self) -> bool:
        self._debouncer.flush()
        return not self.undo_stack.isClean()

    def mark_saved(self) -> None:
        self._debouncer.flush()
        self.undo_stack.setClean()

    def set_template(self, template: Template | None) -> None:
        self._template = template
        self._update_estimate()

    # --- layout -------------------------------------------------------------------------------

    def _build_ui(self) -> None:
        self._build_actions()
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("Pack")
        self.tabs.addTab(self._build_outline_tab(), "&Outline")
        self.tabs.addTab(self._build_cover_tab(), "Cove&r")
        self.estimate_label = QLabel(self)
        self.estimate_label.setAccessibleName("Estimated length of the pack")
        self.status = QLabel(self)
        self.status.setAccessibleName("Pack status")
        self.status.setWordWrap(True)
        _muted(self.status)
        column = QVBoxLayout(self)
        column.setContentsMargins(6, 6, 6, 6)
        column.setSpacing(4)
        column.addWidget(self.tabs, 1)
        column.addWidget(self.estimate_label)
        column.addWidget(self.status)

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
            for kind in ("notes", "objectives", "key_messages", "qa")
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

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        """The outline's keys also when the window is not the active one (Qt dispatches
        shortcuts to the active window only; a key sent to the outline still means them)."""
        kind = event.type()
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

    def _build_outline_tab(self) -> QWidget:
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
        for action in (self.remove_action, self.number_action, self.up_action, self.down_action):
            buttons.addWidget(self._tool_button(action))
        buttons.addStretch(1)

        self.tree = QTreeView(self)
        self.tree.installEventFilter(self)
        self.tree.setModel(self.model)
        self.tree.setAccessibleName("Pack outline")
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.tree.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.tree.setDropIndicatorShown(True)
        self.tree.setExpandsOnDoubleClick(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.tree.setColumnWidth(1, 110)
        self.tree.addActions([self.remove_action, self.number_action, self.up_action, self.down_action])
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        self.tree.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        self.tree.doubleClicked.connect(self._activated)
        self.tree.expanded.connect(
            lambda index: self._collapsed.discard(self.model.data(index, ITEM_ID_ROLE))
        )
        self.tree.collapsed.connect(lambda index: self._collapsed.add(self.model.data(index, ITEM_ID_ROLE)))

        top = QWidget(self)
        top_column = QVBoxLayout(top)
        top_column.setContentsMargins(0, 0, 0, 0)
        top_column.addLayout(buttons)
        top_column.addWidget(self.tree, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(top)
        self.splitter.addWidget(self._build_editor())
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        return self.splitter

    def _tool_button(self, action: QAction) -> QToolButton:
        button = QToolButton(self)
        button.setDefaultAction(action)
        button.setAccessibleName(action.text())
        button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        if action.icon().isNull():
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        return button

    # --- the editor of the selected item ------------------------------------------------------

    def _build_editor(self) -> QWidget:
        self.editor = QStackedWidget(self)
        self.editor.setAccessibleName("Selected item")
        self.empty_page = QLabel(
            "Select an item of the outline to edit it.\nAdd sections from the results.", self
        )
        self.empty_page.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_page.setWordWrap(True)
        _muted(self.empty_page)
        self.editor.addWidget(self.empty_page)
        self.editor.addWidget(self._build_section_page())
        self.editor.addWidget(self._build_written_page())
        return self.editor

    def _build_section_page(self) -> QWidget:
        self.section_page = QWidget(self)
        self.section_heading = QLabel(self)
        self.section_heading.setWordWrap(True)
        self.section_heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.section_heading.setAccessibleName("Section heading in the report")
        font = self.section_heading.font()
        font.setBold(True)
        self.section_heading.setFont(font)
        self.section_meeting = QLabel(self)
        self.section_meeting.setWordWrap(True)
        self.section_meeting.setAccessibleName("Meeting of the section")
        _muted(self.section_meeting)
        self.section_title = QLineEdit(self)
        self.section_title.setAccessibleName("Printed heading of the section")
        self.section_title.setToolTip(
            "The heading printed in the pack; leave empty to print the report's own"
        )
        self.section_title.setClearButtonEnabled(True)
        self.section_title.textEdited.connect(lambda _text: self._schedule_item("title", self._apply_title))
        self.section_title.editingFinished.connect(lambda: self._finish_item("title", self._apply_title))
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow("Printed as:", self.section_title)
        column = QVBoxLayout(self.section_page)
        column.setContentsMargins(0, 6, 0, 0)
        column.addWidget(self.section_heading)
        column.addWidget(self.section_meeting)
        column.addLayout(form)
        column.addStretch(1)
        return self.section_page

    def _build_written_page(self) -> QWidget:
        self.written_page = QWidget(self)
        self.written_kind = QLabel(self)
        font = self.written_kind.font()
        font.setBold(True)
        self.written_kind.setFont(font)
        self.title_edit = QLineEdit(self)
        self.title_edit.setAccessibleName("Title")
        self.title_edit.textEdited.connect(lambda _text: self._schedule_item("title", self._apply_title))
        self.title_edit.editingFinished.connect(lambda: self._finish_item("title", self._apply_title))
        title_row = QFormLayout()
        title_row.addRow("&Title:", self.title_edit)

        self.text_edit = _TextEdit(self)
        self.text_edit.setAccessibleName("Text")
        self.text_edit.textChanged.connect(lambda: self._schedule_item("text", self._apply_text))
        self.text_edit.focus_lost.connect(self._end_session)
        self.messages_edit = _TextEdit(self)
        self.messages_edit.setAccessibleName("Key messages, one per line")
        self.messages_edit.setPlaceholderText("One message per line")
        self.messages_edit.textChanged.connect(lambda: self._schedule_item("messages", self._apply_messages))
        self.messages_edit.focus_lost.connect(self._end_session)
        self.body = QStackedWidget(self)
        self.body.addWidget(QWidget(self))  # a part heading: its title only
        self.body.addWidget(self.text_edit)
        self.body.addWidget(self.messages_edit)
        self.body.addWidget(self._build_qa())

        column = QVBoxLayout(self.written_page)
        column.setContentsMargins(0, 6, 0, 0)
        column.addWidget(self.written_kind)
        column.addLayout(title_row)
        column.addWidget(self.body, 1)
        return self.written_page

    def _build_qa(self) -> QWidget:
        self.qa_table = QTableWidget(0, 2, self)
        self.qa_table.setAccessibleName("Questions and answers")
        self.qa_table.setHorizontalHeaderLabels(["Question", "Answer"])
        self.qa_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.qa_table.verticalHeader().hide()
        self.qa_table.setWordWrap(True)
        self.qa_table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.qa_table.itemChanged.connect(lambda _item: self._schedule_item("qa", self._apply_qa))
        add = QToolButton(self)
        add.setText("Add question")
        add.setAccessibleName("Add a question")
        add.setToolTip("Add a row for a question and its answer")
        add.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        add.clicked.connect(self._add_qa_row)
        remove = QToolButton(self)
        remove.setText("Remove question")
        remove.setAccessibleName("Remove the selected question")
        remove.setToolTip("Remove the selected question and its answer")
        remove.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        remove.clicked.connect(self._remove_qa_row)
        self.qa_add_button, self.qa_remove_button = add, remove
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        box = QWidget(self)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.qa_table, 1)
        column.addLayout(row)
        return box

    def _load_editor(self) -> None:
        item = self._current_item()
        self._loading = True
        try:
            if item is None:
                self.editor.setCurrentWidget(self.empty_page)
            elif item.kind == "section":
                self._load_section(item)
            else:
                self._load_written(item)
        finally:
            self._loading = False

    def _load_section(self, item: PackItem) -> None:
        info = self._sections.get(item.section_id or "")
        self.editor.setCurrentWidget(self.section_page)
        if info is None:
            self.section_heading.setText(f"Section {item.section_id}")
            self.section_meeting.setText("Not in the library: remove it, or add its report again.")
        else:
            self.section_heading.setText(f"In the report: {info.heading}")
            when = f" · {info.date}" if info.date else ""
            self.section_meeting.setText(f"{info.meeting}{when} · {info.words} words")
        own = printed_heading(info.heading, info.number, item.numbered) if info else ""
        self.section_title.setPlaceholderText(own or "The report's heading")
        self._set_line(self.section_title, item.title)

    def _load_written(self, item: PackItem) -> None:
        self.editor.setCurrentWidget(self.written_page)
        self.written_kind.setText("Part heading" if item.kind == "heading" else KIND_LABELS[item.kind])
        self.title_edit.setPlaceholderText(WRITTEN_TITLES.get(item.kind, "The part's title"))
        self._set_line(self.title_edit, item.title)
        pages = {"heading": 0, "notes": 1, "objectives": 1, "key_messages": 2, "qa": 3}
        self.body.setCurrentIndex(pages[item.kind])
        if item.kind in ("notes", "objectives"):
            self._set_text(self.text_edit, item.text)
            self.text_edit.setPlaceholderText(
                "What the delegation should aim for" if item.kind == "objectives" else "Your notes"
            )
        elif item.kind == "key_messages":
            self._set_text(self.messages_edit, "\n".join(item.messages))
        elif item.kind == "qa":
            self.qa_table.setRowCount(len(item.qa))
            for row, qa in enumerate(item.qa):
                self.qa_table.setItem(row, 0, QTableWidgetItem(qa.question))
                self.qa_table.setItem(row, 1, QTableWidgetItem(qa.answer))
            self.qa_table.resizeRowsToContents()

    @staticmethod
    def _set_line(edit: QLineEdit, text: str) -> None:
        if edit.text() != text:
            edit.setText(text)

    @staticmethod
    def _set_text(edit: QPlainTextEdit, text: str) -> None:
        if edit.toPlainText() != text:
            edit.setPlainText(text)

    # --- applying the editor's edits ----------------------------------------------------------

    def _schedule_item(self, field: str, apply: Callable[[str], None]) -> None:
        if self._loading or self._current_id is None:
            return
        item_id = self._current_id  # the item being edited now, even if the selection moves
        self._debouncer.schedule((item_id, field), lambda: apply(item_id))

    def _finish_item(self, field: str, apply: Callable[[str], None]) -> None:
        """Return or leaving the field: apply now (also text set without typing, e.g. pasted)."""
        self._schedule_item(field, apply)
        self._end_session()

    def _end_session(self) -> None:
        """Apply what is pending; the next edit is a new undo step."""
        self._debouncer.flush()
        self._session += 1

    def _push_edit(self, command: EditItemCommand) -> None:
        self._applying = True
        try:
            self.undo_stack.push(command)
        finally:
            self._applying = False

    def _item(self, item_id: str) -> PackItem | None:
        return next((item for item in self._pack.items if item.id == item_id), None)

    def _apply_title(self, item_id: str) -> None:
        item = self._item(item_id)
        if item is None:
            return
        edit = self.section_title if item.kind == "section" else self.title_edit
        title = edit.text().strip()
        if item.kind == "heading" and not title:
            self.status.setText("A part heading needs a title; the previous one is kept.")
            return
        if title != item.title:
            self._push_edit(RenameItemCommand(self._document, item_id, title, self._session))

    def _apply_text(self, item_id: str) -> None:
        if self._item(item_id) is not None:
            self._push_edit(
                EditItemCommand(
                    self._document,
                    item_id,
                    {"text": self.text_edit.toPlainText()},
                    "Edit text",
                    self._session,
                )
            )

    def _apply_messages(self, item_id: str) -> None:
        lines = [line.strip() for line in self.messages_edit.toPlainText().splitlines()]
        messages = [line for line in lines if line]
        item = self._item(item_id)
        if item is not None and messages != item.messages:
            self._push_edit(
                EditItemCommand(self._document, item_id, {"messages": messages}, "Edit key messages")
            )

    def _apply_qa(self, item_id: str, session: int | None = None) -> None:
        pairs = [QA(self._cell(row, 0), self._cell(row, 1)) for row in range(self.qa_table.rowCount())]
        pairs = [qa for qa in pairs if qa.question or qa.answer]
        item = self._item(item_id)
        if item is not None and pairs != item.qa:
            session = self._session if session is None else session
            self._push_edit(
                EditItemCommand(self._document, item_id, {"qa": pairs}, "Edit questions", session)
            )

    def _cell(self, row: int, column: int) -> str:
        cell = self.qa_table.item(row, column)
        return cell.text().strip() if cell else ""

    def _add_qa_row(self) -> None:
        row = self.qa_table.rowCount()
        self.qa_table.insertRow(row)
        self.qa_table.setCurrentCell(row, 0)
        self.qa_table.setFocus()
        self.qa_table.editItem(self.qa_table.item(row, 0) or self._new_cell(row, 0))

    def _new_cell(self, row: int, column: int) -> QTableWidgetItem:
        self._loading = True
        try:
            self.qa_table.setItem(row, column, QTableWidgetItem(""))
        finally:
            self._loading = False
        return self.qa_table.item(row, column)

    def _remove_qa_row(self) -> None:
        row = self.qa_table.currentRow()
        if row < 0 or self._current_id is None:
            return
        self._end_session()
        self.qa_table.removeRow(row)
        self._apply_qa(self._current_id, session=-1)  # a step of its own

    # --- the cover ----------------------------------------------------------------------------

    def _build_cover_tab(self) -> QWidget:
        self.cover_fields: dict[str, QLineEdit] = {}
        self.cover_errors: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        rows = [
            ("title", "&Title", "The pack's title, on the cover and at the top of each page"),
            ("subtitle", "S&ubtitle", "A line under the title"),
            ("meeting.name", "&Meeting", "The meeting the pack prepares for"),
            ("meeting.place", "P&lace", "Where the meeting takes place"),
            ("meeting.start_date", "&Starts", "The meeting's first day, YYYY-MM-DD (optional)"),
            ("meeting.end_date", "E&nds", "The meeting's last day, YYYY-MM-DD (optional)"),
            ("delegation", "&Delegation", "The delegation the pack is for"),
            ("author", "&Author", "Who prepared the pack"),
            ("date", "Pac&k date", "The date printed on the cover, YYYY-MM-DD (optional)"),
        ]
        for name, label, tip in rows:
            form.addRow(label + ":", self._cover_field(name, label.replace("&", ""), tip))
        self.marking = QComboBox(self)
        self.marking.setEditable(True)
        self.marking.addItems(list(MARKINGS))
        self.marking.setAccessibleName("Marking")
        self.marking.setToolTip("The classification printed at the top and foot of every page")
        self.marking.currentTextChanged.connect(lambda _text: self._schedule_cover("marking"))
        self.marking.lineEdit().editingFinished.connect(lambda: self._finish_cover("marking"))
        form.addRow("Markin&g:", self.marking)
        self.draft = QCheckBox("Draft (a DRAFT mark on every page)", self)
        self.draft.setAccessibleName("Draft")
        self.draft.toggled.connect(lambda _on: self._finish_cover("draft"))
        form.addRow("", self.draft)

        inner = QWidget(self)
        inner.setLayout(form)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        return scroll

    def _cover_field(self, name: str, label: str, tip: str) -> QWidget:
        edit = QLineEdit(self)
        edit.setAccessibleName(label)
        edit.setToolTip(tip)
        is_date = name.endswith("date")
        if is_date:
            edit.setPlaceholderText("YYYY-MM-DD")
            edit.setValidator(QRegularExpressionValidator(_DATE_TYPING, edit))
        edit.textEdited.connect(lambda _text: self._schedule_cover(name))
        edit.editingFinished.connect(lambda: self._finish_cover(name))
        self.cover_fields[name] = edit
        if not is_date and name != "title":
            return edit
        error = QLabel(self)
        error.setWordWrap(True)
        error.setStyleSheet(f"color: {ERROR_COLOUR};")
        error.setAccessibleName(f"{label}: problem")
        error.hide()
        self.cover_errors[name] = error
        box = QWidget(self)
        box.setFocusProxy(edit)  # the label's mnemonic reaches the field
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addWidget(edit)
        column.addWidget(error)
        return box

    def _schedule_cover(self, name: str) -> None:
        if not self._loading:
            self._debouncer.schedule(("cover", name), lambda: self._apply_cover(name))

    def _finish_cover(self, name: str) -> None:
        self._schedule_cover(name)
        self._end_session()
        title = self.cover_fields.get("title")
        if name == "title" and title is not None and not title.text().strip():
            self._loading = True  # the title refused empty: show the one that is kept
            try:
                title.setText(self._pack.title)
            finally:
                self._loading = False

    def _apply_cover(self, name: str) -> None:
        if self._loading:
            return
        if name == "draft":
            value: object = self.draft.isChecked()
        elif name == "marking":
            value = self.marking.currentText().strip()
        else:
            value = self.cover_fields[name].text().strip()
            problem = self._cover_problem(name, value)
            self._show_cover_error(name, problem)
            if problem:
                return
            if name.endswith("date"):
                value = value or None
        if value != cover_value(self._pack, name):
            self._applying = True
            try:
                self.undo_stack.push(EditCoverCommand(self._document, name, value, self._session))
            finally:
                self._applying = False

    def _cover_problem(self, name: str, value: str) -> str:
        if name == "title":
            return "" if value else "A pack needs a title; the previous one is kept."
        if not name.endswith("date") or not value:
            return ""
        if not _valid_date(value):
            return "Not a date: write it as YYYY-MM-DD, e.g. 2027-01-12."
        start, end = self._pack.meeting.start_date, self._pack.meeting.end_date
        if name == "meeting.end_date" and start and value < start:
            return f"The meeting cannot end before it starts ({start})."
        if name == "meeting.start_date" and end and value > end:
            return f"The meeting cannot start after it ends ({end})."
        return ""

    def _show_cover_error(self, name: str, problem: str) -> None:
        error = self.cover_errors.get(name)
        if error is not None:
            error.setText(problem)
            error.setVisible(bool(problem))

    def _load_cover(self) -> None:
        self._loading = True
        try:
            for name, edit in self.cover_fields.items():
                value = cover_value(self._pack, name) or ""
                if edit.text() != value:
                    edit.setText(value)
                self._show_cover_error(name, "")
            if self.marking.currentText() != self._pack.marking:
                self.marking.setCurrentText(self._pack.marking)
            self.draft.setChecked(self._pack.draft)
        finally:
            self._loading = False

    # --- outline actions ----------------------------------------------------------------------

    def _selected_ids(self) -> list[str]:
        """The selected items in pack order."""
        rows = self.tree.selectionModel().selectedRows(0)
        wanted = {self.model.data(index, ITEM_ID_ROLE) for index in rows}
        return [item.id for item in self._pack.items if item.id in wanted]

    def _current_item(self) -> PackItem | None:
        return self._item(self._current_id) if self._current_id else None

    def _insert_position(self) -> int:
        return outline.insert_position(self._pack.items, self._current_id)

    def _add_heading(self) -> None:
        self._debouncer.flush()
        item = PackItem.heading("New part")
        self.undo_stack.push(
            AddItemsCommand(self._document, [item], self._insert_position(), "Add part heading")
        )
        self.title_edit.setFocus()
        self.title_edit.selectAll()

    def _add_written(self, kind: str) -> None:
        self._debouncer.flush()
        item = PackItem(kind, numbered=False)
        text = f"Add {KIND_LABELS[kind].lower()}"
        self.undo_stack.push(AddItemsCommand(self._document, [item], self._insert_position(), text))
        if kind == "qa":
            self._add_qa_row()
        else:
            (self.messages_edit if kind == "key_messages" else self.text_edit).setFocus()

    def _remove(self) -> None:
        ids = self._selected_ids()
        if not ids:
            return
        self._debouncer.flush()
        headings = sum(1 for item_id in ids if self._item(item_id).kind == "heading")  # type: ignore[union-attr]
        self.undo_stack.push(RemoveItemsCommand(self._document, ids, f"Remove {_count(len(ids), 'item')}"))
        note = "; the items of a removed part join the part before it" if headings else ""
        self.status.setText(f"Removed {_count(len(ids), 'item')}{note}. Undo brings them back.")

    def _toggle_numbered(self) -> None:
        items = [self._item(item_id) for item_id in self._selected_ids()]
        items = [item for item in items if item is not None and item.kind in ("section", "heading")]
        if not items:
            self.status.setText("Only part headings and sections are numbered.")
            return
        numbered = not all(item.numbered for item in items)
        self.undo_stack.push(SetNumberedCommand(self._document, [item.id for item in items], numbered))

    def _move(self, ids: list[str], position: int) -> None:
        """A drop, or Move up/down: one undoable step."""
        self._debouncer.flush()
        command = MoveItemsCommand(self._document, ids, position, f"Move {_count(len(ids), 'item')}")
        if not command.isObsolete():
            self.undo_stack.push(command)

    def _move_up(self) -> None:
        move = outline.move_up(self._pack.items, self._selected_ids())
        if move is not None:
            self._move(move.ids, move.position)

    def _move_down(self) -> None:
        move = outline.move_down(self._pack.items, self._selected_ids())
        if move is not None:
            self._move(move.ids, move.position)

    def _context_menu(self, point) -> None:
        menu = QMenu(self)
        menu.addMenu(self.add_menu)
        menu.addSeparator()
        menu.addActions([self.remove_action, self.number_action, self.up_action, self.down_action])
        menu.exec(self.tree.viewport().mapToGlobal(point))

    def _update_actions(self) -> None:
        selected = bool(self.tree.selectionModel().selectedRows(0))
        for action in (self.remove_action, self.number_action, self.up_action, self.down_action):
            action.setEnabled(selected)

    # --- after a change -----------------------------------------------------------------------

    def _on_change(self, structure: bool, item_ids: list[str]) -> None:
        if structure:
            self.model.rebuild()
            self._expand()
            self._select(item_ids or ([self._current_id] if self._current_id else []))
        else:
            self.model.refresh()
        if not self._applying:
            self._load_editor()
            self._load_cover()
        self._update_estimate()
        self.pack_changed.emit()

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
            self._load_editor()
        self.tree.selectionModel().select(selection, flags.ClearAndSelect)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._end_session()  # the edit typed for the previous item belongs to it
        item = self.model.item_at(current)
        self._current_id = item.id if item else None
        self._load_editor()
        self._update_actions()
        if item is not None and item.kind == "section" and item.section_id:
            self.section_activated.emit(item.section_id)

    def _activated(self, index: QModelIndex) -> None:
        item = self.model.item_at(index)
        if item is not None and item.kind == "section" and item.section_id:
            self.section_activated.emit(item.section_id)

    def _update_estimate(self) -> None:
        sections = len(self._pack.section_ids())
        if not self._pack.items:
            self.estimate_label.setText("Empty pack: add sections from the results")
            self.estimate_label.setToolTip("")
            return
        words = {section_id: info.words for section_id, info in self._sections.items()}
        result = estimate(self._pack, words, self._template)
        self.estimate_label.setText(
            f"≈ {_count(result.pages, 'page')} · {result.minutes} min reading · {_count(sections, 'section')}"
        )
        template = self._template.name if self._template else "the default template"
        self.estimate_label.setToolTip(
            f"{result.words} words; pages as printed with {template}, "
            "not counting sections that saved searches pull in at the build"
        )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _added_message(fresh: list[SectionInfo], skipped: int, infos: list[SectionInfo]) -> str:
    if not fresh and len(infos) == 1:
        return f"“{infos[0].heading}” is already in the pack."
    added = f"Added {_count(len(fresh), 'section')}" if fresh else "Nothing added"
    return f"{added}; {skipped} already in the pack." if skipped else f"{added}."


def _valid_date(value: str) -> bool:
    try:
        return bool(_ISO_DATE.fullmatch(value)) and bool(date.fromisoformat(value))
    except ValueError:
        return False


def _muted(label: QLabel) -> None:
    """Secondary text: the palette's placeholder colour, right in light and dark themes."""
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.PlaceholderText))
    label.setPalette(palette)
