"""A background loop a plugin starts with the bot and stops at shutdown (cancelled, then awaited)."""

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from typing import Any


class Loop:
    def __init__(self, name: str, body: Callable[[], Coroutine[Any, Any, None]]) -> None:
        self.name = name
        self.body = body
        self.task: asyncio.Task | None = None

    def start(self) -> None:
        if self.task is None:
            self.task = asyncio.create_task(self.body(), name=self.name)

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
            self.task = None
