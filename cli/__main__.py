"""Administration without chat: import rosters, apply migrations, back up and restore.

    python -m cli import 名册.xlsx [更多文件…] [--dry-run]
    python -m cli migrate
    python -m cli backup <文件> [--force]
    python -m cli restore <文件> [--force]
    python -m cli docs

None of them starts NoneBot or any plugin: `import` and `migrate` call the same
services as the bot (importing a plugin's modules registers nothing, see
plugins/core/plugin.py); `backup` and `restore` need only the database
(cli/backup.py).
All use the database the bot uses: DATABASE_URL from the environment,
`.env.{ENVIRONMENT}` or `.env`, read as NoneBot reads them (config/database.py).
"""

import argparse
import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _prepare() -> None:
    """What the CLI needs instead of NoneBot: the project's folder, logging, the time zone."""
    import os

    from config.logging import setup_logging
    from plugins.core import clock
    from plugins.core.config import settings

    os.chdir(ROOT)  # relative paths (sqlite://data/...) are the project's
    setup_logging("WARNING")
    clock.set_local_zone(settings().lianqing_timezone)


def _backup_or_restore(command: str, file: Path, force: bool) -> int:
    from cli.backup import BackupError, backup, restore
    from config.database import database_url

    url = database_url()
    try:
        done = (backup if command == "backup" else restore)(url, file, force=force)
    except BackupError as e:
        print(str(e), file=sys.stderr)
        return 2
    print(done.message)
    return 0


async def _import(paths: list[Path], dry_run: bool) -> int:
    from config.database import database_url
    from plugins.core.db import close_db, open_db
    from plugins.core.errors import UserFacingError
    from plugins.identity.roster import import_files

    missing = [p for p in paths if not p.is_file()]
    if missing:
        print(f"找不到文件：{'、'.join(map(str, missing))}", file=sys.stderr)
        return 2
    await open_db(database_url())
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
    from config.database import database_url
    from plugins.core.db import apply_migrations

    await apply_migrations(database_url())
    print("数据库已升级到最新结构。")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cli", description="联青命令行工具")
    sub = parser.add_subparsers(dest="command", required=True)
    imp = sub.add_parser("import", help="导入组织树和团干部名册（.xlsx 或 .csv）")
    imp.add_argument("files", nargs="+", type=Path)
    imp.add_argument("--dry-run", action="store_true", help="只检查并预览，不写入")
    sub.add_parser("migrate", help="把数据库升级到最新结构")
    back = sub.add_parser("backup", help="备份数据库到一个文件（机器人运行时也可以）")
    back.add_argument("file", type=Path)
    back.add_argument("--force", action="store_true", help="覆盖已有的同名文件")
    sub.add_parser("docs", help="按指令声明重新生成 README 中的指令表")
    rest = sub.add_parser("restore", help="从备份文件恢复数据库（请先停止机器人）")
    rest.add_argument("file", type=Path)
    rest.add_argument("--force", action="store_true", help="覆盖已有数据的数据库")
    args = parser.parse_args(argv)
    if args.command == "docs":
        from cli.docs import regenerate

        changed = regenerate(ROOT / "README.md")
        print("README 指令表已更新：" + ("、".join(changed) if changed else "没有变化"))
        return 0
    if args.command in ("backup", "restore"):
        return _backup_or_restore(args.command, args.file.resolve(), args.force)
    if args.command == "import":
        files = [f.resolve() for f in args.files]  # before _prepare changes directory
        _prepare()
        return asyncio.run(_import(files, args.dry_run))
    _prepare()
    return asyncio.run(_migrate())


if __name__ == "__main__":
    raise SystemExit(main())
