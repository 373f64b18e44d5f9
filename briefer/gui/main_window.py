"""The main window: Library (filters) | Results (sections, reading pane) | Pack (outline, cover).

A thin shell over the core (DESIGN.md): every call on the library runs on the one serial
background worker and its result, or its error, comes back on the main thread; writing a
built pack runs on a CPU worker (the build dialog). The window never blocks, and never
touches the library's files itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QToolBar,
)
from shiboken6 import isValid

from briefer import APP_NAME, __version__, paths
from briefer.actions.ingest import ensure_samples
from briefer.actions.packs import export_pack, import_pack, list_packs, load_pack, save_pack
from briefer.errors import NotFoundError
from briefer.gui.dialogs import MeetingDialog, OpenPackDialog, ThemesDialog, UserGuideDialog
from briefer.gui.errors import show_error
from briefer.gui.library_pane import LibraryPane
from briefer.gui.pack_pane import PackPane, SectionInfo
from briefer.gui.results_pane import ResultsPane
from briefer.gui.tasks import CpuWorker, SerialWorker
from briefer.ingest.themes import Lexicon, default_lexicon
from briefer.library import Library, SearchResult
from briefer.packs.estimate import section_words
from briefer.packs.model import Pack

log = logging.getLogger(__name__)
RESULT_LIMIT = 500  # rows shown at once; the summary says how many match
RECENT_PACKS = 8
PACK_FILTER = "Briefer packs (*.briefer-pack.json *.json);;All files (*)"


class MainWindow(QMainWindow):
    results_shown = Signal()  # after each search's results are on screen (tests, start-up bench)

    def __init__(self, library_dir: Path, fill_with_samples: bool) -> None:
        super().__init__()
        self.library_dir = library_dir
        self.fill_with_samples = fill_with_samples
        self.library: Library | None = None
        self.lexicon: Lexicon = default_lexicon()
        self.labels = {theme.id: theme.label for theme in self.lexicon.themes}
        self.meetings: dict = {}
        self.settings = QSettings()
        self.worker = SerialWorker(self)
        self.cpu_worker = CpuWorker(self)
        self.worker.busy_changed.connect(self._busy_changed)
        self._search_generation = 0
        self._closing = False
        self.setWindowTitle(APP_NAME)
        self.setAcceptDrops(True)
        self.resize(1400, 860)
        self._build_ui()
        self._build_menus()
        self._restore_state()
        self._open_library()

    # --- layout -------------------------------------------------------------------------------

    def _build_ui(self) -> None:
        self.library_pane = LibraryPane(self)
        self.library_pane.set_themes(self.lexicon)
        self.library_pane.filters_changed.connect(self.refresh_results)
        self.results = ResultsPane(self)
        self.results.section_selected.connect(self._show_section)
        self.results.add_requested.connect(self.add_to_pack)
        self.results.rename_requested.connect(self._rename_section)
        self.results.themes_requested.connect(self._edit_themes)
        self.results.meeting_requested.connect(self._edit_meeting)
        self.results.note_saved.connect(self._save_note)
        self.pack_pane = PackPane(self)
        self.pack_pane.pack_changed.connect(self._update_title)
        self.pack_pane.section_activated.connect(self._show_section)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("main-splitter")
        for pane in (self.library_pane, self.results, self.pack_pane):
            self.splitter.addWidget(pane)
        self.splitter.setSizes([280, 660, 460])
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)
        self.statusBar().showMessage("Opening the library…")

    def _action(
        self, text: str, slot: Callable[[], Any], shortcut: QKeySequence | str | None = None, tip: str = ""
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_menus(self) -> None:
        key = QKeySequence.StandardKey
        self.new_action = self._action("&New pack", self.new_pack, key.New, "Start a new, empty pack")
        self.open_action = self._action(
            "&Open pack…", self.open_pack, key.Open, "Open a pack kept in the library"
        )
        self.save_action = self._action(
            "&Save pack", self.save_pack, key.Save, "Keep the pack in the library"
        )
        self.save_as_action = self._action(
            "Save pack &as…", self.save_pack_as, key.SaveAs, "Keep a copy of the pack under a new title"
        )
        self.duplicate_action = self._action(
            "&Duplicate pack…", self.save_pack_as, None, "Start the next session's pack from this one"
        )
        self.import_pack_action = self._action("&Import pack file…", self.import_pack_file)
        self.export_pack_action = self._action("&Export pack file…", self.export_pack_file)
        self.export_library_action = self._action(
            "Export the &library…",
            self.export_library,
            None,
            "The whole library in one file, for a colleague",
        )
        self.import_library_action = self._action(
            "Import a library &archive…", self.import_library, None, "Merge a colleague's library into yours"
        )
        self.build_action = self._action("&Build…", self.build, "Ctrl+B", "Build the pack to Word or PDF")
        self.add_action = self._action(
            "Add &documents…",
            self.add_documents,
            "Ctrl+I",
            "Add meeting reports (PDF, Word, text) to the library",
        )
        self.add_folder_action = self._action(
            "Add a &folder…", self.add_folder, None, "Add every report in a folder"
        )
        quit_action = self._action("&Quit", self.close, key.Quit)

        file_menu = self.menuBar().addMenu("&File")
        file_menu.addActions([self.new_action, self.open_action])
        self.recent_menu = file_menu.addMenu("Open &recent")
        file_menu.addActions([self.save_action, self.save_as_action, self.duplicate_action])
        file_menu.addSeparator()
        file_menu.addActions([self.import_pack_action, self.export_pack_action])
        file_menu.addActions([self.export_library_action, self.import_library_action])
        file_menu.addSeparator()
        file_menu.addAction(self.build_action)
        file_menu.addSeparator()
        file_menu.addActions([self.add_action, self.add_folder_action])
        file_menu.addSeparator()
        file_menu.addAction(quit_action)

        edit_menu = self.menuBar().addMenu("&Edit")
        stack = self.pack_pane.undo_stack  # its Python undo/redo first apply what is being typed
        self.undo_action = self._action("&Undo", stack.undo, key.Undo, "Undo the last change to the pack")
        self.redo_action = self._action("&Redo", stack.redo, key.Redo, "Redo the change undone")
        self.undo_action.setEnabled(False)
        self.redo_action.setEnabled(False)
        stack.canUndoChanged.connect(self.undo_action.setEnabled)
        stack.canRedoChanged.connect(self.redo_action.setEnabled)
        stack.cleanChanged.connect(lambda _clean: self._update_title())
        self.find_action = self._action(
            "&Find sections", self._focus_search, key.Find, "Go to the search box"
        )
        self.add_to_pack_action = self._action(
            "Add to &pack",
            lambda: self.add_to_pack(self.results.selected_ids()),
            "Ctrl+Shift+A",
            "Add the selected sections to the pack",
        )
        self.clear_action = self._action("&Clear filters", self.library_pane.clear, "Ctrl+Shift+L")
        edit_menu.addActions([self.undo_action, self.redo_action])
        edit_menu.addSeparator()
        edit_menu.addActions([self.find_action, self.add_to_pack_action, self.clear_action])

        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self._action("&User guide", self.show_guide, key.HelpContents))
        help_menu.addAction(self._action("Open the &log folder", self._open_log_folder))
        help_menu.addSeparator()
        help_menu.addAction(self._action(f"&About {APP_NAME}", self._about))

        toolbar = QToolBar("Main", self)
        toolbar.setObjectName("main-toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addActions([self.add_action, self.new_action, self.open_action, self.save_action])
        toolbar.addSeparator()
        toolbar.addActions([self.undo_action, self.redo_action])
        toolbar.addSeparator()
        toolbar.addAction(self.build_action)
        self.addToolBar(toolbar)
        self._fill_recent_menu()

    # --- background work ----------------------------------------------------------------------

    def run(self, work: Callable[[Library], Any], done: Callable[[Any], None], action: str) -> None:
        """Run `work(library)` on the library worker; `done(result)` on the main thread."""
        library = self.library
        if library is None:
            return
        self.worker.submit(lambda: work(library), done, lambda error: self._failed(error, action))

    def _failed(self, error: Exception, action: str) -> None:
        self.statusBar().showMessage(f"Could not {action}")
        show_error(self, error, action)

    def _busy_changed(self, busy: bool) -> None:
        for action in (self.add_action, self.add_folder_action):
            action.setEnabled(not busy)

    # --- the library ----------------------------------------------------------------------------

    def _open_library(self) -> None:
        folder, fill = self.library_dir, self.fill_with_samples

        def work() -> tuple[Library, list, Pack | None]:
            library = Library.open(folder)
            if fill:
                ensure_samples(library)
            pack = None
            wanted = self.settings.value("pack/current", "")
            if wanted:
                pack = next((p for p in list_packs(library) if p.id == wanted), None)
            return library, library.meetings(), pack

        self.worker.submit(work, self._library_opened, lambda error: self._failed(error, "open the library"))

    def _library_opened(self, opened: tuple[Library, list, Pack | None]) -> None:
        self.library, meetings, pack = opened
        if self.library.restored:  # a damaged file was replaced by its backup: say so, once
            box = QMessageBox(QMessageBox.Icon.Warning, "Library restored from a backup", "", parent=self)
            box.setText("\n\n".join(str(notice) for notice in self.library.restored))
            box.open()
            self.restore_box = box
        self._set_meetings(meetings)
        self.refresh_results()
        self._show_pack(pack or self._new_pack_value())

    def _set_meetings(self, meetings: list) -> None:
        self.meetings = {meeting.id: meeting for meeting in meetings}
        self.library_pane.set_meetings(meetings)

    def refresh_lists(self) -> None:
        """After the library changed: the meetings, then the results."""
        self.run(lambda library: library.meetings(), self._lists_refreshed, "read the library")

    def _lists_refreshed(self, meetings: list) -> None:
        self._set_meetings(meetings)
        self.refresh_results()

    def refresh_results(self) -> None:
        selection = self.library_pane.selection()
        self._search_generation += 1
        generation = self._search_generation
        self.run(
            lambda library: library.search(selection, limit=RESULT_LIMIT),
            lambda result: self._results_ready(generation, result),
            "search the library",
        )

    def _results_ready(self, generation: int, result: SearchResult) -> None:
        if generation != self._search_generation:
            return  # the user has typed more since: a newer search is on its way
        self.results.show_result(result, self.meetings, self.labels)
        self.library_pane.show_counts(result.theme_counts, result.meeting_counts)
        self.statusBar().showMessage(
            f"{result.total} sections match · {len(self.meetings)} meetings · library {self.library_dir}"
        )
        self.results_shown.emit()

    def _show_section(self, section_id: str) -> None:
        def work(library: Library):
            section = library.section(section_id)
            similar = []
            for other_id in library.duplicates_of(section_id):
                other = library.section(other_id)
                similar.append((other_id, f"{other.heading}, {library.meeting(other.meeting_id).label}"))
            return section, library.meeting(section.meeting_id), similar

        self.run(
            work,
            lambda found: self.results.show_section(found[0], found[1], self.labels, found[2]),
            "show the section",
        )

    # --- corrections (saved at once) ------------------------------------------------------------

    def _rename_section(self, section_id: str) -> None:
        section = self.results.current_section()
        if section is None:
            return
        heading, ok = QInputDialog.getText(
            self, "Section heading", "Heading (empty: back to the report's own):", text=section.heading
        )
        if ok:
            self.run(
                lambda library: library.set_section_heading(section_id, heading),
                self._corrected,
                "rename the section",
            )

    def _edit_themes(self, section_id: str) -> None:
        section = self.results.current_section()
        if section is None:
            return
        dialog = ThemesDialog(section, self.lexicon, self)
        if dialog.exec():
            add, remove = dialog.changes()
            known = list(self.labels)
            self.run(
                lambda library: library.set_section_themes(section_id, add, remove, known),
                self._corrected,
                "change the themes",
            )

    def _edit_meeting(self, meeting_id: str) -> None:
        meeting = self.meetings.get(meeting_id)
        if meeting is None:
            return
        dialog = MeetingDialog(meeting, self)
        if dialog.exec() and dialog.changes():
            changes = dialog.changes()
            self.run(
                lambda library: library.update_meeting(meeting_id, **changes),
                lambda _m: self.refresh_lists(),
                "correct the meeting",
            )

    def _save_note(self, section_id: str, note: str) -> None:
        self.run(
            lambda library: library.set_section_note(section_id, note),
            lambda _s: self.statusBar().showMessage("Note saved"),
            "save the note",
        )

    def _corrected(self, section) -> None:
        self.statusBar().showMessage("Saved")
        self.refresh_results()
        self._show_section(section.id)

    # --- the pack --------------------------------------------------------------------------------

    def _new_pack_value(self) -> Pack:
        return Pack("New briefing pack", date=date.today().isoformat())

    def _show_pack(self, pack: Pack) -> None:
        """Fetch what the pane shows of the pack's sections, then show the pack."""

        def work(library: Library) -> dict[str, SectionInfo]:
            return _section_infos(library, pack.section_ids())

        self.run(work, lambda infos: self._pack_ready(pack, infos), "open the pack")

    def _pack_ready(self, pack: Pack, infos: dict[str, SectionInfo]) -> None:
        missing = [sid for sid in pack.section_ids() if sid not in infos]
        self.pack_pane.set_pack(pack, infos)
        self._update_title()
        if missing:
            self.statusBar().showMessage(
                f"{len(missing)} section(s) of this pack are no longer in the library; building will say which"
            )

    def add_to_pack(self, section_ids: list[str]) -> None:
        if not section_ids:
            return
        self.run(
            lambda library: list(_section_infos(library, section_ids).values()),
            self.pack_pane.add_sections,
            "add to the pack",
        )

    def _update_title(self) -> None:
        if not isValid(self.pack_pane):  # the undo stack still signals while the window goes
            return
        self.setWindowTitle(f"{self.pack_pane.pack().title}[*] — {APP_NAME}")
        self.setWindowModified(self.pack_pane.is_modified())

    def _then_if_discardable(self, then: Callable[[], None]) -> None:
        """Go on with `then` once the pack's changes are safe: saved first, or let go, as
        the user says (or at once when there are none)."""
        if not self.pack_pane.is_modified():
            then()
            return
        answer = QMessageBox.question(
            self,
            "Unsaved changes",
            f"The pack '{self.pack_pane.pack().title}' has changes that are not saved. Save them?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            self.save_pack(then)
        elif answer == QMessageBox.StandardButton.Discard:
            then()

    def new_pack(self) -> None:
        self._then_if_discardable(lambda: self._show_pack(self._new_pack_value()))

    def open_pack(self) -> None:
        self._then_if_discardable(
            lambda: self.run(lambda library: list_packs(library), self._choose_pack, "list the packs")
        )

    def _choose_pack(self, packs: list[Pack]) -> None:
        if not packs:
            QMessageBox.information(
                self, "Open a pack", "No pack is kept in this library yet. Save one first."
            )
            return
        dialog = OpenPackDialog(packs, self)
        if dialog.exec() and dialog.chosen():
            self.open_pack_id(dialog.chosen())

    def open_pack_id(self, pack_id: str) -> None:
        self.run(lambda library: load_pack(library, pack_id), self._show_pack, "open the pack")

    def save_pack(self, then: Callable[[], None] | None = None) -> None:
        pack = self.pack_pane.pack()

        def saved(_pack: Pack) -> None:
            self.pack_pane.mark_saved()
            self._remember_recent(pack)
            self._update_title()
            self.statusBar().showMessage(f"Pack '{pack.title}' saved in the library")
            if then:
                then()

        self.run(lambda library: save_pack(library, pack), saved, "save the pack")

    def save_pack_as(self) -> None:
        current = self.pack_pane.pack()
        title, ok = QInputDialog.getText(
            self, "Save a copy", "Title of the new pack:", text=f"Copy of {current.title}"
        )
        if not ok or not title.strip():
            return
        copy = current.copy(title.strip())
        self.run(lambda library: save_pack(library, copy), self._show_saved_copy, "save the copy")

    def _show_saved_copy(self, pack: Pack) -> None:
        self._remember_recent(pack)
        self._show_pack(pack)

    def import_pack_file(self) -> None:
        file, _ = QFileDialog.getOpenFileName(self, "Import a pack file", str(Path.home()), PACK_FILTER)
        if file:
            self._then_if_discardable(
                lambda: self.run(
                    lambda library: import_pack(library, Path(file)),
                    self._show_saved_copy,
                    "import the pack file",
                )
            )

    def export_pack_file(self) -> None:
        pack = self.pack_pane.pack()
        suggested = str(Path.home() / f"{_safe_name(pack.title)}.briefer-pack.json")
        file, _ = QFileDialog.getSaveFileName(self, "Export the pack to a file", suggested, PACK_FILTER)
        if file:
            self.run(
                lambda _library: export_pack(pack, Path(file)),
                lambda path: self.statusBar().showMessage(f"Wrote {path}"),
                "export the pack",
            )

    def export_library(self) -> None:
        from briefer.actions.archive import export_archive

        suggested = str(Path.home() / f"briefer-library-{date.today().isoformat()}.briefer-library.zip")
        file, _ = QFileDialog.getSaveFileName(
            self, "Export the library", suggested, "Library archives (*.zip)"
        )
        if file:
            self.run(
                lambda library: export_archive(library, Path(file)),
                lambda path: self.statusBar().showMessage(f"Wrote {path}"),
                "export the library",
            )

    def import_library(self) -> None:
        from briefer.actions.archive import import_archive

        file, _ = QFileDialog.getOpenFileName(
            self, "Import a library archive", str(Path.home()), "Library archives (*.zip);;All files (*)"
        )
        if file:
            self.run(
                lambda library: import_archive(library, Path(file)),
                self._library_imported,
                "import the archive",
            )

    def _library_imported(self, report) -> None:
        self.refresh_lists()
        QMessageBox.information(self, "Library archive imported", "\n".join(report.lines()))

    def build(self) -> None:
        from briefer.gui.build_dialog import BuildDialog

        if self.library is None:
            return
        dialog = BuildDialog(
            self.pack_pane.pack(), self.worker, self.cpu_worker, lambda: self.library, self.settings, self
        )
        dialog.open()
        self.build_dialog = dialog

    # --- recent packs ---------------------------------------------------------------------------

    def _recent(self) -> list[list[str]]:
        value = self.settings.value("pack/recent", [])
        return [
            pair.split("\t", 1) for pair in (value if isinstance(value, list) else [value]) if "\t" in pair
        ]

    def _remember_recent(self, pack: Pack) -> None:
        recent = [pair for pair in self._recent() if pair[0] != pack.id]
        recent.insert(0, [pack.id, pack.title])
        self.settings.setValue("pack/recent", ["\t".join(pair) for pair in recent[:RECENT_PACKS]])
        self.settings.setValue("pack/current", pack.id)
        self._fill_recent_menu()

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for pack_id, title in self._recent():
            action = self.recent_menu.addAction(title)
            action.triggered.connect(
                lambda _checked=False, pid=pack_id: self._then_if_discardable(lambda: self.open_pack_id(pid))
            )
        self.recent_menu.setEnabled(bool(self._recent()))

    # --- adding documents -----------------------------------------------------------------------

    def add_documents(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, "Add meeting reports", str(Path.home()), "Reports (*.txt *.md *.pdf *.docx);;All files (*)"
        )
        if files:
            self.ingest([Path(f) for f in files])

    def add_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add every report in a folder", str(Path.home()))
        if folder:
            self.ingest([Path(folder)])

    def ingest(self, inputs: list[Path]) -> None:
        from briefer.gui.import_dialog import ImportController

        if self.library is None:
            return
        self.importer = ImportController(self.worker, lambda: self.library, self)
        self.importer.imported.connect(lambda _reports: self.refresh_lists())
        self.importer.start(inputs)

    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.mimeData().hasUrls() and any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 (Qt name)
        inputs = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if inputs:
            event.acceptProposedAction()
            self.ingest(inputs)

    # --- help and the rest ------------------------------------------------------------------------

    def _focus_search(self) -> None:
        self.library_pane.search.setFocus()
        self.library_pane.search.selectAll()

    def show_guide(self) -> None:
        self.guide = UserGuideDialog(self)
        self.guide.show()

    def _open_log_folder(self) -> None:
        folder = paths.user_log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def _about(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"<b>{APP_NAME} {__version__}</b><p>Briefing packs for international meetings, built from a "
            "library of past meeting reports. Works offline: nothing leaves this computer.</p>"
            f"<p>Library: {self.library_dir}<br>Log: {paths.user_log_dir()}</p>",
        )

    def _close_now(self) -> None:
        self._closing = True
        self.close()

    def _restore_state(self) -> None:
        geometry = self.settings.value("main/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.settings.value("main/state")
        if state is not None:
            self.restoreState(state)
        for splitter, key in (
            (self.splitter, "main/splitter"),
            (self.results.splitter, "main/results-splitter"),
        ):
            value = self.settings.value(key)
            if value is not None:
                splitter.restoreState(value)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if self.pack_pane.is_modified() and not self._closing:
            event.ignore()  # asked first; the window closes again once the pack is safe
            self._then_if_discardable(lambda: QTimer.singleShot(0, self._close_now))  # not inside this close
            return
        self.settings.setValue("main/geometry", self.saveGeometry())
        self.settings.setValue("main/state", self.saveState())
        self.settings.setValue("main/splitter", self.splitter.saveState())
        self.settings.setValue("main/results-splitter", self.results.splitter.saveState())
        self.worker.wait()
        self.cpu_worker.wait()
        super().closeEvent(event)


def _section_infos(library: Library, section_ids: list[str]) -> dict[str, SectionInfo]:
    """What the pack pane shows of each section that still exists."""
    infos: dict[str, SectionInfo] = {}
    for section_id in section_ids:
        try:
            section = library.section(section_id)
        except NotFoundError:  # gone from the library: the build will name it
            continue
        meeting = library.meeting(section.meeting_id)
        infos[section_id] = SectionInfo(
            id=section.id,
            heading=section.heading,
            meeting=meeting.label,
            date=meeting.start_date,
            words=section_words(section),
            number=section.number,
        )
    return infos


def _safe_name(title: str) -> str:
    cleaned = "".join(ch if ch.isalnum() or ch in " -_" else " " for ch in title).strip()
    return "-".join(cleaned.split())[:80] or "pack"
