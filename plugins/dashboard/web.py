"""Web plumbing shared by every route: the signed-in viewer, CSRF, rendering, errors.

Every page and API builds an `Actor` from the session's QQ on each request, so
a change of rights (an administrator removed) applies at once.
"""

import asyncio
import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader
from nonebot import get_driver
from starlette.datastructures import FormData

from models import Cadre
from plugins.core import clock, export_process
from plugins.core.actor import Actor, load_actor
from plugins.dashboard import measures, tables, tokens
from plugins.dashboard.config import settings
from plugins.identity.orgs import real_name

COOKIE = "lianqing_session"
LOGIN_COOKIE = "lianqing_login"
TEMPLATES = Path(__file__).resolve().parent / "templates"

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True, lstrip_blocks=True)
env.filters["cell"] = tables.show
env.globals["measures_available"] = measures.available


class PageError(Exception):
    """Shown to the user as a page with this status and Chinese message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


NOT_FOUND = "没有找到，或不在你管辖的范围内。"


def not_found() -> PageError:
    return PageError(404, NOT_FOUND)


@dataclass(frozen=True)
class Header:
    """What a page shows of the signed-in person (handed to a worker process with the page)."""

    label: str
    csrf: str
    is_admin: bool
    cadre_id: int | None


@dataclass
class Viewer:
    actor: Actor
    secret: str

    @property
    def cadre_id(self) -> int | None:
        return self.actor.cadre.id if self.actor.cadre is not None else None

    def header(self) -> Header:
        return Header(self.label, self.csrf, self.is_admin, self.cadre_id)

    @property
    def csrf(self) -> str:
        return tokens.csrf_token(self.secret)

    @property
    def is_admin(self) -> bool:
        return self.actor.is_admin

    @property
    def label(self) -> str:
        """Who is signed in, as the header shows it."""
        if self.actor.superuser:
            return "超级用户"
        if self.actor.admin_orgs:
            return "、".join(o.name for o in self.actor.subtree_roots() or []) + " 管理员"
        cadre: Cadre | None = self.actor.cadre
        return real_name(cadre.org, cadre.name) if cadre else ""


def is_superuser(qq: int) -> bool:
    su = get_driver().config.superusers
    return str(qq) in su or f"onebot:{qq}" in su


async def current_viewer(request: Request) -> Viewer:
    """FastAPI dependency: the signed-in person, or a page telling how to sign in."""
    secret = request.cookies.get(COOKIE)
    qq = await tokens.session_owner(secret)
    if qq is None or secret is None:
        raise PageError(401, "请先登录：在 QQ 中私聊联青发送 /登录，打开收到的链接。")
    actor = await load_actor(qq, superuser=is_superuser(qq))
    if not (actor.is_admin or actor.cadre):
        raise PageError(403, "管理后台供团干部和组织管理员使用，你目前两者都不是。")
    warm_workers()
    return Viewer(actor, secret)


def require_admin(viewer: Viewer) -> None:
    if not viewer.is_admin:
        raise PageError(403, "这个页面只供组织管理员使用。")


async def checked_form(request: Request, viewer: Viewer) -> FormData:
    """The POSTed form, after checking its CSRF token against the session."""
    form = await request.form()
    sent = form.get("csrf")
    if not tokens.csrf_ok(viewer.secret, sent if isinstance(sent, str) else None):
        raise PageError(403, "表单已失效（可能打开太久或来自其他网站），请刷新页面后重试。")
    return form


def secure(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def render(template: str, viewer: Viewer | None = None, status: int = 200, **context: Any) -> HTMLResponse:
    html = env.get_template(template).render(viewer=viewer, **context)
    response = HTMLResponse(html, status_code=status)
    secure(response)
    return response


async def render_built(template: str, viewer: Viewer, build: str, args: tuple, name: str, **context: Any) -> Response:
    """A page whose data takes seconds to gather (a province's overview, cadre list, problem
    list): `build(*args)` ("module:function") runs in a worker process
    (plugins/core/export_process.py `run_orm`) and its result is rendered there as `name`,
    so neither the queries' Python nor the HTML holds the bot's interpreter."""
    html = await export_process.run_orm(
        "plugins.dashboard.web:build_and_render", template, viewer.header(), build, args, name, context,
    )
    return secure(HTMLResponse(html))


async def download_built(build: str, args: tuple, name: str) -> Response:
    """The tables `build(*args)` returns, as an .xlsx attachment written in a worker process."""
    return xlsx_response(await export_process.run_orm("plugins.dashboard.web:build_workbook", build, args), name)


def _job(build: str):
    module, name = build.split(":")
    return getattr(importlib.import_module(module), name)


async def warm_worker() -> None:
    """In a worker, before its first page (`export_process.warm`): the page modules and templates."""
    from plugins.dashboard import cadre_list, overview, problem_list, xlsx  # noqa: F401

    for name in env.list_templates():
        env.get_template(name)


def warm_workers() -> None:
    export_process.warm("plugins.dashboard.web:warm_worker")


async def build_and_render(template: str, header: Header, build: str, args: tuple, name: str,
                           context: dict[str, Any]) -> str:
    """In the worker: gather, then render."""
    data = await _job(build)(*args)
    return env.get_template(template).render(viewer=header, **{name: data}, **context)


async def build_workbook(build: str, args: tuple) -> bytes:
    """In the worker: gather the tables, then write them."""
    from plugins.dashboard import xlsx

    return xlsx.workbook(await _job(build)(*args))


def set_session_cookie(response: Response, secret: str) -> None:
    config = settings()
    response.set_cookie(
        COOKIE, secret, max_age=int(config.dashboard_session_hours * 3600), path="/dashboard",
        httponly=True, samesite="lax", secure=config.secure_cookies,
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/dashboard", httponly=True, samesite="lax",
                           secure=settings().secure_cookies)


async def page_error(request: Request, exc: Exception) -> Response:
    """Exception handler: a PageError as a plain page (no personal data, no stack)."""
    assert isinstance(exc, PageError)
    return render("error.html", status=exc.status, message=exc.message, status_code=exc.status)


def int_or_none(value: Any) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


class SecureRoute(APIRoute):
    """Every dashboard response carries the security headers (CSP, no-store, no referrer)."""

    def get_route_handler(self):
        handler = super().get_route_handler()

        async def secured(request: Request) -> Response:
            return secure(await handler(request))

        return secured


async def download(tables_: list[tables.Table], name: str) -> Response:
    """The tables as an .xlsx attachment, built in a worker thread (chat stays responsive)."""
    from plugins.dashboard import xlsx

    return xlsx_response(await asyncio.to_thread(xlsx.workbook, tables_), name)


def xlsx_response(data: bytes, name: str) -> Response:
    from plugins.dashboard import xlsx

    response = Response(data, media_type=xlsx.MIME)
    response.headers["Content-Disposition"] = xlsx.disposition(name)
    return secure(response)


def stamp() -> str:
    return clock.to_local(clock.now()).strftime("%Y%m%d")


SignedIn = Annotated[Viewer, Depends(current_viewer)]
"""A route parameter that requires a live session."""
