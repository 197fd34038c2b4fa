"""/互动: a cadre's two-way exchange over the last 30 days, computed in SQL."""

from dataclasses import dataclass
from datetime import timedelta

from models import Cadre, Topic
from plugins.core import clock
from plugins.core.sql import fetch, scalar

DAYS = 30


@dataclass
class Activity:
    spoke_days: int
    topics: int
    replies: int
    youth: int
    answered: int
    median_seconds: int | None


async def activity(cadre: Cadre, days: int = DAYS) -> Activity:
    now = clock.now()
    since = now - timedelta(days=days)
    first_day = clock.today() - timedelta(days=days - 1)
    spoke = await scalar(
        "SELECT COUNT(DISTINCT day) AS n FROM message_count WHERE cadre_id = ? AND is_cadre = ? AND day >= ?",
        cadre.id, True, first_day,
    )
    topics = await Topic.filter(cadre=cadre, created_at__gte=since).count()
    replies = await scalar(
        "SELECT COUNT(*) AS n FROM topic_reply r JOIN topic t ON t.id = r.topic_id "
        "WHERE t.cadre_id = ? AND r.is_cadre = ? AND r.created_at >= ?",
        cadre.id, False, since,
    )
    youth = await scalar(
        "SELECT COUNT(*) AS n FROM (SELECT r.qq AS qq FROM topic_reply r JOIN topic t ON t.id = r.topic_id "
        "WHERE t.cadre_id = ? AND r.is_cadre = ? AND r.qq <> 0 AND r.created_at >= ? "
        "UNION SELECT e.youth_qq AS qq FROM exchange e WHERE e.cadre_id = ? AND e.youth_qq <> 0 "
        "AND e.answered_at >= ?) people",
        cadre.id, False, since, cadre.id, since,
    )
    answered = int(
        await scalar("SELECT COUNT(*) AS n FROM exchange WHERE cadre_id = ? AND answered_at >= ?", cadre.id, since)
        or 0
    )
    median = None
    if answered:
        rows = await fetch(
            "SELECT latency_seconds AS s FROM exchange WHERE cadre_id = ? AND answered_at >= ? "
            "ORDER BY latency_seconds LIMIT 1 OFFSET ?",
            cadre.id, since, (answered - 1) // 2,
        )
        median = rows[0]["s"] if rows else None
    return Activity(int(spoke or 0), topics, int(replies or 0), int(youth or 0), answered, median)


def fmt_duration(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} 秒"
    if seconds < 3600:
        return f"{seconds // 60} 分钟"
    hours, rest = divmod(seconds, 3600)
    return f"{hours} 小时 {rest // 60} 分钟" if rest >= 60 else f"{hours} 小时"
