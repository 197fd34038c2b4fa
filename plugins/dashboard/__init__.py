"""管理后台: the web dashboard served by the bot's own web server under /dashboard.

Sign-in is by a one-time link from `/登录` in a private chat; every page builds
the viewer's Actor and shows only their organisation subtree (or, for a cadre,
their own page). Routes are thin; the figures come from services shared with
the chat commands.
"""

from datetime import time

from nonebot import get_app, get_driver, get_plugin_config, require
from nonebot.drivers import ASGIMixin
from nonebot.log import logger
from nonebot.plugin import PluginMetadata

require("plugins.core")
require("plugins.identity")
require("plugins.contacts")
require("plugins.interaction")
require("plugins.activities")
require("plugins.evaluation")
require("plugins.requests")

from plugins.core import schedule  # noqa: E402
from plugins.core.commands import plugin_usage  # noqa: E402
from plugins.dashboard import commands, tokens  # noqa: E402, F401
from plugins.dashboard.config import Config, configure  # noqa: E402

__plugin_meta__ = PluginMetadata(
    name="管理后台",
    description="网页管理后台：概览、团干部、问题清单、名册导入与导出",
    usage=plugin_usage(__name__),
    type="application",
    config=Config,
    supported_adapters={"~onebot.v11"},
)

config = get_plugin_config(Config)
configure(config)

if isinstance(get_driver(), ASGIMixin):
    from plugins.dashboard.app import mount

    mount(get_app())
else:  # pragma: no cover - the project runs the FastAPI driver
    logger.warning("dashboard not served: the NoneBot driver has no web server (use DRIVER=~fastapi)")


@schedule.daily("dashboard_purge", time(3, 20))
async def _purge() -> None:
    await tokens.purge()
