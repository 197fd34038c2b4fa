"""亮身份: organisations, administrators, cadre real-name registration and cards.

Domain rules live in orgs.py, admins.py, registration.py, cards.py and
roster.py; commands.py only parses, calls them and replies.
"""

from datetime import time

from nonebot import get_plugin_config, require
from nonebot.plugin import PluginMetadata

require("plugins.core")
require("plugins.outbox")

from plugins.core import schedule  # noqa: E402
from plugins.core.commands import plugin_usage  # noqa: E402
from plugins.identity import commands, registration  # noqa: E402, F401
from plugins.identity.config import Config  # noqa: E402

__plugin_meta__ = PluginMetadata(
    name="亮身份",
    description="组织树、管理员、团干部实名注册与名片",
    usage=plugin_usage(__name__),
    type="application",
    config=Config,
    supported_adapters={"~onebot.v11"},
)

config = get_plugin_config(Config)


@schedule.daily("identity_retention", time(3, 45))
async def _retention() -> None:
    await registration.forget_decided(config.identity_application_keep_days)
