"""What the dashboard plugin registers: its routes on the bot's web app, /登录, the purge."""

from datetime import time

from nonebot import get_app, get_driver
from nonebot.drivers import ASGIMixin
from nonebot.log import logger

from plugins.core import schedule
from plugins.core.settings import cache
from plugins.dashboard import roster_upload, tokens


def setup() -> None:
    from plugins.dashboard import commands  # noqa: F401  (declares the chat commands)

    if isinstance(get_driver(), ASGIMixin):
        from plugins.dashboard.app import mount

        mount(get_app())
    else:  # pragma: no cover - the project runs the FastAPI driver
        logger.warning("dashboard not served: the NoneBot driver has no web server (use DRIVER=~fastapi)")
    schedule.daily("dashboard_purge", time(3, 20))(tokens.purge)
    cache("dashboard.uploads", roster_upload.clear)
