"""The desktop window, driven offscreen as a user would: filter, search, read, correct, add
to the pack, save it, come back to it, import, the prompts and the error dialogs."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl  # noqa: E402
from PySide6.QtGui import QDropEvent  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

from briefer.actions.packs import list_packs  # noqa: E402
from briefer.gui import main_window as main_window_module  # noqa: E402
from briefer.gui.main_window import MainWindow  # noqa: E402
from briefer.library import Library  # noqa: E402

ID_ROLE = Qt.ItemDataRole.UserRole


def _open(qtbot, folder: Path) -> MainWindow:
    window = MainWindow(folder, fill_with_samples=False)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.results_shown, timeout=20000):
        window.show()
    qtbot.waitUntil(
        lambda: window.pack_pane.pack() is not None and window.worker._running == 0, timeout=10000
    )
    return window


@pytest.fixture
def window(qtbot, library_copy: Path):
    return _open(qtbot, library_copy)


def _ids(window) -> list[str]:
    table = window.results.table
    return [table.item(row, 0).data(ID_ROLE) for row in range(table.rowCount())]


def _search(window, qtbot, text: str) -> None:
    with qtbot.waitSignal(window.results_shown, timeout=10000):
        window.library_pane.search.setText(text)


def _tick(qtbot, window, widget, wanted: str) -> None:
    """Tick a row as a click on its box does (the list's model told the new state)."""
    model = widget.model()
    for row in range(model.rowCount()):
        index = model.index(row)
        if model.data(index, ID_ROLE) == wanted:
            with qtbot.waitSignal(window.results_shown, timeout=10000):
                model.setData(index, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
            return
    raise AssertionError(f"{wanted} not listed")


def test_opens_on_the_library_with_counts(window, library_copy) -> None:
    library = Library.open(library_copy)
    assert window.library_pane.meetings.count() == len(library.meetings())
    assert window.library_pane.themes.count() == 20
    assert len(_ids(window)) == len(library.sections())
    remittances = window.library_pane.themes.text("remittances")
    assert remittances.endswith(f"({library.theme_counts()['remittances']})")
    assert window.results.reader.toPlainText().strip()


def test_filter_by_theme_meeting_and_dates(window, qtbot, library_copy) -> None:
    library = Library.open(library_copy)
    _tick(qtbot, window, window.library_pane.themes, "remittances")
    ids = _ids(window)
    assert 0 < len(ids) < len(library.sections())
    assert all("remittances" in library.section(i).theme_ids for i in ids)
    hearing = next(m for m in library.meetings() if m.title == "Hearing for the Americas")
    _tick(qtbot, window, window.library_pane.meetings, hearing.id)
    assert _ids(window) and all(library.section(i).meeting_id == hearing.id for i in _ids(window))
    with qtbot.waitSignal(window.results_shown, timeout=10000):
        window.library_pane.clear()
    assert len(_ids(window)) == len(library.sections())
    window.library_pane.date_from.setText("2006")
    with qtbot.waitSignal(window.results_shown, timeout=10000):
        window.library_pane.date_from.editingFinished.emit()
    dates = {library.meeting(library.section(i).meeting_id).start_date for i in _ids(window)}
    assert dates and all(d >= "2006-01-01" for d in dates)
    window.library_pane.date_to.setText("2006-13")
    with qtbot.waitSignal(window.results_shown, timeout=10000):
        window.library_pane.date_to.editingFinished.emit()
    assert "not a real month" in window.library_pane.date_problem.text()


def test_search_ranks_marks_and_reads(window, qtbot, library_copy) -> None:
    _search(window, qtbot, "remittance costs")
    table = window.results.table
    first = table.item(0, 0)
    assert "remittance" in first.text().lower()
    assert "<u>" in first.data(ID_ROLE + 1)  # the matched words are marked in the snippet
    _search(window, qtbot, "consular matricula")
    assert [table.item(r, 0).text() for r in range(table.rowCount())] == [
        "Country of origin responsibilities"
    ]
    qtbot.waitUntil(lambda: "consular matricula" in window.results.reader.toPlainText(), timeout=5000)
    assert "Source: gcim-regional-hearing-americas-2005.txt" in window.results.reader.toPlainText()
    _search(window, qtbot, "zzzz-no-such-word")
    assert table.rowCount() == 0 and "No section" in window.results.notice_text.text()
    assert window.results.notice.isVisible()


def test_add_to_pack_undo_save_and_reopen(window, qtbot, library_copy) -> None:
    _search(window, qtbot, "remittance costs")
    wanted = _ids(window)[:2]
    window.results.table.selectRow(0)
    qtbot.keyClick(window.results.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.pack_pane.pack().section_ids() == wanted[:1], timeout=5000)
    window.results.table.selectRow(1)
    window.add_to_pack_action.trigger()
    qtbot.waitUntil(lambda: window.pack_pane.pack().section_ids() == wanted, timeout=5000)
    assert window.isWindowModified()
    window.undo_action.trigger()
    assert window.pack_pane.pack().section_ids() == wanted[:1]
    window.redo_action.trigger()
    assert window.pack_pane.pack().section_ids() == wanted
    window.save_action.trigger()
    qtbot.waitUntil(lambda: not window.isWindowModified(), timeout=5000)
    packs = list_packs(Library.open(library_copy))
    assert [p.section_ids() for p in packs] == [wanted]
    window.close()
    again = _open(qtbot, library_copy)  # the last pack comes back at the next start
    qtbot.waitUntil(lambda: again.pack_pane.pack().section_ids() == wanted, timeout=5000)


def test_the_pack_opened_last_comes_back_at_the_next_start(qtbot, library_copy) -> None:
    from briefer.actions.packs import save_pack
    from briefer.packs.model import Pack

    library = Library.open(library_copy)
    first, second = (save_pack(library, Pack(title)) for title in ("First pack", "Second pack"))
    window = _open(qtbot, library_copy)
    window.open_pack_id(first.id)
    qtbot.waitUntil(lambda: window.pack_pane.pack().id == first.id, timeout=5000)
    window.close()
    again = _open(qtbot, library_copy)
    qtbot.waitUntil(lambda: again.pack_pane.pack().id == first.id, timeout=5000)
    assert [a.text() for a in again.recent_menu.actions()][:1] == ["First pack"]
    assert second.id != first.id


def test_unsaved_changes_are_asked_about_on_close(window, qtbot, monkeypatch) -> None:
    window.add_to_pack(_ids(window)[:1])
    qtbot.waitUntil(lambda: window.pack_pane.is_modified(), timeout=5000)
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Discard]
    asked = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *args, **kwargs: asked.append(args[2]) or answers.pop(0)
    )
    window.close()
    assert window.isVisible() and "not saved" in asked[0]
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)


def test_corrections_are_saved_at_once(window, qtbot, library_copy) -> None:
    section_id = _ids(window)[0]
    window.results.select(section_id)
    qtbot.waitUntil(lambda: window.results.current_section() is not None, timeout=5000)
    window.results.note.setPlainText("Cite para 32 in the statement")
    window.results.save_note_button.click()
    qtbot.waitUntil(
        lambda: Library.open(library_copy).section(section_id).note.startswith("Cite"), timeout=5000
    )


def test_errors_are_shown_as_dialogs(window, qtbot, monkeypatch) -> None:
    shown = []
    monkeypatch.setattr(
        main_window_module, "show_error", lambda parent, error, action: shown.append((str(error), action))
    )
    window.open_pack_id("p-no-such-pack")
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    message, action = shown[0]
    assert "no pack with id 'p-no-such-pack'" in message and action == "open the pack"


def test_dropping_files_imports_them(window, qtbot, monkeypatch, tmp_path) -> None:
    received = []
    monkeypatch.setattr(window, "ingest", received.append)
    report = tmp_path / "report.txt"
    report.write_text("REPORT OF THE MEETING\n\nSome text.\n", encoding="utf-8")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(report))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    assert received == [[report]]


def test_help_opens_the_bundled_guide_with_its_pictures(window) -> None:
    from PySide6.QtWidgets import QTextBrowser

    window.show_guide()
    browser = window.guide.findChild(QTextBrowser)
    text = browser.toPlainText()
    assert "1. Import reports" in text and "4. Build" in text
    assert "images/main-window.png" in browser.toHtml()


def test_a_library_restored_from_its_backup_is_announced(qtbot, library_copy) -> None:
    from briefer.library import Library

    library = Library.open(library_copy)
    library.set_section_note(library.sections()[0].id, "kept in a backup")  # a backup of user.json
    library.set_section_note(library.sections()[0].id, "the latest")
    (library_copy / "user.json").write_bytes(b"\x00garbage")
    window = _open(qtbot, library_copy)
    qtbot.waitUntil(lambda: hasattr(window, "restore_box"), timeout=5000)
    assert "restored from its backup" in window.restore_box.text()


def test_a_meetings_dates_are_checked_before_saving(window, library_copy) -> None:
    from briefer.gui.dialogs import MeetingDialog

    meeting = Library.open(library_copy).meetings()[0]
    dialog = MeetingDialog(meeting, window)
    dialog.edits["start_date"].setText("March 2006")
    dialog.accept()
    assert dialog.problem.isVisibleTo(dialog) and "YYYY-MM-DD" in dialog.problem.text()
    dialog.edits["start_date"].setText("2006-03-15")
    dialog.edits["end_date"].setText("2006-03-14")
    dialog.accept()
    assert "cannot end" in dialog.problem.text()
    dialog.edits["end_date"].setText("2006-03-16")
    dialog.accept()
    assert dialog.result() == MeetingDialog.DialogCode.Accepted
    assert dialog.changes()["start_date"] == "2006-03-15"


def test_a_colleagues_library_archive_is_merged_from_the_menu(window, qtbot, monkeypatch, tmp_path) -> None:
    from briefer.actions.archive import export_archive
    from briefer.actions.packs import save_pack
    from briefer.packs.model import Pack, PackItem

    colleague = Library.open(tmp_path / "colleague")
    colleague.add_documents([])
    save_pack(colleague, Pack("Colleague's pack", items=[PackItem.heading("Part")]))
    archive = export_archive(colleague, tmp_path / "theirs.zip")
    monkeypatch.setattr(main_window_module.QFileDialog, "getOpenFileName", lambda *a, **k: (str(archive), ""))
    shown = []
    monkeypatch.setattr(main_window_module.QMessageBox, "information", lambda *args: shown.append(args[2]))
    window.import_library_action.trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert "Colleague's pack" in [p.title for p in list_packs(Library.open(window.library_dir))]
    # The refresh after the import is still running: let it end before the window goes, or its
    # answer reaches a deleted worker during the next test.
    qtbot.waitUntil(lambda: window.worker._running == 0, timeout=10000)


def _estimate_text(window) -> str:
    return window.pack_pane.estimate_label.text()


def _expected(library: Library, pack, template_id: str):
    from briefer.ir.templates import find_template
    from briefer.packs.estimate import estimate, section_words

    words = {sid: section_words(library.section(sid)) for sid in pack.section_ids()}
    return estimate(pack, words, find_template(template_id))


def _estimates(window, library: Library, pack, template_id: str) -> bool:
    want = _expected(library, pack, template_id)
    return _estimate_text(window).startswith(f"≈ {want.pages} page") and (
        f"· {want.minutes} min reading" in _estimate_text(window)
    )


def _long_sections(library: Library, count: int) -> list[str]:
    sections = sorted(library.sections(), key=lambda s: -len(s.text.split()))
    return [s.id for s in sections[:count]]


def test_the_estimate_follows_the_template_of_an_opened_pack(
    window, qtbot, library_copy, tmp_path, monkeypatch
) -> None:
    """A speaking-notes pack from a colleague is estimated as speaking notes (first paragraphs,
    no cover, contents or annex), not as a full briefing pack."""
    from briefer.actions.packs import export_pack
    from briefer.packs.model import Pack, PackItem

    library = Library.open(library_copy)
    ids = _long_sections(library, 4)
    pack = Pack("Lines for Geneva", template="speaking-notes", items=[PackItem.section(i) for i in ids])
    spoken, full = _expected(library, pack, "speaking-notes"), _expected(library, pack, "briefing")
    assert (spoken.pages, spoken.minutes) != (full.pages, full.minutes)
    file = export_pack(pack, tmp_path / "lines.briefer-pack.json")
    monkeypatch.setattr(main_window_module.QFileDialog, "getOpenFileName", lambda *a, **k: (str(file), ""))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    window.import_pack_action.trigger()
    qtbot.waitUntil(lambda: window.pack_pane.pack().title == "Lines for Geneva", timeout=5000)
    assert _estimates(window, library, pack, "speaking-notes"), _estimate_text(window)
    assert "Speaking notes" in window.pack_pane.estimate_label.toolTip()

    window.new_action.trigger()  # a new pack is a briefing pack again
    qtbot.waitUntil(lambda: window.pack_pane.pack().title == "New briefing pack", timeout=5000)
    window.add_to_pack(ids)
    qtbot.waitUntil(lambda: window.pack_pane.pack().section_ids() == ids, timeout=5000)
    assert _estimates(window, library, window.pack_pane.pack(), "briefing"), _estimate_text(window)


def test_building_with_another_template_makes_it_the_packs(
    window, qtbot, library_copy, tmp_path, monkeypatch
) -> None:
    """The template chosen in the build dialog is the one the pack is built with: the pack
    records it (one undoable step) and the estimate follows it."""
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    library = Library.open(library_copy)
    ids = _long_sections(library, 4)
    window.add_to_pack(ids)
    qtbot.waitUntil(lambda: window.pack_pane.pack().section_ids() == ids, timeout=5000)
    pack = window.pack_pane.pack()
    assert pack.template == "briefing" and _estimates(window, library, pack, "briefing")
    window.build_action.trigger()
    dialog = window.packs.build_dialog
    dialog.template_combo.setCurrentIndex(dialog.template_combo.findData("speaking-notes"))
    dialog.path_edit.setText(str(tmp_path / "lines.pdf"))
    with qtbot.waitSignal(dialog.finished_building, timeout=60000) as built:
        assert dialog.start_build()
    assert built.args == [True]
    assert window.pack_pane.pack().template == "speaking-notes"
    assert _estimates(window, library, pack, "speaking-notes"), _estimate_text(window)
    assert window.isWindowModified()  # the pack now differs from the one kept in the library
    window.undo_action.trigger()
    assert window.pack_pane.pack().template == "briefing"
    assert _estimates(window, library, pack, "briefing"), _estimate_text(window)


def test_an_index_built_on_opening_shows_its_progress(qtbot, library_copy: Path) -> None:
    """A library whose index must be built (missing, or an upgrade) counts its documents in
    the status bar while the window waits."""
    (library_copy / "index.sqlite3").unlink()
    documents = len(list((library_copy / "documents").glob("*.json")))
    window = MainWindow(library_copy, fill_with_samples=False)
    qtbot.addWidget(window)
    messages: list[str] = []
    window.opening_progress.changed.connect(lambda *_: messages.append(window.statusBar().currentMessage()))
    with qtbot.waitSignal(window.results_shown, timeout=20000):
        window.show()
    assert messages[-1] == f"Indexing the library: {documents:,} of {documents:,} documents…"
    assert window.results.table.rowCount() > 0


def test_a_library_folder_deleted_under_the_window_is_said_so(
    window, qtbot, monkeypatch, library_copy
) -> None:
    import shutil

    shown = []
    monkeypatch.setattr(
        main_window_module, "show_error", lambda parent, error, action: shown.append((str(error), action))
    )
    shutil.rmtree(library_copy)
    window.library_pane.search.setText("remittances")
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert "the library folder has gone" in shown[0][0]
    assert not library_copy.exists()


def test_duplicating_a_pack_asks_for_the_new_meeting_and_what_to_copy(
    window, qtbot, monkeypatch, library_copy
) -> None:
    from briefer.gui import dialogs

    window.add_to_pack(_ids(window)[:2])
    window.pack_pane.outline.add_written_actions["objectives"].trigger()
    qtbot.waitUntil(lambda: len(window.pack_pane.pack().items) == 3, timeout=5000)
    shown = []

    def answer(dialog) -> int:
        shown.append(dialog)
        assert dialog.edits["title"].text().startswith("Copy of ")
        dialog.edits["title"].setText("GFMD 2028")
        dialog.edits["name"].setText("GFMD 2028")
        dialog.edits["start_date"].setText("2028-01-12")
        dialog.edits["end_date"].setText("2028-01-10")
        dialog.accept()  # refused: the meeting would end before it starts
        assert dialog.problem.isVisibleTo(dialog) and "before" in dialog.problem.text()
        dialog.edits["end_date"].setText("2028-01-14")
        dialog.structure_only.setChecked(True)
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(dialogs.CopyPackDialog, "exec", answer)
    window.packs.save_pack_as()
    qtbot.waitUntil(lambda: window.pack_pane.pack().title == "GFMD 2028", timeout=5000)
    copy = window.pack_pane.pack()
    assert shown and copy.meeting.name == "GFMD 2028" and copy.meeting.end_date == "2028-01-14"
    assert [i.kind for i in copy.items] == ["objectives"] and copy.draft
    qtbot.waitUntil(lambda: window.worker._running == 0, timeout=5000)
    assert "GFMD 2028" in [p.title for p in list_packs(Library.open(library_copy))]  # saved


def test_a_final_pack_is_locked_until_unlocked_and_its_builds_are_listed(
    window, qtbot, monkeypatch, library_copy
) -> None:
    from briefer.gui import dialogs

    window.add_to_pack(_ids(window)[:1])
    qtbot.waitUntil(lambda: len(window.pack_pane.pack().items) == 1, timeout=5000)
    pane = window.pack_pane
    window.final_action.trigger()
    assert pane.pack().final and window.final_action.isChecked()
    assert not pane.outline.isEnabled() and not pane.cover.isEnabled() and pane.final_banner.isVisibleTo(pane)
    assert "(final)" in window.windowTitle()
    window.add_to_pack(_ids(window)[1:2])  # refused while final
    qtbot.wait(200)
    assert len(pane.pack().items) == 1 and "Unlock" in pane.status.text()
    pane.undo_stack.undo()
    assert not pane.pack().final and pane.outline.isEnabled()
    pane.undo_stack.redo()
    pane.unlock_button.click()
    assert not pane.pack().final and not window.final_action.isChecked()

    library = Library.open(library_copy)
    entry = {"template": "handout", "format": "pdf", "file": "/tmp/h.pdf", "sha256": "ab" * 32, "pages": 4}
    library.record_build(pane.pack().id, [], entry)
    library.record_build(pane.pack().id, [], {**entry, "final": True, "file": "/tmp/final.pdf"})
    shown = []
    monkeypatch.setattr(dialogs.BuildsDialog, "exec", lambda dialog: shown.append(dialog) or 0)
    window.builds_action.trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    table = shown[0].table
    assert table.rowCount() == 2
    assert [table.item(0, c).text() for c in (1, 2, 4, 6)] == ["final", "handout", "4", "/tmp/final.pdf"]
    assert table.item(1, 1).text() == "draft"
    pane.mark_saved()  # (no question when the test's window closes)


def test_an_excerpt_opens_its_report_at_its_line_and_copies_its_citation(window, qtbot) -> None:
    from PySide6.QtCore import QItemSelectionModel
    from PySide6.QtGui import QGuiApplication

    window.add_to_pack(_ids(window)[:1])
    pane = window.pack_pane
    qtbot.waitUntil(lambda: len(pane.pack().items) == 1, timeout=5000)
    item = pane.pack().items[0]
    flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    pane.outline.tree.selectionModel().setCurrentIndex(pane.outline.model.index_of(item.id), flags)
    info = pane.session.sections[item.section_id]
    pane.editor.copy_citation_button.click()
    assert QGuiApplication.clipboard().text() == info.citation and info.citation
    pane.editor.open_source_button.click()
    qtbot.waitUntil(lambda: getattr(window, "source_viewer", None) is not None, timeout=5000)
    viewer = window.source_viewer
    qtbot.waitUntil(viewer.isVisible, timeout=5000)
    assert viewer.text is not None and viewer.text.textCursor().blockNumber() == info.line - 1
    viewer.close()
    pane.mark_saved()
