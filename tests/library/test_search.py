"""Search over the library: the query language, ranking, snippets, facets, filters,
near-duplicates, and the index as derived data (rebuilt when missing, stale or damaged)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefer.ingest.pipeline import parse_document
from briefer.library import Library, SectionFilter
from briefer.library import index as index_module
from briefer.library.query import parse_query
from tests.conftest import SOURCES

GCIM = SOURCES / "gcim-regional-hearing-americas-2005.txt"


@pytest.fixture
def library(library_copy: Path) -> Library:
    return Library.open(library_copy)


def _texts(result) -> list[str]:
    return [f"{hit.section.heading}\n{hit.section.text}".casefold() for hit in result.hits]


# --- the query language ----------------------------------------------------------------------


def test_parse_query() -> None:
    query = parse_query('remittance "agreed language" remit* -smuggling -"human trafficking" d\'Ivoire')
    assert query.include == ['"remittance"', '"agreed language"', '"remit"*', '"d Ivoire"']
    assert query.exclude == [
        '("smuggling" OR "smuggl"*)',
        '"human trafficking"',
    ]  # every form of an excluded word
    assert parse_query('  "" - * ').empty


@pytest.mark.parametrize(
    "text",
    [
        'say "a""b"',
        '"unclosed',
        "AND OR NOT",
        "a*b*",
        "-",
        "(x) NEAR/2 y",
        "^caret",
        "a AND OR b",
        "a b OR c",
    ],
)
def test_any_typing_is_a_valid_query(library_copy: Path, text: str) -> None:
    Library.open(library_copy).search(SectionFilter(query=text))  # no FTS5 syntax error, ever


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["a", "b", "OR", "AND", "NOT", "NEAR", "-", '"', "*", "(", ")", "^", ":", "+", "é", " "]
        ),
        max_size=12,
    ).map(" ".join)
)
def test_no_typing_makes_an_expression_fts5_refuses(text: str) -> None:
    if not index_module.fts5_available():
        pytest.skip("no FTS5 here")
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE t USING fts5(heading, body, tokenize = 'porter unicode61 remove_diacritics 2')"
    )
    query = parse_query(text)
    for expression in (query.match_expression(), query.exclusion_expression()):
        if expression is not None:
            db.execute("SELECT rowid FROM t WHERE t MATCH ?", (expression,)).fetchall()


def test_words_phrases_prefixes_and_exclusions(library: Library) -> None:
    both = library.search(SectionFilter(query="consular matricula"))
    assert [hit.section.heading for hit in both.hits] == ["Country of origin responsibilities"]
    phrase = library.search(SectionFilter(query='"money flows back south"'))
    assert [hit.section.heading for hit in phrase.hits] == ["Migrant remittances"]
    assert library.search(SectionFilter(query='"flows money back"')).total == 0
    prefix = library.search(SectionFilter(query="xenophob*"))
    assert prefix.total >= 3 and all("xenophob" in text for text in _texts(prefix))
    trafficking = library.search(SectionFilter(query="trafficking"))
    without = library.search(SectionFilter(query="trafficking -smuggling"))
    assert 0 < without.total < trafficking.total
    assert not any("smuggl" in text for text in _texts(without))
    only_exclusion = library.search(SectionFilter(query="-remittances"))
    assert 0 < only_exclusion.total < len(library.sections())
    assert not any("remittance" in text for text in _texts(only_exclusion))


def test_word_forms_case_and_accents(library: Library, tmp_path: Path) -> None:
    singular = {hit.section.id for hit in library.search(SectionFilter(query="remittance")).hits}
    plural = {hit.section.id for hit in library.search(SectionFilter(query="REMITTANCES")).hits}
    assert singular == plural and len(singular) > 10
    report = tmp_path / "abidjan.txt"
    report.write_text(
        "Regional consultation\n\nThe consultation on labour mobility was held in Abidjan, Côte d’Ivoire, "
        "on 3 May 2012. Participants from Côte d’Ivoire and Sénégal discussed recruitment fees.\n",
        encoding="utf-8",
    )
    library.add_documents([parse_document(report)])
    for query in ("Cote d'Ivoire", '"cote d ivoire"', "ABIDJAN", "côte d’ivoire sénégal"):
        assert [hit.section.source_file for hit in library.search(SectionFilter(query=query)).hits] == [
            "abidjan.txt"
        ], query


# --- ranking, snippets, facets ---------------------------------------------------------------


def test_or_finds_either_word(library: Library) -> None:
    def found(query: str) -> set[str]:
        return {h.section.id for h in library.search(SectionFilter(query=query)).hits}

    either = found("xenophobia OR matricula")
    assert either == found("xenophobia") | found("matricula") and found("matricula") - found("xenophobia")
    assert found("remittances OR diaspora -smuggling") == (found("remittances") | found("diaspora")) - found(
        "smuggling"
    )


def test_ranking_puts_the_right_sections_first(library: Library) -> None:
    result = library.search(SectionFilter(query="remittance costs"), limit=3)
    assert result.hits[0].section.heading.startswith(
        "2. Impact of remittances, reducing remittance transfer costs"
    )
    assert "remittances" in result.hits[1].section.theme_ids
    scores = [hit.score for hit in library.search(SectionFilter(query="remittance costs")).hits]
    assert scores == sorted(scores, reverse=True)
    top = library.search(SectionFilter(query="trafficking -smuggling"), limit=3)
    assert all("trafficking_smuggling" in hit.section.theme_ids for hit in top.hits)


def test_snippets_mark_the_matched_words(library: Library) -> None:
    result = library.search(SectionFilter(query="remittance costs"), limit=5)
    for hit in result.hits:
        assert hit.highlights and len(hit.snippet) < 400
        for start, end in hit.highlights:
            marked = hit.snippet[start:end].casefold()
            assert marked.startswith(("remittance", "cost")), marked


def test_facets_count_the_current_results(library: Library) -> None:
    result = library.search(SectionFilter(query="migrant workers", themes=["human_rights"]))
    hits = result.hits
    assert result.total == len(hits) > 0
    expected_themes: dict[str, int] = {}
    for hit in hits:
        for theme in hit.section.theme_ids:
            expected_themes[theme] = expected_themes.get(theme, 0) + 1
    assert result.theme_counts == expected_themes
    assert result.theme_counts["human_rights"] == result.total
    expected_meetings: dict[str, int] = {}
    for hit in hits:
        expected_meetings[hit.section.meeting_id] = expected_meetings.get(hit.section.meeting_id, 0) + 1
    assert result.meeting_counts == expected_meetings


def test_filters(library: Library) -> None:
    gcim = library.search(SectionFilter(organizer="global commission"))
    assert {library.meeting(h.section.meeting_id).title for h in gcim.hits} == {"Hearing for the Americas"}
    mexico = library.search(SectionFilter(country="mexico"))
    assert mexico.total == gcim.total
    level3 = library.search(SectionFilter(levels=[3]))
    assert level3.total and all(hit.section.level == 3 for hit in level3.hits)
    since = library.search(SectionFilter(themes=["human_rights"], date_from="2005-01-01"))
    assert since.total and all(
        library.meeting(h.section.meeting_id).start_date >= "2005-01-01" for h in since.hits
    )
    annexes = library.search(SectionFilter(kinds=("annex",)))
    assert [hit.section.heading for hit in annexes.hits] == ["Annex"]
    edited = library.update_meeting(gcim.hits[0].section.meeting_id, country="Chile")
    assert library.search(SectionFilter(country="chile")).total == gcim.total
    assert library.search(SectionFilter(country="mexico")).total == 0
    assert edited.country == "Chile"


def test_user_theme_changes_reach_filters_and_facets(library: Library) -> None:
    section = library.search(SectionFilter(query="consular matricula")).hits[0].section
    before = library.theme_counts().get("diaspora", 0)
    library.set_section_themes(section.id, add=["diaspora"])
    assert library.theme_counts()["diaspora"] == before + 1
    assert section.id in {h.section.id for h in library.search(SectionFilter(themes=["diaspora"])).hits}
    library.set_section_heading(section.id, "Consular ID cards for migrants")
    assert library.search(SectionFilter(query="consular ID cards")).hits[0].section.id == section.id


# --- near-duplicates -------------------------------------------------------------------------


def test_near_duplicates_across_meetings(tmp_path: Path) -> None:
    folder = tmp_path / "library"
    library = Library.open(folder)
    next_year = tmp_path / "gcim-follow-up-2006.txt"
    text = GCIM.read_text(encoding="utf-8").replace("On 16-17 May 2005", "On 20-21 June 2006")
    # Agreed language repeated with a few words changed, and one section rewritten.
    text = text.replace("some $16 billion were remitted", "some $18 billion were remitted")
    start, end = text.index("Human trafficking\n"), text.index("The problem of xenophobia\n")
    text = (
        text[:start]
        + "Human trafficking\nThe follow-up meeting did not discuss trafficking at length.\n"
        + text[end:]
    )
    next_year.write_text(text, encoding="utf-8")
    library.add_documents([parse_document(GCIM), parse_document(next_year)])
    remittances = [h for h in library.search(SectionFilter(query='"money flows back south"')).hits]
    assert len(remittances) == 2
    first, second = remittances
    assert first.duplicates == [second.section.id] and second.duplicates == [first.section.id]
    trafficking = library.search(SectionFilter(query="trafficking", meeting_id=second.section.meeting_id))
    assert all(not hit.duplicates for hit in trafficking.hits if hit.section.heading == "Human trafficking")
    # The user says they are not duplicates; the choice is kept.
    library.mark_not_duplicate(first.section.id, second.section.id)
    assert library.duplicates_of(first.section.id) == []
    reopened = Library.open(folder)
    reopened.index.discard()  # even when the index is built again from the files
    assert Library.open(folder).duplicates_of(first.section.id) == []
    Library.open(folder).mark_not_duplicate(first.section.id, second.section.id, not_duplicate=False)
    assert Library.open(folder).duplicates_of(first.section.id) == [second.section.id]


# --- the index is derived data ---------------------------------------------------------------


def _everything(library: Library) -> list[tuple]:
    result = library.search(SectionFilter())
    return [
        (h.section.id, h.section.heading, tuple(h.section.theme_ids), h.section.text) for h in result.hits
    ]


def test_a_missing_index_is_built_again(library_copy: Path) -> None:
    library = Library.open(library_copy)
    library.set_section_note(library.sections()[0].id, "kept")
    expected = _everything(library)
    library.index.discard()
    assert not (library_copy / "index.sqlite3").exists()
    again = Library.open(library_copy)
    assert _everything(again) == expected
    assert again.sections()[0].note == "kept"


def test_a_damaged_index_is_built_again(library_copy: Path) -> None:
    library = Library.open(library_copy)
    expected = _everything(library)
    library.index.close()
    (library_copy / "index.sqlite3").write_bytes(b"this is not a database at all" * 100)
    assert _everything(Library.open(library_copy)) == expected


def test_a_stale_index_catches_up_with_another_process(library_copy: Path, tmp_path: Path) -> None:
    mine = Library.open(library_copy)
    section = mine.sections()[0]
    # Another process wrote user.json and was killed before it updated the index.
    from tinydb import TinyDB

    from briefer.library.storage import AtomicJSONStorage

    with TinyDB(library_copy / "user.json", storage=AtomicJSONStorage) as raw:
        raw.table("section_edits").insert({"section_id": section.id, "note": "written elsewhere"})
    assert mine.refresh_if_changed()
    assert mine.section(section.id).note == "written elsewhere"
    other = Library.open(library_copy)  # another process, sharing the index
    report = tmp_path / "extra.txt"
    report.write_text(
        "Workshop on remittances\n\nThe workshop on remittance costs was held in Dakar on 4 May 2010. "
        "Participants discussed the cost of sending money home through mobile phones and banks.\n",
        encoding="utf-8",
    )
    other.add_documents([parse_document(report)])
    mine.refresh_if_changed()
    assert "extra.txt" in {
        hit.section.source_file for hit in mine.search(SectionFilter(query="mobile phones")).hits
    }
    assert not mine.refresh_if_changed()


def test_without_fts5_the_same_sections_are_found(library_copy: Path, monkeypatch) -> None:
    with_fts = Library.open(library_copy)
    queries = [
        "consular matricula",
        '"money flows back south"',
        "xenophob*",
        "traffick* -smuggling",
        "xenophob* OR matricula",
    ]
    expected = {q: {h.section.id for h in with_fts.search(SectionFilter(query=q)).hits} for q in queries}
    with_fts.index.close()
    monkeypatch.setattr(index_module, "fts5_available", lambda: False)
    plain = Library.open(library_copy)
    assert not plain.index.fts
    for query in queries:
        found = {h.section.id for h in plain.search(SectionFilter(query=query)).hits}
        assert found == expected[query], query
    hit = plain.search(SectionFilter(query="consular matricula")).hits[0]
    assert [hit.snippet[a:b].casefold() for a, b in hit.highlights][:2] == ["consular", "matricula"]


def test_copying_a_library_elsewhere_keeps_everything(library_copy: Path, tmp_path: Path) -> None:
    library = Library.open(library_copy)
    section = library.sections()[3]
    library.set_section_themes(section.id, add=["south_south"])
    moved = tmp_path / "usb-stick" / "library"
    shutil.copytree(library_copy, moved)
    assert "south_south" in Library.open(moved).section(section.id).theme_ids


def test_near_duplicates_found_piece_by_piece_are_those_of_a_whole_rebuild(tmp_path: Path) -> None:
    """Documents added in batches, one replaced by a changed version, "not a duplicate"
    choices, edits: the groups and the reading order kept up to date piece by piece are
    those a rebuild finds."""
    from dataclasses import replace

    from bench.library_gen import generated_documents

    documents = generated_documents(1200, seed=3)
    folder = tmp_path / "library"
    library = Library.open(folder)
    for start in range(0, len(documents), len(documents) // 4 + 1):
        library.add_documents(documents[start : start + len(documents) // 4 + 1])
    # A colleague's new version of a report: a section that had a near-duplicate is gone
    # (its pair goes, its group splits), and another now repeats a third report's text.
    before = {s.id: library.duplicates_of(s.id) for s in library.sections()}
    dropped = library.section(next(sid for sid, others in before.items() if others))
    changed = next(d for d in documents if d.file_name == dropped.source_file)
    (meeting,) = changed.meetings
    kept = [p for p in meeting.sections if "\n\n".join(p.paragraphs) != dropped.text]
    borrowed = next(d for d in documents if d is not changed).meetings[0].sections[0]
    sections = [replace(kept[0], paragraphs=list(borrowed.paragraphs)), *kept[1:]]
    new_version = replace(changed, sha256="0" * 64, meetings=[replace(meeting, sections=sections)])
    assert [o.status for o in library.add_documents([new_version])] == ["updated"]
    groups = {s.id: library.duplicates_of(s.id) for s in library.sections()}
    paired = [sid for sid, others in groups.items() if others]
    assert len(paired) >= 20  # the generated reports repeat agreed language
    library.mark_not_duplicate(paired[0], groups[paired[0]][0])
    moved = library.meetings()[0]  # a corrected date moves its sections in the reading order
    library.update_meeting(moved.id, start_date="2030-01-01", end_date="2030-01-02")
    library.set_section_themes(paired[1], add=["south_south"])
    incremental = {s.id: library.duplicates_of(s.id) for s in library.sections()}
    order = [(s.id, s.heading, s.theme_ids) for s in library.sections()]
    assert order[-1][0] in {s.id for s in library.sections() if s.meeting_id == moved.id}

    (folder / "index.sqlite3").unlink()
    rebuilt = Library.open(folder)
    assert {s.id: rebuilt.duplicates_of(s.id) for s in rebuilt.sections()} == incremental
    assert [(s.id, s.heading, s.theme_ids) for s in rebuilt.sections()] == order
    assert groups[paired[0]][0] not in incremental[paired[0]]


def test_a_rebuild_sketching_in_a_helper_process_finds_the_same_groups(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big library's rebuild hands the near-duplicate sketches to a helper process, batch
    by batch; one that cannot start leaves the work here. Both give the groups of a
    rebuild done here only."""
    from concurrent.futures import ProcessPoolExecutor

    from bench.library_gen import generate
    from briefer.library import duplicates

    folder = tmp_path / "library"
    generate(folder, 600, seed=5)

    def groups_after_rebuild() -> dict[str, list[str]]:
        (folder / "index.sqlite3").unlink()
        library = Library.open(folder)
        return {s.id: library.duplicates_of(s.id) for s in library.sections()}

    monkeypatch.setattr(duplicates, "_cores", lambda: 1)
    here = groups_after_rebuild()
    assert sum(1 for others in here.values() if others) >= 10

    started: list[ProcessPoolExecutor] = []
    real_pool = duplicates.ProcessPoolExecutor

    def pool(*args: object, **kwargs: object) -> ProcessPoolExecutor:
        started.append(real_pool(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(duplicates, "_cores", lambda: 2)
    monkeypatch.setattr(duplicates.Sketcher, "_BATCH_CHARACTERS", 20_000)  # many batches
    monkeypatch.setattr(duplicates, "ProcessPoolExecutor", pool)
    assert groups_after_rebuild() == here
    assert len(started) == 1  # the helper did the work

    def no_pool(*args: object, **kwargs: object) -> ProcessPoolExecutor:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(duplicates, "ProcessPoolExecutor", no_pool)
    assert groups_after_rebuild() == here


def test_highlights_mark_exactly_what_matched() -> None:
    from briefer.library.index import matches
    from briefer.library.query import parse_query

    text = "Human rights in the International Convention; rights of migrants, migrating in groups."

    def marked(query: str) -> list[str]:
        return [text[s:e] for s, e, _ in matches(text, parse_query(query).terms)]

    assert marked("rights in") == ["rights", "in", "rights", "in"]  # not "International"
    assert marked('"rights in"') == ["rights in"]  # the phrase, not its words alone
    assert marked("migrant") == ["migrants"]  # the endings the index joins
    assert marked("migr*") == ["migrants", "migrating"]
    assert marked("convention -smuggling") == ["Convention"]
    assert marked("Côte") == [] and marked("") == []
