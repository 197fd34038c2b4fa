"""The background loop that drains the outbox in each bot process."""

import asyncio
import contextlib

from nonebot.log import logger

from plugins.outbox import service

_task: asyncio.Task | None = None


async def _run() -> None:
    while True:
        try:
            await service.deliver_due()
        except Exception as e:  # the database may be restarting; try again next round
            logger.opt(exception=e).warning("outbox delivery round failed")
        await service.wait_for_kick(service.settings().outbox_poll_seconds)


def start() -> None:
    global _task
    if _task is None:
        _task = asyncio.create_task(_run(), name="lianqing-outbox")


async def stop() -> None:
    global _task
    if _task is not None:
        _task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await _task
        _task = None
