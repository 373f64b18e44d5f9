"""Shared fixtures. The GUI tests run offscreen; nothing here touches the user's library."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "data" / "sources"
SAMPLE_FILES = sorted(SOURCES.glob("*.txt"))


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Point the per-user folders at a temporary home, so no test sees a real library."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.delenv("BRIEFER_LIBRARY", raising=False)
    return home


@pytest.fixture(scope="session")
def parsed_samples():
    """The five sample reports, parsed once for the whole session."""
    from briefer.ingest.pipeline import parse_document

    return {path.name: parse_document(path) for path in SAMPLE_FILES}


@pytest.fixture(scope="session")
def sample_library_dir(tmp_path_factory, parsed_samples):
    """A library holding the five samples, built once; copy it before changing it."""
    from briefer.library import Library

    folder = tmp_path_factory.mktemp("samples") / "library"
    Library.open(folder).add_documents(parsed_samples.values())
    return folder


@pytest.fixture
def library_copy(sample_library_dir, tmp_path):
    folder = tmp_path / "library"
    shutil.copytree(sample_library_dir, folder)
    return folder


def store_files(folder: Path) -> dict[str, bytes]:
    """A library's store of record, file by file (user.json and each document's piece); the
    search index is derived from it, the backups are copies."""
    pieces = sorted((folder / "documents").glob("*.json"))
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in [folder / "user.json", *pieces]
        if path.exists()
    }


def piece_of(folder: Path, file_name: str) -> Path:
    """The piece holding the document read from `file_name`."""
    for path in (folder / "documents").glob("*.json"):
        if f'"file":"{file_name}"' in path.read_text(encoding="utf-8"):
            return path
    raise AssertionError(f"no piece of {file_name} in {folder}")


def as_briefer_writes(data: bytes) -> bytes:
    """A library file's content (changed by a test) with its checksum made right again: what
    another process, or another copy of the library, would have written."""
    import json

    from briefer.library.storage import encode_tables

    return encode_tables(json.loads(data))
