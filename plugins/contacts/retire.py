"""Cadres who leave (离任), and their successors.

A departed cadre keeps their number and history (activities, topics, cases and
exchanges still show their name) but is no cadre any more: their QQ moves to
`former_qq` and `qq` becomes -id, so the sender is no longer recognised as that
cadre and may register again later as a new term with a new number. Lists of
cadres in office (reminders, cards, targets, /联系概况, the dashboard's list)
leave them out; the evaluation keeps them for the quarter they left in.

In one transaction with the change:
- bound groups go to the successor, or are unbound with their member lists deleted;
- open requests go to the successor, or to the organisation's 待分派 queue, and
  each youth is told who follows their request up;
- contacts are people's, not the cadre's: every link ends, and each consenting
  youth is asked once (outbox, youth cap) whether to keep in touch with the
  successor; only those who answer /同意 转交 within HANDOVER_DAYS move.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from models import BoundGroup, Cadre, Case, CaseEvent, ContactLink, GroupMember, Handover, Youth
from models.enums import CaseEventKind, CaseStatus, LinkStatus
from plugins.contacts import cache
from plugins.core import clock
from plugins.core.actor import Actor
from plugins.core.errors import Conflict, Forbidden, UsageError
from plugins.core.text import ref
from plugins.identity.orgs import chat_name
from plugins.outbox import enqueue

HANDOVER_DAYS = 14
_retired_hooks: list[Callable[[], Awaitable[object]]] = []


def on_retire(hook: Callable[[], Awaitable[object]]) -> Callable[[], Awaitable[object]]:
    """Run `hook` after a cadre leaves office (e.g. the evaluation's summary recounts)."""
    _retired_hooks.append(hook)
    return hook


@dataclass
class Retired:
    cadre: Cadre
    successor: Cadre | None
    groups_moved: int
    groups_unbound: int
    cases: int
    asked: int


def asking_text(cadre: Cadre, successor: Cadre) -> str:
    return (
        f"{chat_name(cadre.org, cadre.name)}已离任，接任的是{chat_name(successor.org, successor.name)}。"
        f"发送 /同意 转交 继续保持联系，不回复则联系自动结束。"
    )


async def retire(
    actor: Actor | None, cadre: Cadre, successor: Cadre | None = None, *, update_cache: bool = True
) -> Retired:
    """End `cadre`'s term (an administrator of their organisation, or None for the system:
    a roster import or an approved 离任申请 already checked)."""
    await cadre.fetch_related("org")
    if actor is not None and not actor.administers(cadre.org):
        raise Forbidden(f"你不是{cadre.org.name}或其上级组织的管理员，不能办理 {ref(cadre.id)} 的离任")
    if cadre.left_at is not None:
        raise Conflict(f"团干部 {ref(cadre.id)} 已于 {clock.fmt_local(cadre.left_at, '%Y-%m-%d')} 离任")
    if successor is not None:
        await successor.fetch_related("org")
        if successor.id == cadre.id:
            raise UsageError("接任的团干部不能是离任的本人")
        if successor.left_at is not None:
            raise Conflict(f"团干部 {ref(successor.id)} 已离任，不能接任")
    now = clock.now()
    name = chat_name(cadre.org, cadre.name)
    async with in_transaction():
        updated = await Cadre.filter(id=cadre.id, left_at__isnull=True).update(
            left_at=now, former_qq=cadre.qq, qq=-cadre.id, successor_id=successor.id if successor else None,
            updated_at=now,
        )
        if not updated:
            raise Conflict(f"团干部 {ref(cadre.id)} 刚刚已办理离任")
        bound = await BoundGroup.filter(cadre_id=cadre.id).values_list("group_id", flat=True)
        group_ids = [int(g) for g in bound]  # type: ignore[arg-type]
        moved = unbound = 0
        if group_ids and successor is not None:
            moved = await BoundGroup.filter(cadre_id=cadre.id).update(cadre_id=successor.id)
        elif group_ids:
            await GroupMember.filter(group_id__in=group_ids).delete()
            unbound = await BoundGroup.filter(cadre_id=cadre.id).delete()
        open_cases = await Case.filter(cadre_id=cadre.id).exclude(status=CaseStatus.closed).prefetch_related("org")
        after = chat_name(successor.org, successor.name) if successor else None
        for case in open_cases:
            if successor is not None:
                await Case.filter(id=case.id).update(cadre_id=successor.id, org_id=successor.org_id)
            else:
                await Case.filter(id=case.id).update(cadre_id=None)
            handler = after or f"{case.org.name}的管理员"
            event = await CaseEvent.create(
                case=case, kind=CaseEventKind.transfer, actor_qq=actor.qq if actor else None,
                text=f"{name}离任 → {handler}", created_at=now,
            )
            if successor is not None:
                await enqueue(
                    successor.qq, f"{name}离任，诉求 {ref(case.id)} 改由你跟进：发送 /诉求 {case.id} 查看。",
                    category="case_new", dedup_key=f"case:{case.id}:event:{event.id}:{successor.qq}",
                )
            if case.youth_qq is not None:
                await enqueue(
                    case.youth_qq, f"你的诉求 {ref(case.id)} 改由{handler}跟进。",
                    category="case_transfer", bulk=False, dedup_key=f"case:{case.id}:event:{event.id}:youth",
                    group_id=case.source_group_id,
                )
        asked = 0
        if successor is not None:
            rows = await ContactLink.filter(
                cadre_id=cadre.id, status=LinkStatus.confirmed, youth__consented_at__isnull=False
            ).values_list("youth_id", "youth__qq")
            text = asking_text(cadre, successor)
            for youth_id, qq in rows:
                await Handover.create(youth_id=youth_id, from_cadre_id=cadre.id, to_cadre_id=successor.id, asked_at=now)
                await enqueue(int(qq), text, category="handover", dedup_key=f"handover:{cadre.id}:{qq}")
                asked += 1
        await ContactLink.filter(cadre_id=cadre.id).exclude(status=LinkStatus.ended).update(status=LinkStatus.ended)
        if successor is not None:
            await enqueue(
                successor.qq,
                f"你接任了{name}：{moved} 个绑定群、{len(open_cases)} 件未办结诉求已交给你；"
                f"{asked} 名联系青年收到了询问，{HANDOVER_DAYS} 天内回复 /同意 转交 的会计入你的联系人（/联系人 可以看到转来几人）。",
                category="reminder", dedup_key=f"successor:{cadre.id}",
            )
    for g in group_ids if update_cache else ():  # the recorder's cache (not in a roster preview)
        if successor is not None:
            cache.put(g, successor.id, successor.qq)
        else:
            cache.drop(g)
    for hook in _retired_hooks if update_cache else ():  # not for a roster preview
        await hook()
    return Retired(cadre, successor, moved, unbound, len(open_cases), asked)


async def accept_handover(qq: int) -> list[Cadre]:
    """/同意 转交: links to the successors who asked within HANDOVER_DAYS; the cadres linked."""
    youth = await Youth.get_or_none(qq=qq)
    if youth is None:
        return []
    now = clock.now()
    since = now - timedelta(days=HANDOVER_DAYS)
    asks = await Handover.filter(youth_id=youth.id, answered_at__isnull=True, asked_at__gte=since).prefetch_related(
        "to_cadre__org"
    )
    out = []
    async with in_transaction():
        for h in asks:
            successor = h.to_cadre
            if successor.left_at is not None:
                continue
            link = await ContactLink.get_or_none(youth_id=youth.id, cadre_id=successor.id)
            if link is None:
                await ContactLink.create(
                    youth_id=youth.id, cadre_id=successor.id, status=LinkStatus.confirmed, source="handover",
                    created_at=now, confirmed_at=now,
                )
            elif link.status != LinkStatus.confirmed:
                await ContactLink.filter(id=link.id).update(status=LinkStatus.confirmed, confirmed_at=now)
            await Handover.filter(id=h.id).update(answered_at=now)
            out.append(successor)
    return out


async def moved_to(cadre_id: int) -> int:
    """Youth who moved to this cadre from a predecessor."""
    return await Handover.filter(to_cadre_id=cadre_id, answered_at__isnull=False).count()


async def in_office(paths: list[str] | None, with_departed: bool = False) -> tuple[list[dict], datetime | None]:
    """Cadres under `paths` with status, category, target and confirmed contacts (for /团干部 列表),
    and when the contacts were counted (`stats.confirmed_by_cadre`: the summary's, for a province)."""
    from plugins.contacts.stats import confirmed_by_cadre
    from plugins.core.sql import fetch, subtree_sql

    where, params = subtree_sql(paths)
    office = "" if with_departed else "c.left_at IS NULL AND "
    rows = await fetch(
        "SELECT c.id AS id, c.name AS name, c.category AS category, c.left_at AS left_at, o.name AS org, "
        f"o.path AS path FROM cadre c JOIN organisation o ON o.id = c.org_id WHERE {office}{where} ORDER BY o.path, c.id",
        *params,
    )
    confirmed, computed_at = await confirmed_by_cadre(paths)
    for r in rows:
        r["confirmed"] = confirmed.get(r["id"], 0)
    return rows, computed_at
