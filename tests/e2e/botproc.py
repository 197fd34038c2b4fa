"""Start the real bot process (`python bot.py`) for end-to-end tests and benchmarks."""

import asyncio
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.dbreset import fresh_postgres_database, is_postgres

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def e2e_database_url(name: str = "lianqing_e2e", *, migrated: bool = True) -> str:
    """A fresh database: PostgreSQL when DATABASE_URL names one, else a new SQLite file.

    `migrated`: already at the latest schema, copied from a template this test process migrated
    once (`python -m cli migrate`). Migrating an empty database takes Tortoise 6-7 s of CPU (it
    rebuilds every model's state for each operation), and the suite's ~60 databases each did it
    (the SQLite suite took 4 min 38 s after this on an idle 2-core machine). `migrated=False` keeps an empty one,
    for the tests of a first start (tests/e2e/test_multibot_e2e.py: two processes migrating it at
    once; tests/e2e/test_identity_e2e.py: the operator's first import); tests/test_migrations.py
    upgrades real old databases."""
    url = os.environ.get("DATABASE_URL", "")
    if is_postgres(url):
        if not migrated:
            return fresh_postgres_database(url, name)
        template = _template(url)
        return fresh_postgres_database(url, name, template=template.rpartition("/")[2])
    path = Path(tempfile.mkdtemp(prefix="lianqing-e2e-")) / "bot.sqlite3"
    if migrated:
        shutil.copyfile(_template(url).removeprefix("sqlite://"), path)
    return f"sqlite://{path}"


_templates: dict[str, str] = {}


def _template(url: str) -> str:
    """This process's migrated template database (made on first use)."""
    if url not in _templates:
        if is_postgres(url):
            template = fresh_postgres_database(url, "lianqing_e2e_template")
        else:
            template = f"sqlite://{Path(tempfile.mkdtemp(prefix='lianqing-e2e-template-')) / 'bot.sqlite3'}"
        migrated = run_cli(template, "migrate")
        assert migrated.returncode == 0, migrated.stdout + migrated.stderr
        if not is_postgres(url):
            # The CLI closed its connection: SQLite checkpointed the WAL into the file.
            assert not Path(template.removeprefix("sqlite://") + "-wal").exists()
        _templates[url] = template
    return _templates[url]


# One generated hash key for every bot process of the test session (as processes sharing a
# database must), kept out of the project's data/ folder.
HASH_SECRET_FILE = Path(tempfile.mkdtemp(prefix="lianqing-secret-")) / "hash_secret"

# A weekday morning in Shanghai, so quiet hours never depend on when tests run.
DEFAULT_NOW = datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@dataclass
class BotProcess:
    process: subprocess.Popen
    port: int
    database_url: str
    access_token: str | None
    log_path: Path
    clock_path: Path

    def set_clock(self, instant: datetime) -> None:
        """Move the bot process's clock (plugins/core/clock.py reads this file)."""
        write_clock(self.clock_path, instant)

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/onebot/v11/ws"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def write_clock(path: Path, instant: datetime) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(instant.isoformat())
    os.replace(tmp, path)


def bot_env(
    database_url: str, port: int, access_token: str | None, clock_path: Path | None = None,
    **extra: str,
) -> dict[str, str]:
    if clock_path is None:
        clock_path = Path(tempfile.mkstemp(prefix="lianqing-clock-")[1])
        write_clock(clock_path, DEFAULT_NOW)
    env = {
        "LIANQING_TEST_CLOCK": str(clock_path),
        **os.environ,
        "ENVIRONMENT": "e2e",  # never read a developer's .env.prod
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "DATABASE_URL": database_url,
        "SUPERUSERS": '["10001"]',
        "LOG_LEVEL": "WARNING",
        "ONEBOT_ACCESS_TOKEN": access_token or "",
        "LIANQING_HASH_SECRET": "",
        "LIANQING_HASH_SECRET_FILE": str(HASH_SECRET_FILE),
        # Background loops run fast so that a moved clock takes effect at once.
        "LIANQING_TICK_SECONDS": "0.3",
        "OUTBOX_POLL_SECONDS": "0.2",
        "INTERACTION_FLUSH_SECONDS": "0.2",
        # Reminders arrive unasked; tests of reminders switch them back on.
        "REMINDERS_ENABLED": "false",
    }
    env.update(extra)
    return env


CLI_CLOCK_LEAD = timedelta(minutes=5)
"""The CLI's clock starts this long before DEFAULT_NOW: what it queues (an import's welcome
messages) is due once a bot's clock is set to DEFAULT_NOW, however long the CLI took to start
(seen: 24 s on a loaded machine, which put the welcomes 24 s after a transcript's 10:00)."""


def run_cli(database_url: str, *args: str) -> subprocess.CompletedProcess:
    clock_path = Path(tempfile.mkstemp(prefix="lianqing-clock-")[1])
    write_clock(clock_path, DEFAULT_NOW - CLI_CLOCK_LEAD)
    env = bot_env(database_url, 8080, None, clock_path)
    return subprocess.run(
        [sys.executable, "-m", "cli", *args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )


def import_roster(database_url: str, folder: Path, orgs: str, cadres: str) -> subprocess.CompletedProcess:
    """Import an organisation tree and a cadre roster (CSV text) with the CLI, as an operator would."""
    (folder / "orgs.csv").write_text(orgs, encoding="utf-8")
    (folder / "cadres.csv").write_text(cadres, encoding="utf-8")
    return run_cli(database_url, "import", str(folder / "orgs.csv"), str(folder / "cadres.csv"))


SPAWNED: list[subprocess.Popen] = []
"""Every bot process started by this test process (tests/e2e/conftest.py checks none outlives)."""

LOGS: dict[int, Path] = {}
"""Each spawned bot's log file by process id: a failing test's report ends with the logs of the
bots still running (tests/e2e/conftest.py), so that a failure seen only in CI can be read."""


def spawn_bot(
    database_url: str, port: int, access_token: str | None, clock_at: datetime | None = None,
    **extra: str,
) -> BotProcess:
    """Start `python bot.py` with its output in a log file; does not wait."""
    log_path = Path(tempfile.mkstemp(prefix="lianqing-bot-", suffix=".log")[1])
    clock_path = Path(tempfile.mkstemp(prefix="lianqing-clock-")[1])
    write_clock(clock_path, clock_at or DEFAULT_NOW)
    with log_path.open("w") as log:  # the child keeps its own handle
        process = subprocess.Popen(
            [sys.executable, "bot.py"], cwd=ROOT,
            env=bot_env(database_url, port, access_token, clock_path, **extra),
            stdout=log, stderr=subprocess.STDOUT,
        )
    SPAWNED.append(process)
    LOGS[process.pid] = log_path
    return BotProcess(process, port, database_url, access_token, log_path, clock_path)


async def start_bot(
    database_url: str, *, access_token: str | None = "e2e-secret", port: int | None = None,
    clock_at: datetime | None = None, **extra: str,
) -> BotProcess:
    """Start the bot and wait until it accepts connections."""
    bot = spawn_bot(database_url, port or free_port(), access_token, clock_at, **extra)
    process, port = bot.process, bot.port
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # readiness poll, not a timing assertion
        if process.poll() is not None:
            raise RuntimeError(f"bot exited during start-up:\n{bot.log()}")
        with contextlib.suppress(OSError):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return bot
        await asyncio.sleep(0.1)
    stop_bot(bot)
    raise RuntimeError(f"bot did not listen within 60 s:\n{bot.log()}")


def stop_bot(bot: BotProcess, *, kill: bool = False) -> None:
    if bot.process.poll() is None:
        if kill:
            bot.process.kill()
        else:
            bot.process.terminate()
        try:
            bot.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            bot.process.kill()
            bot.process.wait()


def db_rows(database_url: str, query: str) -> list[tuple]:
    """Read the bot's database directly (sqlite3 or asyncpg), for assertions."""
    if is_postgres(database_url):
        import asyncpg

        async def fetch() -> list[tuple]:
            conn = await asyncpg.connect("postgresql://" + database_url.split("://", 1)[1])
            try:
                return [tuple(r) for r in await conn.fetch(query)]
            finally:
                await conn.close()

        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, fetch()).result()
    import sqlite3

    with sqlite3.connect(database_url.removeprefix("sqlite://")) as conn:
        return list(conn.execute(query).fetchall())


async def eventually(check, *, timeout: float = 10.0, interval: float = 0.1):
    """Await `check()` until it returns a truthy value (background flushes are asynchronous)."""
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result or time.monotonic() > deadline:
            return result
        await asyncio.sleep(interval)
