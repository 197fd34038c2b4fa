"""Activities: record, check in, head counts, progress, and who has not done it."""

import contextlib
import secrets
from collections import deque
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import Activity, Cadre, CheckIn, Youth
from models.enums import ActivityKind
from plugins.activities.config import settings
from plugins.core import clock, periods
from plugins.core.errors import Conflict, NotFound, UsageError
from plugins.core.records import owned
from plugins.core.sql import fetch, subtree_sql
from plugins.core.text import clean, is_number, ref

KIND_LABELS = ActivityKind.labels()
KINDS = {label: kind for kind, label in KIND_LABELS.items()}
KIND_WORDS = "、".join(KINDS)


def check_day(day: date, today: date) -> None:
    """Not more than N days ahead, not in a quarter already closed."""
    if day > today + timedelta(days=settings().activities_max_days_ahead):
        raise UsageError(
            f"只能记录 {settings().activities_max_days_ahead} 天内的活动，{periods.fmt_day(day)} 太远了"
        )
    start, _ = periods.quarter_bounds(day)
    this_start, _ = periods.quarter_bounds(today)
    if start < this_start:
        _, end = periods.quarter_bounds(day)
        if today > end + timedelta(days=settings().activities_quarter_grace_days):
            raise UsageError(f"{periods.quarter_label(day)}已结束，不能再补记该季度的活动")


async def record(cadre: Cadre, kind: ActivityKind, day: date, title_text: str, place_text: str | None) -> Activity:
    today = clock.today()
    check_day(day, today)
    title = clean(title_text, 200)
    if not title:
        raise UsageError("请写活动标题")
    if len(title) > 40:
        raise UsageError(f"活动标题最多 40 个字，现在有 {len(title)} 个字")
    place = clean(place_text or "", 100) or None
    if place and len(place) > 40:
        raise UsageError("地点最多 40 个字")
    for _ in range(20):  # a code is unique among the activities of its day
        try:
            return await Activity.create(
                cadre=cadre, kind=kind, title=title, place=place, day=day,
                code=f"{secrets.randbelow(1_000_000):06d}", created_at=clock.now(),
            )
        except IntegrityError:
            continue
    raise Conflict("今天的签到码已用尽，请明天再试")  # pragma: no cover - a million codes a day


BAD_CODES = 5
BAD_CODE_WINDOW = timedelta(minutes=10)
_bad_codes: dict[int, deque[datetime]] = {}


def _recent_bad_codes(qq: int, now: datetime) -> deque[datetime]:
    attempts = _bad_codes.setdefault(qq, deque())
    while attempts and not timedelta(0) <= now - attempts[0] < BAD_CODE_WINDOW:
        attempts.popleft()
    if len(_bad_codes) > 100_000:
        _bad_codes.clear()
    return attempts


def forget_bad_codes() -> None:
    _bad_codes.clear()


async def check_in(qq: int, code_text: str) -> tuple[Activity, int]:
    """Record attendance; returns the activity and how many have checked in.

    Six digits are guessable: after `BAD_CODES` wrong codes in `BAD_CODE_WINDOW`
    a person is refused without looking the code up (kept in memory only)."""
    code = code_text.strip()
    if not (len(code) == 6 and is_number(code)):
        raise UsageError("签到码是 6 位数字，例如 /签到 123456")
    now = clock.now()
    attempts = _recent_bad_codes(qq, now)
    if len(attempts) >= BAD_CODES:
        raise Conflict("签到码输错太多次了，请 10 分钟后再试，或向组织者核对签到码")
    attempts.append(now)  # counted before the lookup, so concurrent guesses are counted too
    activity = await Activity.get_or_none(code=code, day=clock.today()).prefetch_related("cadre__org")
    if activity is None:
        raise NotFound("签到码不正确，或不是今天的活动。请向组织者核对签到码")
    with contextlib.suppress(ValueError):
        attempts.remove(now)  # a right code is not a wrong guess
    if activity.cadre.qq == qq:
        raise Conflict("组织活动的团干部不需要签到")
    try:
        async with in_transaction():
            await CheckIn.create(activity=activity, qq=qq, created_at=clock.now())
            if not activity.credited:
                await Activity.filter(id=activity.id).update(credited=True)
    except IntegrityError as e:
        raise Conflict(f"你已经签到过活动 {ref(activity.id)} 了") from e
    return activity, await CheckIn.filter(activity=activity).count()


async def own_activity(cadre: Cadre, token: str | int) -> Activity:
    return await owned(Activity, token, "活动", "/活动 3", cadre.id, "记录")


async def set_head_count(cadre: Cadre, token: str | int, count: int) -> Activity:
    activity = await own_activity(cadre, token)
    if not 0 <= count <= 100_000:
        raise UsageError("人数须为 0 到 100000 之间的整数，例如 /活动 人数 3 25")
    activity.head_count = count
    activity.credited = activity.head_count > 0 or await CheckIn.exists(activity=activity)
    await activity.save(update_fields=["head_count", "credited"])
    return activity


async def attendance(activity_ids: list[int]) -> dict[int, int]:
    """Check-ins per activity (one GROUP BY)."""
    if not activity_ids:
        return {}
    rows = await fetch(
        "SELECT activity_id AS id, COUNT(*) AS n FROM check_in WHERE activity_id IN ("
        + ", ".join("?" for _ in activity_ids) + ") GROUP BY activity_id",
        *activity_ids,
    )
    return {r["id"]: r["n"] for r in rows}


async def recent(cadre: Cadre, limit: int = 10) -> list[tuple[Activity, int]]:
    activities = await Activity.filter(cadre=cadre).order_by("-day", "-id").limit(limit)
    counts = await attendance([a.id for a in activities])
    return [(a, counts.get(a.id, 0)) for a in activities]


async def attendees(activity: Activity, limit: int = 30) -> list[str]:
    """Who checked in: their nickname if they are a youth we know, else their QQ."""
    check_ins = await CheckIn.filter(activity=activity).order_by("id").limit(limit)
    qqs = [c.qq for c in check_ins if c.qq]
    names = dict(await Youth.filter(qq__in=qqs).values_list("qq", "nickname")) if qqs else {}
    return [(names.get(c.qq) or str(c.qq)) if c.qq else "（已注销）" for c in check_ins]


@dataclass
class Progress:
    quarter_start: date
    quarter_end: date
    quarter_done: int
    face_to_face_done: int
    year_activities: int
    year_attendees: int
    uncredited: list[Activity]
    """This quarter's activities up to today that do not count yet (nobody attended)."""


async def progress(cadre: Cadre) -> Progress:
    today = clock.today()
    q_start, q_end = periods.quarter_bounds(today)
    y_start, _ = periods.year_bounds(today)
    quarter = await Activity.filter(cadre=cadre, credited=True, day__gte=q_start, day__lte=min(q_end, today)).count()
    f2f = await Activity.filter(
        cadre=cadre, credited=True, kind="face_to_face", day__gte=y_start, day__lte=today
    ).count()
    uncredited = await Activity.filter(
        cadre=cadre, credited=False, day__gte=q_start, day__lte=min(q_end, today)
    ).order_by("day", "id")
    rows = await fetch(
        "SELECT COUNT(*) AS n, COALESCE(SUM(a.head_count), 0) AS heads, "
        "(SELECT COUNT(*) FROM check_in c JOIN activity b ON b.id = c.activity_id "
        " WHERE b.cadre_id = ? AND b.day >= ? AND b.day <= ?) AS checked "
        "FROM activity a WHERE a.cadre_id = ? AND a.day >= ? AND a.day <= ?",
        cadre.id, y_start, today, cadre.id, y_start, today,
    )
    r = rows[0]
    return Progress(
        q_start, q_end, quarter, f2f, int(r["n"]), int(r["heads"]) + int(r["checked"]), list(uncredited)
    )


@dataclass
class Overview:
    cadres: int
    no_activity: list[tuple[int, str, str]]  # cadre id, name, org name
    no_face_to_face: list[tuple[int, str, str]]


async def overview(paths: list[str] | None) -> Overview:
    """Cadres under `paths` with no activity this quarter / no face-to-face this year (SQL)."""
    today = clock.today()
    q_start, _ = periods.quarter_bounds(today)
    y_start, _ = periods.year_bounds(today)
    where, params = subtree_sql(paths)
    rows = await fetch(
        "SELECT c.id AS id, c.name AS name, o.name AS org, "
        "EXISTS (SELECT 1 FROM activity a WHERE a.cadre_id = c.id AND a.credited = ? "
        "AND a.day >= ? AND a.day <= ?) AS quarter, "
        "EXISTS (SELECT 1 FROM activity a WHERE a.cadre_id = c.id AND a.credited = ? "
        "AND a.kind = 'face_to_face' AND a.day >= ? AND a.day <= ?) AS f2f "
        f"FROM cadre c JOIN organisation o ON o.id = c.org_id WHERE c.left_at IS NULL AND {where} ORDER BY o.path, c.id",
        True, q_start, today, True, y_start, today, *params,
    )
    return Overview(
        cadres=len(rows),
        no_activity=[(r["id"], r["name"], r["org"]) for r in rows if not r["quarter"]],
        no_face_to_face=[(r["id"], r["name"], r["org"]) for r in rows if not r["f2f"]],
    )
