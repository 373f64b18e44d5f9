"""Generate a corpus of realistic meeting reports for benchmarks.

Each report is made of real paragraphs from the sample library, laid out the way PDF
extraction leaves them: a title page, numbered and unnumbered headings (some drawn in
bold several times over), lines broken at the page width, words hyphenated at line ends,
footnotes dropped between paragraphs, page numbers. Deterministic for a given seed.
"""

from __future__ import annotations

import random
import textwrap
from pathlib import Path

from briefer import paths
from briefer.ingest.pipeline import parse_document

CITIES = [
    "Geneva",
    "New York",
    "Bangkok",
    "Dakar",
    "Mexico City",
    "Brussels",
    "Manila",
    "Rabat",
    "Nairobi",
    "Lima",
]
MONTHS = ["January", "March", "April", "May", "June", "September", "October", "November"]
EVENTS = [
    "Regional Workshop",
    "Expert Group Meeting",
    "Intersessional Workshop",
    "Regional Consultation",
    "Seminar",
]
TOPICS = [
    "Labour Mobility and Development",
    "Remittances and Financial Inclusion",
    "Trafficking in Persons",
    "Migration and Climate Change",
    "Diaspora Engagement",
    "Protection of Migrant Workers",
    "Migration Data",
]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def sample_material() -> tuple[list[str], list[str]]:
    """(paragraphs, headings) of the sample reports, as clean text."""
    paragraphs, headings = [], []
    for path in sorted(paths.sample_sources_dir().glob("*.txt")):
        for meeting in parse_document(path).meetings:
            for section in meeting.sections:
                if section.kind != "body":
                    continue
                headings.append(section.title)
                paragraphs += [p for p in section.paragraphs if len(p) > 200 and not p[:1].isdigit()]
    return paragraphs, headings


def _bold(text: str, rng: random.Random) -> str:
    return text * rng.choice([2, 3, 4]) + "    "


def _wrap(paragraph: str, rng: random.Random, width: int) -> list[str]:
    """Lines broken at the page width; now and then a long word split with a hyphen."""
    lines = textwrap.wrap(paragraph, width=width)
    for index in range(len(lines) - 1):
        first, _, rest = lines[index + 1].partition(" ")
        if rng.random() < 0.1 and len(first) > 8 and first.isalpha() and rest:
            cut = len(first) // 2
            lines[index] += f" {first[:cut]}-"
            lines[index + 1] = f"{first[cut:]} {rest}"
    return lines


def make_report(number: int, paragraphs: list[str], headings: list[str], rng: random.Random) -> str:
    city = rng.choice(CITIES)
    year = rng.randint(2001, 2024)
    day = rng.randint(1, 26)
    month = rng.choice(MONTHS)
    title = f"{rng.choice(EVENTS)} on {rng.choice(TOPICS)}"
    width = rng.choice([80, 88, 95])
    lines = [
        "International Organization for Migration",
        "",
        title.upper(),
        "",
        f"MC/INF/{year}/{number}",
        "",
        f"{day}-{day + 1} {month} {year}, {city}",
        "",
        "",
        f"1. The {title} was held in {city} on {day} and {day + 1} {month} {year}. It was organized "
        "by the International Organization for Migration in cooperation with the host Government.",
        "",
    ]
    paragraph_number = 2
    footnote = 1
    page = 1
    for index in range(rng.randint(3, 10)):
        heading = rng.choice(headings)
        style = rng.random()
        if style < 0.4:
            lines.append(f"{ROMAN[index]}. {heading}")
        elif style < 0.6:
            lines.append(_bold(f"{ROMAN[index]}. {heading}", rng))
        elif style < 0.8:
            lines.append(_bold(heading, rng))
        else:
            lines.append(heading)
        lines.append("")
        for paragraph in rng.sample(paragraphs, rng.randint(1, 5)):
            text = f"{paragraph_number}. {paragraph}"
            paragraph_number += 1
            if rng.random() < 0.15:
                text = text.rstrip(".") + f".{footnote}"
                lines += _wrap(text, rng, width)
                lines += ["", f"{footnote} See document MC/{year}/{footnote} for the full statement.", ""]
                footnote += 1
            else:
                lines += _wrap(text, rng, width)
                lines.append("")
            if rng.random() < 0.3:
                page += 1
                lines += [f" {page} ", ""]
    return "\n".join(lines) + "\n"


def generate(folder: Path, count: int = 1000, seed: int = 2026) -> list[Path]:
    """Write `count` reports into `folder` (made if missing); return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paragraphs, headings = sample_material()
    files = []
    for number in range(1, count + 1):
        path = folder / f"report-{number:04d}.txt"
        path.write_text(make_report(number, paragraphs, headings, rng), encoding="utf-8")
        files.append(path)
    return files
