"""The problem list and one case, with their downloads."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from plugins.dashboard import cases, periods, problem_list
from plugins.dashboard.access import visible_case
from plugins.dashboard.config import settings
from plugins.dashboard.web import (
    SecureRoute,
    SignedIn,
    download,
    int_or_none,
    render,
    render_built,
    stamp,
    xlsx_response,
)

router = APIRouter(route_class=SecureRoute)


@router.get("/problems")
async def problems(request: Request, viewer: SignedIn) -> Response:
    f = problem_list.parse(request.query_params)
    return await render_built(
        "problems.html", viewer, "plugins.dashboard.problem_list:build",
        (viewer.actor, f, settings().dashboard_table_rows), "page", f=f, params=problem_list.params(f),
        periods=periods.choices(), categories=cases.CATEGORY_LABELS, statuses=cases.STATUS_FILTERS,
    )


@router.get("/problems/export.xlsx")
async def problems_export(request: Request, viewer: SignedIn) -> Response:
    f = problem_list.parse(request.query_params)
    data = await problem_list.export(viewer.actor, f)
    return xlsx_response(data, f"问题清单_{f.period.key}_{stamp()}.xlsx")


@router.get("/problems/{case_id}")
async def case_page(case_id: str, viewer: SignedIn) -> Response:
    case = await visible_case(viewer, int_or_none(case_id))
    return render("case.html", viewer, data=await problem_list.detail(viewer.actor, case))


@router.get("/problems/{case_id}/export.xlsx")
async def case_export(case_id: str, viewer: SignedIn) -> Response:
    case = await visible_case(viewer, int_or_none(case_id))
    data = await problem_list.detail(viewer.actor, case)
    return await download(data.tables, f"诉求_{case.id}_{stamp()}.xlsx")
