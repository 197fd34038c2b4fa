"""The one place the dashboard gets the three measures and the composite (plugins/evaluation).

Live figures are advisory (参考) until an administrator confirms a period with
/评估 确认; the cadre page also shows the latest confirmed (frozen) result.
"""

from dataclasses import dataclass, field

from plugins.core.sql import fetch
from plugins.dashboard.tables import Percent
from plugins.evaluation import evaluate as evaluation
from plugins.evaluation.formulas import Inputs
from plugins.evaluation.inputs import Scope, evaluated
from plugins.evaluation.measures_sql import per_cadre
from plugins.evaluation.snapshot import latest_for_cadre


@dataclass
class Measures:
    realization: float | None = None
    activeness: float | None = None
    satisfaction: float | None = None
    """None when too few youth answered (样本不足)."""
    composite: float | None = None
    advisory: bool = True
    """参考 until an administrator confirmed the period."""
    inputs: list[tuple[str, str]] = field(default_factory=list)
    """(what, value) pairs that produced the figures, for the cadre page."""


MEASURE_COLUMNS = ["实现度", "活跃度", "满意度", "综合"]
PART_LABELS = {
    "topics": "活跃度·有回复的话题",
    "exchanges": "活跃度·双向交流与签到",
    "requests": "活跃度·按时答复诉求",
    "activity": "活跃度·近期线下活动",
    "face_to_face": "活跃度·近一年面对面交流",
}


def available() -> bool:
    """Whether measures are connected (pages show a note when not)."""
    return True


def _inputs(i: Inputs, parts: dict[str, float]) -> list[tuple[str, str]]:
    days = evaluation.settings().evaluation_activeness_days
    rows = [
        ("已确认联系 / 目标", f"{i.confirmed} / {i.target}"),
        ("抽查：回答“是” / 回答数", f"{i.spot_yes} / {i.spot_answered}"),
        (f"近 {days} 天有回复的话题", str(i.topics_answered)),
        (f"近 {days} 天双向交流 + 活动签到", f"{i.exchanges} + {i.check_ins}"),
        (f"近 {days} 天诉求：按时答复 / 收到", f"{i.requests_on_time} / {i.requests_received}"),
        (f"近 {days} 天办过线下活动", "是" if i.activity_held else "否"),
        ("近一年有过面对面交流", "是" if i.face_to_face_held else "否"),
        ("满意度评分：份数 / 平均", f"{i.ratings} / {i.rating_sum / i.ratings:.2f}" if i.ratings else "0 / —"),
    ]
    rows += [(PART_LABELS.get(k, k), evaluation.pct(v)) for k, v in parts.items()]
    return rows


async def for_subtree(paths: list[str] | None) -> dict[int, Measures]:
    """Measures of every cadre under `paths` (None: all), by cadre id."""
    return await _for_scope(Scope.subtree(paths))


async def for_cadres(ids: list[int]) -> dict[int, Measures]:
    """`for_subtree`'s measures of these cadres only (a page of the cadre list)."""
    if not ids:
        return {}
    return await _for_scope(Scope(f"c.id IN ({', '.join('?' * len(ids))})", tuple(ids)))


async def _for_scope(scope: Scope) -> dict[int, Measures]:
    """The cadres evaluated now in `scope`, measured in SQL from the summary rows
    (plugins/evaluation/measures_sql.py): a province's 10,000 cadres through formulas.py took
    0.34-0.41 s of the cadre list sorted by composite."""
    where, params = evaluated(scope)
    query, query_params = await per_cadre(evaluation.settings(), where, params)
    rows = await fetch(f"SELECT id, realization, activeness, satisfaction, composite FROM ({query}) m", *query_params)
    return {
        r["id"]: Measures(float(r["realization"]), float(r["activeness"]),
                          None if r["satisfaction"] is None else float(r["satisfaction"]), float(r["composite"]))
        for r in rows
    }


async def for_cadre(cadre_id: int) -> Measures | None:
    """One cadre's live measures with their inputs, and the latest confirmed result."""
    result = await evaluation.evaluate_cadre(cadre_id)
    if result is None:
        return None
    m = result.measures
    found = Measures(m.realization, m.activeness, m.satisfaction, m.composite, True, _inputs(result.inputs, m.parts))
    frozen = await latest_for_cadre(cadre_id)
    if frozen is not None:
        found.inputs.append((
            f"已确认结果（{frozen.period.period}）",
            f"实现度 {evaluation.pct(frozen.realization)}，活跃度 {evaluation.pct(frozen.activeness)}，"
            f"满意度 {evaluation.pct(frozen.satisfaction)}，综合 {evaluation.pct(frozen.composite)}",
        ))
    return found


def row(measures: Measures | None) -> list[Percent | None]:
    """The four figures as table cells (None shows as —)."""
    if measures is None:
        return [None, None, None, None]
    values = [measures.realization, measures.activeness, measures.satisfaction, measures.composite]
    return [None if v is None else Percent(v) for v in values]
