"""The cadre list (search, filters, sort) and one cadre's page, with their downloads."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from plugins.dashboard import cadre_detail, cadre_list
from plugins.dashboard.access import scope_paths, visible_cadre, visible_org
from plugins.dashboard.config import settings
from plugins.dashboard.web import (
    SecureRoute,
    SignedIn,
    Viewer,
    checked_form,
    download,
    download_built,
    int_or_none,
    render,
    render_built,
    require_admin,
    stamp,
)
from plugins.evaluation import summary
from plugins.identity.orgs import visible_orgs

router = APIRouter(route_class=SecureRoute)


async def _paths(viewer: Viewer, query: cadre_list.CadreQuery) -> list[str] | None:
    """The subtrees the list covers, once the summary is fresh (see routes_overview.py `_args`)."""
    require_admin(viewer)
    org = await visible_org(viewer, query.org_id) if query.org_id else None
    await summary.ensure_fresh()
    return scope_paths(viewer, org)


async def _page(viewer: Viewer, query: cadre_list.CadreQuery) -> Response:
    args = (await _paths(viewer, query), query, settings().dashboard_table_rows)
    return await render_built(
        "cadres.html", viewer, "plugins.dashboard.cadre_list:page", args, "cadre_table", query=query,
        orgs=await visible_orgs(viewer.actor), categories=cadre_list.CATEGORIES, sorts=cadre_list.SORTS,
        updated=summary.updated_label(await summary.computed_at()),
    )


async def _download(viewer: Viewer, query: cadre_list.CadreQuery) -> Response:
    return await download_built("plugins.dashboard.cadre_list:tables", (await _paths(viewer, query), query),
                                f"团干部名单_{stamp()}.xlsx")


@router.get("/cadres")
async def cadres(request: Request, viewer: SignedIn) -> Response:
    return await _page(viewer, cadre_list.parse(request.query_params, allow_search=False))


@router.post("/cadres")
async def cadres_search(request: Request, viewer: SignedIn) -> Response:
    """Searching by name is a POST: names never appear in URLs or access logs."""
    form = await checked_form(request, viewer)
    return await _page(viewer, cadre_list.parse(form, allow_search=True))


@router.get("/cadres/export.xlsx")
async def cadres_export(request: Request, viewer: SignedIn) -> Response:
    return await _download(viewer, cadre_list.parse(request.query_params, allow_search=False))


@router.post("/cadres/export.xlsx")
async def cadres_export_search(request: Request, viewer: SignedIn) -> Response:
    form = await checked_form(request, viewer)
    return await _download(viewer, cadre_list.parse(form, allow_search=True))


@router.get("/cadres/{cadre_id}")
async def cadre_page(cadre_id: str, viewer: SignedIn) -> Response:
    cadre = await visible_cadre(viewer, int_or_none(cadre_id))
    return render("cadre.html", viewer, data=await cadre_detail.build(cadre, _own(viewer, cadre.id)))


@router.get("/cadres/{cadre_id}/export.xlsx")
async def cadre_export(cadre_id: str, viewer: SignedIn) -> Response:
    cadre = await visible_cadre(viewer, int_or_none(cadre_id))
    data = await cadre_detail.build(cadre, _own(viewer, cadre.id))
    return await download(data.tables, f"团干部_{cadre.id}_{stamp()}.xlsx")


def _own(viewer: Viewer, cadre_id: int) -> bool:
    return viewer.actor.cadre is not None and viewer.actor.cadre.id == cadre_id
