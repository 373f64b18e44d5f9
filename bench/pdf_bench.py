"""PDF ingest speed, side by side with `pdftotext -layout` on the same files, in one run.

Run from the repository: `.venv/bin/python -m bench.pdf_bench [FOLDER] [--before CHECKOUT]`.
FOLDER holds the PDFs to read; without it the real reports in ../shared/realdocs are used
when present, else a generated set (bench/out/pdfs: the sample reports laid out as PDF
pages with a running head, headings, footnotes and a table, one and two columns).
CHECKOUT is another checkout of Briefer (e.g. `git worktree add /tmp/before ade3791`) whose
`briefer ingest` is timed on the same files, with this environment's packages.

Rows, pages per second over all files (best of three runs):
- `pdftotext -layout`: poppler's text extraction alone, one process per file;
- the layout-aware reader in a running process: read, lay out, segment, metadata,
  themes (what the app does);
- `briefer ingest FILES` in a new process: all of that, Python's start-up and the
  library write included; and one such process per file;
- the same commands in CHECKOUT, when given.
Goal: at least 20 pages/s through the whole ingest, and no slower than before.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.pdf_corpus import generate
from briefer.ingest.pipeline import parse_document

REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs"
GOAL = 20.0


def _files(folder: Path | None) -> list[Path]:
    if folder is None:
        folder = REALDOCS if REALDOCS.is_dir() else None
    if folder is None:
        return generate(Path(__file__).parent / "out" / "pdfs")
    return sorted(folder.glob("*.pdf"))


def _best(run, repeat: int = 3) -> float:
    return min(_timed(run) for _ in range(repeat))


def _timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def _pdftotext(files: list[Path]) -> None:
    for path in files:
        subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True)


def _layout_reader(files: list[Path]) -> None:
    for path in files:
        parse_document(path)


def _whole_ingest(files: list[Path], checkout: Path | None = None) -> None:
    """`briefer ingest` in a new process (of another checkout's code when given)."""
    environment = dict(os.environ, PYTHONPATH=str(checkout)) if checkout else None
    with tempfile.TemporaryDirectory() as folder:
        command = [sys.executable, "-m", "briefer", "--library", folder, "ingest", *map(str, files)]
        subprocess.run(command, check=True, capture_output=True, env=environment, cwd=checkout)


def _each(files: list[Path], checkout: Path | None = None) -> None:
    """One `briefer ingest FILE` per file, as a user adding files one at a time."""
    for path in files:
        _whole_ingest([path], checkout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, help="a folder of PDFs")
    parser.add_argument("--before", type=Path, help="another checkout of Briefer to time as well")
    args = parser.parse_args()
    files = _files(args.folder)
    pages = sum(parse_document(path).page_count or 0 for path in files)  # also warms the caches
    rows = []
    if shutil.which("pdftotext"):
        rows.append(("`pdftotext -layout` (text only, a process per file)", _best(lambda: _pdftotext(files))))
    rows.append(
        ("layout-aware reader, whole pipeline, in a running process", _best(lambda: _layout_reader(files)))
    )
    rows.append(
        (
            "`briefer ingest` of all files in a new process (library written)",
            _best(lambda: _whole_ingest(files)),
        )
    )
    rows.append(("`briefer ingest FILE`, a new process per file", _best(lambda: _each(files))))
    if args.before:
        before = args.before.resolve()
        label = f"before ({args.before.name}): `briefer ingest` of all files in a new process"
        rows.append((label, _best(lambda: _whole_ingest(files, before))))
        label = f"before ({args.before.name}): `briefer ingest FILE`, a new process per file"
        rows.append((label, _best(lambda: _each(files, before))))
    source = args.folder or (REALDOCS if REALDOCS.is_dir() else "generated")
    print(f"{len(files)} PDF files, {pages} pages ({source})\n")
    print("| reader | seconds | pages/s |")
    print("|---|---:|---:|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.2f} | {pages / seconds:.1f} |")
    print(f"\ngoal: >= {GOAL:.0f} pages/s through the whole ingest, and no slower than before")


if __name__ == "__main__":
    main()
