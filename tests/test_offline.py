"""Briefer works offline: ingesting, searching, building and the app open no network
connection. Every way Python opens one (sockets of any family, name lookups) fails the
test while the work runs; local Unix sockets (Qt's own machinery) are allowed."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from briefer.cli import main
from tests.conftest import SOURCES

ATTEMPTS: list[str] = []


@pytest.fixture
def no_network(monkeypatch):
    ATTEMPTS.clear()
    real_connect = socket.socket.connect

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            ATTEMPTS.append(f"connect {address}")
            raise OSError("network access attempted")
        return real_connect(self, address)

    def refuse(name):
        def attempt(*args, **kwargs):
            ATTEMPTS.append(f"{name} {args[:2]}")
            raise OSError("network access attempted")

        return attempt

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", lambda self, address: connect(self, address))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    monkeypatch.setattr(socket, "gethostbyname", refuse("gethostbyname"))
    yield
    assert ATTEMPTS == [], f"network access attempted: {ATTEMPTS}"


def test_ingest_search_and_build_stay_offline(no_network, tmp_path: Path, capsys) -> None:
    library = str(tmp_path / "library")
    assert main(["--library", library, "ingest", str(SOURCES)]) == 0
    assert main(["--library", library, "sections", "--query", "remittance costs", "--json"]) == 0
    assert main(["--library", library, "search-stats", "--theme", "human_rights"]) == 0
    for out in ("pack.pdf", "pack.docx"):
        assert (
            main(["--library", library, "build", "--theme", "remittances", "--out", str(tmp_path / out)]) == 0
        )
    assert (tmp_path / "pack.pdf").stat().st_size > 0 and (tmp_path / "pack.docx").stat().st_size > 0


def test_the_app_stays_offline(no_network, qtbot, library_copy) -> None:
    pytest.importorskip("pytestqt")
    from briefer.gui.main_window import MainWindow

    window = MainWindow(library_copy, fill_with_samples=False)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.results_shown, timeout=20000):
        window.show()
    with qtbot.waitSignal(window.results_shown, timeout=10000):
        window.library_pane.search.setText("trafficking -smuggling")


def test_a_new_process_imports_nothing_that_talks_to_the_network(tmp_path: Path) -> None:
    """The modules loaded by a whole command (ingest, search, build) include no HTTP client
    package."""
    script = (
        "import json, sys\n"
        "from briefer.cli import main\n"
        f"main(['--library', {str(tmp_path / 'lib')!r}, 'ingest', {str(SOURCES)!r}])\n"
        f"main(['--library', {str(tmp_path / 'lib')!r}, 'build', '--theme', 'remittances', '--out', "
        f"{str(tmp_path / 'p.pdf')!r}])\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    # reportlab imports the standard library's urllib (it can fetch images by URL), unused
    # here: the tests above prove that nothing connects. No HTTP client package comes in.
    clients = ("urllib3", "requests", "httpx", "aiohttp", "websocket", "ftplib", "smtplib")
    assert "briefer.export.pdf_writer" in loaded  # the whole path ran
    assert [m for m in loaded if m.startswith(clients)] == []
