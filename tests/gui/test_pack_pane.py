"""The Pack pane, driven offscreen as a user would: add, group, write, number, remove, undo."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from briefer.gui.pack_pane import PackPane, SectionInfo  # noqa: E402
from briefer.ir.templates import find_template  # noqa: E402
from briefer.library import Library  # noqa: E402
from briefer.packs.model import MeetingDetails, Pack  # noqa: E402


@pytest.fixture(scope="module")
def infos(sample_library_dir: Path) -> list[SectionInfo]:
    """What the main window would fetch: the first body sections of the sample library."""
    library = Library.open(sample_library_dir)
    meetings = {m.id: m for m in library.meetings()}
    sections = [s for s in library.sections() if s.kind == "body" and s.text.strip()][:8]
    return [
        SectionInfo(
            s.id,
            s.heading,
            meetings[s.meeting_id].label,
            meetings[s.meeting_id].start_date,
            len(s.text.split()),
            s.number,
        )
        for s in sections
    ]


@pytest.fixture
def pane(qtbot, library_copy: Path, infos: list[SectionInfo]) -> PackPane:
    library = Library.open(library_copy)  # the pack's sections are real ones from the library
    assert all(library.section(info.id) for info in infos)
    pane = PackPane()
    qtbot.addWidget(pane)
    pack = Pack("GFMD 2027", meeting=MeetingDetails("Global Forum", "Geneva", "2027-01-12", "2027-01-14"))
    pane.set_pack(pack, {})
    pane.resize(420, 800)
    pane.show()
    return pane


def _labels(pane: PackPane) -> list[str]:
    """The outline as shown: children indented by two spaces."""
    model, rows = pane.outline.model, []
    for row in range(model.rowCount()):
        top = model.index(row, 0)
        rows.append(top.data())
        rows += ["  " + model.index(r, 0, top).data() for r in range(model.rowCount(top))]
    return rows


def _kinds(pane: PackPane) -> list[str]:
    return [item.kind for item in pane.pack().items]


def _select(pane: PackPane, item_id: str) -> None:
    # Select exactly this row: setCurrentIndex would read the keyboard modifiers, which an
    # earlier test's key clicks can leave looking pressed.
    flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    pane.outline.tree.selectionModel().setCurrentIndex(pane.outline.model.index_of(item_id), flags)


def _drag(pane: PackPane, ids: list[str], row: int, parent: QModelIndex) -> bool:
    """A drop as the view performs it: the model's own mime data, dropped at (row, parent)."""
    data = pane.outline.model.mimeData([pane.outline.model.index_of(item_id) for item_id in ids])
    if not pane.outline.model.canDropMimeData(data, Qt.DropAction.MoveAction, row, 0, parent):
        return False
    return pane.outline.model.dropMimeData(data, Qt.DropAction.MoveAction, row, 0, parent)


def test_add_sections_after_the_current_item_and_not_twice(pane: PackPane, infos, qtbot) -> None:
    with qtbot.waitSignal(pane.pack_changed):
        pane.add_sections(infos[:3])
    assert pane.pack().section_ids() == [i.id for i in infos[:3]]
    assert "Added 3 sections" in pane.status.text()
    _select(pane, pane.pack().items[0].id)
    pane.add_sections([infos[1], infos[3]])  # one already there
    assert pane.pack().section_ids() == [infos[0].id, infos[3].id, infos[1].id, infos[2].id]
    assert "1 already in the pack" in pane.status.text()
    pane.add_sections([infos[0]])
    assert len(pane.pack().items) == 4
    assert pane.status.text() == f"“{infos[0].heading}” is already in the pack."
    pane.undo_stack.undo()
    assert pane.pack().section_ids() == [i.id for i in infos[:3]]
    pane.undo_stack.redo()
    assert len(pane.pack().items) == 4


def test_heading_and_drag_and_drop_under_it(pane: PackPane, infos) -> None:
    pane.add_sections(infos[:4])
    pane.outline.tree.clearSelection()
    pane.outline.tree.setCurrentIndex(QModelIndex())
    pane.outline.add_heading_action.trigger()  # at the end: a new part
    heading = pane.pack().items[-1]
    assert heading.kind == "heading" and heading.title == "New part"
    pane.editor.title_edit.setText("Remittances")
    pane.editor.title_edit.editingFinished.emit()
    assert pane.pack().items[-1].title == "Remittances"
    ids = [item.id for item in pane.pack().items]

    # Drag the 2nd and 3rd sections onto the heading: they become its items.
    assert _drag(pane, ids[1:3], -1, pane.outline.model.index_of(heading.id))
    assert [i.id for i in pane.pack().items] == [ids[0], ids[3], heading.id, ids[1], ids[2]]
    labels = _labels(pane)
    assert (
        labels[2] == "3. Remittances" and labels[3].startswith("  3.1. ") and labels[4].startswith("  3.2. ")
    )
    assert labels[0].startswith("1. ") and labels[1].startswith("2. ")  # before the first part

    # Drag a part heading to the top: its items come along.
    assert _drag(pane, [heading.id], 0, QModelIndex())
    assert [i.id for i in pane.pack().items] == [heading.id, ids[1], ids[2], ids[0], ids[3]]
    assert _labels(pane)[0] == "1. Remittances" and len(_labels(pane)) == 5
    assert pane.outline.model.rowCount() == 1  # everything now belongs to the part

    # A section cannot be dropped onto another section.
    part = pane.outline.model.index_of(heading.id)
    assert not _drag(pane, [ids[0]], -1, pane.outline.model.index(0, 0, part))

    pane.undo_stack.undo()
    assert [i.id for i in pane.pack().items] == [ids[0], ids[3], heading.id, ids[1], ids[2]]
    pane.undo_stack.undo()
    assert [i.id for i in pane.pack().items] == ids
    pane.undo_stack.redo()
    pane.undo_stack.redo()
    assert [i.id for i in pane.pack().items] == [heading.id, ids[1], ids[2], ids[0], ids[3]]


def test_move_up_and_down_by_keyboard(pane: PackPane, infos, qtbot) -> None:
    pane.add_sections(infos[:3])
    ids = [item.id for item in pane.pack().items]
    _select(pane, ids[2])
    pane.outline.tree.setFocus()
    qtbot.keyClick(pane.outline.tree, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert [i.id for i in pane.pack().items] == [ids[0], ids[2], ids[1]]
    pane.outline.down_action.trigger()
    assert [i.id for i in pane.pack().items] == ids
    pane.undo_stack.undo()
    assert [i.id for i in pane.pack().items] == [ids[0], ids[2], ids[1]]


def test_key_messages_typed_then_undone(pane: PackPane, infos, qtbot) -> None:
    pane.add_sections(infos[:1])
    pane.outline.add_written_actions["key_messages"].trigger()
    item = pane.pack().items[-1]
    assert item.kind == "key_messages" and pane.editor.currentWidget() is pane.editor.written_page
    qtbot.keyClicks(pane.editor.messages_edit, "Costs must fall")
    qtbot.keyClick(pane.editor.messages_edit, Qt.Key.Key_Return)
    qtbot.keyClicks(pane.editor.messages_edit, "  ")
    qtbot.keyClick(pane.editor.messages_edit, Qt.Key.Key_Return)
    qtbot.keyClicks(pane.editor.messages_edit, "Rights first")
    assert pane.pack().items[-1].messages == ["Costs must fall", "Rights first"]  # pack() applies the typing
    assert _labels(pane)[-1] == "Key messages: Key messages and lines to take (2)"
    qtbot.keyClicks(pane.editor.messages_edit, " always")
    pane.editor.messages_edit.focus_lost.emit()
    assert pane.pack().items[-1].messages == ["Costs must fall", "Rights first always"]
    pane.undo_stack.undo()  # the typing was one step
    assert pane.pack().items[-1].messages == []
    assert pane.editor.messages_edit.toPlainText() == ""
    pane.undo_stack.undo()
    assert [i.kind for i in pane.pack().items] == ["section"]
    pane.undo_stack.redo()
    pane.undo_stack.redo()
    assert pane.pack().items[-1].messages == ["Costs must fall", "Rights first always"]


def test_questions_and_answers(pane: PackPane, qtbot) -> None:
    pane.outline.add_written_actions["qa"].trigger()
    table = pane.editor.qa_table
    assert table.rowCount() == 1
    table.item(0, 0).setText("Visas?")
    table.setItem(0, 1, type(table.item(0, 0))("We follow the common position."))
    qa = pane.pack().items[-1].qa
    assert [(q.question, q.answer) for q in qa] == [("Visas?", "We follow the common position.")]
    table.setCurrentCell(0, 0)
    pane.editor.qa_remove_button.click()
    assert pane.pack().items[-1].qa == []
    pane.undo_stack.undo()
    assert pane.pack().items[-1].qa[0].question == "Visas?"
    assert table.rowCount() == 1 and table.item(0, 0).text() == "Visas?"


def test_numbering_toggle(pane: PackPane, infos) -> None:
    pane.add_sections(infos[:3])
    pane.outline.tree.setCurrentIndex(QModelIndex())
    pane.outline.add_heading_action.trigger()
    heading = pane.pack().items[-1]
    ids = [i.id for i in pane.pack().items]
    _drag(pane, [heading.id], 0, QModelIndex())
    assert [label.split(".")[0:2] for label in _labels(pane)[1:]] == [
        ["  1", "1"],
        ["  1", "2"],
        ["  1", "3"],
    ]
    _select(pane, ids[1])
    pane.outline.number_action.trigger()
    assert [i.numbered for i in pane.pack().items] == [True, True, False, True]
    labels = _labels(pane)
    assert labels[1].startswith("  1.1. ") and labels[3].startswith("  1.2. ")
    assert labels[2] == "  " + infos[1].heading  # unnumbered: the report's heading as it is
    _select(pane, heading.id)
    pane.outline.number_action.trigger()  # an unnumbered part: sections numbered 1, 2
    assert _labels(pane)[0] == "New part" and _labels(pane)[1].startswith("  1. ")
    pane.undo_stack.undo()
    assert _labels(pane)[0] == "1. New part"
    pane.undo_stack.undo()
    assert all(i.numbered for i in pane.pack().items)
    pane.undo_stack.redo()
    assert [i.numbered for i in pane.pack().items] == [True, True, False, True]


def test_remove_with_delete_key_and_undo(pane: PackPane, infos, qtbot) -> None:
    pane.add_sections(infos[:3])
    ids = [i.id for i in pane.pack().items]
    _select(pane, ids[1])
    pane.outline.tree.setFocus()
    qtbot.keyClick(pane.outline.tree, Qt.Key.Key_Delete)
    assert [i.id for i in pane.pack().items] == [ids[0], ids[2]]
    assert "Removed 1 item" in pane.status.text()
    pane.undo_stack.undo()
    assert [i.id for i in pane.pack().items] == ids
    pane.undo_stack.redo()
    assert [i.id for i in pane.pack().items] == [ids[0], ids[2]]


def test_delete_key_in_a_text_field_does_not_remove_the_item(pane: PackPane, qtbot) -> None:
    pane.outline.add_written_actions["notes"].trigger()
    qtbot.keyClicks(pane.editor.text_edit, "abc")
    qtbot.keyClick(pane.editor.text_edit, Qt.Key.Key_Home)
    qtbot.keyClick(pane.editor.text_edit, Qt.Key.Key_Delete)
    assert [(i.kind, i.text) for i in pane.pack().items] == [("notes", "bc")]


def test_rename_a_section_and_select_it(pane: PackPane, infos, qtbot) -> None:
    pane.add_sections(infos[:2])
    second = pane.pack().items[1]
    with qtbot.waitSignal(pane.section_activated) as shown:
        _select(pane, second.id)
    assert shown.args == [infos[1].id]
    assert pane.editor.currentWidget() is pane.editor.section_page
    pane.editor.section_title.setText("Why costs matter")
    pane.editor.section_title.editingFinished.emit()
    assert pane.pack().items[1].title == "Why costs matter"
    assert _labels(pane)[1] == "2. Why costs matter"
    pane.undo_stack.undo()
    assert pane.pack().items[1].title == "" and pane.editor.section_title.text() == ""


def test_cover_fields_and_refused_dates(pane: PackPane, qtbot) -> None:
    pane.tabs.setCurrentIndex(1)
    place = pane.cover.fields["meeting.place"]
    place.setFocus()
    place.selectAll()
    qtbot.keyClicks(place, "Geneva, Palais des Nations")
    pane.cover.fields["author"].setFocus()  # leaving the field applies it
    assert pane.pack().meeting.place == "Geneva, Palais des Nations"
    pane.undo_stack.undo()  # typing in one field is one step
    assert pane.pack().meeting.place == "Geneva" and place.text() == "Geneva"

    end = pane.cover.fields["meeting.end_date"]
    for bad, message in (("2027-02-30", "no day of the calendar"), ("2027-01-10", "before it starts")):
        end.setText(bad)
        end.editingFinished.emit()
        assert pane.pack().meeting.end_date == "2027-01-14"
        assert message in pane.cover.errors["meeting.end_date"].text()
        assert pane.cover.errors["meeting.end_date"].isVisible()
    end.setText("")
    end.editingFinished.emit()
    assert pane.pack().meeting.end_date is None and not pane.cover.errors["meeting.end_date"].isVisible()

    title = pane.cover.fields["title"]
    title.setText("")
    title.editingFinished.emit()
    assert pane.pack().title == "GFMD 2027" and "needs a title" in pane.cover.errors["title"].text()

    pane.cover.marking.setCurrentText("RESTRICTED")
    pane.cover.draft.setChecked(False)
    pack = pane.pack()
    assert pack.marking == "RESTRICTED" and pack.draft is False
    pane.undo_stack.undo()
    assert pane.pack().draft is True and pane.cover.draft.isChecked()
    pane.undo_stack.undo()
    assert pane.pack().marking == ""


def test_estimate_follows_the_pack_and_template(pane: PackPane, infos) -> None:
    assert pane.estimate_label.text().startswith("Empty pack")
    pane.add_sections(infos[:2])
    two = pane.estimate_label.text()
    assert two.startswith("≈ ") and two.endswith("· 2 sections")
    pane.add_sections(infos[2:8])
    assert pane.estimate_label.text().endswith("· 8 sections")
    assert _pages(pane) > _pages_of(two)
    briefing = find_template("briefing")
    pane.set_template(briefing)
    pages = _pages(pane)
    pane.set_template(replace(briefing, body_size=16))
    assert _pages(pane) > pages
    pane.undo_stack.undo()
    pane.set_template(briefing)
    assert pane.estimate_label.text().endswith("· 2 sections") and _pages(pane) < pages


def test_the_estimate_is_for_the_template_the_pack_names(pane: PackPane, infos, qtbot) -> None:
    """No set_template: the pane looks up the pack's own template, for each pack it shows."""
    pane.set_pack(Pack("Lines", template="speaking-notes"), {})
    pane.add_sections(infos[:4])
    assert "Speaking notes" in pane.estimate_label.toolTip()
    spoken = _pages(pane)
    pane.set_pack(Pack("Full", template="briefing"), {})
    pane.add_sections(infos[:4])
    assert "Briefing pack" in pane.estimate_label.toolTip() and _pages(pane) > spoken
    pane.set_pack(Pack("Odd", template="no-such-template"), {})
    pane.add_sections(infos[:1])
    assert "the default template" in pane.estimate_label.toolTip()

    asked: list[str] = []
    other = PackPane(templates=lambda name: asked.append(name) or None)
    qtbot.addWidget(other)
    other.set_pack(Pack("Handout", template="handout"), {})
    other.add_sections(infos[:2])
    other.undo_stack.undo()
    other.undo_stack.redo()
    assert asked == ["handout"]  # looked up for the pack shown, not at every edit
    other.set_pack(Pack("Handout again", template="handout"), {})
    other.add_sections(infos[:1])
    assert asked == ["handout", "handout"]  # and afresh for the next pack


def _pages_of(text: str) -> int:
    return int(text.split()[1])  # "≈ 12 pages · …"


def _pages(pane: PackPane) -> int:
    return _pages_of(pane.estimate_label.text())


def test_modified_and_saved(pane: PackPane, infos, qtbot) -> None:
    assert not pane.is_modified()
    pane.add_sections(infos[:1])
    assert pane.is_modified()
    pane.mark_saved()
    assert not pane.is_modified()
    pane.outline.add_written_actions["notes"].trigger()
    qtbot.keyClicks(pane.editor.text_edit, "Pending text")
    assert pane.is_modified()  # typing not yet applied counts
    pane.undo_stack.undo()
    pane.undo_stack.undo()
    assert not pane.is_modified()


def test_set_pack_replaces_and_clears_history(pane: PackPane, infos) -> None:
    pane.add_sections(infos[:2])
    assert pane.undo_stack.count() == 1
    other = Pack("Other pack", items=[])
    pane.set_pack(other, {i.id: i for i in infos})
    assert pane.undo_stack.count() == 0 and not pane.is_modified()
    assert pane.pack().title == "Other pack" and pane.pack().items == []
    assert pane.cover.fields["title"].text() == "Other pack"
    other.title = "Changed outside"
    assert pane.pack().title == "Other pack"  # the pane holds its own copy


def test_screenshot(pane: PackPane, infos) -> None:
    pane.add_sections(infos[:6])
    QApplication.processEvents()
    assert not pane.grab().isNull()


def test_drops_from_outside_the_outline_are_refused(pane: PackPane, infos) -> None:
    """Internal moves only: a drop that did not start in the outline (no drag source) is ignored."""
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QDropEvent

    pane.add_sections(infos[:2])
    pane.outline.tree.setCurrentIndex(QModelIndex())
    pane.outline.add_heading_action.trigger()
    before = [item.id for item in pane.pack().items]
    data = pane.outline.model.mimeData([pane.outline.model.index_of(before[0])])
    target = pane.outline.tree.visualRect(pane.outline.model.index_of(before[2])).center()
    move = Qt.DropAction.MoveAction
    drop = QDropEvent(QPointF(target), move, data, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(pane.outline.tree.viewport(), drop)
    assert [item.id for item in pane.pack().items] == before


def test_an_item_is_made_internal_or_shareable_with_a_box_and_undone(pane: PackPane, infos, qtbot) -> None:
    pane.add_sections(infos[:1])
    pane.outline.add_written_actions["qa"].trigger()
    qa = pane.pack().items[-1]
    assert pane.editor.written_internal.isChecked()  # if-raised answers are internal by default
    pane.editor.written_internal.click()
    assert pane.pack().items[-1].shown_to == "shareable"
    pane.undo_stack.undo()
    assert pane.pack().items[-1].shown_to == "internal" and pane.editor.written_internal.isChecked()
    section = pane.pack().items[0]
    _select(pane, section.id)
    assert pane.editor.currentWidget() is pane.editor.section_page
    assert not pane.editor.section_internal.isChecked()  # excerpts are shareable
    pane.editor.section_internal.setFocus()
    qtbot.keyClick(pane.editor.section_internal, Qt.Key.Key_Space)  # by keyboard too
    assert pane.pack().items[0].audience == "internal"
    assert pane.pack().items[-1].id == qa.id


def test_an_excerpt_is_shaped_to_the_brief_paragraphs_left_out_and_a_comment(
    pane: PackPane, infos, qtbot
) -> None:
    info = replace(infos[0], paragraphs=("1. The opening.", "", "2. The costs fell.", "3. The close."))
    pane.add_sections([info])
    item_id = pane.pack().items[0].id
    _select(pane, item_id)
    rows = pane.editor.paragraph_list
    assert [rows.item(r).text() for r in range(rows.count())] == [
        "1. The opening.",
        "2. The costs fell.",
        "3. The close.",
    ]
    assert all(rows.item(r).checkState() == Qt.CheckState.Checked for r in range(rows.count()))
    rows.item(0).setCheckState(Qt.CheckState.Unchecked)
    assert pane.pack().items[0].paragraphs == [2, 3]  # places in the section, blank one counted
    rows.item(2).setCheckState(Qt.CheckState.Unchecked)
    assert pane.pack().items[0].paragraphs == [2]
    pane.undo_stack.undo()
    assert pane.pack().items[0].paragraphs == [2, 3]
    assert rows.item(2).checkState() == Qt.CheckState.Checked  # the editor shows the undone state
    rows.item(0).setCheckState(Qt.CheckState.Checked)
    assert pane.pack().items[0].paragraphs == []  # all kept: the whole section
    with qtbot.waitSignal(pane.editor.message) as refused:
        for r in range(rows.count()):
            rows.item(r).setCheckState(Qt.CheckState.Unchecked)  # the last is refused
    assert "one paragraph at least" in refused.args[0]
    assert pane.pack().items[0].paragraphs == [3]
    assert rows.item(2).checkState() == Qt.CheckState.Checked
    qtbot.keyClicks(pane.editor.comment_edit, "Quote in the opening.")
    pane.editor.comment_edit.focus_lost.emit()
    assert pane.pack().items[0].comment == "Quote in the opening."
    assert pane.pack().items[0].comment_audience == "internal"
    pane.editor.comment_shared.click()
    assert pane.pack().items[0].comment_audience == "shareable"
