"""The Build dialog: choose format, template, paper and file; build in the background.

Three steps, each off the main thread: assemble the pack on the serial library worker,
write the file on the CPU worker (the library stays usable meanwhile), remember the build
on the library worker (so that the next build can say what is new). Results and errors
come back on the main thread; the dialog stays movable and resizable throughout.

A build never replaces a file without asking: when the file exists, the user chooses to
replace it or to keep both (this build then takes a free name, "name (2).pdf"). The name
proposed is the pack's title, template and date ("GFMD-2027-briefing-handout-2026-12-03.pdf"),
and it follows the template and format chosen until the user types a name of their own.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from briefer.actions.build import PackBuild
from briefer.actions.build_report import WHAT_TO_DO, DamagedExcerpt
from briefer.errors import BrieferError, shown_path
from briefer.gui.errors import show_error
from briefer.gui.opening import open_externally
from briefer.gui.pdf_preview import PdfPreview
from briefer.gui.tasks import CpuWorker, ProgressReporter, SerialWorker
from briefer.ir.templates import Template, available_templates
from briefer.library.repository import Library
from briefer.packs.model import PAGE_SIZES, Pack

log = logging.getLogger(__name__)

FORMAT_KEY, TEMPLATE_KEY, PAGE_SIZE_KEY, FOLDER_KEY = (
    "build/format",
    "build/template",
    "build/page_size",
    "build/folder",
)
FORMAT_NAMES = {"docx": "Word document", "pdf": "PDF"}
PREVIEW_SIZE = (760, 900)  # the dialog grows to about this when a preview appears


class BuildDialog(QDialog):
    built = Signal(object)  # the Path of the file, once built and recorded
    finished_building = Signal(bool)  # True when built, False when it failed
    choices_made = Signal(str, str)  # a build started with this template id and page size

    def __init__(
        self,
        pack: Pack,
        library_worker: SerialWorker,
        cpu_worker: CpuWorker,
        library_getter: Callable[[], Library | None],
        settings: QSettings,
        parent: QWidget | None = None,
        *,
        record: bool = True,
    ) -> None:
        super().__init__(parent)
        self.pack = pack
        self.library_worker = library_worker
        self.cpu_worker = cpu_worker
        self.library_getter = library_getter
        self.settings = settings
        self.record = record  # remember the build in the library (kept packs only)
        self.result_path: Path | None = None
        self.result_pages: int | None = None
        self.error_box: QMessageBox | None = None  # the last error shown
        self.replace_box: QMessageBox | None = None  # the last "replace, or keep both?" asked
        self._proposed_name = ""  # the file name last proposed; another is the user's own
        self._job: PackBuild | None = None
        self._templates: dict[str, Template] = available_templates()
        self.reporter = ProgressReporter(self)
        self.reporter.changed.connect(self._progress)
        self.setWindowTitle(f"Build “{pack.title}”")
        self.setSizeGripEnabled(True)
        self._build_ui()
        self._restore_choices()

    # --- public -------------------------------------------------------------------------------

    @property
    def building(self) -> bool:
        return self._job is not None

    @property
    def chosen_format(self) -> str:
        return "pdf" if self.pdf_button.isChecked() else "docx"

    @property
    def chosen_template(self) -> str:
        return self.template_combo.currentData() or self.pack.template

    @property
    def chosen_page_size(self) -> str:
        return self.page_size_combo.currentText()

    @property
    def output_path(self) -> Path:
        return Path(self.path_edit.text().strip()).expanduser()

    def start_build(self) -> bool:
        """Check the output and start building; False when nothing was started."""
        if self.building:
            return False
        self._follow_typed_extension()
        try:
            if not self.path_edit.text().strip():
                raise BrieferError("choose where to save the file (Browse…)")
            replace = self._replace_or_keep_both()
            if replace is None:
                return False  # the user thought again: nothing built, nothing replaced
            job = PackBuild.start(
                self._pack_to_build(),
                self.chosen_format,
                self.output_path,
                record=self.record,
                library_folder=self._library_folder(),  # whose files only the library writes
                replace=replace,
            )
        except BrieferError as error:
            self._show_error(error)
            return False
        self._remember_choices()
        self.choices_made.emit(job.pack.template, job.pack.page_size)
        self._job = job
        self._set_building(True)
        self._status(f"Collecting the {len(self.pack.items)} items of the pack…")
        getter = self.library_getter
        self.library_worker.submit(lambda: _assemble(job, getter()), self._assembled, self._failed)
        return True

    def _library_folder(self) -> Path | None:
        library = self.library_getter()
        return library.folder if library is not None else None

    def _replace_or_keep_both(self) -> bool | None:
        """Whether the build may replace the chosen file: False when there is none (or the
        user keeps both, and the build takes a free name), True when the user said to
        replace it, None when they cancelled."""
        out = self.output_path
        if out.is_dir() or not (out.exists() or out.is_symlink()):
            return False  # (a folder: the check that follows says so)
        other = free_name(out)
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Replace the file?",
            f"“{shown_path(out.name)}” already exists in {shown_path(out.parent)}.",
            QMessageBox.StandardButton.Cancel,
            self if self.isVisible() else self.parentWidget(),
        )
        box.setInformativeText(
            "Replace it, and lose what it holds now"
            + (" (changes made to it in Word too)" if out.suffix.lower() == ".docx" else "")
            + f", or keep both: this build is then saved as “{shown_path(other.name)}”."
        )
        replace = box.addButton("&Replace", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("&Keep both", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(keep)  # Enter keeps the file; replacing it takes a choice
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        self.replace_box = box
        box.exec()
        if box.clickedButton() is replace:
            return True
        if box.clickedButton() is keep:
            if (
                self.path_edit.text().strip()
                and Path(self.path_edit.text().strip()).name == self._proposed_name
            ):
                self._proposed_name = other.name  # still the proposal: it follows the choices
            self.path_edit.setText(str(other))
            return False
        return None

    def _pack_to_build(self) -> Pack:
        """A copy with the chosen template and paper, and the same id (the build is recorded
        under it); a copy, so that edits to the pack meanwhile do not reach the worker."""
        pack = Pack.from_json(self.pack.to_json())
        pack.template, pack.page_size = self.chosen_template, self.chosen_page_size
        return pack

    # --- layout -------------------------------------------------------------------------------

    def _build_ui(self) -> None:
        self.docx_button = QRadioButton("&Word (.docx)", self)
        self.docx_button.setAccessibleName("Word document")
        self.docx_button.setToolTip("A Word file you can edit further")
        self.pdf_button = QRadioButton("P&DF", self)
        self.pdf_button.setAccessibleName("PDF")
        self.pdf_button.setToolTip("For reading on the laptop and printing handouts")
        self.format_group = QButtonGroup(self)
        self.format_group.addButton(self.docx_button)
        self.format_group.addButton(self.pdf_button)
        self.pdf_button.toggled.connect(self._format_changed)
        formats = QHBoxLayout()
        formats.setContentsMargins(0, 0, 0, 0)
        formats.addWidget(self.docx_button)
        formats.addWidget(self.pdf_button)
        formats.addStretch()

        self.template_combo = QComboBox(self)
        self.template_combo.setAccessibleName("Template")
        for template in self._templates.values():
            self.template_combo.addItem(template.name, template.id)
            self.template_combo.setItemData(
                self.template_combo.count() - 1, template.description, Qt.ItemDataRole.ToolTipRole
            )
        self.template_combo.currentIndexChanged.connect(self._template_changed)
        self.template_note = QLabel(self)
        self.template_note.setWordWrap(True)
        self.template_note.setStyleSheet("color: palette(placeholder-text);")
        self.template_note.setAccessibleName("Template description")

        self.page_size_combo = QComboBox(self)
        self.page_size_combo.setAccessibleName("Page size")
        self.page_size_combo.addItems(list(PAGE_SIZES))

        self.path_edit = QLineEdit(self)
        self.path_edit.setAccessibleName("Save as")
        self.path_edit.editingFinished.connect(self._follow_typed_extension)
        self.path_edit.setToolTip(
            "The name proposed follows the template and format until you type your own; "
            "an existing file is never replaced without asking"
        )
        self.path_edit.setMinimumWidth(440)
        self.browse_button = QPushButton("B&rowse…", self)
        self.browse_button.setAccessibleName("Browse for the file to save")
        self.browse_button.setAutoDefault(False)
        self.browse_button.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.setContentsMargins(0, 0, 0, 0)
        where.addWidget(self.path_edit, 1)
        where.addWidget(self.browse_button)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        format_label = QLabel("Format:", self)
        form.addRow(format_label, formats)
        template_column = QVBoxLayout()
        template_column.setContentsMargins(0, 0, 0, 0)
        template_column.setSpacing(2)
        template_column.addWidget(self.template_combo)
        template_column.addWidget(self.template_note)
        form.addRow(self._buddy("&Template:", self.template_combo), template_column)
        form.addRow(self._buddy("&Page size:", self.page_size_combo), self.page_size_combo)
        form.addRow(self._buddy("&Save as:", self.path_edit), where)

        self.progress_bar = QProgressBar(self)
        self.progress_bar.setAccessibleName("Build progress")
        self.progress_bar.setTextVisible(True)
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName("Build status")
        self.progress_bar.hide()

        self.result_area = self._result_area()
        self.preview = PdfPreview(self)
        self.preview.hide()

        self.build_button = QPushButton("&Build", self)
        self.build_button.setAccessibleName("Build")
        self.build_button.setDefault(True)
        self.build_button.clicked.connect(self.start_build)
        self.buttons = QDialogButtonBox(self)
        self.buttons.addButton(self.build_button, QDialogButtonBox.ButtonRole.AcceptRole)
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setText("&Close")
        close.setAccessibleName("Close")
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status_label)
        layout.addWidget(self.result_area)
        layout.addWidget(self.preview, 1)
        layout.addStretch(0)  # takes the spare height while there is no preview
        layout.addWidget(self.buttons)
        self.setTabOrder(self.docx_button, self.pdf_button)

    def _buddy(self, text: str, widget: QWidget) -> QLabel:
        label = QLabel(text, self)
        label.setBuddy(widget)
        return label

    def _result_area(self) -> QFrame:
        area = QFrame(self)
        area.setFrameShape(QFrame.Shape.StyledPanel)
        area.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.result_label = QLabel(area)
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_label.setAccessibleName("Build result")
        self.open_file_button = QPushButton("Open &file", area)
        self.open_file_button.setAccessibleName("Open the built file")
        self.open_file_button.clicked.connect(lambda: self._open(self.result_path))
        self.open_file_button.setToolTip("Open the file in the program this computer has for it")
        self.open_folder_button = QPushButton("Open f&older", area)
        self.open_folder_button.setAccessibleName("Open the folder of the built file")
        self.open_folder_button.clicked.connect(
            lambda: self._open(self.result_path.parent if self.result_path else None)
        )
        for button in (self.open_file_button, self.open_folder_button):
            button.setAutoDefault(False)
        row = QHBoxLayout(area)
        row.addWidget(self.result_label, 1)
        row.addWidget(self.open_file_button)
        row.addWidget(self.open_folder_button)
        area.hide()
        return area

    # --- choices ------------------------------------------------------------------------------

    def _restore_choices(self) -> None:
        fmt = str(self.settings.value(FORMAT_KEY, "pdf"))
        (self.docx_button if fmt == "docx" else self.pdf_button).setChecked(True)
        remembered = str(self.settings.value(TEMPLATE_KEY, "") or "")
        template = remembered if remembered in self._templates else self.pack.template
        index = self.template_combo.findData(template)
        self.template_combo.setCurrentIndex(max(index, 0))
        self._template_changed()
        page_size = str(self.settings.value(PAGE_SIZE_KEY, "") or self.pack.page_size)
        self.page_size_combo.setCurrentIndex(max(self.page_size_combo.findText(page_size), 0))
        self._proposed_name = self._proposal()
        self.path_edit.setText(str(self._default_folder() / self._proposed_name))

    def _remember_choices(self) -> None:
        self.settings.setValue(FORMAT_KEY, self.chosen_format)
        self.settings.setValue(TEMPLATE_KEY, self.chosen_template)
        self.settings.setValue(PAGE_SIZE_KEY, self.chosen_page_size)
        self.settings.setValue(FOLDER_KEY, str(self.output_path.parent))
        self.settings.sync()

    def _default_folder(self) -> Path:
        remembered = str(self.settings.value(FOLDER_KEY, "") or "")
        if remembered and Path(remembered).is_dir():
            return Path(remembered)
        documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return Path(documents) if documents and Path(documents).is_dir() else Path.home()

    def _follow_typed_extension(self) -> None:
        """A name typed with .pdf or .docx chooses the format (as on the command line); a
        name without an extension gets the chosen format's."""
        text = self.path_edit.text().strip()
        if not text:
            return
        typed = Path(text).suffix.lower()
        if typed == ".pdf":
            self.pdf_button.setChecked(True)
        elif typed == ".docx":
            self.docx_button.setChecked(True)
        else:
            self._format_changed()

    def _proposal(self) -> str:
        return proposed_name(self.pack.title, self.chosen_template, self.pack.date, self.chosen_format)

    def _follow_the_proposal(self) -> bool:
        """A name still the one proposed (or none) becomes the one proposed for the choices
        now made, in the same folder; False when the name is the user's own."""
        if not hasattr(self, "path_edit"):
            return True  # (setting up: the name comes after the choices)
        text = self.path_edit.text().strip()
        if text and Path(text).name != self._proposed_name:
            return False
        folder = Path(text).parent if text else self._default_folder()
        self._proposed_name = self._proposal()
        self.path_edit.setText(str(folder / self._proposed_name))
        return True

    def _format_changed(self, *_args) -> None:
        """The file name follows the format: the name proposed for it, or the user's own
        with its extension."""
        if self._follow_the_proposal():
            return
        text = self.path_edit.text().strip()
        path = Path(text)
        suffix = f".{self.chosen_format}"
        if path.suffix.lower() in (".pdf", ".docx"):
            path = path.with_suffix(suffix)
        elif path.suffix.lower() != suffix:
            path = path.with_name(path.name + suffix)
        self.path_edit.setText(str(path))

    def _template_changed(self, *_args) -> None:
        template = self._templates.get(self.chosen_template)
        self.template_note.setText(template.description if template else "")
        self.template_note.setVisible(bool(template and template.description))
        self._follow_the_proposal()

    def _browse(self) -> None:
        fmt = self.chosen_format
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            "Save the pack as",
            self.path_edit.text(),
            f"{FORMAT_NAMES[fmt]} (*.{fmt})",
            options=QFileDialog.Option.DontConfirmOverwrite,  # Build asks: replace, or keep both
        )
        if chosen:
            self.path_edit.setText(chosen)
            self._format_changed()

    # --- the build ----------------------------------------------------------------------------

    def _assembled(self, job: PackBuild) -> None:
        assert job.assembly is not None
        self.progress_bar.setRange(0, 100)
        self.progress_bar.setValue(0)
        self._status(f"Writing {job.out.name} ({len(job.assembly.section_ids)} sections)…")
        reporter = self.reporter
        self.cpu_worker.submit(lambda: job.write(reporter.report), self._written, self._failed)

    def _progress(self, done: int, total: int, _what: str) -> None:
        if total > 0:
            self.progress_bar.setValue(round(100 * done / total))

    def _written(self, _result: None) -> None:
        job = self._job
        assert job is not None
        self._status("Remembering this build…")
        getter = self.library_getter
        self.library_worker.submit(
            lambda: job.remember(_library(getter())),
            lambda _: self._finish(job),
            lambda error: self._record_failed(job, error),
        )

    def _record_failed(self, job: PackBuild, error: Exception) -> None:
        """The file is built and whole; only "new since the last build" will be off next time."""
        log.warning("built %s but could not record the build: %s", job.out, error)
        self._finish(job)

    def _finish(self, job: PackBuild) -> None:
        self._job = None
        self.result_path, self.result_pages = job.out, job.pages
        self._set_building(False)
        self.status_label.clear()
        self.status_label.hide()
        self._show_result(job)
        self.built.emit(job.out)
        self.finished_building.emit(True)

    def _failed(self, error: Exception) -> None:
        self._job = None
        self._set_building(False)
        self._status("Not built.")
        self._hide_preview()
        self._show_error(error)
        self.finished_building.emit(False)

    def _show_result(self, job: PackBuild) -> None:
        pages = f" ({job.pages} pages)" if job.pages else ""
        lines = [f"Built <b>{html.escape(job.out.name)}</b>{pages}"]
        new = job.assembly.new_since_last_build if job.assembly else None
        if new is not None:
            count = len(new)
            lines.append(
                "Nothing new since the last build"
                if not count
                else f"{count} section{'s' if count != 1 else ''} new since the last build"
            )
        lines.extend(_damaged_lines(job.damaged))
        self.result_label.setText("<br>".join(lines))
        self.result_label.setToolTip(str(job.out))
        self.result_area.show()
        self._grow_to_fit()
        if job.format == "pdf" and self.isVisible():
            self._show_preview(job.out)
        else:
            self._hide_preview()

    def _hide_preview(self) -> None:
        self.preview.clear()
        if self.preview.isVisible():
            self.preview.hide()
            self.resize(self.width(), self.minimumSizeHint().height())  # the room was the preview's

    def _show_preview(self, path: Path) -> None:
        try:
            self.preview.load(path)
        except Exception as error:  # the file is built; a preview that fails is no build failure
            log.warning("cannot preview %s: %s", path, error)
            self.preview.hide()
            return
        self.preview.show()
        width, height = PREVIEW_SIZE
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is not None:
            width, height = min(width, screen.width() - 40), min(height, screen.height() - 60)
        self.resize(max(self.width(), width), max(self.height(), height))

    def _set_building(self, building: bool) -> None:
        for widget in (
            self.docx_button,
            self.pdf_button,
            self.template_combo,
            self.page_size_combo,
            self.path_edit,
            self.browse_button,
            self.build_button,
        ):
            widget.setEnabled(not building)
        self.progress_bar.setVisible(building)
        if building:
            self.progress_bar.setRange(0, 0)  # busy until the writer reports
            self.result_area.hide()
            self.preview.clear()  # also closes the old file before it is replaced
        self._grow_to_fit()

    def _grow_to_fit(self) -> None:
        """Rows that appear (progress, result) make the dialog taller, never squeeze the others."""
        self.layout().activate()
        hint = self.sizeHint()
        if hint.height() > self.height() or hint.width() > self.width():
            self.resize(max(hint.width(), self.width()), max(hint.height(), self.height()))

    def _status(self, text: str) -> None:
        self.status_label.setText(text)
        self.status_label.show()

    def _show_error(self, error: BaseException) -> None:
        parent = self if self.isVisible() else self.parentWidget()
        self.error_box = show_error(parent, error, "building the pack", title="Build failed")

    def _open(self, path: Path | None) -> None:
        """Open the file (or its folder); when no program would, say so and offer the folder."""
        if path is not None:
            open_externally(path, self)

    # --- Qt overrides -------------------------------------------------------------------------

    def done(self, result: int) -> None:
        """Closing during a build hides the dialog; the build goes on, and `built` still
        tells the main window. The preview's document is closed either way."""
        self.preview.clear()
        super().done(result)


def _damaged_lines(damaged: list[DamagedExcerpt]) -> list[str]:
    """The excerpts printed with text missing in the source, to drop or fix before printing."""
    if not damaged:
        return []

    def e(text: str) -> str:
        return html.escape(text, quote=False)

    count = len(damaged)
    lines = [
        f'<span style="color: #9a4a00"><b>⚠ {count} excerpt{"s" if count != 1 else ""} printed with '
        "text missing in the source</b></span> (marked “[text missing in the source]”); "
        "check before printing:"
    ]
    lines.extend(
        f"• <b>{e(d.heading)}</b> — {e(d.meeting)}; {e(d.where)}"
        f" ({d.places} place{'s' if d.places != 1 else ''})"
        for d in damaged
    )
    lines.append(f"<i>What to do:</i> {e(WHAT_TO_DO)}.")
    return lines


def _library(library: Library | None) -> Library:
    if library is None:
        raise BrieferError("the library is still opening; wait a moment and build again")
    return library


def _assemble(job: PackBuild, library: Library | None) -> PackBuild:
    """Step 1, on the library worker."""
    job.assemble(_library(library))
    return job


def file_stem(title: str) -> str:
    """A file name from the pack title: letters, digits, spaces, dashes; nothing a file
    system refuses."""
    stem = re.sub(r"[^\w\s.,()'-]+", " ", title, flags=re.UNICODE)
    stem = re.sub(r"\s+", " ", stem).strip(" .")
    return stem[:80].rstrip(" .") or "Briefing pack"


def proposed_name(
    title: str, template: str, pack_date: str | None, fmt: str, today: date | None = None
) -> str:
    """The name a build proposes: the pack's title, template and date (the pack's, else
    today), e.g. "GFMD-2027-briefing-handout-2026-12-03.pdf"; a template the title already
    ends with is not said twice ("GFMD-2027-briefing-2026-12-03.pdf")."""
    words = re.sub(r"[^\w]+", "-", file_stem(title), flags=re.UNICODE).strip("-_")
    template_words = re.sub(r"[^\w]+", "-", template).strip("-_")
    if template_words and not words.lower().endswith(template_words.lower()):
        words = f"{words}-{template_words}"
    day = pack_date or (today or date.today()).isoformat()
    return f"{words}-{day}.{fmt}"


def free_name(path: Path) -> Path:
    """The first of "name (2).ext", "name (3).ext"… in the same folder that no file has."""
    stem = re.sub(r" \(\d+\)$", "", path.stem)  # "name (2)" kept again: "name (3)", not "name (2) (2)"
    number = 2
    while True:
        candidate = path.with_name(f"{stem} ({number}){path.suffix}")
        if not (candidate.exists() or candidate.is_symlink()):
            return candidate
        number += 1
