"""GUI test hygiene: a dialog a test leaves open (a message box, a progress window) must
not block the keyboard and mouse of the tests after it."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _close_leftover_windows(qapp):
    yield
    while (modal := qapp.activeModalWidget()) is not None:
        modal.close()
        modal.deleteLater()
        qapp.processEvents()
    for widget in qapp.topLevelWidgets():
        if widget.isVisible():
            widget.close()
    qapp.processEvents()
