"""Cases: open (routed, committed before the acknowledgement), answer, close, rate, escalate, transfer.

Permissions are in access.py. Every change of state is a conditional UPDATE
plus a `case_event` row and its outbox messages, in one transaction.
"""

from dataclasses import dataclass
from datetime import datetime

from tortoise.transactions import in_transaction

from models import Cadre, Case, CaseEvent, ContactLink, Organisation
from models.enums import CaseEventKind, CaseStatus
from plugins.contacts import usage
from plugins.contacts.groups import bound_group, find_cadre
from plugins.contacts.links import candidate_cadres
from plugins.core import clock
from plugins.core.actor import Actor
from plugins.core.errors import Conflict, Forbidden, UsageError
from plugins.core.text import clean, ref
from plugins.identity.admins import admins_of
from plugins.identity.orgs import LEAGUE, chat_name
from plugins.outbox import enqueue
from plugins.requests import notices, urgent
from plugins.requests.access import (
    ANONYMOUS,
    can_handle,
    handled_case,
    handler_name,
    handler_qqs,
    identity_for,
    load_case,
    own_case,
    parse_number,
    youth_label,
)
from plugins.requests.config import settings
from plugins.requests.texts import NO_ROUTE, Category

NOTE_MAX = 500  # close and escalation notes, rating comments (column size)


# ------------------------------------------------------------------ parsing and checks


def check_content(text: str, what: str = "诉求内容") -> str:
    """Non-empty and within REQUESTS_CONTENT_MAX, control characters removed."""
    content = clean(text, 1_000_000)
    if not content:
        raise UsageError(f"请写上{what}")
    limit = settings().requests_content_max
    if len(content) > limit:
        raise UsageError(
            f"{what}最多 {limit} 个字，现在有 {len(content)} 个字，请精简后再发（也可以分几次用 /补充 发送）"
        )
    return content


def check_note(text: str | None, what: str) -> str | None:
    note = clean(text or "", 1_000_000)
    if len(note) > NOTE_MAX:
        raise UsageError(f"{what}最多 {NOTE_MAX} 个字，现在有 {len(note)} 个字")
    return note or None


def _closed(case: Case) -> None:
    if case.status == CaseStatus.closed:
        raise Conflict(f"诉求 {ref(case.id)} 已于 {clock.fmt_local(case.closed_at)} 办结")


async def _transition(case: Case, **changes) -> None:
    """Apply `changes` only if nobody changed the case's status meanwhile."""
    updated = await Case.filter(id=case.id, status=case.status).update(**changes)
    if not updated:
        raise Conflict(f"诉求 {ref(case.id)} 刚刚有了变化，请发送 /诉求 {case.id} 查看后再试")
    for name, value in changes.items():
        setattr(case, name, value)


def _resume(case: Case, now: datetime) -> dict:
    """End a wait on the youth: its duration is added to the paused time."""
    if case.waiting_since is None:
        return {}
    paused = case.paused_seconds + int((now - case.waiting_since).total_seconds())
    return {"paused_seconds": paused, "waiting_since": None}


# ------------------------------------------------------------------ opening


@dataclass
class Route:
    cadre: Cadre | None
    org: Organisation
    handler: str
    notify: list[int]
    danger: bool = False
    """An urgent case whose text suggests immediate danger (the youth is told 110/120)."""
    told: int = 0
    """An urgent case: how many people were told at once."""


async def route(qq: int, named: Cadre | None, group_id: int | None) -> Route:
    """The named cadre; else the most recently confirmed one; else the group's administrators."""
    if named is not None:
        if named.qq == qq:
            raise Conflict("不能向自己提出诉求")
        return Route(named, named.org, chat_name(named.org, named.name), [named.qq])
    link = (
        await ContactLink.filter(youth__qq=qq, status="confirmed")
        .order_by("-confirmed_at", "-id")
        .prefetch_related("cadre__org")
        .first()
    )
    if link is not None:
        cadre = link.cadre
        return Route(cadre, cadre.org, chat_name(cadre.org, cadre.name), [cadre.qq])
    if group_id is not None:
        bound = await bound_group(group_id)
        if bound is not None:
            org = bound.cadre.org
            admins = [a for a in await admins_of(org) if a != qq]
            if admins:
                return Route(None, org, f"{LEAGUE}{org.name}管理员", admins)
    raise UsageError(NO_ROUTE + await _choices(qq))


async def _choices(qq: int) -> str:
    cadres = await candidate_cadres(qq)
    if not cadres:
        return ""
    return "\n你所在群的团干部：" + "；".join(
        f"{chat_name(c.org, c.name)}：/诉求 @{c.id} <内容>" for c in cadres
    )


async def open_case(
    qq: int,
    text: str,
    *,
    category: Category,
    named: Cadre | None = None,
    group_id: int | None = None,
    urgent_said: bool = False,
    recorded: bool = False,
) -> tuple[Case, Route]:
    """Store the case and queue its notices in one transaction; the caller acknowledges after.

    `urgent_said`: /诉求 紧急; a text with an urgent phrase is urgent too (urgent.py).
    `recorded`: a cadre's record (代记) the youth confirmed: not within the youth's daily limit."""
    content = check_content(text)
    now = clock.now()
    found = urgent.match(content)
    is_urgent = urgent_said or found.urgent
    limit = settings().requests_daily_limit
    if not (is_urgent or recorded) and await usage.used_today(qq, "case") >= limit:
        raise Conflict(
            f"你今天已经提出了 {limit} 件诉求，达到每天的上限，请明天再来。"
            "已有诉求的补充请用 /补充 <编号> <内容>"
        )
    target = await route(qq, named, group_id)
    youth = await youth_label(qq)
    async with in_transaction() as conn:
        await usage.count_use(qq, "case", conn)
        case = await Case.create(
            youth_qq=qq,
            category=category.value,
            content=content,
            cadre=target.cadre,
            org=target.org,
            status=CaseStatus.open,
            source_group_id=group_id,
            created_at=now,
            urgent=is_urgent,
            urgent_by=("youth" if urgent_said else "phrase") if is_urgent else None,
        )
        if recorded:
            await CaseEvent.create(case=case, kind=CaseEventKind.recorded, actor_qq=None, text=None, created_at=now)
        shown = youth if target.cadre is not None else ANONYMOUS
        if is_urgent:
            target.told = len(await urgent.notify_opened(case, shown, target.notify))
            target.danger = found.danger
        else:
            for person in target.notify:
                await enqueue(
                    person,
                    notices.new_case(case, shown, settings().requests_first_answer_hours),
                    category="case_new",
                    dedup_key=f"case:{case.id}:new:{person}",
                )
        if group_id is not None:
            # An urgent case's help lines go privately at once: the group never sees them.
            head = urgent.youth_help(found.danger) + "\n" if is_urgent else ""
            await enqueue(
                qq,
                head + notices.group_continuation(case, target.handler),
                category="case_ack",
                bulk=False,
                urgent=is_urgent,
                dedup_key=f"case:{case.id}:ack",
                group_id=group_id,
            )
    return case, target


# ------------------------------------------------------------------ handling


@dataclass
class ReplyResult:
    case: Case
    asks: bool
    delivered: bool


async def reply(actor: Actor, token: str | int | None, text: str) -> ReplyResult:
    """Answer the youth; a reply ending in ？/? asks a question and pauses the clock."""
    case = await handled_case(actor, token)
    _closed(case)
    content = check_content(text, "回复内容")
    asks = content.endswith(("？", "?"))
    now = clock.now()
    if asks:
        changes = {} if case.status == CaseStatus.waiting else {"status": CaseStatus.waiting, "waiting_since": now}
    else:
        changes = {**_resume(case, now), "status": CaseStatus.answered, "first_answer_at": case.first_answer_at or now}
    async with in_transaction():
        if changes:
            await _transition(case, **changes)
        event = await CaseEvent.create(
            case=case, kind=CaseEventKind.question if asks else CaseEventKind.reply, actor_qq=actor.qq, text=content, created_at=now
        )
        if case.youth_qq is not None:
            await enqueue(
                case.youth_qq,
                notices.answer(case, handler_name(case), content, asks=asks),
                category="case_reply",
                bulk=False,
                dedup_key=f"case:{case.id}:event:{event.id}",
                group_id=case.source_group_id,
            )
    return ReplyResult(case, asks, case.youth_qq is not None)


async def supplement(qq: int, token: str | int | None, text: str) -> Case:
    """The youth adds to their case; an answer to a question restarts the clock."""
    case = await own_case(qq, token)
    if case.status == CaseStatus.closed:
        raise Conflict(f"诉求 {ref(case.id)} 已解决；有新的问题，请再发 /诉求 <内容>")
    content = check_content(text, "补充内容")
    now = clock.now()
    changes = {}
    if case.status == CaseStatus.waiting:
        changes = {**_resume(case, now), "status": CaseStatus.answered if case.first_answer_at else CaseStatus.open}
    targets = await handler_qqs(case)
    async with in_transaction():
        if changes:
            await _transition(case, **changes)
        event = await CaseEvent.create(case=case, kind=CaseEventKind.supplement, actor_qq=qq, text=content, created_at=now)
        for person in targets:
            await enqueue(
                person,
                notices.supplement(case, content),
                category="case_supplement",
                dedup_key=f"case:{case.id}:event:{event.id}:{person}",
            )
    return case


async def close(actor: Actor, token: str | int | None, note_text: str | None) -> Case:
    """Close the case and ask the youth, once, to rate it."""
    case = await handled_case(actor, token)
    _closed(case)
    note = check_note(note_text, "办结说明")
    now = clock.now()
    async with in_transaction():
        await _transition(
            case,
            **_resume(case, now),
            status=CaseStatus.closed,
            closed_at=now,
            close_note=note,
            first_answer_at=case.first_answer_at or now,
        )
        await CaseEvent.create(case=case, kind=CaseEventKind.close, actor_qq=actor.qq, text=note, created_at=now)
        if case.youth_qq is not None:
            await enqueue(
                case.youth_qq,
                notices.closed(case, handler_name(case)),
                category="case_closed",
                bulk=False,
                dedup_key=f"case:{case.id}:closed",
                group_id=case.source_group_id,
            )
    return case


def parse_score(text: str | int | None) -> int:
    if isinstance(text, int):
        text = str(text)
    word = (text or "").strip().removesuffix("分")
    if not (word.isascii() and word.isdigit()) or not 1 <= int(word) <= 5:
        raise UsageError("评分须为 1 到 5 的整数（5 分最满意），例如 /评价 <编号> 5 很及时")
    return int(word)


async def rate(qq: int, token: str | int | None, score_text: str | int | None, comment_text: str | None) -> Case:
    case = await own_case(qq, token)
    score = parse_score(score_text)
    comment = check_note(comment_text, "评价意见")
    if case.status != CaseStatus.closed:
        raise Conflict(f"诉求 {ref(case.id)} 还没有解决，解决后再评价")
    if case.rating is not None:
        raise Conflict(f"你已于 {clock.fmt_local(case.rated_at)} 评价过诉求 {ref(case.id)}（{case.rating} 分），每件诉求只能评价一次")
    now = clock.now()
    async with in_transaction():
        updated = await Case.filter(id=case.id, rating__isnull=True).update(
            rating=score, rating_comment=comment, rated_at=now
        )
        if not updated:
            raise Conflict(f"你已评价过诉求 {ref(case.id)}，每件诉求只能评价一次")
        await CaseEvent.create(case=case, kind=CaseEventKind.rating, actor_qq=qq, text=f"{score} 分" + (f"：{comment}" if comment else ""), created_at=now)
    case.rating, case.rating_comment, case.rated_at = score, comment, now
    return case


async def escalation_targets(case: Case) -> list[int]:
    """The organisation's administrators; above them when they already handle the case."""
    if case.cadre_id is None and case.org.parent_id is not None:
        parent = await Organisation.get(id=case.org.parent_id)
        return await admins_of(parent)
    return await admins_of(case.org)


async def escalate(case: Case, note: str, actor: Actor | None = None) -> list[int]:
    """Put the case on the organisation's problem list and tell its administrators.

    Returns who was told. `actor` None: the service level did it."""
    now = clock.now()
    targets = [qq for qq in await escalation_targets(case) if actor is None or qq != actor.qq]
    identity = await identity_for(None, case) if case.show_identity else ANONYMOUS
    async with in_transaction():
        updated = await Case.filter(id=case.id, escalated_at__isnull=True).update(
            escalated_at=now, escalation_note=note
        )
        if not updated:
            raise Conflict(f"诉求 {ref(case.id)} 已经上报过了")
        case.escalated_at, case.escalation_note = now, note
        await CaseEvent.create(
            case=case, kind=CaseEventKind.escalate, actor_qq=actor.qq if actor else None, text=note, created_at=now
        )
        for person in targets:
            await enqueue(
                person,
                notices.escalated_to_admin(case, handler_name(case), note, identity),
                category="case_escalated",
                dedup_key=f"case:{case.id}:escalated:{person}",
            )
        if actor is None and case.cadre is not None:
            await enqueue(
                case.cadre.qq,
                notices.escalated_to_cadre(case, settings().requests_escalate_days),
                category="case_escalated",
                dedup_key=f"case:{case.id}:escalated:cadre",
            )
        if case.youth_qq is not None:
            await enqueue(
                case.youth_qq,
                notices.escalated_to_youth(case),
                category="case_escalated",
                bulk=False,
                dedup_key=f"case:{case.id}:escalated:youth",
                group_id=case.source_group_id,
            )
    return targets


async def escalate_by(actor: Actor, token: str | int | None, note_text: str | None) -> tuple[Case, list[int]]:
    case = await handled_case(actor, token)
    if case.escalated_at is not None:
        raise Conflict(f"诉求 {ref(case.id)} 已于 {clock.fmt_local(case.escalated_at)} 上报")
    note = check_note(note_text, "上报说明") or "团干部上报"
    return case, await escalate(case, note, actor)


async def transfer(
    actor: Actor, token: str | int | None, cadre_token: "str | int | Cadre | None"
) -> tuple[Case, Cadre]:
    """Hand the case to another cadre (by its cadre, or an administrator of its organisation)."""
    case = await load_case(parse_number(token))
    if not (can_handle(actor, case) or actor.administers(case.org)):
        raise Forbidden(f"诉求 {ref(case.id)} 不是你负责的，不能转交")
    _closed(case)
    if not cadre_token:
        raise UsageError("请写接手的团干部编号，例如 /转交 3 #5")
    target = cadre_token if isinstance(cadre_token, Cadre) else await find_cadre(str(cadre_token))
    if target.id == case.cadre_id:
        raise Conflict(f"诉求 {ref(case.id)} 已由{chat_name(target.org, target.name)}负责")
    if target.qq == case.youth_qq:
        raise Conflict("不能把诉求交给提出它的本人")
    before = handler_name(case)
    now = clock.now()
    async with in_transaction():
        current = Case.filter(id=case.id, status=case.status)
        current = current.filter(cadre_id=case.cadre_id) if case.cadre_id else current.filter(cadre_id__isnull=True)
        if not await current.update(cadre_id=target.id, org_id=target.org_id):
            raise Conflict(f"诉求 {ref(case.id)} 刚刚有了变化，请发送 /诉求 {case.id} 查看后再试")
        case.cadre, case.org = target, target.org
        after = handler_name(case)
        event = await CaseEvent.create(
            case=case, kind=CaseEventKind.transfer, actor_qq=actor.qq, text=f"{before} → {after}", created_at=now
        )
        await enqueue(
            target.qq,
            notices.new_case(
                case, await youth_label(case.youth_qq), settings().requests_first_answer_hours,
                transferred_from=before,
            ),
            category="case_new",
            dedup_key=f"case:{case.id}:event:{event.id}:{target.qq}",
        )
        if case.youth_qq is not None:
            await enqueue(
                case.youth_qq,
                notices.transferred_to_youth(case, after),
                category="case_transfer",
                bulk=False,
                dedup_key=f"case:{case.id}:event:{event.id}:youth",
                group_id=case.source_group_id,
            )
    return case, target


async def set_identity(qq: int, token: str | int | None, show: bool) -> Case:
    """The youth's choice whether administrators may see who raised the case."""
    case = await own_case(qq, token)
    await Case.filter(id=case.id).update(show_identity=show)
    case.show_identity = show
    return case
