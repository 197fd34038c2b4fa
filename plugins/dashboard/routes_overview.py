"""The overview of an organisation: figures by sub-organisation, trends, fields."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from models import Organisation
from plugins.dashboard import overview
from plugins.dashboard.access import scope_paths, visible_org
from plugins.dashboard.web import (
    SecureRoute,
    SignedIn,
    Viewer,
    download,
    int_or_none,
    render_off_loop,
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


async def _build(viewer: Viewer, org: Organisation | None) -> overview.Overview:
    return await overview.build(org, viewer.actor.subtree_roots(), scope_paths(viewer, org))


async def _page(viewer: Viewer, org: Organisation | None) -> Response:
    data = await _build(viewer, org)
    trail = [o for o in reversed(await ancestors(org)) if viewer.actor.administers(o)] if org else []
    export = f"/dashboard/orgs/{org.id}/export.xlsx" if org else "/dashboard/export.xlsx"
    return await render_off_loop("overview.html", viewer, data=data, trail=trail, export=export,
                  orgs=await visible_orgs(viewer.actor), chosen=org.id if org else None,
                  updated=summary.updated_label(await summary.computed_at()))


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
    data = await _build(viewer, org)
    return await download(data.tables, f"概览_{stamp()}.xlsx")


@router.get("/orgs/{org_id}/export.xlsx")
async def export_org(org_id: str, viewer: SignedIn) -> Response:
    org = await visible_org(viewer, int_or_none(org_id))
    data = await _build(viewer, org)
    return await download(data.tables, f"概览_{org.id}_{stamp()}.xlsx")

