"""Opening a file with the system's programs, and saying so when none would."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from briefer.errors import shown_path


def open_externally(path: Path, parent: QWidget | None = None) -> bool:
    """Open `path` in the program the system has for it. When there is none (no PDF viewer,
    no word processor installed), say so and offer to show the file in its folder; the
    answer is whether the file was opened."""
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        return True
    box = QMessageBox(
        QMessageBox.Icon.Information,
        "No program to open the file",
        f"No program on this computer opens {shown_path(path.name)}. Install a viewer for "
        f"{path.suffix or 'this kind of file'}, or open the file from its folder.",
        QMessageBox.StandardButton.Close,
        parent,
    )
    folder = box.addButton("Show the &folder", QMessageBox.ButtonRole.ActionRole)
    box.exec()
    if box.clickedButton() is folder and not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent))):
        QMessageBox.information(parent, "No file manager", f"The file is in {shown_path(path.parent)}.")
    return False
