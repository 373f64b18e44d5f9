"""The editor of the outline's current item, one page per kind: a section (its printed
heading), a part heading or written block (title, text or key messages), questions and
answers (a table).

What is typed becomes an undo command on the pane's `PackSession` after a pause in typing,
or at once on Return or when the user leaves the field. The pane tells the editor which
item to show (`load`); the editor never changes the selection.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from briefer.gui.pack_commands import EditItemCommand, RenameItemCommand
from briefer.gui.pack_outline import KIND_LABELS
from briefer.gui.pack_session import PackSession, muted
from briefer.packs.model import QA, WRITTEN_TITLES, PackItem
from briefer.packs.wording import printed_heading

_BODY_PAGES = {"heading": 0, "notes": 1, "objectives": 1, "key_messages": 2, "qa": 3}


class TextEdit(QPlainTextEdit):
    """Plain text that tells when it loses focus; Tab moves on (keyboard users)."""

    focus_lost = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)

    def focusOutEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().focusOutEvent(event)
        self.focus_lost.emit()


class ItemEditor(QStackedWidget):
    message = Signal(str)  # why an edit was not taken
    source_requested = Signal(str)  # "open the report at its page": the section's id

    def __init__(self, session: PackSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._item_id: str | None = None
        self._loading = False  # filling the fields from the pack: their signals are not edits
        self.setAccessibleName("Selected item")
        self.empty_page = QLabel(
            "Select an item of the outline to edit it.\nAdd sections from the results.", self
        )
        self.empty_page.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_page.setWordWrap(True)
        muted(self.empty_page)
        self.addWidget(self.empty_page)
        self.addWidget(self._build_section_page())
        self.addWidget(self._build_written_page())

    # --- the API the pane uses ----------------------------------------------------------------

    def load(self, item_id: str | None) -> None:
        """Show the item `item_id` (None: no item) as it is in the pack."""
        self._item_id = item_id
        item = self.session.item(item_id)
        self._loading = True
        try:
            if item is None:
                self.setCurrentWidget(self.empty_page)
            elif item.kind == "section":
                self._load_section(item)
            else:
                self._load_written(item)
        finally:
            self._loading = False

    def start_editing(self, kind: str) -> None:
        """An item of `kind` was just added and is shown: put the cursor where it is written."""
        if kind == "heading":
            self.title_edit.setFocus()
            self.title_edit.selectAll()
        elif kind == "qa":
            self._add_qa_row()
        else:
            (self.messages_edit if kind == "key_messages" else self.text_edit).setFocus()

    # --- layout -------------------------------------------------------------------------------

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
        muted(self.section_meeting)
        self.section_title = QLineEdit(self)
        self.section_title.setAccessibleName("Printed heading of the section")
        self.section_title.setToolTip(
            "The heading printed in the pack; leave empty to print the report's own"
        )
        self.section_title.setClearButtonEnabled(True)
        self.section_title.textEdited.connect(lambda _text: self._schedule("title", self._apply_title))
        self.section_title.editingFinished.connect(lambda: self._finish("title", self._apply_title))
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow("Printed as:", self.section_title)
        self.section_internal = self._audience_box()
        self.copy_citation_button = QPushButton("Copy &citation", self)
        self.copy_citation_button.setAccessibleName("Copy a ready citation of the section")
        self.copy_citation_button.clicked.connect(self._copy_citation)
        self.open_source_button = QPushButton("Open the &source", self)
        self.open_source_button.setAccessibleName("Open the report at the section's page")
        self.open_source_button.clicked.connect(lambda: self.source_requested.emit(self._section_id()))
        source_row = QHBoxLayout()
        source_row.addWidget(self.copy_citation_button)
        source_row.addWidget(self.open_source_button)
        source_row.addStretch(1)
        self.paragraph_list = QListWidget(self)
        self.paragraph_list.setAccessibleName("Paragraphs printed")
        self.paragraph_list.setToolTip(
            "Untick the paragraphs the brief leaves out: they print as [...], and the source "
            "line cites only those kept"
        )
        self.paragraph_list.setWordWrap(True)
        self.paragraph_list.setSpacing(2)
        self.paragraph_list.itemChanged.connect(lambda _item: self._apply_paragraphs())
        self.comment_edit = TextEdit(self)
        self.comment_edit.setAccessibleName("Comment on the excerpt")
        self.comment_edit.setPlaceholderText("A comment printed under the excerpt (optional)")
        self.comment_edit.setMaximumHeight(90)
        self.comment_edit.textChanged.connect(lambda: self._schedule("comment", self._apply_comment))
        self.comment_edit.focus_lost.connect(self.session.end_typing)
        self.comment_shared = QCheckBox("Print the comment in &handouts too", self)
        self.comment_shared.setAccessibleName("Print the comment in handouts too")
        self.comment_shared.toggled.connect(self._apply_comment_audience)
        column = QVBoxLayout(self.section_page)
        column.setContentsMargins(0, 6, 0, 0)
        column.addWidget(self.section_heading)
        column.addWidget(self.section_meeting)
        column.addLayout(form)
        column.addLayout(source_row)
        column.addWidget(self.section_internal)
        column.addWidget(QLabel("&Paragraphs printed:", self, buddy=self.paragraph_list))
        column.addWidget(self.paragraph_list, 1)
        column.addWidget(QLabel("Co&mment:", self, buddy=self.comment_edit))
        column.addWidget(self.comment_edit)
        column.addWidget(self.comment_shared)
        return self.section_page

    def _audience_box(self) -> QCheckBox:
        box = QCheckBox("&Internal: left out of handouts", self)
        box.setAccessibleName("Internal: left out of handouts")
        box.setToolTip(
            "Internal blocks (objectives, if-raised answers and notes unless you say otherwise) "
            "print in the briefing and speaking notes, never in a handout"
        )
        box.toggled.connect(self._apply_audience)
        return box

    def _build_written_page(self) -> QWidget:
        self.written_page = QWidget(self)
        self.written_kind = QLabel(self)
        font = self.written_kind.font()
        font.setBold(True)
        self.written_kind.setFont(font)
        self.title_edit = QLineEdit(self)
        self.title_edit.setAccessibleName("Title")
        self.title_edit.textEdited.connect(lambda _text: self._schedule("title", self._apply_title))
        self.title_edit.editingFinished.connect(lambda: self._finish("title", self._apply_title))
        title_row = QFormLayout()
        title_row.addRow("&Title:", self.title_edit)

        self.text_edit = TextEdit(self)
        self.text_edit.setAccessibleName("Text")
        self.text_edit.textChanged.connect(lambda: self._schedule("text", self._apply_text))
        self.text_edit.focus_lost.connect(self.session.end_typing)
        self.messages_edit = TextEdit(self)
        self.messages_edit.setAccessibleName("Key messages, one per line")
        self.messages_edit.setPlaceholderText("One message per line")
        self.messages_edit.textChanged.connect(lambda: self._schedule("messages", self._apply_messages))
        self.messages_edit.focus_lost.connect(self.session.end_typing)
        self.body = QStackedWidget(self)
        self.body.addWidget(QWidget(self))  # a part heading: its title only
        self.body.addWidget(self.text_edit)
        self.body.addWidget(self.messages_edit)
        self.body.addWidget(self._build_qa())

        column = QVBoxLayout(self.written_page)
        column.setContentsMargins(0, 6, 0, 0)
        self.written_internal = self._audience_box()
        column.addWidget(self.written_kind)
        column.addLayout(title_row)
        column.addWidget(self.body, 1)
        column.addWidget(self.written_internal)
        return self.written_page

    def _build_qa(self) -> QWidget:
        self.qa_table = QTableWidget(0, 2, self)
        self.qa_table.setAccessibleName("Questions and answers")
        self.qa_table.setHorizontalHeaderLabels(["Question", "Answer"])
        self.qa_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.qa_table.verticalHeader().hide()
        self.qa_table.setWordWrap(True)
        self.qa_table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.qa_table.itemChanged.connect(lambda _item: self._schedule("qa", self._apply_qa))
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

    # --- filling the fields -------------------------------------------------------------------

    def _load_section(self, item: PackItem) -> None:
        info = self.session.sections.get(item.section_id or "")
        self.setCurrentWidget(self.section_page)
        if info is None:
            self.section_heading.setText(f"Section {item.section_id}")
            self.section_meeting.setText("Not in the library: remove it, or add its report again.")
        else:
            self.section_heading.setText(f"In the report: {info.heading}")
            when = f" · {info.date}" if info.date else ""
            self.section_meeting.setText(f"{info.meeting}{when} · {info.words} words")
        self.copy_citation_button.setEnabled(bool(info and info.citation))
        self.open_source_button.setEnabled(info is not None)
        own = printed_heading(info.heading, info.number, item.numbered) if info else ""
        self.section_title.setPlaceholderText(own or "The report's heading")
        _set_line(self.section_title, item.title)
        self.section_internal.setChecked(item.shown_to == "internal")
        self.paragraph_list.clear()
        kept = set(item.paragraphs)
        for index, text in enumerate(info.paragraphs if info else ()):
            if not text.strip():
                continue
            row = QListWidgetItem(_preview(text), self.paragraph_list)
            row.setData(Qt.ItemDataRole.UserRole, index)
            row.setToolTip(text[:600])
            row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            row.setCheckState(Qt.CheckState.Checked if not kept or index in kept else Qt.CheckState.Unchecked)
        _set_text(self.comment_edit, item.comment)
        self.comment_shared.setChecked(item.comment_audience == "shareable")

    def _load_written(self, item: PackItem) -> None:
        self.setCurrentWidget(self.written_page)
        self.written_kind.setText("Part heading" if item.kind == "heading" else KIND_LABELS[item.kind])
        self.title_edit.setPlaceholderText(WRITTEN_TITLES.get(item.kind, "The part's title"))
        _set_line(self.title_edit, item.title)
        self.written_internal.setVisible(item.kind != "heading")  # a part heading prints where its items do
        self.written_internal.setChecked(item.shown_to == "internal")
        self.body.setCurrentIndex(_BODY_PAGES[item.kind])
        if item.kind in ("notes", "objectives"):
            _set_text(self.text_edit, item.text)
            self.text_edit.setPlaceholderText(
                "What the delegation should aim for" if item.kind == "objectives" else "Your notes"
            )
        elif item.kind == "key_messages":
            _set_text(self.messages_edit, "\n".join(item.messages))
        elif item.kind == "qa":
            self.qa_table.setRowCount(len(item.qa))
            for row, qa in enumerate(item.qa):
                self.qa_table.setItem(row, 0, QTableWidgetItem(qa.question))
                self.qa_table.setItem(row, 1, QTableWidgetItem(qa.answer))
            self.qa_table.resizeRowsToContents()

    # --- applying the edits -------------------------------------------------------------------

    def _schedule(self, field: str, apply: Callable[[str], None]) -> None:
        if self._loading or self._item_id is None:
            return
        item_id = self._item_id  # the item being edited now, even if the selection moves
        self.session.schedule((item_id, field), lambda: apply(item_id))

    def _finish(self, field: str, apply: Callable[[str], None]) -> None:
        """Return or leaving the field: apply now (also text set without typing, e.g. pasted)."""
        self._schedule(field, apply)
        self.session.end_typing()

    def _apply_title(self, item_id: str) -> None:
        item = self.session.item(item_id)
        if item is None:
            return
        edit = self.section_title if item.kind == "section" else self.title_edit
        title = edit.text().strip()
        if item.kind == "heading" and not title:
            self.message.emit("A part heading needs a title; the previous one is kept.")
            return
        if title != item.title:
            self.session.push_edit(
                RenameItemCommand(self.session.document, item_id, title, self.session.typing_run)
            )

    def _apply_audience(self, internal: bool) -> None:
        item = self.session.item(self._item_id)
        if self._loading or item is None or (item.shown_to == "internal") == internal:
            return
        audience = "internal" if internal else "shareable"
        self.session.push_edit(
            EditItemCommand(self.session.document, item.id, {"audience": audience}, "Set audience", -1)
        )

    def _section_id(self) -> str:
        item = self.session.item(self._item_id)
        return (item.section_id or "") if item else ""

    def _copy_citation(self) -> None:
        info = self.session.sections.get(self._section_id())
        if info and info.citation:
            QGuiApplication.clipboard().setText(info.citation)
            self.message.emit(f"Copied: {info.citation}")

    def _apply_paragraphs(self) -> None:
        item = self.session.item(self._item_id)
        if self._loading or item is None:
            return
        rows = [self.paragraph_list.item(r) for r in range(self.paragraph_list.count())]
        kept = [r.data(Qt.ItemDataRole.UserRole) for r in rows if r.checkState() == Qt.CheckState.Checked]
        if not kept:
            self.message.emit("An excerpt prints one paragraph at least; remove it from the pack instead.")
            self.load(item.id)
            return
        kept = [] if len(kept) == len(rows) else kept  # all: the whole section, as it grows
        if kept != item.paragraphs:
            self.session.push_edit(
                EditItemCommand(self.session.document, item.id, {"paragraphs": kept}, "Choose paragraphs", -1)
            )

    def _apply_comment(self, item_id: str) -> None:
        if self.session.item(item_id) is not None:
            text = {"comment": self.comment_edit.toPlainText()}
            self.session.push_edit(
                EditItemCommand(self.session.document, item_id, text, "Edit comment", self.session.typing_run)
            )

    def _apply_comment_audience(self, shared: bool) -> None:
        item = self.session.item(self._item_id)
        if self._loading or item is None:
            return
        audience = {"comment_audience": "shareable" if shared else "internal"}
        self.session.push_edit(EditItemCommand(self.session.document, item.id, audience, "Set audience", -1))

    def _apply_text(self, item_id: str) -> None:
        if self.session.item(item_id) is not None:
            text = {"text": self.text_edit.toPlainText()}
            self.session.push_edit(
                EditItemCommand(self.session.document, item_id, text, "Edit text", self.session.typing_run)
            )

    def _apply_messages(self, item_id: str) -> None:
        lines = [line.strip() for line in self.messages_edit.toPlainText().splitlines()]
        messages = [line for line in lines if line]
        item = self.session.item(item_id)
        if item is not None and messages != item.messages:
            self.session.push_edit(
                EditItemCommand(self.session.document, item_id, {"messages": messages}, "Edit key messages")
            )

    def _apply_qa(self, item_id: str, run: int | None = None) -> None:
        pairs = [QA(self._cell(row, 0), self._cell(row, 1)) for row in range(self.qa_table.rowCount())]
        pairs = [qa for qa in pairs if qa.question or qa.answer]
        item = self.session.item(item_id)
        if item is not None and pairs != item.qa:
            run = self.session.typing_run if run is None else run
            self.session.push_edit(
                EditItemCommand(self.session.document, item_id, {"qa": pairs}, "Edit questions", run)
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
        if row < 0 or self._item_id is None:
            return
        self.session.end_typing()
        self.qa_table.removeRow(row)
        self._apply_qa(self._item_id, run=-1)  # a step of its own


def _preview(text: str, length: int = 140) -> str:
    line = " ".join(text.split())
    return line if len(line) <= length else line[: length - 1].rstrip() + "…"


def _set_line(edit: QLineEdit, text: str) -> None:
    if edit.text() != text:
        edit.setText(text)


def _set_text(edit: QPlainTextEdit, text: str) -> None:
    if edit.toPlainText() != text:
        edit.setPlainText(text)
