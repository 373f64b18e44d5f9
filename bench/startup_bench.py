"""App start-up: from a new process to the main window showing its first results.

Run from the repository: `.venv/bin/python -m bench.startup_bench`. Each run is a fresh
Python process (offscreen Qt) that imports the app, opens the library (its search index
up to date), shows the window and waits for the first page of results; the time includes
Python's start and every import. Libraries: the five samples and the generated libraries
of 10,000 and 50,000 sections (bench/out/, made by `bench.search_bench` or here; `--sizes`
to choose). Goals: under 1.5 s with 10,000 sections (issue 15) and with 50,000 (issue 12).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.library_gen import generate

PROBE = r"""
import json, sys, time
start = float(sys.argv[2])
from pathlib import Path
from PySide6.QtWidgets import QApplication
from briefer.gui.main_window import MainWindow
app = QApplication([])
window = MainWindow(Path(sys.argv[1]), fill_with_samples=False)
shown = {}
def first_results():
    shown.setdefault("at", time.time() - start)
    app.quit()
window.results_shown.connect(first_results)
window.show()
app.exec()
print(json.dumps({"first_results": shown.get("at")}))
"""


def _start_once(library: Path, home: Path) -> float:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
    }
    started = time.time()
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(library), repr(started)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])["first_results"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 50000])
    args = parser.parse_args()
    out = Path(__file__).parent / "out"
    generated = []
    for size in args.sizes:
        big = out / f"library-{size}"
        if not (big / "user.json").exists():
            print(f"generating a library of {size} sections…", file=sys.stderr)
            generate(big, size)
        generated.append((f"{size:,} sections", big))
    rows = []
    with tempfile.TemporaryDirectory() as temporary:
        home = Path(temporary)
        samples = home / "samples"
        subprocess.run(
            [sys.executable, "-m", "briefer", "--library", str(samples), "ingest", "data/sources"],
            check=True,
            capture_output=True,
        )
        for name, library in [("5 sample reports", samples), *generated]:
            from briefer.library import Library

            sections = Library.open(library).search(limit=0).total  # the index is up to date
            times = [_start_once(library, home) for _ in range(args.runs)]
            rows.append((name, sections, statistics.median(times), max(times)))
            shutil.rmtree(home / "config", ignore_errors=True)
    print("| library | sections | start to first results, median s | slowest s |")
    print("|---|---:|---:|---:|")
    for name, sections, median, slowest in rows:
        print(f"| {name} | {sections:,} | {median:.2f} | {slowest:.2f} |")
    print("\ngoal: under 1.5 s with 10,000 and 50,000 sections")


if __name__ == "__main__":
    main()
