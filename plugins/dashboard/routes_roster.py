"""Roster import: upload, preview every bad row with its reason, then import."""

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from plugins.core.errors import UserFacingError
from plugins.dashboard import roster_upload, tokens
from plugins.dashboard.config import settings
from plugins.dashboard.tables import Table
from plugins.dashboard.web import (
    PageError,
    SecureRoute,
    SignedIn,
    checked_form,
    download,
    render,
    require_admin,
    stamp,
)
from plugins.identity.roster import ImportReport, RosterPlan

router = APIRouter(route_class=SecureRoute)
EXPIRED = "上传的文件已过期（30 分钟）或不属于当前登录，请重新上传。"
MAX_FILES = 4


def _errors(report: ImportReport) -> Table:
    return Table("有误的行", ["表", "行号", "原因"], [[e.sheet, e.row, e.reason] for e in report.errors])


def _good(plan: RosterPlan) -> list[Table]:
    return [
        Table("将导入的组织", ["行号", "组织名称", "上级组织", "层级", "兼职目标", "管理员QQ"],
              [[r.row, r.name, r.parent, r.level.label, r.part_time_target,
                "、".join(str(q) for q in r.admins)] for r in plan.orgs]),
        Table("将导入的团干部", ["行号", "姓名", "组织", "类别", "QQ"],
              [[r.row, r.name, r.org, r.category.label, r.qq] for r in plan.cadres]),
    ]


@router.get("/roster")
async def roster_form(viewer: SignedIn) -> Response:
    require_admin(viewer)
    return render("roster.html", viewer, max_mb=settings().dashboard_upload_max_mb)


@router.post("/roster/preview")
async def roster_preview(request: Request, viewer: SignedIn) -> Response:
    require_admin(viewer)
    limit = int(settings().dashboard_upload_max_mb * 1024 * 1024)  # the body itself: limits.BodyLimit
    form = await checked_form(request, viewer)
    files = []
    for item in form.getlist("files")[:MAX_FILES]:
        if isinstance(item, UploadFile) and item.filename:
            data = await item.read(limit + 1)
            if len(data) > limit:
                raise PageError(413, f"文件太大，最多 {settings().dashboard_upload_max_mb:g} MB。")
            files.append((item.filename, data))
    if not files:
        raise PageError(400, "请选择要上传的 .xlsx 或 .csv 文件。")
    try:
        plan, report = await roster_upload.plan(files, viewer.actor)
    except UserFacingError as e:
        return render("roster.html", viewer, status=400, problem=str(e),
                      max_mb=settings().dashboard_upload_max_mb)
    key = roster_upload.stash(tokens.digest(viewer.secret), files)
    return render("roster_preview.html", viewer, key=key, report=report, errors=_errors(report),
                  good=_good(plan), names=[name for name, _ in files],
                  importable=bool(plan.orgs or plan.cadres))


@router.post("/roster/import")
async def roster_import(request: Request, viewer: SignedIn) -> Response:
    require_admin(viewer)
    form = await checked_form(request, viewer)
    files = roster_upload.take(str(form.get("key") or ""), tokens.digest(viewer.secret), remove=True)
    if files is None:
        raise PageError(400, EXPIRED)
    try:
        report = await roster_upload.commit(files, viewer.actor)
    except UserFacingError as e:
        raise PageError(400, str(e)) from e
    return render("roster_done.html", viewer, report=report, errors=_errors(report))


@router.get("/roster/{key}/errors.xlsx")
async def roster_errors(key: str, viewer: SignedIn) -> Response:
    require_admin(viewer)
    files = roster_upload.take(key, tokens.digest(viewer.secret))
    if files is None:
        raise PageError(404, EXPIRED)
    try:
        plan, report = await roster_upload.plan(files, viewer.actor)
    except UserFacingError as e:
        raise PageError(400, str(e)) from e
    return await download([_errors(report), *_good(plan)], f"名册检查结果_{stamp()}.xlsx")
