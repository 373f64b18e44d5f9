"""The main window: browse the library by theme, meeting and words; read a section; add reports.

A thin shell over the core: it reads from a `Library` and runs every change (opening,
ingesting) on the serial background worker.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from briefer import APP_NAME, __version__
from briefer.errors import BrieferError
from briefer.gui.tasks import SerialWorker
from briefer.ingest.service import FileReport, ensure_samples, ingest_paths
from briefer.ingest.themes import Lexicon, default_lexicon
from briefer.library import Library, Section, SectionFilter

log = logging.getLogger(__name__)
ALL_MEETINGS = "__all__"
RESULT_LIMIT = 1000  # rows shown at once; the status bar says how many match


class MainWindow(QMainWindow):
    def __init__(self, library_dir: Path, fill_with_samples: bool) -> None:
        super().__init__()
        self.library_dir = library_dir
        self.fill_with_samples = fill_with_samples
        self.library: Library | None = None
        self.lexicon: Lexicon = default_lexicon()
        self.worker = SerialWorker(self)
        self.worker.busy_changed.connect(self._busy_changed)
        self.setWindowTitle(APP_NAME)
        self.resize(1280, 800)
        self._build_ui()
        self._restore_state()
        self._open_library()

    # --- layout -------------------------------------------------------------------------------

    def _build_ui(self) -> None:
        self.add_action = QAction("&Add documents…", self)
        self.add_action.setShortcut(QKeySequence.StandardKey.Open)
        self.add_action.triggered.connect(self.add_documents)
        self.add_folder_action = QAction("Add a &folder…", self)
        self.add_folder_action.triggered.connect(self.add_folder)
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        about_action = QAction(f"&About {APP_NAME}", self)
        about_action.triggered.connect(self._about)

        file_menu = self.menuBar().addMenu("&File")
        file_menu.addActions([self.add_action, self.add_folder_action])
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        self.menuBar().addMenu("&Help").addAction(about_action)

        toolbar = QToolBar("Main", self)
        toolbar.setObjectName("main-toolbar")
        toolbar.setMovable(False)
        toolbar.addAction(self.add_action)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search sections (all words must appear)")
        self.search.setAccessibleName("Search sections")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._refresh_sections)
        toolbar.addWidget(self.search)
        self.addToolBar(toolbar)

        self.themes = QListWidget(self)
        self.themes.setAccessibleName("Themes")
        self.themes.itemChanged.connect(self._refresh_sections)
        self.meetings = QListWidget(self)
        self.meetings.setAccessibleName("Meetings")
        self.meetings.setWordWrap(True)
        self.meetings.setAlternatingRowColors(True)
        self.meetings.setSpacing(2)
        self.meetings.currentItemChanged.connect(self._refresh_sections)
        left = QWidget(self)
        column = QVBoxLayout(left)
        column.setContentsMargins(6, 6, 6, 6)
        column.addWidget(QLabel("<b>Themes</b>"))
        column.addWidget(self.themes, 3)
        column.addWidget(QLabel("<b>Meetings</b>"))
        column.addWidget(self.meetings, 2)

        self.table = QTableWidget(0, 4, self)
        self.table.setAccessibleName("Sections")
        self.table.setHorizontalHeaderLabels(["Heading", "Meeting", "Date", "Themes"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # report order
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(1, 220)
        self.table.setColumnWidth(2, 90)
        self.table.currentCellChanged.connect(lambda *_: self._show_current())

        self.reader = QTextBrowser(self)
        self.reader.setAccessibleName("Section text")
        self.reader.setOpenExternalLinks(False)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.reader)
        self.splitter.setSizes([260, 560, 460])
        self.setCentralWidget(self.splitter)
        self.statusBar().showMessage("Opening the library…")

    # --- library ------------------------------------------------------------------------------

    def _open_library(self) -> None:
        folder, fill = self.library_dir, self.fill_with_samples

        def work() -> Library:
            library = Library.open(folder)
            if fill:
                ensure_samples(library)
            return library

        self.worker.submit(work, self._library_opened, self._show_error)

    def _library_opened(self, library: Library) -> None:
        self.library = library
        self._refresh_lists()

    def _refresh_lists(self) -> None:
        library = self.library
        if library is None:
            return
        counts = library.theme_counts()
        checked = set(self._checked_themes())
        self.themes.blockSignals(True)
        self.themes.clear()
        for theme in self.lexicon.themes:
            item = QListWidgetItem(f"{theme.label} ({counts.get(theme.id, 0)})")
            item.setData(Qt.ItemDataRole.UserRole, theme.id)
            item.setToolTip(theme.scope)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if theme.id in checked else Qt.CheckState.Unchecked)
            self.themes.addItem(item)
        self.themes.blockSignals(False)

        self.meetings.blockSignals(True)
        self.meetings.clear()
        everything = QListWidgetItem("All meetings")
        everything.setData(Qt.ItemDataRole.UserRole, ALL_MEETINGS)
        everything.setData(Qt.ItemDataRole.UserRole + 1, "All meetings")
        self.meetings.addItem(everything)
        for meeting in library.meetings():
            place = ", ".join(p for p in (meeting.city, meeting.country) if p)
            when = meeting.start_date or "date unknown"
            text = f"{meeting.label}\n{place + ' · ' if place else ''}{when}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, meeting.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, text)
            self.meetings.addItem(item)
        self.meetings.setCurrentRow(0)
        self.meetings.blockSignals(False)
        self._refresh_sections()

    def _checked_themes(self) -> list[str]:
        return [
            self.themes.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.themes.count())
            if self.themes.item(row).checkState() == Qt.CheckState.Checked
        ]

    def _refresh_sections(self, *_args) -> None:
        library = self.library
        if library is None:
            return
        current = self.meetings.currentItem()
        meeting_id = current.data(Qt.ItemDataRole.UserRole) if current else ALL_MEETINGS
        selection = SectionFilter(
            themes=self._checked_themes(),
            meeting_id=None if meeting_id == ALL_MEETINGS else meeting_id,
            query=self.search.text().strip() or None,
        )
        result = library.search(selection, limit=RESULT_LIMIT)
        self._show_counts(result)
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(result.hits))
        labels = {t.id: t.label for t in self.lexicon.themes}
        meetings = {m.id: m for m in library.meetings()}
        for row, hit in enumerate(result.hits):
            section = hit.section
            meeting = meetings[section.meeting_id]
            heading = QTableWidgetItem(
                section.heading + (f"  (+{len(hit.duplicates)} similar)" if hit.duplicates else "")
            )
            heading.setData(Qt.ItemDataRole.UserRole, section.id)
            heading.setToolTip(
                hit.snippet if selection.query else " › ".join([*section.path, section.heading])
            )
            cells = [
                heading,
                QTableWidgetItem(meeting.label),
                QTableWidgetItem(meeting.start_date or ""),
                QTableWidgetItem(", ".join(labels.get(t, t) for t in section.theme_ids)),
            ]
            for column, cell in enumerate(cells):
                self.table.setItem(row, column, cell)
        self.table.setSortingEnabled(True)
        shown = (
            f"{len(result.hits)} of {result.total}" if len(result.hits) < result.total else f"{result.total}"
        )
        self.statusBar().showMessage(f"{shown} sections · {len(meetings)} meetings · {self.library_dir}")
        if result.hits:
            self.table.selectRow(0)
            self._show_current()
        else:
            self.reader.setHtml("<p><i>No section matches. Untick a theme or clear the search.</i></p>")

    def _show_counts(self, result) -> None:
        """Beside each theme and meeting, how many of the current results it holds."""
        self.themes.blockSignals(True)
        labels = {t.id: t.label for t in self.lexicon.themes}
        for row in range(self.themes.count()):
            item = self.themes.item(row)
            theme = item.data(Qt.ItemDataRole.UserRole)
            item.setText(f"{labels[theme]} ({result.theme_counts.get(theme, 0)})")
        self.themes.blockSignals(False)
        for row in range(1, self.meetings.count()):  # row 0 is "All meetings"
            item = self.meetings.item(row)
            count = result.meeting_counts.get(item.data(Qt.ItemDataRole.UserRole), 0)
            item.setText(f"({count}) {item.data(Qt.ItemDataRole.UserRole + 1)}")

    def _show_current(self) -> None:
        library = self.library
        row = self.table.currentRow()
        if library is None or row < 0 or self.table.item(row, 0) is None:
            return
        section = library.section(self.table.item(row, 0).data(Qt.ItemDataRole.UserRole))
        self.reader.setHtml(self._section_html(section))

    def _section_html(self, section: Section) -> str:
        library = self.library
        assert library is not None
        meeting = library.meeting(section.meeting_id)
        e = html.escape
        labels = {t.id: t.label for t in self.lexicon.themes}
        parts = [f"<h2>{e(section.heading)}</h2>"]
        if section.path:
            parts.append(f"<p><small>{e(' › '.join(section.path))}</small></p>")
        place = ", ".join(p for p in (meeting.city, meeting.country) if p)
        when = meeting.start_date or "date unknown"
        if meeting.end_date and meeting.end_date != meeting.start_date:
            when += f" to {meeting.end_date}"
        source = f"{section.source_file}, lines {section.line_start}–{section.line_end}"
        if section.page_start:
            source += f", pages {section.page_start}–{section.page_end}"
        if section.paragraph_numbers:
            source += f", paras {', '.join(section.paragraph_numbers)}"
        parts.append(
            f"<p><b>{e(meeting.label)}</b><br>{e(place + ' · ' if place else '')}{e(when)}"
            f"{' · ' + e(meeting.symbol) if meeting.symbol else ''}<br><small>Source: {e(source)}</small></p>"
        )
        if section.themes:
            tags = []
            for tag in section.themes:
                why = "added by you" if tag.by_user else ", ".join(tag.evidence[:6])
                tags.append(f"<b>{e(labels.get(tag.id, tag.id))}</b> <small>({e(why)})</small>")
            parts.append("<p>" + "<br>".join(tags) + "</p>")
        if section.note:
            parts.append(f"<p><i>Your note: {e(section.note)}</i></p>")
        parts.append("<hr>")
        parts.extend(f"<p>{e(paragraph)}</p>" for paragraph in section.text.split("\n\n"))
        if section.notes:
            parts.append("<hr>")
            parts.extend(f"<p><small>{e(n['number'])}. {e(n['text'])}</small></p>" for n in section.notes)
        return "\n".join(parts)

    # --- adding documents ---------------------------------------------------------------------

    def add_documents(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, "Add meeting reports", str(Path.home()), "Reports (*.txt *.pdf *.docx);;All files (*)"
        )
        if files:
            self.ingest([Path(f) for f in files])

    def add_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add every report in a folder", str(Path.home()))
        if folder:
            self.ingest([Path(folder)])

    def ingest(self, paths: list[Path]) -> None:
        library = self.library
        if library is None:
            return
        self.statusBar().showMessage(f"Reading {len(paths)} item(s)…")
        self.worker.submit(lambda: ingest_paths(library, paths), self._ingested, self._show_error)

    def _ingested(self, reports: list[FileReport]) -> None:
        self._refresh_lists()
        lines = []
        for report in reports:
            if report.ok:
                lines.append(
                    f"{report.path.name}: {report.status}, {report.meetings} meeting(s), "
                    f"{report.sections} section(s)"
                )
            else:
                lines.append(report.message)
        box = QMessageBox.warning if any(not r.ok for r in reports) else QMessageBox.information
        box(self, "Documents added", "\n".join(lines) or "Nothing to add.")

    # --- the rest -----------------------------------------------------------------------------

    def _busy_changed(self, busy: bool) -> None:
        self.add_action.setEnabled(not busy)
        self.add_folder_action.setEnabled(not busy)
        if busy:
            self.statusBar().showMessage("Working…")

    def _show_error(self, error: Exception) -> None:
        if isinstance(error, BrieferError):
            message = str(error)
        else:
            message = (
                "Something went wrong that Briefer did not expect. Your library was not changed. "
                f"Details are in the log file. ({type(error).__name__})"
            )
        self.statusBar().showMessage("Error")
        QMessageBox.critical(self, APP_NAME, message)

    def _about(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"<b>{APP_NAME} {__version__}</b><p>Briefing packs for international meetings, "
            f"built from a library of past meeting reports. Works offline.</p>"
            f"<p>Library: {html.escape(str(self.library_dir))}</p>",
        )

    def _restore_state(self) -> None:
        settings = QSettings()
        geometry = settings.value("main/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        splitter = settings.value("main/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        settings = QSettings()
        settings.setValue("main/geometry", self.saveGeometry())
        settings.setValue("main/splitter", self.splitter.saveState())
        self.worker.wait()
        super().closeEvent(event)
