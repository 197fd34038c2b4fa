"""`python -m cli backup <file>` and `python -m cli restore <file>`.

Neither boots NoneBot or the plugins: they need only the database URL (read the
way the bot reads it, config/database.py) and the database's own tools.

- SQLite: SQLite's online backup API (`sqlite3.Connection.backup`) copies every
  page in one step under a read lock, so the copy is one consistent state even
  while the bot keeps writing (WAL mode: the bot is not blocked). The copy is
  switched to a single file (journal_mode=DELETE) and checked (quick_check).
- PostgreSQL: `pg_dump -Fc` (one snapshot, consistent while the bot runs) and
  `pg_restore`; the client tools must be installed and not older than the server.

A restore never overwrites a database that already has tables unless --force;
the bot should be stopped while restoring.
"""

import asyncio
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
MARKER_TABLE = "organisation"  # every lianqing database has it (models/identity.py)
PG_PREFIXES = ("postgres://", "postgresql://", "asyncpg://")
NO_PG_TOOLS = (
    "找不到 {tool}：请先安装 PostgreSQL 客户端工具（Debian/Ubuntu：apt-get install postgresql-client），"
    "版本不低于数据库服务器。"
)


class BackupError(Exception):
    """A one-line answer for the operator (Chinese)."""


@dataclass
class Result:
    message: str


def is_postgres(url: str) -> bool:
    return url.startswith(PG_PREFIXES)


def sqlite_path(url: str, root: Path = ROOT) -> Path:
    """The file of an sqlite:// URL; relative paths are the project's, as for the bot."""
    raw = url.removeprefix("sqlite://").split("?", 1)[0]
    if not raw or ":memory:" in raw:
        raise BackupError("内存数据库（:memory:）无法备份或恢复。")
    path = Path(raw)
    return path if path.is_absolute() else root / path


def _magic(path: Path) -> bytes:
    with path.open("rb") as f:
        return f.read(16)


def _size(path: Path) -> str:
    return f"{path.stat().st_size / 1_048_576:.1f} MB"


# ------------------------------------------------------------------ SQLite


def _tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    return [r[0] for r in rows]


def backup_sqlite(url: str, dest: Path) -> Result:
    source = sqlite_path(url)
    if not source.is_file():
        raise BackupError(f"找不到数据库文件 {source}。")
    part = dest.with_name(dest.name + ".part")
    part.unlink(missing_ok=True)
    try:
        with closing(sqlite3.connect(source, timeout=30)) as src, closing(sqlite3.connect(part)) as out:
            src.backup(out)  # all pages in one step: one consistent state
            out.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            if out.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError("备份文件校验未通过，请重试。")
            tables = len(_tables(out))
        os.replace(part, dest)
    finally:
        part.unlink(missing_ok=True)
    return Result(f"已备份到 {dest}（SQLite，{_size(dest)}，{tables} 张表）。")


def restore_sqlite(url: str, backup: Path, *, force: bool) -> Result:
    target = sqlite_path(url)
    magic = _magic(backup)
    if magic.startswith(PGDUMP_MAGIC):
        raise BackupError("这是 PostgreSQL 的备份（pg_dump），当前 DATABASE_URL 是 SQLite，不能恢复到这里。")
    if not magic.startswith(SQLITE_MAGIC):
        raise BackupError(f"{backup} 不是联青的备份文件。")
    with closing(sqlite3.connect(f"file:{backup}?mode=ro", uri=True)) as src:
        if MARKER_TABLE not in _tables(src):
            raise BackupError(f"{backup} 不是联青的数据库备份。")
        if target.exists():
            with closing(sqlite3.connect(target, timeout=30)) as existing:
                if _tables(existing) and not force:
                    raise BackupError(
                        f"目标数据库 {target} 已有数据。确认要用备份覆盖它，请先停止机器人，再加 --force。"
                    )
        target.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(target, timeout=30)) as dst:
            src.backup(dst)  # the target becomes a page-for-page copy of the backup
            if dst.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError("恢复后的数据库校验未通过。")
            tables = len(_tables(dst))
    return Result(f"已从 {backup} 恢复到 {target}（SQLite，{tables} 张表）。")


# ------------------------------------------------------------------ PostgreSQL


@dataclass
class PgTarget:
    env: dict[str, str]
    dbname: str
    dsn: str  # for asyncpg


def pg_target(url: str) -> PgTarget:
    """libpq settings from the URL, passed in the environment so the password is not
    on a command line (visible in `ps`). Tortoise's own query options are dropped."""
    parts = urlsplit(url)
    dbname = unquote(parts.path.lstrip("/"))
    if not dbname:
        raise BackupError("DATABASE_URL 中没有数据库名。")
    env = dict(os.environ)
    for key, value in (
        ("PGHOST", parts.hostname),
        ("PGPORT", str(parts.port) if parts.port else None),
        ("PGUSER", unquote(parts.username) if parts.username else None),
        ("PGPASSWORD", unquote(parts.password) if parts.password else None),
        ("PGDATABASE", dbname),
    ):
        if value:
            env[key] = value
    sslmode = parse_qs(parts.query).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode[0]
    return PgTarget(env, dbname, "postgresql://" + url.split("://", 1)[1].split("?", 1)[0])


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(NO_PG_TOOLS.format(tool=name))
    return found


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise BackupError(f"{Path(args[0]).name} 失败：{detail[-1] if detail else done.returncode}")
    return done


def backup_postgres(url: str, dest: Path) -> Result:
    pg_dump = _tool("pg_dump")
    target = pg_target(url)
    part = dest.with_name(dest.name + ".part")
    part.unlink(missing_ok=True)
    try:
        _run([pg_dump, "--format=custom", "--file", str(part), "--dbname", target.dbname], target.env)
        os.replace(part, dest)
    finally:
        part.unlink(missing_ok=True)
    return Result(f"已备份到 {dest}（PostgreSQL 数据库 {target.dbname}，{_size(dest)}）。")


async def _pg_table_count(dsn: str) -> int:
    import asyncpg

    try:
        conn = await asyncpg.connect(dsn, timeout=15)
    except asyncpg.InvalidCatalogNameError as e:
        raise BackupError(f"数据库不存在，请先创建（如 createdb）：{e}") from e
    try:
        return await conn.fetchval(
            "SELECT COUNT(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        )
    finally:
        await conn.close()


def restore_postgres(url: str, backup: Path, *, force: bool) -> Result:
    magic = _magic(backup)
    if magic.startswith(SQLITE_MAGIC):
        raise BackupError("这是 SQLite 的备份，当前 DATABASE_URL 是 PostgreSQL，不能恢复到这里。")
    if not magic.startswith(PGDUMP_MAGIC):
        raise BackupError(f"{backup} 不是联青的备份文件（pg_dump 自定义格式）。")
    pg_restore = _tool("pg_restore")
    target = pg_target(url)
    listing = _run([pg_restore, "--list", str(backup)], target.env).stdout
    if f" TABLE public {MARKER_TABLE} " not in listing:
        raise BackupError(f"{backup} 不是联青的数据库备份。")
    if asyncio.run(_pg_table_count(target.dsn)) and not force:
        raise BackupError(
            f"目标数据库 {target.dbname} 已有数据表。确认要用备份覆盖它，请先停止机器人，再加 --force。"
        )
    args = [pg_restore, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
    if force:
        args += ["--clean", "--if-exists"]
    _run([*args, "--dbname", target.dbname, str(backup)], target.env)
    return Result(f"已从 {backup} 恢复到 PostgreSQL 数据库 {target.dbname}。")


# ------------------------------------------------------------------ entry points


def backup(url: str, dest: Path, *, force: bool = False) -> Result:
    if dest.exists() and not force:
        raise BackupError(f"{dest} 已存在。要覆盖它请加 --force。")
    if dest.is_dir():
        raise BackupError(f"{dest} 是目录，请写备份文件名。")
    dest.parent.mkdir(parents=True, exist_ok=True)
    return backup_postgres(url, dest) if is_postgres(url) else backup_sqlite(url, dest)


def restore(url: str, source: Path, *, force: bool = False) -> Result:
    if not source.is_file():
        raise BackupError(f"找不到备份文件 {source}。")
    if is_postgres(url):
        return restore_postgres(url, source, force=force)
    return restore_sqlite(url, source, force=force)
