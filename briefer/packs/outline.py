"""The rules of a pack's outline, without Qt: which items form a part, where new items go,
and where Move up, Move down and a drop put the items that move.

A part is a part heading and the items after it, up to the next heading; the items before
the first heading belong to no part. A part heading moves with its part's items, and a
moved part lands between parts, never inside one. Positions are indexes in the pack's list
of items; the position of a move is an index in the list before the move (as `moved` and
the GUI's move command take it). The outline widget shows and edits; these say what an
edit does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from briefer.packs.model import PackItem


@dataclass(frozen=True, slots=True)
class Grouping:
    """The outline's two levels, as positions in the item list."""

    top: list[int]  # the top-level rows: part headings, and the items before the first one
    children: dict[int, list[int]]  # a part heading's position -> its part's items


@dataclass(frozen=True, slots=True)
class Move:
    """Move the items `ids` (in pack order) to `position` (an index before the move)."""

    ids: list[str]
    position: int


def grouping(items: Sequence[PackItem]) -> Grouping:
    top: list[int] = []
    children: dict[int, list[int]] = {}
    heading: int | None = None
    for position, item in enumerate(items):
        if item.kind == "heading":
            heading = position
            top.append(position)
            children[position] = []
        elif heading is None:
            top.append(position)
        else:
            children[heading].append(position)
    return Grouping(top, children)


def part_end(items: Sequence[PackItem], heading: int) -> int:
    """The position after the last item of the part whose heading is at `heading`."""
    for later in range(heading + 1, len(items)):
        if items[later].kind == "heading":
            return later
    return len(items)


def with_parts(items: Sequence[PackItem], positions: Iterable[int]) -> list[int]:
    """`positions` in order, each part heading's items added: what moves when they move."""
    moving: set[int] = set()
    for position in positions:
        moving.add(position)
        if items[position].kind == "heading":
            moving.update(range(position + 1, part_end(items, position)))
    return sorted(moving)


def insert_position(items: Sequence[PackItem], current_id: str | None) -> int:
    """Where added items go: after the current item, at the end of its part when the current
    item is a part heading, at the end of the pack when there is no current item."""
    position = _position(items, current_id) if current_id else None
    if position is None:
        return len(items)
    return part_end(items, position) if items[position].kind == "heading" else position + 1


def move_up(items: Sequence[PackItem], ids: Iterable[str]) -> Move | None:
    """The items `ids` (a part heading with its part) one step up: before the item above, or
    for a part, before the part above it. None when they are at the top already."""
    positions = _moving(items, ids)
    if not positions or positions[0] == 0:
        return None
    target = positions[0] - 1
    if items[positions[0]].kind == "heading":  # a part goes before the part above it
        while target > 0 and items[target].kind != "heading":
            target -= 1
    return Move([items[p].id for p in positions], target)


def move_down(items: Sequence[PackItem], ids: Iterable[str]) -> Move | None:
    """The items `ids` (a part heading with its part) one step down: after the item below, or
    for a part, after the part below it. None when they are at the bottom already."""
    positions = _moving(items, ids)
    if not positions or positions[-1] >= len(items) - 1:
        return None
    after = positions[-1] + 1
    target = after + 1
    if items[positions[0]].kind == "heading":  # a part goes after the part below it
        target = part_end(items, after) if items[after].kind == "heading" else after + 1
    return Move([items[p].id for p in positions], target)


def moved(order: Sequence[str], moving: Iterable[str], position: int) -> list[str]:
    """The item ids of `order` after moving `moving` (in their order) to `position`."""
    wanted = set(moving)
    block = [item_id for item_id in order if item_id in wanted]
    kept = [item_id for item_id in order if item_id not in wanted]
    at = position - sum(1 for item_id in order[:position] if item_id in wanted)
    return kept[:at] + block + kept[at:]


def drop_position(
    items: Sequence[PackItem], ids: Iterable[str], position: int, onto_heading: bool = False
) -> int | None:
    """Where a drop at `position` puts the items `ids`, or None where they cannot go.

    `onto_heading`: dropped onto a part heading (so at the end of its part), not between two
    rows; such a drop onto the items' own place moves nothing and is refused. A drop that
    moves a part heading lands after the end of the part it falls into. Nothing to move:
    None.
    """
    moving = set(ids)
    if not moving:
        return None
    if onto_heading and position < len(items) and items[position].id in moving:
        return None
    if any(item.id in moving and item.kind == "heading" for item in items):
        heading = next(
            (p for p in range(min(position, len(items)) - 1, -1, -1) if items[p].kind == "heading"),
            None,
        )
        if heading is not None:
            return part_end(items, heading)
    return position


def _position(items: Sequence[PackItem], item_id: str | None) -> int | None:
    return next((n for n, item in enumerate(items) if item.id == item_id), None)


def _moving(items: Sequence[PackItem], ids: Iterable[str]) -> list[int]:
    wanted = set(ids)
    return with_parts(items, [n for n, item in enumerate(items) if item.id in wanted])
