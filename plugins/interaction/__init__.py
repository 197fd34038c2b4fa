"""线上互动: topics, replies linked to them, and exchanges that reward two-way contact.

Messages in bound groups are counted per member per day (not their text) in
memory and written in batches; topic replies keep their text for a retention
period; a youth message the cadre answers (quote or @) is one exchange.
"""

from datetime import time

from nonebot import get_driver, get_plugin_config, require
from nonebot.plugin import PluginMetadata

require("plugins.core")
require("plugins.outbox")
require("plugins.identity")
require("plugins.contacts")
require("nonebot_plugin_apscheduler")

from nonebot_plugin_apscheduler import scheduler  # noqa: E402

from plugins.core import schedule, wire  # noqa: E402
from plugins.core.commands import plugin_usage  # noqa: E402
from plugins.core.events import observe_messages  # noqa: E402
from plugins.interaction import commands, jobs, privacy, recorder, topics  # noqa: E402, F401
from plugins.interaction.config import Config  # noqa: E402

__plugin_meta__ = PluginMetadata(
    name="线上互动",
    description="话题、回复与双向交流的统计（只计条数，不存普通聊天内容）",
    usage=plugin_usage(__name__),
    type="application",
    config=Config,
    supported_adapters={"~onebot.v11"},
)

config = get_plugin_config(Config)
recorder.configure(config)
topics.configure(config)
driver = get_driver()


if config.interaction_record:
    observe_messages(recorder.record)
    wire.on_plain_group_message(recorder.count_frame)


@driver.on_startup
async def _start() -> None:
    await topics.load_index()
    if config.interaction_flush_worker:
        jobs.start(config.interaction_flush_seconds)


@driver.on_shutdown
async def _stop() -> None:
    await jobs.stop()


@schedule.daily("interaction_retention", time(4, 40))
async def _retention() -> None:
    await jobs.retention(config)  # PRIVACY_IDENTITY_DAYS from the core settings

scheduler.add_job(
    topics.load_index, "interval", seconds=30, id="interaction_topic_index", replace_existing=True
)
