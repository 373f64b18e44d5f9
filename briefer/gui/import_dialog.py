"""Importing reports: a progress dialog while the serial worker reads them, then a summary.

A file that cannot be read is not a failure of the import: it is a row of the summary,
and the other files still go in. Cancelling writes nothing (ingest reads every file
first and adds them in one write at the end).
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from briefer.actions.ingest import FileReport, ingest_paths
from briefer.errors import BrieferError
from briefer.gui.errors import show_error
from briefer.gui.tasks import ProgressReporter, SerialWorker
from briefer.library.repository import Library

log = logging.getLogger(__name__)

CANCELLED_TEXT = "Import cancelled; nothing was added."
COLUMNS = ("File", "Status", "Meetings", "Sections", "Message")
ERROR_COLOUR = QColor("#b00020")


class ImportController(QObject):
    """Runs one import at a time: `start(paths)`; `imported` carries the FileReports."""

    imported = Signal(list)  # list[FileReport], once the library holds the new files
    cancelled = Signal()  # the user cancelled and nothing was written
    finished = Signal()  # after every import, however it ended

    def __init__(
        self,
        library_worker: SerialWorker,
        library_getter: Callable[[], Library | None],
        parent_widget: QWidget,
    ) -> None:
        super().__init__(parent_widget)
        self.library_worker = library_worker
        self.library_getter = library_getter
        self.parent_widget = parent_widget
        self.progress_dialog: QProgressDialog | None = None
        self.summary: ImportSummaryDialog | None = None  # the last summary shown
        self.message_box: QMessageBox | None = None  # the last message or error shown
        self._cancel = threading.Event()
        self._running = False
        self._writing = False
        self.reporter = ProgressReporter(self)
        self.reporter.changed.connect(self._progress)

    @property
    def running(self) -> bool:
        return self._running

    def start(self, paths: list[Path]) -> bool:
        """Start importing `paths` (files or folders); False if an import is running."""
        if self._running:
            return False
        self._running, self._writing = True, False
        self._cancel = threading.Event()
        self.progress_dialog = self._open_progress(len(paths))
        cancel, reporter, getter, inputs = self._cancel, self.reporter, self.library_getter, list(paths)

        def work() -> list[FileReport]:
            library = getter()
            if library is None:
                raise BrieferError("the library is still opening; wait a moment and add the files again")
            return ingest_paths(library, inputs, progress=reporter.report, cancelled=cancel.is_set)

        self.library_worker.submit(work, self._done, self._failed)
        return True

    def cancel(self) -> None:
        """What the Cancel button does: nothing is written, unless writing has begun."""
        self._cancel_requested()
        if self.progress_dialog is not None:
            self.progress_dialog.cancel()  # hides it; it does not emit `canceled`

    # --- progress -----------------------------------------------------------------------------

    def _open_progress(self, count: int) -> QProgressDialog:
        dialog = QProgressDialog("Looking for reports…", "Cancel", 0, 0, self.parent_widget)
        dialog.setWindowTitle("Adding reports")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAccessibleName("Import progress")
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumWidth(420)
        dialog.canceled.connect(self._cancel_requested)  # the Cancel button
        dialog.rejected.connect(self._cancel_requested)  # Esc
        dialog.setValue(0)
        dialog.open()
        return dialog

    def _cancel_requested(self) -> None:
        if not self._writing:
            self._cancel.set()

    def _progress(self, done: int, total: int, what: str) -> None:
        dialog = self.progress_dialog
        if dialog is None or dialog.wasCanceled():
            return
        if done >= total:  # every file read; the one write to the library has begun
            self._writing = True
            dialog.setCancelButton(None)  # too late to cancel
            dialog.setRange(0, 0)
            dialog.setLabelText(f"Adding {total} file{'s' if total != 1 else ''} to the library…")
            return
        dialog.setLabelText(f"Reading {Path(what).name} ({done + 1} of {total})")
        dialog.setRange(0, total)
        dialog.setValue(done)  # last: on a modal dialog it processes events

    def _close_progress(self) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.canceled.disconnect(self._cancel_requested)
            self.progress_dialog.rejected.disconnect(self._cancel_requested)
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None

    # --- results ------------------------------------------------------------------------------

    def _done(self, reports: list[FileReport]) -> None:
        cancelled = self._cancel.is_set() and not reports
        self._running = False
        self._close_progress()
        if cancelled:
            self.message_box = _inform(self.parent_widget, "Import cancelled", CANCELLED_TEXT)
            self.cancelled.emit()
        else:
            self.summary = ImportSummaryDialog(reports, self.parent_widget)
            self.summary.open()
            self.imported.emit(reports)
        self.finished.emit()

    def _failed(self, error: Exception) -> None:
        self._running = False
        self._close_progress()
        self.message_box = show_error(self.parent_widget, error, "adding the reports", title="Import failed")
        self.finished.emit()


class ImportSummaryDialog(QDialog):
    """What happened to each file, with a one-line headline."""

    def __init__(self, reports: list[FileReport], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reports = list(reports)
        self.setWindowTitle("Reports added" if any(r.ok for r in reports) else "No report added")
        self.setSizeGripEnabled(True)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.headline = QLabel(headline(self.reports), self)
        self.headline.setWordWrap(True)
        self.headline.setAccessibleName("Import summary")
        self.headline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.headline.font()
        font.setBold(True)
        self.headline.setFont(font)
        self.table = self._table()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close")
        close.setDefault(True)
        buttons.rejected.connect(self.reject)
        close.setFocus()  # Enter or Esc closes; Shift+Tab reaches the table
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(820, min(560, 160 + 34 * max(len(self.reports), 3)))

    def _table(self) -> QTableWidget:
        table = QTableWidget(len(self.reports), len(COLUMNS), self)
        table.setAccessibleName("Files")
        table.setHorizontalHeaderLabels(list(COLUMNS))
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setWordWrap(True)
        table.setTabKeyNavigation(False)  # Tab leaves the table for the Close button
        table.verticalHeader().hide()
        warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for row, report in enumerate(self.reports):
            cells = [
                QTableWidgetItem(report.path.name or str(report.path)),
                QTableWidgetItem(report.status),
                _number(report.meetings if report.ok else None),
                _number(report.sections if report.ok else None),
                QTableWidgetItem(_short_message(report)),
            ]
            cells[0].setToolTip(str(report.path))
            cells[4].setToolTip(report.message)
            if not report.ok:
                cells[0].setIcon(warning)
                for cell in cells:
                    cell.setForeground(ERROR_COLOUR)
            for column, cell in enumerate(cells):
                table.setItem(row, column, cell)
        header = table.horizontalHeader()
        for column in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(lambda *_: table.resizeRowsToContents())  # wrapped messages
        return table

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        self.table.resizeRowsToContents()  # now that the message column has its width

    def row_texts(self) -> list[list[str]]:
        """The cells as shown, row by row (for tests and for copying)."""
        return [
            [self.table.item(row, column).text() for column in range(self.table.columnCount())]
            for row in range(self.table.rowCount())
        ]


def headline(reports: list[FileReport]) -> str:
    """ "3 files added: 4 meetings, 152 sections; 1 file could not be read"."""
    if not reports:
        return "Nothing to add: no report files were found."
    by_status = Counter(report.status for report in reports)
    parts = []
    for status, verb in (("added", "added"), ("updated", "updated")):
        chosen = [r for r in reports if r.status == status]
        if chosen:
            meetings, sections = sum(r.meetings for r in chosen), sum(r.sections for r in chosen)
            parts.append(
                f"{_count(len(chosen), 'file')} {verb}: {_count(meetings, 'meeting')}, "
                f"{_count(sections, 'section')}"
            )
    if by_status["unchanged"]:
        parts.append(f"{_count(by_status['unchanged'], 'file')} already in the library, unchanged")
    if by_status["duplicate"]:
        parts.append(f"{_count(by_status['duplicate'], 'file')} duplicating reports already in the library")
    if by_status["error"]:
        parts.append(f"{_count(by_status['error'], 'file')} could not be read")
    return "; ".join(parts)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _number(value: int | None) -> QTableWidgetItem:
    cell = QTableWidgetItem("" if value is None else str(value))
    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return cell


def _short_message(report: FileReport) -> str:
    """The message without the file's path in front: the File column names it."""
    message = report.message
    for prefix in (f"{report.path}: ", f"{report.path.name}: "):
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message


def _inform(parent: QWidget, title: str, text: str) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
