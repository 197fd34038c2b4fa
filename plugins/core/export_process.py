"""Large downloads built in a separate process, with its own database connection.

The province's problem list is 182,725 rows × 11 columns. Written in the bot's
process, even in worker threads, the rows held the interpreter (the GIL) for
seconds: a chat command answered meanwhile waited 0.5–1.2 s at p99 (issue 18).
Here a job runs in a worker of a `ProcessPoolExecutor` (spawn context, created
on the first download, kept for the next, shut down with the driver), opens its
own connection (sqlite3, or asyncpg with the bot's session settings) and streams
raw tuples from one query into the sheet; the bot process only awaits the file.
Measured with bench/dashboard.py on the province (2026-11-29, busy 2-core machine,
load 1.1–1.8): chat p99 while the problem list downloads is 67 ms on PostgreSQL and
15 ms on SQLite (p50 33 / 9 ms), against 172–537 / 451–1,230 ms before. Standalone,
old and new export back to back (load 0.2–1.7): 14.9 s → 5.2 s, of which writing
the sheet 2.6 s, zipping 0.4 s, the query 2.0 s; starting the pool costs 1–2 s once.

Dashboard pages and the smaller downloads run here too (`run_orm`): a province's
overview held the bot's interpreter for 1–4 s between its queries, its cadre list
about 1 s (chat p99 meanwhile 0.45–1.7 s, bench/dashboard.py, 2026-11-29). Such a
job is the same service code the bot would run, on the ORM opened in the worker for
that job, with the bot's settings (`settings.snapshot()`), time zone and clock (frozen
at the bot's now for the job, so a page is "as of the request" and tests' clocks hold),
and returns what pickles: the rendered page or the workbook's bytes.

The province's problem list is written by both workers at once, half each (plugins/dashboard/
problem_list.py `write_part`, joined by plugins/core/xlsx_stream.py), and both run at a lower CPU
priority than the bot (`WORKER_NICE`), so chat is answered first while they use both cores.

SQLite is opened in WAL mode by Tortoise, so this second connection reads while
the bot writes. A job is a top-level async function named "module:function":
`fn(db, *args)` on a raw `Database` for `run`, where everything that depends on the
bot's state (the clock, the settings, the viewer's scope) is resolved into the SQL
and its parameters before the job is sent; `fn(*args)` for `run_orm`.
"""

import asyncio
import contextlib
import importlib
import multiprocessing
import os
import threading
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

WORKERS = 2
"""Downloads built at once; more wait (the machine has 2 cores)."""
FETCH = 5000
"""Rows fetched (and written) at a time, on either database; tests lower it to cross batches."""

_pool: ProcessPoolExecutor | None = None
_warming: set[asyncio.Task] = set()
_in_worker = False


def in_worker() -> bool:
    """Whether this code runs in a worker process (it reads; the bot keeps what is shared fresh)."""
    return _in_worker


def _url() -> str:
    from plugins.core import db

    return db.url()


def _zone() -> str:
    from plugins.core import clock

    return str(clock.local_zone())


async def run(job: str, *args: Any) -> Any:
    """Run `job` ("module:function", `fn(db, *args)` on a raw `Database`) in a worker process."""
    return await _submit(_call, _url(), _zone(), job, args)


async def run_orm(job: str, *args: Any) -> Any:
    """Run `job` ("module:function", `fn(*args)`) in a worker process with the ORM open there,
    the bot's settings and time zone, and the clock frozen at the bot's now."""
    from plugins.core import clock
    from plugins.core.settings import snapshot

    return await _submit(_call_orm, _url(), _zone(), clock.now(), snapshot(), job, args)


def warm(job: str) -> None:
    """Start every worker now, in the background, each running `job` (which imports and compiles
    what later jobs need): a cold worker added 0.25–0.5 s to the first pages it built
    (bench/dashboard.py: SQLite overview 1.75 → 2.23 s, cadre list 0.73 → 0.98 s). Once per pool."""
    if _pool is not None or _warming:
        return
    for _ in range(WORKERS):  # the pool starts one process per job waiting while fewer run
        task = asyncio.get_running_loop().create_task(run_orm(job))
        _warming.add(task)
        task.add_done_callback(_warmed)


def _warmed(task: asyncio.Task) -> None:
    _warming.discard(task)
    if not task.cancelled() and task.exception() is not None:
        from nonebot.log import logger

        logger.warning(f"worker warm-up failed: {task.exception()!r}")


async def _submit(fn: Callable, *args: Any) -> Any:
    global _pool
    if _pool is None:
        _pool = ProcessPoolExecutor(WORKERS, mp_context=multiprocessing.get_context("spawn"),
                                    initializer=_start_worker, initargs=(os.getpid(),))
    loop = asyncio.get_running_loop()
    try:
        return await loop.run_in_executor(_pool, fn, *args)
    except BrokenProcessPool:
        shutdown()  # a worker died (killed, out of memory): the next job starts a new pool
        raise


def shutdown() -> None:
    """Stop the workers (on driver shutdown); a later `run` starts new ones."""
    global _pool
    pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)


# ------------------------------------------------------------------ in the worker


WORKER_NICE = 10
"""How much lower a worker's CPU priority is than the bot's: chat is answered first. With the
problem list written by both workers at once, the bot had no core left: on PostgreSQL a chat
command waited up to 1.9 s (p99 of 46, bench/dashboard.py 2026-11-30) while it was built."""


def _start_worker(parent: int) -> None:
    """Pool initializer: a lower priority than the bot's, and the end of this worker with the bot."""
    if hasattr(os, "nice"):
        os.nice(WORKER_NICE)
    _exit_with(parent)


def _exit_with(parent: int) -> None:
    """End this worker when the bot is gone. A worker holds both ends of its job
    pipe, so a bot killed (kill -9, out of memory) or stopped while workers were still starting
    left them waiting for ever (seen after the end-to-end tests: orphans of stopped bots)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-bot", daemon=True).start()


def _call(url: str, zone: str, job: str, args: tuple) -> Any:
    from plugins.core import clock

    clock.set_local_zone(zone)  # labels and dates formatted here read as in the bot
    module, name = job.split(":")
    fn = getattr(importlib.import_module(module), name)

    async def main() -> Any:
        async with Database.open(url, zone) as db:
            return await fn(db, *args)

    return asyncio.run(main())


def _call_orm(url: str, zone: str, now: datetime, values: dict, job: str, args: tuple) -> Any:
    global _in_worker
    from plugins.core import clock, db
    from plugins.core.settings import install

    _in_worker = True
    clock.set_local_zone(zone)
    install(values)
    module, name = job.split(":")
    fn = getattr(importlib.import_module(module), name)

    async def main() -> Any:
        # Opened per job, not kept: a test may replace the database file between two jobs.
        await db.open_db(url, run_migrations=False)
        try:
            return await fn(*args)
        finally:
            await db.close_db()

    clock.set_now(now)
    try:
        return asyncio.run(main())
    finally:
        clock.set_now(None)


class Database:
    """The worker's own connection: raw SQL with `?` placeholders, rows as tuples."""

    def __init__(self, dialect: str, conn: Any, zone: tzinfo) -> None:
        self.dialect = dialect
        self.conn = conn
        self.zone = zone
        self.reading: set[asyncio.Future] = set()
        """Batches being read ahead (`batches`): the connection closes only once they ended."""

    async def _settled(self) -> None:
        for pending in list(self.reading):
            with contextlib.suppress(BaseException):
                await pending
        self.reading.clear()

    def _ahead(self, read: Any) -> asyncio.Future:
        pending = asyncio.ensure_future(read)
        self.reading.add(pending)
        pending.add_done_callback(self.reading.discard)
        return pending

    @classmethod
    @contextlib.asynccontextmanager
    async def open(cls, url: str, zone: str) -> AsyncIterator["Database"]:
        if url.startswith("sqlite://"):
            import sqlite3

            # Read from one thread at a time, not always the same one (`batches`).
            conn = sqlite3.connect(url.removeprefix("sqlite://").split("?", 1)[0], check_same_thread=False)
            db = cls("sqlite", conn, ZoneInfo(zone))
            try:
                yield db
            finally:
                await db._settled()  # a caller that stopped reading early left one read under way
                conn.close()
            return
        import asyncpg

        from config.database import connection

        conf = connection(url)
        if not isinstance(conf, dict):
            raise ValueError(f"not a database URL this worker can open: {url.split('://', 1)[0]}")
        c = conf["credentials"]
        conn = await asyncpg.connect(
            host=c.get("host"), port=c.get("port"), user=c.get("user"), password=c.get("password"),
            database=c.get("database"), server_settings=c.get("server_settings"),
        )
        db = cls("postgres", conn, ZoneInfo(zone))
        try:
            yield db
        finally:
            await db._settled()
            await conn.close()

    def _params(self, params: tuple) -> list:
        if self.dialect == "sqlite":
            # As Tortoise's SQLite client passes them (sqlite3's default adapter).
            return [p.isoformat(" ") if isinstance(p, datetime) else p for p in params]
        return list(params)

    async def batches(self, query: str, *params: Any, size: int = FETCH) -> AsyncIterator[list]:
        """Every row of `query` (tuples, or asyncpg records: both index and iterate like tuples),
        `size` at a time: never all in memory, and no Python step per row (a third of the time
        when rows were yielded one by one). The next batch is read while the caller handles this
        one: the province's problem list 2.54 -> 2.39 s on SQLite, 2.03 -> 1.86 s on PostgreSQL."""
        if self.dialect == "sqlite":
            # The next batch is read in a thread while the caller writes this one (sqlite3 lets go
            # of the interpreter while SQLite steps); one read at a time on the connection.
            cursor = await asyncio.to_thread(self.conn.execute, query, self._params(params))
            pending = self._ahead(asyncio.to_thread(cursor.fetchmany, size))
            try:
                while batch := await pending:
                    pending = self._ahead(asyncio.to_thread(cursor.fetchmany, size))
                    yield batch
            finally:  # the caller stopped early: the read under way ends before the connection does
                with contextlib.suppress(Exception):
                    await pending
            return
        from plugins.core.sql import numbered

        async with self.conn.transaction(readonly=True):
            cursor = await self.conn.cursor(numbered(query), *params)
            # The server prepares the next batch while the caller writes this one.
            pending = self._ahead(cursor.fetch(size))
            try:
                while batch := await pending:
                    pending = self._ahead(cursor.fetch(size))
                    await asyncio.sleep(0)  # the request goes out before the caller's writing
                    yield batch
            finally:  # the caller stopped early: the fetch under way ends inside the transaction
                with contextlib.suppress(Exception):
                    await pending

    async def rows(self, query: str, *params: Any, size: int = FETCH) -> AsyncIterator[tuple]:
        """Every row of `query`, one by one."""
        async for batch in self.batches(query, *params, size=size):
            for row in batch:
                yield tuple(row)

    async def all(self, query: str, *params: Any) -> list[tuple]:
        """Every row at once. On PostgreSQL not through a cursor: a cursor's plan is chosen for its
        first rows (cursor_tuple_fraction) and never parallel, and the summary's counting took
        19.9 s through one instead of ~7 s."""
        if self.dialect == "postgres":
            from plugins.core.sql import numbered

            return [tuple(r) for r in await self.conn.fetch(numbered(query), *params)]
        return [row async for row in self.rows(query, *params)]

    async def execute(self, query: str, *params: Any) -> None:
        """A statement that returns nothing (a temporary table of this connection's own)."""
        await self.execute_many(query, [params])

    async def execute_many(self, query: str, rows: list) -> None:
        """One statement over many rows, committed (on SQLite only a temporary table may be written:
        a write to the database itself would wait for, and then lock out, the bot's connection)."""
        if self.dialect == "sqlite":
            def run() -> None:
                self.conn.executemany(query, [self._params(tuple(r)) for r in rows])
                self.conn.commit()

            await asyncio.to_thread(run)
            return
        from plugins.core.sql import numbered

        await self.conn.executemany(numbered(query), [list(r) for r in rows])

    def quote(self, name: str) -> str:
        """A column named like an SQL word ("to")."""
        return f'"{name}"'

    @staticmethod
    def instant(seconds: int | None) -> datetime | None:
        """`epoch` seconds back to an aware UTC datetime."""
        return None if seconds is None else datetime.fromtimestamp(seconds, UTC)

    def epoch(self, column: str) -> str:
        """SQL for a timestamp column as whole seconds since 1970 (fractions dropped)."""
        if self.dialect == "postgres":
            return f"CAST(FLOOR(EXTRACT(EPOCH FROM {column})) AS BIGINT)"
        return f"CAST(strftime('%s', {column}) AS INTEGER)"

    def serial_sql(self, column: str, since: datetime) -> str | None:
        """SQL for the Excel serial of a NOT NULL timestamp column's local wall-clock time (whole
        seconds), the same double `local_serial` gives from `epoch`, where the database can: always
        on PostgreSQL (AT TIME ZONE), on SQLite when the zone's offset did not change since `since`
        (the column's oldest value). One Python call per row less: 0.1-0.15 s of 91,451 rows. None:
        use `epoch` and `local_serial`."""
        zone = str(self.zone)
        if self.dialect == "postgres":
            if not all(ch.isalnum() or ch in "/_+-" for ch in zone):
                return None
            return (f"CAST(FLOOR(EXTRACT(EPOCH FROM ({column} AT TIME ZONE '{zone}'))) AS DOUBLE PRECISION) "
                    "/ 86400 + 25569")
        offsets = {datetime(year, month, 1, tzinfo=UTC).astimezone(self.zone).utcoffset()
                   for year in range(since.year, datetime.now(UTC).year + 2) for month in (1, 4, 7, 10)}
        if len(offsets) != 1:
            return None  # daylight saving time, or a changed offset: per hour in Python
        offset = int((offsets.pop() or timedelta()).total_seconds())
        return f"(CAST(strftime('%s', {column}) AS INTEGER) + {offset}) / 86400.0 + 25569"

    def local_serial(self) -> Callable[[int | None], float | None]:
        """Seconds since 1970 (UTC) → the Excel serial of the local wall-clock time (Excel has no
        time zones), the zone's offset looked up once per hour of the data."""
        offsets: dict[int, float] = {}
        zone = self.zone
        origin = datetime(1970, 1, 1, tzinfo=UTC)

        def serial(seconds: int | None) -> float | None:
            if seconds is None:
                return None
            hour = seconds // 3600
            offset = offsets.get(hour)
            if offset is None:
                utc = origin + timedelta(seconds=hour * 3600)
                offset = offsets[hour] = (utc.astimezone(zone).utcoffset() or timedelta()).total_seconds()
            return (seconds + offset) / 86400 + 25569

        return serial
