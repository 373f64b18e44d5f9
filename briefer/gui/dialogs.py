"""Small dialogs: a section's themes, a meeting's details, opening and copying a pack, the
user guide."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from briefer import paths
from briefer.date_checks import date_problem, range_problem
from briefer.ingest.themes import Lexicon
from briefer.library import Meeting, Section
from briefer.packs.model import MeetingDetails, Pack


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class ThemesDialog(QDialog):
    """Tick the themes a section should carry; the words that put each there are shown."""

    def __init__(self, section: Section, lexicon: Lexicon, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Themes of the section")
        self.section = section
        evidence = {tag.id: tag for tag in section.themes}
        self.list = QListWidget(self)
        self.list.setAccessibleName("Themes")
        for theme in lexicon.themes:
            tag = evidence.get(theme.id)
            why = ""
            if tag is not None:
                why = "  (added by you)" if tag.by_user else f"  (found: {', '.join(tag.evidence[:4])})"
            item = QListWidgetItem(theme.label + why)
            item.setData(Qt.ItemDataRole.UserRole, theme.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if tag else Qt.CheckState.Unchecked)
            item.setToolTip(theme.scope)
            self.list.addItem(item)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{section.heading}</b>", self))
        layout.addWidget(self.list)
        layout.addWidget(_buttons(self))
        self.resize(460, 520)

    def changes(self) -> tuple[list[str], list[str]]:
        """(themes to add, themes to remove)."""
        before = set(self.section.theme_ids)
        ticked = {
            self.list.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.list.count())
            if self.list.item(row).checkState() == Qt.CheckState.Checked
        }
        return sorted(ticked - before), sorted(before - ticked)


class MeetingDialog(QDialog):
    """Correct what the report said (or did not say) about its meeting."""

    FIELDS = (
        ("title", "Title"),
        ("organizers", "Organisers (comma-separated)"),
        ("city", "City"),
        ("country", "Country"),
        ("start_date", "Start date (YYYY-MM-DD)"),
        ("end_date", "End date (YYYY-MM-DD)"),
        ("symbol", "Document symbol"),
    )

    def __init__(self, meeting: Meeting, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Meeting details")
        self.meeting = meeting
        self.edits: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for name, label in self.FIELDS:
            value = getattr(meeting, name)
            edit = QLineEdit(", ".join(value) if isinstance(value, list) else (value or ""), self)
            edit.setAccessibleName(label)
            self.edits[name] = edit
            form.addRow(label, edit)
        self.problem = QLabel(self)
        self.problem.setStyleSheet("color: #c0392b")
        self.problem.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"From <i>{meeting.source_file}</i>, line {meeting.line_start}", self))
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(_buttons(self))
        self.resize(520, 320)

    def accept(self) -> None:
        """Dates must be real dates, written YYYY-MM-DD, the end not before the start."""
        start, end = self.edits["start_date"].text().strip(), self.edits["end_date"].text().strip()
        problems = [date_problem(text) for text in (start, end) if text]
        problem = next((p for p in problems if p), "") or range_problem(start, end)
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        if not problem:
            super().accept()

    def changes(self) -> dict[str, object]:
        """The fields the user changed; None clears a field back to what the report says."""
        changed: dict[str, object] = {}
        for name, edit in self.edits.items():
            before = getattr(self.meeting, name)
            text = edit.text().strip()
            if name == "organizers":
                value: object = [o.strip() for o in text.split(",") if o.strip()]
                if value != list(before):
                    changed[name] = value or None
            elif text != (before or ""):
                changed[name] = text or None
        return changed


class OpenPackDialog(QDialog):
    """Choose one of the library's packs."""

    def __init__(self, packs: list[Pack], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open a pack")
        self.list = QListWidget(self)
        self.list.setAccessibleName("Packs in the library")
        for pack in packs:
            meeting = f" — {pack.meeting.name}" if pack.meeting.name else ""
            item = QListWidgetItem(f"{pack.title}{meeting}  ({len(pack.items)} items)")
            item.setData(Qt.ItemDataRole.UserRole, pack.id)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(_buttons(self))
        self.resize(520, 360)

    def chosen(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None


class CopyPackDialog(QDialog):
    """Start next session's pack from this one: its title, the meeting it is for (last
    year's name and dates would mislead), and whether to copy the contents or the
    structure only (parts and blocks to write, empty)."""

    def __init__(self, pack: Pack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Duplicate the pack")
        self.edits: dict[str, QLineEdit] = {}
        form = QFormLayout()
        rows = (
            ("title", "&Title of the new pack", f"Copy of {pack.title}"),
            ("name", "&Meeting", pack.meeting.name),
            ("place", "&Place", pack.meeting.place),
            ("start_date", "&Starts (YYYY-MM-DD)", ""),
            ("end_date", "&Ends (YYYY-MM-DD)", ""),
        )
        for name, label, value in rows:
            edit = QLineEdit(value, self)
            edit.setAccessibleName(label.replace("&", ""))
            self.edits[name] = edit
            form.addRow(label, edit)
        self.edits["start_date"].setPlaceholderText(pack.meeting.start_date or "")
        self.edits["end_date"].setPlaceholderText(pack.meeting.end_date or "")
        self.structure_only = QRadioButton(
            "St&ructure only: parts and blocks to write, empty; no excerpts", self
        )
        self.with_contents = QRadioButton("Structure and &contents: everything, to edit", self)
        self.with_contents.setChecked(True)
        choice = QButtonGroup(self)
        choice.addButton(self.structure_only)
        choice.addButton(self.with_contents)
        self.problem = QLabel(self)
        self.problem.setStyleSheet("color: #c0392b")
        self.problem.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.with_contents)
        layout.addWidget(self.structure_only)
        layout.addWidget(self.problem)
        layout.addWidget(_buttons(self))
        self.edits["title"].selectAll()
        self.resize(540, 300)

    def accept(self) -> None:
        """A title, and dates that are real, written YYYY-MM-DD, the end not before the start."""
        start, end = (self.edits[name].text().strip() for name in ("start_date", "end_date"))
        problems = [date_problem(text) for text in (start, end) if text]
        problem = next((p for p in problems if p), "") or range_problem(start, end)
        if not self.edits["title"].text().strip():
            problem = "Give the new pack a title."
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        if not problem:
            super().accept()

    def title(self) -> str:
        return self.edits["title"].text().strip()

    def meeting(self) -> MeetingDetails:
        text = {name: edit.text().strip() for name, edit in self.edits.items()}
        return MeetingDetails(
            text["name"], text["place"], text["start_date"] or None, text["end_date"] or None
        )

    def contents(self) -> bool:
        return self.with_contents.isChecked()


class BuildsDialog(QDialog):
    """The builds made from a pack, newest first: when, template, format, pages, whether the
    pack was final, the checksum and the file, so an officer can tell which printout is
    current (`sha256sum FILE` gives the same checksum)."""

    COLUMNS = ("Built", "State", "Template", "Format", "Pages", "Checksum", "File")

    def __init__(self, title: str, builds: list[dict], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Builds of “{title}”")
        self.table = QTableWidget(len(builds), len(self.COLUMNS), self)
        self.table.setAccessibleName("Builds of the pack")
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        for row, build in enumerate(reversed(builds)):
            cells = (
                build.get("built_at", "")[:16].replace("T", " "),
                "final" if build.get("final") else "draft",
                build.get("template", ""),
                build.get("format", "").upper(),
                str(build.get("pages") or ""),
                build.get("sha256", "")[:16],
                build.get("file", ""),
            )
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(build.get("sha256", "") if column == 5 else text)
                self.table.setItem(row, column, cell)
        self.table.resizeColumnsToContents()
        empty = QLabel("Not built yet." if not builds else f"{len(builds)} build(s), newest first.", self)
        layout = QVBoxLayout(self)
        layout.addWidget(empty)
        layout.addWidget(self.table, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.resize(820, 360)


GUIDE_IMAGE_WIDTH = 740  # screenshots scaled to the dialog's reading width


def _fit_images(document: QTextDocument, width: int) -> None:
    """Scale the guide's screenshots down to `width` (the height follows)."""
    block = document.begin()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            fragment = fragments.fragment()
            image = fragment.charFormat().toImageFormat()
            if fragment.charFormat().isImageFormat():
                image.setWidth(width)
                cursor = QTextCursor(document)
                cursor.setPosition(fragment.position())
                cursor.setPosition(fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor)
                cursor.setCharFormat(image)
            fragments += 1
        block = block.next()


class UserGuideDialog(QDialog):
    """The bundled user guide (Markdown), readable offline."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Briefer user guide")
        guide = paths.user_guide_file()
        browser = QTextBrowser(self)
        browser.setAccessibleName("User guide")
        browser.setOpenExternalLinks(False)
        browser.setSearchPaths([str(guide.parent)])
        try:
            browser.setMarkdown(guide.read_text(encoding="utf-8"))
        except OSError:
            browser.setPlainText(f"The user guide is missing ({guide}); reinstall Briefer to restore it.")
        _fit_images(browser.document(), GUIDE_IMAGE_WIDTH)
        layout = QVBoxLayout(self)
        layout.addWidget(browser)
        self.resize(820, 760)
