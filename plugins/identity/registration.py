"""Cadre registration: applications, approval, and roster recognition."""

import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import Application, Cadre, ContactLink
from models.enums import (
    CADRE_CATEGORY_LABELS,
    ApplicationStatus,
    CadreCategory,
    CadreSource,
)
from plugins.core import clock
from plugins.core.actor import Actor
from plugins.core.errors import Conflict, Forbidden, NotFound, UsageError
from plugins.core.text import choose, clean, ref
from plugins.identity import texts
from plugins.identity.admins import admins_of
from plugins.identity.orgs import find_org, real_name, subtree_q, target_for
from plugins.outbox import enqueue

CATEGORY_WORDS = "、".join(CADRE_CATEGORY_LABELS.values())
NAME_MARKS = "·•．."


def validate_person_name(text: str) -> str:
    """2–20 letters (any script) with the middle dots of minority names."""
    name = clean(text, 40)
    ok = 2 <= len(name) <= 20 and all(
        ch in NAME_MARKS or unicodedata.category(ch).startswith("L") for ch in name
    )
    if not ok:
        raise UsageError("姓名须为 2–20 个字，只含文字和间隔号“·”，例如 张三")
    return name


def parse_category(text: str) -> CadreCategory:
    return choose(CADRE_CATEGORY_LABELS, text, "类别")


@dataclass
class Registration:
    """The outcome of /注册: a roster cadre recognised, or a new application."""

    cadre: Cadre | None = None
    application: Application | None = None


async def register(qq: int, name_text: str, org_text: str, category_text: str) -> Registration:
    name = validate_person_name(name_text)
    existing = await Cadre.get_or_none(qq=qq).prefetch_related("org")
    if existing is not None:
        if existing.source == CadreSource.roster:
            return Registration(cadre=existing)
        raise Conflict(
            f"你已是团干部 {ref(existing.id)}（{real_name(existing.org, existing.name)}），无需再注册"
        )
    org = await find_org(org_text)
    category = parse_category(category_text)
    pending = await Application.get_or_none(open_for=qq)
    if pending is None:
        try:
            async with in_transaction():
                application = await Application.create(
                    qq=qq,
                    open_for=qq,
                    name=name,
                    org=org,
                    category=category.value,
                    status=ApplicationStatus.pending.value,
                    created_at=clock.now(),
                )
                for admin in await admins_of(org):  # told in the same transaction
                    await enqueue(
                        admin,
                        texts.NEW_APPLICATION.format(
                            application=ref(application.id), real_name=real_name(org, name),
                            category=category.label, qq=qq, number=application.id,
                        ),
                        category="application",
                        dedup_key=f"application:{application.id}:admin:{admin}",
                    )
            return Registration(application=application)
        except IntegrityError:  # the same person sent /注册 twice at once
            pending = await Application.get_or_none(open_for=qq)
    raise Conflict(
        f"你已有待审核的申请 {ref(pending.id if pending else 0)}，请等待管理员审核"
    )


async def pending_applications(actor: Actor) -> list[Application]:
    """Applications the actor may decide, oldest first."""
    if not actor.is_admin:
        raise Forbidden("只有管理员可以审核注册申请")
    query = Application.filter(status=ApplicationStatus.pending)
    cond = subtree_q(actor.subtree_roots(), "org__path")
    if cond is not None:
        query = query.filter(cond)
    return await query.order_by("id").prefetch_related("org").limit(50)


async def review(
    actor: Actor, application_id: int, approve: bool, reason: str | None = None
) -> Application:
    """Approve (creating the cadre) or reject; a decided application stays decided."""
    application = await Application.get_or_none(id=application_id).prefetch_related("org")
    if application is None:
        raise NotFound(f"没有编号为 {ref(application_id)} 的注册申请")
    if not actor.administers(application.org):
        raise Forbidden(
            f"你不是“{application.org.name}”或其上级组织的管理员，不能审核申请 {ref(application_id)}"
        )
    if application.status != ApplicationStatus.pending:
        raise Conflict(_already_decided(application))
    reason = clean(reason or "", 200) or None
    if not approve and not reason:
        raise UsageError("驳回须写明理由。用法：/审核 <编号> 驳回 <理由>")
    now = clock.now()
    async with in_transaction():
        claimed = await Application.filter(
            id=application_id, status=ApplicationStatus.pending
        ).update(
            status=(ApplicationStatus.approved if approve else ApplicationStatus.rejected).value,
            open_for=None,
            reason=reason,
            decided_by=actor.qq,
            decided_at=now,
        )
        if not claimed:  # decided by someone else a moment ago
            await application.refresh_from_db()
            raise Conflict(_already_decided(application))
        if application.category == DEPARTURE:
            text = await _decide_departure(actor, application, approve, reason)
        elif approve:
            cadre = await Cadre.get_or_none(qq=application.qq)
            if cadre is None:
                cadre = await Cadre.create(
                    qq=application.qq,
                    name=application.name,
                    org=application.org,
                    category=application.category,
                    source=CadreSource.application.value,
                    created_at=now,
                    updated_at=now,
                )
            await Application.filter(id=application_id).update(cadre_id=cadre.id)
            target = await target_for(cadre)
            text = texts.APPROVED.format(
                application=ref(application.id), real_name=real_name(application.org, application.name),
                number=ref(cadre.id), confirmed=await ContactLink.filter(cadre=cadre, status="confirmed").count(),
                target=target,
            )
        else:
            text = texts.REJECTED.format(application=ref(application.id), reason=reason, org=application.org.name)
        await enqueue(
            application.qq, text, category="application_result", bulk=False,
            dedup_key=f"application:{application.id}:result",
        )
    await application.refresh_from_db()
    await application.fetch_related("org", "cadre")
    return application


DEPARTURE = "departure"
"""An Application of this category is a cadre's 离任申请, decided with /审核 like a registration."""


async def apply_departure(cadre: Cadre) -> Application:
    """The cadre asks to end their term; an administrator of their organisation decides."""
    await cadre.fetch_related("org")
    open_one = await Application.get_or_none(open_for=cadre.qq)
    if open_one is not None:
        what = "离任申请" if open_one.category == DEPARTURE else "申请"
        raise Conflict(f"你已有待审核的{what} {ref(open_one.id)}，请等管理员审核")
    now = clock.now()
    async with in_transaction():
        application = await Application.create(
            qq=cadre.qq, open_for=cadre.qq, name=cadre.name, org=cadre.org, category=DEPARTURE,
            cadre=cadre, created_at=now,
        )
        for admin in await admins_of(cadre.org):  # told in the same transaction
            await enqueue(
                admin,
                f"{real_name(cadre.org, cadre.name)}（{ref(cadre.id)}）申请离任（申请 {ref(application.id)}）。"
                f"同意发 /审核 {application.id} 通过（没有接任者）；要指定接任者，发 /团干部 离任 {ref(cadre.id)} 接任 #编号。",
                category="application", dedup_key=f"application:{application.id}:admin:{admin}",
            )
    return application


async def _decide_departure(actor: Actor, application: Application, approve: bool, reason: str | None) -> str:
    if not approve:
        return f"你的离任申请 {ref(application.id)} 未通过：{reason}。有疑问请联系{application.org.name}的管理员。"
    from plugins.contacts.retire import retire  # identity loads before contacts

    cadre = await Cadre.get_or_none(id=application.cadre_id) if application.cadre_id else None
    if cadre is None or cadre.left_at is not None:
        raise Conflict("这位团干部已经离任")
    await retire(actor, cadre, None)
    return (
        f"你的离任申请 {ref(application.id)} 已通过，感谢你的工作！你的绑定群已解绑，未办结的诉求转给组织跟进，"
        "联系青年的记录保留在原编号下。"
    )


def _already_decided(application: Application) -> str:
    status = ApplicationStatus(application.status)
    when = clock.fmt_local(application.decided_at)
    return f"申请 {ref(application.id)} 已于 {when} {status.label}，无需再次审核"


async def latest_application(qq: int) -> Application | None:
    return await Application.filter(qq=qq).order_by("-id").prefetch_related("org").first()


async def forget_decided(days: int) -> int:
    """Retention: rejected applications (name, QQ, reason) are deleted `days` after the decision."""
    cutoff = clock.now() - timedelta(days=days)
    return await Application.filter(status=ApplicationStatus.rejected, decided_at__lt=cutoff).delete()
