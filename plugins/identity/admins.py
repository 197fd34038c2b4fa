"""Administrators: who may appoint and remove them, and who is told about what."""

from models import Admin, Organisation
from plugins.core import clock
from plugins.core.actor import Actor
from plugins.core.errors import Forbidden, NotFound
from plugins.core.sql import values
from plugins.identity.orgs import ancestors


def _may_appoint(actor: Actor, org: Organisation) -> bool:
    """A superuser, or an administrator of an organisation above `org`."""
    return actor.administers_below(org)


async def add_admin(actor: Actor, qq: int, org: Organisation) -> bool:
    """Appoint; False when the person already administers `org`."""
    if not _may_appoint(actor, org):
        raise Forbidden(f"只有超级用户或“{org.name}”上级组织的管理员可以任命其管理员")
    _, created = await Admin.get_or_create(qq=qq, org=org, defaults={"created_at": clock.now()})
    return created


async def remove_admin(actor: Actor, qq: int, org: Organisation | None = None) -> list[str]:
    """Remove `qq` as administrator (of `org`, or of every organisation the actor may)."""
    query = Admin.filter(qq=qq).prefetch_related("org")
    if org is not None:
        query = query.filter(org=org)
    roles = await query
    if not roles:
        raise NotFound(f"{qq} 不是{('“' + org.name + '”的') if org else ''}管理员")
    allowed = [a for a in roles if _may_appoint(actor, a.org)]
    if not allowed:
        raise Forbidden("只有超级用户或其上级组织的管理员可以移除该管理员")
    await Admin.filter(id__in=[a.id for a in allowed]).delete()
    return [a.org.name for a in allowed]


async def admins_of(org: Organisation) -> list[int]:
    """QQs of the nearest administrators: the organisation's own, else the closest above."""
    for node in await ancestors(org):
        qqs = await values(Admin.filter(org=node), "qq")
        if qqs:
            return sorted(set(qqs))
    return []


async def admins_in(orgs: list[Organisation]) -> list[Admin]:
    """The administrators of these organisations, with their organisation loaded."""
    return await Admin.filter(org_id__in=[o.id for o in orgs]).prefetch_related("org")
