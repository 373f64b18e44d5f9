"""The pack's cover details as a form: title, subtitle, the meeting (name, place, dates),
delegation, author, the pack's date, the marking and the Draft box.

Typing becomes an undo command on the pane's `PackSession` after a pause, or at once when
the user leaves the field. A date that is not one, a meeting that would end before it
starts, or an empty title is refused with a line under the field; the pack keeps its
previous value.
"""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from briefer.date_checks import date_problem, range_problem
from briefer.gui.pack_commands import EditCoverCommand, cover_value
from briefer.gui.pack_session import PackSession

MARKINGS = ("", "UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL", "SECRET")
ERROR_COLOUR = "#d0453b"  # a mid red, readable on light and dark backgrounds
_DATE_TYPING = QRegularExpression(r"\d{0,4}(-\d{0,2}(-\d{0,2})?)?")
_ROWS = [
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


class CoverForm(QScrollArea):
    def __init__(self, session: PackSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._loading = False  # filling the fields from the pack: their signals are not edits
        self.fields: dict[str, QLineEdit] = {}  # by cover field name (`pack_commands.COVER_FIELDS`)
        self.errors: dict[str, QLabel] = {}  # the refusal under a title or date field
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name, label, tip in _ROWS:
            form.addRow(label + ":", self._field(name, label.replace("&", ""), tip))
        self.marking = QComboBox(self)
        self.marking.setEditable(True)
        self.marking.addItems(list(MARKINGS))
        self.marking.setAccessibleName("Marking")
        self.marking.setToolTip("The classification printed at the top and foot of every page")
        self.marking.currentTextChanged.connect(lambda _text: self._schedule("marking"))
        self.marking.lineEdit().editingFinished.connect(lambda: self._finish("marking"))
        form.addRow("Markin&g:", self.marking)
        self.draft = QCheckBox("Draft (a DRAFT mark on every page)", self)
        self.draft.setAccessibleName("Draft")
        self.draft.toggled.connect(lambda _on: self._finish("draft"))
        form.addRow("", self.draft)

        inner = QWidget(self)
        inner.setLayout(form)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setWidget(inner)
        QWidget.setTabOrder(self.draft, self)  # Tab reaches the fields first, then the scroll area

    def load(self) -> None:
        """Show the cover of the session's pack; no refusal shown."""
        pack = self.session.pack
        self._loading = True
        try:
            for name, edit in self.fields.items():
                value = cover_value(pack, name) or ""
                if edit.text() != value:
                    edit.setText(value)
                self._show_error(name, "")
            if self.marking.currentText() != pack.marking:
                self.marking.setCurrentText(pack.marking)
            self.draft.setChecked(pack.draft)
        finally:
            self._loading = False

    def _field(self, name: str, label: str, tip: str) -> QWidget:
        edit = QLineEdit(self)
        edit.setAccessibleName(label)
        edit.setToolTip(tip)
        is_date = name.endswith("date")
        if is_date:
            edit.setPlaceholderText("YYYY-MM-DD")
            edit.setValidator(QRegularExpressionValidator(_DATE_TYPING, edit))
        edit.textEdited.connect(lambda _text: self._schedule(name))
        edit.editingFinished.connect(lambda: self._finish(name))
        self.fields[name] = edit
        if not is_date and name != "title":
            return edit
        error = QLabel(self)
        error.setWordWrap(True)
        error.setStyleSheet(f"color: {ERROR_COLOUR};")
        error.setAccessibleName(f"{label}: problem")
        error.hide()
        self.errors[name] = error
        box = QWidget(self)
        box.setFocusProxy(edit)  # the label's mnemonic reaches the field
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addWidget(edit)
        column.addWidget(error)
        return box

    def _schedule(self, name: str) -> None:
        if not self._loading:
            self.session.schedule(("cover", name), lambda: self._apply(name))

    def _finish(self, name: str) -> None:
        self._schedule(name)
        self.session.end_typing()
        title = self.fields.get("title")
        if name == "title" and title is not None and not title.text().strip():
            self._loading = True  # the title refused empty: show the one that is kept
            try:
                title.setText(self.session.pack.title)
            finally:
                self._loading = False

    def _apply(self, name: str) -> None:
        if self._loading:
            return
        if name == "draft":
            value: object = self.draft.isChecked()
        elif name == "marking":
            value = self.marking.currentText().strip()
        else:
            value = self.fields[name].text().strip()
            problem = self._problem(name, value)
            self._show_error(name, problem)
            if problem:
                return
            if name.endswith("date"):
                value = value or None
        if value != cover_value(self.session.pack, name):
            self.session.push_edit(
                EditCoverCommand(self.session.document, name, value, self.session.typing_run)
            )

    def _problem(self, name: str, value: str) -> str:
        if name == "title":
            return "" if value else "A pack needs a title; the previous one is kept."
        if not name.endswith("date") or not value:
            return ""
        problem = date_problem(value)
        if not problem and name.startswith("meeting."):
            meeting = self.session.pack.meeting
            start = value if name == "meeting.start_date" else meeting.start_date
            end = value if name == "meeting.end_date" else meeting.end_date
            problem = range_problem(start, end)
        return f"{problem[:1].upper()}{problem[1:]}." if problem else ""

    def _show_error(self, name: str, problem: str) -> None:
        error = self.errors.get(name)
        if error is not None:
            error.setText(problem)
            error.setVisible(bool(problem))
