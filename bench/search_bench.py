"""Search at scale: libraries of 1,000, 10,000 and 50,000 sections, side by side with plain
TinyDB queries over the same data as the baseline.

Run from the repository: `.venv/bin/python -m bench.search_bench [--sizes 1000 10000 50000]`.
For each size it reports open-to-first-result (a new process, index up to date), the
time to build the index from scratch, 50 varied filtered full-text queries with facet
counts (median and 95th percentile), facet counts alone, saving one user edit, and the
peak memory of the process that opens, searches and edits. Goals at 50,000 sections: a
query with facets under 50 ms at p95, an edit under 100 ms, open-to-first-result under
2 s, peak memory under 1.5 GB.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

from bench.library_gen import generate

QUERIES = [
    ("remittance costs", {}),
    ("trafficking -smuggling", {}),
    ("", {"themes": ["human_rights"], "date_from": "2005-01-01"}),
    ('"human rights"', {"themes": ["labour_migration"]}),
    ("diaspora*", {}),
    ("brain drain health workers", {}),
    ("climate environment", {"date_from": "2010-01-01"}),
    ("irregular migration regularization", {"themes": ["irregular_migration"]}),
    ("data census", {"country": "Switzerland"}),
    ("integration xenophobia", {"organizer": "iom"}),
    ("women domestic workers", {"themes": ["gender"]}),
    ("return reintegration", {"date_from": "2000-01-01", "date_to": "2010-12-31"}),
    ("children -trafficking", {}),
    ("capacity building training", {}),
    ('"Global Forum"', {}),
    ("GATS mode", {}),
    ("refugees asylum", {"themes": ["refugees_asylum", "human_rights"], "all_themes": True}),
    ("", {"themes": ["remittances", "diaspora"]}),
    ("south-south", {}),
    ("development", {"levels": [1]}),
]


def _queries() -> list[tuple[str, dict]]:
    """50 varied queries: the list above, then again with other filters."""
    out = list(QUERIES)
    extra = [{"date_from": "2015-01-01"}, {"country": "Thailand"}, {"themes": ["governance_cooperation"]}]
    for index, (query, filters) in enumerate(QUERIES + QUERIES):
        if len(out) == 50:
            break
        out.append((query, {**filters, **extra[index % len(extra)]}))
    return out


# The peak resident memory of this process alone. (ru_maxrss is no good in a child: Linux
# carries the parent's peak over fork and exec.)
PEAK = r"""
def peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
"""

BUILD = (
    PEAK
    + r"""
import json, sys, time
from pathlib import Path
from briefer.library import Library
start = time.perf_counter()
Library.open(Path(sys.argv[1]))  # the index is missing: built from the TinyDB files
print(json.dumps({"build": time.perf_counter() - start, "peak_mb": peak_mb()}))
"""
)

PROBE = (
    PEAK
    + r"""
import json, statistics, sys, time
start = time.perf_counter()
from pathlib import Path
from briefer.library import Library, SectionFilter
library = Library.open(Path(sys.argv[1]))
first = library.search(SectionFilter(), limit=50)
opened = time.perf_counter() - start
queries = json.loads(sys.argv[2])
times = []
for text, filters in queries:
    t = time.perf_counter()
    library.search(SectionFilter(query=text or None, **filters), limit=50)
    times.append(time.perf_counter() - t)
facets = []
for text, filters in queries[:20]:
    t = time.perf_counter()
    library.search(SectionFilter(query=text or None, **filters), limit=0)
    facets.append(time.perf_counter() - t)
section = first.hits[0].section.id
edits = []
for i in range(10):
    t = time.perf_counter()
    library.set_section_note(section, f"note {i}")
    edits.append(time.perf_counter() - t)
print(json.dumps({
    "open": opened, "times": times, "facets": facets, "edits": edits,
    "peak_mb": peak_mb(),
}))
"""
)

BASELINE = (
    PEAK
    + r"""
import json, re, statistics, sys, time
from collections import Counter
from pathlib import Path
start = time.perf_counter()
from tinydb import TinyDB, Query
from tinydb.storages import MemoryStorage
db = TinyDB(storage=MemoryStorage)  # every document's file read into one TinyDB, as a plain store would
sections, meetings = db.table("sections"), db.table("meetings")
for path in sorted(Path(sys.argv[1], "documents").glob("*.json")):
    piece = TinyDB(path)
    sections.insert_multiple(dict(r) for r in piece.table("sections").all())
    meetings.insert_multiple(dict(r) for r in piece.table("meetings").all())
    piece.close()
meeting_of = {m["id"]: m for m in meetings.all()}
first = sections.all()[:50]
opened = time.perf_counter() - start
queries = json.loads(sys.argv[2])
times = []
S = Query()
for text, filters in queries:
    t = time.perf_counter()
    words = [w for w in re.findall(r"[\w*]+", text) if not text.count("-" + w)]
    test = None
    for word in words:
        pattern = re.compile(r"\b" + re.escape(word.rstrip("*")), re.IGNORECASE)
        clause = S.text.test(lambda value, p=pattern: bool(p.search(value)))
        test = clause if test is None else test & clause
    themes = filters.get("themes")
    if themes:
        clause = S.themes.test(lambda ts, wanted=set(themes): bool(wanted & {x["id"] for x in ts}))
        test = clause if test is None else test & clause
    found = sections.search(test) if test is not None else sections.all()
    if "date_from" in filters:
        found = [s for s in found if (meeting_of[s["meeting_id"]]["start_date"] or "") >= filters["date_from"]]
    Counter(t["id"] for s in found for t in s["themes"])
    Counter(s["meeting_id"] for s in found)
    times.append(time.perf_counter() - t)
print(json.dumps({"open": opened, "times": times,
                  "peak_mb": peak_mb()}))
"""
)

# The same full-text queries straight on the index's FTS5 table: the match, BM25 with the
# same weights, the theme and meeting counts of all hits, the best 50 with their records.
# What a search cannot cost less than; Briefer's search adds its filters, snippets and
# near-duplicates.
RAW_FTS5 = r"""
import json, sqlite3, sys, time
from collections import Counter
from briefer.library.query import parse_query
db = sqlite3.connect(sys.argv[1] + "/index.sqlite3")
times = []
for text, filters in json.loads(sys.argv[2]):
    query = parse_query(text)
    if not text or not query.include:
        times.append(None)
        continue
    t = time.perf_counter()
    rows = db.execute(
        "SELECT s.rowid, -bm25(section_text, 4.0, 1.0), s.meeting_id, s.themes FROM section_text "
        "JOIN sections s ON s.rowid = section_text.rowid WHERE section_text MATCH ?",
        (query.match_expression(),),
    ).fetchall()
    Counter(m for _, _, m, _ in rows)
    masks = Counter(mask for *_, mask in rows)  # then each theme's count from the distinct masks
    {bit: sum(n for mask, n in masks.items() if mask >> bit & 1) for bit in range(63)}
    for rowid, *_ in sorted(rows, key=lambda r: -r[1])[:50]:
        db.execute(
            "SELECT d.data, t.body FROM section_data d JOIN section_text t ON t.rowid = d.rowid "
            "WHERE d.rowid = ?", (rowid,)
        ).fetchone()
    times.append(time.perf_counter() - t)
print(json.dumps({"times": times}))
"""


def _run(script: str, folder: Path, queries: list) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", script, str(folder), json.dumps(queries)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(round(0.95 * len(values))) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    args = parser.parse_args()
    queries = _queries()
    out = Path(__file__).parent / "out"
    rows = []
    for size in args.sizes:
        folder = out / f"library-{size}"
        if not (folder / "user.json").exists():
            print(f"generating a library of {size} sections…", file=sys.stderr)
            generate(folder, size)
        from briefer.library import Library

        library = Library.open(folder)
        sections = library.search(limit=0).total
        library.index.discard()
        build = _run(BUILD, folder, [])
        probe = _run(PROBE, folder, queries)
        baseline = _run(BASELINE, folder, queries)
        raw = _run(RAW_FTS5, folder, queries)
        rows.append((size, sections, build, probe, baseline, raw))

    ms = 1000
    print(
        "| sections | index build s | build peak MB | open to first result s | query+facets p50 ms | p95 ms "
        "| facets alone p95 ms | save an edit p50 ms | peak MB | TinyDB open s | TinyDB query p50 ms | p95 ms "
        "| TinyDB peak MB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for _size, sections, build, probe, baseline, _raw in rows:
        print(
            f"| {sections:,} | {build['build']:.1f} | {build['peak_mb']:.0f} | {probe['open']:.2f} | {statistics.median(probe['times']) * ms:.1f} "
            f"| {_p95(probe['times']) * ms:.1f} | {_p95(probe['facets']) * ms:.1f} "
            f"| {statistics.median(probe['edits']) * ms:.1f} | {probe['peak_mb']:.0f} "
            f"| {baseline['open']:.2f} | {statistics.median(baseline['times']) * ms:.0f} "
            f"| {_p95(baseline['times']) * ms:.0f} | {baseline['peak_mb']:.0f} |"
        )
    print("\ngoals at 50,000: p95 < 50 ms, edit < 100 ms, open < 2 s, peak < 1,500 MB")
    print("\nThe queries with words, side by side with the same match on the raw FTS5 table:\n")
    print(
        "| sections | queries | Briefer p50 ms | p95 ms | raw FTS5 p50 ms | p95 ms | p50 ratio | p95 ratio |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for _size, sections, _build, probe, _baseline, raw in rows:
        pairs = [(mine, bare) for mine, bare in zip(probe["times"], raw["times"], strict=True) if bare]
        mine, bare = [m for m, _ in pairs], [b for _, b in pairs]
        print(
            f"| {sections:,} | {len(pairs)} | {statistics.median(mine) * ms:.1f} | {_p95(mine) * ms:.1f} "
            f"| {statistics.median(bare) * ms:.1f} | {_p95(bare) * ms:.1f} "
            f"| {statistics.median(mine) / statistics.median(bare):.2f}x | {_p95(mine) / _p95(bare):.2f}x |"
        )
    print("goal: p95 within 1.5x of raw FTS5")


if __name__ == "__main__":
    main()
