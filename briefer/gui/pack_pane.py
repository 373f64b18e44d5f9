"""The Pack pane: the outline of the pack being composed, an editor for the selected item,
the cover details, and an estimate of the built pack's length.

The pane never reads the library: the main window gives it the pack and what it needs to
know of the pack's sections (`SectionInfo`, fetched on the library worker), and asks it
for the pack (`pack()`) to save or build it. Every edit goes through `undo_stack`. The
estimate is for the template the pack names (`Pack.template`), looked up whenever that
name changes.

The pane composes its parts, each a widget of its own that edits the one `PackSession`:
the outline (`PackOutlineView`: the tree and its actions), the editor of the current item
(`ItemEditor`) and the cover form (`CoverForm`). It tells each of them what to show after
a change, and keeps the estimate and the status line.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from briefer.errors import UsageError
from briefer.gui.pack_commands import (
    AddItemsCommand,
    EditCoverCommand,
    SavedSearchCommand,
    SetBuildChoicesCommand,
)
from briefer.gui.pack_cover_form import CoverForm
from briefer.gui.pack_item_editor import ItemEditor
from briefer.gui.pack_outline_view import PackOutlineView
from briefer.gui.pack_session import PackSession, SectionInfo, count, muted
from briefer.ir.templates import Template, find_template
from briefer.packs.estimate import estimate
from briefer.packs.model import Pack, PackItem, SavedSearch

__all__ = ["PackPane", "SectionInfo", "pack_template"]

log = logging.getLogger(__name__)


def pack_template(name: str) -> Template | None:
    """The template a pack names; None (the estimate's default) when none has that name."""
    try:
        return find_template(name)
    except UsageError as error:
        log.warning("estimating pack length with the default template: %s", error)
        return None


class PackPane(QWidget):
    pack_changed = Signal()  # after any edit, undo or redo (not after set_pack)
    section_activated = Signal(str)  # a section item was selected or double-clicked: its id
    source_requested = Signal(str)  # open the report a section came from: its id
    searches_changed = Signal()  # a saved search added or removed: count what they pull in

    def __init__(
        self, parent: QWidget | None = None, templates: Callable[[str], Template | None] = pack_template
    ) -> None:
        super().__init__(parent)
        self._templates = templates  # a pack's template name -> the template
        self._template: tuple[str, Template | None] | None = None  # the pack's, by its name
        self.session = PackSession(self)
        self.session.changed.connect(self._on_change)
        self.undo_stack = self.session.undo_stack
        self._build_ui()
        self.cover.load()
        self.editor.load(None)
        self._update_estimate()

    # --- the API the main window uses ---------------------------------------------------------

    def set_pack(self, pack: Pack, sections: Mapping[str, SectionInfo]) -> None:
        """Show and edit a copy of `pack`; the undo history starts afresh."""
        self.session.reset(pack, sections)
        self._template = None  # the new pack's own, looked up afresh
        self.outline.show_items()
        self.cover.load()
        self.editor.load(None)
        self._update_estimate()
        self._show_final_state()
        self._search_counts = {}
        self._show_searches()
        self.status.clear()

    def add_sections(self, infos: list[SectionInfo]) -> None:
        """Add sections after the current item (at the end of the current part when a part
        heading is current); sections already in the pack are not added again."""
        if self.session.pack.final:
            self.status.setText(FINAL_TEXT)
            return
        present = set(self.session.pack.section_ids())
        fresh: list[SectionInfo] = []
        for info in infos:
            self.session.sections[info.id] = info
            if info.id not in present:
                present.add(info.id)
                fresh.append(info)
        self.outline.refresh()  # sections already there may now be known
        skipped = len(infos) - len(fresh)
        if fresh:
            items = [PackItem.section(info.id) for info in fresh]
            text = f"Add {count(len(items), 'section')}"
            position = self.outline.insert_position()
            self.session.push(AddItemsCommand(self.session.document, items, position, text))
        self.status.setText(_added_message(fresh, skipped, infos))

    def add_search(self, search: SavedSearch) -> None:
        """Keep a search in the pack: it pulls its matches in at every build (undoable)."""
        if self.session.pack.final:
            self.status.setText(FINAL_TEXT)
            return
        self.session.push(SavedSearchCommand(self.session.document, search))
        self.status.setText(f"Saved search “{search.label}” added: it pulls in its matches at every build.")
        self.searches_changed.emit()

    def remove_search(self) -> None:
        row = self.searches.currentRow()
        searches = self.session.pack.searches
        if 0 <= row < len(searches) and not self.session.pack.final:
            self.session.push(SavedSearchCommand(self.session.document, remove_id=searches[row].id))
            self.searches_changed.emit()

    def show_search_counts(self, counts: dict[str, tuple[int, int | None]]) -> None:
        """What each saved search pulls in (by search id): sections, and how many are new
        since the last build (None: never built)."""
        self._search_counts = counts
        self._show_searches()

    def _show_searches(self) -> None:
        searches = self.session.pack.searches
        self.searches.clear()
        for search in searches:
            found = self._search_counts.get(search.id)
            if found is None:
                what = "counted when the library answers"
            else:
                pulled, new = found
                what = count(pulled, "section")
                if new:
                    what += f", {new} new since the last build"
            self.searches.addItem(f"{search.label}: {what}")
        self.searches_box.setVisible(bool(searches))

    def set_final(self, final: bool) -> None:
        """Sign the pack off (printed without DRAFT; no edit until unlocked), or unlock it:
        one undoable step."""
        self.session.flush()
        self.session.push(EditCoverCommand(self.session.document, "final", final, -1))

    def _show_final_state(self) -> None:
        final = self.session.pack.final
        for part in (self.outline, self.editor, self.cover):
            part.setEnabled(not final)
        self.final_banner.setVisible(final)

    def pack(self) -> Pack:
        """A copy of the pack as edited, including what is being typed."""
        return self.session.copy()

    def is_modified(self) -> bool:
        self.session.flush()
        return not self.undo_stack.isClean()

    def mark_saved(self) -> None:
        self.session.flush()
        self.undo_stack.setClean()

    def set_build_choices(self, template: str, page_size: str) -> None:
        """The pack is built with `template` (an id) on `page_size` paper: it records them,
        as one undoable step when they change, and the estimate follows."""
        self.session.push(SetBuildChoicesCommand(self.session.document, template, page_size))

    def set_template(self, template: Template | None) -> None:
        """Estimate with `template` instead of the one the pack names, until the pack names
        another or another pack is shown."""
        self._template = (self.session.pack.template, template)
        self._update_estimate()

    def template(self) -> Template | None:
        """The template the estimate is for: the pack's (None: the estimate's default)."""
        name = self.session.pack.template
        if self._template is None or self._template[0] != name:
            self._template = (name, self._templates(name))
        return self._template[1]

    # --- layout -------------------------------------------------------------------------------

    def _build_ui(self) -> None:
        # Created in the order Tab visits them: the tabs, the outline, the editor, the cover.
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("Pack")
        self.outline = PackOutlineView(self.session, self)
        self.editor = ItemEditor(self.session, self)
        self.outline.current_changed.connect(self.editor.load)
        self.outline.item_added.connect(self.editor.start_editing)
        self.outline.section_activated.connect(self.section_activated)
        self.outline.message.connect(self._say)
        self.editor.message.connect(self._say)
        self.editor.source_requested.connect(self.source_requested)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.outline)
        self.splitter.addWidget(self.editor)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.searches_box = QWidget(self)
        self.searches = QListWidget(self.searches_box)
        self.searches.setAccessibleName("Saved searches of the pack")
        self.searches.setToolTip("Searches kept in the pack: at every build they pull in what they find")
        self.searches.setMaximumHeight(90)
        remove = QPushButton("Remove search", self.searches_box)
        remove.setAccessibleName("Remove the selected saved search")
        remove.clicked.connect(self.remove_search)
        box = QVBoxLayout(self.searches_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(QLabel("Saved searches (pulled in at every build):", self.searches_box))
        box.addWidget(self.searches)
        box.addWidget(remove, 0, Qt.AlignmentFlag.AlignLeft)
        self.searches_box.hide()
        self._search_counts: dict[str, tuple[int, int | None]] = {}
        outline_tab = QWidget(self)
        column_tab = QVBoxLayout(outline_tab)
        column_tab.setContentsMargins(0, 0, 0, 0)
        column_tab.addWidget(self.splitter, 1)
        column_tab.addWidget(self.searches_box)
        self.tabs.addTab(outline_tab, "&Outline")
        self.cover = CoverForm(self.session, self)
        self.tabs.addTab(self.cover, "Cove&r")
        self.estimate_label = QLabel(self)
        self.estimate_label.setAccessibleName("Estimated length of the pack")
        self.final_banner = QWidget(self)
        banner = QHBoxLayout(self.final_banner)
        banner.setContentsMargins(0, 0, 0, 0)
        label = QLabel(FINAL_TEXT, self.final_banner)
        label.setWordWrap(True)
        self.unlock_button = QPushButton("&Unlock to edit", self.final_banner)
        self.unlock_button.setAccessibleName("Unlock the final pack to edit it")
        self.unlock_button.clicked.connect(lambda: self.set_final(False))
        banner.addWidget(label, 1)
        banner.addWidget(self.unlock_button)
        self.final_banner.hide()
        self.status = QLabel(self)
        self.status.setAccessibleName("Pack status")
        self.status.setWordWrap(True)
        muted(self.status)
        column = QVBoxLayout(self)
        column.setContentsMargins(6, 6, 6, 6)
        column.setSpacing(4)
        column.addWidget(self.final_banner)
        column.addWidget(self.tabs, 1)
        column.addWidget(self.estimate_label)
        column.addWidget(self.status)

    # --- after a change -----------------------------------------------------------------------

    def _say(self, text: str) -> None:
        self.status.setText(text)

    def _on_change(self, structure: bool, item_ids: list[str]) -> None:
        if structure:
            self.outline.rebuild(item_ids)
        else:
            self.outline.refresh()
        if not self.session.applying:
            self.editor.load(self.outline.current_id)
            self.cover.load()
        self._update_estimate()
        self._show_final_state()
        self._show_searches()
        self.pack_changed.emit()

    def _update_estimate(self) -> None:
        pack = self.session.pack
        sections = len(pack.section_ids())
        if not pack.items:
            self.estimate_label.setText("Empty pack: add sections from the results")
            self.estimate_label.setToolTip("")
            return
        words = {section_id: info.words for section_id, info in self.session.sections.items()}
        template = self.template()
        result = estimate(pack, words, template)
        self.estimate_label.setText(
            f"≈ {count(result.pages, 'page')} · {result.minutes} min reading · {count(sections, 'section')}"
        )
        printed_with = template.name if template else "the default template"
        self.estimate_label.setToolTip(
            f"{result.words} words; pages as printed with {printed_with}, "
            "not counting sections that saved searches pull in at the build"
        )


FINAL_TEXT = "Final: signed off, built without DRAFT. Unlock it to edit."


def _added_message(fresh: list[SectionInfo], skipped: int, infos: list[SectionInfo]) -> str:
    if not fresh and len(infos) == 1:
        return f"“{infos[0].heading}” is already in the pack."
    added = f"Added {count(len(fresh), 'section')}" if fresh else "Nothing added"
    return f"{added}; {skipped} already in the pack." if skipped else f"{added}."
