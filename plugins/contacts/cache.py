"""Which groups are bound, kept in memory: every group message asks, so no query per message.

Updated at once by bind/unbind in this process and reloaded periodically, so
other bot processes' bindings show up within `REFRESH_SECONDS`.
"""

from dataclasses import dataclass

from models import BoundGroup

REFRESH_SECONDS = 30.0


@dataclass(frozen=True)
class Bound:
    cadre_id: int
    cadre_qq: int


_bound: dict[int, Bound] = {}


def lookup(group_id: int) -> Bound | None:
    return _bound.get(group_id)


def put(group_id: int, cadre_id: int, cadre_qq: int) -> None:
    _bound[group_id] = Bound(cadre_id, cadre_qq)


def drop(group_id: int) -> None:
    _bound.pop(group_id, None)


async def refresh() -> None:
    rows = await BoundGroup.all().values_list("group_id", "cadre_id", "cadre__qq")
    fresh = {g: Bound(c, q) for g, c, q in rows}
    _bound.clear()
    _bound.update(fresh)


def clear() -> None:
    _bound.clear()
