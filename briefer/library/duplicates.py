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

import random
import re
import sqlite3
import zlib
from array import array
from collections import defaultdict
from collections.abc import Iterable

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


def add_sections(db: sqlite3.Connection, rowids: Iterable[int] | None = None) -> None:
    """Fingerprint and band the given sections (every section when None), keep the pairs of
    near-duplicates they make with the sections indexed so far, and regroup."""
    query = "SELECT s.rowid, t.body FROM sections s JOIN section_text t ON t.rowid = s.rowid WHERE s.kind = 'body'"
    rows: Iterable[tuple[int, str]]
    if rowids is None:  # every section (a rebuild), read one by one: the bodies are not all held
        rows = db.execute(query)
    else:
        wanted = list(rowids)
        rows = []
        for start in range(0, len(wanted), _BATCH):
            part = wanted[start : start + _BATCH]
            rows += db.execute(f"{query} AND s.rowid IN ({','.join('?' * len(part))})", part).fetchall()
    first = db.execute("SELECT 1 FROM section_bands LIMIT 1").fetchone() is None  # nothing indexed yet
    new: dict[int, tuple[frozenset[int], list[int]]] = {}
    made: dict[int, tuple[int, ...]] = {}
    for rowid, body in rows:
        prints = fingerprints(body)
        if len(prints) < 2:
            continue
        new[rowid] = (prints, band_keys(prints, made))
    db.executemany(
        "INSERT INTO section_prints VALUES (?, ?)",
        ((rowid, array("I", sorted(prints)).tobytes()) for rowid, (prints, _) in new.items()),
    )
    db.executemany(
        "INSERT INTO section_bands VALUES (?, ?)",
        ((key, rowid) for rowid, (_, keys) in new.items() for key in keys),
    )
    # Candidates: the new sections sharing a band key with each other (in memory), and, when
    # the index held sections before, those of them sharing one with a new section.
    candidates: set[tuple[int, int]] = set()
    buckets: dict[int, list[int]] = defaultdict(list)
    for rowid, (_, keys) in new.items():
        for key in keys:
            buckets[key].append(rowid)
    for rowids_alike in buckets.values():
        candidates |= {(a, b) for i, a in enumerate(rowids_alike) for b in rowids_alike[i + 1 :]}
    known: dict[int, frozenset[int]] = {rowid: prints for rowid, (prints, _) in new.items()}
    if not first:
        for rowid, (_, keys) in new.items():
            for (other,) in db.execute(
                f"SELECT DISTINCT rowid FROM section_bands WHERE band_key IN ({','.join('?' * len(keys))})",
                keys,
            ):
                if other not in new:
                    candidates.add((rowid, other))
                    if other not in known:
                        known[other] = _stored_prints(db, other)
    pairs = {(min(a, b), max(a, b)) for a, b in candidates if alike(known[a], known[b])}
    db.executemany("INSERT OR IGNORE INTO duplicate_pairs VALUES (?, ?)", sorted(pairs))
    if first:  # no group exists yet: all of them from these pairs at once
        _group_anew(db, pairs)
    else:
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
