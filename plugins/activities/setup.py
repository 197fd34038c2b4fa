"""What the activities plugin registers: commands, the daily reminders, retention."""

from datetime import time

from nonebot import get_driver

from plugins.activities import card, privacy, reminders, service, signups
from plugins.activities.config import settings
from plugins.contacts.links import on_erase
from plugins.core import clock, schedule
from plugins.core.config import settings as core_settings
from plugins.core.events import on_private_text
from plugins.core.settings import cache
from plugins.outbox.service import in_quiet_hours


def setup() -> None:
    from plugins.activities import commands  # noqa: F401  (declares the chat commands)

    on_erase(privacy.anonymise)
    schedule.daily("activities_retention", time(3, 50))(_retention)
    schedule.daily("reminders", settings().reminders_time)(_reminders)
    schedule.daily("cadre_card", settings().cadre_card_time)(_card)
    cache("activities.bad_codes", service.forget_bad_codes)
    cache("activities.feedback_waiting", signups.clear_waiting)
    on_private_text(signups.waits)(signups.answer)
    schedule.every("activities_sign_ups", settings().activities_check_seconds)(_sign_up_jobs)
    get_driver().on_startup(signups.refresh_waiting)


async def _sign_up_jobs() -> None:
    """The day-before reminders and the feedback questions (idempotent: dedup keys)."""
    now = clock.now()
    if clock.to_local(now).time() < settings().reminders_time:
        return
    if not in_quiet_hours(now):  # queued in quiet hours it could go out on the day itself
        await signups.remind_tomorrow()
    await signups.ask_feedback()


async def _retention() -> None:
    await privacy.expire_identities(core_settings().privacy_identity_days)
    await privacy.forget_old_reminders(400)
    await signups.expire(settings().activities_sign_up_keep_days)


async def _reminders() -> None:
    if settings().reminders_enabled:
        await reminders.run(settings())


async def _card() -> None:
    if settings().reminders_enabled:
        await card.run(settings())
