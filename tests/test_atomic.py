"""The one way Briefer replaces a file (briefer/atomic.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefer.atomic import partial_name, remove_leftovers, replacing, write_bytes


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "pack.pdf"
    path.write_bytes(b"old")
    with pytest.raises(RuntimeError), replacing(path) as temporary:
        temporary.write_bytes(b"half")
        raise RuntimeError("killed half-way")
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack.pdf"]


def test_what_a_killed_writer_left_is_removed_by_the_next_write_of_that_name(tmp_path: Path) -> None:
    path = tmp_path / "report [draft].pdf"
    dead = tmp_path / f".{path.name}.{_dead_pid()}.partial"
    other = tmp_path / f".other.pdf.{_dead_pid()}.partial"  # another file's: not this write's business
    for leftover in (dead, other):
        leftover.write_bytes(b"half")
    write_bytes(path, b"new")
    assert path.read_bytes() == b"new"
    assert not dead.exists() and other.exists()
    assert not partial_name(path).exists()


def test_the_library_folder_is_swept_of_dead_writers_files_only(tmp_path: Path) -> None:
    dead = tmp_path / f".library.json.{_dead_pid()}.tmp"  # an earlier version's name
    alive = tmp_path / f".user.json.{os.getpid()}.partial"  # a write in progress, this process
    plain = tmp_path / "notes.partial"  # not a temporary of ours
    for path in (dead, alive, plain):
        path.write_bytes(b"x")
    remove_leftovers(tmp_path)
    assert not dead.exists() and alive.exists() and plain.exists()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="process start times from /proc")
def test_a_leftover_older_than_the_process_now_holding_its_pid_is_removed(tmp_path: Path) -> None:
    """A PID reused by an unrelated process does not keep a killed writer's file for ever."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        time.sleep(0.3)
        stale = tmp_path / f".user.json.{process.pid}.partial"  # written before it started
        live = tmp_path / f".index.sqlite3.{process.pid}.building"  # as if written by it now
        for path in (stale, live):
            path.write_bytes(b"x")
        long_ago = time.time() - 3600
        os.utime(stale, (long_ago, long_ago))
        remove_leftovers(tmp_path)
        assert not stale.exists() and live.exists()
    finally:
        process.kill()
        process.wait()


def test_a_files_checksum_is_its_sha256(tmp_path) -> None:
    import hashlib

    from briefer.atomic import file_sha256

    path = tmp_path / "big.bin"
    path.write_bytes(b"x" * (3 << 20) + b"end")  # more than one block
    assert file_sha256(path) == hashlib.sha256(path.read_bytes()).hexdigest()
