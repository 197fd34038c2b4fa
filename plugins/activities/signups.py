"""Activities youth can join: post to the cadre's groups, sign up, cancel, the day-before
reminder, no-shows, and the optional 1-5 feedback afterwards (which no score uses).

Places are kept by a conditional UPDATE of `activity.signed_up`, so two people can
never take the last place at once. Every message the bot sends on its own goes
through the outbox (group posts once per group, reminders and questions once per
person: dedup keys)."""

from dataclasses import dataclass
from datetime import timedelta

from nonebot.adapters.onebot.v11 import PrivateMessageEvent
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Subquery
from tortoise.transactions import in_transaction

from models import Activity, ActivityFeedback, BoundGroup, Cadre, CheckIn, SignUp, Youth
from models.enums import ActivityKind
from plugins.core import clock, periods
from plugins.core.errors import Conflict, Forbidden, NotFound, UsageError
from plugins.core.records import numbered, only_once
from plugins.core.text import plain, ref
from plugins.identity.orgs import chat_name
from plugins.outbox import enqueue

FEEDBACK_MIN = 5  # answers needed before an average is shown
FEEDBACK_QUESTION = "这次活动你觉得怎么样？回复 1-5（5 最好，不想答可以不理）"
_waiting: set[int] = set()
"""Who was asked for feedback and has not answered (memory: every private message asks)."""


def kind_label(kind: str) -> str:
    return ActivityKind(kind).label


def when_where(a: Activity) -> str:
    return f"{periods.fmt_day(a.day)}" + (f"，地点：{a.place}" if a.place else "")


def places_text(a: Activity) -> str:
    if a.capacity is None:
        return "不限人数"
    return f"名额 {a.capacity} 人，还剩 {max(0, a.capacity - a.signed_up)} 个"


def post_text(a: Activity, cadre: Cadre) -> str:
    """The group post: within the group budget (6 lines, 200 characters); the organiser's
    name is left out when long names would go over it."""
    lines = [
        f"【活动 {ref(a.id)}】{kind_label(a.kind)}「{a.title}」",
        when_where(a),
        f"组织：{chat_name(cadre.org, cadre.name)}；{places_text(a)}",
        f"想参加就发：/报名 {a.id}",
    ]
    text = "\n".join(lines)
    if len(text) > 200:
        lines[2] = places_text(a)
        text = "\n".join(lines)
    return text


async def has_groups(cadre: Cadre) -> bool:
    return await BoundGroup.exists(cadre_id=cadre.id)


async def publish(cadre: Cadre, a: Activity, capacity: int | None) -> int:
    """Post to every bound group of the cadre, once; returns how many groups."""
    if a.day < clock.today():
        raise Conflict(f"活动 {ref(a.id)} 的日期已经过了，不能再发布报名")
    if a.posted_at is not None:
        raise Conflict(f"活动 {ref(a.id)} 已于 {clock.fmt_local(a.posted_at)} 发布过，每个活动只发布一次")
    groups = await BoundGroup.filter(cadre_id=cadre.id).order_by("id")
    if not groups:
        raise UsageError("你还没有绑定群。在群里发送 /绑定本群 后再发布活动")
    if capacity is not None and capacity < a.signed_up:
        raise Conflict(f"已有 {a.signed_up} 人报名，名额不能少于这个数")
    now = clock.now()
    async with in_transaction():
        await only_once(a, "posted_at", f"活动 {ref(a.id)} 刚刚已经发布过了", posted_at=now, capacity=capacity)
        for group in groups:
            await enqueue(
                group.group_id, post_text(a, cadre), target_type="group", category="activity_post",
                bulk=False, bot_id=group.bot_id, ref_id=a.id, dedup_key=f"activity:{a.id}:post:{group.group_id}",
            )
    return len(groups)


async def _posted(token: int) -> Activity:
    a = await Activity.get_or_none(id=token).prefetch_related("cadre__org")
    if a is None or a.posted_at is None:
        raise NotFound(f"没有可以报名的活动 {ref(token)}，请看团干部在群里发的活动编号")
    return a


async def sign_up(qq: int, token: int) -> Activity:
    a = await _posted(token)
    if a.cadre.qq == qq:
        raise Conflict("组织活动的团干部不需要报名")
    if a.day < clock.today():
        raise Conflict(f"活动 {ref(a.id)} 已经在 {periods.fmt_day(a.day)} 结束了，不能再报名")
    if await SignUp.exists(activity_id=a.id, qq=qq):
        raise Conflict(f"你已经报名了活动 {ref(a.id)}，{when_where(a)}")
    try:
        async with in_transaction():
            took = Activity.filter(id=a.id)
            if a.capacity is not None:
                took = took.filter(signed_up__lt=a.capacity)
            if not await took.update(signed_up=F("signed_up") + 1):
                raise Conflict(f"活动 {ref(a.id)} 的 {a.capacity} 个名额已经报满了")
            await SignUp.create(activity_id=a.id, qq=qq, created_at=clock.now())
    except IntegrityError as e:
        raise Conflict(f"你已经报名了活动 {ref(a.id)}") from e
    return a


async def cancel(qq: int, token: int) -> Activity:
    a = await _posted(token)
    if a.day < clock.today():
        raise Conflict(f"活动 {ref(a.id)} 已经结束了")
    async with in_transaction():
        if not await SignUp.filter(activity_id=a.id, qq=qq).delete():
            raise NotFound(f"你没有报名活动 {ref(a.id)}")
        await Activity.filter(id=a.id, signed_up__gt=0).update(signed_up=F("signed_up") - 1)
    return a


@dataclass
class Roll:
    signed: list[str]
    no_shows: list[str]


async def roll(a: Activity, limit: int = 30) -> Roll:
    """Who signed up, and (on or after the day) who signed up but did not check in."""
    rows = await SignUp.filter(activity_id=a.id).order_by("id").limit(limit).values_list("qq", flat=True)
    qqs = [int(q) for q in rows]  # type: ignore[arg-type]
    names = dict(await Youth.filter(qq__in=qqs).values_list("qq", "nickname")) if qqs else {}
    label = {q: str(names.get(q) or q) for q in qqs}
    no_shows: list[str] = []
    if a.day <= clock.today():
        came = set(await CheckIn.filter(activity_id=a.id, qq__in=qqs).values_list("qq", flat=True)) if qqs else set()
        no_shows = [label[q] for q in qqs if q not in came]
    return Roll([label[q] for q in qqs], no_shows)


# ------------------------------------------------------------------ reminders and feedback


def reminder_text(a: Activity) -> str:
    return (
        f"提醒：你报名的「{a.title}」（活动 {ref(a.id)}）是明天，{when_where(a)}。"
        f"到了发 /签到 <签到码> 签到；去不了请发 /取消报名 {a.id}。"
    )


async def remind_tomorrow() -> int:
    """Queue one reminder per sign-up for tomorrow's activities (dedup: exactly once).

    Counted against the youth's daily cap and held in quiet hours by the outbox."""
    tomorrow = clock.today() + timedelta(days=1)
    queued = 0
    for a in await Activity.filter(day=tomorrow, posted_at__isnull=False):
        for qq in await SignUp.filter(activity_id=a.id).values_list("qq", flat=True):
            if await enqueue(int(qq), reminder_text(a), category="activity_reminder",  # type: ignore[arg-type]
                             dedup_key=f"activity:{a.id}:remind:{qq}"):
                queued += 1
    return queued


async def set_feedback(cadre: Cadre, token: int, on: bool) -> Activity:
    a = await numbered(Activity, token, "活动", "/活动 反馈 3 开启")
    if a.cadre_id != cadre.id:
        raise Forbidden(f"活动 {ref(a.id)} 不是你记录的")
    await Activity.filter(id=a.id).update(feedback=on)
    a.feedback = on
    return a


async def ask_feedback() -> int:
    """After the day: ask each person who checked in, once (activities with feedback on)."""
    today = clock.today()
    now = clock.now()
    asked = 0
    for a in await Activity.filter(feedback=True, day__lt=today, day__gte=today - timedelta(days=7)):
        came = await CheckIn.filter(activity_id=a.id, qq__isnull=False).values_list("qq", flat=True)
        for qq in came:
            qq = int(qq)  # type: ignore[arg-type]
            message = await enqueue(
                qq, f"【活动 {ref(a.id)}「{a.title}」】{FEEDBACK_QUESTION}", category="activity_feedback",
                dedup_key=f"activity:{a.id}:feedback:{qq}",
            )
            if message is not None:
                await ActivityFeedback.create(activity_id=a.id, qq=qq, asked_at=now)
                _waiting.add(qq)
                asked += 1
    return asked


def waits(qq: int) -> bool:
    return qq in _waiting


async def refresh_waiting() -> None:
    since = clock.now() - timedelta(days=7)
    qqs = await ActivityFeedback.filter(answered_at__isnull=True, qq__isnull=False, asked_at__gte=since).values_list(
        "qq", flat=True
    )
    _waiting.clear()
    _waiting.update(int(q) for q in qqs)  # type: ignore[arg-type]


def clear_waiting() -> None:
    _waiting.clear()


async def answer(bot, event: PrivateMessageEvent) -> bool:
    """A bare 1-5 from someone asked: the answer to the oldest open question."""
    word = event.get_plaintext().strip().removesuffix("分")
    if not (len(word) == 1 and word in "12345"):
        return False
    qq = event.user_id
    question = await ActivityFeedback.filter(qq=qq, answered_at__isnull=True).order_by("asked_at", "id").first()
    if question is None:
        _waiting.discard(qq)
        return False
    # Anonymous once answered: the score stays, who gave it does not.
    await ActivityFeedback.filter(id=question.id).update(score=int(word), answered_at=clock.now(), qq=None)
    if not await ActivityFeedback.exists(qq=qq, answered_at__isnull=True):
        _waiting.discard(qq)
    await bot.send(event, plain(f"谢谢你的回答（{word} 分）！只有组织活动的团干部看到平均分，不会显示你是谁。"))
    return True


@dataclass
class FeedbackSummary:
    answers: int
    average: float | None


async def feedback_summary(a: Activity) -> FeedbackSummary:
    scores = await ActivityFeedback.filter(activity_id=a.id, score__isnull=False).values_list("score", flat=True)
    values = [int(s) for s in scores]  # type: ignore[arg-type]
    average = sum(values) / len(values) if len(values) >= FEEDBACK_MIN else None
    return FeedbackSummary(len(values), average)


async def expire(keep_days: int) -> int:
    """Retention: sign-ups of activities more than `keep_days` past, questions unanswered
    for 7 days (the answers hold no QQ)."""
    today = clock.today()
    # A subquery, not a list of ids: a province's 50,000 past activities were more parameters than
    # PostgreSQL takes (32,767), and the retention failed every day (bench/dashboard.py, 2026-11-30).
    old = Subquery(Activity.filter(day__lt=today - timedelta(days=keep_days)).values("id"))
    removed = await SignUp.filter(activity_id__in=old).delete()
    stale = clock.now() - timedelta(days=7)
    return removed + await ActivityFeedback.filter(answered_at__isnull=True, asked_at__lt=stale).delete()


async def forget(qq: int) -> int:
    """/退出 全部: sign-ups and unanswered questions go (answered ones hold no QQ)."""
    _waiting.discard(qq)
    signed = await SignUp.filter(qq=qq).values_list("activity_id", flat=True)
    for activity_id in signed:
        await Activity.filter(id=activity_id, signed_up__gt=0).update(signed_up=F("signed_up") - 1)
    removed = await SignUp.filter(qq=qq).delete()
    return removed + await ActivityFeedback.filter(qq=qq).delete()
