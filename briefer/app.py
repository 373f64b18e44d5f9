"""GUI bootstrap: logging to a file the user can find, Qt settings, the main window."""

from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

from filelock import FileLock, Timeout

from briefer import APP_NAME, __version__, paths
from briefer.errors import LibraryLockedError

log = logging.getLogger(__name__)


def configure_logging() -> None:
    folder = paths.user_log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(folder / "briefer.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler])


APP_LOCK = ".briefer-app.lock"


def hold_library(folder: Path) -> FileLock:
    """The app's claim on a library folder for as long as it runs: a second window on the
    same library would show a state the first one changes under it, so it is told and
    does not open (writes are safe either way; each takes the library's own lock)."""
    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(folder / APP_LOCK))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise LibraryLockedError(
            folder,
            "the library is open in another Briefer window; switch to that window, or close it and start "
            "Briefer again",
        ) from None
    return lock


def main(library_dir: str | None = None) -> int:
    configure_logging()
    from PySide6.QtWidgets import QApplication

    from briefer.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    if paths.portable_root() is not None:  # settings in BrieferData too, not in the user's profile
        from PySide6.QtCore import QSettings

        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(paths.user_config_dir()))
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationVersion(__version__)
    folder, is_default = paths.resolve_library_dir(library_dir)
    log.info("starting %s %s on %s", APP_NAME, __version__, folder)
    try:
        claim = hold_library(folder)  # noqa: F841 (held until the app ends)
    except (LibraryLockedError, OSError) as error:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(None, APP_NAME, str(error))
        return 1
    window = MainWindow(folder, fill_with_samples=is_default)
    window.show()
    return app.exec()
