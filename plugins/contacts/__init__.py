"""联系青年: bound groups, confirmed contacts, counts that cannot be padded.

A youth counts toward a cadre's target only after confirming (/加入 + /同意);
members of bound groups are reachable, shown but never counted.
"""

import os
import sys

from nonebot import get_driver, get_plugin_config, require
from nonebot.adapters.onebot.v11 import Bot
from nonebot.plugin import PluginMetadata

require("plugins.core")
require("plugins.outbox")
require("plugins.identity")
require("nonebot_plugin_apscheduler")

from nonebot_plugin_apscheduler import scheduler  # noqa: E402

from plugins.contacts import (  # noqa: E402, F401
    approval,
    cache,
    commands,
    consent,
    consented,
    inbox_privacy,
    jobs,
    links,
    notices,
    optout,
    secret,
    stats,
)
from plugins.contacts.config import Config  # noqa: E402
from plugins.core import schedule  # noqa: E402
from plugins.core.commands import plugin_usage  # noqa: E402

__plugin_meta__ = PluginMetadata(
    name="联系青年",
    description="绑定联系群、青年确认联系、联系人数与重复联系统计",
    usage=plugin_usage(__name__),
    type="application",
    config=Config,
    supported_adapters={"~onebot.v11"},
)

config = get_plugin_config(Config)
links.configure(config)
approval.configure(config)
stats.configure(config)
optout.configure(config.lianqing_hash_secret or secret.LEGACY)  # replaced at start-up
consent.install()

schedule.daily("contacts_sync", config.contacts_sync_time, per_account=True)(jobs.sync_connected)
schedule.daily("contacts_upkeep", config.contacts_sync_time)(jobs.upkeep)


async def _refresh_caches() -> None:
    await cache.refresh()
    await optout.refresh()
    await consented.refresh()


scheduler.add_job(
    _refresh_caches,
    "interval",
    seconds=cache.REFRESH_SECONDS,
    id="contacts_cache_refresh",
    replace_existing=True,
)


@get_driver().on_startup
async def _load_caches() -> None:
    try:
        optout.configure(await secret.resolve(config.lianqing_hash_secret, config.lianqing_hash_secret_file))
    except secret.SecretMismatch as e:
        # Running on would record people who asked not to be: stop now, in one line.
        # (An exception here only makes uvicorn say "Exiting" while the process lives on.)
        print(f"联青拒绝启动：{e}", file=sys.stderr, flush=True)
        os._exit(2)
    await _refresh_caches()


@get_driver().on_bot_connect
async def _catch_up(bot: Bot) -> None:
    if config.contacts_sync_on_connect:
        jobs.catch_up(bot)
