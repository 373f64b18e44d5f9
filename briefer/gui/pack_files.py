"""The main window's commands on the pack as a whole: new, open, open recent, save, save a
copy, import and export a pack file, build; and the question before unsaved changes are
let go.

The pack itself is edited in the Pack pane; these commands give the pane a pack to show
(with what it needs to know of the pack's sections, fetched on the library worker) and
take the pane's pack to save, export or build it. The window title follows the pack.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QFileDialog, QMenu, QMessageBox
from shiboken6 import isValid

from briefer import APP_NAME
from briefer.actions.packs import export_pack, import_pack, list_packs, load_pack, save_pack, saved_search
from briefer.errors import NotFoundError, UsageError
from briefer.gui.dialogs import OpenPackDialog
from briefer.gui.pack_session import SectionInfo
from briefer.library import Library
from briefer.packs.estimate import section_words
from briefer.packs.model import Pack
from briefer.packs.wording import citation

if TYPE_CHECKING:
    from briefer.gui.main_window import MainWindow

RECENT_PACKS = 8
PACK_FILTER = "Briefer packs (*.briefer-pack.json *.json);;All files (*)"


class PackFiles(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.pack_pane = window.pack_pane
        self.settings = window.settings
        self.recent_menu: QMenu | None = None
        self.build_dialog = None  # the last build dialog opened
        self.pack_pane.searches_changed.connect(self.count_searches)

    def set_recent_menu(self, menu: QMenu) -> None:
        """The File menu's Open recent: filled now and after each save."""
        self.recent_menu = menu
        self.fill_recent_menu()

    # --- showing a pack -----------------------------------------------------------------------

    def new_pack_value(self) -> Pack:
        return Pack("New briefing pack", date=date.today().isoformat())

    def show_pack(self, pack: Pack) -> None:
        """Fetch what the pane shows of the pack's sections, then show the pack."""

        def work(library: Library) -> dict[str, SectionInfo]:
            return section_infos(library, pack.section_ids())

        self.window.run(work, lambda infos: self._pack_ready(pack, infos), "open the pack")

    def _pack_ready(self, pack: Pack, infos: dict[str, SectionInfo]) -> None:
        missing = [sid for sid in pack.section_ids() if sid not in infos]
        self.pack_pane.set_pack(pack, infos)
        self.update_title()
        self.count_searches()
        if missing:
            self.window.statusBar().showMessage(
                f"{len(missing)} section(s) of this pack are no longer in the library; building will say which"
            )

    def add_to_pack(self, section_ids: list[str]) -> None:
        if not section_ids:
            return
        self.window.run(
            lambda library: list(section_infos(library, section_ids).values()),
            self.pack_pane.add_sections,
            "add to the pack",
        )

    def update_title(self) -> None:
        if not isValid(self.pack_pane):  # the undo stack still signals while the window goes
            return
        pack = self.pack_pane.pack()
        final = " (final)" if pack.final else ""
        self.window.setWindowTitle(f"{pack.title}{final}[*] — {APP_NAME}")
        self.window.setWindowModified(self.pack_pane.is_modified())
        action = getattr(self.window, "final_action", None)  # (none while the window is made)
        if action is not None:
            action.setChecked(pack.final)

    def toggle_final(self) -> None:
        """Mark the pack final, or unlock it; save to keep it so."""
        final = not self.pack_pane.pack().final
        self.pack_pane.set_final(final)
        self.window.statusBar().showMessage(
            "The pack is final: save it, then build the copies to sign off"
            if final
            else "The pack can be edited again"
        )

    def add_current_search(self) -> None:
        """Keep the search on screen (words, themes, meetings, dates) in the pack."""
        try:
            search = saved_search(self.window.library_pane.selection())
        except UsageError as error:
            self.window.statusBar().showMessage(str(error))
            return
        self.pack_pane.add_search(search)

    def count_searches(self) -> None:
        """What the pack's saved searches pull in, and what is new since its last build."""
        pack = self.pack_pane.pack()
        if not pack.searches:
            return

        def work(library: Library) -> dict[str, tuple[int, int | None]]:
            from briefer.packs.assemble import assemble  # (not at start-up)

            try:
                assembly = assemble(pack, library)
            except (UsageError, NotFoundError):  # an empty pack, a section gone: nothing to count
                return {}
            new = None if assembly.new_since_last_build is None else set(assembly.new_since_last_build)
            counts = {}
            for search in pack.searches:
                pulled = assembly.pulled.get(search.label, [])
                counts[search.id] = (len(pulled), None if new is None else len(new & set(pulled)))
            return counts

        self.window.run(work, self.pack_pane.show_search_counts, "count the saved searches")

    def show_builds(self) -> None:
        from briefer.gui.dialogs import BuildsDialog

        pack = self.pack_pane.pack()
        self.window.run(
            lambda library: library.builds(pack.id),
            lambda builds: BuildsDialog(pack.title, builds, self.window).exec(),
            "list the pack's builds",
        )

    def then_if_discardable(self, then: Callable[[], None]) -> None:
        """Go on with `then` once the pack's changes are safe: saved first, or let go, as
        the user says (or at once when there are none)."""
        if not self.pack_pane.is_modified():
            then()
            return
        answer = QMessageBox.question(
            self.window,
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

    # --- the File menu's pack commands ----------------------------------------------------------

    def new_pack(self) -> None:
        self.then_if_discardable(lambda: self.show_pack(self.new_pack_value()))

    def open_pack(self) -> None:
        self.then_if_discardable(
            lambda: self.window.run(lambda library: list_packs(library), self._choose_pack, "list the packs")
        )

    def _choose_pack(self, packs: list[Pack]) -> None:
        if not packs:
            QMessageBox.information(
                self.window, "Open a pack", "No pack is kept in this library yet. Save one first."
            )
            return
        dialog = OpenPackDialog(packs, self.window)
        if dialog.exec() and dialog.chosen():
            self.open_pack_id(dialog.chosen())

    def open_pack_id(self, pack_id: str) -> None:
        def opened(pack: Pack) -> None:
            self._remember_recent(pack)  # the pack the next start shows, first in Open recent
            self.show_pack(pack)

        self.window.run(lambda library: load_pack(library, pack_id), opened, "open the pack")

    def save_pack(self, then: Callable[[], None] | None = None) -> None:
        pack = self.pack_pane.pack()

        def saved(_pack: Pack) -> None:
            self.pack_pane.mark_saved()
            self._remember_recent(pack)
            self.update_title()
            self.window.statusBar().showMessage(f"Pack '{pack.title}' saved in the library")
            if then:
                then()

        self.window.run(lambda library: save_pack(library, pack), saved, "save the pack")

    def save_pack_as(self) -> None:
        from briefer.gui.dialogs import CopyPackDialog

        current = self.pack_pane.pack()
        dialog = CopyPackDialog(current, self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        today = date.today().isoformat()
        copy = current.copy(dialog.title(), dialog.meeting(), dialog.contents(), today)
        self.window.run(lambda library: save_pack(library, copy), self._show_saved_copy, "save the copy")

    def _show_saved_copy(self, pack: Pack) -> None:
        self._remember_recent(pack)
        self.show_pack(pack)

    def import_pack_file(self) -> None:
        file, _ = QFileDialog.getOpenFileName(
            self.window, "Import a pack file", str(Path.home()), PACK_FILTER
        )
        if file:
            self.then_if_discardable(
                lambda: self.window.run(
                    lambda library: import_pack(library, Path(file)),
                    self._show_saved_copy,
                    "import the pack file",
                )
            )

    def export_pack_file(self) -> None:
        pack = self.pack_pane.pack()
        suggested = str(Path.home() / f"{safe_name(pack.title)}.briefer-pack.json")
        file, _ = QFileDialog.getSaveFileName(
            self.window, "Export the pack to a file", suggested, PACK_FILTER
        )
        if file:
            self.window.run(
                lambda library: export_pack(
                    pack, Path(file), library.folder, replace=True
                ),  # the dialog asked
                lambda path: self.window.statusBar().showMessage(f"Wrote {path}"),
                "export the pack",
            )

    def build(self) -> None:
        from briefer.gui.build_dialog import BuildDialog

        window = self.window
        if window.library is None:
            return
        pack = self.pack_pane.pack()
        dialog = BuildDialog(
            pack, window.worker, window.cpu_worker, lambda: window.library, self.settings, window
        )
        dialog.choices_made.connect(lambda template, paper: self._built_with(pack.id, template, paper))
        dialog.open()
        self.build_dialog = dialog

    def _built_with(self, pack_id: str, template: str, page_size: str) -> None:
        """The template and paper a build used are the pack's from now on (that pack's: not
        another shown since the dialog opened)."""
        if self.pack_pane.pack().id == pack_id:
            self.pack_pane.set_build_choices(template, page_size)

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
        self.fill_recent_menu()

    def fill_recent_menu(self) -> None:
        if self.recent_menu is None:
            return
        self.recent_menu.clear()
        for pack_id, title in self._recent():
            action = self.recent_menu.addAction(title)
            action.triggered.connect(
                lambda _checked=False, pid=pack_id: self.then_if_discardable(lambda: self.open_pack_id(pid))
            )
        self.recent_menu.setEnabled(bool(self._recent()))


def section_infos(library: Library, section_ids: list[str]) -> dict[str, SectionInfo]:
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
            paragraphs=tuple(
                p if isinstance(p, str) else "Table: " + " | ".join(p.rows[0] if p.rows else ())
                for p in section.paragraphs()
            ),
            citation=citation(section, meeting),
            page=section.page_start,
            line=section.line_start,
        )
    return infos


def safe_name(title: str) -> str:
    cleaned = "".join(ch if ch.isalnum() or ch in " -_" else " " for ch in title).strip()
    return "-".join(cleaned.split())[:80] or "pack"
