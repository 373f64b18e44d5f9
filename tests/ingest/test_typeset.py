"""Typesetting: paragraphs with their type -> headings with levels, and paragraphs."""

from __future__ import annotations

from briefer.ingest.typeset import BodyType, Typed, assign_levels, typeset

BODY = BodyType(10.0, False, False)
LONG = (
    "Delegates discussed the costs of recruitment, which fall on migrant workers and their "
    "families, and asked the secretariat to gather figures from every corridor of the region."
)


def _typed(text: str, size: float = 10.0, bold: bool = False, italic: bool = False, **more) -> Typed:
    line = _typed.line = getattr(_typed, "line", 0) + 1
    return Typed(text, line, line, 1, 1, size, bold, italic, **more)


def _outline(paragraphs: list[Typed]) -> list[tuple[int | None, str]]:
    units = typeset(paragraphs, BODY)
    assign_levels(units)
    return [(u.level, u.text) for u in units if u.kind == "heading"]


def test_headings_by_type_and_numbering_with_levels() -> None:
    outline = _outline(
        [
            _typed("I. FINDINGS", 12, bold=True),
            _typed(LONG),
            _typed("A. Recruitment costs", 12, bold=True),
            _typed(LONG),
            _typed("1. Fees by corridor", 10, bold=True),
            _typed(LONG),
            _typed("a. Asia", 10, italic=True),
            _typed(LONG),
            _typed("B. Return", 12, bold=True),
            _typed(LONG),
            _typed("II. NEXT STEPS", 12, bold=True),
            _typed(LONG),
        ]
    )
    assert outline == [
        (1, "I. FINDINGS"),
        (2, "A. Recruitment costs"),
        (3, "1. Fees by corridor"),
        (4, "a. Asia"),
        (2, "B. Return"),
        (1, "II. NEXT STEPS"),
    ]


def test_what_is_no_heading() -> None:
    outline = _outline(
        [
            _typed("Table 2: Fees by corridor", 10, bold=True),  # a caption
            _typed(LONG),
            _typed("The workshop closed with thanks to the hosts and", 11, bold=True),  # runs on
            _typed("delegates left for the airport in the afternoon.", 11, bold=True),
            _typed("Conclusions", 10, bold=True),
            _typed(LONG),
            _typed("M. Dupont, Ministry of Labour", 10),  # "M." is no letter heading here
            _typed(LONG),
            _typed("Fee for milling", 11, bold=True, figure=True),  # a chart's label
            _typed(LONG),
        ]
    )
    assert outline == [(1, "Conclusions")]


def test_a_numbered_paragraph_going_on_is_no_heading() -> None:
    units = typeset(
        [
            _typed(f"23. {LONG}"),
            _typed("24. Participants stressed that the United Nations"),
            _typed("had a role."),
        ],
        BODY,
    )
    assert [u.kind for u in units] == ["paragraph", "paragraph", "paragraph"]


def test_a_listed_sequence_keeps_its_numbers_in_the_text_only() -> None:
    units = typeset(
        [
            _typed("Four groups of mills emerge from the survey:"),
            _typed("1. Small mills, below 150 kg an hour."),
            _typed("2. Medium mills, up to 300 kg an hour."),
            _typed("3. Big mills, up to 500 kg an hour."),
            _typed(f"1. {LONG}"),  # numbered paragraphs proper
            _typed(f"2. {LONG}"),
        ],
        BODY,
    )
    assert [u.number for u in units] == [None, None, None, None, "1", "2"]
    assert units[1].text.startswith("1. Small mills")


def test_one_numbering_makes_peers_whatever_their_type() -> None:
    outline = _outline(
        [
            _typed("IX. MERIT", 12, bold=True),
            _typed(LONG),
            _typed("The Court’s analysis", 12, bold=True),
            _typed(LONG),
            _typed("X - THE COSTS", 12, bold=True, italic=True),  # set in italics, still roman
            _typed(LONG),
        ]
    )
    assert outline == [(1, "IX. MERIT"), (2, "The Court’s analysis"), (1, "X - THE COSTS")]


def test_scripts_without_capitals_have_headings_and_sentences() -> None:
    from briefer.ingest.units import ends_sentence, join_lines

    arabic_body = (
        "ناقش المندوبون تكاليف التوظيف التي يتحملها العمال المهاجرون وأسرهم في كل ممرات المنطقة. " * 2
    )
    outline = _outline([_typed("الاستنتاجات", 12, bold=True), _typed(arabic_body)])
    assert outline == [(1, "الاستنتاجات")]
    assert ends_sentence("会议于下午闭幕。") and ends_sentence("هل انتهى الاجتماع؟")
    assert join_lines(["会议讨论了", "招聘费用。"]) == "会议讨论了招聘费用。"
    assert join_lines(["the costs of", "recruitment"]) == "the costs of recruitment"
