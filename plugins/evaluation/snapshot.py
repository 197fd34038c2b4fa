"""Confirming a period: the subtree's results are frozen as a snapshot."""

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import EvaluationPeriod, EvaluationResult, Organisation
from plugins.core import clock, periods
from plugins.core.actor import Actor
from plugins.core.errors import Conflict, Forbidden, UsageError
from plugins.evaluation.evaluate import aggregate, evaluate
from plugins.evaluation.inputs import Scope


def parse_period(text: str) -> str:
    """A quarter or a year (2026Q4, 上季度, 2026, 今年…) as its key; months and 全部 are not periods."""
    try:
        period = periods.parse(text)
    except UsageError:
        period = None
    if period is None or period.span not in (periods.Span.quarter, periods.Span.year):
        raise UsageError("周期写作 2026Q4（季度）或 2026（年度）")
    return period.key


async def confirm(actor: Actor, period_text: str, org: Organisation) -> tuple[EvaluationPeriod, int]:
    period = parse_period(period_text)
    if not actor.administers(org):
        raise Forbidden(f"你不是“{org.name}”或其上级组织的管理员")
    existing = await EvaluationPeriod.get_or_none(period=period, org=org)
    if existing is not None:
        raise Conflict(f"“{org.name}”{period} 的结果已于 {clock.fmt_local(existing.confirmed_at)} 确认，不能重复确认")
    results = await evaluate(Scope.subtree([org.path]), live=True)  # frozen: counted now
    orgs = await Organisation.filter(path__startswith=org.path)
    try:
        async with in_transaction():
            confirmed = await EvaluationPeriod.create(
                period=period, org=org, confirmed_by=actor.qq or 0, confirmed_at=clock.now()
            )
            rows = [
                EvaluationResult(
                    period=confirmed, cadre_id=r.cadre.id, realization=r.measures.realization,
                    activeness=r.measures.activeness, satisfaction=r.measures.satisfaction,
                    composite=r.measures.composite, inputs=vars(r.inputs) | {"parts": r.measures.parts},
                )
                for r in results
            ]
            for o in orgs:
                a = aggregate(o, results)
                rows.append(EvaluationResult(
                    period=confirmed, org=o, realization=a.realization, activeness=a.activeness,
                    satisfaction=a.satisfaction, composite=a.composite, inputs={"cadres": a.cadres},
                ))
            await EvaluationResult.bulk_create(rows, batch_size=500)
    except IntegrityError as e:  # confirmed by someone else a moment ago
        raise Conflict(f"“{org.name}”{period} 的结果刚刚已被确认") from e
    return confirmed, len(results)


async def latest_for_cadre(cadre_id: int) -> EvaluationResult | None:
    return (
        await EvaluationResult.filter(cadre_id=cadre_id)
        .order_by("-period__confirmed_at")
        .prefetch_related("period")
        .first()
    )
