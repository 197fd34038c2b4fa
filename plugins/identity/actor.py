"""Who is acting: superuser, administrator of which organisations, cadre or not.

Every permission rule of the project asks an `Actor`, whether the request came
from chat, the dashboard or the CLI.
"""

from dataclasses import dataclass, field

from models import Admin, Cadre, Organisation
from plugins.core.commands import ADMIN, CADRE, EVERYONE, SUPERUSER, YOUTH


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


SYSTEM = Actor(qq=None, superuser=True)
"""The CLI and start-up tasks act with full rights."""


async def load_actor(qq: int, *, superuser: bool = False) -> Actor:
    admins = await Admin.filter(qq=qq).prefetch_related("org")
    cadre = await Cadre.get_or_none(qq=qq).prefetch_related("org")
    return Actor(
        qq=qq,
        superuser=superuser,
        admin_orgs=[a.org for a in admins],
        cadre=cadre,
    )
