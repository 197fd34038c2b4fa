"""Reminders: one clear message at the right time, never twice, never at night.

Once a day (`REMINDERS_TIME`) every rule says, for each person, whether a
reminder is due today and for which period. A rule is due over a window (e.g.
from the 1st of the quarter's last month), so a day missed while the bot was
down is caught up later in the window, but not after it. Each (rule,
recipient, period) is written to `reminder_log` (unique) in the same
transaction as the message, so it goes out once; what is due for one person
on one day is merged into one message; delivery goes through the outbox
(budget, quiet hours, retries).
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta

from tortoise.transactions import in_transaction

from models import Admin, BoundGroup, ReminderLog, ReminderSnooze
from plugins.activities.config import Config
from plugins.contacts.stats import confirmed_counts, org_overview
from plugins.core import clock, periods, schedule
from plugins.core.sql import fetch, subtree_sql
from plugins.identity.orgs import compute_target, raised_targets
from plugins.outbox import enqueue


@dataclass(frozen=True)
class Due:
    rule: str
    period: str
    text: str
    deadline: bool = False


DigestSection = Callable[[list[str] | None], Awaitable[str | None]]
_digest_sections: list[DigestSection] = []


def add_digest_section(section: DigestSection) -> DigestSection:
    """Other plugins add lines to the administrators' weekly digest (e.g. overdue cases)."""
    _digest_sections.append(section)
    return section


# ------------------------------------------------------------------ cadres


async def _cadres() -> list[dict]:
    return await fetch(
        "SELECT c.id AS id, c.qq AS qq, c.name AS name, c.category AS category, o.path AS path "
        "FROM cadre c JOIN organisation o ON o.id = c.org_id WHERE c.left_at IS NULL"
    )


async def _with_activity(start: date, end: date, kind: str | None = None) -> set[int]:
    query = "SELECT DISTINCT cadre_id AS id FROM activity WHERE credited = ? AND day >= ? AND day <= ?"
    params: list = [True, start, end]
    if kind:
        query += " AND kind = ?"
        params.append(kind)
    return {r["id"] for r in await fetch(query, *params)}


def _as_date(value) -> date | None:
    """SQLite returns dates from raw SQL as text, PostgreSQL as date."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


async def _silent(today: date, days: int) -> set[int]:
    """Cadres with bound groups who have not spoken in any of them for `days` days."""
    since = today - timedelta(days=days)
    bound: dict[int, date] = {}
    for cadre_id, bound_at in await BoundGroup.all().values_list("cadre_id", "bound_at"):
        day = clock.to_local(bound_at).date()
        bound[cadre_id] = min(day, bound.get(cadre_id, day))
    spoke = {
        r["id"]: _as_date(r["day"])
        for r in await fetch(
            "SELECT cadre_id AS id, MAX(day) AS day FROM message_count WHERE is_cadre = ? GROUP BY cadre_id",
            True,
        )
    }
    return {
        cadre_id
        for cadre_id, first_bound in bound.items()
        if (spoke.get(cadre_id) or first_bound) <= since
    }


async def cadre_dues(today: date, settings: Config) -> dict[int, tuple[str, list[Due]]]:
    """qq -> (name, reminders due today)."""
    cadres = await _cadres()
    if not cadres:
        return {}
    q_start, q_end = periods.quarter_bounds(today)
    y_start, y_end = periods.year_bounds(today)
    quarter = periods.quarter_key(today)
    last_month_start = date(q_end.year, q_end.month, 1)
    last_days = q_end - timedelta(days=settings.reminders_quarter_days_before_end)
    dues: dict[int, list[Due]] = {}

    def add(qq: int, due: Due) -> None:
        dues.setdefault(qq, []).append(due)

    if last_month_start <= today <= q_end:
        done = await _with_activity(q_start, q_end)
        late = today >= last_days
        for c in cadres:
            if c["id"] in done:
                continue
            add(c["qq"], Due(
                "quarter_activity_2" if late else "quarter_activity_1", quarter,
                f"本季度（{periods.quarter_label(today)}，{periods.fmt_day(q_end)}结束）还没有开展线下活动。"
                "举办后发送 /活动 线下活动 <日期> <标题> 记录，并请参加的青年 /签到（有人签到才算数）。",
                deadline=late,
            ))
    if today.month >= 10:
        met = await _with_activity(y_start, y_end, "face_to_face")
        for c in cadres:
            if c["id"] not in met:
                add(c["qq"], Due(
                    "face_to_face", f"{today:%Y-%m}",
                    f"今年还没有与青年面对面交流（{today.year} 年还剩 {(y_end - today).days + 1} 天）。"
                    "交流后发送 /活动 面对面 <日期> <标题> 记录。",
                ))
    if today.month == 8:
        marks = sorted(settings.reminders_target_days)
        current = [d for d in marks if d <= today.day]
        if current:
            counts = await confirmed_counts([c["id"] for c in cadres])
            raised = await raised_targets()
            for c in cadres:
                target = compute_target(c["category"], c["path"], raised)
                have = counts.get(c["id"], 0)
                if have < target:
                    add(c["qq"], Due(
                        "contact_target", f"{today.year}-08-{current[-1]:02d}",
                        f"已确认联系青年 {have} 名，目标 {target} 名，还差 {target - have} 名，"
                        f"须于 8 月 31 日前达到（还剩 {31 - today.day + 1} 天）。发送 /联系人 查看详情，/邀请 <QQ> 邀请青年。",
                        deadline=True,
                    ))
    if today.month == 7:
        for c in cadres:
            add(c["qq"], Due(
                "campaign_kickoff", str(today.year),
                "“走进青年、转变作风、改进工作”大宣传大调研活动 7、8 月集中开展：请走到青年中去，"
                "举办线下活动、面对面交流和调研，并用 /活动 记录、请青年 /签到。",
            ))
    silent = await _silent(today, settings.reminders_silence_days) if settings.reminders_silence_days > 0 else set()
    if silent:
        iso = today.isocalendar()
        for c in cadres:
            if c["id"] in silent:
                add(c["qq"], Due(
                    "silence", f"{iso.year}W{iso.week:02d}",
                    f"已经 {settings.reminders_silence_days} 天没有在绑定的群里发言了，"
                    "和青年们打个招呼，或发起一个话题（/话题 <标题>）吧。",
                ))
    names = {c["qq"]: c["name"] for c in cadres}
    return {qq: (names[qq], items) for qq, items in dues.items()}


# ------------------------------------------------------------------ administrators


async def _admin_roots() -> dict[int, list[str]]:
    """Administrator QQ -> the paths of the organisations they administer (outermost only)."""
    rows = await Admin.all().values_list("qq", "org__path")
    roots: dict[int, list[str]] = {}
    for qq, path in rows:
        roots.setdefault(qq, []).append(path)
    for qq, paths in roots.items():
        paths.sort(key=len)
        kept: list[str] = []
        for p in paths:
            if not any(p.startswith(k) for k in kept):
                kept.append(p)
        roots[qq] = kept
    return roots


async def _campaign_summary(paths: list[str], year: int) -> str:
    where, params = subtree_sql(paths)
    window = (date(year, 7, 1), date(year, 8, 31))
    joined = "FROM activity a JOIN cadre c ON c.id = a.cadre_id JOIN organisation o ON o.id = c.org_id"
    held = (await fetch(
        "SELECT COUNT(*) AS n, COUNT(DISTINCT a.cadre_id) AS cadres, COALESCE(SUM(a.head_count), 0) AS heads "
        f"{joined} WHERE a.day >= ? AND a.day <= ? AND {where}",
        *window, *params,
    ))[0]
    checked = (await fetch(
        f"SELECT COUNT(*) AS n FROM check_in ci JOIN activity a ON a.id = ci.activity_id "
        f"JOIN cadre c ON c.id = a.cadre_id JOIN organisation o ON o.id = c.org_id "
        f"WHERE a.day >= ? AND a.day <= ? AND {where}",
        *window, *params,
    ))[0]
    total = (await fetch(
        f"SELECT COUNT(*) AS n FROM cadre c JOIN organisation o ON o.id = c.org_id WHERE c.left_at IS NULL AND {where}", *params
    ))[0]
    return (
        f"{year} 年 7—8 月大宣传大调研：所辖 {total['n']} 名团干部中 {held['cadres']} 人记录了活动，"
        f"共 {held['n']} 场，签到 {checked['n']} 人次，另报参加 {held['heads']} 人。"
    )


async def _weekly_digest(paths: list[str], today: date) -> str | None:
    """Who is behind on what; None when there is nobody to report on."""
    from plugins.activities.service import overview as activity_overview

    acts = await activity_overview(paths)
    if not acts.cadres:
        return None
    contacts = await org_overview(paths)
    lines = [
        f"所辖团干部 {contacts.cadres} 人：联系人数未达标 {contacts.cadres - contacts.at_target} 人，"
        f"本季度未开展活动 {len(acts.no_activity)} 人"
        + (f"，今年未面对面交流 {len(acts.no_face_to_face)} 人" if today.month >= 10 else "")
        + "。"
    ]
    if acts.no_activity:
        lines.append("本季度未开展活动：" + "、".join(n for _, n, _ in acts.no_activity[:10])
                     + ("等" if len(acts.no_activity) > 10 else ""))
    behind = [c.name for c, _, _ in contacts.below[:10]]
    if behind:
        lines.append("联系差距最大：" + "、".join(behind))
    for section in _digest_sections:
        extra = await section(paths)
        if extra:
            lines.append(extra)
    lines.append("详情：/活动 概况、/联系概况")
    return "\n".join(lines)


async def admin_dues(today: date) -> dict[int, tuple[str | None, list[Due]]]:
    roots = await _admin_roots()
    dues: dict[int, tuple[str | None, list[Due]]] = {}
    iso = today.isocalendar()
    weekly = today.weekday() <= 2  # Monday, or caught up by Wednesday
    for qq, paths in roots.items():
        items = []
        if weekly and (digest := await _weekly_digest(paths, today)):
            items.append(Due("weekly_digest", f"{iso.year}W{iso.week:02d}", digest))
        if today.month == 9:
            items.append(Due("campaign_summary", str(today.year), await _campaign_summary(paths, today.year)))
        if items:
            dues[qq] = (None, items)
    return dues


# ------------------------------------------------------------------ sending


def compose(name: str | None, items: list[Due]) -> str:
    """One message for everything due to one person today (a cadre if `name` is given)."""
    lines = [f"【联青提醒】{name}，你好：" if name else "【联青提醒】你好："]
    lines += [f"· {d.text}" for d in items]
    if name and any(not d.deadline for d in items):
        lines.append("如需暂停非截止类提醒（请假、生病），发送 /提醒 暂停 <天数>。")
    return "\n".join(lines)


async def run(settings: Config) -> int:
    """Work out today's reminders and queue one message per person; returns messages queued."""
    today = schedule.run_day()
    now = clock.now()
    everyone: dict[int, tuple[str | None, list[Due]]] = dict(await cadre_dues(today, settings))
    for qq, (_, items) in (await admin_dues(today)).items():
        if qq in everyone:
            everyone[qq][1].extend(items)
        else:
            everyone[qq] = (None, items)
    if not everyone:
        return 0
    snoozed = set(await ReminderSnooze.filter(until__gt=now).values_list("qq", flat=True))
    periods = {d.period for _, items in everyone.values() for d in items}
    sent = {
        (rule, qq, period)
        for rule, qq, period in await ReminderLog.filter(period__in=list(periods)).values_list(
            "rule", "qq", "period"
        )
    }
    queued = 0
    for qq, (name, items) in everyone.items():
        fresh = [
            d for d in items
            if (d.rule, qq, d.period) not in sent and (d.deadline or qq not in snoozed)
        ]
        if not fresh:
            continue
        async with in_transaction():
            await ReminderLog.bulk_create(
                [ReminderLog(rule=d.rule, qq=qq, period=d.period, created_at=now) for d in fresh]
            )
            await enqueue(qq, compose(name, fresh), category="reminder")
        queued += 1
    return queued


def rules_text(settings: Config) -> str:
    """The rules as configured (the days and dates below are settings, not typed-in numbers)."""
    days = "/".join(str(d) for d in sorted(settings.reminders_target_days))
    rules = [
        f"每季度最后一个月 1 日和季度结束前 {settings.reminders_quarter_days_before_end} 天（本季度未开展活动时）",
        "10 月起每月 1 日（今年未面对面交流时）",
        f"8 月 {days} 日（联系人数未达标时）",
        "7 月 1 日大宣传大调研启动",
    ]
    if settings.reminders_silence_days > 0:
        rules.append(f"绑定群里 {settings.reminders_silence_days} 天未发言时（每周最多一次）")
    return "、".join(rules) + "。同一天的提醒合并为一条，免打扰时段不发送。"


async def snooze(qq: int, days: int) -> None:
    until = clock.now() + timedelta(days=days)
    updated = await ReminderSnooze.filter(qq=qq).update(until=until)
    if not updated:
        await ReminderSnooze.create(qq=qq, until=until)


async def resume(qq: int) -> bool:
    return bool(await ReminderSnooze.filter(qq=qq).delete())


async def snoozed_until(qq: int):
    row = await ReminderSnooze.get_or_none(qq=qq, until__gt=clock.now())
    return row.until if row else None

