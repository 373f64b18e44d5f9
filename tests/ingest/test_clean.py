"""The line cleaners, on real snippets from the sample reports and with property tests."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefer.ingest import clean
from briefer.ingest.vocabulary import Vocabulary
from tests.conftest import SOURCES

# --- repeated runs: bold drawn several times, interleaved fragments, small capitals --------

REPEATS = [
    # (raw line from the sources, what it must become)
    (" I. I. I. I. IntroductionIntroductionIntroductionIntroduction    ", "I. Introduction"),
    (" About UNITARAbout UNITARAbout UNITARAbout UNITAR    ", "About UNITAR"),
    (
        "UNITAR and the Migration and DevelopUNITAR and the Migration and DevelopUNITAR and the "
        "Migration and DevelopUNITAR and the Migration and Development Series ment Series ment "
        "Series ment Series     ",
        "UNITAR and the Migration and Development Series",
    ),
    (" WWWWORKSHOP ORKSHOP ORKSHOP ORKSHOP RRRREPORTEPORTEPORTEPORT    ", "WORKSHOP REPORT"),
    (
        "UNITAR/UNFPA/IOMUNITAR/UNFPA/IOMUNITAR/UNFPA/IOMUNITAR/UNFPA/IOM    KKKKEY EY EY EY "
        "MMMMIGRATION IGRATION IGRATION IGRATION IIIISSUES SSUES SSUES SSUES WWWWORKSHOP ORKSHOP "
        "ORKSHOP ORKSHOP SSSSERIERIERIERIESESESES::::    ",
        "UNITAR/UNFPA/IOM KEY MIGRATION ISSUES WORKSHOP SERIES:",
    ),
    (
        "HIV,HIV,HIV,HIV,    AIDSAIDSAIDSAIDS AND  AND  AND  AND MMMMIGRATIONIGRATIONIGRATIONIGRATION3333",
        "HIV, AIDS AND MIGRATION3",
    ),
    (
        "SUMMARY OF INTERVENTSUMMARY OF INTERVENTSUMMARY OF INTERVENTSUMMARY OF "
        "INTERVENTIONIONIONIONSSSS    ",
        "SUMMARY OF INTERVENTIONS",
    ),
    (
        "Given that fGiven that fGiven that fGiven that factors such as socioactors such as "
        "socioactors such as socioactors such as socio----economic position, living conditions, "
        "legal status, economic position, living conditions, legal status, economic position, "
        "living conditions, legal status, economic position, living conditions, legal status, ",
        "Given that factors such as socio-economic position, living conditions, legal status,",
    ),
    (
        "In his introductory address, Professor Ronald SkeldonProfessor Ronald SkeldonProfessor "
        "Ronald SkeldonProfessor Ronald Skeldon from the University of Sussex, ",
        "In his introductory address, Professor Ronald Skeldon from the University of Sussex,",
    ),
    (
        " 1111stststst Session: Session: Session: Session: Living undocumented: the status of "
        "irregular migrants Living undocumented: the status of irregular migrants Living "
        "undocumented: the status of irregular migrants Living undocumented: the status of "
        "irregular migrants    ",
        "1st Session: Living undocumented: the status of irregular migrants",
    ),
    (
        "engage in sector-specific voluntary work. It was stressed that inininin these cases, "
        "these cases, these cases, these cases, ",
        "engage in sector-specific voluntary work. It was stressed that in these cases,",
    ),
    (
        "therefore one of the major challenges facing diasporas and home countries.  therefore one "
        "of the major challenges facing diasporas and home countries.  therefore one of the major "
        "challenges facing diasporas and home countries.  therefore one of the major challenges "
        "facing diasporas and home countries.      ",
        "therefore one of the major challenges facing diasporas and home countries.",
    ),
    ("IntroductionIntroductionIntroduction", "Introduction"),
    ("Session I:Session I: Opening", "Session I: Opening"),
]


@pytest.mark.parametrize(("raw", "expected"), REPEATS)
def test_collapse_repeats_on_real_lines(raw: str, expected: str) -> None:
    assert clean.squeeze_spaces(clean.collapse_repeats(raw)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "the had had effect",  # real doubled words stay
        "Walla Walla is a city",
        "a win-win outcome for all",
        "see www.iom.int for more",
        "Mr. Koser and Mr. Koser's report",
        "the 1990 Convention, the 1990 Convention's emphasis",
        "murmur",
    ],
)
def test_collapse_repeats_leaves_real_repetition(text: str) -> None:
    assert clean.collapse_repeats(text) == text


def test_whole_bold_line_is_measured_as_repeated() -> None:
    _, share = clean.collapse_repeats_measured(
        "Demographic factorsDemographic factorsDemographic factorsDemographic factors    "
    )
    assert share > 0.9
    _, share = clean.collapse_repeats_measured(
        "Mr. Jose Miguel GuzmanMr. Jose Miguel GuzmanMr. Jose Miguel GuzmanMr. Jose Miguel Guzman, "
        "Chief, Population and Development Area, CELADE-"
    )
    assert share < 0.8  # only the name is bold: not a heading


def test_undouble_small_caps() -> None:
    assert clean.undouble_small_caps("TTHE RREPORT of the meeting") == "THE REPORT of the meeting"
    assert clean.undouble_small_caps("the LLDCs and AAA ratings") == "the LLDCs and AAA ratings"


# --- PDF operators ------------------------------------------------------------------------


def test_pdf_operator_debris_is_cut_and_marked() -> None:
    line = (
        "She recalled that, given the ssMs. Martiocking O3tangD -20 -Tj 129hd.0781 Tw (Ms. "
        "MartithTw m1 Tw (Ms. mlp/f eis) Tj 4.5 0-4mation on inteTj n not on2397leva"
    )
    assert clean.strip_pdf_operators(line) == "She recalled that, given the […]"
    line = "less volatile than the flows of foreign direct investment (FID) oriTc 1.1607 Tw 1.160e5d"
    assert (
        clean.strip_pdf_operators(line)
        == "less volatile than the flows of foreign direct investment (FID) […]"
    )


def test_pdf_operators_in_the_middle_keep_the_text_after() -> None:
    line = "the rate was 0 0 1 rg BT /F1 12 Tf 72 712 Td (Hello) Tj ET and then the meeting continued as planned."
    assert clean.strip_pdf_operators(line) == "the rate was […] and then the meeting continued as planned."


@pytest.mark.parametrize(
    "text",
    [
        "referring to Manuel Orozco’s “5Ts”: trade, transfer, transport, telecom and tourism.",
        "the 3 Ds of migration policy",
        "Mode 4 of the GATS covers 0.5 per cent of trade",
    ],
)
def test_pdf_operator_lookalikes_stay(text: str) -> None:
    assert clean.strip_pdf_operators(text) == text


# --- hyphens ----------------------------------------------------------------------------------


def _no_vocabulary(word: str) -> int:
    return 0


@pytest.mark.parametrize(
    ("left", "right", "joined"),
    [
        ("migra", "tion", True),
        ("in", "formation", True),
        ("develop", "ment", True),
        ("rights", "based", False),
        ("capacity", "building", False),
        ("Secretary", "General", False),
        ("life", "saving", False),
        ("inter", "agency", False),
        ("co", "responsibility", False),
        ("decision", "making", False),
    ],
)
def test_line_end_hyphens(left: str, right: str, joined: bool) -> None:
    assert clean.should_join_hyphen(left, right, _no_vocabulary) is joined


def test_document_usage_decides_a_hyphen() -> None:
    counts = {"policy-makers": 3}
    assert not clean.should_join_hyphen("policy", "makers", lambda w: counts.get(w, 0))
    counts = {"policymakers": 3}
    assert clean.should_join_hyphen("policy", "makers", lambda w: counts.get(w, 0))


def test_join_line_end_hyphen_moves_the_word() -> None:
    first, second = clean.join_line_end_hyphen(
        "the movement of people across interna-", "tional borders, it was said", _no_vocabulary
    )
    assert first == "the movement of people across international"
    assert second == "borders, it was said"
    first, second = clean.join_line_end_hyphen("a rights-", "based approach", _no_vocabulary)
    assert (first, second) == ("a rights-", "based approach")


def test_restore_dropped_hyphens() -> None:
    compounds = Vocabulary("the capacity-building measures").compounds()
    text = "the need for additional capacitybuilding at the national level"
    assert clean.restore_dropped_hyphens(text, compounds) == (
        "the need for additional capacity-building at the national level"
    )
    # Without the document's word for it, no hyphen is invented ("panellists").
    assert clean.restore_dropped_hyphens("the panellists agreed", compounds) == "the panellists agreed"
    assert (
        clean.restore_dropped_hyphens("policymakers and stakeholders", {}) == "policymakers and stakeholders"
    )


def test_markdown_emphasis_is_dropped() -> None:
    assert clean.strip_emphasis_markers("discussed “**Effective Respect for Rights**”.") == (
        "discussed “Effective Respect for Rights”."
    )
    assert clean.strip_emphasis_markers("**INFORMAL CONSULTATIONS ON") == "INFORMAL CONSULTATIONS ON"
    assert clean.strip_emphasis_markers("MIGRATION**") == "MIGRATION"
    assert clean.strip_emphasis_markers("2 * 3 = 6") == "2 * 3 = 6"
    assert clean.strip_emphasis_markers("the report *Strengthening the UN*² said") == (
        "the report Strengthening the UN² said"
    )


# --- properties -------------------------------------------------------------------------------


def _clean_sentences() -> list[str]:
    """Real sentences from the one sample whose text came out of its PDF without noise."""
    text = (SOURCES / "gcim-regional-hearing-americas-2005.txt").read_text(encoding="utf-8")
    # Body lines only: a heading glued to the sentence after it reads "Human trafficking
    # Human trafficking was identified...", which no report prints on one line.
    text = " ".join(line.strip() for line in text.splitlines() if len(line) > 60)
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z])", text)
    return [s for s in sentences if 30 < len(s) < 400]


SENTENCES = _clean_sentences()
LINE_FUNCTIONS = [
    clean.normalize_characters,
    clean.collapse_repeats,
    clean.strip_emphasis_markers,
    clean.undouble_small_caps,
    clean.strip_pdf_operators,
    clean.squeeze_spaces,
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=4, unique=True))
def test_clean_text_passes_through_unchanged(sentences: list[str]) -> None:
    text = " ".join(sentences)
    for function in LINE_FUNCTIONS:
        assert function(text) == text, function.__name__


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(SENTENCES),
            st.text(alphabet="abcAB .-:()/1*Tjw", max_size=20),
            st.text(max_size=20),
        ),
        max_size=5,
    ).map("".join),
    st.integers(min_value=1, max_value=4),
)
def test_cleaning_twice_equals_cleaning_once(text: str, copies: int) -> None:
    # Noise is often the same run drawn several times; give hypothesis that shape too.
    text = text[: len(text) // 2] * copies + text[len(text) // 2 :]
    for function in LINE_FUNCTIONS:
        once = function(text)
        assert function(once) == once, function.__name__


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(SENTENCES), st.integers(min_value=2, max_value=5))
def test_any_run_drawn_several_times_collapses(sentence: str, copies: int) -> None:
    words = sentence.split()
    run = " ".join(words[:3])
    line = run * copies + " " + " ".join(words[3:])
    assert clean.squeeze_spaces(clean.collapse_repeats(line)) == clean.squeeze_spaces(
        run + " " + " ".join(words[3:])
    )


def test_bullets_from_symbol_fonts_are_bullets() -> None:
    """Word's bullets in the Symbol font come out of PDFs in the private use area."""
    assert clean.normalize_characters("\uf0b7 Pulmonary congestion") == "• Pulmonary congestion"
