"""Background work: the counter flush loop and the daily retention pass."""

import asyncio
import contextlib
from datetime import timedelta

from models import MessageCount
from plugins.core import clock
from plugins.interaction import recorder, topics
from plugins.interaction.config import Config

_task: asyncio.Task | None = None


async def _loop(seconds: float) -> None:
    while True:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(recorder.urgent.wait(), seconds)
        await recorder.flush_quietly()


def start(seconds: float) -> None:
    global _task
    if _task is None:
        _task = asyncio.create_task(_loop(seconds), name="lianqing-interaction-flush")


async def stop() -> None:
    """Stop the loop and write what is still in memory."""
    global _task
    if _task is not None:
        _task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await _task
        _task = None
    await recorder.flush_quietly()


async def retention(settings: Config) -> tuple[int, int, int]:
    """Delete text past its retention period and counts past theirs; returns what changed."""
    now = clock.now()
    replies, topic_texts = await topics.delete_old_text(
        now - timedelta(days=settings.interaction_text_retention_days)
    )
    counts = await MessageCount.filter(
        day__lt=clock.today() - timedelta(days=settings.interaction_count_retention_days)
    ).delete()
    return replies, topic_texts, counts
