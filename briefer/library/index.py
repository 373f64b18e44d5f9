"""The search index: an SQLite file beside the TinyDB files, derived from them only.

It answers every read of the library fast at any size: filtered, ranked full-text search
(FTS5, BM25, snippets), facet counts, near-duplicate groups, and single sections and
meetings without parsing the TinyDB files. It records the signatures of the TinyDB files
it was built from; when they differ it is brought up to date (edits alone are replayed;
new or changed documents are re-indexed), and when it is missing or damaged it is built
again. It is never the other way round: nothing in it is the only copy of anything.

Where SQLite lacks FTS5, the same queries run on a plain table of normalised text with
LIKE, unranked: slower and without word forms, but the same answers otherwise.
"""

from __future__ import annotations

import json
import os
import sqlite3
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefer.atomic import partial_name
from briefer.errors import LibraryError
from briefer.ingest.gaps import debris_gaps
from briefer.library import duplicates, spelling
from briefer.library.models import MEETING_FIELDS, Meeting, Section, Table, ThemeTag
from briefer.library.pieces import Piece
from briefer.library.query import match_pattern, parse_query
from briefer.library.search_sql import SectionFilter, filter_sql, fold, plain_match

INDEX_FILE = "index.sqlite3"
INDEX_VERSION = "5"  # 5: one document file each (pieces.py)


def fts5_available() -> bool:
    try:
        connection = sqlite3.connect(":memory:")
        connection.execute("CREATE VIRTUAL TABLE probe USING fts5(text)")
        connection.close()
        return True
    except sqlite3.OperationalError:
        return False


@dataclass(slots=True)
class Hit:
    section: Section
    score: float | None  # BM25, higher is better; None without a query
    snippet: str  # a short extract; `highlights` are the spans of matched words in it
    highlights: list[tuple[int, int]]
    duplicates: list[str]  # ids of sections with the same or nearly the same text


@dataclass(slots=True)
class SearchResult:
    hits: list[Hit]
    total: int
    theme_counts: dict[str, int]
    meeting_counts: dict[str, int]


_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE documents (id TEXT PRIMARY KEY, key TEXT, sha256 TEXT, data TEXT NOT NULL);
CREATE INDEX documents_sha256 ON documents(sha256);
CREATE TABLE pieces (name TEXT PRIMARY KEY, document_id TEXT NOT NULL, signature TEXT, digest TEXT);
CREATE INDEX pieces_document ON pieces(document_id);
CREATE TABLE meetings (
    id TEXT PRIMARY KEY, document_id TEXT NOT NULL, data TEXT NOT NULL, edit TEXT,
    start_date TEXT, end_date TEXT, country TEXT, organizers TEXT
);
CREATE TABLE sections (
    rowid INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, meeting_id TEXT NOT NULL,
    document_id TEXT NOT NULL, ordinal INTEGER NOT NULL, position TEXT NOT NULL DEFAULT '',
    level INTEGER NOT NULL, kind TEXT NOT NULL, themes INTEGER NOT NULL DEFAULT 0, dup_group INTEGER
);
CREATE INDEX sections_meeting ON sections(meeting_id);
CREATE INDEX sections_document ON sections(document_id);
CREATE INDEX sections_position ON sections(position);
CREATE INDEX sections_duplicates ON sections(dup_group);
CREATE TABLE section_data (rowid INTEGER PRIMARY KEY, data TEXT NOT NULL, edit TEXT);
CREATE TABLE theme_bits (theme TEXT PRIMARY KEY, bit INTEGER UNIQUE NOT NULL);
CREATE TABLE not_duplicates (a TEXT NOT NULL, b TEXT NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID;
"""
_FTS_SCHEMA = (
    "CREATE VIRTUAL TABLE section_text USING fts5(heading, body, "
    "tokenize = 'porter unicode61 remove_diacritics 2')"
)
_PLAIN_SCHEMA = "CREATE TABLE section_text (rowid INTEGER PRIMARY KEY, heading TEXT, body TEXT, folded TEXT)"


class SearchIndex:
    """One index file, or a copy in memory when the file cannot serve (`use_memory`). All
    access on the thread that made it (the library's worker)."""

    # The methods that change the index (all others only read it): brought up to date
    # from the library's files, an index has their effect already.
    WRITES = frozenset(
        {
            "rebuild",
            "replace_documents",
            "set_piece_signatures",
            "apply_user",
            "set_section_edit",
            "set_meeting_edit",
            "set_not_duplicates",
            "set_stamp",
            "discard",
            "close",
            "use_memory",
        }
    )

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fts = fts5_available()
        self.in_memory = False
        self._db: sqlite3.Connection | None = None
        self._bits: tuple[sqlite3.Connection, dict[str, int]] | None = None

    # --- the file ------------------------------------------------------------------------------

    def _connect(self, path: Path) -> sqlite3.Connection:
        if self.in_memory:
            return sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        connection = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute("PRAGMA temp_store = MEMORY")
        connection.execute("PRAGMA cache_size = -65536")  # 64 MB of pages
        return connection

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = self._connect(self.path)
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        self._bits = None

    def use_memory(self, copy_file: bool) -> None:
        """Go on with an index in memory, for this process: the file cannot be written (a
        read-only folder, a full disk) or is damaged. `copy_file`: start from a copy of the
        file when it can be read (brought up to date from the library's files after)."""
        self.close()
        self.in_memory = True
        self._db = self._connect(self.path)
        if not copy_file:
            return
        try:
            with closing(sqlite3.connect(f"{self.path.resolve().as_uri()}?immutable=1", uri=True)) as old:
                old.backup(self._db)
        except (sqlite3.DatabaseError, OSError, ValueError):
            self.close()
            self._db = self._connect(self.path)

    def stamp(self) -> dict[str, str]:
        """The signatures this index was built from; {} when it is missing or damaged."""
        if not self.in_memory and not self.path.exists():
            return {}
        try:
            rows = self.db.execute("SELECT key, value FROM meta").fetchall()
        except sqlite3.DatabaseError:
            self.discard()
            return {}
        stamp = dict(rows)
        if stamp.get("version") != INDEX_VERSION or stamp.get("fts") != str(self.fts):
            return {}
        return stamp

    def set_stamp(self, **values: str) -> None:
        self.db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", values.items())

    def discard(self) -> None:
        """Forget a damaged or outdated index: it is built again from the library."""
        self.close()
        if self.in_memory:
            return
        for suffix in ("", "-wal", "-shm"):
            try:
                os.unlink(f"{self.path}{suffix}")
            except FileNotFoundError:
                pass

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    # --- building ------------------------------------------------------------------------------

    def rebuild(
        self,
        pieces: Iterable[Piece],
        user: dict[str, list[dict]],
        stamp: dict[str, str],
        progress: Callable[[int], None] | None = None,
    ) -> None:
        """Build the whole index into a new file, one document at a time (its memory is that
        of one document and the near-duplicate signatures), then swap it in. `progress(n)`
        after each document."""
        self.close()
        if self.in_memory:
            connection = self._db = self._connect(self.path)
        else:
            building = partial_name(self.path)  # a killed rebuild leaves it: the next open removes it
            remove_database(building)
            connection = sqlite3.connect(str(building), isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode = OFF")
            connection.execute("PRAGMA synchronous = OFF")
            connection.executescript(_SCHEMA + duplicates.SCHEMA)
            connection.execute(_FTS_SCHEMA if self.fts else _PLAIN_SCHEMA)
            if self.fts:
                _gather_terms_longer(connection)
            connection.execute("BEGIN")
            edits = _Edits(user)
            with duplicates.Sketcher(connection) as sketcher:
                for done, piece in enumerate(pieces, 1):
                    rowids = self._insert(connection, piece, edits)
                    sketcher.add(
                        (rowid, record["text"])
                        for rowid, record in zip(rowids, piece.sections, strict=True)
                        if record["kind"] == "body"
                    )
                    if progress is not None:
                        progress(done)
            _set_not_duplicates(connection, user.get("not_duplicates", []))
            duplicates.pair_all(connection)
            connection.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                {**stamp, "version": INDEX_VERSION, "fts": str(self.fts)}.items(),
            )
            connection.execute("COMMIT")
        except BaseException:
            self.close()
            if not self.in_memory:
                connection.close()
                remove_database(building)  # (a full disk: its space back)
            raise
        if self.in_memory:
            return
        connection.close()
        os.replace(building, self.path)
        for suffix in ("-wal", "-shm"):
            try:
                os.unlink(f"{self.path}{suffix}")
            except FileNotFoundError:
                pass

    def replace_documents(
        self,
        removed: Iterable[str],
        pieces: list[Piece],
        user: dict[str, list[dict]],
        stamp: dict[str, str],
    ) -> None:
        """Re-index some documents (removed, new or changed) without touching the others:
        the cost is that of these documents, whatever the size of the library."""
        with self.transaction() as db:
            for document_id in set(removed) | {piece.document["id"] for piece in pieces}:
                rowids = [
                    r
                    for (r,) in db.execute("SELECT rowid FROM sections WHERE document_id = ?", (document_id,))
                ]
                duplicates.remove_sections(db, rowids)
                db.executemany("DELETE FROM section_text WHERE rowid = ?", ((r,) for r in rowids))
                db.executemany("DELETE FROM section_data WHERE rowid = ?", ((r,) for r in rowids))
                db.execute("DELETE FROM sections WHERE document_id = ?", (document_id,))
                db.execute("DELETE FROM meetings WHERE document_id = ?", (document_id,))
                db.execute("DELETE FROM documents WHERE id = ?", (document_id,))
                db.execute("DELETE FROM pieces WHERE document_id = ?", (document_id,))
            edits = _Edits(user)
            added: list[int] = []
            for piece in pieces:
                added += self._insert(db, piece, edits)
            duplicates.add_sections(db, added)
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", stamp.items())

    def _insert(self, db: sqlite3.Connection, piece: Piece, edits: _Edits) -> list[int]:
        """One document's rows, with the user's edits of them; the new sections' rowids."""
        document = piece.document
        db.execute(
            "INSERT INTO documents VALUES (?, ?, ?, ?)",
            (document["id"], document.get("key"), document.get("sha256"), _dump(document)),
        )
        if piece.name:
            db.execute(
                "INSERT OR REPLACE INTO pieces VALUES (?, ?, ?, ?)",
                (piece.name, document["id"], piece.signature, piece.digest),
            )
        places = {}
        for record in piece.meetings:
            edit = edits.meetings.get(record["id"])
            meeting = meeting_from_record(record, edit)
            db.execute(
                "INSERT INTO meetings (id, document_id, data, edit, start_date, end_date, country, organizers) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (record["id"], record["document_id"], _dump(record), _dump(edit) if edit else None)
                + _meeting_columns(meeting),
            )
            places[record["id"]] = _place(meeting.start_date)
        cursor = db.cursor()
        rowids = []
        for record in piece.sections:  # each row written once, with its edit
            base = {key: value for key, value in record.items() if key != "text"}
            edit = edits.sections.get(record["id"])
            cursor.execute(
                "INSERT INTO sections (id, meeting_id, document_id, ordinal, position, level, kind, themes) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record["id"],
                    record["meeting_id"],
                    record["document_id"],
                    record["ordinal"],
                    _position(places[record["meeting_id"]], record["document_id"], record["ordinal"]),
                    record["level"],
                    record["kind"],
                    self._mask(db, [tag.id for tag in _effective_themes(base, edit)]),
                ),
            )
            rowid = cursor.lastrowid
            rowids.append(rowid)
            cursor.execute(
                "INSERT INTO section_data (rowid, data, edit) VALUES (?, ?, ?)",
                (rowid, _dump(base), _dump(edit) if edit else None),
            )
            self._set_text(cursor, rowid, (edit or {}).get("heading") or record["heading"], record["text"])
        return rowids

    def _set_text(self, cursor: sqlite3.Cursor, rowid: int, heading: str, body: str) -> None:
        if self.fts:
            cursor.execute(
                "INSERT INTO section_text (rowid, heading, body) VALUES (?, ?, ?)", (rowid, heading, body)
            )
        else:
            cursor.execute(
                "INSERT INTO section_text (rowid, heading, body, folded) VALUES (?, ?, ?, ?)",
                (rowid, heading, body, fold(f"{heading}\n{body}")),
            )

    # --- the files it was built from ------------------------------------------------------------

    def pieces(self) -> dict[str, tuple[str, str, str]]:
        """Each document file indexed: name -> (document id, signature, digest)."""
        return {
            name: (doc, sig, digest) for name, doc, sig, digest in self.db.execute("SELECT * FROM pieces")
        }

    def set_piece_signatures(self, signatures: dict[str, str], stamp: dict[str, str]) -> None:
        """The same files under new signatures (a copied or restored folder)."""
        with self.transaction() as db:
            db.executemany(
                "UPDATE pieces SET signature = ? WHERE name = ?", ((s, n) for n, s in signatures.items())
            )
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", stamp.items())

    def document(self, document_id: str) -> dict | None:
        row = self.db.execute("SELECT data FROM documents WHERE id = ?", (document_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def document_with_content(self, sha256: str) -> dict | None:
        row = self.db.execute("SELECT data FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
        return json.loads(row[0]) if row else None

    def id_taken(self, record_id: str, document_id: str) -> bool:
        """Whether a meeting or section of another document has this id."""
        row = self.db.execute(
            "SELECT 1 FROM meetings WHERE id = ? AND document_id != ? "
            "UNION ALL SELECT 1 FROM sections WHERE id = ? AND document_id != ? LIMIT 1",
            (record_id, document_id, record_id, document_id),
        ).fetchone()
        return row is not None

    def ids_in_use(self) -> set[str]:
        """Every meeting and section id (an archive's records must not take one)."""
        rows = self.db.execute("SELECT id FROM meetings UNION ALL SELECT id FROM sections")
        return {r for (r,) in rows}

    # --- the user's edits ---------------------------------------------------------------------

    def apply_user(self, user: dict[str, list[dict]], stamp: dict[str, str]) -> None:
        """Replay the user's edits (another process changed them): those there are, and
        those there were (now undone)."""
        with self.transaction() as db:
            edits = _Edits(user)
            sections = {
                r
                for (r,) in db.execute(
                    "SELECT s.id FROM sections s JOIN section_data d "
                    "ON d.rowid = s.rowid WHERE d.edit IS NOT NULL"
                )
            }
            for section_id in sections | set(edits.sections):
                self._set_section_edit(db, section_id, edits.sections.get(section_id))
            meetings = {r for (r,) in db.execute("SELECT id FROM meetings WHERE edit IS NOT NULL")}
            for meeting_id in meetings | set(edits.meetings):
                self._set_meeting_edit(db, meeting_id, edits.meetings.get(meeting_id))
            _set_not_duplicates(db, user.get("not_duplicates", []))
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", stamp.items())

    def set_section_edit(self, section_id: str, edit: dict | None, stamp: dict[str, str]) -> None:
        with self.transaction() as db:
            self._set_section_edit(db, section_id, edit)
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", stamp.items())

    def _set_section_edit(self, db: sqlite3.Connection, section_id: str, edit: dict | None) -> None:
        """A section's edit, and what it changes: its themes' bits, its heading's words."""
        row = db.execute(
            "SELECT s.rowid, d.data FROM sections s JOIN section_data d ON d.rowid = s.rowid WHERE s.id = ?",
            (section_id,),
        ).fetchone()
        if row is None:
            return  # an edit of a section no longer in its document: kept in user.json only
        rowid, data = row
        base = json.loads(data)
        db.execute("UPDATE section_data SET edit = ? WHERE rowid = ?", (_dump(edit) if edit else None, rowid))
        themes = [tag.id for tag in _effective_themes(base, edit)]
        db.execute("UPDATE sections SET themes = ? WHERE rowid = ?", (self._mask(db, themes), rowid))
        heading = (edit or {}).get("heading") or base["heading"]
        if self.fts:
            body = db.execute("SELECT body FROM section_text WHERE rowid = ?", (rowid,)).fetchone()[0]
            db.execute("DELETE FROM section_text WHERE rowid = ?", (rowid,))
            self._set_text(db.cursor(), rowid, heading, body)
        else:
            db.execute(
                "UPDATE section_text SET heading = ?, folded = ? || body WHERE rowid = ?",
                (heading, fold(heading), rowid),
            )

    def set_meeting_edit(self, meeting_id: str, edit: dict | None, stamp: dict[str, str]) -> None:
        with self.transaction() as db:
            self._set_meeting_edit(db, meeting_id, edit)
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", stamp.items())

    def _set_meeting_edit(self, db: sqlite3.Connection, meeting_id: str, edit: dict | None) -> None:
        """A meeting's edit, its filter columns, and its sections' places in the reading order."""
        row = db.execute("SELECT data FROM meetings WHERE id = ?", (meeting_id,)).fetchone()
        if row is None:
            return
        meeting = meeting_from_record(json.loads(row[0]), edit)
        db.execute(
            "UPDATE meetings SET edit = ?, start_date = ?, end_date = ?, country = ?, organizers = ? WHERE id = ?",
            (_dump(edit) if edit else None, *_meeting_columns(meeting), meeting_id),
        )
        place = _place(meeting.start_date)
        rows = db.execute(
            "SELECT rowid, document_id, ordinal FROM sections WHERE meeting_id = ?", (meeting_id,)
        )
        db.executemany(
            "UPDATE sections SET position = ? WHERE rowid = ?",
            [(_position(place, document_id, ordinal), rowid) for rowid, document_id, ordinal in rows],
        )

    def set_not_duplicates(self, marks: list[dict], stamp: dict[str, str]) -> None:
        with self.transaction() as db:
            _set_not_duplicates(db, marks)
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", stamp.items())

    def theme_bits(self, db: sqlite3.Connection | None = None) -> dict[str, int]:
        """theme -> its bit in sections.themes (read once per connection)."""
        db = db or self.db
        if self._bits is None or self._bits[0] is not db:
            self._bits = (db, dict(db.execute("SELECT theme, bit FROM theme_bits")))
        return self._bits[1]

    def _mask(self, db: sqlite3.Connection | None, themes: Iterable[str]) -> int:
        """The bit mask of themes; with `db` (writing), a theme not seen before gets a bit."""
        bits = self.theme_bits(db)
        mask = 0
        for theme in themes:
            if theme not in bits and db is not None:
                bits[theme] = max(bits.values(), default=-1) + 1
                if bits[theme] > 62:
                    raise LibraryError(
                        f"{self.path}: the sections bring more than 63 themes, the most a library "
                        "holds; tag sections with the themes 'briefer themes' lists"
                    )
                db.execute("INSERT INTO theme_bits VALUES (?, ?)", (theme, bits[theme]))
            if theme in bits:
                mask |= 1 << bits[theme]
        return mask

    # --- reading -------------------------------------------------------------------------------

    def documents(self) -> list[dict]:
        return [json.loads(data) for (data,) in self.db.execute("SELECT data FROM documents ORDER BY id")]

    def document_count(self) -> int:
        return self.db.execute("SELECT count(*) FROM documents").fetchone()[0]

    def meetings(self) -> list[Meeting]:
        rows = self.db.execute("SELECT data, edit FROM meetings").fetchall()
        return [
            meeting_from_record(json.loads(data), json.loads(edit) if edit else None) for data, edit in rows
        ]

    def meeting(self, meeting_id: str) -> Meeting | None:
        row = self.db.execute("SELECT data, edit FROM meetings WHERE id = ?", (meeting_id,)).fetchone()
        return (
            meeting_from_record(json.loads(row[0]), json.loads(row[1]) if row[1] else None) if row else None
        )

    def meeting_record(self, meeting_id: str) -> dict | None:
        row = self.db.execute("SELECT data FROM meetings WHERE id = ?", (meeting_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def section(self, section_id: str) -> Section | None:
        row = self.db.execute(
            "SELECT d.data, d.edit, t.body FROM sections s JOIN section_data d ON d.rowid = s.rowid "
            "JOIN section_text t ON t.rowid = s.rowid WHERE s.id = ?",
            (section_id,),
        ).fetchone()
        return section_from_row(row[0], row[1], row[2]) if row else None

    def section_record(self, section_id: str) -> dict | None:
        row = self.db.execute(
            "SELECT d.data FROM sections s JOIN section_data d ON d.rowid = s.rowid WHERE s.id = ?",
            (section_id,),
        ).fetchone()
        return json.loads(row[0]) if row else None

    def section_ids_of(self, document_id: str) -> list[str]:
        return [
            r for (r,) in self.db.execute("SELECT id FROM sections WHERE document_id = ?", (document_id,))
        ]

    def duplicates_of(self, section_id: str) -> list[str]:
        return self._duplicates([section_id]).get(section_id, [])

    def search(
        self, filters: SectionFilter, limit: int | None = None, offset: int = 0, facets: bool = True
    ) -> SearchResult:
        """Sections matching the filters and the query, best first, with facet counts."""
        db = self.db
        query = parse_query(filters.query or "")
        where, params = filter_sql(filters, self.theme_bits())
        ranked = not query.empty and bool(query.include)
        scored = ranked and limit != 0  # counts alone need no ranking
        if ranked and self.fts:
            source = "section_text JOIN sections s ON s.rowid = section_text.rowid"
            where.insert(0, "section_text MATCH ?")
            params.insert(0, query.match_expression())
            # BM25, heading words weigh four times
            score = "-bm25(section_text, 4.0, 1.0)" if scored else "NULL"
        else:
            source = "sections s"
            score = "NULL"
            if not query.empty and self.fts:  # exclusions only: "-smuggling"
                where.append("s.rowid NOT IN (SELECT rowid FROM section_text WHERE section_text MATCH ?)")
                params.append(query.exclusion_expression())
            elif not query.empty:
                clause, clause_params = plain_match(query)
                where.append(clause)
                params.extend(clause_params)
        condition = " AND ".join(where) or "1"
        db.execute("DROP TABLE IF EXISTS temp.hits")
        db.execute(
            f"CREATE TEMP TABLE hits AS SELECT s.rowid AS rowid, {score} AS score, s.position AS position, "
            f"s.meeting_id AS meeting_id, s.themes AS themes FROM {source} WHERE {condition}",
            params,
        )
        order = "h.score DESC, h.position" if ranked and self.fts else "h.position"
        total = db.execute("SELECT count(*) FROM temp.hits").fetchone()[0]
        theme_counts: dict[str, int] = {}
        meeting_counts: dict[str, int] = {}
        if facets:  # from the hits alone: per distinct theme mask (few), and per meeting
            by_mask = db.execute("SELECT themes, count(*) FROM temp.hits GROUP BY themes").fetchall()
            for theme, bit in self.theme_bits().items():
                count = sum(n for mask, n in by_mask if mask and mask >> bit & 1)
                if count:
                    theme_counts[theme] = count
            meeting_counts = dict(
                db.execute("SELECT meeting_id, count(*) FROM temp.hits GROUP BY meeting_id")
            )
        # The page first, from the hits alone; then its sections, one by one by rowid (a join
        # of every hit with the text table before sorting costs seconds at 50,000).
        page = f"LIMIT {_row_count(limit)} OFFSET {_row_count(offset)}" if limit is not None else ""
        chosen = db.execute(f"SELECT h.rowid, h.score FROM temp.hits h ORDER BY {order} {page}").fetchall()
        rows = []
        for rowid, score_value in chosen:
            section_id, data, edit, body = db.execute(
                "SELECT s.id, d.data, d.edit, t.body FROM sections s, section_data d, section_text t "
                "WHERE s.rowid = ? AND d.rowid = s.rowid AND t.rowid = s.rowid",
                (rowid,),
            ).fetchone()
            rows.append((section_id, data, edit, body, score_value))
        duplicates = self._duplicates([row[0] for row in rows])
        hits = []
        for section_id, data, edit, body, score_value in rows:
            text, highlights = _snippet(body, query.terms)
            hits.append(
                Hit(
                    section_from_row(data, edit, body),
                    round(score_value, 4) if score_value is not None else None,
                    text,
                    highlights,
                    duplicates.get(section_id, []),
                )
            )
        return SearchResult(hits, total, theme_counts, meeting_counts)

    def suggest(self, query: str) -> str | None:
        """The query with its misspelt words corrected ("Did you mean …?"), or None."""
        return spelling.suggest(self.db, query) if self.fts else None

    def _duplicates(self, section_ids: list[str]) -> dict[str, list[str]]:
        if not section_ids:
            return {}
        marks = ",".join("?" * len(section_ids))
        rows = self.db.execute(
            f"SELECT a.id, b.id FROM sections a JOIN sections b ON a.dup_group = b.dup_group AND a.rowid != b.rowid "
            f"WHERE a.id IN ({marks}) AND a.dup_group IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM not_duplicates n WHERE n.a = a.id AND n.b = b.id) "
            "ORDER BY b.position",
            section_ids,
        ).fetchall()
        found: dict[str, list[str]] = defaultdict(list)
        for a, b in rows:
            found[a].append(b)
        return found


# --- helpers ---------------------------------------------------------------------------------


def _row_count(value: int) -> int:
    """A LIMIT or OFFSET SQLite takes (a signed 64-bit integer), however large the ask."""
    return max(0, min(int(value), 2**62))


def remove_database(path: Path) -> None:
    """An SQLite file and its journals, where they can be removed."""
    for suffix in ("", "-wal", "-shm"):
        with suppress(OSError):
            os.unlink(f"{path}{suffix}")


def _gather_terms_longer(db: sqlite3.Connection) -> None:
    """FTS5 gathers the terms of 32 MB of text before each write, not 1 MB: a rebuild a third
    faster. An SQLite without the option keeps its default."""
    try:
        db.execute("INSERT INTO section_text (section_text, rank) VALUES ('hashsize', 33554432)")
    except sqlite3.OperationalError:
        pass


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _pair(a: str, b: str) -> list[tuple[str, str]]:
    return [(a, b), (b, a)]


def _snippet(
    body: str, terms: list[tuple[tuple[str, ...], bool]], width: int = 240
) -> tuple[str, list[tuple[int, int]]]:
    """A short extract around the densest cluster of matched terms, and where they are.

    Made here rather than by FTS5's snippet(), which evaluates the whole query again for
    every section of the page (tens of ms for a common word at 50,000 sections). Terms
    match as the index matches them, near enough for marking (`query.match_pattern`).
    """
    found = matches(body, terms)
    start = 0
    if found:  # the window that holds the most different matched words
        best = max(
            range(len(found)),
            key=lambda i: (len({w for s, e, w in found[i:] if e <= found[i][0] + width - 40}), -i),
        )
        start = max(0, found[best][0] - 40)
        space = body.rfind(" ", 0, start + 1)  # begin on a word
        start = space + 1 if start and space >= 0 and start - space < 20 else start
    end = min(len(body), start + width)
    if end < len(body):
        space = body.rfind(" ", start, end)
        end = space if space > start + width // 2 else end
    prefix, suffix = ("…" if start else ""), ("…" if end < len(body) else "")
    spans = [
        (s - start + len(prefix), e - start + len(prefix)) for s, e, _ in found if s >= start and e <= end
    ]
    return prefix + body[start:end] + suffix, spans


def matches(text: str, terms: list[tuple[tuple[str, ...], bool]]) -> list[tuple[int, int, str]]:
    """Where a query's terms are in `text`: (start, end, what matched, folded)."""
    pattern = match_pattern(terms)
    if pattern is None:
        return []
    return [(m.start(), m.end(), m.group()) for m in pattern.finditer(_fold_keep_length(text))]


def _fold_keep_length(text: str) -> str:
    """Accents off and lower case, character by character, so offsets stay those of the
    original text."""
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD_TABLE)


class _FoldTable(dict):
    """str.translate table: each character to its first decomposed character, lower case."""

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(code))
        folded = (decomposed[0] if decomposed else chr(code)).lower()
        self[code] = folded = folded if len(folded) == 1 else chr(code)
        return folded


_FOLD_TABLE = _FoldTable()


def _effective_themes(base: dict, edit: dict | None) -> list[ThemeTag]:
    edit = edit or {}
    removed = set(edit.get("themes_removed", []))
    tags = [ThemeTag(t["id"], list(t["evidence"])) for t in base["themes"] if t["id"] not in removed]
    tags += [ThemeTag(t, [], by_user=True) for t in edit.get("themes_added", [])]
    return tags


def section_from_row(data: str, edit: str | None, body: str) -> Section:
    base = json.loads(data)
    changes = json.loads(edit) if edit else {}
    source = base["source"]
    return Section(
        id=base["id"],
        meeting_id=base["meeting_id"],
        level=base["level"],
        heading=changes.get("heading") or base["heading"],
        title=base["title"],
        number=base["number"],
        path=list(base["path"]),
        kind=base["kind"],
        text=body,
        paragraph_numbers=list(base["paragraph_numbers"]),
        notes=[dict(n) for n in base["notes"]],
        themes=_effective_themes(base, changes),
        source_file=source["file"],
        line_start=source["line_start"],
        line_end=source["line_end"],
        page_start=source["page_start"],
        page_end=source["page_end"],
        note=changes.get("note", ""),
        ordinal=base["ordinal"],
        tables=[Table.from_json(table) for table in base.get("tables", [])],
        gaps=stored_gaps(base, body),
        paragraph_pages=list(base.get("paragraph_pages", [])),
    )


def stored_gaps(base: dict, body: str) -> list[tuple[int, int, int]]:
    """Where a section's source lost text. A section ingested before gaps were kept has only
    its text's debris marks to show it (outside its tables): those are its gaps."""
    if "gaps" in base:
        return [(paragraph, offset, length) for paragraph, offset, length in base["gaps"]]
    tables = {table["paragraph"] for table in base.get("tables", [])}
    return [gap for gap in debris_gaps(body.split("\n\n")) if gap[0] not in tables]


def meeting_from_record(record: dict, edit: dict | None) -> Meeting:
    fields = {name: record.get(name) for name in MEETING_FIELDS}
    fields["organizers"] = list(fields["organizers"] or [])
    edited = []
    for name, value in ((edit or {}).get("fields") or {}).items():
        fields[name] = value
        edited.append(name)
    return Meeting(
        id=record["id"],
        document_id=record["document_id"],
        source_file=record["source"]["file"],
        line_start=record["source"]["line_start"],
        line_end=record["source"]["line_end"],
        evidence=dict(record.get("evidence", {})),
        edited=edited,
        **fields,
    )


def _meeting_columns(meeting: Meeting) -> tuple:
    """start_date, end_date, country, organizers: what the filters compare."""
    return (
        meeting.start_date,
        meeting.end_date or meeting.start_date,
        (meeting.country or "").casefold() or None,
        " | ".join(meeting.organizers).casefold(),
    )


def _place(start_date: str | None) -> str:
    return f"0{start_date}" if start_date else "1"


def _position(place: str, document_id: str, ordinal: int) -> str:
    """A section's key in the library's reading order: by meeting date (undated last), then
    document order."""
    return f"{place}|{document_id}|{ordinal:08d}"


class _Edits:
    """The user's section and meeting edits, by id."""

    def __init__(self, user: dict[str, list[dict]]) -> None:
        self.sections = {e["section_id"]: e for e in user.get("section_edits", [])}
        self.meetings = {e["meeting_id"]: e for e in user.get("meeting_edits", [])}


def _set_not_duplicates(db: sqlite3.Connection, marks: list[dict]) -> None:
    db.execute("DELETE FROM not_duplicates")
    db.executemany(
        "INSERT OR IGNORE INTO not_duplicates VALUES (?, ?)",
        ((a, b) for mark in marks for a, b in _pair(mark["a"], mark["b"])),
    )
