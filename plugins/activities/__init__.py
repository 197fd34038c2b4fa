"""促活跃（线下）: activities, check-ins, and reminders that arrive exactly once.

Reminders are worked out once a day by clock-driven rules (see reminders.py),
recorded in `reminder_log` so each goes out once, merged per person and day,
and delivered through the outbox.
"""

from datetime import time

from nonebot import get_plugin_config, require
from nonebot.plugin import PluginMetadata

require("plugins.core")
require("plugins.outbox")
require("plugins.identity")
require("plugins.contacts")

from plugins.activities import commands, privacy, reminders, service  # noqa: E402, F401
from plugins.activities.config import Config  # noqa: E402
from plugins.core import schedule  # noqa: E402
from plugins.core.commands import plugin_usage  # noqa: E402

__plugin_meta__ = PluginMetadata(
    name="线下活动与提醒",
    description="记录线下活动、面对面交流和调研，青年签到，按季度和年度提醒",
    usage=plugin_usage(__name__),
    type="application",
    config=Config,
    supported_adapters={"~onebot.v11"},
)

config = get_plugin_config(Config)
service.configure(config)


@schedule.daily("activities_retention", time(3, 50))
async def _retention() -> None:
    from plugins.core import config as core

    await privacy.expire_identities(core.privacy_identity_days)
    await privacy.forget_old_reminders(400)


@schedule.daily("reminders", config.reminders_time)
async def _reminders() -> None:
    if config.reminders_enabled:
        await reminders.run(config)
