"""Fetching a record a user named by its number (#N), with the one-line answers for mistakes."""

from typing import TypeVar

from tortoise.models import Model

from plugins.core.errors import Forbidden, NotFound, UsageError
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
