"""What the activities plugin registers: commands, the daily reminders, retention."""

from datetime import time

from plugins.activities import card, privacy, reminders, service
from plugins.activities.config import settings
from plugins.contacts.links import on_erase
from plugins.core import schedule
from plugins.core.config import settings as core_settings
from plugins.core.settings import cache


def setup() -> None:
    from plugins.activities import commands  # noqa: F401  (declares the chat commands)

    on_erase(privacy.anonymise)
    schedule.daily("activities_retention", time(3, 50))(_retention)
    schedule.daily("reminders", settings().reminders_time)(_reminders)
    schedule.daily("cadre_card", settings().cadre_card_time)(_card)
    cache("activities.bad_codes", service.forget_bad_codes)


async def _retention() -> None:
    await privacy.expire_identities(core_settings().privacy_identity_days)
    await privacy.forget_old_reminders(400)


async def _reminders() -> None:
    if settings().reminders_enabled:
        await reminders.run(settings())


async def _card() -> None:
    if settings().reminders_enabled:
        await card.run(settings())
