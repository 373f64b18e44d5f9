"""The main window: Library (filters) | Results (sections, reading pane) | Pack (outline, cover).

A thin shell over the core (docs/ARCHITECTURE.md): every call on the library runs on the one serial
background worker and its result, or its error, comes back on the main thread; writing a
built pack runs on a CPU worker (the build dialog). The window never blocks, and never
touches the library's files itself.

The window lays out the panes, the menus and the toolbar, opens the library, searches it
and adds documents to it. The commands on the pack as a whole (new, open, save, import,
export, build) are `PackFiles`'s; corrections and the library archive are
`LibraryCommands`'s.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QSplitter, QToolBar

from briefer import APP_NAME, __version__, paths
from briefer.actions.ingest import ensure_samples
from briefer.actions.packs import list_packs
from briefer.gui.dialogs import UserGuideDialog
from briefer.gui.errors import show_error
from briefer.gui.library_commands import LibraryCommands
from briefer.gui.library_pane import LibraryPane
from briefer.gui.pack_files import PackFiles, section_infos
from briefer.gui.pack_pane import PackPane
from briefer.gui.results_pane import FEW, ResultsPane, SearchAdvice
from briefer.gui.tasks import CpuWorker, ProgressReporter, SerialWorker
from briefer.ingest.themes import Lexicon, default_lexicon
from briefer.library import Library, SearchResult, SectionFilter
from briefer.library.query import parse_query
from briefer.packs.model import Pack

log = logging.getLogger(__name__)
RESULT_LIMIT = 500  # rows shown at once; the summary says how many match


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
        self.opening_progress = ProgressReporter(self)  # a library indexed or upgraded as it opens
        self.opening_progress.changed.connect(self._opening_progress)
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
        self.results.section_selected.connect(self.show_section)
        self.results.add_requested.connect(self.add_to_pack)
        self.pack_pane = PackPane(self)
        self.pack_pane.section_activated.connect(self.show_section)
        self.packs = PackFiles(self)
        self.pack_pane.pack_changed.connect(self.packs.update_title)
        self.pack_pane.source_requested.connect(self.open_source)
        self.library_commands = LibraryCommands(self)
        self.results.rename_requested.connect(self.library_commands.rename_section)
        self.results.themes_requested.connect(self.library_commands.edit_themes)
        self.results.meeting_requested.connect(self.library_commands.edit_meeting)
        self.results.note_saved.connect(self.library_commands.save_note)
        self.results.search_requested.connect(self.library_pane.search_for)
        self.results.clear_requested.connect(self.library_pane.clear_filter)
        self.results.add_documents_requested.connect(self.add_documents)
        self.results.samples_requested.connect(self.load_samples)
        outline = self.pack_pane.outline
        outline.sections_dropped.connect(self.add_dropped)
        outline.model.modelReset.connect(self._mark_in_pack)  # the pack's items changed

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
        packs, library = self.packs, self.library_commands
        self.new_action = self._action("&New pack", packs.new_pack, key.New, "Start a new, empty pack")
        self.open_action = self._action(
            "&Open pack…", packs.open_pack, key.Open, "Open a pack kept in the library"
        )
        self.save_action = self._action(
            "&Save pack", packs.save_pack, key.Save, "Keep the pack in the library"
        )
        self.save_as_action = self._action(
            "Save pack &as…", packs.save_pack_as, key.SaveAs, "Keep a copy of the pack under a new title"
        )
        self.duplicate_action = self._action(
            "&Duplicate pack…", packs.save_pack_as, None, "Start the next session's pack from this one"
        )
        self.import_pack_action = self._action("&Import pack file…", packs.import_pack_file)
        self.export_pack_action = self._action("&Export pack file…", packs.export_pack_file)
        self.export_library_action = self._action(
            "Export the &library…",
            library.export_library,
            None,
            "The whole library in one file, for a colleague",
        )
        self.import_library_action = self._action(
            "Import a library &archive…",
            library.import_library,
            None,
            "Merge a colleague's library into yours",
        )
        self.build_action = self._action("&Build…", packs.build, "Ctrl+B", "Build the pack to Word or PDF")
        self.final_action = self._action(
            "Pack is &final",
            packs.toggle_final,
            None,
            "Signed off: built without DRAFT, no edit until unlocked",
        )
        self.final_action.setCheckable(True)
        self.builds_action = self._action(
            "Builds of the &pack…",
            packs.show_builds,
            None,
            "Which printout is current: every build, with its checksum",
        )
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
        packs.set_recent_menu(self.recent_menu)
        file_menu.addActions([self.save_action, self.save_as_action, self.duplicate_action])
        file_menu.addSeparator()
        file_menu.addActions([self.import_pack_action, self.export_pack_action])
        file_menu.addActions([self.export_library_action, self.import_library_action])
        file_menu.addSeparator()
        file_menu.addActions([self.build_action, self.final_action, self.builds_action])
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
        stack.cleanChanged.connect(lambda _clean: self.packs.update_title())
        self.find_action = self._action(
            "&Find sections", self._focus_search, key.Find, "Go to the search box"
        )
        self.add_to_pack_action = self._action(
            "Add to &pack",
            lambda: self.add_to_pack(self.results.selected_ids()),
            "Ctrl+Shift+A",
            "Add the selected sections to the pack",
        )
        self.add_search_action = self._action(
            "Add the &search to the pack",
            self.packs.add_current_search,
            "Ctrl+Shift+K",
            "Keep this search in the pack: at every build it pulls in what it finds",
        )
        self.clear_action = self._action("&Clear filters", self.library_pane.clear, "Ctrl+Shift+L")
        edit_menu.addActions([self.undo_action, self.redo_action])
        edit_menu.addSeparator()
        edit_menu.addActions(
            [self.find_action, self.add_to_pack_action, self.add_search_action, self.clear_action]
        )

        view_menu = self.menuBar().addMenu("&View")
        self.next_pane_action = self._action(
            "&Next pane", lambda: self.focus_pane(1), "Ctrl+Tab", "Library, results, pack (also F6)"
        )
        self.next_pane_action.setShortcuts([QKeySequence("Ctrl+Tab"), QKeySequence("F6")])
        self.previous_pane_action = self._action("&Previous pane", lambda: self.focus_pane(-1), None)
        self.previous_pane_action.setShortcuts(
            [QKeySequence("Ctrl+Shift+Tab"), QKeySequence("Ctrl+Shift+Backtab"), QKeySequence("Shift+F6")]
        )
        for text, target, key_ in (
            ("&Library pane", lambda: self._focus_search(), "Alt+1"),
            ("&Results", lambda: self.focus_pane_at(1), "Alt+2"),
            ("Pac&k outline", lambda: self.focus_pane_at(2), "Alt+3"),
            ("Reading &pane", lambda: self.results.reader.setFocus(), "Alt+4"),
        ):
            view_menu.addAction(self._action(text, target, key_))
        view_menu.addSeparator()
        view_menu.addActions([self.next_pane_action, self.previous_pane_action])
        for action in (self.next_pane_action, self.previous_pane_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)

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
        folder, fill, progress = self.library_dir, self.fill_with_samples, self.opening_progress

        def work() -> tuple[Library, list, Pack | None]:
            library = Library.open(folder, progress=progress.report, look_at_pieces=True)
            if fill:
                ensure_samples(library)
            pack = None
            wanted = self.settings.value("pack/current", "")
            if wanted:
                pack = next((p for p in list_packs(library) if p.id == wanted), None)
            return library, library.meetings(), pack

        self.worker.submit(work, self._library_opened, lambda error: self._failed(error, "open the library"))

    def _opening_progress(self, done: int, total: int, what: str) -> None:
        self.statusBar().showMessage(f"{what}: {done:,} of {total:,} documents…")

    def _library_opened(self, opened: tuple[Library, list, Pack | None]) -> None:
        self.library, meetings, pack = opened
        if self.library.restored:  # a damaged file was replaced by its backup: say so, once
            box = QMessageBox(QMessageBox.Icon.Warning, "Library restored from a backup", "", parent=self)
            box.setText("\n\n".join(str(notice) for notice in self.library.restored))
            box.open()
            self.restore_box = box
        self._set_meetings(meetings)
        self.refresh_results()
        self.packs.show_pack(pack or self.packs.new_pack_value())

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
        has_filters = self.library_pane.has_filters(selection)
        self._search_generation += 1
        generation = self._search_generation

        def work(library: Library) -> tuple[SearchResult, SearchAdvice]:
            result = library.search(selection, limit=RESULT_LIMIT)
            return result, advise(library, selection, result, has_filters)

        self.run(
            work,
            lambda found: self._results_ready(generation, selection, *found),
            "search the library",
        )

    def _results_ready(
        self, generation: int, selection: SectionFilter, result: SearchResult, advice: SearchAdvice
    ) -> None:
        if generation != self._search_generation:
            return  # the user has typed more since: a newer search is on its way
        terms = parse_query(selection.query or "").terms
        self.results.show_result(result, self.meetings, self.labels, advice, terms)
        self.library_pane.show_counts(result.theme_counts, result.meeting_counts)
        self.statusBar().showMessage(
            f"{result.total} sections match · {len(self.meetings)} meetings · library {self.library_dir}"
        )
        self.results_shown.emit()

    def show_section(self, section_id: str) -> None:
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

    def open_source(self, section_id: str) -> None:
        """The report a section came from, open at its page or line."""
        info = self.pack_pane.session.sections.get(section_id)

        def shown(path: Path | None) -> None:
            if path is None:
                QMessageBox.information(
                    self,
                    "Report not found",
                    "The report this section came from is no longer where it was added from, "
                    "or has changed since. Add it to the library again to open it here.",
                )
                return
            from briefer.gui.source_viewer import SourceViewer

            viewer = SourceViewer(
                path, info.citation if info else "", info and info.page, info and info.line, self
            )
            viewer.setModal(False)
            viewer.show()
            self.source_viewer = viewer  # kept while open

        self.run(lambda library: library.original_file(section_id), shown, "open the report")

    # --- the pack (the commands on the whole pack are PackFiles's) ------------------------------

    def add_to_pack(self, section_ids: list[str]) -> None:
        self.packs.add_to_pack(section_ids)

    def add_dropped(self, section_ids: list[str], position: int) -> None:
        """Results dropped on the outline: added where they were dropped."""
        outline = self.pack_pane.outline
        self.run(
            lambda library: list(section_infos(library, section_ids).values()),
            lambda infos: outline.add_at(position, lambda: self.pack_pane.add_sections(infos)),
            "add to the pack",
        )

    def _mark_in_pack(self) -> None:
        items = self.pack_pane.session.items
        self.results.set_in_pack(
            {item.section_id for item in items if item.kind == "section" and item.section_id}
        )

    def open_pack_id(self, pack_id: str) -> None:
        self.packs.open_pack_id(pack_id)

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

    def load_samples(self) -> None:
        """The sample reports shipped with Briefer, into this library (an empty one's first step)."""
        self.ingest(sorted(paths.sample_sources_dir().glob("*.txt")))

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

    def _panes(self) -> list:
        return [self.library_pane, self.results, self.pack_pane]

    def focus_pane_at(self, number: int) -> None:
        """The keyboard's way into a pane: its first field or list."""
        if number == 0:
            self._focus_search()
        elif number == 1:
            self.results.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
            if not self.results.table.currentIndex().isValid() and self.results.table.rowCount():
                self.results.table.selectRow(0)
        else:
            self.pack_pane.outline.tree.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_pane(self, step: int) -> None:
        """Ctrl+Tab, F6: the next pane (Ctrl+Shift+Tab, Shift+F6: the one before)."""
        focused = self.focusWidget()
        panes = self._panes()
        current = next((n for n, pane in enumerate(panes) if focused and pane.isAncestorOf(focused)), -1)
        self.focus_pane_at((current + step) % len(panes))

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
            self.packs.then_if_discardable(
                lambda: QTimer.singleShot(0, self._close_now)
            )  # not inside this close
            return
        self.settings.setValue("main/geometry", self.saveGeometry())
        self.settings.setValue("main/state", self.saveState())
        self.settings.setValue("main/splitter", self.splitter.saveState())
        self.settings.setValue("main/results-splitter", self.results.splitter.saveState())
        self.worker.wait()
        self.cpu_worker.wait()
        super().closeEvent(event)


def advise(
    library: Library, selection: SectionFilter, result: SearchResult, has_filters: bool
) -> SearchAdvice:
    """On the library worker: what to say beside few or no results. An empty library says
    so; few results with a query look for a corrected query; no results count the matches
    with each filter cleared in turn, so the hint names the one that left them out."""
    advice = SearchAdvice(has_query=bool(selection.query), has_filters=has_filters)
    if result.total == 0 and library.is_empty():
        advice.empty_library = True
        return advice
    if selection.query and result.total < FEW:
        advice.suggestion = library.suggest(selection.query)
    if result.total:
        return advice
    cleared = {
        "themes": replace(selection, themes=[]) if selection.themes else None,
        "meetings": replace(selection, meeting_ids=[]) if selection.meeting_ids else None,
        "dates": replace(selection, date_from=None, date_to=None)
        if selection.date_from or selection.date_to
        else None,
        "query": replace(selection, query=None) if selection.query and has_filters else None,
    }
    for name, wider in cleared.items():
        if wider is not None:
            advice.without[name] = library.search(wider, limit=0).total
    if selection.query and has_filters:
        advice.words_alone = library.search(SectionFilter(query=selection.query), limit=0).total
    return advice
