"""The Results pane: the matching sections as a sortable table (heading with its snippet,
matched words marked; meeting; date; themes), near-duplicates folded under one row, and a
reading pane with the selected section in full, its source, its themes with their
evidence, and the user's note. Changes are asked for by signals; the main window runs
them on the library worker."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QAbstractTextDocumentLayout, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from briefer.ir.blocks import MISSING_TEXT
from briefer.ir.blocks import Table as TableBlock
from briefer.library import Meeting, SearchResult, Section, Table
from briefer.packs.wording import date_range, meeting_place, number_ranges, page_range

ID_ROLE = Qt.ItemDataRole.UserRole
HTML_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2


class _SortableItem(QTableWidgetItem):
    """Sorts by its sort key (rank, ISO date) rather than by the text shown."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self.data(SORT_ROLE), other.data(SORT_ROLE)
        if mine is not None and theirs is not None:
            return mine < theirs
        return super().__lt__(other)


class _HtmlDelegate(QStyledItemDelegate):
    """Draws a cell's HTML (the heading in bold, the snippet with its matched words marked)."""

    def paint(self, painter, option, index) -> None:
        markup = index.data(HTML_ROLE)
        if not markup:
            super().paint(painter, option, index)
            return
        options = QStyleOptionViewItem(option)
        self.initStyleOption(options, index)
        options.text = ""
        style = options.widget.style() if options.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, options, painter, options.widget)
        document = QTextDocument()
        document.setDefaultFont(options.font)
        document.setHtml(markup)
        document.setTextWidth(options.rect.width() - 6)
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(options.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, options.palette.color(role))
        painter.save()
        painter.translate(options.rect.left() + 3, options.rect.top() + 2)
        clip = QRectF(0, 0, options.rect.width() - 6, options.rect.height() - 4)
        painter.setClipRect(clip)
        context.clip = clip
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 (Qt name)
        size = super().sizeHint(option, index)
        return QSize(size.width(), option.fontMetrics.lineSpacing() * 4 + 8)


class ResultsPane(QWidget):
    section_selected = Signal(str)
    add_requested = Signal(list)  # section ids
    rename_requested = Signal(str)
    themes_requested = Signal(str)
    meeting_requested = Signal(str)  # a meeting id to correct
    note_saved = Signal(str, str)  # section id, note

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._section: Section | None = None
        self.table = QTableWidget(0, 4, self)
        self.table.setAccessibleName("Matching sections")
        self.table.setHorizontalHeaderLabels(["Section", "Meeting", "Date", "Themes"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        self.table.setItemDelegateForColumn(0, _HtmlDelegate(self.table))
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().lineSpacing() * 4 + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 190), (2, 88), (3, 150)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(column, width)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)  # best first, until the user sorts
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.add_requested.emit(self.selected_ids()))
        self.table.installEventFilter(self)  # Ctrl+Enter or Insert adds to the pack

        self.reader = QTextBrowser(self)
        self.reader.setAccessibleName("Section text")
        self.reader.setOpenLinks(False)
        self.reader.anchorClicked.connect(lambda url: self.select(url.toString().removeprefix("section:")))

        self.add_button = _button("Add to pack", "Add the selected sections to the pack (Ctrl+Enter)", self)
        self.add_button.clicked.connect(lambda: self.add_requested.emit(self.selected_ids()))
        self.rename_button = _button("Heading…", "Correct this section's heading", self)
        self.rename_button.clicked.connect(lambda: self._ask(self.rename_requested))
        self.themes_button = _button("Themes…", "Add or remove themes of this section", self)
        self.themes_button.clicked.connect(lambda: self._ask(self.themes_requested))
        self.meeting_button = _button("Meeting…", "Correct the details of this section's meeting", self)
        self.meeting_button.clicked.connect(
            lambda: self._section and self.meeting_requested.emit(self._section.meeting_id)
        )
        self.note = QPlainTextEdit(self)
        self.note.setAccessibleName("Your note on this section")
        self.note.setPlaceholderText("Your note on this section (kept in the library)")
        self.note.setMaximumHeight(self.fontMetrics().lineSpacing() * 4)
        self.save_note_button = _button("Save note", "Save your note on this section", self)
        self.save_note_button.clicked.connect(self._save_note)

        buttons = QHBoxLayout()
        for button in (self.add_button, self.rename_button, self.themes_button, self.meeting_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        notes = QHBoxLayout()
        notes.addWidget(self.note, 1)
        notes.addWidget(self.save_note_button, 0, Qt.AlignmentFlag.AlignTop)
        reading = QWidget(self)
        column = QVBoxLayout(reading)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(buttons)
        column.addWidget(self.reader, 1)
        column.addLayout(notes)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(reading)
        self.splitter.setSizes([380, 420])
        self.summary = QLabel(self)
        self.summary.setAccessibleName("Result count")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 6, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.splitter, 1)
        self._set_section_controls(False)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
            if event.key() == Qt.Key.Key_Insert or (
                ctrl and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            ):
                self.add_requested.emit(self.selected_ids())
                return True
        return super().eventFilter(watched, event)

    # --- results ------------------------------------------------------------------------------

    def show_result(self, result: SearchResult, meetings: dict[str, Meeting], labels: dict[str, str]) -> None:
        """The hits in rank order; a near-duplicate of a row already shown folds into it."""
        keep = self._section.id if self._section else None
        shown, folded = [], set()
        for hit in result.hits:
            if hit.section.id in folded:
                continue
            shown.append(hit)
            folded.update(hit.duplicates)
        self.table.setSortingEnabled(False)
        self.table.clearContents()
        self.table.setRowCount(len(shown))
        for row, hit in enumerate(shown):
            section, meeting = hit.section, meetings.get(hit.section.meeting_id)
            similar = len([d for d in hit.duplicates if d in folded])
            first = _SortableItem(section.heading)
            first.setData(ID_ROLE, section.id)
            first.setData(SORT_ROLE, row)  # rank order
            first.setData(HTML_ROLE, _hit_html(section, hit.snippet, hit.highlights, similar))
            first.setToolTip(" › ".join([*section.path, section.heading]))
            when = meeting.start_date if meeting else None
            date_item = _SortableItem(when or "")
            date_item.setData(SORT_ROLE, when or "9999")
            cells = [
                first,
                QTableWidgetItem(meeting.label if meeting else ""),
                date_item,
                QTableWidgetItem(", ".join(labels.get(t, t) for t in section.theme_ids)),
            ]
            for column, cell in enumerate(cells):
                self.table.setItem(row, column, cell)
        self.table.setSortingEnabled(True)
        more = f" (the best {len(result.hits)} shown)" if len(result.hits) < result.total else ""
        folded_note = (
            f", {len(result.hits) - len(shown)} near-duplicates folded"
            if len(shown) < len(result.hits)
            else ""
        )
        self.summary.setText(f"<b>{result.total}</b> sections match{more}{folded_note}")
        if not shown:
            self._section = None
            self._set_section_controls(False)
            self.reader.setHtml(
                "<p><i>No section matches. Untick a theme, clear the dates or the search.</i></p>"
            )
            return
        if not (keep and self.select(keep)):
            self.table.selectRow(0)

    def select(self, section_id: str) -> bool:
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.data(ID_ROLE) == section_id:
                self.table.selectRow(row)
                self.table.scrollToItem(item)
                return True
        self.section_selected.emit(section_id)  # not among the rows (a folded duplicate): show it
        return False

    def selected_ids(self) -> list[str]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.table.item(row, 0).data(ID_ROLE) for row in rows if self.table.item(row, 0)]

    def _selection_changed(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.section_selected.emit(ids[-1])

    # --- reading ------------------------------------------------------------------------------

    def show_section(
        self, section: Section, meeting: Meeting, labels: dict[str, str], similar: list[tuple[str, str]]
    ) -> None:
        """The section in full; `similar`: (id, "heading, meeting") of its near-duplicates."""
        self._section = section
        self._set_section_controls(True)
        self.reader.setHtml(_section_html(section, meeting, labels, similar))
        self.note.setPlainText(section.note)

    def current_section(self) -> Section | None:
        return self._section

    def _set_section_controls(self, enabled: bool) -> None:
        for widget in (
            self.add_button,
            self.rename_button,
            self.themes_button,
            self.meeting_button,
            self.note,
            self.save_note_button,
        ):
            widget.setEnabled(enabled)

    def _ask(self, signal) -> None:
        if self._section is not None:
            signal.emit(self._section.id)

    def _save_note(self) -> None:
        if self._section is not None:
            self.note_saved.emit(self._section.id, self.note.toPlainText())


def _button(text: str, tip: str, parent: QWidget) -> QPushButton:
    button = QPushButton(text, parent)
    button.setToolTip(tip)
    button.setAccessibleName(text.rstrip("…"))
    return button


def _hit_html(section: Section, snippet: str, highlights: list[tuple[int, int]], similar: int) -> str:
    e = html.escape
    marked, last = [], 0
    for start, end in highlights:
        marked.append(e(snippet[last:start]) + f"<b><u>{e(snippet[start:end])}</u></b>")
        last = end
    marked.append(e(snippet[last:]))
    extra = f" <small>· ≈ {similar} similar</small>" if similar else ""
    if section.gaps:
        extra += f' <small style="{_MISSING_FLAG_STYLE}">· ⚠ text missing in the source</small>'
    heading = section.heading if len(section.heading) <= 90 else section.heading[:88].rstrip() + "…"
    return f"<b>{e(heading)}</b>{extra}<br><small>{''.join(marked)}</small>"  # the full heading: tooltip


def _section_html(
    section: Section, meeting: Meeting, labels: dict[str, str], similar: list[tuple[str, str]]
) -> str:
    e = html.escape
    parts = [f"<h2>{e(section.heading)}</h2>"]
    if section.path:
        parts.append(f"<p><small>{e(' › '.join(section.path))}</small></p>")
    details = " · ".join(
        p
        for p in (
            meeting_place(meeting),
            date_range(meeting.start_date, meeting.end_date),
            meeting.symbol or "",
        )
        if p
    )
    source = [section.source_file]
    pages = page_range(section.page_start, section.page_end)
    source.append(pages if pages else f"lines {section.line_start}–{section.line_end}")
    if section.paragraph_numbers:
        source.append(f"paras. {number_ranges(section.paragraph_numbers)}")
    parts.append(
        f"<p><b>{e(meeting.label)}</b><br>{e(details)}<br><small>Source: {e(', '.join(source))}</small></p>"
    )
    if section.themes:
        tags = []
        for tag in section.themes:
            why = "added by you" if tag.by_user else "found: " + ", ".join(tag.evidence[:6])
            tags.append(f"<b>{e(labels.get(tag.id, tag.id))}</b> <small>({e(why)})</small>")
        parts.append("<p>" + "<br>".join(tags) + "</p>")
    if similar:
        links = "<br>".join(f'<a href="section:{e(sid)}">{e(text)}</a>' for sid, text in similar)
        parts.append(f"<p><small><b>Nearly the same text elsewhere:</b><br>{links}</small></p>")
    if section.gaps:
        places = len(section.gaps)
        parts.append(
            f'<p style="{_MISSING_FLAG_STYLE}"><b>⚠ Text is missing in the source</b> '
            f"({places} place{'s' if places > 1 else ''}, marked below): check the original before "
            "quoting it; a pack prints the mark and its build lists the excerpt.</p>"
        )
    parts.append("<hr>")
    gaps: dict[int, list[tuple[int, int]]] = {}
    for paragraph, offset, length in section.gaps:
        gaps.setdefault(paragraph, []).append((offset, length))
    parts.extend(
        _table_html(p) if isinstance(p, Table) else f"<p>{_paragraph_html(p, gaps.get(index, []))}</p>"
        for index, p in enumerate(section.paragraphs())
    )
    if section.notes:
        parts.append("<hr>")
        parts.extend(f"<p><small>{e(n['number'])}. {e(n['text'])}</small></p>" for n in section.notes)
    return "\n".join(parts)


_MISSING_STYLE = "background-color: #fbe3c4; color: #7a3e00; font-style: italic"
_MISSING_FLAG_STYLE = "color: #9a4a00"


def _paragraph_html(text: str, gaps: list[tuple[int, int]]) -> str:
    """A paragraph's text escaped, each place the source lost text shown as the mark a pack
    prints, tinted and in italics (the placeholder the ingest left there dropped)."""
    e = html.escape
    out, position = [], 0
    for offset, length in sorted(gaps):
        if offset < position or offset > len(text):
            continue
        before = text[position:offset]
        out.append(e(before))
        lead = " " if offset > 0 and not text[offset - 1].isspace() else ""
        after = text[offset + length : offset + length + 1]
        tail = " " if after and not after.isspace() and after not in ".,;:)" else ""
        out.append(f'{lead}<span style="{_MISSING_STYLE}">{e(MISSING_TEXT)}</span>{tail}')
        position = offset + length
    out.append(e(text[position:]))
    return "".join(out)


def _table_html(table: Table) -> str:
    """A table as a rich-text table: a grid, the header row's cells as headers, figures to
    the right as in a built pack, text escaped."""
    printed = TableBlock(table.rows, table.header)
    aligns = ["right" if figure else "left" for figure in printed.figure_columns()]
    rows = []
    for index, row in enumerate(printed.grid()):
        tag = "th" if table.header and index == 0 else "td"
        cells = [
            f'<{tag} align="{align}">{html.escape(cell)}</{tag}>'
            for cell, align in zip(row, aligns, strict=True)
        ]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (
        '<table border="1" cellspacing="0" cellpadding="4" width="100%" '
        'style="border-collapse: collapse; border-color: #a0a0a0; margin-top: 4px; margin-bottom: 8px">'
        + "".join(rows)
        + "</table>"
    )
