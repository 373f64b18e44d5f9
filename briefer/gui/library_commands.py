"""The main window's commands that change the library itself: corrections of a section or
a meeting (saved at once), and the library archive (export the whole library for a
colleague, merge a colleague's into this one).

Each runs on the library worker through the window; the window refreshes what it shows
afterwards.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from briefer.gui.dialogs import MeetingDialog, ThemesDialog

if TYPE_CHECKING:
    from briefer.gui.main_window import MainWindow


class LibraryCommands(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.results = window.results

    # --- corrections (saved at once) ------------------------------------------------------------

    def rename_section(self, section_id: str) -> None:
        section = self.results.current_section()
        if section is None:
            return
        heading, ok = QInputDialog.getText(
            self.window, "Section heading", "Heading (empty: back to the report's own):", text=section.heading
        )
        if ok:
            self.window.run(
                lambda library: library.set_section_heading(section_id, heading),
                self._corrected,
                "rename the section",
            )

    def edit_themes(self, section_id: str) -> None:
        section = self.results.current_section()
        if section is None:
            return
        dialog = ThemesDialog(section, self.window.lexicon, self.window)
        if dialog.exec():
            add, remove = dialog.changes()
            known = list(self.window.labels)
            self.window.run(
                lambda library: library.set_section_themes(section_id, add, remove, known),
                self._corrected,
                "change the themes",
            )

    def edit_meeting(self, meeting_id: str) -> None:
        meeting = self.window.meetings.get(meeting_id)
        if meeting is None:
            return
        dialog = MeetingDialog(meeting, self.window)
        if dialog.exec() and dialog.changes():
            changes = dialog.changes()
            self.window.run(
                lambda library: library.update_meeting(meeting_id, **changes),
                lambda _m: self.window.refresh_lists(),
                "correct the meeting",
            )

    def save_note(self, section_id: str, note: str) -> None:
        self.window.run(
            lambda library: library.set_section_note(section_id, note),
            lambda _s: self.window.statusBar().showMessage("Note saved"),
            "save the note",
        )

    def _corrected(self, section) -> None:
        self.window.statusBar().showMessage("Saved")
        self.window.refresh_results()
        self.window.show_section(section.id)

    # --- the library archive ----------------------------------------------------------------------

    def export_library(self) -> None:
        from briefer.actions.archive import export_archive

        suggested = str(Path.home() / f"briefer-library-{date.today().isoformat()}.briefer-library.zip")
        file, _ = QFileDialog.getSaveFileName(
            self.window, "Export the library", suggested, "Library archives (*.zip)"
        )
        if file:
            self.window.run(
                lambda library: export_archive(
                    library, Path(file), replace=file.lower().endswith(".zip")
                ),  # the dialog asked
                lambda path: self.window.statusBar().showMessage(f"Wrote {path}"),
                "export the library",
            )

    def import_library(self) -> None:
        from briefer.actions.archive import import_archive

        file, _ = QFileDialog.getOpenFileName(
            self.window,
            "Import a library archive",
            str(Path.home()),
            "Library archives (*.zip);;All files (*)",
        )
        if file:
            self.window.run(
                lambda library: import_archive(library, Path(file)),
                self._library_imported,
                "import the archive",
            )

    def _library_imported(self, report) -> None:
        self.window.refresh_lists()
        QMessageBox.information(self.window, "Library archive imported", "\n".join(report.lines()))
