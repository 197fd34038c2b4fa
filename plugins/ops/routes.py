"""GET /healthz and GET /metrics on the bot's own web server (beside /onebot/v11/ws)."""

import hmac
from ipaddress import ip_address

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from plugins.core.config import settings as core_settings
from plugins.ops import health
from plugins.ops.config import settings

router = APIRouter()


def _host() -> str:
    from nonebot import get_driver

    return str(get_driver().config.host)


def is_loopback(host: str) -> bool:
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@router.get("/healthz")
async def healthz() -> JSONResponse:
    """No login and no personal data: counts and ages only. 503 when unhealthy."""
    found = await health.check(
        db_timeout=settings().lianqing_health_db_timeout, tick_seconds=core_settings().lianqing_tick_seconds
    )
    return JSONResponse(
        found.as_json(),
        status_code=200 if found.healthy else 503,
        headers={"Cache-Control": "no-store"},
    )


@router.get("/metrics")
async def metrics(request: Request) -> Response:
    """Prometheus text format. With LIANQING_METRICS_TOKEN set a bearer token is
    required; without it, only a bot listening on loopback answers (else 404)."""
    token = settings().lianqing_metrics_token
    if token:
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return Response(status_code=401, headers={"WWW-Authenticate": "Bearer"})
    elif not is_loopback(_host()):
        return Response(status_code=404)
    await health.check(db_timeout=settings().lianqing_health_db_timeout, tick_seconds=core_settings().lianqing_tick_seconds)
    return Response(
        generate_latest(REGISTRY),
        media_type=CONTENT_TYPE_LATEST,
        headers={"Cache-Control": "no-store"},
    )
