"""发件箱: the one queue for every message the bot sends on its own initiative.

Reminders, notices, surveys and spot checks are queued with `enqueue` and
delivered by one loop per process, within a daily budget per QQ account and
per recipient, outside quiet hours, retried when the OneBot side refuses.
"""

from nonebot import get_driver, get_plugin_config, require
from nonebot.plugin import PluginMetadata

require("plugins.core")

from datetime import time  # noqa: E402

from plugins.core import schedule  # noqa: E402
from plugins.core.commands import plugin_usage  # noqa: E402
from plugins.outbox import commands, service, worker  # noqa: E402, F401
from plugins.outbox.config import Config  # noqa: E402
from plugins.outbox.service import enqueue  # noqa: E402

__plugin_meta__ = PluginMetadata(
    name="发件箱",
    description="主动消息的统一队列：每日额度、免打扰时段、失败重试",
    usage=plugin_usage(__name__),
    type="application",
    config=Config,
    supported_adapters={"~onebot.v11"},
)

config = get_plugin_config(Config)
service.configure(config)
driver = get_driver()


@driver.on_startup
async def _start_worker() -> None:
    if config.outbox_worker:
        worker.start()


@driver.on_shutdown
async def _stop_worker() -> None:
    await worker.stop()


@driver.on_bot_connect
async def _deliver_waiting() -> None:
    service.kick()


@schedule.daily("outbox_retention", time(3, 40))
async def _retention() -> None:
    await service.purge_old(config.outbox_keep_days)


__all__ = ["enqueue"]
