"""Sign in with a /登录 link, sign out."""

import hmac
import secrets

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from plugins.dashboard import tokens
from plugins.dashboard.config import settings
from plugins.dashboard.web import (
    LOGIN_COOKIE,
    PageError,
    SecureRoute,
    SignedIn,
    checked_form,
    clear_session_cookie,
    render,
    set_session_cookie,
    warm_workers,
)

router = APIRouter(route_class=SecureRoute)
BAD_LINK = "登录链接无效、已经用过或已过期。请在 QQ 中私聊联青重新发送 /登录。"


@router.get("/login/{secret}")
async def login_page(secret: str) -> Response:
    """A button rather than signing in on GET: link previews in chat must not spend the link."""
    if not await tokens.link_valid(secret):
        raise PageError(400, BAD_LINK)
    warm_workers()  # pages are built in worker processes: start them while the button is clicked
    nonce = secrets.token_urlsafe(16)
    response = render("login.html", nonce=nonce, minutes=settings().dashboard_link_minutes)
    response.set_cookie(LOGIN_COOKIE, nonce, max_age=settings().dashboard_link_minutes * 60,
                        path="/dashboard/login", httponly=True, samesite="strict",
                        secure=settings().secure_cookies)
    return response


@router.post("/login/{secret}")
async def login(secret: str, request: Request) -> Response:
    nonce = request.cookies.get(LOGIN_COOKIE) or ""
    if not nonce:  # checked before the body is read: no cookie, no work
        raise PageError(403, "请从登录链接打开的页面点击“进入管理后台”。")
    form = await request.form()
    sent = str(form.get("nonce") or "")
    if not hmac.compare_digest(nonce, sent):
        raise PageError(403, "请从登录链接打开的页面点击“进入管理后台”。")
    opened = await tokens.redeem_link(secret, settings().dashboard_session_hours)
    if opened is None:
        raise PageError(400, BAD_LINK)
    _, session = opened
    response = RedirectResponse("/dashboard/", status_code=303)
    set_session_cookie(response, session)
    response.delete_cookie(LOGIN_COOKIE, path="/dashboard/login")
    return response


@router.post("/logout")
async def logout(request: Request, viewer: SignedIn) -> Response:
    await checked_form(request, viewer)
    await tokens.end_session(viewer.secret)
    response = RedirectResponse("/dashboard/logged-out", status_code=303)
    clear_session_cookie(response)
    return response


@router.get("/logged-out")
async def logged_out() -> Response:
    return render("logged_out.html")
