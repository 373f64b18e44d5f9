"""Column widths of a table that fills the text width, for both writers.

Each column has three wants, each at least the one before: the room of its longest word
(`least`: less and words break), of its longest cell below the header on one line and its
header on two (`body`: see `on_two_lines`), and of its longest cell, header included, on
one line (`whole`). The widths meet the highest want that fits for every column, then share
what is left towards the next want level by level (water-filling: a column short of its
want gets room before a column already wider than the level), so narrow columns stay on one
line and only the widest wrap. When every whole cell fits, the columns grow in proportion;
when not even the longest words do, they are narrowed alike.
"""

from __future__ import annotations

from collections.abc import Callable


def column_widths(least: list[float], body: list[float], whole: list[float], width: float) -> list[float]:
    """Widths summing to `width` for columns with these wants (see the module's text)."""
    if not least:
        return []
    body = [max(b, m) for b, m in zip(body, least, strict=True)]
    whole = [max(w, b) for w, b in zip(whole, body, strict=True)]
    if sum(whole) <= 0:
        return [width / len(least)] * len(least)
    if sum(whole) <= width:
        return [width * w / sum(whole) for w in whole]
    if sum(least) >= width:
        return [width * m / sum(least) for m in least]
    lower, upper = (least, body) if sum(body) > width else (body, whole)
    return _fill(lower, upper, width)


def _fill(lower: list[float], upper: list[float], width: float) -> list[float]:
    """Each column at `level`, within its lower and upper want, the level chosen so that
    the widths sum to `width` (sum(lower) <= width < sum(upper))."""
    low, high = 0.0, max(upper)
    for _ in range(60):  # halving the range: far below a point's width
        level = (low + high) / 2
        if sum(max(a, min(b, level)) for a, b in zip(lower, upper, strict=True)) < width:
            low = level
        else:
            high = level
    widths = [max(a, min(b, high)) for a, b in zip(lower, upper, strict=True)]
    return [w * width / sum(widths) for w in widths]  # the last rounding, spread evenly


def on_two_lines(text: str, measure: Callable[[str], float]) -> float:
    """The width `text` needs on two lines at most (broken between words)."""
    words = text.split()
    if len(words) < 2:
        return measure(" ".join(words))
    return min(
        max(measure(" ".join(words[:cut])), measure(" ".join(words[cut:]))) for cut in range(1, len(words))
    )
