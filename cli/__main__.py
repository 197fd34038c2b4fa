"""Administration without chat: import rosters, apply migrations.

    python -m cli import 名册.xlsx [更多文件…] [--dry-run]
    python -m cli migrate

It loads the same plugins and services as the bot, on the database named by
DATABASE_URL (environment or .env).
"""

import argparse
import asyncio
import sys
from pathlib import Path

import nonebot

ROOT = Path(__file__).resolve().parent.parent


def _init_nonebot() -> None:
    import os

    from nonebot.adapters.onebot.v11 import Adapter

    from config.logging import setup_logging

    os.chdir(ROOT)
    setup_logging("WARNING")
    nonebot.init()
    setup_logging(nonebot.get_driver().config.log_level)
    nonebot.get_driver().register_adapter(Adapter)
    nonebot.load_plugins("plugins")


async def _import(paths: list[Path], dry_run: bool) -> int:
    from plugins.core import config
    from plugins.core.db import close_db, open_db
    from plugins.core.errors import UserFacingError
    from plugins.identity.roster import import_files

    missing = [p for p in paths if not p.is_file()]
    if missing:
        print(f"找不到文件：{'、'.join(map(str, missing))}", file=sys.stderr)
        return 2
    await open_db(config.database_url)
    try:
        report = await import_files(paths, dry_run=dry_run)
    except UserFacingError as e:
        print(str(e), file=sys.stderr)
        return 2
    finally:
        await close_db()
    print(("预览（未写入）：\n" if dry_run else "导入完成：\n") + report.summary())
    return 1 if report.errors else 0


async def _migrate() -> int:
    from plugins.core import config
    from plugins.core.db import apply_migrations

    await apply_migrations(config.database_url)
    print("数据库已升级到最新结构。")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cli", description="联青命令行工具")
    sub = parser.add_subparsers(dest="command", required=True)
    imp = sub.add_parser("import", help="导入组织树和团干部名册（.xlsx 或 .csv）")
    imp.add_argument("files", nargs="+", type=Path)
    imp.add_argument("--dry-run", action="store_true", help="只检查并预览，不写入")
    sub.add_parser("migrate", help="把数据库升级到最新结构")
    args = parser.parse_args(argv)
    _init_nonebot()
    if args.command == "import":
        return asyncio.run(_import(args.files, args.dry_run))
    return asyncio.run(_migrate())


if __name__ == "__main__":
    raise SystemExit(main())
