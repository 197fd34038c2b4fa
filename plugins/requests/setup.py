"""What the requests plugin registers: commands, service-level checks, retention, erasure."""

from datetime import time

from plugins.activities.reminders import add_digest_section
from plugins.contacts.links import on_erase
from plugins.core import schedule
from plugins.core.settings import cache
from plugins.requests import jobs, privacy, problems, urgent
from plugins.requests.config import settings


def setup() -> None:
    from plugins.requests import commands  # noqa: F401  (declares the chat commands)

    on_erase(privacy.anonymise)
    cache("requests.urgent_phrases", urgent.clear_cache)
    schedule.daily("requests_retention", time(4, 0))(_retention)
    schedule.every("requests_service_levels", settings().requests_check_seconds)(jobs.check)
    add_digest_section(problems.digest_line)


async def _retention() -> None:
    config = settings()
    await privacy.expire_content(config.requests_content_keep_days, config.requests_help_keep_days)
