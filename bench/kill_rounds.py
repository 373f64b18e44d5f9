"""Killing Briefer (SIGKILL) at random moments of its writes, round after round, and checking
after each kill that nothing is lost or damaged.

Run from the repository: `.venv/bin/python -m bench.kill_rounds [--rounds 1000] [--workers N]
[--seed S]`. Each round takes a fresh copy of a pristine library (the five sample reports),
starts one operation in a new process and kills it, either after a random delay (up to the
operation's whole uninterrupted time) or at its N-th write (an audit hook counts the
writing opens, renames, links and removals, and the process kills itself at the chosen
one; N from the first write to one past the last). The operations, mixed at random:

- ingest: `briefer --library L ingest FILE`, one of the reports of tests/data/reports: the
  library holds the five documents as before and the new one whole, or not at all;
- edits: a process setting notes and adding and removing themes through the Library API,
  printing each edit once it returns: the library holds the state after the last printed
  edit ("old") or after the one in flight ("new"); an earlier state is a lost commit;
- library-import of an archive (export_archive of an edited library) into an empty
  library: all of it (documents, originals, note, pack) or nothing;
- build: `briefer build --theme remittances --out F --replace`, half the rounds over an
  older pack: F is then the old file, a complete new PDF, or (with no old file) absent.

After every kill the library must open with no file restored from a backup, every file of
record and backup readable, the index agreeing with the files, and no temporary file left
once it is opened (in documents/, which the open does not list: once the next write of a
document cleared them, as `remove_leftovers` there; for a build: once the next build of
that name did). Those the open leaves in documents/ are counted in a column of their own.
Any round that fails prints its operation, kill moment and round seed. Prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_FILES = sorted((ROOT / "data" / "sources").glob("*.txt"))
REPORTS = sorted((ROOT / "tests" / "data" / "reports").iterdir())
OPERATIONS = ("ingest", "edits", "library-import", "build")
LEFTOVER_SUFFIXES = (".partial", ".tmp", ".building")
EDITS = 200  # edits per run of the edits process

# Counts the process's writes; kills it at the chosen one (0: never). With a count file,
# writes there at exit the count and the times of the first and the last write (to calibrate).
HOOK = """
import atexit, os, signal, sys, time
_point, _count, _times = int(os.environ.get("KILL_AT_WRITE", "0")), 0, []

def _kill_at_the_chosen_write(event, args):
    global _count
    writes = event in ("os.rename", "os.replace", "os.link", "os.remove") or (
        event == "open" and (isinstance(args[1], str) and any(c in args[1] for c in "wax+")
                             or isinstance(args[2], int) and args[2] & (os.O_WRONLY | os.O_RDWR)))
    if writes:
        _count += 1
        _times[1:] = [time.time()] if _times else [time.time()] * 2
        if _count == _point:
            os.kill(os.getpid(), signal.SIGKILL)

if os.environ.get("KILL_COUNT_FILE"):
    atexit.register(lambda: open(os.environ["KILL_COUNT_FILE"], "w").write(f"{_count} {_times[0]} {_times[1]}"))
sys.addaudithook(_kill_at_the_chosen_write)
"""

BRIEFER_SCRIPT = (
    HOOK
    + """
import runpy
sys.argv = ["briefer", *sys.argv[1:]]
runpy.run_module("briefer", run_name="__main__", alter_sys=True)
"""
)

EDITS_SCRIPT = (
    HOOK
    + """
import json
from pathlib import Path
from briefer.library import Library
library = Library.open(Path(sys.argv[1]))
for number, (kind, section_id, value) in enumerate(json.loads(Path(sys.argv[2]).read_text())):
    if kind == "note":
        library.set_section_note(section_id, value)
    elif kind == "add":
        library.set_section_themes(section_id, add=[value])
    else:
        library.set_section_themes(section_id, remove=[value])
    print(number, flush=True)
"""
)

IMPORT_SCRIPT = (
    HOOK
    + """
from pathlib import Path
from briefer.actions.archive import import_archive
from briefer.library import Library
import_archive(Library.open(Path(sys.argv[1])), Path(sys.argv[2]))
"""
)


@dataclass(slots=True)
class Setup:
    """The pristine libraries and inputs, and what an uninterrupted run of each operation
    takes (seconds, writes) and leaves."""

    work: Path
    base: Path
    empty: Path
    archive: Path
    old_pack: Path
    edits_file: Path
    env: dict[str, str]
    duration: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    writes: dict[str, int] = field(default_factory=dict)
    base_documents: dict[str, int] = field(default_factory=dict)  # file -> sections
    report_sections: dict[str, int] = field(default_factory=dict)
    report_writes: dict[str, int] = field(default_factory=dict)
    report_duration: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    edit_states: list[dict] = field(default_factory=list)  # after 0, 1, ... edits
    import_whole: tuple = ()
    import_section: str = ""
    pack_pages: int = 0


def _environment(work: Path) -> dict[str, str]:
    """The processes' environment: a home of their own, so no kill touches the user's."""
    home = work / "home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("BRIEFER_LIBRARY", "KILL_AT_WRITE")}
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_CACHE_HOME=str(home / "cache"),
        QT_QPA_PLATFORM="offscreen",
    )
    return env


def _command(setup: Setup, operation: str, folder: Path, argument: str, hooked: bool) -> list[str]:
    if operation == "edits":
        return [sys.executable, "-c", EDITS_SCRIPT, str(folder), str(setup.edits_file)]
    if operation == "library-import":
        return [sys.executable, "-c", IMPORT_SCRIPT, str(folder), str(setup.archive)]
    if operation == "ingest":
        args = ["ingest", argument]
    else:
        args = ["build", "--theme", "remittances", "--out", argument, "--replace"]
    prefix = [sys.executable, "-c", BRIEFER_SCRIPT] if hooked else [sys.executable, "-m", "briefer"]
    return [*prefix, "--library", str(folder), *args]


def _calibrate(setup: Setup, operation: str, argument: str) -> tuple[tuple[float, float, float], int]:
    """An uninterrupted run in a fresh copy: its seconds to the first write, to the last and
    to its end, and its number of writes."""
    folder = setup.work / "calibrate"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(setup.empty if operation == "library-import" else setup.base, folder)
    count_file = setup.work / "count"
    env = {**setup.env, "KILL_COUNT_FILE": str(count_file)}
    start, wall = time.perf_counter(), time.time()
    done = subprocess.run(
        _command(setup, operation, folder, argument, True), cwd=ROOT, env=env, capture_output=True, text=True
    )
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{operation} does not run: {done.stderr[-2000:]}")
    count, first, last = count_file.read_text().split()
    writes, window = int(count), (float(first) - wall, float(last) - wall)
    if operation == "ingest":
        from briefer.library import Library

        library = Library.open(folder)
        setup.report_sections[Path(argument).name] = next(
            d["sections"] for d in library.documents() if d["file"] == Path(argument).name
        )
        library.index.close()
    shutil.rmtree(folder)
    if operation == "build":
        Path(argument).unlink(missing_ok=True)
    return (*window, took), writes


def prepare(work: Path) -> Setup:
    from briefer.actions.archive import export_archive
    from briefer.actions.packs import save_pack
    from briefer.ingest.pipeline import parse_document
    from briefer.library import Library
    from briefer.packs.model import Pack, PackItem

    base, empty = work / "base", work / "empty"
    library = Library.open(base)
    library.add_documents([parse_document(path) for path in SAMPLE_FILES])
    setup = Setup(
        work, base, empty, work / "theirs.zip", work / "old.pdf", work / "edits.json", _environment(work)
    )
    setup.base_documents = {d["file"]: d["sections"] for d in library.documents()}

    # The edits: notes, and themes added then removed, over four sections.
    sections = library.sections()
    chosen = [sections[i] for i in (1, 7, 40, 90)]
    all_themes = sorted(library.theme_ids())
    state = {s.id: (s.note or "", tuple(sorted(s.theme_ids))) for s in chosen}
    setup.edit_states = [dict(state)]
    edits, toggled = [], {}
    for number in range(EDITS):
        section = chosen[number % len(chosen)]
        note, themes = state[section.id]
        if number % 3 == 0:
            edits.append(["note", section.id, f"note {number}"])
            note = f"note {number}"
        elif section.id in toggled:
            theme = toggled.pop(section.id)
            edits.append(["remove", section.id, theme])
            themes = tuple(t for t in themes if t != theme)
        else:
            theme = next(t for t in all_themes if t not in themes)
            toggled[section.id] = theme
            edits.append(["add", section.id, theme])
            themes = tuple(sorted({*themes, theme}))
        state[section.id] = (note, themes)
        setup.edit_states.append(dict(state))
    setup.edits_file.write_text(json.dumps(edits))
    library.index.close()

    # The archive: an edited copy of the library, imported into an empty one.
    theirs = work / "theirs"
    shutil.copytree(base, theirs)
    source = Library.open(theirs)
    first = source.sections()[0].id
    source.set_section_note(first, "their note")
    source.update_meeting(source.meetings()[0].id, city="Geneva")
    save_pack(source, Pack("Their pack", items=[PackItem.section(first)]))
    export_archive(source, setup.archive)
    setup.import_whole = (len(source.documents()), "their note", 1, len(source.documents()))
    setup.import_section = first
    source.index.close()
    Library.open(empty).index.close()

    # The older pack a build replaces: another theme, so that it differs from a new one.
    subprocess.run(
        [sys.executable, "-m", "briefer", "--library", str(base), "build", "--theme", "human_rights"]
        + ["--out", str(setup.old_pack)],
        cwd=ROOT,
        env=setup.env,
        check=True,
        capture_output=True,
    )

    for report in REPORTS:
        took, writes = _calibrate(setup, "ingest", str(report))
        setup.report_duration[report.name], setup.report_writes[report.name] = took, writes
    for operation in ("edits", "library-import", "build"):
        argument = str(work / "calibrate.pdf")
        setup.duration[operation], setup.writes[operation] = _calibrate(setup, operation, argument)
    # the complete pack's pages, from one more uninterrupted build
    out = work / "complete.pdf"
    subprocess.run(
        _command(setup, "build", base, str(out), False),
        cwd=ROOT,
        env=setup.env,
        check=True,
        capture_output=True,
    )
    setup.pack_pages = _pdf_pages(out)
    out.unlink()
    return setup


def _pdf_pages(path: Path) -> int | None:
    """The page count of a complete PDF; None if it does not open as one."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(path)
    except Exception:
        return None
    try:
        return len(document)
    finally:
        document.close()


@dataclass(slots=True)
class Outcome:
    operation: str
    moment: str  # "delay" or "write"
    point: str  # the delay in seconds or the write number
    outcome: str = ""
    damaged: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    leftovers: list[str] = field(default_factory=list)
    cleaned_later: list[str] = field(default_factory=list)
    seconds: float = 0.0
    seed: int = 0


def _open_sound(folder: Path, result: Outcome):
    """The library opened as the next command would (temporaries removed), checked: nothing
    restored from a backup, every file of record and backup readable, the index agreeing."""
    from briefer.atomic import remove_leftovers
    from briefer.library import Library
    from briefer.library.storage import backups_of

    try:
        library = Library.open(folder, look_at_pieces=True)
    except Exception as error:
        result.damaged.append(f"the library does not open: {error!r}")
        return None
    if library.restored:
        result.damaged.append(f"restored from a backup: {library.restored}")
    # What the open leaves in documents/ the next write of a document removes (it lists
    # that folder once, with remove_leftovers): counted apart, and removed the same way here.
    left = [p for p in folder.rglob("*") if p.name.endswith(LEFTOVER_SUFFIXES)]
    result.cleaned_later += [str(p.relative_to(folder)) for p in left]
    for parent in {p.parent for p in left}:
        remove_leftovers(parent)
    result.leftovers += [str(p.relative_to(folder)) for p in left if p.exists()]
    if (folder / ".change.journal").exists():
        result.leftovers.append(".change.journal")
    pieces = sorted((folder / "documents").glob("*.json"))
    sections = 0
    for path in [folder / "user.json", *pieces]:
        try:
            sections += len(json.loads(path.read_bytes()).get("sections", {}))
            for backup in backups_of(path):
                json.loads(backup.read_bytes())
        except (OSError, ValueError) as error:
            result.damaged.append(f"{path.name} or a backup unreadable: {error!r}")
    if len(library.documents()) != len(pieces) or len(library.sections()) != sections:
        result.damaged.append("the index does not agree with the files")
    return library


def _kill(command: list[str], env: dict[str, str], delay: float | None, stdout=subprocess.DEVNULL):
    """Run `command`; with a delay, SIGKILL it then. Returns the process, ended."""
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=stdout, stderr=subprocess.DEVNULL, text=True
    )
    if delay is None:
        try:
            process.wait(timeout=300)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        return process
    try:
        process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
    return process


def one_round(setup: Setup, seed: int, scratch: Path) -> Outcome:
    rng = random.Random(seed)
    operation = rng.choice(OPERATIONS)
    moment = rng.choice(("delay", "write"))
    report = rng.choice(REPORTS) if operation == "ingest" else None
    duration = setup.report_duration[report.name] if report else setup.duration[operation]
    writes = setup.report_writes[report.name] if report else setup.writes[operation]
    first, last, took = duration  # one kill in five at any moment, the others while it writes
    low, high = (0.0, took * 1.05) if rng.random() < 0.2 else (first * 0.9, last + 0.05)
    delay = rng.uniform(low, high) if moment == "delay" else None
    point = rng.randint(1, writes + 1) if moment == "write" else 0
    result = Outcome(operation, moment, f"{delay:.3f}s" if delay is not None else str(point), seed=seed)
    if report:
        result.point += f" ({report.name})"
    start = time.perf_counter()

    folder = scratch / "library"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(setup.empty if operation == "library-import" else setup.base, folder)
    env = {**setup.env, "KILL_AT_WRITE": str(point)}
    out = scratch / "pack.pdf"
    keep_old = operation == "build" and rng.random() < 0.5
    if operation == "build":
        for leftover in scratch.glob(".pack.pdf.*"):
            leftover.unlink()
        out.unlink(missing_ok=True)
        if keep_old:
            shutil.copyfile(setup.old_pack, out)
    argument = str(report) if report else str(out)
    command = _command(setup, operation, folder, argument, moment == "write")
    process = _kill(
        command, env, delay, stdout=subprocess.PIPE if operation == "edits" else subprocess.DEVNULL
    )
    printed = process.stdout.read().split() if operation == "edits" else []
    if process.stdout:
        process.stdout.close()
    finished = process.returncode == 0

    library = _open_sound(folder, result)
    if library is not None:
        try:
            check = {"ingest": _check_ingest, "edits": _check_edits, "library-import": _check_import}
            if operation == "build":
                _check_build(setup, result, out, keep_old, scratch)
            else:
                check[operation](setup, result, library, report=report, printed=printed)
        finally:
            library.index.close()
    if finished and not result.outcome.endswith("(finished)"):
        result.outcome += " (finished)"
    result.seconds = time.perf_counter() - start
    return result


def _check_ingest(setup: Setup, result: Outcome, library, report: Path, **_) -> None:
    documents = {d["file"]: d["sections"] for d in library.documents()}
    found = Counter(s.source_file for s in library.sections())
    for name, sections in documents.items():  # each document whole, as its record says
        if found[name] != sections:
            result.damaged.append(f"{name}: {found[name]} sections, its record says {sections}")
    for name, sections in setup.base_documents.items():
        if documents.get(name) != sections:
            result.lost.append(f"{name}: {documents.get(name)} sections, {sections} before")
    extra = set(documents) - set(setup.base_documents)
    if not extra:
        result.outcome = "old"
    elif extra == {report.name} and documents[report.name] == setup.report_sections[report.name]:
        result.outcome = "new"
    else:
        result.damaged.append(f"documents after the kill: {sorted(extra)}")
        result.outcome = "damaged"


def _check_edits(setup: Setup, result: Outcome, library, printed: list[str], **_) -> None:
    last = int(printed[-1]) if printed else -1
    state = {}
    for section_id in setup.edit_states[0]:
        section = library.section(section_id)
        state[section_id] = (section.note or "", tuple(sorted(section.theme_ids)))
    if state == setup.edit_states[last + 1]:
        result.outcome = "old"  # the state after the last printed edit
    elif last + 2 < len(setup.edit_states) and state == setup.edit_states[last + 2]:
        result.outcome = "new"  # the edit in flight was saved, not yet printed
    elif state in setup.edit_states[: last + 1]:
        earlier = setup.edit_states.index(state) - 1
        result.lost.append(f"edit {last} printed, the library holds the state after edit {earlier}")
        result.outcome = "lost"
    else:
        result.damaged.append(f"after edit {last} printed: a state no run of edits leaves: {state}")
        result.outcome = "damaged"


def _check_import(setup: Setup, result: Outcome, library, **_) -> None:
    from briefer.actions.packs import list_packs

    try:
        note = library.section(setup.import_section).note
    except Exception:
        note = None
    sources = library.folder / "sources"
    originals = len(list(sources.iterdir())) if sources.is_dir() else 0
    state = (len(library.documents()), note, len(list_packs(library)), originals)
    if state == (0, None, 0, 0):
        result.outcome = "old"
    elif state == setup.import_whole:
        result.outcome = "new"
    else:
        result.damaged.append(f"part of the archive: (documents, note, packs, originals) = {state}")
        result.outcome = "partial"


def _check_build(setup: Setup, result: Outcome, out: Path, keep_old: bool, scratch: Path) -> None:
    from briefer.atomic import remove_leftovers

    if not out.exists():
        result.outcome = "absent"
        if keep_old:
            result.lost.append("the old pack is gone, and no new one in its place")
    elif keep_old and out.read_bytes() == setup.old_pack.read_bytes():
        result.outcome = "old"
    elif _pdf_pages(out) == setup.pack_pages:
        result.outcome = "new"
    else:
        result.damaged.append(
            f"{out.name}: a partial file ({out.stat().st_size} bytes) under the chosen name"
        )
        result.outcome = "partial"
    remove_leftovers(scratch, out.name)  # what the next build of this name does first
    result.leftovers += [p.name for p in scratch.iterdir() if p.name.endswith(LEFTOVER_SUFFIXES)]


def _worker(setup: Setup, seeds: list[int]) -> list[Outcome]:
    scratch = Path(tempfile.mkdtemp(prefix="round-", dir=setup.work))
    try:
        return [one_round(setup, seed, scratch) for seed in seeds]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _table(results: list[Outcome], seconds: float) -> str:
    by_operation: dict[str, list[Outcome]] = defaultdict(list)
    for result in results:
        by_operation[result.operation].append(result)
    lines = [
        "| operation | rounds | killed after a delay | killed at write N | outcomes | damaged libraries "
        "| lost commits | leftovers | temporaries left by the open, removed at the next document write "
        "| s per round |",
        "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    rows = [*[(op, by_operation[op]) for op in OPERATIONS if by_operation[op]], ("all", results)]
    for name, group in rows:
        outcomes = Counter(r.outcome for r in group)
        moments = Counter(r.moment for r in group)
        writes = [int(r.point.split()[0]) for r in group if r.moment == "write"]
        span = f" (1–{max(writes)})" if writes else ""
        lines.append(
            f"| {name} | {len(group)} | {moments['delay']} | {moments['write']}{span} | "
            + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))
            + f" | {sum(bool(r.damaged) for r in group)} | {sum(len(r.lost) for r in group)} | "
            f"{sum(len(r.leftovers) for r in group)} | {sum(len(r.cleaned_later) for r in group)} | {sum(r.seconds for r in group) / len(group):.2f} |"
        )
    lines.append("")
    lines.append(f"{len(results)} rounds in {seconds:.0f} s ({seconds / 60:.1f} min) wall time")
    return "\n".join(lines)


def _span(duration: tuple[float, float, float]) -> str:
    return "{:.2f}-{:.2f}-{:.2f}".format(*duration)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    options = parser.parse_args(argv)
    if os.name != "posix":
        raise SystemExit("SIGKILL is POSIX")

    start = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="kill-rounds-"))
    try:
        setup = prepare(work)
        print(
            f"prepared in {time.perf_counter() - start:.1f} s; uninterrupted runs (s to the first write-last write-end/writes): "
            + ", ".join(f"{op} {_span(setup.duration[op])}/{setup.writes[op]}" for op in setup.duration)
            + ", ingest "
            + ", ".join(
                f"{n} {_span(setup.report_duration[n])}/{setup.report_writes[n]}" for n in setup.report_writes
            ),
            flush=True,
        )
        seeds = [options.seed * 100_000 + number for number in range(options.rounds)]
        workers = max(1, min(options.workers, options.rounds))
        batches = [seeds[i : i + 10] for i in range(0, len(seeds), 10)]
        results: list[Outcome] = []
        rounds_start = time.perf_counter()
        with ProcessPoolExecutor(workers) as pool:
            for batch in pool.map(_worker, [setup] * len(batches), batches):
                results += batch
                for r in batch:
                    if r.damaged or r.lost or r.leftovers:
                        print(
                            f"FAILED: {r.operation} killed at {r.moment} {r.point} (round seed {r.seed}): "
                            f"damaged {r.damaged} lost {r.lost} leftovers {r.leftovers}",
                            flush=True,
                        )
                print(
                    f"{len(results)}/{len(seeds)} rounds, {time.perf_counter() - rounds_start:.0f} s",
                    flush=True,
                )
        print()
        print(_table(results, time.perf_counter() - start))
        return 1 if any(r.damaged or r.lost or r.leftovers for r in results) else 0
    finally:
        if options.keep:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
