"""Hand-made block documents for the writer tests and the build benchmark.

They exercise what real packs hold: parts, numbered and unnumbered sections, long
excerpts, user text with markup characters, accents, curly quotes, dashes, Greek and
Cyrillic, every kind of written block.
"""

from __future__ import annotations

from itertools import cycle
from pathlib import Path

from briefer.ir.blocks import (
    Contents,
    ContentsEntry,
    Cover,
    Document,
    DocumentInfo,
    KeyMessages,
    Note,
    NotesSpace,
    PageBreak,
    Paragraph,
    PartHeading,
    QuestionAnswer,
    QuestionsAnswers,
    SectionHeading,
    SourceEntry,
    SourceLine,
    SourcesList,
)

ROOT = Path(__file__).resolve().parents[2]
TRICKY = "Côte d’Ivoire & <Ελλάδα> “quoted” — Россия 5 < 6 & R&D"


def _sample_paragraphs() -> list[str]:
    """Real paragraphs from the sample sources (long enough to read as prose)."""
    paragraphs: list[str] = []
    for path in sorted((ROOT / "data" / "sources").glob("*.txt")):
        for block in path.read_text(encoding="utf-8").split("\n\n"):
            text = " ".join(block.split())
            if 200 < len(text) < 1500:
                paragraphs.append(text)
    return paragraphs


def sample_document(
    sections: int = 6,
    paragraphs_per_section: int = 3,
    draft: bool = True,
    marking: str = "RESTRICTED",
    page_size: str = "A4",
    cover: bool = True,
    contents: bool = True,
    parts_on_new_pages: bool = False,
) -> Document:
    """A pack of `sections` excerpts in parts of five, with written blocks around them.
    `parts_on_new_pages`: every part but the first starts a page (as `assemble` marks the
    parts for a template with `part_new_page`)."""
    texts = cycle(_sample_paragraphs())
    blocks: list = []
    entries: list[ContentsEntry] = []
    body: list = []

    def heading(block):
        body.append(block)
        level = 1 if isinstance(block, PartHeading) else block.level
        text = f"{block.number}. {block.text}" if block.number else block.text
        entries.append(ContentsEntry(level, text, block.anchor))

    heading(PartHeading("Objectives and key messages", "part-0", "", new_page=False))
    body.append(
        Note(
            "Objectives",
            "Secure agreement on the remittances paragraph.\n\nAvoid reopening 2007 language.",
            "objectives",
        )
    )
    body.append(
        KeyMessages(
            "Lines to take", ("Remittances are private funds.", f"Support lower transfer costs in {TRICKY}.")
        )
    )
    body.append(
        QuestionsAnswers(
            "If raised",
            (
                QuestionAnswer(
                    "Will you fund the Forum’s secretariat?",
                    "We are considering a contribution <in kind> & in cash.",
                ),
            ),
        )
    )
    for index in range(sections):
        if index % 5 == 0:
            part = index // 5 + 1
            heading(
                PartHeading(
                    f"Part {part}: {TRICKY if part == 1 else 'Migration and development'}",
                    f"part-{part}",
                    str(part),
                    new_page=index > 0 or parts_on_new_pages,
                )
            )
        heading(
            SectionHeading(
                f"Excerpt {index + 1} on remittances and {TRICKY}",
                f"s-{index + 1}",
                2,
                f"{index // 5 + 1}.{index % 5 + 1}",
            )
        )
        for _ in range(paragraphs_per_section):
            body.append(Paragraph(next(texts)))
        body.append(
            SourceLine(
                f"Source: Global Forum on Migration and Development, Brussels, 9–11 July 2007 · A/61/515 · paras. {index + 1}–{index + 3} · pp. 4–5 · gfmd-2007.txt"
            )
        )
        if index == 0:
            heading(SectionHeading("A subsection under the first excerpt", "s-1-a", 3, "1.1.1"))
            body.append(Paragraph("A short paragraph with & and < and > in it."))
    heading(PartHeading("Sources", "sources", "", new_page=parts_on_new_pages))
    body.append(
        SourcesList(
            (
                SourceEntry(
                    "gfmd-2007.txt",
                    "Global Forum on Migration and Development, Brussels, 9–11 July 2007",
                    "A/61/515",
                    "2007-07-09",
                    sections,
                ),
                SourceEntry(
                    "unitar-seminars.txt",
                    "UNITAR migration and development seminar, New York",
                    "",
                    "2009-03-12",
                    1,
                ),
            )
        )
    )
    body.append(NotesSpace(6))

    if cover:
        blocks.append(
            Cover(
                "Briefing pack: remittances & <costs>",
                "Global Forum 2026 preparation",
                "Global Forum on Migration and Development",
                "Genève, Switzerland",
                "12–14 January 2027",
                "Delegation of Côte d’Ivoire",
                "A. Officer",
                "23 November 2026",
                marking,
                draft,
            )
        )
    if contents:
        blocks.append(Contents(tuple(entries)))
    blocks.extend(body)
    blocks.append(PageBreak())
    blocks.append(Paragraph("End of pack."))
    info = DocumentInfo(
        "Briefing pack: remittances & <costs>",
        marking,
        draft,
        page_size,
        "A. Officer",
        "Global Forum on Migration and Development",
    )
    return Document(info, blocks)
