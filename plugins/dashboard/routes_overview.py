"""The overview of an organisation: figures by sub-organisation, trends, fields."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from models import Organisation
from plugins.dashboard.access import scope_paths, visible_org
from plugins.dashboard.web import (
    SecureRoute,
    SignedIn,
    Viewer,
    download_built,
    int_or_none,
    render_built,
    require_admin,
    stamp,
)
from plugins.evaluation import summary
from plugins.identity.orgs import ancestors, visible_orgs

router = APIRouter(route_class=SecureRoute)


async def _chosen(viewer: Viewer, org_id: int | None) -> Organisation | None:
    """The organisation asked for, else the administrator's one organisation, else None (all)."""
    if org_id is not None:
        return await visible_org(viewer, org_id)
    roots = viewer.actor.subtree_roots()
    return roots[0] if roots is not None and len(roots) == 1 else None


async def _args(viewer: Viewer, org: Organisation | None) -> tuple:
    """`overview.build`'s arguments, once the summary is fresh (refreshed here, under the bot's
    lock, never by two processes at once)."""
    await summary.ensure_fresh()
    return org, viewer.actor.subtree_roots(), scope_paths(viewer, org)


async def _page(viewer: Viewer, org: Organisation | None) -> Response:
    trail = [o for o in reversed(await ancestors(org)) if viewer.actor.administers(o)] if org else []
    export = f"/dashboard/orgs/{org.id}/export.xlsx" if org else "/dashboard/export.xlsx"
    return await render_built("overview.html", viewer, "plugins.dashboard.overview:build", await _args(viewer, org),
                              "data", trail=trail, export=export, orgs=await visible_orgs(viewer.actor),
                              chosen=org.id if org else None, updated=summary.updated_label(await summary.computed_at()))


@router.get("/")
async def index(request: Request, viewer: SignedIn) -> Response:
    if not viewer.is_admin:
        assert viewer.actor.cadre is not None
        return RedirectResponse(f"/dashboard/cadres/{viewer.actor.cadre.id}", status_code=303)
    wanted = request.query_params.get("org")
    if wanted:
        org = await visible_org(viewer, int_or_none(wanted))
        return RedirectResponse(f"/dashboard/orgs/{org.id}", status_code=303)
    return await _page(viewer, await _chosen(viewer, None))


@router.get("/orgs/{org_id}")
async def org_page(org_id: str, viewer: SignedIn) -> Response:
    return await _page(viewer, await visible_org(viewer, int_or_none(org_id)))


@router.get("/export.xlsx")
async def export_all(viewer: SignedIn) -> Response:
    require_admin(viewer)
    org = await _chosen(viewer, None)
    return await download_built("plugins.dashboard.overview:tables", await _args(viewer, org), f"概览_{stamp()}.xlsx")


@router.get("/orgs/{org_id}/export.xlsx")
async def export_org(org_id: str, viewer: SignedIn) -> Response:
    org = await visible_org(viewer, int_or_none(org_id))
    return await download_built("plugins.dashboard.overview:tables", await _args(viewer, org),
                                f"概览_{org.id}_{stamp()}.xlsx")

