"""What several benchmarks share: NoneBot with every plugin, and whether PostgreSQL answers."""

import os
import socket
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def init_nonebot(**config) -> None:
    """NoneBot as the bot runs it (all plugins), without starting a server or the scheduler."""
    import nonebot

    from config.logging import setup_logging

    os.chdir(ROOT)
    setup_logging("WARNING")
    nonebot.init(environment="bench", apscheduler_autostart=False, **config)
    nonebot.load_plugins("plugins")
    from plugins.core.wire import Adapter

    nonebot.get_driver().register_adapter(Adapter)


def postgres_answers(host: str = "127.0.0.1", port: int = 5432) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex((host, port)) == 0


def data_sets(
    file_stem: str, db_stem: str, scale: float, postgres: str, *, regenerate: bool, sqlite_only: bool = False
) -> list[tuple[str, str, bool]]:
    """(label, database URL, needs filling) for a generated data set kept between runs: a SQLite
    file data/bench/<file_stem>-<scale>.sqlite3 and, when PostgreSQL answers, the database
    lianqing_bench_<db_stem>_<scale> on the server of `postgres`; reused unless `regenerate`."""
    import subprocess

    from tests.dbreset import fresh_postgres_database

    folder = ROOT / "data" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    sqlite_path = folder / f"{file_stem}-{scale:g}.sqlite3"
    if regenerate and sqlite_path.exists():
        sqlite_path.unlink()
    found = [("SQLite", f"sqlite://{sqlite_path}", not sqlite_path.exists())]
    if sqlite_only:
        return found
    if not postgres_answers():
        print("PostgreSQL does not answer at 127.0.0.1:5432: SQLite only")
        return found
    base = postgres.rsplit("/", 1)[0]
    name = f"lianqing_bench_{db_stem}_{str(scale).replace('.', '_')}"
    exists = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        capture_output=True, text=True,
    ).stdout.strip() == "1"
    if regenerate or not exists:
        fresh_postgres_database(postgres, name)
    found.append(("PostgreSQL", f"{base}/{name}", regenerate or not exists))
    return found


def run_child(script: str, url: str, scale: float, fill: bool) -> tuple[dict, str]:
    """Run `script --child url` in its own process (Tortoise caches SQL per dialect); its last
    line of output as JSON, and " (generated in N s)" when it filled the data set."""
    import json
    import subprocess
    import time

    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, script, "--child", url, "--scale", str(scale)] + (["--fill"] if fill else []),
        cwd=ROOT, capture_output=True, text=True,
    )
    if out.returncode != 0:
        print(out.stdout, out.stderr)
        raise SystemExit(out.returncode)
    generated = f" (generated in {time.perf_counter() - started:.0f} s)" if fill else ""
    return json.loads(out.stdout.strip().splitlines()[-1]), generated


def data_set_args(doc: str | None, *, sqlite_only: bool = False):
    """The options of a benchmark on a generated data set (and its hidden child options)."""
    import argparse

    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/test")
    if sqlite_only:
        parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--fill", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


def ran_as_child(args, measure, n: dict[str, int]) -> bool:
    """In the child process: measure one database and print the result as the last line."""
    if not args.child:
        return False
    import asyncio
    import json

    init_nonebot()
    print(json.dumps(asyncio.run(measure(args.child, n, args.fill))))
    return True
