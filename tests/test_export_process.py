"""Work handed to a worker process (plugins/core/export_process.py `run_orm`) sees what the bot
sees: its database, its settings (a test's overrides included) and its clock."""

import os
from datetime import datetime

from nonebug import App

from models import Organisation
from plugins.core import clock, export_process
from plugins.dashboard.config import settings
from tests.seed import seed_tree


async def seen_from_worker(name: str) -> tuple[int, int, datetime, str, int | None]:
    """A job: the worker's process id, a setting, the clock, the local date and the organisation's id."""
    org = await Organisation.get_or_none(name=name)
    return (os.getpid(), settings().dashboard_table_rows, clock.now(), clock.today().isoformat(),
            org.id if org else None)


async def test_a_job_in_a_worker_process_reads_the_bots_database_settings_zone_and_clock(app: App) -> None:
    tree = await seed_tree()
    clock.set_now(datetime.fromisoformat("2026-12-31T15:59:00+00:00"))
    clock.set_local_zone("America/New_York")  # 10:59 on the 31st there; already 2027 in Shanghai
    try:
        with settings.override(dashboard_table_rows=7):
            pid, rows, now, today, org_id = await export_process.run_orm(
                "tests.test_export_process:seen_from_worker", tree.xihu.name,
            )
    finally:
        clock.set_local_zone("Asia/Shanghai")
    assert pid != os.getpid()
    assert rows == 7
    assert now == datetime.fromisoformat("2026-12-31T15:59:00+00:00")
    assert today == "2026-12-31"
    assert org_id == tree.xihu.id


async def summary_rows_after_ensure_fresh() -> int:
    from models import CadreSummary
    from plugins.evaluation import summary

    await summary.ensure_fresh()
    return await CadreSummary.all().count()


async def test_a_worker_never_rebuilds_the_summary_the_bot_keeps(app: App) -> None:
    """Only the bot rebuilds it (checked before it sends a page to a worker): never two processes at once."""
    from plugins.evaluation import summary
    from tests.seed import make_cadre

    tree = await seed_tree()
    await make_cadre(20001, "张三", tree.xihu)
    assert await export_process.run_orm("tests.test_export_process:summary_rows_after_ensure_fresh") == 0
    await summary.ensure_fresh()
    assert await export_process.run_orm("tests.test_export_process:summary_rows_after_ensure_fresh") == 1



def test_a_worker_ends_when_the_bot_is_killed() -> None:
    """A bot killed with workers running must not leave them behind for ever."""
    import subprocess
    import sys
    import time

    from tests.conftest import ROOT

    parent = (
        "import asyncio, os, signal, sys; sys.path.insert(0, sys.argv[1])\n"
        "from plugins.core import export_process\n"
        "print(asyncio.run(export_process._submit(os.getpid)), flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    done = subprocess.run([sys.executable, "-c", parent, str(ROOT)], capture_output=True, text=True, timeout=60)
    worker = int(done.stdout.strip())
    deadline = time.monotonic() + 10
    while os.path.exists(f"/proc/{worker}") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not os.path.exists(f"/proc/{worker}")
