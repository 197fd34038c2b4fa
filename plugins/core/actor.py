"""Who is acting and what they may see: the caller's roles and their scope, for every plugin.

Every permission rule of the project asks an `Actor`, whether the request came
from chat (the dispatcher loads one per message: `ctx.actor`), the dashboard or
the CLI (`SYSTEM`). `Actor.scope(org)` is the one place that turns "an optional
organisation" into the subtree the caller may see, or the one refusal.
"""

from dataclasses import dataclass, field

from tortoise.expressions import Q

from models import Admin, Cadre, Organisation
from plugins.core.errors import Forbidden

EVERYONE = "everyone"
YOUTH = "youth"
CADRE = "cadre"
ADMIN = "admin"
SUPERUSER = "superuser"
ROLE_ORDER = (EVERYONE, YOUTH, CADRE, ADMIN, SUPERUSER)
ROLE_TITLES = {EVERYONE: "通用", YOUTH: "青年", CADRE: "团干部", ADMIN: "管理员", SUPERUSER: "超级用户"}


@dataclass(frozen=True)
class Scope:
    """The organisations a caller looks at: roots of subtrees, or everything (None)."""

    roots: tuple[Organisation, ...] | None
    title: str

    @property
    def paths(self) -> list[str] | None:
        return None if self.roots is None else [o.path for o in self.roots]

    def q(self, path_field: str = "path") -> Q:
        """An ORM filter on an organisation path field, e.g. "org__path" or "cadre__org__path"."""
        if self.roots is None:
            return Q()
        if not self.roots:
            return Q(id__in=[])
        return Q(*[Q(**{f"{path_field}__startswith": o.path}) for o in self.roots], join_type="OR")

    def sql(self, column: str = "o.path") -> tuple[str, list[str]]:
        """The same as a WHERE fragment with its parameters."""
        if self.roots is None:
            return "1=1", []
        if not self.roots:
            return "1=0", []
        return "(" + " OR ".join(f"{column} LIKE ?" for _ in self.roots) + ")", [o.path + "%" for o in self.roots]

    def contains(self, org: Organisation) -> bool:
        return self.roots is None or any(org.path.startswith(r.path) for r in self.roots)


EVERYTHING = Scope(None, "全部组织")


@dataclass
class Actor:
    qq: int | None
    superuser: bool = False
    admin_orgs: list[Organisation] = field(default_factory=list)
    cadre: Cadre | None = None

    @property
    def is_admin(self) -> bool:
        return self.superuser or bool(self.admin_orgs)

    @property
    def is_staff(self) -> bool:
        return self.is_admin or self.cadre is not None

    @property
    def roles(self) -> set[str]:
        roles = {EVERYONE}
        roles.add(CADRE if self.cadre else YOUTH)
        if self.admin_orgs or self.superuser:
            roles.add(ADMIN)
        if self.superuser:
            roles.add(SUPERUSER)
        return roles

    def administers(self, org: Organisation) -> bool:
        """Org is one of the actor's organisations or below one of them."""
        return self.superuser or any(org.path.startswith(a.path) for a in self.admin_orgs)

    def administers_below(self, org: Organisation) -> bool:
        """Org lies strictly below one of the actor's organisations."""
        return self.superuser or any(
            org.path.startswith(a.path) and org.id != a.id for a in self.admin_orgs
        )

    def subtree_roots(self) -> list[Organisation] | None:
        """The roots of what the actor may see; None means everything."""
        if self.superuser:
            return None
        roots = sorted(self.admin_orgs, key=lambda o: len(o.path))
        kept: list[Organisation] = []
        for org in roots:
            if not any(org.path.startswith(k.path) for k in kept):
                kept.append(org)
        return kept

    def scope(self, org: Organisation | None = None) -> Scope:
        """`org`'s subtree if the actor administers it (else the refusal); without an
        organisation, everything the actor administers."""
        if org is not None:
            if not self.administers(org):
                raise Forbidden(f"你不是“{org.name}”或其上级组织的管理员")
            return Scope((org,), org.name)
        roots = self.subtree_roots()
        if roots is None:
            return EVERYTHING
        return Scope(tuple(roots), "、".join(o.name for o in roots))


SYSTEM = Actor(qq=None, superuser=True)
"""The CLI and start-up tasks act with full rights."""


async def load_actor(qq: int, *, superuser: bool = False) -> Actor:
    admins = await Admin.filter(qq=qq).prefetch_related("org")
    cadre = await Cadre.get_or_none(qq=qq).prefetch_related("org")
    return Actor(qq=qq, superuser=superuser, admin_orgs=[a.org for a in admins], cadre=cadre)
