"""Test set-up: NoneBot with every plugin, a database per run, a clean state per test.

`DATABASE_URL=postgres://...` runs the suite on PostgreSQL (the schema is
dropped first); otherwise a fresh SQLite file is used.
"""

import os
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import nonebot
import pytest

from bot import load_declared
from config.logging import setup_logging
from tests.dbreset import drop_postgres_schema, is_postgres, test_database_url, truncate_all

ROOT = Path(__file__).resolve().parent.parent
TEST_DATABASE_URL = test_database_url()
SUPERUSER = 10001


def pytest_configure(config: pytest.Config) -> None:
    os.chdir(ROOT)
    if is_postgres(TEST_DATABASE_URL):
        drop_postgres_schema(TEST_DATABASE_URL)
    # NoneBot is initialised here, before collection, so that test modules can
    # import plugin modules at the top (nonebug would initialise it later).
    nonebot.init(
        _env_file=".env",
        environment="test",
        driver="~fastapi+~aiohttp",
        database_url=TEST_DATABASE_URL,
        superusers={str(SUPERUSER)},
        command_start={"/", "／"},
        log_level="WARNING",
        onebot_access_token="",
        outbox_worker=False,  # tests deliver explicitly with deliver_due()
        outbox_per_minute=10_000,
        interaction_flush_worker=False,  # tests flush explicitly
        apscheduler_autostart=False,
        contacts_sync_on_connect=False,  # no background syncs when test bots connect
        lianqing_hash_secret="unit-test-secret",
        requests_export_dir=tempfile.mkdtemp(prefix="lianqing-exports-"),  # tests run ticks and jobs explicitly
    )
    setup_logging("WARNING")
    load_declared()  # the adapters and plugins bot.py loads (pyproject.toml [tool.nonebot])


@pytest.fixture(scope="session", autouse=True)
def _nonebot_init() -> None:
    """Replaces nonebug's: NoneBot is already initialised; only record matchers for tests."""
    from nonebot.matcher import matchers
    from nonebug.provider import NoneBugProvider

    matchers.set_provider(NoneBugProvider)


# A weekday morning in Shanghai: outside quiet hours, whatever the real time.
DEFAULT_NOW = datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
async def clean_state(nonebug_init: None):
    """Every test starts with empty tables, the clock frozen at DEFAULT_NOW and everyone a friend."""
    from plugins.core import clock
    from plugins.core.settings import reset_caches
    from plugins.outbox import friends

    await truncate_all()
    reset_caches()
    # Every person is the test account's friend, so deliveries stay plain private
    # messages; tests of other paths seed the friend lists themselves.
    friends.reset(everyone=True)
    clock.set_now(DEFAULT_NOW)
    yield
    clock.set_now(None)
