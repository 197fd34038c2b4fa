"""The Monday card: one private message per cadre about people, not counts.

Every Monday at `CADRE_CARD_TIME` (caught up later the same Monday if the bot
was down) each cadre gets at most one message through the outbox: five youth
to reach this week (from 待联系, rotating week to week), their open and
overdue requests with numbers, this quarter's activity status and, when their
recent requests share a theme, one suggested topic. At most 8 lines. The card
is logged in `reminder_log` (rule `weekly_card`, the ISO week) in the same
transaction as the message, and the outbox dedup key is per cadre and week,
so it never goes twice. Not sent while `/提醒 暂停`, after `/提醒 周卡 关闭`,
or when there is nothing to act on.

Everything is computed for cadres in batches with grouped SQL (no query per
cadre), so all cards for a province take seconds (bench/week.py).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from tortoise.transactions import in_transaction

from models import CardOptOut, ReminderLog, ReminderSnooze
from plugins.activities.config import Config
from plugins.contacts import recency
from plugins.core import clock, periods, schedule
from plugins.core.sql import fetch, in_list
from plugins.core.text import ref
from plugins.outbox import enqueue

RULE = "weekly_card"
REACH = 5
"""Youth to reach shown on one card."""
CASES_SHOWN = 4
THEME_DAYS = 60
"""Requests of this many days are scanned for a recurring theme."""
THEME_MIN = 3
"""A theme is suggested once this many requests mention it."""
BATCH = 1000
QUEUE_BATCH = 200
MAX_LINES = 8


@dataclass
class Card:
    cadre_id: int
    qq: int
    name: str
    reach: list[recency.Recency] = field(default_factory=list)
    due_total: int = 0
    open_cases: list[int] = field(default_factory=list)
    overdue: list[int] = field(default_factory=list)
    activities: int = 0
    theme: tuple[str, int] | None = None

    @property
    def empty(self) -> bool:
        return not self.reach and not self.open_cases and self.activities > 0 and self.theme is None


def week_key(day: date) -> str:
    iso = day.isocalendar()
    return f"{iso.year}W{iso.week:02d}"


async def _cadres(cadre_ids: list[int] | None) -> list[dict]:
    query = "SELECT c.id AS id, c.qq AS qq, c.name AS name FROM cadre c WHERE c.left_at IS NULL"
    params: list = []
    if cadre_ids is not None:
        query += f" AND c.id IN ({in_list(cadre_ids)})"
        params = list(cadre_ids)
    return await fetch(query + " ORDER BY c.id", *params)


async def compute(today: date, settings: Config, cadre_ids: list[int] | None = None) -> list[Card]:
    """Cards of `cadre_ids` (None: every cadre), computed in batches."""
    from plugins.requests.problems import overdue_sql, themes

    cadres = await _cadres(cadre_ids)
    week = today.toordinal() // 7
    q_start, q_end = periods.quarter_bounds(today)
    theme_since = clock.now() - timedelta(days=THEME_DAYS)
    cutoff = recency.cutoff(settings.cadre_card_days)
    overdue, overdue_params = overdue_sql("c.")
    cards: list[Card] = []
    for i in range(0, len(cadres), BATCH):
        batch = cadres[i : i + BATCH]
        ids = [int(c["id"]) for c in batch]
        marks = in_list(ids)
        due = await recency.rotating(ids, cutoff, week * REACH, REACH)
        cases: dict[int, list[tuple[int, bool]]] = defaultdict(list)
        for row in await fetch(
            f'SELECT c.cadre_id AS cadre_id, c.id AS id, CASE WHEN {overdue} THEN 1 ELSE 0 END AS late '
            f"FROM \"case\" c WHERE c.status <> ? AND c.cadre_id IN ({marks}) ORDER BY c.cadre_id, c.id",
            *overdue_params, "closed", *ids,
        ):
            cases[int(row["cadre_id"])].append((int(row["id"]), bool(row["late"])))
        held = {
            int(r["cadre_id"]): int(r["n"])
            for r in await fetch(
                "SELECT cadre_id AS cadre_id, COUNT(*) AS n FROM activity WHERE credited = ? AND day >= ? "
                f"AND day <= ? AND cadre_id IN ({marks}) GROUP BY cadre_id",
                True, q_start, q_end, *ids,
            )
        }
        texts: dict[int, list[str]] = defaultdict(list)
        for r in await fetch(
            f'SELECT cadre_id AS cadre_id, content AS content FROM "case" WHERE cadre_id IN ({marks}) '
            "AND created_at >= ? AND content_deleted_at IS NULL",
            *ids, theme_since,
        ):
            texts[int(r["cadre_id"])].append(str(r["content"]))
        for c in batch:
            cid = int(c["id"])
            count, reach = due.get(cid, (0, []))
            found = cases.get(cid, [])
            theme = None
            if len(texts.get(cid, ())) >= THEME_MIN:
                top = themes(texts[cid], top=1)
                if top and top[0][1] >= THEME_MIN:
                    theme = top[0]
            cards.append(Card(
                cid, int(c["qq"]), str(c["name"]), reach, count,
                [n for n, _ in found], [n for n, late in found if late], held.get(cid, 0), theme,
            ))
    return cards


def compose(card: Card, today: date, settings: Config) -> str:
    """The card's text: at most 8 lines, within the private budget."""
    lines = [f"【本周联系】{card.name}，你好！"]
    if card.reach:
        people = "、".join(f"{r.name}（{r.label}）" for r in card.reach)
        lines.append(f"这周找他们聊聊（{card.due_total} 人 {settings.cadre_card_days} 天没有双向联系）：{people}")
    if card.open_cases:
        shown = "、".join(ref(n) for n in card.open_cases[:CASES_SHOWN]) + ("等" if len(card.open_cases) > CASES_SHOWN else "")
        line = f"诉求：未办结 {len(card.open_cases)} 件（{shown}）"
        if card.overdue:
            late = "、".join(ref(n) for n in card.overdue[:CASES_SHOWN])
            line += f"，超时未答复 {len(card.overdue)} 件：{late}，请先答复"
        lines.append(line)
    q_end = periods.quarter_bounds(today)[1]
    if card.activities:
        lines.append(f"本季度已开展活动 {card.activities} 场，做得好。")
    else:
        lines.append(f"本季度还没有算数的线下活动，{periods.fmt_day(q_end)}前办一场并请青年 /签到。")
    if card.theme:
        word, n = card.theme
        lines.append(f"最近有 {n} 件诉求提到 {word}：可以发起话题 /话题 {word}交流")
    if card.reach:
        lines.append(f"下一步：发 /联系人 {card.reach[0].qq} 看看{card.reach[0].name}的近况，/联系人 待联系 看全部")
    elif card.open_cases:
        lines.append(f"下一步：发 /诉求 {ref((card.overdue or card.open_cases)[0])} 看看进展")
    lines.append("不想收周卡，发 /提醒 周卡 关闭。")
    assert len(lines) <= MAX_LINES
    return "\n".join(lines)


async def run(settings: Config) -> int:
    """On Mondays, queue this week's card for every cadre who should get one; returns cards queued."""
    today = schedule.run_day()
    if today.weekday() != 0:
        return 0
    now = clock.now()
    period = week_key(today)
    skip = set(await ReminderSnooze.filter(until__gt=now).values_list("qq", flat=True))
    skip |= set(await CardOptOut.all().values_list("qq", flat=True))
    skip |= set(await ReminderLog.filter(rule=RULE, period=period).values_list("qq", flat=True))
    due = [c for c in await compute(today, settings) if c.qq not in skip and not c.empty]
    for i in range(0, len(due), QUEUE_BATCH):
        chunk = due[i : i + QUEUE_BATCH]
        async with in_transaction():  # the log and the messages together: a crash queues neither
            await ReminderLog.bulk_create([ReminderLog(rule=RULE, qq=c.qq, period=period, created_at=now) for c in chunk])
            for c in chunk:
                await enqueue(c.qq, compose(c, today, settings), category="reminder", dedup_key=f"card:{c.qq}:{period}")
    return len(due)


async def set_enabled(qq: int, enabled: bool) -> bool:
    """Turn the card on or off; False when it already was."""
    if enabled:
        return bool(await CardOptOut.filter(qq=qq).delete())
    if await CardOptOut.exists(qq=qq):
        return False
    await CardOptOut.create(qq=qq, created_at=clock.now())
    return True


async def enabled(qq: int) -> bool:
    return not await CardOptOut.exists(qq=qq)
