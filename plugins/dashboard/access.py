"""The subtree rule for every id in a URL: out of reach reads exactly like not found."""

from models import Cadre, Case, Organisation
from plugins.dashboard import cases
from plugins.dashboard.web import Viewer, not_found, require_admin


async def visible_org(viewer: Viewer, org_id: int | None) -> Organisation:
    """An organisation the administrator manages (itself or below)."""
    require_admin(viewer)
    org = await Organisation.get_or_none(id=org_id) if org_id else None
    if org is None or not viewer.actor.administers(org):
        raise not_found()
    return org


async def visible_cadre(viewer: Viewer, cadre_id: int | None) -> Cadre:
    """The viewer's own cadre record, or a cadre in an organisation they administer."""
    cadre = await Cadre.get_or_none(id=cadre_id).prefetch_related("org") if cadre_id else None
    if cadre is None:
        raise not_found()
    own = viewer.actor.cadre is not None and viewer.actor.cadre.id == cadre.id
    if not (own or viewer.actor.administers(cadre.org)):
        raise not_found()
    return cadre


async def visible_case(viewer: Viewer, case_id: int | None) -> Case:
    """A case assigned to the viewer, or of an organisation they administer."""
    case = await Case.get_or_none(id=case_id).prefetch_related("cadre__org", "org") if case_id else None
    if case is None or not cases.can_view(viewer.actor, case):
        raise not_found()
    return case


def scope_paths(viewer: Viewer, org: Organisation | None) -> list[str] | None:
    """Organisation paths a page covers: the chosen organisation, else all the viewer administers."""
    if org is not None:
        return [org.path]
    roots = viewer.actor.subtree_roots()
    return None if roots is None else [o.path for o in roots]
