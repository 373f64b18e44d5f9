"""The command line: the same core as the app, for power users, scripts and tests.

`briefer` alone opens the desktop app. Errors print as one line naming what is wrong
and what to do, with a non-zero exit code: 1 for a problem with the input or the
library, 2 for a command line that does not parse.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefer import __version__, paths
from briefer.errors import BrieferError, UsageError

if TYPE_CHECKING:
    from briefer.library.models import Table

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
MAX_COUNT = 10_000_000  # --limit: more sections than any library holds
TABLE_CELL_WIDTH = 40  # characters of a table cell's line in `show`


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefer",
        description="Build briefing packs from a library of past meeting reports. "
        "Without a command, the desktop app opens.",
    )
    parser.add_argument("--version", action="version", version=f"briefer {__version__}")
    parser.add_argument(
        "--library",
        type=Path,
        metavar="DIR",
        help=f"library folder (default: ${paths.LIBRARY_ENV}, else your own library)",
    )
    parser.add_argument(
        "--portable",
        action="store_true",
        help=f"keep the library and settings in a {paths.PORTABLE_FOLDER} folder next to the program "
        "(as does a file portable.txt there)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    ingest = commands.add_parser("ingest", help="add documents (files or folders) to the library")
    ingest.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    ingest.add_argument("--json", action="store_true", help="report on each file as JSON")

    meetings = commands.add_parser("meetings", help="list the meetings in the library")
    meetings.add_argument("--json", action="store_true")

    sections = commands.add_parser("sections", help="find sections: filters and a search query")
    _search_arguments(sections)
    sections.add_argument("--limit", type=_count, metavar="N", help="at most N sections, best first")
    sections.add_argument("--json", action="store_true")

    stats = commands.add_parser(
        "search-stats", help="how many sections match, per theme and per meeting (facet counts)"
    )
    _search_arguments(stats)
    stats.add_argument("--json", action="store_true")

    duplicate = commands.add_parser(
        "not-duplicate", help="say two sections grouped as near-duplicates are not ('--undo' to regroup)"
    )
    duplicate.add_argument("section_id", metavar="SECTION_ID")
    duplicate.add_argument("other_id", metavar="OTHER_ID")
    duplicate.add_argument("--undo", action="store_true")

    show = commands.add_parser("show", help="show one section in full")
    show.add_argument("section_id", metavar="SECTION_ID")
    show.add_argument("--json", action="store_true")

    themes = commands.add_parser("themes", help="the theme taxonomy with section counts")
    themes.add_argument("--json", action="store_true")

    tag = commands.add_parser("tag", help="add or remove themes of a section (kept across re-ingest)")
    tag.add_argument("section_id", metavar="SECTION_ID")
    tag.add_argument("--add", action="append", default=[], metavar="THEME")
    tag.add_argument("--remove", action="append", default=[], metavar="THEME")
    tag.add_argument("--json", action="store_true")

    note = commands.add_parser("note", help="set your note on a section ('' clears it)")
    note.add_argument("section_id", metavar="SECTION_ID")
    note.add_argument("text")

    heading = commands.add_parser("rename", help="correct a section's heading ('' restores it)")
    heading.add_argument("section_id", metavar="SECTION_ID")
    heading.add_argument("heading")

    meeting = commands.add_parser(
        "set-meeting", help="correct a meeting's details ('' for a field restores what was read)"
    )
    meeting.add_argument("meeting_id", metavar="MEETING_ID")
    for name in ("title", "city", "country", "symbol"):
        meeting.add_argument(f"--{name}")
    meeting.add_argument("--start-date", metavar="YYYY-MM-DD")
    meeting.add_argument("--end-date", metavar="YYYY-MM-DD")
    meeting.add_argument("--organizer", action="append", metavar="NAME", help="repeat for several")
    meeting.add_argument("--json", action="store_true")

    build = commands.add_parser(
        "build", help="build a briefing pack to Word or PDF (from a pack, or straight from themes/sections)"
    )
    source = build.add_mutually_exclusive_group(required=True)
    source.add_argument("--pack", metavar="FILE", help="a pack file, or the id of a pack in the library")
    source.add_argument("--theme", action="append", metavar="ID", help="sections with this theme (repeat)")
    source.add_argument("--section", action="append", metavar="ID", help="this section (repeat, in order)")
    build.add_argument("--format", choices=["pdf", "docx"], help="default: from the --out file name")
    build.add_argument(
        "--template", metavar="NAME", help="'briefer templates' lists them (default: briefing)"
    )
    build.add_argument("--out", required=True, type=Path, metavar="FILE")
    build.add_argument("--replace", action="store_true", help="replace the --out file if it exists")
    build.add_argument("--title", help="pack title (with --theme/--section)")
    build.add_argument("--marking", help="classification marking, e.g. RESTRICTED")
    build.add_argument("--draft", action="store_true", help="mark every page DRAFT")
    build.add_argument("--page-size", choices=["A4", "Letter"])
    build.add_argument("--from", dest="date_from", metavar="DATE", help="with --theme: meetings from DATE")
    build.add_argument("--to", dest="date_to", metavar="DATE", help="with --theme: meetings up to DATE")
    build.add_argument(
        "--limit", type=_count, default=100, metavar="N", help="with --theme: at most N per theme"
    )

    commands.add_parser("templates", help="the pack templates you can build with")

    packs = commands.add_parser("packs", help="the packs saved in the library")
    packs.add_argument("--json", action="store_true")
    pack_import = commands.add_parser("pack-import", help="add a pack file to the library")
    pack_import.add_argument("file", type=Path, metavar="FILE")
    pack_export = commands.add_parser("pack-export", help="write a library pack to a file")
    pack_export.add_argument("pack_id", metavar="PACK_ID")
    pack_export.add_argument("file", type=Path, metavar="FILE")
    pack_export.add_argument("--replace", action="store_true", help="replace FILE if it exists")
    pack_final = commands.add_parser(
        "pack-final", help="mark a pack final (signed off: no DRAFT; the app asks before an edit)"
    )
    pack_final.add_argument("pack_id", metavar="PACK_ID")
    pack_final.add_argument("--unlock", action="store_true", help="a draft again, to edit")
    pack_builds = commands.add_parser(
        "pack-builds", help="the builds made from a pack: which printout is current"
    )
    pack_builds.add_argument("pack_id", metavar="PACK_ID")
    pack_builds.add_argument("--json", action="store_true")
    pack_copy = commands.add_parser("pack-copy", help="copy a pack (e.g. last session's) to start a new one")
    pack_copy.add_argument("pack_id", metavar="PACK_ID")
    pack_copy.add_argument("--title")
    pack_copy.add_argument("--meeting", metavar="NAME", help="the meeting the new pack is for")
    pack_copy.add_argument("--place")
    pack_copy.add_argument("--start", metavar="YYYY-MM-DD", help="the meeting's first day")
    pack_copy.add_argument("--end", metavar="YYYY-MM-DD", help="the meeting's last day")
    pack_copy.add_argument("--date", metavar="YYYY-MM-DD", help="the new pack's date (default: today)")
    pack_copy.add_argument(
        "--structure-only", action="store_true", help="parts and blocks to write, empty; no excerpts"
    )
    library_export = commands.add_parser(
        "library-export", help="write the whole library (packs, edits, original files) to one archive"
    )
    library_export.add_argument("file", type=Path, metavar="FILE")
    library_export.add_argument("--replace", action="store_true", help="replace FILE if it exists")
    library_import = commands.add_parser(
        "library-import", help="merge a library archive into this library (nothing is duplicated)"
    )
    library_import.add_argument("file", type=Path, metavar="FILE")
    return parser


QUERY_HELP = (
    'words (any English form), "exact phrases", prefix*, -excluded, a OR b; case and accents do not matter'
)


def _search_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--query", metavar="TEXT", help=QUERY_HELP)
    parser.add_argument("--theme", action="append", default=[], metavar="ID")
    parser.add_argument("--all-themes", action="store_true", help="require every --theme, not any")
    parser.add_argument("--meeting", metavar="ID")
    parser.add_argument("--organizer", metavar="NAME", help="part of an organiser's name")
    parser.add_argument("--country", metavar="NAME")
    parser.add_argument("--from", dest="date_from", metavar="DATE", help="YYYY, YYYY-MM or YYYY-MM-DD")
    parser.add_argument("--to", dest="date_to", metavar="DATE", help="YYYY, YYYY-MM or YYYY-MM-DD")
    parser.add_argument(
        "--level", action="append", type=_level, default=[], metavar="N", help="heading level (1-9)"
    )
    parser.add_argument(
        "--kind",
        action="append",
        choices=["body", "front_matter", "annex"],
        help="only these kinds of section (default: all)",
    )


def _joined_values(argv: list[str]) -> list[str]:
    """`--query -smuggling` as `--query=-smuggling`: argparse takes a value that starts with
    "-" for an option, but an exclusion is exactly such a query."""
    joined: list[str] = []
    values = iter(argv)
    for arg in values:
        if arg in ("--query", "--title", "--marking"):
            value = next(values, None)
            joined.append(arg if value is None else f"{arg}={value}")
        else:
            joined.append(arg)
    return joined


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(_joined_values(list(sys.argv[1:] if argv is None else argv)))
    if args.portable:  # before any folder is resolved
        os.environ[paths.PORTABLE_ENV] = "1"
    if args.command is None:
        from briefer.app import main as run_app

        return run_app(library_dir=args.library)
    try:
        _check_text_arguments(args)
        return _COMMANDS[args.command](args)
    except BrieferError as error:
        print(f"briefer: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("briefer: interrupted; the library is as it was before the command", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:  # "briefer sections | head": the reader has gone, nothing is wrong
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


# --- helpers --------------------------------------------------------------------------------


def _check_text_arguments(args: argparse.Namespace) -> None:
    """Text given on the command line (a note, a title, a query) must be text: bytes that
    are not UTF-8 reach Python as lone surrogates, which nothing can store or print. File
    names (paths) may hold any bytes, as the system allows."""
    for name, value in vars(args).items():
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str) and any("\ud800" <= char <= "\udfff" for char in text):
                shown = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
                raise UsageError(
                    f"the {name.replace('_', ' ')} '{shown}' is not UTF-8 text; set the terminal to "
                    "UTF-8 (or type it again) and try again"
                )


def _open_library(args: argparse.Namespace):
    from briefer.library import Library

    folder, is_default = paths.resolve_library_dir(args.library)
    library = Library.open(folder, progress=_progress_line if sys.stderr.isatty() else None)
    for notice in library.restored:
        print(f"briefer: warning: {notice}", file=sys.stderr)
    if is_default and library.is_empty() and not library.seeded:
        print(f"briefer: setting up your library in {folder} with the sample reports", file=sys.stderr)
        from briefer.actions.ingest import ensure_samples  # the readers: only when needed

        ensure_samples(library)
    return library


def _progress_line(done: int, total: int, what: str) -> None:
    """Long work as the library opens (an index built anew, an upgrade), on one line."""
    end = "\n" if done >= total else ""
    print(f"\rbriefer: {what}: {done:,} of {total:,} documents", end=end, file=sys.stderr, flush=True)


def _whole_number(text: str, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"{text} is not between {low} and {high:,}")
    return value


def _count(text: str) -> int:
    return _whole_number(text, 0, MAX_COUNT)


def _level(text: str) -> int:
    return _whole_number(text, 1, 9)


def _print_json(value: Any) -> None:
    # One write: json.dump to a stream writes piece by piece, several times slower.
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def date_bound(value: str | None, end: bool) -> str | None:
    from briefer.library.query import date_bound as bound  # imported late: `briefer --version` stays quick

    return bound(value, end)


def _lexicon():
    from briefer.ingest.themes import default_lexicon

    return default_lexicon()


def _dates(start: str | None, end: str | None) -> str:
    if not start:
        return "date unknown"
    return start if not end or end == start else f"{start} to {end}"


# --- commands -------------------------------------------------------------------------------


def _cmd_ingest(args: argparse.Namespace) -> int:
    from briefer.actions.ingest import ingest_paths

    library = _open_library(args)
    reports = ingest_paths(library, args.paths)
    if args.json:
        _print_json(
            [
                {
                    "file": str(r.path),
                    "status": r.status,
                    "meetings": r.meetings,
                    "sections": r.sections,
                    "message": r.message,
                }
                for r in reports
            ]
        )
    for report in reports:
        if not report.ok:
            print(f"briefer: error: {report.message}", file=sys.stderr)
        elif not args.json:
            counts = f"{report.meetings} meeting(s), {report.sections} section(s)"
            line = f"{report.status:9} {report.path}  ({counts})"
            if report.status == "duplicate":
                line = f"{report.status:9} {report.path}  ({report.message})"
            elif report.message:
                line += f"; {report.message}"
            print(line)
    return EXIT_OK if all(r.ok for r in reports) else EXIT_ERROR


def _cmd_meetings(args: argparse.Namespace) -> int:
    library = _open_library(args)
    meetings = library.meetings()
    if args.json:
        _print_json([m.to_json() for m in meetings])
        return EXIT_OK
    for m in meetings:
        place = ", ".join(p for p in (m.city, m.country) if p) or "place unknown"
        print(f"{m.id}  {_dates(m.start_date, m.end_date):24}  {place:28}  {m.label}")
    print(f"{len(meetings)} meeting(s)", file=sys.stderr)
    return EXIT_OK


def _selection(args: argparse.Namespace, library):
    from briefer.library import SectionFilter

    _lexicon().check_ids(args.theme)
    if args.meeting:
        library.meeting(args.meeting)
    return SectionFilter(
        themes=args.theme,
        all_themes=args.all_themes,
        meeting_id=args.meeting,
        organizer=args.organizer,
        country=args.country,
        date_from=date_bound(args.date_from, end=False),
        date_to=date_bound(args.date_to, end=True),
        levels=args.level,
        kinds=tuple(args.kind) if args.kind else ("body", "front_matter", "annex"),
        query=args.query,
    )


def _cmd_sections(args: argparse.Namespace) -> int:
    library = _open_library(args)
    result = library.search(_selection(args, library), limit=args.limit)
    if args.json:
        rows = []
        for hit in result.hits:
            row = hit.section.to_json()
            row.update(
                snippet=hit.snippet,
                highlights=[list(span) for span in hit.highlights],
                score=hit.score,
                duplicates=hit.duplicates,
            )
            rows.append(row)
        _print_json(rows)
        return EXIT_OK
    meetings = {m.id: m for m in library.meetings()}
    for hit in result.hits:
        s = hit.section
        themes = ",".join(s.theme_ids) or "-"
        kind = "" if s.kind == "body" else f"[{s.kind}] "
        twins = f"  (+{len(hit.duplicates)} near-duplicate)" if hit.duplicates else ""
        print(
            f"{s.id}  {meetings[s.meeting_id].start_date or '----------'}  {kind}{s.heading[:70]}  ({themes}){twins}"
        )
        if args.query:
            print(f"    {_highlighted(hit.snippet, hit.highlights)}")
    shown = f"{len(result.hits)} of {result.total}" if len(result.hits) < result.total else str(result.total)
    print(f"{shown} section(s)", file=sys.stderr)
    meant = library.suggest(args.query) if args.query else None
    if meant:
        print(f"did you mean: {meant}? (--query {shlex.quote(meant)})", file=sys.stderr)
    return EXIT_OK


def _highlighted(snippet: str, spans: list[tuple[int, int]]) -> str:
    """The snippet with its matched words in [brackets], for a terminal."""
    out, last = [], 0
    for start, end in spans:
        out += [snippet[last:start], "[", snippet[start:end], "]"]
        last = end
    out.append(snippet[last:])
    return " ".join("".join(out).split())


def _cmd_search_stats(args: argparse.Namespace) -> int:
    library = _open_library(args)
    result = library.search(_selection(args, library), limit=0)
    labels = {t.id: t.label for t in _lexicon().themes}
    meetings = {m.id: m for m in library.meetings()}
    themes = [
        {"id": theme, "label": labels.get(theme, theme), "sections": count}
        for theme, count in sorted(result.theme_counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    by_meeting = [
        {"id": meeting, "title": meetings[meeting].label, "sections": count}
        for meeting, count in sorted(result.meeting_counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    if args.json:
        _print_json({"total": result.total, "themes": themes, "meetings": by_meeting})
        return EXIT_OK
    print(f"{result.total} section(s)")
    print("\nby theme:")
    for row in themes:
        print(f"  {row['sections']:5}  {row['label']}")
    print("\nby meeting:")
    for row in by_meeting:
        print(f"  {row['sections']:5}  {row['title']}")
    return EXIT_OK


def _cmd_not_duplicate(args: argparse.Namespace) -> int:
    library = _open_library(args)
    library.mark_not_duplicate(args.section_id, args.other_id, not_duplicate=not args.undo)
    verb = "grouped again as near-duplicates" if args.undo else "marked as not duplicates"
    print(f"{args.section_id} and {args.other_id}: {verb}")
    return EXIT_OK


def _cmd_show(args: argparse.Namespace) -> int:
    library = _open_library(args)
    section = library.section(args.section_id)
    meeting = library.meeting(section.meeting_id)
    duplicates = library.duplicates_of(section.id)
    if args.json:
        data = section.to_json()
        data["meeting"] = meeting.to_json()
        data["duplicates"] = duplicates
        _print_json(data)
        return EXIT_OK
    labels = {t.id: t.label for t in _lexicon().themes}
    print(section.heading)
    if section.path:
        print("in: " + " > ".join(section.path))
    print(f"meeting: {meeting.label} ({_dates(meeting.start_date, meeting.end_date)})")
    source = f"source: {section.source_file}, lines {section.line_start}-{section.line_end}"
    if section.page_start:
        source += f", pages {section.page_start}-{section.page_end}"
    if section.paragraph_numbers:
        source += ", paras " + ", ".join(section.paragraph_numbers)
    print(source)
    for tag in section.themes:
        why = "added by you" if tag.by_user else "terms: " + ", ".join(tag.evidence)
        print(f"theme: {labels.get(tag.id, tag.id)} ({why})")
    if section.note:
        print(f"your note: {section.note}")
    if duplicates:
        print(f"near-duplicates: {', '.join(duplicates)}")
    from briefer.library.models import Table

    body = ("\n".join(_table_lines(p)) if isinstance(p, Table) else p for p in section.paragraphs())
    print()
    print("\n\n".join(body))
    for note in section.notes:
        print(f"\n[{note['number']}] {note['text']}")
    return EXIT_OK


def _table_lines(table: Table) -> list[str]:
    """A table as text: aligned columns between " | ", cells wrapped at TABLE_CELL_WIDTH
    characters, a rule under the header row (and between rows when a cell wraps)."""
    columns = max(len(row) for row in table.rows)
    cells = [
        [textwrap.wrap(" ".join(cell.split()), TABLE_CELL_WIDTH) or [""] for cell in row]
        + [[""]] * (columns - len(row))
        for row in table.rows
    ]
    widths = [max(len(line) for row in cells for line in row[i]) for i in range(columns)]
    rule = "-+-".join("-" * width for width in widths)
    wraps = any(len(cell) > 1 for row in cells for cell in row)
    lines: list[str] = []
    for index, row in enumerate(cells):
        if index and (wraps or (index == 1 and table.header)):
            lines.append(rule)
        for k in range(max(len(cell) for cell in row)):
            parts = [(cell[k] if k < len(cell) else "").ljust(w) for cell, w in zip(row, widths, strict=True)]
            lines.append(" | ".join(parts).rstrip())
    return lines


def _cmd_themes(args: argparse.Namespace) -> int:
    library = _open_library(args)
    counts = library.theme_counts()
    rows = [
        {"id": t.id, "label": t.label, "scope": t.scope, "sections": counts.get(t.id, 0)}
        for t in _lexicon().themes
    ]
    if args.json:
        _print_json(rows)
        return EXIT_OK
    for row in rows:
        print(f"{row['id']:28} {row['sections']:5}  {row['label']}")
    return EXIT_OK


def _cmd_tag(args: argparse.Namespace) -> int:
    library = _open_library(args)
    known = [t.id for t in _lexicon().themes]
    section = library.set_section_themes(args.section_id, args.add, args.remove, known)
    if args.json:
        _print_json(section.to_json())
    else:
        print(f"{section.id}: themes now {', '.join(section.theme_ids) or '(none)'}")
    return EXIT_OK


def _cmd_note(args: argparse.Namespace) -> int:
    library = _open_library(args)
    section = library.set_section_note(args.section_id, args.text)
    print(f"{section.id}: note {'saved' if section.note else 'cleared'}")
    return EXIT_OK


def _cmd_rename(args: argparse.Namespace) -> int:
    library = _open_library(args)
    section = library.set_section_heading(args.section_id, args.heading)
    print(f"{section.id}: heading now '{section.heading}'")
    return EXIT_OK


def _cmd_set_meeting(args: argparse.Namespace) -> int:
    library = _open_library(args)
    values: dict[str, Any] = {}
    for name in ("title", "city", "country", "symbol"):
        value = getattr(args, name)
        if value is not None:
            values[name] = value.strip() or None
    for name in ("start_date", "end_date"):
        value = getattr(args, name)
        if value is not None:
            values[name] = _exact_date(value) if value.strip() else None
    if args.organizer is not None:
        organizers = [o.strip() for o in args.organizer if o.strip()]
        values["organizers"] = organizers or None
    if not values:
        raise UsageError("say what to change, e.g. --title 'New title' or --city Geneva")
    meeting = library.update_meeting(args.meeting_id, **values)
    if args.json:
        _print_json(meeting.to_json())
    else:
        print(f"{meeting.id}: {meeting.label}, {_dates(meeting.start_date, meeting.end_date)}")
    return EXIT_OK


def _exact_date(value: str) -> str:
    from briefer.date_checks import check_date

    return check_date(value)


def _cmd_build(args: argparse.Namespace) -> int:
    from briefer.actions.build import build_pack
    from briefer.actions.build_report import report_lines

    fmt = args.format or args.out.suffix.lower().lstrip(".")
    if fmt not in ("pdf", "docx"):
        raise UsageError(
            f"{args.out}: say --format pdf or --format docx (or end the file name in .pdf or .docx)"
        )
    library = _open_library(args)
    pack, stored = _pack_to_build(args, library)
    if args.marking is not None:
        pack.marking = args.marking
    if args.draft:
        pack.draft = True
    if args.page_size:
        pack.page_size = args.page_size
    result = build_pack(pack, library, fmt, args.out, args.template, record=stored, replace=args.replace)
    assembly = result.assembly
    pages = f", {result.pages} pages" if result.pages else ""
    print(
        f"built {result.path} ({fmt.upper()}, template {result.template}{pages}, "
        f"{len(assembly.section_ids)} sections)"
    )
    for label, ids in assembly.pulled.items():
        print(f"  saved search '{label}': {len(ids)} section(s)")
    if assembly.new_since_last_build:
        new = assembly.new_since_last_build
        print(f"  new since the last build: {len(new)} section(s): {', '.join(new)}")
    elif assembly.new_since_last_build is not None and pack.searches:
        print("  nothing new since the last build")
    for line in report_lines(result.damaged):
        print(line)
    return EXIT_OK


def _pack_to_build(args: argparse.Namespace, library):
    """The pack named by --pack, or a new one from --theme/--section; and whether it is a
    kept pack (whose builds are remembered to report what is new next time)."""
    from datetime import date

    from briefer.actions.packs import load_pack, read_pack_file
    from briefer.packs.model import Pack, PackItem, SavedSearch

    if args.pack:
        candidate = Path(args.pack).expanduser()
        if not candidate.exists() and any(r.get("id") == args.pack for r in library.pack_records()):
            pack = load_pack(library, args.pack)
        else:
            pack = read_pack_file(candidate)
        if args.title:
            pack.title = args.title
        return pack, True
    pack = Pack(title=args.title or "", date=date.today().isoformat(), draft=False)
    if args.section:
        for section_id in args.section:
            library.section(section_id)  # an unknown id is reported before anything is built
            pack.items.append(PackItem.section(section_id))
        pack.title = pack.title or "Briefing pack"
    else:
        lexicon = _lexicon()
        lexicon.check_ids(args.theme)
        lexicon = {t.id: t.label for t in lexicon.themes}
        date_from, date_to = date_bound(args.date_from, False), date_bound(args.date_to, True)
        for theme in args.theme:
            pack.searches.append(
                SavedSearch(
                    lexicon[theme], themes=[theme], date_from=date_from, date_to=date_to, limit=args.limit
                )
            )
        pack.title = pack.title or "Briefing pack: " + ", ".join(lexicon[t] for t in args.theme)
    return pack, False


def _cmd_templates(args: argparse.Namespace) -> int:
    from briefer.ir.templates import available_templates

    for template in available_templates().values():
        print(f"{template.id:16} {template.name}: {template.description}")
    return EXIT_OK


def _cmd_packs(args: argparse.Namespace) -> int:
    from briefer.actions.packs import list_packs

    packs = list_packs(_open_library(args))
    if args.json:
        _print_json([p.to_json() for p in packs])
        return EXIT_OK
    for pack in packs:
        state = "final" if pack.final else "draft" if pack.draft else "     "
        print(f"{pack.id}  {state}  {len(pack.items):3} items  {pack.title}")
    print(f"{len(packs)} pack(s)", file=sys.stderr)
    return EXIT_OK


def _cmd_pack_final(args: argparse.Namespace) -> int:
    from briefer.actions.packs import load_pack, save_pack

    library = _open_library(args)
    pack = load_pack(library, args.pack_id)
    pack.final = not args.unlock
    pack.draft = args.unlock
    save_pack(library, pack)
    print(f"{pack.id}: '{pack.title}' is {'a draft again' if args.unlock else 'final'}")
    return EXIT_OK


def _cmd_pack_builds(args: argparse.Namespace) -> int:
    from briefer.actions.packs import load_pack

    library = _open_library(args)
    pack = load_pack(library, args.pack_id)
    builds = library.builds(pack.id)
    if args.json:
        _print_json(builds)
        return EXIT_OK
    for build in builds:
        state = "final" if build.get("final") else "draft"
        pages = f"{build['pages']} pp." if build.get("pages") else ""
        print(
            f"{build['built_at'][:19]}  {state}  {build['template']:15} {build['format']:4} {pages:8} "
            f"{build['sha256'][:12]}  {build['file']}"
        )
    print(f"{len(builds)} build(s) of '{pack.title}'", file=sys.stderr)
    return EXIT_OK


def _cmd_pack_import(args: argparse.Namespace) -> int:
    from briefer.actions.packs import import_pack

    pack = import_pack(_open_library(args), args.file)
    print(f"{pack.id}: imported '{pack.title}' ({len(pack.items)} items)")
    return EXIT_OK


def _cmd_pack_export(args: argparse.Namespace) -> int:
    from briefer.actions.packs import export_pack, load_pack

    library = _open_library(args)
    pack = load_pack(library, args.pack_id)
    print(f"wrote {export_pack(pack, args.file, library.folder, args.replace)}")
    return EXIT_OK


def _cmd_pack_copy(args: argparse.Namespace) -> int:
    import datetime

    from briefer.actions.packs import duplicate_pack
    from briefer.date_checks import date_problem
    from briefer.packs.model import MeetingDetails

    for value in (args.start, args.end, args.date):
        problem = date_problem(value) if value else ""
        if problem:
            raise UsageError(problem)
    meeting = None
    if args.meeting is not None or args.place is not None or args.start or args.end:
        meeting = MeetingDetails(args.meeting or "", args.place or "", args.start, args.end)
    date = args.date or datetime.date.today().isoformat()
    pack = duplicate_pack(
        _open_library(args), args.pack_id, args.title, meeting, not args.structure_only, date
    )
    print(f"{pack.id}: '{pack.title}'" + (f" for {pack.meeting.name}" if pack.meeting.name else ""))
    return EXIT_OK


def _cmd_library_export(args: argparse.Namespace) -> int:
    from briefer.actions.archive import export_archive

    print(f"wrote {export_archive(_open_library(args), args.file, args.replace)}")
    return EXIT_OK


def _cmd_library_import(args: argparse.Namespace) -> int:
    from briefer.actions.archive import import_archive

    report = import_archive(_open_library(args), args.file)
    for line in report.lines():
        print(line)
    return EXIT_OK


_COMMANDS = {
    "ingest": _cmd_ingest,
    "meetings": _cmd_meetings,
    "sections": _cmd_sections,
    "search-stats": _cmd_search_stats,
    "not-duplicate": _cmd_not_duplicate,
    "show": _cmd_show,
    "themes": _cmd_themes,
    "tag": _cmd_tag,
    "note": _cmd_note,
    "rename": _cmd_rename,
    "set-meeting": _cmd_set_meeting,
    "build": _cmd_build,
    "templates": _cmd_templates,
    "packs": _cmd_packs,
    "pack-import": _cmd_pack_import,
    "pack-export": _cmd_pack_export,
    "pack-copy": _cmd_pack_copy,
    "pack-final": _cmd_pack_final,
    "pack-builds": _cmd_pack_builds,
    "library-export": _cmd_library_export,
    "library-import": _cmd_library_import,
}
