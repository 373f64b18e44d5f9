"""How a pack numbers its parts and sections: one rule for the build and the app's outline.

Parts and the sections outside a numbered part share one sequence (1, 2, 3…); a section
inside a numbered part takes the part's number and its place in it (2.1, 2.2…). So no two
headings ever print the same number, whatever the user groups or leaves ungrouped.
"""

from __future__ import annotations


class Numbering:
    def __init__(self) -> None:
        self._top = 0
        self._inner = 0
        self._part: str | None = None  # the number of the part we are in, if numbered

    def part(self, numbered: bool) -> str:
        """A part heading's number ("" when unnumbered); what follows belongs to it."""
        self._inner = 0
        if not numbered:
            self._part = None
            return ""
        self._top += 1
        self._part = str(self._top)
        return self._part

    def section(self, numbered: bool) -> str:
        if not numbered:
            return ""
        if self._part is None:
            self._top += 1
            return str(self._top)
        self._inner += 1
        return f"{self._part}.{self._inner}"
