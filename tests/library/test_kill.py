"""Killing Briefer (SIGKILL) at random moments of an ingest, of a run of edits, of a build, of
the split of a one-file library into pieces, of an index catching up with changed pieces:
the library always opens, each document whole or absent and each edit old or new, never a
damaged file (so nothing is restored from a backup), the index agreeing with the files,
temporary files cleaned on the next open, and the chosen output name holding no partial
file."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefer.library import Library, migrations
from briefer.library.storage import backups_of
from tests.conftest import ROOT, SAMPLE_FILES, as_briefer_writes

pytestmark = [pytest.mark.slow, pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")]

ROUNDS = 20
GCIM = next(p for p in SAMPLE_FILES if p.name.startswith("gcim"))

NOTES_SCRIPT = """
import sys
from pathlib import Path
from briefer.library import Library
library = Library.open(Path(sys.argv[1]))
section_id = sys.argv[2]
for number in range(100000):
    library.set_section_note(section_id, f"v{number}")
    print(f"v{number}", flush=True)
"""


def _briefer(folder: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "briefer", "--library", str(folder), *args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _kill_after(process: subprocess.Popen, delay: float) -> None:
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()


def _check_sound(folder: Path) -> Library:
    """The library opens with no damaged file, no temporary left, every backup readable."""
    library = Library.open(folder, look_at_pieces=True)
    assert library.restored == []
    leftovers = [p.name for p in folder.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []
    pieces = sorted((folder / "documents").glob("*.json"))
    sections = 0
    for path in [folder / "user.json", *pieces]:
        data = json.loads(path.read_bytes())
        sections += len(data.get("sections", {}))
        for backup in backups_of(path):
            json.loads(backup.read_bytes())
    assert len(library.documents()) == len(pieces)  # the index agrees with the files
    assert len(library.sections()) == sections
    return library


def test_killing_an_ingest(tmp_path: Path) -> None:
    rng = random.Random(20240501)
    folder = tmp_path / "library"
    subprocess.run(
        [sys.executable, "-m", "briefer", "--library", str(folder), "ingest", str(GCIM)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    pristine = tmp_path / "pristine"
    shutil.copytree(folder, pristine)
    others = [str(p) for p in SAMPLE_FILES if p != GCIM]
    whole = {p.name: len(Library.open(pristine).sections()) for p in [GCIM]}
    outcomes = []
    for _ in range(ROUNDS):
        _kill_after(_briefer(folder, "ingest", *others), rng.uniform(0.2, 1.6))
        library = _check_sound(folder)
        documents = library.documents()
        assert GCIM.name in {d["file"] for d in documents}
        for document in documents:  # each document whole: all its sections, as its record says
            found = [s for s in library.sections() if s.source_file == document["file"]]
            assert len(found) == document["sections"]
        assert len([s for s in library.sections() if s.source_file == GCIM.name]) == whole[GCIM.name]
        outcomes.append(len(documents))
        if len(documents) == 5:  # done: start again from the old state
            shutil.rmtree(folder)
            shutil.copytree(pristine, folder)
    assert 1 in outcomes  # some kills did land before the first document was saved
    print("ingest outcomes (documents after each kill):", outcomes)


SPLIT_SCRIPT = """
import sys
from pathlib import Path
from briefer.library import Library
print("ready", flush=True)
Library.open(Path(sys.argv[1]))
"""


@pytest.fixture(scope="module")
def one_file_library(tmp_path_factory) -> tuple[Path, int]:
    """A library of 2,000 generated sections as Briefer wrote it before schema 3 (one
    library.json), and its section count."""
    from bench.library_gen import generate

    folder = tmp_path_factory.mktemp("one-file") / "library"
    library = generate(folder, 2000, seed=5)
    content = json.loads(library.stored_files()["library.json"])
    migrations.set_version(content, 2)
    count = len(library.sections())
    library.index.close()
    (folder / "library.json").write_text(json.dumps(content), encoding="utf-8")
    shutil.rmtree(folder / "documents")
    (folder / "index.sqlite3").unlink()
    return folder, count


def test_killing_the_split_of_a_one_file_library(one_file_library, tmp_path: Path) -> None:
    """Killed while library.json is split into pieces: the next open finishes the job."""
    rng = random.Random(3)
    source, count = one_file_library
    outcomes = []
    for round_number in range(6):
        folder = tmp_path / f"round-{round_number}"
        shutil.copytree(source, folder)
        process = subprocess.Popen(
            [sys.executable, "-c", SPLIT_SCRIPT, str(folder)], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        assert process.stdout.readline().strip() == "ready"
        _kill_after(process, rng.uniform(0.0, 0.8))
        pieces = len(list((folder / "documents").glob("*.json")))
        outcomes.append("split" if not (folder / "library.json").exists() else pieces)
        library = _check_sound(folder)
        assert len(library.sections()) == count
        assert not (folder / "library.json").exists() and (folder / "library.json.v2.bak").exists()
        library.index.close()
        shutil.rmtree(folder)
    assert any(isinstance(o, int) and o > 0 for o in outcomes), outcomes  # some kills landed halfway
    print("split outcomes (pieces written when killed, or split):", outcomes)


CATCH_UP_SCRIPT = """
import sys
from pathlib import Path
from briefer.library import Library
print("ready", flush=True)
Library.open(Path(sys.argv[1]), look_at_pieces=True).sections()
"""


def test_killing_an_index_catching_up_with_changed_pieces(one_file_library, tmp_path: Path) -> None:
    """Another copy's versions of 60 documents put in place (renamed in, as a sync does, or
    copied over in place): the index catches up document by document; killed at any
    moment, the next open gives the library those files hold."""
    rng = random.Random(5)
    source, count = one_file_library
    folder, theirs = tmp_path / "library", tmp_path / "theirs"
    shutil.copytree(source, folder)
    Library.open(folder).index.close()
    shutil.copytree(folder, theirs)
    names = sorted(p.name for p in (folder / "documents").glob("*.json"))[:60]
    ours = {name: (folder / "documents" / name).read_bytes() for name in names}
    for name in names:
        (theirs / "documents" / name).write_bytes(
            as_briefer_writes(ours[name].replace(b"migrants", b"migrant workers"))
        )
    (theirs / "index.sqlite3").unlink()
    expected = {"theirs": _texts(theirs), "ours": _texts(folder)}
    assert expected["theirs"] != expected["ours"]
    for round_number in range(8):
        version = "theirs" if round_number % 2 == 0 else "ours"
        for name in names:
            target = folder / "documents" / name
            data = (theirs / "documents" / name).read_bytes() if version == "theirs" else ours[name]
            if round_number % 4 < 2:  # renamed into place
                incoming = target.with_name("incoming")
                incoming.write_bytes(data)
                os.replace(incoming, target)
            else:  # written over in place
                target.write_bytes(data)
        process = subprocess.Popen(
            [sys.executable, "-c", CATCH_UP_SCRIPT, str(folder)], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        assert process.stdout.readline().strip() == "ready"
        _kill_after(process, rng.uniform(0.0, 1.0))
        reopened = _check_sound(folder)
        assert len(reopened.sections()) == count
        reopened.index.close()
        assert _texts(folder) == expected[version]


def _texts(folder: Path) -> list[str]:
    library = Library.open(folder, look_at_pieces=True)
    texts = sorted(s.text for s in library.sections())
    library.index.close()
    return texts


def test_killing_a_run_of_edits(library_copy: Path) -> None:
    rng = random.Random(7)
    section_id = Library.open(library_copy).sections()[3].id
    sections = len(Library.open(library_copy).sections())
    confirmed_any = 0
    for _ in range(ROUNDS):
        process = subprocess.Popen(
            [sys.executable, "-c", NOTES_SCRIPT, str(library_copy), section_id],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        _kill_after(process, rng.uniform(0.3, 1.5))
        written = process.stdout.read().split()
        library = _check_sound(library_copy)
        assert len(library.sections()) == sections
        note = library.section(section_id).note
        if written:
            confirmed_any += 1
            last = int(written[-1][1:])
            assert note in (f"v{last}", f"v{last + 1}")  # the last saved, or one saved unprinted
        else:
            assert note in (None, "", "v0")  # killed before the first save was printed
        library.set_section_note(section_id, "")  # the next round starts from no note
    assert confirmed_any >= ROUNDS // 2
    print("edit rounds with saves before the kill:", confirmed_any)


def test_killing_a_build(library_copy: Path, tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    rng = random.Random(11)
    out = tmp_path / "pack.pdf"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "briefer",
            "--library",
            str(library_copy),
            "build",
            "--theme",
            "remittances",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    complete = len(pdfium.PdfDocument(out))
    old = out.read_bytes()
    results = set()
    for round_number in range(ROUNDS):
        keep_old = round_number % 2 == 0  # half the rounds over an older file
        if keep_old:
            out.write_bytes(old)
        else:
            out.unlink(missing_ok=True)
        before = out.stat().st_mtime_ns if keep_old else None
        process = _briefer(library_copy, "build", "--theme", "remittances", "--out", str(out), "--replace")
        _kill_after(process, rng.uniform(0.05, 0.9))
        _check_sound(library_copy)
        if out.exists():
            document = pdfium.PdfDocument(out)  # a complete PDF, never a partial one
            assert len(document) == complete
            document.close()
            results.add("old" if keep_old and out.stat().st_mtime_ns == before else "new")
        else:
            assert not keep_old
            results.add("none")
        partial = [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]
        assert len(partial) <= 1  # the next build removed the one a kill left before
        for leftover in partial:  # hidden, beside the output: never under the chosen name
            assert leftover.name.startswith(".pack.pdf.")
    assert results & {"none", "old"}
    _briefer(library_copy, "build", "--theme", "remittances", "--out", str(out), "--replace").wait(
        timeout=120
    )
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]
    print("build outcomes:", results)


IMPORT_SCRIPT = """
import os, signal, sys
from pathlib import Path
from briefer.actions.archive import import_archive
from briefer.library import Library
library = Library.open(Path(sys.argv[1]))
point, count = int(sys.argv[3]), 0

def kill_at_the_chosen_write(event, args):
    global count
    writes = event in ("os.rename", "os.link", "os.remove") or (
        event == "open" and (isinstance(args[1], str) and any(c in args[1] for c in "wax+")
                             or isinstance(args[2], int) and args[2] & (os.O_WRONLY | os.O_RDWR)))
    if writes:
        count += 1
        if count == point:
            os.kill(os.getpid(), signal.SIGKILL)

sys.addaudithook(kill_at_the_chosen_write)
import_archive(library, Path(sys.argv[2]))
"""


def test_killing_a_library_import_at_every_write(library_copy: Path, tmp_path: Path) -> None:
    """One commit: killed before any file, between any two, or after the last, the library
    holds the archive whole (documents, originals, edits, packs) or nothing of it."""
    from briefer.actions.archive import export_archive
    from briefer.actions.packs import save_pack
    from briefer.packs.model import Pack, PackItem

    source = Library.open(library_copy)
    sections = source.sections()
    source.set_section_note(sections[0].id, "their note")
    source.update_meeting(source.meetings()[0].id, city="Geneva")
    save_pack(source, Pack("Their pack", items=[PackItem.section(sections[0].id)]))
    archive = export_archive(source, tmp_path / "theirs")
    whole = (len(source.documents()), "their note", 1)
    source.index.close()

    pristine = tmp_path / "pristine"
    Library.open(pristine).index.close()
    target = tmp_path / "target"
    outcomes = []
    for point in range(1, 500):
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(pristine, target)
        done = subprocess.run(
            [sys.executable, "-c", IMPORT_SCRIPT, str(target), str(archive), str(point)],
            cwd=ROOT,
            timeout=120,
        )
        library = _check_sound(target)
        state = (len(library.documents()), *_note_and_packs(library, sections[0].id))
        library.index.close()
        assert state in {(0, None, 0), whole}, f"killed at write {point}: {state}"
        sources = target / "sources"
        originals = sorted(p.name for p in sources.iterdir()) if sources.is_dir() else []
        assert len(originals) == (whole[0] if state == whole else 0), f"killed at write {point}: {originals}"
        assert not (target / ".change.journal").exists()
        outcomes.append(state == whole)
        if done.returncode == 0:
            break
    assert outcomes[-1] and not outcomes[0] and len(outcomes) > 10
    print(f"library-import killed at {len(outcomes) - 1} writes; whole after {outcomes.index(True) + 1}")


def _note_and_packs(library: Library, section_id: str) -> tuple[str | None, int]:
    from briefer.actions.packs import list_packs

    try:
        note = library.section(section_id).note
    except Exception:
        note = None
    return note, len(list_packs(library))
