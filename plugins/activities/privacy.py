"""What /退出 全部 does to check-ins: the attendance stays, the identity goes."""

from datetime import timedelta

from models import CheckIn, ReminderLog, ReminderSnooze
from plugins.core import clock


async def anonymise(qq: int, youth_id: int | None) -> bool:
    from plugins.activities import signups

    removed = await signups.forget(qq)
    return bool(await CheckIn.filter(qq=qq).update(qq=None)) or bool(removed)


async def expire_identities(days: int) -> int:
    """Retention: check-ins older than `days` keep the attendance, not who attended."""
    cutoff = clock.now() - timedelta(days=days)
    return await CheckIn.filter(created_at__lt=cutoff, qq__isnull=False).update(qq=None)


async def forget_old_reminders(days: int) -> int:
    """The reminder log only has to outlive the periods it de-duplicates (at most a year)."""
    now = clock.now()
    await ReminderSnooze.filter(until__lt=now).delete()
    return await ReminderLog.filter(created_at__lt=now - timedelta(days=days)).delete()
