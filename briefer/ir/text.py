"""How the text a block carries is printed: the one reading both writers follow.

Three kinds of text, named in each block's docstring:

- **one line** (titles, headings, cover details, contents entries, the fields of a
  source entry): every run of spaces, tabs and newlines is one space;
- **lines** (a key message, a question, a source line, a table cell): a newline breaks
  the line, blank lines count as one break;
- **paragraphs** (a paragraph, a note, an answer): one or more blank lines part
  paragraphs; within a paragraph, a newline breaks the line.

Spaces run together as one space and lines lose the spaces at their ends (a no-break
space is meant and stays); a tab stays a tab (Word sets it, the PDF prints a space) but
in one-line text, where it is a space. Lines and paragraphs with nothing in them are
dropped. A writer first makes the
text safe for its format (controls, line ends), then reads it with these functions.
"""

from __future__ import annotations

import re

_SPACES = re.compile(r" {2,}")  # not \s: a no-break space is meant
_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")


def _line(text: str) -> str:
    return _SPACES.sub(" ", text).strip(" \t")


def one_line(text: str) -> str:
    return _line(re.sub(r"[\t\n]+", " ", text))


def lines(text: str) -> list[str]:
    return [line for line in map(_line, text.split("\n")) if line]


def paragraphs(text: str) -> list[list[str]]:
    """Each paragraph as its lines."""
    return [found for found in map(lines, _BLANK_LINES.split(text)) if found]
