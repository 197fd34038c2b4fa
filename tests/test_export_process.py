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


async def niceness() -> int:
    return os.nice(0)


async def test_a_worker_runs_at_a_lower_cpu_priority_than_the_bot(app: App) -> None:
    """Pages and downloads built in workers leave the bot's chat the CPU first."""
    assert await export_process.run_orm("tests.test_export_process:niceness") == min(19, os.nice(0) + export_process.WORKER_NICE)


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


def test_a_sheet_written_in_parts_is_one_sheet_that_excel_readers_and_zip_checks_accept() -> None:
    """Two halves written apart (as by the two workers) join into one deflated member whose CRC
    (combined without the text) and row numbers are right; every other member too (zip's own check)."""
    import io
    import random
    import zipfile
    import zlib

    from openpyxl import load_workbook

    from plugins.core.xlsx_stream import Book, Sheet, crc32_combine

    rng = random.Random(7)
    for _ in range(50):
        a, b = rng.randbytes(rng.randint(0, 5000)), rng.randbytes(rng.randint(0, 5000))
        assert crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)
    first = Sheet("诉求", tail=False)
    first.append_rows([["编号", "内容"], *[[i, f"甲{i}"] for i in range(3000)]])
    head = first.finish()
    second = Sheet("诉求", first_row=head.rows + 1, head=False)
    second.append_rows([[i, f"乙{i} <&>"] for i in range(3000)])
    book = Book()
    book.create_sheet("汇总").append_rows([["类别", "诉求数"], ["合计", 6000]])
    book.add_parts("诉求", [head, second.finish()])
    out = io.BytesIO()
    book.save(out)
    assert zipfile.ZipFile(io.BytesIO(out.getvalue())).testzip() is None
    sheet = load_workbook(io.BytesIO(out.getvalue()))["诉求"]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 6001 and rows[3000] == (2999, "甲2999") and rows[3001] == (0, "乙0 <&>")
    assert rows[-1] == (2999, "乙2999 <&>")
