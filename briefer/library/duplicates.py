"""Near-duplicate sections, found incrementally in the index.

Two body sections are near-duplicates when most of their sentences are the same: the
shared sentences are at least 60 % of all the sentences of the two (Jaccard). Each
section's sentences are fingerprinted, and a MinHash signature over them is cut into
bands; the index keeps, per section, its fingerprints and its band keys. A new section is
compared exactly with the sections sharing one of its band keys only, and each pair found
is kept; a group is a connected set of pairs, named by its smallest rowid. Adding or
removing sections regroups only the groups they touch, so the groups are always those a
computation over the whole library gives (it runs the same steps on every section).
"""

from __future__ import annotations

import multiprocessing
import os
import random
import re
import sqlite3
import zlib
from array import array
from collections import defaultdict, deque
from collections.abc import Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

SCHEMA = """
CREATE TABLE section_prints (rowid INTEGER PRIMARY KEY, prints BLOB NOT NULL);
CREATE TABLE section_bands (band_key INTEGER NOT NULL, rowid INTEGER NOT NULL);
CREATE INDEX section_bands_key ON section_bands(band_key);
CREATE INDEX section_bands_rowid ON section_bands(rowid);
CREATE TABLE duplicate_pairs (a INTEGER NOT NULL, b INTEGER NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID;
CREATE INDEX duplicate_pairs_b ON duplicate_pairs(b);
"""

_SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?;])\s+")
_WORDS_RE = re.compile(r"[^\W\d_]+")
MIN_SENTENCE_WORDS = 8
DUPLICATE_SHARE = 0.6  # Jaccard similarity of the two sections' sentences
_PRIME = (1 << 61) - 1
_BANDS, _ROWS = 6, 4  # MinHash LSH: sections alike in all 4 rows of any band are compared
_SALTS = [
    (random.Random(seed).randrange(1, _PRIME), random.Random(-seed).randrange(0, _PRIME))
    for seed in range(1, _BANDS * _ROWS + 1)
]
_BATCH = 500  # SQLite parameters per statement stay well under its limit


def fingerprints(text: str) -> frozenset[int]:
    """The section's sentences, normalised (case, punctuation, numbers) and hashed."""
    prints = set()
    for sentence in _SENTENCE_SPLIT_RE.split(text):
        words = _WORDS_RE.findall(sentence.casefold())
        if len(words) >= MIN_SENTENCE_WORDS:
            prints.add(zlib.crc32(" ".join(words).encode("utf-8")))
    return frozenset(prints)


def band_keys(prints: frozenset[int], made: dict[int, tuple[int, ...]]) -> list[int]:
    """One key per band of the MinHash signature: sections with a key in common are compared.
    `made` keeps each sentence's MinHash values for the call's other sections (a sentence
    recurs across sections); it lives as long as the caller's work, not the process."""
    hashes = []
    for value in prints:
        if value not in made:
            made[value] = tuple((a * value + b) % _PRIME for a, b in _SALTS)
        hashes.append(made[value])
    signature = tuple(map(min, zip(*hashes, strict=True)))
    keys = []
    for band in range(_BANDS):
        rows = signature[band * _ROWS : (band + 1) * _ROWS]
        key = band
        for value in rows:  # a hash of its own, the same in every Python
            key = (key * 1_000_003 + value) % _PRIME
        keys.append(key)
    return keys


def alike(a: frozenset[int], b: frozenset[int]) -> bool:
    shared = len(a & b)
    return shared >= DUPLICATE_SHARE * (len(a) + len(b) - shared)


def sketch_all(rows: Iterable[tuple[int, str]]) -> list[tuple[int, bytes, list[int]]]:
    """Each section's fingerprints (as stored) and band keys, from (rowid, body); a section
    of fewer than two long sentences has none. Pure: it also runs in a helper process."""
    made: dict[int, tuple[int, ...]] = {}
    sketches = []
    for rowid, body in rows:
        prints = fingerprints(body)
        if len(prints) >= 2:
            sketches.append((rowid, array("I", sorted(prints)).tobytes(), band_keys(prints, made)))
    return sketches


def store_sketches(db: sqlite3.Connection, sketches: list[tuple[int, bytes, list[int]]]) -> None:
    db.executemany(
        "INSERT INTO section_prints VALUES (?, ?)", ((rowid, prints) for rowid, prints, _ in sketches)
    )
    db.executemany(
        "INSERT INTO section_bands VALUES (?, ?)",
        ((key, rowid) for rowid, _, keys in sketches for key in keys),
    )


class Sketcher:
    """Sketches and stores sections as a rebuild indexes them. Past the first batch (a big
    library) and with a second core, in a helper process while this one writes the index:
    a third off the time of a rebuild (24 s to 16 s at 50,000 sections). A helper that cannot start or dies changes nothing but
    the time: its work is done here."""

    _BATCH_CHARACTERS = 2_000_000  # text handed over at once
    _AHEAD = 3  # batches handed over and not yet stored: bounds the memory they hold

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._batch: list[tuple[int, str]] = []
        self._characters = 0
        self._pending: deque[tuple[Future, list[tuple[int, str]]]] = deque()
        self._pool: ProcessPoolExecutor | None = None
        self._may_start_helper = _cores() > 1

    def add(self, rows: Iterable[tuple[int, str]]) -> None:
        for rowid, body in rows:
            self._batch.append((rowid, body))
            self._characters += len(body)
        if self._characters >= self._BATCH_CHARACTERS:
            self._hand_over(last=False)

    def __enter__(self) -> Sketcher:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        """Every section sketched and stored; after an error, the helper stopped only."""
        try:
            if kind is None:
                self._hand_over(last=True)
                while self._pending:
                    self._store_oldest()
        finally:
            if self._pool is not None:
                self._pool.shutdown(cancel_futures=True)
                self._pool = None

    def _hand_over(self, last: bool) -> None:
        batch, self._batch, self._characters = self._batch, [], 0
        if not batch:
            return
        if self._may_start_helper and not last:
            self._may_start_helper = False
            try:
                self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
            except (OSError, ValueError):
                self._pool = None
        handed_over = False
        if self._pool is not None:
            try:
                self._pending.append((self._pool.submit(sketch_all, batch), batch))
                handed_over = True
            except (BrokenProcessPool, RuntimeError):
                self._pool = None
        if not handed_over:
            store_sketches(self._db, sketch_all(batch))
        while len(self._pending) > self._AHEAD:
            self._store_oldest()

    def _store_oldest(self) -> None:
        future, batch = self._pending.popleft()
        try:
            sketches = future.result()
        except (BrokenProcessPool, OSError):
            sketches = sketch_all(batch)
        store_sketches(self._db, sketches)


def _cores() -> int:
    """The cores this process may run on (fewer than the machine's in a container)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def pair_all(db: sqlite3.Connection) -> None:
    """The pairs and groups of an index whose sections are all sketched and none paired (a
    rebuild): the sections sharing a band key are compared, each bucket read in turn."""
    prints: dict[int, frozenset[int]] = {}

    def prints_of(rowid: int) -> frozenset[int]:
        if rowid not in prints:
            prints[rowid] = _stored_prints(db, rowid)
        return prints[rowid]

    pairs: set[tuple[int, int]] = set()
    buckets = db.execute(
        "SELECT group_concat(rowid) FROM section_bands GROUP BY band_key HAVING count(*) > 1"
    ).fetchall()
    for (members,) in buckets:
        rowids = sorted(int(r) for r in members.split(","))
        for i, a in enumerate(rowids):
            for b in rowids[i + 1 :]:
                if (a, b) not in pairs and alike(prints_of(a), prints_of(b)):
                    pairs.add((a, b))
    db.executemany("INSERT INTO duplicate_pairs VALUES (?, ?)", sorted(pairs))
    _group_anew(db, pairs)


def add_sections(db: sqlite3.Connection, rowids: Iterable[int]) -> None:
    """Sketch the given sections, keep the pairs of near-duplicates they make with each
    other and with the sections indexed before, and regroup those."""
    query = "SELECT s.rowid, t.body FROM sections s JOIN section_text t ON t.rowid = s.rowid WHERE s.kind = 'body'"
    wanted = list(rowids)
    rows: list[tuple[int, str]] = []
    for start in range(0, len(wanted), _BATCH):
        part = wanted[start : start + _BATCH]
        rows += db.execute(f"{query} AND s.rowid IN ({','.join('?' * len(part))})", part).fetchall()
    sketches = sketch_all(rows)
    new = {rowid: (frozenset(array("I", prints)), keys) for rowid, prints, keys in sketches}
    # Candidates: the new sections sharing a band key with each other (in memory), and those
    # indexed before that share one with a new section.
    candidates: set[tuple[int, int]] = set()
    buckets: dict[int, list[int]] = defaultdict(list)
    for rowid, (_, keys) in new.items():
        for key in keys:
            buckets[key].append(rowid)
    for rowids_alike in buckets.values():
        candidates |= {(a, b) for i, a in enumerate(rowids_alike) for b in rowids_alike[i + 1 :]}
    known: dict[int, frozenset[int]] = {rowid: prints for rowid, (prints, _) in new.items()}
    for rowid, (_, keys) in new.items():
        for (other,) in db.execute(
            f"SELECT DISTINCT rowid FROM section_bands WHERE band_key IN ({','.join('?' * len(keys))})", keys
        ):
            candidates.add((rowid, other))
            if other not in known:
                known[other] = _stored_prints(db, other)
    store_sketches(db, sketches)
    pairs = {(min(a, b), max(a, b)) for a, b in candidates if alike(known[a], known[b])}
    db.executemany("INSERT OR IGNORE INTO duplicate_pairs VALUES (?, ?)", sorted(pairs))
    _regroup(db, {rowid for pair in pairs for rowid in pair})


def remove_sections(db: sqlite3.Connection, rowids: Iterable[int]) -> None:
    """Forget sections (about to be deleted) and regroup the sections they were paired with."""
    gone = list(rowids)
    neighbours: set[int] = set()
    for start in range(0, len(gone), _BATCH):
        part = gone[start : start + _BATCH]
        marks = ",".join("?" * len(part))
        for a, b in db.execute(
            f"SELECT a, b FROM duplicate_pairs WHERE a IN ({marks}) OR b IN ({marks})", part * 2
        ):
            neighbours |= {a, b}
        db.execute(f"DELETE FROM duplicate_pairs WHERE a IN ({marks}) OR b IN ({marks})", part * 2)
        db.execute(f"DELETE FROM section_bands WHERE rowid IN ({marks})", part)
        db.execute(f"DELETE FROM section_prints WHERE rowid IN ({marks})", part)
        db.execute(f"UPDATE sections SET dup_group = NULL WHERE rowid IN ({marks})", part)
    _regroup(db, neighbours - set(gone))


def _stored_prints(db: sqlite3.Connection, rowid: int) -> frozenset[int]:
    (data,) = db.execute("SELECT prints FROM section_prints WHERE rowid = ?", (rowid,)).fetchone()
    return frozenset(array("I", data))


def _group_anew(db: sqlite3.Connection, pairs: set[tuple[int, int]]) -> None:
    """The groups of an index that had none: the connected sets of `pairs`, each named by
    its smallest rowid, as `_regroup` names them."""
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        high, low = sorted((root(a), root(b)), reverse=True)
        parent[high] = low  # the smaller rowid stays the root
    db.executemany("UPDATE sections SET dup_group = ? WHERE rowid = ?", ((root(r), r) for r in list(parent)))


def _regroup(db: sqlite3.Connection, seeds: set[int]) -> None:
    """The groups holding `seeds`, found again from the pairs: each connected set of two or
    more is named by its smallest rowid; a section left alone has none."""
    done: set[int] = set()
    for seed in sorted(seeds):
        if seed in done:
            continue
        component, frontier = {seed}, [seed]
        while frontier:
            current = frontier.pop()
            for (other,) in db.execute(
                "SELECT b FROM duplicate_pairs WHERE a = ? UNION SELECT a FROM duplicate_pairs WHERE b = ?",
                (current, current),
            ):
                if other not in component:
                    component.add(other)
                    frontier.append(other)
        done |= component
        group = min(component) if len(component) > 1 else None
        db.executemany("UPDATE sections SET dup_group = ? WHERE rowid = ?", ((group, r) for r in component))
