"""Portable raw SQL for aggregates the ORM would express poorly.

Queries are written with `?` placeholders; on PostgreSQL they become $1, $2…
Only aggregates and bulk statements go through here; rows are read with models.
"""

from datetime import UTC, datetime
from typing import Any

from tortoise.connection import get_connection


def dialect() -> str:
    """"sqlite" or "postgres": a few aggregates are phrased differently for each planner."""
    return get_connection("default").capabilities.dialect


def numbered(query: str) -> str:
    """`?` placeholders as PostgreSQL's $1, $2… (the export worker's asyncpg connection uses it too)."""
    parts = query.split("?")
    out = [parts[0]]
    for i, part in enumerate(parts[1:], start=1):
        out.append(f"${i}{part}")
    return "".join(out)


async def fetch(query: str, *params: Any) -> list[dict[str, Any]]:
    conn = get_connection("default")
    if conn.capabilities.dialect == "postgres":
        query = numbered(query)
    return await conn.execute_query_dict(query, list(params))


async def scalar(query: str, *params: Any) -> Any:
    rows = await fetch(query, *params)
    if not rows:
        return None
    return next(iter(rows[0].values()))


async def execute(query: str, *params: Any, conn: Any = None) -> None:
    conn = conn or get_connection("default")
    if conn.capabilities.dialect == "postgres":
        query = numbered(query)
    await conn.execute_query(query, list(params))


async def execute_many(query: str, rows: list[list[Any]], conn: Any = None) -> None:
    """One statement over many rows (a batch of counters), on `conn` (e.g. a transaction)."""
    conn = conn or get_connection("default")
    if conn.capabilities.dialect == "postgres":
        query = numbered(query)
    await conn.execute_many(query, rows)


def in_list(values: list[Any]) -> str:
    """Placeholders for an IN (…) list of len(values) (at least one, NULL when empty)."""
    return ", ".join("?" for _ in values) if values else "NULL"


def subtree_sql(paths: list[str] | None, column: str = "o.path") -> tuple[str, list[str]]:
    """A WHERE fragment for organisations under `paths` (None: everything)."""
    if paths is None:
        return "1=1", []
    if not paths:
        return "1=0", []
    return "(" + " OR ".join(f"{column} LIKE ?" for _ in paths) + ")", [p + "%" for p in paths]


def epoch(column: str) -> str:
    """SQL for a timestamp column as whole seconds since 1970, in the current dialect."""
    if dialect() == "postgres":
        return f"CAST(EXTRACT(EPOCH FROM {column}) AS BIGINT)"
    return f"CAST(strftime('%s', {column}) AS INTEGER)"


async def values(query: Any, field: str) -> list[Any]:
    """One column of an ORM query as a plain list (Tortoise types flat values_list as tuples)."""
    return list(await query.values_list(field, flat=True))


def as_datetime(value: Any) -> datetime | None:
    """A timestamp from a raw row: PostgreSQL gives datetimes, SQLite ISO text (read as UTC
    when it carries no offset, as every timestamp is stored)."""
    if value is None or isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value).replace(" ", "T"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
