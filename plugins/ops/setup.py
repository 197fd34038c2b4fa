"""What the ops plugin registers: the two routes, the health gauges, the start-up banner."""

import sys

from nonebot import get_app, get_driver
from nonebot.drivers import ASGIMixin
from nonebot.log import logger
from prometheus_client import REGISTRY

from plugins.dashboard.config import settings as dashboard_settings
from plugins.ops import banner, health, routes

_gauges: health.Gauges | None = None


def setup() -> None:
    global _gauges
    driver = get_driver()
    if isinstance(driver, ASGIMixin):
        get_app().include_router(routes.router)
    else:  # pragma: no cover - the project runs the FastAPI driver
        logger.warning("/healthz and /metrics not served: the NoneBot driver has no web server")
    if _gauges is None:
        _gauges = health.Gauges()
        REGISTRY.register(_gauges)
    driver.on_startup(_banner)


async def _banner() -> None:
    """After the core plugin opened the database (start-up hooks run in load order)."""
    try:
        found = await banner.lines(
            base_url=dashboard_settings().dashboard_base_url,
            superusers=set(get_driver().config.superusers),
        )
    except Exception as e:  # a banner never stops the bot
        logger.warning(f"start-up hints not shown: {e!r}")
        return
    # Printed, not logged: the default log level (WARNING) hides INFO lines.
    for line in found:
        print(line, file=sys.stderr, flush=True)
