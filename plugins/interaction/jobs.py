"""Background work: the counter flush loop and the daily retention pass."""

import asyncio
import contextlib
from datetime import timedelta

from models import Exchange, MessageCount
from plugins.core import clock
from plugins.core.config import settings as core_settings
from plugins.core.loops import Loop
from plugins.interaction import recorder, topics
from plugins.interaction.config import Config, settings


async def _loop() -> None:
    while True:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(recorder.urgent.wait(), settings().interaction_flush_seconds)
        # Shielded: cancelling the loop at shutdown must not cut a flush between taking the
        # counters out of memory and writing them (stop() then waits for it on the lock).
        await asyncio.shield(recorder.flush_quietly())


_flusher = Loop("lianqing-interaction-flush", _loop)
start = _flusher.start


async def stop() -> None:
    """Stop the loop and write what is still in memory."""
    await _flusher.stop()
    await recorder.flush_quietly()


async def retention(settings: Config, identity_days: int | None = None) -> tuple[int, int, int, int]:
    """Daily: reply text and QQ past the text retention, counts past theirs, and youth QQs on
    exchanges older than PRIVACY_IDENTITY_DAYS (made 0, the exchange stays).

    Returns (replies stripped, topic texts deleted, counts deleted, exchanges anonymised).
    """
    if identity_days is None:
        identity_days = core_settings().privacy_identity_days
    now = clock.now()
    replies, topic_texts = await topics.delete_old_text(
        now - timedelta(days=settings.interaction_text_retention_days)
    )
    counts = await MessageCount.filter(
        day__lt=clock.today() - timedelta(days=settings.interaction_count_retention_days)
    ).delete()
    exchanges = await Exchange.filter(
        answered_at__lt=now - timedelta(days=identity_days), youth_qq__not=0
    ).update(youth_qq=0)
    return replies, topic_texts, counts, exchanges
