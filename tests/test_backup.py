"""`python -m cli backup` / `restore`: refusals an operator can rely on, without NoneBot.

The round trips themselves (a running bot on SQLite and on PostgreSQL) are in
tests/e2e/test_ops_e2e.py."""

import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from cli import backup as backups
from cli.backup import BackupError, backup, pg_target, restore, sqlite_path
from tests.conftest import ROOT


def lianqing_file(path: Path) -> str:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE organisation (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO organisation (name) VALUES ('浙江省委')")
        conn.commit()
    return f"sqlite://{path}"


def test_a_backup_never_overwrites_a_file_unless_forced(tmp_path) -> None:
    url = lianqing_file(tmp_path / "bot.sqlite3")
    dest = tmp_path / "copy.db"
    assert "已备份到" in backup(url, dest).message
    with pytest.raises(BackupError, match=r"已存在.*--force"):
        backup(url, dest)
    backup(url, dest, force=True)
    with closing(sqlite3.connect(dest)) as copy:
        assert copy.execute("SELECT name FROM organisation").fetchall() == [("浙江省委",)]
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one self-contained file


def test_a_restore_refuses_a_database_with_data_and_foreign_files(tmp_path) -> None:
    saved = tmp_path / "saved.db"
    backup(lianqing_file(tmp_path / "bot.sqlite3"), saved)
    busy = f"sqlite://{tmp_path / 'busy.sqlite3'}"
    with closing(sqlite3.connect(tmp_path / "busy.sqlite3")) as conn:
        conn.execute("CREATE TABLE anything (x)")
    with pytest.raises(BackupError, match=r"已有数据.*停止机器人.*--force"):
        restore(busy, saved)
    assert "已从" in restore(busy, saved, force=True).message

    stranger = tmp_path / "other.db"
    with closing(sqlite3.connect(stranger)) as conn:
        conn.execute("CREATE TABLE notes (x)")
    with pytest.raises(BackupError, match="不是联青的数据库备份"):
        restore(f"sqlite://{tmp_path / 'new.sqlite3'}", stranger)
    (tmp_path / "dump").write_bytes(b"PGDMP\x01\x0e\x00")
    with pytest.raises(BackupError, match=r"PostgreSQL 的备份.*SQLite"):
        restore(f"sqlite://{tmp_path / 'new.sqlite3'}", tmp_path / "dump")
    with pytest.raises(BackupError, match=r"SQLite 的备份.*PostgreSQL"):
        restore("postgres://u@127.0.0.1:5432/x", saved)
    with pytest.raises(BackupError, match="找不到备份文件"):
        restore(f"sqlite://{tmp_path / 'new.sqlite3'}", tmp_path / "missing")


def test_missing_postgresql_client_tools_are_named(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(backups.shutil, "which", lambda name: None)
    with pytest.raises(BackupError) as refused:
        backup("postgres://lianqing:pw@db:5432/lianqing", tmp_path / "x.dump")
    assert "找不到 pg_dump" in str(refused.value) and "postgresql-client" in str(refused.value)
    (tmp_path / "x.dump").write_bytes(b"PGDMP")
    with pytest.raises(BackupError, match="找不到 pg_restore"):
        restore("postgres://lianqing:pw@db:5432/lianqing", tmp_path / "x.dump")


def test_the_password_goes_in_the_environment_not_the_command_line() -> None:
    target = pg_target("postgres://lian%40qing:p%40ss@db.local:6543/lianqing?minsize=1&sslmode=require")
    assert target.dbname == "lianqing"
    assert (target.env["PGHOST"], target.env["PGPORT"], target.env["PGUSER"]) == ("db.local", "6543", "lian@qing")
    assert target.env["PGPASSWORD"] == "p@ss" and target.env["PGSSLMODE"] == "require"


def test_relative_sqlite_paths_are_the_projects_like_the_bots() -> None:
    assert sqlite_path("sqlite://data/lianqing.sqlite3") == ROOT / "data" / "lianqing.sqlite3"
    assert sqlite_path("sqlite:///srv/l.sqlite3") == Path("/srv/l.sqlite3")
    with pytest.raises(BackupError, match="内存数据库"):
        sqlite_path("sqlite://:memory:")


def test_backup_and_restore_do_not_boot_nonebot_or_the_plugins(tmp_path) -> None:
    url = lianqing_file(tmp_path / "bot.sqlite3")
    probe = (
        "import sys, nonebot, cli.__main__ as m\n"
        f"code = m.main(['backup', {str(tmp_path / 'b.db')!r}])\n"
        "booted = [n for n in sys.modules if n.startswith(('plugins', 'nonebot.adapters.onebot', 'tortoise'))]\n"
        "print(code, booted, nonebot._driver is None)\n"
    )
    env = {"PATH": "/usr/bin:/bin", "ENVIRONMENT": "ci", "DATABASE_URL": url}
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip().splitlines()[-1] == "0 [] True", done.stdout + done.stderr


def test_migrate_and_import_start_no_nonebot_and_no_plugin(tmp_path) -> None:
    """`python -m cli migrate` and `import` call the services directly: NoneBot is never
    initialised, no plugin is loaded, nothing is registered (issue 14, no work at import)."""
    roster = tmp_path / "orgs.csv"
    roster.write_text("组织名称,上级组织,层级\n浙江省委,,省\n", encoding="utf-8")
    url = f"sqlite://{tmp_path / 'bot.sqlite3'}"
    probe = (
        "import nonebot, cli.__main__ as m\n"
        "from plugins.core.commands import all_commands\n"
        "from plugins.core import schedule\n"
        f"codes = [m.main(['migrate']), m.main(['import', {str(roster)!r}])]\n"
        "print(codes, nonebot._driver is None, nonebot.get_loaded_plugins(), len(all_commands()), len(schedule._tasks))\n"
    )
    env = {"PATH": "/usr/bin:/bin", "ENVIRONMENT": "ci", "DATABASE_URL": url}
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip().splitlines()[-1] == "[0, 0] True set() 0 0", done.stdout + done.stderr
