"""Youth confirm their link with a cadre: join, consent, leave, erase, invitations."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from tortoise.transactions import in_transaction

from models import (
    Admin,
    Application,
    BotAccount,
    BoundGroup,
    Cadre,
    ContactLink,
    GroupMember,
    Invitation,
    OutboxMessage,
    Youth,
)
from models.enums import Field, LinkStatus
from plugins.contacts import consented, optout
from plugins.contacts.config import settings
from plugins.contacts.texts import FIELD_CHOICES, FIELD_SYNONYMS, FIELD_WORDS, INVITATION
from plugins.core import clock
from plugins.core.errors import Conflict, NotFound, UsageError
from plugins.core.sql import execute
from plugins.core.text import clean
from plugins.identity.orgs import chat_name
from plugins.outbox import enqueue

Eraser = Callable[[int, int | None], Awaitable[bool]]
_erasers: list[Eraser] = []


def on_erase(eraser: Eraser) -> Eraser:
    """Register what another plugin deletes or anonymises when a person leaves entirely.

    Called with (qq, youth_id or None) inside the erasing transaction; returns
    whether it found anything about the person.
    """
    _erasers.append(eraser)
    return eraser


def parse_field(text: str) -> Field:
    """A field from the words youth use (学生、上班…) or their synonyms (大学生 → 学生)."""
    field = FIELD_SYNONYMS.get(text.strip())
    if field is None:
        raise UsageError(f"领域请写 {FIELD_WORDS} 之一")
    return field


async def is_staff(qq: int) -> bool:
    """Cadres, administrators and bot accounts never count as youth."""
    return (
        await Cadre.exists(qq=qq)
        or await Admin.exists(qq=qq)
        or await BotAccount.exists(self_id=qq)
    )


@dataclass
class PrivateNotice:
    """The personal-information notice for someone who asked in a group: sent privately."""

    text: str
    group_id: int | None
    bot_id: int | None


async def send_notice(qq: int, notice: PrivateNotice) -> None:
    """Queue the notice to `qq` (a temporary session through the group if need be), once a day."""
    await enqueue(
        qq,
        notice.text,
        category="consent_notice",
        bulk=False,
        dedup_key=f"consent:{qq}:{clock.today().isoformat()}",
        group_id=notice.group_id,
        bot_id=notice.bot_id,
    )


@dataclass
class JoinResult:
    cadre: Cadre
    link: ContactLink
    needs_consent: bool
    already: bool = False


async def join(
    qq: int,
    nickname: str,
    cadre: Cadre,
    *,
    source: str,
    group_id: int | None = None,
    field: Field | None = None,
    notice: PrivateNotice | None = None,
) -> JoinResult:
    """Link `qq` to `cadre`: confirmed at once if they consented before, else pending and,
    when `notice` is given, the personal-information notice queued in the same transaction."""
    if cadre.qq == qq or await is_staff(qq):
        raise Conflict("团干部、管理员和联青的账号不计入联系青年，无需 /加入")
    now = clock.now()
    async with in_transaction():
        youth, _ = await Youth.get_or_create(
            qq=qq, defaults={"nickname": clean(nickname, 64), "field": field, "created_at": now}
        )
        updates = []
        if field is not None and youth.field != field.value:
            youth.field = field.value
            updates.append("field")
        if nickname and youth.nickname != clean(nickname, 64):
            youth.nickname = clean(nickname, 64)
            updates.append("nickname")
        if updates:
            await youth.save(update_fields=updates)
        link, created = await ContactLink.get_or_create(
            youth=youth,
            cadre=cadre,
            defaults={"status": LinkStatus.pending, "source": source, "group_id": group_id, "created_at": now},
        )
        if not created and link.status == LinkStatus.confirmed:
            return JoinResult(cadre, link, needs_consent=False, already=True)
        if youth.consented_at is not None:
            link.status, link.confirmed_at = LinkStatus.confirmed, now
            await link.save(update_fields=["status", "confirmed_at"])
        elif notice is not None:
            await send_notice(qq, notice)
    return JoinResult(cadre, link, needs_consent=youth.consented_at is None)


async def consent(qq: int, nickname: str = "") -> list[Cadre]:
    """Record consent and confirm every pending link; returns the cadres now linked.

    Someone with no pending link (e.g. about to send a request) consents too: a
    youth row holding their QQ, nickname and the time of consent is created."""
    if await is_staff(qq):
        raise Conflict("团干部、管理员不需要同意个人信息告知")
    youth = await Youth.get_or_none(qq=qq)
    pending = (
        await ContactLink.filter(youth=youth, status=LinkStatus.pending).prefetch_related("cadre__org")
        if youth is not None
        else []
    )
    if youth is not None and youth.consented_at is not None and not pending:
        raise Conflict("你已同意过个人信息告知，目前没有待确认的联系")
    now = clock.now()
    async with in_transaction():
        if youth is None:
            youth = await Youth.create(qq=qq, nickname=clean(nickname, 64), consented_at=now, created_at=now)
        elif youth.consented_at is None:
            youth.consented_at = now
            await youth.save(update_fields=["consented_at"])
        await ContactLink.filter(youth=youth, status=LinkStatus.pending).update(status=LinkStatus.confirmed, confirmed_at=now)
        await optout.opt_back_in(qq)
    consented.add(qq)  # from now on their own counts are kept (see plugins/interaction/recorder.py)
    return [link.cadre for link in pending]


async def erase_person(qq: int, reason: str) -> bool:
    """Delete everything personal about `qq` and stop recording them; True if data existed."""
    youth = await Youth.get_or_none(qq=qq)
    found = False
    consented.discard(qq)  # first: nothing recorded from here on carries their QQ
    async with in_transaction():
        for eraser in _erasers:
            found |= await eraser(qq, youth.id if youth else None)
        members = await GroupMember.filter(qq=qq).delete()
        invitations = await Invitation.filter(qq=qq).delete()
        # Registration applications that never made them a cadre, and the notices about them.
        applications = await Application.filter(qq=qq, cadre_id__isnull=True).values_list("id", flat=True)
        for number in applications:
            await OutboxMessage.filter(dedup_key__startswith=f"application:{number}:").delete()
        await Application.filter(id__in=list(applications)).delete()
        # Messages to them, waiting or sent: not to be sent, and their text may name them.
        await OutboxMessage.filter(target_type="private", target=qq).delete()
        if youth is not None:
            await youth.delete()  # links cascade
        await optout.opt_out(qq, reason)
    return found or youth is not None or bool(members) or bool(invitations) or bool(applications)


async def leave(qq: int, cadre: Cadre) -> None:
    deleted = await ContactLink.filter(youth__qq=qq, cadre=cadre).delete()
    if not deleted:
        raise NotFound(f"你还没有与{chat_name(cadre.org, cadre.name)}建立联系")


async def links_of(qq: int) -> list[ContactLink]:
    return await ContactLink.filter(youth__qq=qq).exclude(status=LinkStatus.ended).prefetch_related("cadre__org").order_by("id")


async def candidate_cadres(qq: int, limit: int = 5) -> list[Cadre]:
    """Cadres whose bound groups `qq` is a member of (whom they could join)."""
    group_ids = await GroupMember.filter(qq=qq).values_list("group_id", flat=True)
    groups = await BoundGroup.filter(group_id__in=list(group_ids)).prefetch_related("cadre__org").limit(limit)
    seen: dict[int, Cadre] = {}
    for g in groups:
        seen.setdefault(g.cadre_id, g.cadre)
    return list(seen.values())


async def confirmed_contacts(cadre: Cadre, limit: int) -> list[ContactLink]:
    """The cadre's confirmed contacts, oldest confirmation first, with the youth loaded."""
    return (
        await ContactLink.filter(cadre=cadre, status=LinkStatus.confirmed)
        .order_by("confirmed_at")
        .prefetch_related("youth")
        .limit(limit)
    )


async def has_field(qq: int) -> bool:
    return await Youth.filter(qq=qq, field__isnull=False).exists()


async def erase_summary(qq: int) -> str | None:
    """What /退出 全部 would delete, in words; None when nothing is stored about `qq`."""
    youth = await Youth.get_or_none(qq=qq)
    links = await ContactLink.filter(youth=youth).count() if youth is not None else 0
    member_of = await GroupMember.filter(qq=qq).count()
    applications = await Application.filter(qq=qq, cadre_id__isnull=True).count()
    if youth is None and not member_of and not applications:
        return None
    parts = []
    if youth is not None:
        parts.append("你的昵称和领域")
    if links:
        parts.append(f"你和 {links} 位团干部的联系")
    parts.append("诉求、签到、互助和评分上你的身份（如有）")
    if member_of:
        parts.append(f"你在 {member_of} 个群的成员记录")
    if applications:
        parts.append("你的团干部注册申请")
    return "、".join(parts)


async def set_field(qq: int, field: Field) -> Field:
    updated = await Youth.filter(qq=qq).update(field=field.value)
    if not updated:
        raise NotFound("你还没有建立任何联系，先发送 /加入 吧")
    return field


async def profile_text(qq: int) -> str:
    """Everything stored about the youth (their right to see it)."""
    youth = await Youth.get_or_none(qq=qq)
    if youth is None:
        return "我们没有存你的个人信息。想和团干部建立联系，发 /加入。"
    field = next((w for w, f in FIELD_CHOICES if youth.field and f == Field(youth.field)), "未填")
    lines = [
        "我们存的你的信息：",
        f"QQ {youth.qq}；昵称 {youth.nickname or '（无）'}；领域 {field}",
        f"{clock.fmt_local(youth.consented_at)} 同意了个人信息说明" if youth.consented_at else "还没有同意个人信息说明",
    ]
    for link in await links_of(qq):
        state = (
            f"{clock.fmt_local(link.confirmed_at, '%Y-%m-%d')} 起"
            if link.status == LinkStatus.confirmed
            else "等你发 /同意"
        )
        lines.append(f"联系的团干部：{chat_name(link.cadre.org, link.cadre.name, link.cadre_id)}，{state}")
    lines.append("改领域：/资料 领域 <领域>；解除联系：/退出；删除全部：/退出 全部")
    return "\n".join(lines)


async def invite(cadre: Cadre, qq: int) -> int:
    """Queue one invitation; returns how many more the cadre may send today."""
    s = settings()
    if qq == cadre.qq or await is_staff(qq):
        raise Conflict("团干部、管理员和联青的账号不计入联系青年，无需邀请")
    if await ContactLink.exists(youth__qq=qq, cadre=cadre, status=LinkStatus.confirmed):
        raise Conflict(f"{qq} 已是你的联系青年")
    if await optout.opted_out([qq]):
        raise Conflict(f"无法邀请 {qq}：对方已选择不被记录")
    now = clock.now()
    sent_today = await Invitation.filter(cadre=cadre, created_at__gte=clock.day_start(now)).count()
    if sent_today >= s.contacts_invite_daily:
        raise Conflict(f"今天已邀请 {sent_today} 人，达到每日上限 {s.contacts_invite_daily} 人，请明天再邀请")
    since = now - timedelta(days=s.contacts_invite_repeat_days)
    if await Invitation.exists(cadre=cadre, qq=qq, created_at__gte=since):
        raise Conflict(f"{s.contacts_invite_repeat_days} 天内已邀请过 {qq}，请不要重复打扰")
    group_ids = await GroupMember.filter(qq=qq).values_list("group_id", flat=True)
    shared = await BoundGroup.filter(cadre=cadre, group_id__in=list(group_ids)).first()
    await Invitation.create(cadre=cadre, qq=qq, created_at=now)
    await enqueue(
        qq,
        INVITATION.format(name=chat_name(cadre.org, cadre.name), cadre_id=cadre.id),
        category="invitation",
        dedup_key=f"invite:{cadre.id}:{qq}:{clock.today().isoformat()}",
        bot_id=shared.bot_id if shared else None,
        group_id=shared.group_id if shared else None,
    )
    return s.contacts_invite_daily - sent_today - 1


async def expire_stale() -> tuple[int, int]:
    """Retention: unconfirmed links and old invitation records are deleted."""
    now = clock.now()
    links = await ContactLink.filter(
        status=LinkStatus.pending, created_at__lt=now - timedelta(days=settings().contacts_pending_days)
    ).delete()
    invitations = await Invitation.filter(
        created_at__lt=now - timedelta(days=settings().contacts_invitation_days)
    ).delete()
    # A youth left with no link and no consent has nothing to be kept for.
    await execute(
        "DELETE FROM youth WHERE consented_at IS NULL "
        "AND id NOT IN (SELECT youth_id FROM contact_link)"
    )
    return links, invitations
