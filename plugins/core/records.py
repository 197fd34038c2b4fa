"""Fetching a record a user named by its number (#N), with the one-line answers for mistakes;
and `first_time`, the compare-and-set every "only once" step uses."""

from typing import TypeVar

from tortoise.models import Model

from plugins.core.errors import Conflict, Forbidden, NotFound, UsageError
from plugins.core.text import parse_ref, ref

M = TypeVar("M", bound=Model)


async def numbered(model: type[M], token: str | int | None, noun: str, example: str) -> M:
    """The `model` row numbered `token` (N, #N, or the number itself); `noun` names it, e.g. 活动."""
    number = token if isinstance(token, int) else parse_ref(token or "")
    if number is None:
        raise UsageError(f"请写{noun}编号，例如 {example}")
    record = await model.get_or_none(id=number)
    if record is None:
        raise NotFound(f"没有编号为 {ref(number)} 的{noun}")
    return record


async def owned(
    model: type[M], token: str | int | None, noun: str, example: str, cadre_id: int, verb: str
) -> M:
    """As `numbered`, and it must belong to the cadre (its `cadre_id`); `verb` e.g. 记录."""
    record = await numbered(model, token, noun, example)
    if getattr(record, "cadre_id", None) != cadre_id:
        raise Forbidden(f"{noun} {ref(record.pk)} 不是你{verb}的")
    return record


async def first_time(record: Model, unset: str, **values) -> bool:
    """Set `values` on the record (in the database and on `record`) only while its `unset` field
    is still empty; False when someone else (another process, or the same person's second quick
    message) did it first, so that exactly one of them goes on to notify or remind."""
    if not await type(record).filter(pk=record.pk, **{f"{unset}__isnull": True}).update(**values):
        return False
    for name, value in values.items():
        setattr(record, name, value)
    return True


async def only_once(record: Model, unset: str, refusal: str, **values) -> None:
    """As `first_time`, for a person's request: the one-line answer `refusal` when it was already done."""
    if not await first_time(record, unset, **values):
        raise Conflict(refusal)
