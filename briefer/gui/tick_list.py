"""A list of things to tick (themes, meetings), each with how many of the current results it
holds. A model behind a list view, so that thousands of meetings (50,000 sections) cost
little to list or recount: no widget per row, rows drawn when they come into view."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QListView, QWidget

ID_ROLE = Qt.ItemDataRole.UserRole
LABEL_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


class _TickModel(QAbstractListModel):
    ticks_changed = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.rows: list[tuple[str, str, str]] = []  # id, label, tool tip
        self.ticked: set[str] = set()
        self.counts: dict[str, int] | None = None  # None until the first results
        self._palette = parent.palette()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row_id, label, tip = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return label if self.counts is None else _counted(label, self.counts.get(row_id, 0))
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if row_id in self.ticked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip or None
        if role == Qt.ItemDataRole.ForegroundRole and self.counts is not None:
            return self._palette.text() if self.counts.get(row_id) else self._palette.placeholderText()
        if role == ID_ROLE:
            return row_id
        if role == LABEL_ROLE:
            return label
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsUserCheckable if index.isValid() else base

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid():
            return False
        row_id = self.rows[index.row()][0]
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self.ticked.add(row_id)
        else:
            self.ticked.discard(row_id)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.ticks_changed.emit()
        return True


def _counted(label: str, count: int) -> str:
    """The count where a row cut short at the pane's edge keeps it: after a one-line label,
    at the start of the last line of a longer one (a meeting's place and date)."""
    head, newline, last = label.rpartition("\n")
    return f"{label}  ({count})" if not newline else f"{head}\n({count})  {last}"


class TickList(QListView):
    """Rows to tick; `ticks_changed` when the user ticks or unticks one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = _TickModel(self)
        self.setModel(self._model)
        # Rows of one height, their text cut short with "…" (the whole of it in the tool
        # tip): a list of thousands is laid out at once, not row by row.
        self.setUniformItemSizes(True)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.ticks_changed = self._model.ticks_changed

    def count(self) -> int:
        return len(self._model.rows)

    def set_rows(self, rows: list[tuple[str, str, str]]) -> None:
        """(id, label, tool tip) each; ticks of ids still listed are kept."""
        model = self._model
        model.beginResetModel()
        model.rows = list(rows)
        model.ticked &= {row[0] for row in rows}
        model.endResetModel()

    def set_counts(self, counts: dict[str, int]) -> None:
        self._model.counts = dict(counts)
        self._all_changed()

    def ticked(self) -> list[str]:
        """The ticked ids, in the list's order."""
        return [row[0] for row in self._model.rows if row[0] in self._model.ticked]

    def set_ticked(self, row_id: str, ticked: bool = True) -> None:
        """Tick or untick as the user would (`ticks_changed` follows)."""
        state = Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked
        self._model.setData(self._index_of(row_id), state, Qt.ItemDataRole.CheckStateRole)

    def clear_ticks(self) -> None:
        """Untick all, quietly (the caller searches once)."""
        self._model.ticked.clear()
        self._all_changed()

    def text(self, row_id: str) -> str:
        """A row's text as shown."""
        return self._model.data(self._index_of(row_id))

    def _index_of(self, row_id: str) -> QModelIndex:
        for number, row in enumerate(self._model.rows):
            if row[0] == row_id:
                return self._model.index(number)
        raise KeyError(row_id)

    def _all_changed(self) -> None:
        if self._model.rows:
            self._model.dataChanged.emit(self._model.index(0), self._model.index(len(self._model.rows) - 1))
