"""'Did you mean …?': a search's typos corrected from the library's own words."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefer.ingest.pipeline import parse_document
from briefer.library import Library, SectionFilter
from briefer.library.index import fts5_available

pytestmark = pytest.mark.skipif(not fts5_available(), reason="SQLite without FTS5")


@pytest.fixture(scope="module")
def library(sample_library_dir: Path) -> Library:
    return Library.open(sample_library_dir)


def _found(library: Library, query: str) -> int:
    return library.search(SectionFilter(query=query), limit=0).total


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("trafficing", "trafficking"),
        ("remitances costs", "remittances costs"),
        ("diaspra -smuggling", "diaspora -smuggling"),
        ("Geneve", "Geneva"),  # a name the library holds, in the case it was typed
        ("migrants rigths OR duties", "migrants rights OR duties"),
    ],
)
def test_a_misspelt_word_is_offered_corrected_and_the_correction_finds_more(library, typed, meant):
    assert library.suggest(typed) == meant
    assert _found(library, meant) > _found(library, typed)


@pytest.mark.parametrize("typed", ["trafficking", "remit*", '"remitances"', "-trafficing", "xqzvwk", "OR"])
def test_nothing_is_offered_for_a_right_word_a_prefix_a_phrase_an_exclusion_or_nonsense(library, typed):
    assert library.suggest(typed) is None


def test_a_typo_found_in_a_few_reports_is_still_corrected(tmp_path):
    library = Library.open(tmp_path / "library")
    body = (
        "Participants from countries of origin and destination discussed the costs of sending money "
        "home, the role of banks and post offices, and the data needed to follow these flows over time."
    )
    sections = [f"I. The remitances of migrants\n\n1. {body} The remitances were large."] + [
        f"{roman}. Remittances in {year}\n\n{n}. {body} Remittances fell in {year}."
        for n, (roman, year) in enumerate(zip(["II", "III", "IV", "V", "VI", "VII"], range(2003, 2009)), 2)
    ]
    report = tmp_path / "report.txt"
    report.write_text(
        "Report of the Regional Consultation on Remittances\n\nGeneva, 3-4 May 2012\n\n"
        + "\n\n".join(sections),
        encoding="utf-8",
    )
    library.add_documents([parse_document(report)])
    assert 0 < _found(library, "remitances") < _found(library, "remittances")
    assert library.suggest("remitances") == "remittances"
