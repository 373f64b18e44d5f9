"""The one-folder desktop build (briefer.spec, scripts/build-app): build it once, then run
the frozen command line and the frozen app as a user would."""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefer import __version__

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sources" / "gcim-regional-hearing-americas-2005.txt"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    if importlib.util.find_spec("PyInstaller") is None:
        installed = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "pyinstaller>=6.10"],
            capture_output=True,
            text=True,
        )
        if installed.returncode != 0:
            pytest.skip(f"PyInstaller cannot be installed: {installed.stderr.strip()[-300:]}")
    work = tmp_path_factory.mktemp("pyinstaller")
    built = subprocess.run(
        [
            str(ROOT / "scripts" / "build-app"),
            "--distpath",
            str(work / "dist"),
            "--workpath",
            str(work / "build"),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    assert "build-app: built" in built.stdout
    return work / "dist" / "briefer"


def run(folder: Path, *args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(folder / "briefer"), *args], capture_output=True, text=True, timeout=120, **kwargs
    )


def test_one_folder_with_both_executables_and_the_bundled_files(dist):
    assert os.access(dist / "briefer", os.X_OK)
    assert os.access(dist / "briefer-gui", os.X_OK)
    internal = dist / "_internal"
    for name in (
        "data/themes.json",
        "data/places.json",
        "docs/user-guide.md",
        "templates/briefing/style.docx",
    ):
        assert (internal / name).is_file(), name
    assert sorted(p.name for p in (internal / "data" / "sources").glob("*.txt")) == sorted(
        p.name for p in (ROOT / "data" / "sources").glob("*.txt")
    )
    assert list((internal / "resources" / "fonts").glob("*.ttf"))
    assert list((internal / "docs" / "images").glob("*.png"))
    # Qt modules the app does not use stay out
    qt_modules = {p.name.split(".")[0] for p in (internal / "PySide6").glob("Qt*.so")} | {
        p.name.split(".")[0] for p in (internal / "PySide6").glob("Qt*.pyd")
    }
    assert qt_modules <= {"QtCore", "QtGui", "QtWidgets"}, qt_modules
    assert not list(internal.rglob("*WebEngine*"))
    assert not (internal / "tkinter").exists()


def test_frozen_version(dist):
    result = run(dist, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"briefer {__version__}"


def test_frozen_ingest_and_build(dist, tmp_path):
    library = tmp_path / "library"
    ingested = run(dist, "--library", str(library), "ingest", str(SAMPLE))
    assert ingested.returncode == 0, ingested.stderr
    assert ingested.stdout.startswith("added")

    pdf = tmp_path / "x.pdf"
    built = run(dist, "--library", str(library), "build", "--theme", "remittances", "--out", str(pdf))
    assert built.returncode == 0, built.stderr
    assert pdf.is_file()
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    assert len(document) >= 1
    assert "Remittances" in document[0].get_textpage().get_text_range() or len(document) > 1
    document.close()
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True)
        assert info.returncode == 0 and "Briefer" in info.stdout

    docx_file = tmp_path / "x.docx"  # python-docx reads its own parts from the folder
    for template in ("briefing", "handout"):
        built = run(
            dist, "--library", str(library), "build", "--theme", "remittances",
            "--template", template, "--out", str(docx_file), "--replace",
        )  # fmt: skip
        assert built.returncode == 0, built.stderr
        import docx

        assert docx.Document(str(docx_file)).paragraphs


def test_frozen_portable_marker(dist, tmp_path):
    """A portable.txt next to the executables: the library goes to BrieferData there."""
    marker, data = dist / "portable.txt", dist / "BrieferData"
    marker.write_text("")
    try:
        result = run(dist, "meetings")
        assert result.returncode == 0, result.stderr
        assert (data / "library").is_dir()
        assert "BrieferData" in result.stderr  # "setting up your library in .../BrieferData/library"
    finally:
        marker.unlink()
        shutil.rmtree(data, ignore_errors=True)


@pytest.mark.parametrize("executable, args", [("briefer-gui", []), ("briefer", [])])
def test_frozen_app_starts_offscreen(dist, tmp_path, executable, args):
    library = tmp_path / "library"
    shutil.copytree(_sample_library(dist, tmp_path), library)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", BRIEFER_LIBRARY=str(library))
    process = subprocess.Popen(
        [str(dist / executable), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        time.sleep(4)
        alive = process.poll() is None
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            out, err = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
    assert alive, f"{executable} exited with {process.returncode}: {out}{err}"
    assert "Traceback" not in out + err, out + err
    logs = list((Path(os.environ["XDG_STATE_HOME"]) / "Briefer").rglob("briefer.log"))
    assert logs and f"starting Briefer {__version__}" in logs[0].read_text()


def _sample_library(dist: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "samples"
    result = run(dist, "--library", str(folder), "ingest", str(ROOT / "data" / "sources"))
    assert result.returncode == 0, result.stderr
    return folder
