"""The three measures and the composite, as pure functions of their inputs.

Kept free of database access so that the formulas can be pinned by tests on
hand-computed examples and printed by /评估 说明.
"""

from dataclasses import dataclass, field

from plugins.evaluation.config import Config


@dataclass
class Inputs:
    """Everything one cadre's measures are computed from."""

    confirmed: int = 0
    target: int = 100
    spot_yes: int = 0
    spot_answered: int = 0
    topics_answered: int = 0
    exchanges: int = 0
    check_ins: int = 0
    requests_received: int = 0
    requests_on_time: int = 0
    activity_held: bool = False
    face_to_face_held: bool = False
    ratings: int = 0
    rating_sum: int = 0


@dataclass
class Measures:
    realization: float
    activeness: float
    satisfaction: float | None
    composite: float
    parts: dict[str, float] = field(default_factory=dict)


def realization(i: Inputs, c: Config) -> float:
    """min(1, confirmed ÷ target) × spot-check confirmation rate (from enough answers)."""
    value = min(1.0, i.confirmed / i.target) if i.target else 0.0
    if i.spot_answered >= c.evaluation_spot_min_answers:
        value *= i.spot_yes / i.spot_answered
    return value


def activeness_parts(i: Inputs, c: Config) -> dict[str, float]:
    """Each part of 活跃度 in 0–1, before weighting."""
    return {
        "topics": min(1.0, i.topics_answered / c.evaluation_topics_full),
        "exchanges": min(1.0, (i.exchanges + i.check_ins) / c.evaluation_exchanges_full),
        # No request received: nothing was left unanswered.
        "requests": i.requests_on_time / i.requests_received if i.requests_received else 1.0,
        "activity": 1.0 if i.activity_held else 0.0,
        "face_to_face": 1.0 if i.face_to_face_held else 0.0,
    }


def activeness(i: Inputs, c: Config) -> float:
    return _weighted(activeness_parts(i, c), c)


def _weighted(parts: dict[str, float], c: Config) -> float:
    weights = (
        (parts["topics"], c.evaluation_part_topics),
        (parts["exchanges"], c.evaluation_part_exchanges),
        (parts["requests"], c.evaluation_part_requests),
        (parts["activity"], c.evaluation_part_activity),
        (parts["face_to_face"], c.evaluation_part_face_to_face),
    )
    return sum(v * w for v, w in weights) / sum(w for _, w in weights)


def satisfaction(i: Inputs, c: Config) -> float | None:
    """Mean rating (1–5) scaled to 0–1; None (样本不足) below the minimum number of ratings."""
    if i.ratings < c.evaluation_satisfaction_min:
        return None
    return (i.rating_sum / i.ratings - 1) / 4


def composite(r: float, a: float, s: float | None, c: Config) -> float:
    """Weighted sum; without enough ratings, the other two weights are scaled up to sum to 1."""
    parts = [(r, c.evaluation_weight_realization), (a, c.evaluation_weight_activeness)]
    if s is not None:
        parts.append((s, c.evaluation_weight_satisfaction))
    return sum(v * w for v, w in parts) / sum(w for _, w in parts)


def measure(i: Inputs, c: Config) -> Measures:
    parts = activeness_parts(i, c)  # once: a ranking measures 10,000 cadres
    r, a, s = realization(i, c), _weighted(parts, c), satisfaction(i, c)
    return Measures(r, a, s, composite(r, a, s, c), parts)


def explanation(c: Config) -> str:
    """The formulas in words (/评估 说明)."""
    days = c.evaluation_activeness_days
    return "\n".join(
        [
            "【评估说明】三项指标均为 0–100%，综合为加权和：",
            f"实现度 = min(1, 已确认联系人数 ÷ 目标)；若近 12 个月抽查回答不少于 {c.evaluation_spot_min_answers} 份，"
            "再乘以抽查确认率（回答“是”的比例）。",
            f"活跃度（近 {days} 天，只看双向交流，不看发言条数或在线时长）= "
            f"{c.evaluation_part_topics:g}×有回复的话题数/{c.evaluation_topics_full}（封顶 1）"
            f" + {c.evaluation_part_exchanges:g}×（得到答复的青年发言 + 活动签到）/{c.evaluation_exchanges_full}（封顶 1）"
            f" + {c.evaluation_part_requests:g}×按时（{c.evaluation_request_hours} 小时内，不含等待青年补充的时间）答复的诉求比例（无诉求记 1）"
            f" + {c.evaluation_part_activity:g}×近 {days} 天办过线下活动"
            f" + {c.evaluation_part_face_to_face:g}×近一年有面对面交流。",
            f"满意度 = （诉求评价与满意度调查的平均分 − 1）÷ 4；近 12 个月不少于 {c.evaluation_satisfaction_min} 份评分才显示，否则为“样本不足”。",
            f"综合 = {c.evaluation_weight_realization:g}×实现度 + {c.evaluation_weight_activeness:g}×活跃度 + "
            f"{c.evaluation_weight_satisfaction:g}×满意度；满意度样本不足时按前两项的权重比例折算。",
            "管理员确认某一周期（/评估 确认 <周期>）前，结果均为“参考”；确认后冻结为快照，之后的数据不再改变它。",
        ]
    )
