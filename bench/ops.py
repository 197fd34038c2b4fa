"""What operating the bot costs: the metric hooks per message / command, one /metrics
scrape, one /healthz check against a large outbox.

    .venv/bin/python bench/ops.py [--outbox 200000]

Prints nanoseconds per hook call (the per-message hook is a dict increment; the
per-command hook is two clock reads, a histogram observation and a counter
increment), milliseconds per /metrics scrape with every command labelled, and
milliseconds per /healthz check on SQLite with `--outbox` sent messages plus a
backlog (the probe counts pending/sending/failed through the (status, not_before) index).
"""

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def per_call(stmt, number: int = 1_000_000) -> float:
    """Median nanoseconds per call over 5 runs."""
    runs = timeit.repeat(stmt, number=number, repeat=5)
    return statistics.median(runs) / number * 1e9


async def main(outbox: int) -> None:
    import nonebot
    from httpx import ASGITransport, AsyncClient

    from bot import load_declared
    from config.logging import setup_logging

    os.chdir(ROOT)
    db = Path(tempfile.mkdtemp(prefix="lianqing-bench-")) / "bench.sqlite3"
    nonebot.init(environment="bench", database_url=f"sqlite://{db}", apscheduler_autostart=False,
                 outbox_worker=False, interaction_flush_worker=False)
    setup_logging("WARNING")
    load_declared()

    from plugins.core import metrics
    from plugins.core.commands import all_commands
    from plugins.core.db import close_db, open_db
    from plugins.core.sql import execute_many

    # Per-message hook (plugins/core/dispatcher.py _wanted).
    event_ns = per_call(lambda: metrics.event_seen("message"))

    # Per-command hook (run_command's finally block), with a real command word.
    name = all_commands()[0].name

    def command_hook() -> None:
        started = time.perf_counter()
        metrics.COMMAND_SECONDS.labels(name).observe(time.perf_counter() - started)
        metrics.COMMANDS.labels(name, "ok").inc()

    command_ns = per_call(command_hook, number=200_000)

    # Every command seen with every outcome: the largest /metrics a process exports.
    for cmd in all_commands():
        for outcome in ("ok", "refused", "busy", "failed"):
            metrics.COMMANDS.labels(cmd.name, outcome).inc()
        metrics.COMMAND_SECONDS.labels(cmd.name).observe(0.01)

    await open_db(f"sqlite://{db}")
    rows = [["private", 50_000_000 + i, "x", "bench", 1, "sent" if i >= 1000 else ("pending" if i % 2 else "failed"),
             "2026-11-30 02:00:00+00:00", "2026-11-30 02:00:00+00:00", 0] for i in range(outbox)]
    await execute_many(
        "INSERT INTO outbox_message (target_type, target, text, category, bulk, status, not_before, "
        "created_at, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    async with AsyncClient(transport=ASGITransport(app=nonebot.get_app()), base_url="http://b") as web:
        scrape, health = [], []
        size = 0
        for _ in range(50):
            started = time.perf_counter()
            answer = await web.get("/metrics")
            scrape.append(time.perf_counter() - started)
            size = len(answer.content)
            started = time.perf_counter()
            checked = await web.get("/healthz")
            health.append(time.perf_counter() - started)
        assert checked.json()["outbox"] == {"pending": 500, "failed": 500}, checked.text
    await close_db()
    print(f"per message (events counter): {event_ns:.0f} ns")
    print(f"per command (latency histogram + counter): {command_ns:.0f} ns")
    print(f"/metrics scrape, {len(all_commands())} commands x 4 outcomes: median "
          f"{statistics.median(scrape) * 1000:.1f} ms, {size / 1024:.0f} KiB")
    print(f"/healthz, SQLite outbox of {outbox:,} rows (1,000 waiting or failed): median "
          f"{statistics.median(health) * 1000:.1f} ms, max {max(health) * 1000:.1f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--outbox", type=int, default=200_000)
    asyncio.run(main(parser.parse_args().outbox))
