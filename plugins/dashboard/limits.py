"""Bounded request bodies: a POST is cut off while it streams, not after it is in memory.

Starlette reads a form (and its files) before any route code runs, and
`Content-Length` is only a claim; so the limit is enforced on the ASGI
`receive` stream itself: the roster upload may send
`DASHBOARD_UPLOAD_MAX_MB` (plus room for the form around the file), every other
dashboard POST 64 KB. Past the limit the request gets a 413 page at once.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from plugins.dashboard.config import settings

SMALL = 64 * 1024
FORM_OVERHEAD = 64 * 1024
UPLOAD_PATH = "/dashboard/roster/preview"

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class BodyTooLarge(Exception):
    pass


def limit_for(path: str) -> int:
    if path == UPLOAD_PATH:
        return int(settings().dashboard_upload_max_mb * 1024 * 1024) + FORM_OVERHEAD
    return SMALL


def too_large_page(limit: int) -> bytes:
    from plugins.dashboard.web import env

    if limit > SMALL:
        message = f"文件太大，最多 {settings().dashboard_upload_max_mb:g} MB。"
    else:
        message = "提交的内容太多，请刷新页面后重试。"
    return env.get_template("error.html").render(viewer=None, message=message, status_code=413).encode()


class BodyLimit:
    """ASGI middleware for POSTs under /dashboard/."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or scope.get("method") not in ("POST", "PUT", "PATCH") or not path.startswith(
            "/dashboard/"
        ):
            await self.app(scope, receive, send)
            return
        limit = limit_for(path)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _refuse(send, limit)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await _refuse(send, limit)


async def _refuse(send: Send, limit: int) -> None:
    from plugins.dashboard.web import SECURITY_HEADERS

    body = too_large_page(limit)
    headers = [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
