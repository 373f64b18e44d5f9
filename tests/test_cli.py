"""The command line, as scripts and power users call it: the forms of DESIGN.md, JSON shapes,
exit codes and one-line errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from reportlab.lib import pdfencrypt
from reportlab.pdfgen import canvas

from briefer.cli import main
from tests.conftest import SAMPLE_FILES, SOURCES, store_files

GCIM = SOURCES / "gcim-regional-hearing-americas-2005.txt"
MEETING_KEYS = {"id", "title", "organizers", "city", "country", "start_date", "end_date", "symbol", "source"}
SECTION_KEYS = {
    "id",
    "meeting_id",
    "level",
    "heading",
    "path",
    "text",
    "paragraph_numbers",
    "themes",
    "source",
}


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *args: str):
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def lib(library_copy: Path) -> str:
    return str(library_copy)


def test_version(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith("briefer 0.")


def test_ingest_then_list(tmp_path: Path, capsys) -> None:
    library = str(tmp_path / "library")
    code, out, err = run(capsys, "--library", library, "ingest", str(SOURCES))
    assert code == 0, err
    assert out.count("added") == 5
    code, out, _ = run(capsys, "--library", library, "ingest", str(GCIM))
    assert code == 0 and out.startswith("unchanged")

    meetings = run_json(capsys, "--library", library, "meetings")
    assert len(meetings) >= 15
    for meeting in meetings:
        assert MEETING_KEYS <= meeting.keys()
        assert set(meeting["source"]) == {"file", "line_start", "line_end"}
        for field in ("start_date", "end_date"):
            assert meeting[field] is None or len(meeting[field]) == 10
    hearing = next(m for m in meetings if m["title"] == "Hearing for the Americas")
    assert hearing["source"]["file"] == GCIM.name
    assert (hearing["city"], hearing["start_date"], hearing["end_date"]) == (
        "Mexico City",
        "2005-05-16",
        "2005-05-17",
    )

    sections = run_json(capsys, "--library", library, "sections")
    for section in sections:
        assert SECTION_KEYS <= section.keys()
        assert set(section["source"]) == {"file", "line_start", "line_end", "page_start", "page_end"}
        assert section["source"]["page_start"] is None  # text input
        assert "\n\n\n" not in section["text"]


def test_section_filters(lib: str, capsys) -> None:
    remittances = run_json(capsys, "--library", lib, "sections", "--theme", "remittances")
    assert remittances and all("remittances" in s["themes"] for s in remittances)
    meetings = {m["id"]: m for m in run_json(capsys, "--library", lib, "meetings")}
    recent = run_json(capsys, "--library", lib, "sections", "--theme", "human_rights", "--from", "2006")
    assert recent
    for section in recent:
        assert meetings[section["meeting_id"]]["start_date"] >= "2006-01-01"
    old = run_json(capsys, "--library", lib, "sections", "--to", "2005-12-31")
    assert {meetings[s["meeting_id"]]["title"] for s in old} == {
        "Hearing for the Americas",
        "Second United Nations Coordination Meeting on International Migration",
    }
    hearing = next(m for m in meetings.values() if m["title"] == "Hearing for the Americas")
    only = run_json(capsys, "--library", lib, "sections", "--meeting", hearing["id"])
    assert only and {s["meeting_id"] for s in only} == {hearing["id"]}
    found = run_json(capsys, "--library", lib, "sections", "--query", "consular matricula")
    assert [s["heading"] for s in found] == ["Country of origin responsibilities"]


def test_show(lib: str, capsys) -> None:
    sections = run_json(capsys, "--library", lib, "sections", "--query", "consular matricula")
    shown = run_json(capsys, "--library", lib, "show", sections[0]["id"])
    assert shown["text"] == sections[0]["text"]
    assert shown["meeting"]["title"] == "Hearing for the Americas"
    code, out, _ = run(capsys, "--library", lib, "show", sections[0]["id"])
    assert code == 0
    assert out.startswith("Country of origin responsibilities\nin: III. Migrants in society")
    assert "source: gcim-regional-hearing-americas-2005.txt, lines " in out
    assert "theme: Human rights of migrants (terms:" in out


def test_show_prints_a_table_in_columns_and_json(tmp_path: Path, capsys) -> None:
    from briefer.library import Library
    from tests.library.tables import AFTER, BEFORE, ROWS, table_document, table_text

    library = Library.open(tmp_path / "library")
    library.add_documents([table_document()])
    section = next(s for s in library.sections() if s.heading == "Costs by corridor")
    lib = str(library.folder)
    shown = run_json(capsys, "--library", lib, "show", section.id)
    assert SECTION_KEYS <= set(shown)
    assert shown["tables"] == [{"paragraph": 1, "rows": ROWS}]
    assert shown["text"] == f"{BEFORE}\n\n{table_text(ROWS)}\n\n{AFTER}"
    code, out, _ = run(capsys, "--library", lib, "show", section.id)
    assert code == 0
    lines = out.splitlines()
    first = lines.index(BEFORE) + 2
    table = lines[first : first + len(ROWS) + 1]
    assert table == [
        "Corridor                        | Cost of sending $200 (%) | Year",
        "--------------------------------+--------------------------+-----",
        "United States – Mexico          | 4.2                      | 2005",
        "Spain – Ecuador & <Peru>        | 6.8                      | 2006",
        "Россия – Ελλάδα (Côte d’Ivoire) | 9.1                      |",  # no year: an empty cell
    ]
    assert lines[first + len(ROWS) + 2] == AFTER


def test_show_wraps_long_cells_between_rules(tmp_path: Path, capsys) -> None:
    from briefer.library import Library
    from tests.library.tables import table_document

    long = "a long cell of words that runs on far beyond forty characters of width"
    library = Library.open(tmp_path / "library")
    library.add_documents([table_document(rows=[["Name", "Notes"], ["One", long], ["Two", "short"]])])
    section = next(s for s in library.sections() if s.heading == "Costs by corridor")
    out = run(capsys, "--library", str(library.folder), "show", section.id)[1]
    assert "Name | Notes\n-----+--" in out
    wrapped = "One  | a long cell of words that runs on far\n     | beyond forty characters of width\n"
    assert wrapped + "-----+" in out
    assert "\nTwo  | short\n" in out


def test_themes(lib: str, capsys) -> None:
    themes = run_json(capsys, "--library", lib, "themes")
    assert [t["id"] for t in themes][:3] == ["economic_development", "remittances", "labour_migration"]
    assert len(themes) == 20
    assert all(isinstance(t["sections"], int) for t in themes)
    assert sum(t["sections"] for t in themes) > 100


def test_user_theme_choice_persists(lib: str, capsys) -> None:
    section = run_json(capsys, "--library", lib, "sections", "--query", "consular matricula")[0]
    tagged = run_json(
        capsys, "--library", lib, "tag", section["id"], "--add", "diaspora", "--remove", "human_rights"
    )
    assert "diaspora" in tagged["themes"] and "human_rights" not in tagged["themes"]
    code, _, _ = run(capsys, "--library", lib, "ingest", str(GCIM))
    assert code == 0
    again = run_json(capsys, "--library", lib, "show", section["id"])
    assert "diaspora" in again["themes"] and "human_rights" not in again["themes"]


def test_set_meeting(lib: str, capsys) -> None:
    meeting = next(m for m in run_json(capsys, "--library", lib, "meetings") if m["city"] is None)
    fixed = run_json(
        capsys, "--library", lib, "set-meeting", meeting["id"], "--city", "Geneva", "--country", "Switzerland"
    )
    assert (fixed["city"], fixed["country"]) == ("Geneva", "Switzerland")
    restored = run_json(capsys, "--library", lib, "set-meeting", meeting["id"], "--city", "", "--country", "")
    assert restored["city"] is None
    code, _, err = run(capsys, "--library", lib, "set-meeting", meeting["id"], "--start-date", "17 April")
    assert code == 1 and "YYYY-MM-DD" in err
    code, _, err = run(
        capsys,
        "--library",
        lib,
        "set-meeting",
        meeting["id"],
        "--start-date",
        "2019-03-01",
        "--end-date",
        "2019-02-01",
    )
    assert code == 1 and "before it starts" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sections", "--theme", "nonsense"], "unknown theme 'nonsense'"),
        (["sections", "--from", "last year"], "is not a date"),
        (["show", "s0000000000"], "no section with id 's0000000000'"),
        (["sections", "--meeting", "mnothing"], "no meeting with id 'mnothing'"),
    ],
)
def test_usage_errors_are_one_line(lib: str, capsys, args: list[str], message: str) -> None:
    code, out, err = run(capsys, "--library", lib, *args)
    assert code == 1 and out == ""
    assert message in err and err.count("\n") == 1 and err.startswith("briefer: error: ")


def test_bad_command_line_exits_2(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["sections", "--frobnicate"])
    assert exit_info.value.code == 2


@pytest.mark.parametrize(
    "args", [["--limit", str(10**20)], ["--limit", "-5"], ["--level", str(10**20)], ["--level", "0"]]
)
def test_numbers_out_of_range_are_usage_errors(lib: str, capsys, args: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--library", lib, "sections", *args])
    assert exit_info.value.code == 2
    assert "is not between" in capsys.readouterr().err


# --- bad input: each file named, the rest still goes in, the library unchanged otherwise ------


def _bad_files(folder: Path) -> dict[str, Path]:
    folder.mkdir()
    files = {
        "empty": folder / "empty.txt",
        "binary": folder / "junk.txt",
        "corrupt pdf": folder / "corrupt.pdf",
        "encrypted pdf": folder / "secret.pdf",
        "unsupported": folder / "sheet.xlsx",
        "huge": folder / "huge.txt",
    }
    files["empty"].write_bytes(b"")
    files["binary"].write_bytes(bytes(range(256)) * 50)
    files["corrupt pdf"].write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage")
    pdf = canvas.Canvas(str(files["encrypted pdf"]), encrypt=pdfencrypt.StandardEncryption("pw"))
    pdf.drawString(72, 720, "Confidential")
    pdf.save()
    files["unsupported"].write_bytes(b"PK")
    with open(files["huge"], "wb") as handle:
        handle.truncate(100 * 1024 * 1024)
    return files


def test_bad_files_are_reported_and_the_good_one_goes_in(tmp_path: Path, lib: str, capsys) -> None:
    bad = _bad_files(tmp_path / "bad")
    good = tmp_path / "new-report.txt"
    shutil.copy(SAMPLE_FILES[0], good)
    (tmp_path / "new-report.txt").write_text(
        good.read_text(encoding="utf-8").replace("Mexico City", "Mexico City (revised)"), encoding="utf-8"
    )
    missing = tmp_path / "missing.txt"
    code, out, err = run(capsys, "--library", lib, "ingest", *map(str, bad.values()), str(missing), str(good))
    assert code == 1
    errors = err.strip().splitlines()
    assert len(errors) == len(bad) + 1
    for path in [*bad.values(), missing]:
        assert sum(str(path) in line for line in errors) == 1, path
    for line in errors:
        assert line.startswith("briefer: error: ")
    assert "added" in out and "new-report.txt" in out


@pytest.mark.parametrize(
    "kind", ["empty", "binary", "corrupt pdf", "encrypted pdf", "unsupported", "huge", "missing"]
)
def test_each_bad_input_leaves_the_library_exactly_as_it_was(
    tmp_path: Path, lib: str, capsys, kind: str
) -> None:
    path = tmp_path / "missing.txt" if kind == "missing" else _bad_files(tmp_path / "bad")[kind]
    before = {p.name: p.read_bytes() for p in Path(lib).glob("*.json")}  # the store of record
    code, out, err = run(capsys, "--library", lib, "ingest", str(path))
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and str(path) in err
    after = {p.name: p.read_bytes() for p in Path(lib).glob("*.json")}
    assert after == before


def test_empty_folder_is_an_error(tmp_path: Path, lib: str, capsys) -> None:
    (tmp_path / "empty").mkdir()
    code, _, err = run(capsys, "--library", lib, "ingest", str(tmp_path / "empty"))
    assert code == 1 and "no .txt, .md, .pdf or .docx files" in err


# --- the user's own library --------------------------------------------------------------------


def test_default_library_starts_with_the_samples(capsys, _isolated_home: Path) -> None:
    meetings = run_json(capsys, "meetings")
    assert {m["source"]["file"] for m in meetings} == {p.name for p in SAMPLE_FILES}
    assert (_isolated_home / "data" / "Briefer" / "library" / "user.json").exists()
    code, _, err = run(capsys, "meetings")
    assert code == 0 and "setting up" not in err  # the samples come once


def test_library_from_the_environment(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("BRIEFER_LIBRARY", str(tmp_path / "env-library"))
    assert run_json(capsys, "meetings") == []
    assert (tmp_path / "env-library" / "user.json").exists()


def test_a_query_of_exclusions_alone_is_taken_as_a_query(lib: str, capsys) -> None:
    assert main(["--library", lib, "sections", "--query", "-smuggling", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found and not any("smuggl" in (s["heading"] + s["text"]).lower() for s in found)


def test_text_arguments_that_are_not_utf8_are_refused_in_one_line(lib: str, capsys) -> None:
    section = json.loads(run(capsys, "--library", lib, "sections", "--json")[1])[0]["id"]
    before = store_files(Path(lib))
    for args in (
        ["note", section, "caf\udce9"],
        ["sections", "--query", "caf\udce9"],
        ["rename", section, "\udcff"],
    ):
        code, out, err = run(capsys, "--library", lib, *args)
        assert code == 1 and "is not UTF-8 text" in err and err.count("\n") == 1, err
    assert store_files(Path(lib)) == before


def test_a_misspelt_query_is_answered_with_a_correction_to_run(lib: str, capsys) -> None:
    assert main(["--library", lib, "sections", "--query", "trafficing"]) == 0
    err = capsys.readouterr().err
    assert "0 section(s)" in err and "did you mean: trafficking? (--query trafficking)" in err
    assert main(["--library", lib, "sections", "--query", "trafficking"]) == 0
    assert "did you mean" not in capsys.readouterr().err
