"""What the evaluation plugin registers: commands, answers to questions, retention."""

from datetime import time

from nonebot import get_driver, require

from plugins.contacts.links import on_erase
from plugins.contacts.retire import on_retire
from plugins.contacts.stats import SummaryReaders, read_summaries_from
from plugins.core import schedule
from plugins.core.config import settings as core_settings
from plugins.core.events import on_private_text
from plugins.core.settings import cache
from plugins.evaluation import answers, awaiting, privacy, summary
from plugins.evaluation.config import settings


def setup() -> None:
    require("nonebot_plugin_apscheduler")
    from nonebot_plugin_apscheduler import scheduler

    from plugins.evaluation import commands  # noqa: F401  (declares the chat commands)

    on_private_text(awaiting.wants)(answers.answer)
    on_erase(privacy.anonymise)
    on_erase(summary.invalidate)
    on_retire(summary.invalidate)
    read_summaries_from(SummaryReaders(summary.org_overview, summary.confirmed_by_cadre))
    scheduler.add_job(schedule.job("evaluation_awaiting", _refresh_awaiting), "interval", seconds=30,
                      id="evaluation_awaiting", replace_existing=True)
    get_driver().on_startup(_refresh_awaiting)
    schedule.daily("evaluation_retention", time(3, 55))(_retention)
    schedule.daily("evaluation_summary", settings().evaluation_summary_time)(_refresh_summary)
    # In the background (the scheduler's tick, from start-up on), before the rows are too old:
    # readers wait for a recount only when cadres were added or removed, or after an erasure.
    schedule.every("evaluation_summary_fresh", 300)(summary.refresh_ahead)
    cache("evaluation.awaiting", awaiting.clear)


async def _refresh_awaiting() -> None:
    await awaiting.refresh(settings().evaluation_question_days)


async def _retention() -> None:
    await privacy.expire_identities(core_settings().privacy_identity_days)


async def _refresh_summary() -> None:
    await summary.recount()
