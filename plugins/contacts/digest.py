"""The cadre's evening line: how many youth confirmed today, at most once a day.

A cadre who asked twenty classmates to send /加入 wants to know it worked, but a
message per confirmation would be twenty pings in an afternoon (and twenty
sends against the account's daily budget). So confirmations are told once, in
the evening (`CONTACTS_NEWS_TIME`, 20:00 local, inside the outbox's quiet-hour
rules), as one line with the running total: "今天新增 3 人（23/100）".

One GROUP BY over today's confirmations finds the cadres to tell; the outbox's
dedup key (`new_contacts:<cadre>:<day>`) keeps it to one message a day even
when two bot processes or a restart run the job again. Cadres who paused
reminders (/提醒 暂停) are not told.
"""

from models import Cadre, ReminderSnooze
from plugins.contacts.stats import CONFIRMED, confirmed_counts
from plugins.core import clock, periods, schedule
from plugins.core.sql import fetch
from plugins.identity.orgs import compute_target, raised_targets
from plugins.outbox.service import enqueue

TEXT = "【联系人】今天新增 {new} 人（{confirmed}/{target}）。{next}"
NEXT_BELOW = "发 /联系人 明细 看是谁。"
NEXT_REACHED = "已达到目标，继续保持联系。"


async def send_daily_news() -> int:
    """Queue today's line for each cadre with new confirmations; returns how many were queued."""
    day = schedule.run_day()
    start, end = periods.day_bounds(day)
    rows = await fetch(
        "SELECT l.cadre_id AS cadre_id, COUNT(*) AS n FROM contact_link l JOIN youth y ON y.id = l.youth_id "
        f"WHERE l.confirmed_at >= ? AND l.confirmed_at < ? AND {CONFIRMED} GROUP BY l.cadre_id",
        start, end,
    )
    new = {r["cadre_id"]: int(r["n"]) for r in rows}
    if not new:
        return 0
    snoozed = set(await ReminderSnooze.filter(until__gt=clock.now()).values_list("qq", flat=True))
    totals = await confirmed_counts(list(new))
    raised = await raised_targets()
    queued = 0
    for cadre in await Cadre.filter(id__in=list(new)).prefetch_related("org"):
        if cadre.qq in snoozed:
            continue
        target = compute_target(cadre.category, cadre.org.path, raised)
        confirmed = totals.get(cadre.id, 0)
        text = TEXT.format(
            new=new[cadre.id], confirmed=confirmed, target=target,
            next=NEXT_REACHED if confirmed >= target else NEXT_BELOW,
        )
        if await enqueue(cadre.qq, text, category="new_contacts", dedup_key=f"new_contacts:{cadre.id}:{day}"):
            queued += 1
    return queued
