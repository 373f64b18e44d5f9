"""Writes as the library grows: each command a user runs, timed at 10,000 and 50,000 sections,
side by side with another checkout of Briefer (the baseline) in one run.

Run from the repository: `.venv/bin/python -m bench.growth_bench [--sizes 10000 50000]
[--before CHECKOUT] [--one-at-a-time 1000]`. CHECKOUT is another checkout (e.g. `git
worktree add /tmp/base12 fcdf754`), run with this environment's packages. The libraries
are generated once into bench/out/library-SIZE (as bench.search_bench does), and copied
once into the one-file form of schema 2 (bench/out/library-SIZE-one-file) for a checkout
from before the store in pieces. Every measure runs a new `briefer` process on a fresh
copy made with `cp -a` (times kept), after one command has brought the copy's index up to
date for that checkout. Rows, wall time and peak memory of the whole command:

- the first command after upgrading Briefer (a one-file library split into pieces and
  indexed; this checkout only);

- add one report (`briefer ingest FILE`, a sample report under a new name and place);
- an edit (`briefer note SECTION "..."`);
- the index built from scratch (its file deleted, then `briefer themes`);
- the first command after the library folder was copied with `cp -a` again;
- `briefer sections --json` of one theme's sections since 2020, and the start-up
  (`briefer --version`) to subtract (best of three each).

Then, in one process each, N generated reports (1,000 by default) added to a copy of the
10,000-section library one call per report, as a user dropping files one by one does, and
in one batch.

Goals at 50,000 sections (issue 12): add one report under 1.5 s and 300 MB, an edit under
0.3 s, a rebuild under 15 s and 400 MB and none after a copy, --json of 1,000 results under
0.5 s beyond start-up; one at a time within 1.3x of a batch.
"""

from __future__ import annotations

import argparse
import json
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
THEME, SINCE = "remittances", "2020-01-01"  # about 1,000 sections at 50,000


def _library(size: int) -> Path:
    folder = OUT / f"library-{size}"
    if not (folder / "user.json").exists():
        print(f"generating a library of {size} sections…", file=sys.stderr)
        generate(folder, size)
    return folder


def _one_file(size: int) -> Path:
    """The library as Briefer kept it before schema 3: every document in library.json."""
    folder = OUT / f"library-{size}-one-file"
    if not (folder / "library.json").exists():
        from briefer.library import Library, migrations

        folder.mkdir(parents=True, exist_ok=True)
        for name, data in Library.open(_library(size)).stored_files().items():
            content = json.loads(data)
            migrations.set_version(content, 2)
            (folder / name).write_text(json.dumps(content), encoding="utf-8")
    return folder


def _in_pieces(checkout: Path) -> bool:
    return (checkout / "briefer" / "library" / "pieces.py").exists()


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


def _measure(checkout: Path, size: int, work: Path, upgrade: bool = True) -> dict[str, tuple[float, float]]:
    rows: dict[str, tuple[float, float]] = {}
    if upgrade and _in_pieces(checkout):
        upgraded = _copy(_one_file(size), work / "upgraded")
        rows["first command after upgrading Briefer"] = _briefer(
            checkout, "--library", str(upgraded), "themes"
        )[:2]
        shutil.rmtree(upgraded)
    library = _library(size) if _in_pieces(checkout) else _one_file(size)
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
    command = ("--library", str(again), "sections", "--json", "--theme", THEME, "--from", SINCE)
    seconds, peak, output = min(_briefer(checkout, *command) for _ in range(3))
    start = min(_briefer(checkout, "--version")[0] for _ in range(3))
    results = output.count('"meeting_id"')
    print(f"  {checkout}: sections --json gave {results} results", file=sys.stderr)
    rows["sections --json (one theme since 2020), beyond start-up"] = (seconds - start, peak)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10000, 50000])
    parser.add_argument("--before", type=Path, help="another checkout of Briefer, the baseline")
    parser.add_argument("--one-at-a-time", type=int, default=1000, help="reports added one by one (0: none)")
    parser.add_argument(
        "--no-upgrade", action="store_true", help="leave out the upgrade of a one-file library"
    )
    args = parser.parse_args()
    checkouts = [("this checkout", ROOT)] + (
        [(f"before ({args.before})", args.before)] if args.before else []
    )
    print("| sections | measure | " + " | ".join(f"{name} s | MB" for name, _ in checkouts) + " |")
    print("|---:|---|" + "---:|---:|" * len(checkouts))
    OUT.mkdir(parents=True, exist_ok=True)  # a fresh checkout has none
    for size in args.sizes:
        results = []
        for _, checkout in checkouts:
            with tempfile.TemporaryDirectory(dir=OUT) as work:
                results.append(_measure(checkout, size, Path(work), upgrade=not args.no_upgrade))
        for measure in results[0]:
            cells = " | ".join(
                f"{found[measure][0]:.2f} | {found[measure][1]:.0f}" if measure in found else "– | –"
                for found in results
            )
            print(f"| {size:,} | {measure} | {cells} |", flush=True)
    if args.one_at_a_time:
        _one_at_a_time(args.one_at_a_time)


ADDING = r"""
import json, sys, time
from pathlib import Path
from bench.library_gen import generated_documents
from briefer.library import Library
from dataclasses import replace
documents = [  # other names and contents than the library's own generated reports
    replace(d, file_name="new-" + d.file_name, path="new-" + d.path, sha256="new" + d.sha256)
    for d in generated_documents(int(sys.argv[3]), seed=99)
]
library = Library.open(Path(sys.argv[1]))
start = time.perf_counter()
if sys.argv[2] == "batch":
    outcomes = library.add_documents(documents)
else:
    outcomes = [o for document in documents for o in library.add_documents([document])]
seconds = time.perf_counter() - start
assert all(o.status == "added" for o in outcomes), {o.status for o in outcomes}
print(json.dumps({"seconds": seconds, "documents": len(outcomes)}))
"""


def _one_at_a_time(count: int) -> None:
    """`count` generated reports (about 8 sections each) into the 10,000-section library."""
    sections_wanted = count * 8
    timings = {}
    for way in ("batch", "one"):
        with tempfile.TemporaryDirectory(dir=OUT) as work:
            copy = _copy(_library(10000), Path(work) / "library")
            result = subprocess.run(
                [sys.executable, "-c", ADDING, str(copy), way, str(sections_wanted)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
            timings[way] = json.loads(result.stdout)
    documents = timings["batch"]["documents"]
    print(f"\n{documents:,} generated reports added to the 10,000-section library (in one process):\n")
    print("| one batch s | one call per report s | ratio |")
    print("|---:|---:|---:|")
    batch, one = timings["batch"]["seconds"], timings["one"]["seconds"]
    print(f"| {batch:.1f} | {one:.1f} | {one / batch:.2f}x |")


if __name__ == "__main__":
    main()
