"""运维: what an operator needs to run the bot as a service.

`GET /healthz` (for Docker, systemd watchdogs, load balancers) and `GET /metrics`
(Prometheus) are served by the bot's own web server, the one the OneBot side
connects to; nothing else has to run. The numbers come from plugins/core/metrics.py
(in-memory counters) and one indexed count of the outbox. The start-up banner
tells a newcomer where the dashboard is and how to become the first administrator.
"""

import sys

from nonebot import get_app, get_driver, get_plugin_config, require
from nonebot.drivers import ASGIMixin
from nonebot.log import logger
from nonebot.plugin import PluginMetadata
from prometheus_client import REGISTRY

require("plugins.core")
require("plugins.dashboard")

from plugins.core.config import Config as CoreConfig  # noqa: E402
from plugins.dashboard.config import settings as dashboard_settings  # noqa: E402
from plugins.ops import banner, health, routes  # noqa: E402
from plugins.ops.config import Config  # noqa: E402

__plugin_meta__ = PluginMetadata(
    name="运维",
    description="健康检查 /healthz、Prometheus 指标 /metrics 与启动提示",
    usage="（无指令）GET /healthz；GET /metrics",
    type="library",
    config=Config,
    supported_adapters={"~onebot.v11"},
)

config = get_plugin_config(Config)
driver = get_driver()
routes.configure(
    config,
    host=str(driver.config.host),
    tick_seconds=get_plugin_config(CoreConfig).lianqing_tick_seconds,
)

if isinstance(driver, ASGIMixin):
    get_app().include_router(routes.router)
else:  # pragma: no cover - the project runs the FastAPI driver
    logger.warning("/healthz and /metrics not served: the NoneBot driver has no web server")

REGISTRY.register(health.Gauges())


@driver.on_startup
async def _banner() -> None:
    """After the core plugin opened the database (start-up hooks run in load order)."""
    try:
        found = await banner.lines(
            base_url=dashboard_settings().dashboard_base_url,
            superusers=set(driver.config.superusers),
        )
    except Exception as e:  # a banner never stops the bot
        logger.warning(f"start-up hints not shown: {e!r}")
        return
    # Printed, not logged: the default log level (WARNING) hides INFO lines.
    for line in found:
        print(line, file=sys.stderr, flush=True)
