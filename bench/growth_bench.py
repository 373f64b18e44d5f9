"""Writes as the library grows: each command a user runs, timed at 10,000 and 50,000 sections,
side by side with another checkout of Briefer (the baseline) in one run.

Run from the repository: `.venv/bin/python -m bench.growth_bench [--sizes 10000 50000]
[--before CHECKOUT]`. CHECKOUT is another checkout (e.g. `git worktree add /tmp/base12
fcdf754`), run with this environment's packages. The libraries are generated once into
bench/out/library-SIZE (as bench.search_bench does); every measure runs a new
`briefer` process on a fresh copy made with `cp -a` (times kept), after one command has
brought the copy's index up to date for that checkout. Rows, wall time and peak memory
of the whole command:

- add one report (`briefer ingest FILE`, a sample report under a new name and place);
- an edit (`briefer note SECTION "..."`);
- the index built from scratch (its file deleted, then `briefer themes`);
- the first command after the library folder was copied with `cp -a` again;
- `briefer sections --json` of one theme's sections, and the same command's start-up
  (`briefer --version`) to subtract (best of three each).

Goals at 50,000 sections (issue 12): add one report under 1.5 s and 300 MB, an edit under
0.3 s, a rebuild under 15 s and 400 MB and none after a copy, --json of 1,000 results under
0.5 s beyond start-up.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.library_gen import generate

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(__file__).parent / "out"
THEME = "remittances"


def _library(size: int) -> Path:
    folder = OUT / f"library-{size}"
    if not (folder / "library.json").exists():
        print(f"generating a library of {size} sections…", file=sys.stderr)
        generate(folder, size)
    return folder


def _briefer(checkout: Path, *args: str) -> tuple[float, float, str]:
    """Wall seconds and peak MB of one `briefer` command run from `checkout`."""
    environment = dict(os.environ, PYTHONPATH=str(checkout))
    result = subprocess.run(
        ["/usr/bin/time", "-f", "%e %M", sys.executable, "-m", "briefer", *args],
        cwd=checkout,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds, kilobytes = result.stderr.strip().splitlines()[-1].split()
    return float(seconds), int(kilobytes) / 1024, result.stdout


def _copy(source: Path, target: Path) -> Path:
    """`cp -a`: the files copied with their times, as a backup, a sync or a new laptop does."""
    if target.exists():
        shutil.rmtree(target)
    subprocess.run(["cp", "-a", str(source), str(target)], check=True)
    return target


def _report(work: Path) -> Path:
    """A sample report as a new document (another name, other text)."""
    text = (ROOT / "data" / "sources" / "gcim-regional-hearing-americas-2005.txt").read_text(encoding="utf-8")
    path = work / "regional-hearing-pacific-2031.txt"
    path.write_text(text.replace("Americas", "Pacific").replace("2005", "2031"), encoding="utf-8")
    return path


def _measure(checkout: Path, library: Path, work: Path) -> dict[str, tuple[float, float]]:
    rows: dict[str, tuple[float, float]] = {}
    copy = _copy(library, work / "library")
    _briefer(checkout, "--library", str(copy), "themes")  # the index as this checkout makes it
    sections = _briefer(checkout, "--library", str(copy), "sections", "--theme", THEME)[2]
    section_id = re.search(r"^(s[0-9a-f]+)", sections, re.MULTILINE).group(1)
    rows["add one report"] = _briefer(checkout, "--library", str(copy), "ingest", str(_report(work)))[:2]
    rows["an edit (note)"] = _briefer(checkout, "--library", str(copy), "note", section_id, "Cite it")[:2]
    (copy / "index.sqlite3").unlink()
    rows["index built from scratch"] = _briefer(checkout, "--library", str(copy), "themes")[:2]
    again = _copy(copy, work / "copied")
    rows["first command after cp -a"] = _briefer(checkout, "--library", str(again), "themes")[:2]
    command = ("--library", str(again), "sections", "--json", "--theme", THEME)
    seconds, peak, output = min(_briefer(checkout, *command) for _ in range(3))
    start = min(_briefer(checkout, "--version")[0] for _ in range(3))
    results = output.count('"meeting_id"')
    print(f"  {checkout}: sections --json gave {results} results", file=sys.stderr)
    rows["sections --json of one theme, beyond start-up"] = (seconds - start, peak)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 50000])
    parser.add_argument("--before", type=Path, help="another checkout of Briefer, the baseline")
    args = parser.parse_args()
    checkouts = [("this checkout", ROOT)] + (
        [(f"before ({args.before})", args.before)] if args.before else []
    )
    print("| sections | measure | " + " | ".join(f"{name} s | MB" for name, _ in checkouts) + " |")
    print("|---:|---|" + "---:|---:|" * len(checkouts))
    for size in args.sizes:
        library = _library(size)
        results = []
        for _, checkout in checkouts:
            with tempfile.TemporaryDirectory() as work:
                results.append(_measure(checkout, library, Path(work)))
        for measure in results[0]:
            cells = " | ".join(f"{found[measure][0]:.2f} | {found[measure][1]:.0f}" for found in results)
            print(f"| {size:,} | {measure} | {cells} |")


if __name__ == "__main__":
    main()
