"""The Build dialog, driven offscreen with real workers on a real library: build, read the
file back, remember the choices, show errors, keep the main thread free."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

import pypdfium2 as pdfium  # noqa: E402
from PySide6.QtCore import QSettings, Qt, QTimer, QUrl  # noqa: E402
from PySide6.QtGui import QDesktopServices  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton  # noqa: E402

from briefer.actions import build as build_actions  # noqa: E402
from briefer.gui.build_dialog import BuildDialog, file_stem, free_name, proposed_name  # noqa: E402
from briefer.gui.tasks import CpuWorker, SerialWorker  # noqa: E402
from briefer.library import Library  # noqa: E402
from briefer.packs.model import Pack, PackItem  # noqa: E402

BUILD_TIMEOUT = 60_000
TODAY = date.today().isoformat()


@pytest.fixture
def library(library_copy: Path) -> Library:
    return Library.open(library_copy)


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def workers(qtbot):
    library_worker, cpu_worker = SerialWorker(), CpuWorker()
    yield library_worker, cpu_worker
    library_worker.wait()
    cpu_worker.wait()


@pytest.fixture
def make_dialog(qtbot, workers, library, settings):
    def make(pack: Pack, out: Path | None = None, fmt: str | None = None) -> BuildDialog:
        dialog = BuildDialog(pack, *workers, lambda: library, settings)
        qtbot.addWidget(dialog)
        dialog.show()
        if fmt:
            (dialog.pdf_button if fmt == "pdf" else dialog.docx_button).setChecked(True)
        if out is not None:
            dialog.path_edit.setText(str(out))
        return dialog

    return make


def _pack(library: Library, count: int = 3, title: str = "Test pack") -> Pack:
    sections = library.sections()
    ids = [sections[n % len(sections)].id for n in range(count)]
    return Pack(title, items=[PackItem.section(section_id) for section_id in ids])


def _build(qtbot, dialog: BuildDialog) -> bool:
    with qtbot.waitSignal(dialog.finished_building, timeout=BUILD_TIMEOUT) as blocker:
        assert dialog.start_build()
    return blocker.args[0]


def _answer(button: str) -> list[str]:
    """Click `button` ("Replace", "Keep both", "Cancel", "Show the folder") in the next
    message box that opens within 5 s, as the user would; the list gets the box's title,
    text and informative text (stays empty when no box opened)."""
    seen: list[str] = []
    deadline = time.monotonic() + 5

    def click() -> None:
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
        if not boxes:
            if time.monotonic() < deadline:
                QTimer.singleShot(20, click)  # not open yet
            return
        box = boxes[-1]
        seen.extend([box.windowTitle(), box.text(), box.informativeText()])
        for candidate in box.buttons():
            if candidate.text().replace("&", "") == button:
                candidate.click()
                return
        seen.append(f"no button {button!r}")
        box.reject()

    QTimer.singleShot(0, click)
    return seen


def test_builds_a_pdf_and_previews_its_pages(qtbot, make_dialog, library, out_dir) -> None:
    out = out_dir / "pack.pdf"
    dialog = make_dialog(_pack(library), out, "pdf")
    with qtbot.waitSignal(dialog.built, timeout=BUILD_TIMEOUT) as built:
        assert dialog.start_build()
        assert not dialog.build_button.isEnabled() and not dialog.path_edit.isEnabled()
    assert built.args == [out]
    assert dialog.result_path == out and out.is_file()
    document = pdfium.PdfDocument(out)
    pages = len(document)
    document.close()
    assert dialog.result_pages == pages > 1
    assert f"({pages} pages)" in dialog.result_label.text() and "pack.pdf" in dialog.result_label.text()
    assert dialog.open_file_button.isVisible() and dialog.open_folder_button.isVisible()
    assert dialog.build_button.isEnabled()
    assert dialog.preview.isVisible() and dialog.preview.page_count == pages
    captions = dialog.preview.page_captions()
    assert captions[0] == f"Cover (1 of {pages})"  # the writer labels the cover page
    assert captions[1] == f"Page 1 (2 of {pages})"
    qtbot.waitUntil(lambda: 0 in dialog.preview.rendered_pages(), timeout=5000)


def test_builds_a_word_file_with_the_sections_headings(qtbot, make_dialog, library, out_dir) -> None:
    from docx import Document

    pack = _pack(library)
    out = out_dir / "pack.docx"
    dialog = make_dialog(pack, out, "docx")
    assert _build(qtbot, dialog)
    headings = [p.text for p in Document(str(out)).paragraphs if p.style.name.startswith("Heading")]
    for item in pack.items:
        heading = library.section(item.section_id).heading
        assert any(heading.split(". ", 1)[-1] in text for text in headings), heading
    assert not dialog.preview.isVisible()
    assert "pack.docx" in dialog.result_label.text() and "pages" not in dialog.result_label.text()


def test_a_rebuild_says_what_is_new(qtbot, make_dialog, library, out_dir) -> None:
    pack = _pack(library, 2)
    dialog = make_dialog(pack, out_dir / "pack.pdf", "pdf")
    assert _build(qtbot, dialog)
    assert "new since" not in dialog.result_label.text()  # never built before
    pack.items.append(PackItem.section(library.sections()[5].id))
    answered = _answer("Replace")
    assert _build(qtbot, dialog) and answered
    assert "1 section new since the last build" in dialog.result_label.text()
    answered = _answer("Replace")
    assert _build(qtbot, dialog) and answered
    assert "Nothing new since the last build" in dialog.result_label.text()
    assert [f.name for f in out_dir.iterdir()] == ["pack.pdf"]


def test_the_choices_are_remembered(qtbot, make_dialog, library, out_dir) -> None:
    dialog = make_dialog(_pack(library), out_dir / "mine.pdf", "pdf")
    dialog.docx_button.setChecked(True)
    assert dialog.path_edit.text() == str(out_dir / "mine.docx")  # the extension follows the format
    dialog.template_combo.setCurrentIndex(dialog.template_combo.findData("handout"))
    dialog.page_size_combo.setCurrentText("Letter")
    assert _build(qtbot, dialog)
    assert (out_dir / "mine.docx").is_file()

    again = make_dialog(_pack(library, title="Geneva: 3/4 <May>"))
    assert again.chosen_format == "docx" and again.docx_button.isChecked()
    assert again.chosen_template == "handout" and again.chosen_page_size == "Letter"
    assert again.output_path == out_dir / f"Geneva-3-4-May-handout-{TODAY}.docx"
    again.pdf_button.setChecked(True)
    assert again.output_path == out_dir / f"Geneva-3-4-May-handout-{TODAY}.pdf"


def test_a_new_dialog_starts_from_the_packs_template_and_paper(qtbot, make_dialog, library) -> None:
    pack = _pack(library)
    pack.template, pack.page_size = "speaking-notes", "Letter"
    dialog = make_dialog(pack)
    assert dialog.chosen_template == "speaking-notes" and dialog.chosen_page_size == "Letter"
    assert (
        dialog.chosen_format == "pdf" and dialog.output_path.name == f"Test-pack-speaking-notes-{TODAY}.pdf"
    )
    tips = [
        dialog.template_combo.itemData(i, Qt.ItemDataRole.ToolTipRole)
        for i in range(dialog.template_combo.count())
    ]
    assert all(tips)  # each template's description as its tooltip


def test_a_missing_output_folder_is_refused_before_any_work(qtbot, make_dialog, library, tmp_path) -> None:
    out = tmp_path / "no such folder" / "pack.pdf"
    dialog = make_dialog(_pack(library), out, "pdf")
    assert not dialog.start_build()
    assert dialog.error_box is not None and dialog.error_box.windowTitle() == "Build failed"
    assert "the output folder does not exist" in dialog.error_box.text()
    assert not out.parent.exists()
    assert dialog.build_button.isEnabled() and not dialog.building


def test_a_failure_in_the_background_is_shown_and_leaves_nothing(
    qtbot, make_dialog, library, out_dir
) -> None:
    pack = _pack(library)
    pack.items.append(PackItem.section("s-not-in-the-library"))
    dialog = make_dialog(pack, out_dir / "pack.pdf", "pdf")
    assert not _build(qtbot, dialog)
    assert "s-not-in-the-library" in dialog.error_box.text()  # a BrieferError, shown as it is
    assert list(out_dir.iterdir()) == []
    assert dialog.build_button.isEnabled() and dialog.path_edit.isEnabled()
    assert not dialog.result_area.isVisible()


def test_an_unexpected_error_points_at_the_log(qtbot, make_dialog, library, out_dir, monkeypatch) -> None:
    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(build_actions, "write_document", broken)  # the write step the dialog runs
    dialog = make_dialog(_pack(library), out_dir / "pack.pdf", "pdf")
    assert not _build(qtbot, dialog)
    text = dialog.error_box.text()
    assert text.startswith("Something went wrong while building the pack.")
    assert "briefer.log" in text and "a bug" not in text and "Traceback" not in text
    buttons = [b.text() for b in dialog.error_box.findChildren(QPushButton)]
    assert "Show log folder" in buttons
    assert list(out_dir.iterdir()) == []


def test_the_main_thread_stays_responsive_during_a_long_build(qtbot, make_dialog, library, out_dir) -> None:
    # the library's 144 sections, some twice: a pack of about 60 pages
    dialog = make_dialog(_pack(library, 200), out_dir / "long.pdf", "pdf")
    progress: list[int] = []
    dialog.reporter.changed.connect(lambda done, total, _what: progress.append(done))
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    started = time.monotonic()
    assert _build(qtbot, dialog)
    finished = time.monotonic()
    timer.stop()
    during = [t for t in ticks if started <= t <= finished]
    gaps = [b - a for a, b in zip([started, *during], [*during, finished], strict=True)]
    assert finished - started > 0.3  # a real build, long enough to measure
    assert max(gaps) < 0.5, f"the main thread stalled for {max(gaps):.2f}s"
    assert dialog.result_pages and dialog.result_pages > 20
    assert len(progress) > 5 and progress == sorted(progress)  # the bar moved as pages were written


def test_closing_during_a_build_lets_it_finish(qtbot, make_dialog, library, out_dir) -> None:
    out = out_dir / "pack.pdf"
    dialog = make_dialog(_pack(library), out, "pdf")
    with qtbot.waitSignal(dialog.built, timeout=BUILD_TIMEOUT):
        assert dialog.start_build()
        dialog.reject()
    assert out.is_file() and not dialog.isVisible()
    assert dialog.preview.page_count == 0  # nobody is looking: nothing rendered


def test_the_preview_renders_only_what_is_near_the_view(qtbot, make_dialog, library, out_dir) -> None:
    dialog = make_dialog(_pack(library, 60), out_dir / "long.pdf", "pdf")
    assert _build(qtbot, dialog)
    preview = dialog.preview
    qtbot.waitUntil(lambda: preview.rendered_pages()[:1] == [0], timeout=5000)
    qtbot.wait(200)
    assert preview.page_count == dialog.result_pages > 20
    assert len(preview.rendered_pages()) < 6
    scrollbar = preview.scroll.verticalScrollBar()
    scrollbar.setValue(scrollbar.maximum())
    last = preview.page_count - 1
    qtbot.waitUntil(lambda: last in preview.rendered_pages(), timeout=5000)
    assert 0 not in preview.rendered_pages()  # far pages give their images back
    before = preview.rendered_width(last)
    dialog.resize(dialog.width() - 200, dialog.height())
    qtbot.waitUntil(lambda: 0 < preview.rendered_width(last) < before, timeout=5000)  # fits again
    dialog.reject()
    assert preview.page_count == 0


def test_file_names_from_pack_titles() -> None:
    assert file_stem("GFMD 2027: remittances / <draft>") == "GFMD 2027 remittances draft"
    assert file_stem("Côte d’Ivoire, Abidjan (2025)") == "Côte d Ivoire, Abidjan (2025)"
    assert file_stem("...") == "Briefing pack"
    assert len(file_stem("x" * 300)) == 80


def test_every_control_has_an_accessible_name(make_dialog, library) -> None:
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit

    dialog = make_dialog(_pack(library))
    controls = [*dialog.findChildren(QAbstractButton), *dialog.findChildren(QComboBox)]
    controls += dialog.findChildren(QLineEdit)
    assert controls and all(c.accessibleName() or c.text() for c in controls)


def test_a_typed_extension_chooses_the_format(qtbot, make_dialog, library, out_dir) -> None:
    dialog = make_dialog(_pack(library))
    dialog.docx_button.setChecked(True)
    dialog.path_edit.setText(str(out_dir / "typed.pdf"))
    assert _build(qtbot, dialog)
    assert dialog.chosen_format == "pdf" and (out_dir / "typed.pdf").is_file()
    dialog.path_edit.setText(str(out_dir / "no-extension"))
    assert _build(qtbot, dialog)
    assert (out_dir / "no-extension.pdf").is_file()


def test_the_result_lists_excerpts_with_text_missing(qtbot, make_dialog, library, out_dir) -> None:
    """Excerpts printed with text missing in the source (issue 14): heading, meeting, where
    and what to do, so that the officer can drop or fix them before printing."""
    sections = library.sections()
    damaged = next(s for s in sections if s.gaps and s.kind == "body")
    whole = next(s for s in sections if not s.gaps and s.kind == "body")
    pack = Pack("P", items=[PackItem.section(whole.id), PackItem.section(damaged.id)])
    dialog = make_dialog(pack, out_dir / "p.docx", "docx")
    assert _build(qtbot, dialog)
    text = dialog.result_label.text()
    assert "1 excerpt printed with text missing in the source" in text
    assert damaged.heading in text and library.meeting(damaged.meeting_id).label in text
    assert "What to do:" in text and "drop the excerpt" in text
    assert whole.heading not in text

    clean = make_dialog(Pack("C", items=[PackItem.section(whole.id)]), out_dir / "c.docx", "docx")
    assert _build(qtbot, clean)
    assert "text missing" not in clean.result_label.text()


# --- issue 15: never replace a file without asking; a name proposed from title, template, date


def _word_text(path: Path) -> str:
    from docx import Document

    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def _edited_in_word(path: Path) -> bytes:
    """The officer's edits to a built file, as Word would keep them: another file there."""
    from docx import Document

    document = Document(str(path))
    document.add_paragraph("MY EDITS MADE IN WORD")
    document.save(str(path))
    return path.read_bytes()


def test_switching_the_template_proposes_another_name_and_never_replaces_silently(
    qtbot, make_dialog, library, out_dir, settings
) -> None:
    """What happened to the new user: briefing.docx built, edited in Word, the handout built
    with the same name: their edits were gone. Now the handout gets its own name, and a
    name that exists is asked about."""
    settings.setValue("build/folder", str(out_dir))
    pack = _pack(library, title="GFMD 2027 briefing")
    pack.date = "2026-12-03"
    dialog = make_dialog(pack, fmt="docx")
    dialog.template_combo.setCurrentIndex(dialog.template_combo.findData("briefing"))
    briefing = out_dir / "GFMD-2027-briefing-2026-12-03.docx"
    assert dialog.output_path == briefing  # the pack's title, template and date
    assert _build(qtbot, dialog)
    edited = _edited_in_word(briefing)

    dialog.template_combo.setCurrentIndex(dialog.template_combo.findData("handout"))
    handout = out_dir / "GFMD-2027-briefing-handout-2026-12-03.docx"
    assert dialog.path_edit.text() == str(handout)  # the name follows the template
    dialog.pdf_button.setChecked(True)
    assert dialog.output_path == handout.with_suffix(".pdf")  # and the format
    dialog.docx_button.setChecked(True)
    assert _build(qtbot, dialog) and dialog.replace_box is None  # a new name: nothing to ask
    assert briefing.read_bytes() == edited and handout.is_file()

    dialog.template_combo.setCurrentIndex(dialog.template_combo.findData("briefing"))
    assert dialog.output_path == briefing  # exists: the build asks
    answered = _answer("Cancel")
    assert not dialog.start_build() and not dialog.building
    assert answered[0] == "Replace the file?"
    assert "“GFMD-2027-briefing-2026-12-03.docx” already exists" in answered[1]
    assert "changes made to it in Word" in answered[2]
    assert "“GFMD-2027-briefing-2026-12-03 (2).docx”" in answered[2]
    assert briefing.read_bytes() == edited and dialog.output_path == briefing
    assert sorted(f.name for f in out_dir.iterdir()) == sorted([briefing.name, handout.name])


def test_keep_both_builds_under_a_new_name(qtbot, make_dialog, library, out_dir) -> None:
    out = out_dir / "pack.docx"
    dialog = make_dialog(_pack(library), out, "docx")
    assert _build(qtbot, dialog)
    edited = _edited_in_word(out)
    (out_dir / "pack (2).docx").write_bytes(b"an older copy kept before")

    answered = _answer("Keep both")
    assert _build(qtbot, dialog)
    assert "“pack (3).docx”" in answered[2]  # never a name that exists
    assert out.read_bytes() == edited  # the edits in Word are still there
    assert (out_dir / "pack (2).docx").read_bytes() == b"an older copy kept before"
    assert dialog.result_path == out_dir / "pack (3).docx" == dialog.output_path
    assert "MY EDITS" not in _word_text(out_dir / "pack (3).docx")
    assert "pack (3).docx" in dialog.result_label.text()


def test_replace_is_only_on_the_users_word(qtbot, make_dialog, library, out_dir) -> None:
    out = out_dir / "pack.docx"
    dialog = make_dialog(_pack(library), out, "docx")
    assert _build(qtbot, dialog)
    _edited_in_word(out)
    answered = _answer("Replace")
    assert _build(qtbot, dialog) and answered
    assert "MY EDITS" not in _word_text(out)  # replaced, as the user said
    assert [f.name for f in out_dir.iterdir()] == ["pack.docx"]
    box = dialog.replace_box
    assert box is not None and box.defaultButton().text() == "&Keep both"  # Enter keeps the file


def test_a_name_of_the_users_own_stays_when_the_choices_change(qtbot, make_dialog, library, out_dir) -> None:
    dialog = make_dialog(_pack(library), fmt="pdf")
    assert dialog.output_path.name == f"Test-pack-briefing-{TODAY}.pdf"
    dialog.path_edit.setText(str(out_dir / f"Test-pack-briefing-{TODAY}.pdf"))  # another folder only
    dialog.template_combo.setCurrentIndex(dialog.template_combo.findData("handout"))
    assert dialog.output_path == out_dir / f"Test-pack-handout-{TODAY}.pdf"  # still the proposal
    dialog.path_edit.selectAll()
    qtbot.keyClicks(dialog.path_edit, str(out_dir / "for the minister.pdf"))  # a name of their own
    dialog.template_combo.setCurrentIndex(dialog.template_combo.findData("speaking-notes"))
    dialog.docx_button.setChecked(True)
    assert dialog.output_path == out_dir / "for the minister.docx"  # only the extension follows


def test_proposed_names() -> None:
    assert proposed_name("GFMD 2027 briefing", "handout", "2026-12-03", "pdf") == (
        "GFMD-2027-briefing-handout-2026-12-03.pdf"
    )
    assert proposed_name("GFMD 2027 briefing", "briefing", "2026-12-03", "docx") == (
        "GFMD-2027-briefing-2026-12-03.docx"
    )
    assert proposed_name(
        "Côte d’Ivoire: Abidjan (2025)", "speaking-notes", None, "pdf", date(2026, 1, 5)
    ) == ("Côte-d-Ivoire-Abidjan-2025-speaking-notes-2026-01-05.pdf")


def test_free_names(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"")
    assert free_name(tmp_path / "a.pdf") == tmp_path / "a (2).pdf"
    (tmp_path / "a (2).pdf").write_bytes(b"")
    assert free_name(tmp_path / "a.pdf") == tmp_path / "a (3).pdf"
    assert free_name(tmp_path / "a (2).pdf") == tmp_path / "a (3).pdf"


# --- issue 15: Open file says so when no program opens the file, and offers the folder


@pytest.fixture
def opened(monkeypatch) -> list[str]:
    """The files and folders handed to the system; only folders open (no viewer installed)."""
    urls: list[str] = []

    def open_url(url: QUrl) -> bool:
        urls.append(url.toLocalFile())
        return Path(url.toLocalFile()).is_dir()

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    return urls


def test_open_file_without_a_viewer_says_so_and_offers_the_folder(
    qtbot, make_dialog, library, out_dir, opened
) -> None:
    out = out_dir / "pack.docx"
    dialog = make_dialog(_pack(library), out, "docx")
    assert _build(qtbot, dialog)
    answered = _answer("Show the folder")
    qtbot.mouseClick(dialog.open_file_button, Qt.MouseButton.LeftButton)
    assert answered and answered[0] == "No program to open the file"
    assert "pack.docx" in answered[1]
    assert opened == [str(out), str(out_dir)]  # the file, then (on the user's word) its folder

    opened.clear()
    qtbot.mouseClick(dialog.open_folder_button, Qt.MouseButton.LeftButton)
    assert opened == [str(out_dir)]  # a folder opens: nothing to say


def test_open_file_with_a_viewer_just_opens_it(qtbot, make_dialog, library, out_dir, monkeypatch) -> None:
    urls: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: urls.append(url.toLocalFile()) or True)
    dialog = make_dialog(_pack(library), out_dir / "pack.docx", "docx")
    assert _build(qtbot, dialog)
    qtbot.mouseClick(dialog.open_file_button, Qt.MouseButton.LeftButton)
    assert urls == [str(out_dir / "pack.docx")]
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def test_a_file_inside_the_library_folder_is_refused(qtbot, make_dialog, library) -> None:
    out = library.folder / "pack.pdf"
    dialog = make_dialog(_pack(library), out, "pdf")
    assert not dialog.start_build()
    assert "inside the library folder" in dialog.error_box.text()
    assert not out.exists() and not dialog.building


def test_a_file_chosen_with_browse_is_asked_about_once_at_build(
    qtbot, make_dialog, library, out_dir, monkeypatch
) -> None:
    """The save dialog does not ask its own "replace?" (Build asks, with "keep both"), and a
    name chosen there is the user's own: it stays when the template changes."""
    from PySide6.QtWidgets import QFileDialog

    existing = out_dir / "chosen.pdf"
    existing.write_bytes(b"%PDF- the officer's copy")
    asked: list[object] = []

    def save_file_name(*args, **kwargs):
        asked.append(kwargs.get("options"))
        return str(existing), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_file_name)
    dialog = make_dialog(_pack(library), fmt="pdf")
    qtbot.mouseClick(dialog.browse_button, Qt.MouseButton.LeftButton)
    assert asked == [QFileDialog.Option.DontConfirmOverwrite]
    dialog.template_combo.setCurrentIndex(dialog.template_combo.findData("handout"))
    assert dialog.output_path == existing
    answered = _answer("Keep both")
    assert _build(qtbot, dialog) and answered[0] == "Replace the file?"
    assert existing.read_bytes() == b"%PDF- the officer's copy"
    assert dialog.result_path == out_dir / "chosen (2).pdf"
