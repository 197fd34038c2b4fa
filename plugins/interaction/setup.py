"""What the interaction plugin registers: the per-message recorder, the flush loop, retention."""

from datetime import time

from nonebot import get_driver, require

from plugins.contacts.links import on_erase
from plugins.core import schedule, wire
from plugins.core.events import observe_messages
from plugins.core.settings import cache
from plugins.interaction import commands, jobs, privacy, recorder, topics
from plugins.interaction.config import settings
from plugins.outbox.service import on_sent


def setup() -> None:
    require("nonebot_plugin_apscheduler")
    from nonebot_plugin_apscheduler import scheduler

    config = settings()
    if config.interaction_record:
        observe_messages(recorder.record)
        wire.on_plain_group_message(recorder.count_frame)
    on_sent("topic_post")(commands.posted)
    on_erase(privacy.anonymise)
    driver = get_driver()
    driver.on_startup(_start)
    driver.on_shutdown(jobs.stop)
    schedule.daily("interaction_retention", time(4, 40))(_retention)
    scheduler.add_job(schedule.job("interaction_topic_index", topics.load_index), "interval", seconds=30,
                      id="interaction_topic_index", replace_existing=True)
    cache("interaction.recorder", recorder.reset)
    cache("interaction.topics", topics.clear_index)


async def _start() -> None:
    await topics.load_index()
    if settings().interaction_flush_worker:
        jobs.start()


async def _retention() -> None:
    await jobs.retention(settings())  # PRIVACY_IDENTITY_DAYS from the core settings
