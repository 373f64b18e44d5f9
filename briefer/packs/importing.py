"""The one rule for packs arriving from outside (a pack file, a library archive).

Same id and same content as a pack here: nothing to add. Same id, other content: added
under a new id, so that neither overwrites the other, and only once: a pack whose content
(ids aside) is here already is not added again. Importing the same thing twice changes
nothing.
"""

from __future__ import annotations

from briefer.packs.model import Pack


def stored(record: dict) -> dict:
    """A pack record as a pack holds it (without the library's save time)."""
    return {key: value for key, value in record.items() if key != "updated_at"}


def without_ids(record: dict) -> dict:
    """A pack's content, whatever its ids: a pack added under a new id by an earlier import
    matches its original."""
    data = stored(record)
    data.pop("id", None)
    data["items"] = [{k: v for k, v in item.items() if k != "id"} for item in data.get("items", [])]
    data["searches"] = [{k: v for k, v in s.items() if k != "id"} for s in data.get("searches", [])]
    return data


def packs_to_add(local: list[dict], incoming: list[dict]) -> tuple[list[dict], int]:
    """Of the `incoming` pack records, those to add to a library holding `local` (with new
    ids where needed), and how many got a new id."""
    by_id = {r.get("id"): stored(r) for r in local}
    contents = [without_ids(r) for r in local]
    chosen: list[dict] = []
    renamed = 0
    for record in incoming:
        data = Pack.from_json(stored(record)).to_json()  # only what a pack holds
        if data.get("id") in by_id:
            if by_id[data["id"]] == data or without_ids(data) in contents:
                continue
            pack = Pack.from_json(data)
            data = pack.copy(pack.title).to_json()
            renamed += 1
        chosen.append({**data, "updated_at": record.get("updated_at", "")})
        by_id[data["id"]] = data
        contents.append(without_ids(data))
    return chosen, renamed
