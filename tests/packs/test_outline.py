"""The outline's rules without Qt: parts, where added items go, Move up/down and drops."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from briefer.packs.model import PackItem
from briefer.packs.outline import (
    Move,
    drop_position,
    grouping,
    insert_position,
    move_down,
    move_up,
    moved,
    part_end,
    with_parts,
)


def _items(spec: str) -> list[PackItem]:
    """'a b H1 c': items with those ids; a name starting with H is a part heading, one
    starting with n a written block (notes), the others sections."""
    items = []
    for name in spec.split():
        if name.startswith("H"):
            item = PackItem.heading(name)
        elif name.startswith("n"):
            item = PackItem("notes", numbered=False)
        else:
            item = PackItem.section(f"s-{name}")
        item.id = name
        items.append(item)
    return items


def _apply(spec: str, move: Move | None) -> str:
    """The outline after `move`, as a spec."""
    order = spec.split()
    return " ".join(order if move is None else moved(order, move.ids, move.position))


def test_grouping_puts_a_parts_items_under_its_heading() -> None:
    items = _items("a b H1 c n1 H2 H3 d")
    assert grouping(items).top == [0, 1, 2, 5, 6]
    assert grouping(items).children == {2: [3, 4], 5: [], 6: [7]}
    assert grouping([]).top == [] and grouping([]).children == {}


def test_a_part_ends_at_the_next_heading_or_the_end() -> None:
    items = _items("a H1 c d H2 e")
    assert part_end(items, 1) == 4 and part_end(items, 4) == 6
    assert with_parts(items, [4, 0]) == [0, 4, 5]
    assert with_parts(items, [1]) == [1, 2, 3]
    assert with_parts(items, [2]) == [2]  # an item alone does not bring its part


def test_added_items_go_after_the_current_one_or_at_the_end_of_its_part() -> None:
    items = _items("a H1 c d H2 e")
    assert insert_position(items, None) == 6
    assert insert_position(items, "a") == 1
    assert insert_position(items, "c") == 3
    assert insert_position(items, "H1") == 4  # at the end of the part
    assert insert_position(items, "H2") == 6
    assert insert_position(items, "gone") == 6  # an id no longer in the pack: at the end
    assert insert_position([], None) == 0


def test_moving_an_item_up_and_down_swaps_it_with_its_neighbour() -> None:
    spec = "a b c"
    items = _items(spec)
    assert _apply(spec, move_up(items, ["c"])) == "a c b"
    assert _apply(spec, move_down(items, ["a"])) == "b a c"
    assert move_up(items, ["a"]) is None and move_down(items, ["c"]) is None
    assert move_up(items, []) is None and move_down(items, []) is None


def test_an_item_moves_in_and_out_of_parts_one_step_at_a_time() -> None:
    spec = "a H1 b c"
    items = _items(spec)
    assert _apply(spec, move_up(items, ["b"])) == "a b H1 c"  # out of the part, before its heading
    assert _apply(spec, move_down(items, ["a"])) == "H1 a b c"  # into the part, as its first item


def test_a_part_moves_with_its_items_past_the_whole_part_next_to_it() -> None:
    spec = "H1 a b H2 c H3 d"
    items = _items(spec)
    assert move_up(items, ["H2"]) == Move(["H2", "c"], 0)
    assert _apply(spec, move_up(items, ["H2"])) == "H2 c H1 a b H3 d"
    assert _apply(spec, move_down(items, ["H1"])) == "H2 c H1 a b H3 d"
    assert _apply(spec, move_down(items, ["H2"])) == "H1 a b H3 d H2 c"
    assert move_up(items, ["H1"]) is None and move_down(items, ["H3"]) is None
    # Selecting a heading and one of its own items moves the part once.
    assert move_down(items, ["H1", "a"]) == move_down(items, ["H1"])


def test_a_part_moved_to_the_top_takes_in_the_items_before_the_first_heading() -> None:
    """As a drop at the top does: the loose items at the start then follow the part."""
    spec = "a b H1 c"
    items = _items(spec)
    assert _apply(spec, move_up(items, ["H1"])) == "H1 c a b"
    assert grouping(_items("H1 c a b")).children == {0: [1, 2, 3]}


def test_moved_keeps_the_others_in_order() -> None:
    order = list("abcdef")
    assert moved(order, ["b", "d"], 0) == list("bdacef")
    assert moved(order, ["b", "d"], 6) == list("acefbd")
    assert moved(order, ["b", "d"], 2) == list("abdcef")  # before c: a position before the move
    assert moved(order, ["b", "d"], 3) == list("acbdef")
    assert moved(order, ["d", "b"], 5) == list("acebdf")  # the moved keep their pack order
    assert moved(order, ["b"], 1) == order and moved(order, ["b"], 2) == order  # where it is


def test_a_dropped_part_lands_between_parts() -> None:
    items = _items("H1 a b H2 c d")
    assert drop_position(items, ["H2"], 2) == 3  # into part 1: after its end
    assert drop_position(items, ["H2"], 0) == 0  # before part 1
    assert drop_position(items, ["H1"], 6) == 6  # at the end
    assert drop_position(items, ["H1"], 5) == 6  # inside part 2: after its end
    assert drop_position(items, ["c"], 2) == 2  # an item goes where it is dropped
    assert drop_position(items, [], 2) is None


def test_a_drop_onto_a_heading_that_leaves_the_items_in_place_is_refused() -> None:
    items = _items("H1 a H2 b")
    assert drop_position(items, ["H2"], 2, onto_heading=True) is None  # onto H1: H2 stays put
    assert drop_position(items, ["a"], 2, onto_heading=True) == 2
    assert drop_position(items, ["b"], 2, onto_heading=True) == 2


_SPECS = st.lists(st.sampled_from(["s", "H", "n"]), min_size=1, max_size=9).map(
    lambda kinds: " ".join(f"{kind}{n}" for n, kind in enumerate(kinds))
)


@settings(max_examples=300, deadline=None)
@given(_SPECS, st.data())
def test_moves_keep_every_item_and_every_part_whole(spec: str, data) -> None:
    items = _items(spec)
    ids = [item.id for item in items]
    chosen = data.draw(st.lists(st.sampled_from(ids), max_size=3))
    for move in (move_up(items, chosen), move_down(items, chosen)):
        if move is None:
            continue
        after = moved(ids, move.ids, move.position)
        assert sorted(after) == sorted(ids)
        start = after.index(move.ids[0])
        assert after[start : start + len(move.ids)] == move.ids  # the moved items stay together
        assert [i for i in after if i not in move.ids] == [i for i in ids if i not in move.ids]
        for item in items:
            if item.kind == "heading" and item.id in move.ids:  # its part came along, whole
                part = [items[p].id for p in with_parts(items, [ids.index(item.id)])]
                at = after.index(item.id)
                assert after[at : at + len(part)] == part
