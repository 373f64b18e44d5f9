"""Show an error to the user: a BrieferError as it is (it says what to do); anything else as
a short message that points at the log file, never a traceback."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from briefer import paths
from briefer.errors import BrieferError

log = logging.getLogger(__name__)


def log_file() -> str:
    return str(paths.user_log_dir() / "briefer.log")


def error_text(error: BaseException, action: str) -> str:
    """What the user reads. `action` says what was being done, as "building the pack" (it
    completes "Something went wrong while …") or as "build the pack" ("Could not …")."""
    if isinstance(error, BrieferError):
        return str(error)
    first_word = action.split(" ", 1)[0]
    if first_word.endswith("ing"):
        opening = f"Something went wrong while {action}."
    else:
        opening = f"Could not {action}: something went wrong that Briefer did not expect."
    return f"{opening}\nDetails are in the log file:\n{log_file()}"


def show_error(
    parent: QWidget | None, error: BaseException, action: str, title: str = "Something went wrong"
) -> QMessageBox:
    """Open (not exec: the caller's event loop keeps running) a critical message box and
    return it, so that tests can read `text()` without blocking."""
    expected = isinstance(error, BrieferError)
    if not expected:
        log.error("unexpected error while %s", action, exc_info=error)
    box = QMessageBox(QMessageBox.Icon.Critical, title, error_text(error, action), parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # file names may hold "<" or "&"
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    ok = box.addButton(QMessageBox.StandardButton.Ok)
    if not expected:
        logs = box.addButton("Show log folder", QMessageBox.ButtonRole.ActionRole)
        logs.setAccessibleName("Show log folder")
        logs.clicked.connect(_open_log_folder)
    box.setDefaultButton(ok)
    box.setEscapeButton(ok)
    box.open()
    return box


def _open_log_folder() -> None:
    folder = paths.user_log_dir()
    folder.mkdir(parents=True, exist_ok=True)  # nothing logged yet still opens a folder
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
