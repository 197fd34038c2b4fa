"""Database lifecycle: apply migrations, then open the ORM for every task.

Tortoise 1.x keeps its state per asyncio context; the bot's WebSocket handlers
run in other tasks than the start-up hook, so the ORM is opened with the global
fallback, as Tortoise's own web-framework integrations do.
"""

import asyncio
import fcntl
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


def _locked(database: str):
    """An exclusive lock file beside the SQLite database (blocks until it is ours)."""
    handle = Path(database + ".migrate-lock").open("w")
    fcntl.flock(handle, fcntl.LOCK_EX)
    return handle


MIGRATION_LOCK = 7_271_001  # pg_advisory_lock key: one process migrates at a time


async def apply_migrations(url: str) -> None:
    """Bring the schema up to the newest migration, keeping all data.

    Several bot processes may start together on one database: a lock (an
    advisory lock on PostgreSQL, a lock file beside an SQLite file) makes the
    others wait, then find nothing left to apply.
    """
    _ensure_sqlite_dir(url)
    lock = None
    lock_file = None
    if url.startswith(("postgres://", "postgresql://", "asyncpg://")):
        import asyncpg

        lock = await asyncpg.connect("postgresql://" + url.split("://", 1)[1])
        await lock.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
    elif url.startswith("sqlite://") and ":memory:" not in url:
        lock_file = await asyncio.to_thread(_locked, url.removeprefix("sqlite://").split("?", 1)[0])
    try:
        async with TortoiseContext():
            await migrate(config=tortoise_config(url))
            await Tortoise.close_connections()
    finally:
        if lock is not None:
            await lock.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)
            await lock.close()
        if lock_file is not None:
            fcntl.flock(lock_file, fcntl.LOCK_UN)
            lock_file.close()


_open = False
_url = ""


def is_open() -> bool:
    return _open


def url() -> str:
    """The URL of the open database (worker processes open their own connection to it)."""
    return _url


async def open_db(url: str, *, run_migrations: bool = True) -> None:
    global _open, _url
    if run_migrations:
        await apply_migrations(url)
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    _open, _url = True, url


async def close_db() -> None:
    global _open
    _open = False
    await Tortoise.close_connections()
