"""Ingest throughput: the five sample reports and a generated corpus of 1,000 reports.

Run from the repository: `.venv/bin/python -m bench.ingest_bench [--count N]`.
Prints a Markdown table with the goals beside the figures: the five samples in under
1 s, and at least 1 MB of text per second through the whole pipeline (read, clean,
segment, metadata, themes, library write).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import generate
from briefer import paths
from briefer.actions.ingest import ingest_paths
from briefer.library import Library


def _ingest(files: list[Path]) -> tuple[float, int]:
    """Seconds to ingest `files` into a new library in this process, and sections made."""
    with tempfile.TemporaryDirectory() as folder:
        library = Library.open(Path(folder))
        start = time.perf_counter()
        reports = ingest_paths(library, files)
        seconds = time.perf_counter() - start
        assert all(r.ok for r in reports), [r.message for r in reports if not r.ok]
        return seconds, sum(r.sections for r in reports)


def _fresh_process(files: list[Path]) -> float:
    """Wall time of `briefer ingest` in a new process: start-up and imports included."""
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "briefer", "--library", folder, "ingest", *map(str, files)],
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="reports in the generated corpus")
    args = parser.parse_args()

    samples = sorted(paths.sample_sources_dir().glob("*.txt"))
    corpus_dir = Path(__file__).parent / "out" / f"corpus-{args.count}"
    corpus = sorted(corpus_dir.glob("*.txt")) if corpus_dir.exists() else []
    if len(corpus) != args.count:
        corpus = generate(corpus_dir, args.count)

    _ingest(samples)  # load the word list, lexicon and gazetteer once, as a running app has
    rows = []
    warm = min((_ingest(samples) for _ in range(3)), key=lambda r: r[0])
    rows.append(("5 sample reports, in a running process", samples, *warm, "< 1 s"))
    cold = min(_fresh_process(samples) for _ in range(3))
    rows.append(("5 sample reports, `briefer ingest` in a new process", samples, cold, warm[1], "< 1 s"))
    big = _ingest(corpus)
    rows.append((f"generated corpus of {len(corpus)} reports", corpus, *big, ">= 1 MB/s"))

    print("| input | files | MB | seconds | MB/s | sections | goal |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for label, files, seconds, sections, goal in rows:
        megabytes = sum(f.stat().st_size for f in files) / 1_000_000
        print(
            f"| {label} | {len(files)} | {megabytes:.2f} | {seconds:.2f} | {megabytes / seconds:.2f} "
            f"| {sections} | {goal} |"
        )


if __name__ == "__main__":
    main()
