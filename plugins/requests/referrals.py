"""Referrals: a case passed to a body outside the league (policy: 基层党政领导或职能部门,
12355, 青年之声), its follow-up date, one reminder when no outcome came, and the outcome.

Each step is one transaction: the referral row, a case event, the youth's notice."""

from datetime import datetime, timedelta
from typing import Any

from nonebot.log import logger
from tortoise.transactions import in_transaction

from models import Case, CaseEvent, Referral
from models.enums import CaseEventKind
from plugins.core import clock
from plugins.core.actor import Actor
from plugins.core.errors import Conflict, Forbidden, NotFound, UsageError
from plugins.core.records import first_time, only_once
from plugins.core.text import clean, ref
from plugins.outbox import enqueue
from plugins.requests import access, notices
from plugins.requests.config import settings

TO_MAX = 50
BATCH = 200


def followup_days() -> float:
    return settings().requests_referral_followup_days


async def _case_for(actor: Actor, token: int) -> Case:
    case = await access.load_case(token)
    if not (access.can_handle(actor, case) or actor.administers(case.org)):
        raise Forbidden(f"诉求 {ref(case.id)} 不是你负责的，不能转介")
    return case


async def refer(actor: Actor, token: int, to_text: str, note_text: str | None) -> tuple[Case, Referral]:
    case = await _case_for(actor, token)
    to = clean(to_text, 1000)
    if not to:
        raise UsageError("请写转给谁，例如 /转介 3 12355 或 /转介 3 区教育局")
    if len(to) > TO_MAX:
        raise UsageError(f"去向最多 {TO_MAX} 个字，现在有 {len(to)} 个字")
    note = clean(note_text or "", 1000) or None
    if note and len(note) > 500:
        raise UsageError(f"说明最多 500 个字，现在有 {len(note)} 个字")
    now = clock.now()
    async with in_transaction():
        referral = await Referral.create(
            case=case, to=to, note=note, actor_qq=actor.qq or 0, created_at=now,
            follow_up_at=now + timedelta(days=followup_days()),
        )
        await CaseEvent.create(
            case=case, kind=CaseEventKind.refer, actor_qq=actor.qq,
            text=to + (f"：{note}" if note else ""), created_at=now,
        )
        if case.youth_qq is not None:
            await enqueue(
                case.youth_qq,
                f"你的诉求 {ref(case.id)} 已转给「{to}」处理"
                + (f"（{notices.body(note, case.id, notices.NOTE_SHOWN)}）" if note else "")
                + f"。{access.handler_name(case)}会跟进结果，有结果会告诉你。",
                category="case_referral", bulk=False,
                dedup_key=f"case:{case.id}:referral:{referral.id}", group_id=case.source_group_id,
            )
    return case, referral


async def record_outcome(actor: Actor, token: int, text: str) -> tuple[Case, Referral]:
    case = await _case_for(actor, token)
    outcome = clean(text, 10_000)
    if not outcome:
        raise UsageError(f"请写转介的结果，例如 /转介 结果 {case.id} 教育局已回复，下周整改")
    if len(outcome) > 500:
        raise UsageError(f"结果最多 500 个字，现在有 {len(outcome)} 个字")
    referral = await Referral.filter(case_id=case.id, outcome__isnull=True).order_by("-id").first()
    if referral is None:
        if await Referral.exists(case_id=case.id):
            raise Conflict(f"诉求 {ref(case.id)} 的转介都已经记过结果了")
        raise NotFound(f"诉求 {ref(case.id)} 还没有转介。转介：/转介 {case.id} <去向> [说明]")
    now = clock.now()
    async with in_transaction():
        await only_once(
            referral, "outcome", f"诉求 {ref(case.id)} 的转介结果刚刚已经记过了", outcome=outcome, outcome_at=now
        )
        await CaseEvent.create(
            case=case, kind=CaseEventKind.refer_result, actor_qq=actor.qq, text=f"{referral.to}：{outcome}", created_at=now,
        )
        if case.youth_qq is not None:
            await enqueue(
                case.youth_qq,
                f"你的诉求 {ref(case.id)} 转给「{referral.to}」后有了结果：\n{notices.body(outcome, case.id)}\n"
                f"还有问题就发 /补充 {case.id} <内容>。",
                category="case_referral", bulk=False,
                dedup_key=f"case:{case.id}:referral:{referral.id}:outcome", group_id=case.source_group_id,
            )
    return case, referral


async def for_cases(case_ids: list[int]) -> dict[int, list[Referral]]:
    if not case_ids:
        return {}
    found: dict[int, list[Referral]] = {}
    for r in await Referral.filter(case_id__in=case_ids).order_by("id"):
        found.setdefault(r.case_id, []).append(r)
    return found


def line(r: Referral) -> str:
    """One referral in a list or an export cell."""
    return line_of(r.to, r.created_at, r.outcome, r.follow_up_at)


def line_of(to: str, created_at: datetime | None, outcome: str | None, follow_up_at: datetime | None) -> str:
    """`line` from a referral's fields (downloads read them as raw rows)."""
    head = f"{to}（{clock.fmt_local(created_at, '%m-%d')}）"
    if outcome is not None:
        return head + f"，结果：{outcome}"
    return head + f"，待结果（{clock.fmt_local(follow_up_at, '%m-%d')} 跟进）"


Fields = tuple[str, datetime | None, str | None, datetime | None]
"""A referral as `line_of` takes it: to, created, outcome, follow-up date."""


async def of_cases(db: Any, where: str, params: list) -> dict[int, list[Fields]]:
    """In an export worker (plugins/core/export_process.py `Database`): the referrals of the cases
    `where` selects (over `"case" c JOIN organisation o`), by case, oldest first."""
    found: dict[int, list[Fields]] = {}
    for case_id, to, created, outcome, follow_up in await db.all(
        f"SELECT r.case_id, r.{db.quote('to')}, {db.epoch('r.created_at')}, r.outcome, {db.epoch('r.follow_up_at')} "
        f'FROM referral r JOIN "case" c ON c.id = r.case_id JOIN organisation o ON o.id = c.org_id '
        f"WHERE {where} ORDER BY r.id",
        *params,
    ):
        found.setdefault(case_id, []).append((to, db.instant(created), outcome, db.instant(follow_up)))
    return found


async def remind_due() -> int:
    """Referrals past their follow-up date without an outcome: the handler is reminded, once."""
    now = clock.now()
    due = await Referral.filter(
        outcome__isnull=True, reminded_at__isnull=True, follow_up_at__lte=now
    ).order_by("follow_up_at").limit(BATCH)
    done = 0
    for r in due:
        case = await access.load_case(r.case_id)
        targets = await access.handler_qqs(case)
        if r.actor_qq and r.actor_qq not in targets:
            targets.append(r.actor_qq)
        async with in_transaction():
            if not await first_time(r, "reminded_at", reminded_at=now):
                continue
            for person in targets:
                await enqueue(
                    person,
                    f"【转介跟进】诉求 {ref(case.id)} 在 {clock.fmt_local(r.created_at, '%m-%d')} 转给了「{r.to}」，"
                    f"{followup_days():g} 天了还没有记结果。问问对方，有结果就发 /转介 结果 {case.id} <内容>。",
                    category="case_referral", dedup_key=f"referral:{r.id}:followup:{person}",
                )
        done += 1
    if done:
        logger.info(f"requests: {done} referral follow-ups")
    return done
