"""Database lifecycle: apply migrations, then open the ORM for every task.

Tortoise 1.x keeps its state per asyncio context; the bot's WebSocket handlers
run in other tasks than the start-up hook, so the ORM is opened with the global
fallback, as Tortoise's own web-framework integrations do.
"""

from pathlib import Path

from tortoise import Tortoise
from tortoise.context import TortoiseContext
from tortoise.migrations.api import migrate

from config import tortoise_config


def _ensure_sqlite_dir(url: str) -> None:
    if url.startswith("sqlite://") and ":memory:" not in url:
        Path(url.removeprefix("sqlite://").split("?", 1)[0]).parent.mkdir(
            parents=True, exist_ok=True
        )


async def apply_migrations(url: str) -> None:
    """Bring the schema up to the newest migration, keeping all data."""
    _ensure_sqlite_dir(url)
    async with TortoiseContext():
        await migrate(config=tortoise_config(url))
        await Tortoise.close_connections()


_open = False


def is_open() -> bool:
    return _open


async def open_db(url: str, *, run_migrations: bool = True) -> None:
    global _open
    if run_migrations:
        await apply_migrations(url)
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    _open = True


async def close_db() -> None:
    global _open
    _open = False
    await Tortoise.close_connections()
