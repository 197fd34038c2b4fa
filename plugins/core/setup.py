"""What the core plugin registers when NoneBot loads it: the matcher, the tick, the database hooks."""

import asyncio
import sys
from datetime import time

from nonebot import get_driver, get_plugin_config, require
from nonebot.adapters.onebot.v11 import Bot
from nonebot.log import logger

from plugins.core import clock, db, dispatcher, export_process, flood, metrics, pages, schedule
from plugins.core.bots import remember_bot
from plugins.core.config import settings
from plugins.core.settings import cache


def setup() -> None:
    require("nonebot_plugin_apscheduler")
    from nonebot_plugin_apscheduler import scheduler

    config = settings()
    clock.set_local_zone(config.lianqing_timezone)
    flood.configure(
        flood.Limits(
            group_commands=config.lianqing_group_commands_per_minute,
            private_commands=config.lianqing_private_commands_per_minute,
            group_replies=config.lianqing_group_replies_per_minute,
        )
    )
    dispatcher.install()
    cache("core.schedule", schedule.reset)
    cache("core.flood", flood.reset)
    cache("core.pages", pages.reset)
    cache("core.unknown", dispatcher.forget_unknown)
    from plugins.core import help  # noqa: F401  (declares /帮助)
    driver = get_driver()
    driver.on_startup(_open_database)
    driver.on_bot_connect(_remember_bot)
    driver.on_shutdown(db.close_db)
    driver.on_shutdown(export_process.shutdown)
    scheduler.add_job(_tick, "interval", seconds=config.lianqing_tick_seconds, id="lianqing_tick",
                      replace_existing=True)
    schedule.daily("forget_old_job_runs", time(3, 0))(schedule.forget_old_runs)


async def _open_database() -> None:
    url = settings().database_url
    await db.open_db(url)
    driver = get_driver()
    # Printed, not logged: the default log level (WARNING) hides INFO lines.
    print(
        f"联青已启动：数据库 {url.split('://', 1)[0]}，"
        f"OneBot 反向 WebSocket ws://{driver.config.host}:{driver.config.port}/onebot/v11/ws",
        file=sys.stderr,
        flush=True,
    )


async def _remember_bot(bot: Bot) -> None:
    if not db.is_open():
        return
    try:  # bounded: a hook must never hold up shutdown
        await asyncio.wait_for(remember_bot(int(bot.self_id)), 10)
    except Exception as e:  # never refuse a connection over bookkeeping
        logger.warning(f"could not record bot account: {e!r}")


async def _tick() -> None:
    if not db.is_open():
        return
    try:
        await schedule.tick()
    except Exception as e:  # the database may be restarting; the next tick retries
        metrics.DATABASE_ERRORS.labels("tick").inc()
        logger.warning(f"daily tasks not checked: {e!r}")


def open_door() -> str | None:
    """Why the bot must not start as configured, in one line (None: it may).

    Anyone who reaches the port could pose as the QQ account (and read every
    command) without a token; so listening beyond loopback needs
    ONEBOT_ACCESS_TOKEN, unless the operator says LIANQING_ALLOW_NO_TOKEN=true."""
    from ipaddress import ip_address

    from nonebot.adapters.onebot.v11.config import Config as OneBotConfig

    host = str(get_driver().config.host)
    try:
        loopback = ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if loopback or get_plugin_config(OneBotConfig).onebot_access_token:
        return None
    if settings().lianqing_allow_no_token:
        logger.warning(f"listening on {host} without ONEBOT_ACCESS_TOKEN (LIANQING_ALLOW_NO_TOKEN=true)")
        return None
    return (
        f"联青拒绝启动：监听 {host} 却没有设置 ONEBOT_ACCESS_TOKEN，任何能访问这个端口的人都能冒充 QQ 账号连入。"
        "请在 .env.prod 中设置 ONEBOT_ACCESS_TOKEN（或改回 HOST=127.0.0.1；确有需要可设 LIANQING_ALLOW_NO_TOKEN=true）。"
    )
