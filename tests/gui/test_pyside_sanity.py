"""The Qt binding must not corrupt the interpreter: PySide6 6.12.0 on Python 3.11 took one
reference from None on every call of a C++ method returning void, and the app aborted
after a few minutes of use ("none_dealloc"). pyproject.toml pins it below 6.12."""

from __future__ import annotations

import sys

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QTimer  # noqa: E402


def test_calls_returning_nothing_leave_none_alone(qapp) -> None:
    timer = QTimer()
    before = sys.getrefcount(None)
    for _ in range(1000):
        timer.stop()
    assert sys.getrefcount(None) - before > -100
