"""Theme tagging on a few sentences: the shipped taxonomy gives the themes a delegation officer
would give, and none to text about something else; and the matching rules on a small lexicon
made here (whole words, stems, the longest term, the heading's weight, the cut-offs)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefer import paths
from briefer.errors import BrieferError
from briefer.ingest.themes import HEADING_WEIGHT, MAX_THEMES, MIN_SCORE, Lexicon, Theme, default_lexicon

LEXICON = default_lexicon()
TAXONOMY = {theme["id"] for theme in json.loads(paths.themes_file().read_text(encoding="utf-8"))["themes"]}


def _themes(text: str, heading: str = "") -> list[str]:
    return [match.theme for match in LEXICON.tag(heading, text)]


# --- the shipped taxonomy ---------------------------------------------------------------------


def test_the_lexicon_holds_the_taxonomys_themes() -> None:
    assert {theme.id for theme in LEXICON.themes} == TAXONOMY
    assert len(LEXICON.themes) == len(TAXONOMY)  # each id once
    assert all(theme.label and theme.terms for theme in LEXICON.themes)


@pytest.mark.parametrize(
    ("text", "theme", "term"),
    [
        (
            "Remittances sent home by migrants exceed official aid; the cost of money transfers remains "
            "high and transfer costs should fall.",
            "remittances",
            "money transfers",
        ),
        (
            "Victims of human trafficking need protection, and traffickers and smugglers must be prosecuted.",
            "trafficking_smuggling",
            "human trafficking",
        ),
        (
            "Asylum seekers and refugees fleeing persecution need international protection; UNHCR recalled "
            "the principle of non-refoulement.",
            "refugees_asylum",
            "non-refoulement",
        ),
        (
            "Recruitment agencies charge migrant workers high fees; labour market needs and decent work were "
            "discussed.",
            "labour_migration",
            "decent work",
        ),
        (
            "Environmental degradation and disasters displace people, and climate change will add to this.",
            "environment_climate",
            "climate change",
        ),
        (
            "Unaccompanied minors and separated children cross borders alone; UNICEF recalled the best "
            "interests of the child.",
            "children_youth",
            "separated children",
        ),
        (
            "The brain drain of health workers from Africa worries ministries.",
            "brain_drain_health",
            "brain drain",
        ),
        (
            "Returnees need help to reintegrate; assisted voluntary return programmes were presented.",
            "return_reintegration",
            "assisted voluntary return",
        ),
        (
            "Census data and household surveys are scarce; data collection on migration must improve.",
            "data_research",
            "data collection",
        ),
        (
            "Civil society organizations and NGOs took part in the hearings with the private sector.",
            "civil_society_partnerships",
            "civil society",
        ),
    ],
)
def test_a_section_gets_the_theme_it_is_about(text: str, theme: str, term: str) -> None:
    matches = LEXICON.tag("", text)
    assert matches and matches[0].theme == theme
    assert term in matches[0].evidence
    assert {match.theme for match in matches} <= TAXONOMY


@pytest.mark.parametrize(
    "text",
    [
        "The weather in the capital was pleasant and lunch was served at noon in the garden of the hotel.",
        "The football match ended in a draw after extra time.",
        "Banks were closed on Monday.",  # one passing mention of a weak term
        "",
    ],
)
def test_unrelated_text_gets_no_theme(text: str) -> None:
    assert _themes(text) == []


def test_a_section_gets_at_most_three_themes_each_with_its_evidence() -> None:
    text = (
        "Women domestic workers who are undocumented send remittances home; traffickers exploit them, "
        "and their human rights, their gender and their irregular status were discussed. Refugees and "
        "asylum seekers, diaspora associations and returnees were also mentioned."
    )
    matches = LEXICON.tag("", text)
    assert 1 <= len(matches) <= MAX_THEMES
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    assert all(m.score >= MIN_SCORE and m.evidence for m in matches)


def test_words_shared_by_two_themes_count_for_both() -> None:
    """ "Domestic workers" is a term of labour migration, and gender's "domestic worker*"."""
    scores = LEXICON.score("", "Domestic workers, most of them women, work in private homes.")
    assert "domestic workers" in scores["labour_migration"]
    assert "domestic workers" in scores["gender"]
    text = "Domestic workers, most of them women, are employed in private homes without contracts."
    assert _themes(text) == ["gender"]  # (labour's "domestic workers" alone is a passing mention)
    scores = LEXICON.score("", "trade unions")
    assert "trade unions" in scores["civil_society_partnerships"]
    assert "trade unions" in scores["labour_migration"]


def test_the_heading_weighs_double() -> None:
    in_text = LEXICON.score("", "remittances")["remittances"]["remittances"]
    in_heading = LEXICON.score("Remittances", "")["remittances"]["remittances"]
    assert in_heading == HEADING_WEIGHT * in_text > 0
    assert _themes("Banks were closed.") == [] and _themes("", heading="Remittances") == ["remittances"]


# --- the matching rules, on a lexicon made here ------------------------------------------------


def _lexicon(**themes: dict[str, int]) -> Lexicon:
    return Lexicon([Theme(name, name.title(), "", terms) for name, terms in themes.items()])


def test_terms_match_whole_words_ignoring_case() -> None:
    lexicon = _lexicon(aid={"aid": 5})
    assert lexicon.score("", "He said the AID was late")["aid"] == {"aid": 5.0}
    assert dict(lexicon.score("", "He said it was raided")) == {}


def test_a_star_lets_the_last_word_run_on() -> None:
    lexicon = _lexicon(money={"remittance*": 5, "money transfer*": 4})
    scores = lexicon.score("", "Remittances and money transfers, money transferred; a remit")
    assert scores["money"] == {"remittances": 5.0, "money transfers": 4.0, "money transferred": 4.0}


def test_the_longest_term_wins_and_spends_its_words() -> None:
    lexicon = _lexicon(a={"transfer": 2, "money transfer operator": 5}, b={"operator": 3})
    scores = lexicon.score("", "a money transfer operator and a transfer")
    assert dict(scores["a"]) == {"money transfer operator": 5.0, "transfer": 2.0}
    assert "b" not in scores  # "operator" was part of the longer term


def test_a_hyphenated_word_is_one_word_an_apostrophe_and_a_footnote_mark_end_one() -> None:
    lexicon = _lexicon(rights={"rights": 5, "migrants": 4})
    scores = lexicon.score("", "a rights-based approach to migrants' rights⁵")
    assert dict(scores["rights"]) == {"migrants": 4.0, "rights": 5.0}  # not "rights-based"


def test_a_theme_needs_the_minimum_score_and_a_share_of_the_best() -> None:
    lexicon = _lexicon(strong={"remittances": 5}, weak={"banks": 2}, second={"fees": 4})
    assert [m.theme for m in lexicon.tag("", "banks")] == []  # below MIN_SCORE
    assert [m.theme for m in lexicon.tag("", "banks banks")] == ["weak"]  # 4 points
    text = "remittances remittances remittances fees banks banks"
    # 15 for the best; "fees" (4) is below 35 % of it; "banks" (4) too.
    assert [(m.theme, m.score) for m in lexicon.tag("", text)] == [("strong", 15.0)]
    assert [m.theme for m in lexicon.tag("", "remittances fees fees")] == ["second", "strong"]


def test_at_most_three_themes_the_best_first() -> None:
    lexicon = _lexicon(**{name: {name: 5} for name in ("alpha", "beta", "gamma", "delta")})
    matches = lexicon.tag("", "delta delta gamma beta alpha")
    assert [(m.theme, m.score) for m in matches] == [("delta", 10.0), ("alpha", 5.0), ("beta", 5.0)]


def test_a_damaged_theme_list_is_a_clear_error(tmp_path: Path) -> None:
    damaged = tmp_path / "themes.json"
    damaged.write_text('{"themes": [{"id": "x"}]}', encoding="utf-8")
    with pytest.raises(BrieferError, match="the theme list cannot be read"):
        Lexicon.load(damaged)
    with pytest.raises(BrieferError, match=str(tmp_path / "missing.json").replace("\\", "\\\\")):
        Lexicon.load(tmp_path / "missing.json")
