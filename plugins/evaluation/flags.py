"""Signs that contacts may be padded, for administrators to look into (not scores)."""

from datetime import timedelta

from plugins.contacts.stats import CONFIRMED
from plugins.core import clock
from plugins.core.config import settings as core_settings
from plugins.core.sql import epoch, fetch, scalar
from plugins.interaction.config import settings as interaction_settings

BIG_GROUP = 500
BIG_GROUP_SHARE = 0.7
BURST = 20
BURST_SECONDS = 600
OVERLAP = 3


async def flags(cadre_id: int) -> list[str]:
    found: list[str] = []
    confirmed = int(await scalar(
        "SELECT COUNT(*) AS n FROM contact_link l JOIN youth y ON y.id = l.youth_id "
        f"WHERE l.cadre_id = ? AND {CONFIRMED}", cadre_id,
    ) or 0)
    if not confirmed:
        return found
    # Youth QQs leave replies after the text retention and exchanges and check-ins after
    # PRIVACY_IDENTITY_DAYS, so "never" could not be told from "not lately": look back
    # over the shorter of the two, the same window for all three.
    days = min(
        interaction_settings().interaction_text_retention_days,
        core_settings().privacy_identity_days,
    )
    since = clock.now() - timedelta(days=days)
    silent = int(await scalar(
        "SELECT COUNT(*) AS n FROM contact_link l JOIN youth y ON y.id = l.youth_id "
        f"WHERE l.cadre_id = ? AND {CONFIRMED} "
        "AND NOT EXISTS (SELECT 1 FROM exchange e WHERE e.cadre_id = l.cadre_id AND e.youth_qq = y.qq "
        "  AND e.answered_at >= ?) "
        "AND NOT EXISTS (SELECT 1 FROM topic_reply r JOIN topic t ON t.id = r.topic_id "
        "  WHERE t.cadre_id = l.cadre_id AND r.qq = y.qq AND r.created_at >= ?) "
        "AND NOT EXISTS (SELECT 1 FROM check_in ci JOIN activity a ON a.id = ci.activity_id "
        "  WHERE a.cadre_id = l.cadre_id AND ci.qq = y.qq AND ci.created_at >= ?)",
        cadre_id, since, since, since,
    ) or 0)
    if silent:
        found.append(
            f"{silent} 名已确认联系的青年（{silent / confirmed:.0%}）近 {days} 天没有任何互动、回复或签到"
        )
    groups = await fetch(
        "SELECT l.group_id AS g, COUNT(*) AS n, MAX(b.member_count) AS size FROM contact_link l "
        "JOIN youth y ON y.id = l.youth_id JOIN bound_group b ON b.group_id = l.group_id "
        f"WHERE l.cadre_id = ? AND {CONFIRMED} GROUP BY l.group_id ORDER BY n DESC LIMIT 1",
        cadre_id,
    )
    if groups and groups[0]["size"] >= BIG_GROUP and groups[0]["n"] / confirmed > BIG_GROUP_SHARE:
        found.append(
            f"{groups[0]['n'] / confirmed:.0%} 的联系青年来自同一个 {groups[0]['size']} 人的大群"
        )
    burst = await scalar(
        f"SELECT MAX(n) AS n FROM (SELECT COUNT(*) AS n FROM contact_link l WHERE l.cadre_id = ? "
        f"AND l.status = 'confirmed' GROUP BY {epoch('l.confirmed_at')} / {BURST_SECONDS}) t",
        cadre_id,
    )
    if burst and burst >= BURST:
        found.append(f"有 {burst} 名青年在 10 分钟内集中确认联系")
    overlap = int(await scalar(
        "SELECT COUNT(*) AS n FROM contact_link l JOIN youth y ON y.id = l.youth_id "
        f"WHERE l.cadre_id = ? AND {CONFIRMED} AND (SELECT COUNT(*) FROM contact_link l2 "
        "WHERE l2.youth_id = l.youth_id AND l2.status = 'confirmed' AND l2.cadre_id <> l.cadre_id) >= ?",
        cadre_id, OVERLAP,
    ) or 0)
    if overlap:
        found.append(f"{overlap} 名联系青年同时被 {OVERLAP} 名以上其他团干部联系")
    return found
