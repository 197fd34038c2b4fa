"""Schema changes: every model change has a migration, and old databases upgrade intact."""

import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from tortoise import Tortoise
from tortoise.connection import get_connection
from tortoise.context import TortoiseContext
from tortoise.migrations.api import migrate
from tortoise.migrations.autodetector import MigrationAutodetector

from config import tortoise_config
from models import Cadre, Organisation
from plugins.core.db import apply_migrations
from tests.dbreset import fresh_postgres_database, is_postgres

FIRST = "models.0001_initial"


def _scratch_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if is_postgres(url):
        return fresh_postgres_database(url, "lianqing_migrations")
    return f"sqlite://{Path(tempfile.mkdtemp(prefix='lianqing-mig-')) / 'm.sqlite3'}"


async def test_models_and_migrations_agree() -> None:
    """Like `makemigrations --check`: a model change without a migration fails here."""
    config = tortoise_config(_scratch_url())
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        assert ctx.apps is not None
        detector = MigrationAutodetector(ctx.apps, config["apps"])
        writers = await detector.changes()
        await ctx.close_connections()
    assert [w.name for w in writers] == [], "run: tortoise -c config.database.TORTOISE_ORM makemigrations"


async def test_upgrade_from_first_migration_keeps_data() -> None:
    url = _scratch_url()
    created = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    async with TortoiseContext():
        await migrate(config=tortoise_config(url), target=FIRST)
        conn = get_connection("default")
        p = "$" if conn.capabilities.dialect == "postgres" else "?"
        marks = lambda n: ", ".join(f"{p}{i + 1}" if p == "$" else "?" for i in range(n))  # noqa: E731
        await conn.execute_query(
            f"INSERT INTO organisation (name, level, path, created_at) VALUES ({marks(4)})",
            ["浙江省委", "province", "1/", created],
        )
        await conn.execute_query(
            "INSERT INTO cadre (qq, name, org_id, category, source, created_at, updated_at) "
            f"VALUES ({marks(7)})",
            [20001, "张三", 1, "full_time", "roster", created, created],
        )
        await Tortoise.close_connections()

    await apply_migrations(url)  # from the first migration to the newest

    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(url))
        cadre = await Cadre.get(qq=20001).prefetch_related("org")
        assert (cadre.name, cadre.org.name, cadre.created_at) == ("张三", "浙江省委", created)
        assert await Organisation.all().count() == 1
        await ctx.close_connections()


def test_model_docstrings_have_no_semicolons() -> None:
    """They become SQL table comments, and Tortoise's SQLite editor splits on ';'."""
    from tortoise import Tortoise

    for model in Tortoise.apps["models"].values():
        assert ";" not in (model.__doc__ or ""), model.__name__
        for name, field in model._meta.fields_map.items():
            assert ";" not in (field.description or ""), f"{model.__name__}.{name}"


async def test_activities_held_before_the_upgrade_keep_their_credit() -> None:
    """0007 adds activity.credited: attended (or head-counted) activities count, empty ones do not."""
    url = _scratch_url()
    day = datetime(2026, 10, 10, 8, 0, tzinfo=UTC)
    async with TortoiseContext():
        await migrate(config=tortoise_config(url), target="models.0006_dashboard")
        conn = get_connection("default")
        pg = conn.capabilities.dialect == "postgres"

        def marks(n: int) -> str:
            return ", ".join(f"${i + 1}" if pg else "?" for i in range(n))

        await conn.execute_query(
            f"INSERT INTO organisation (name, level, path, created_at) VALUES ({marks(4)})",
            ["浙江省委", "province", "1/", day],
        )
        await conn.execute_query(
            "INSERT INTO cadre (qq, name, org_id, category, source, created_at, updated_at) "
            f"VALUES ({marks(7)})", [20001, "张三", 1, "full_time", "roster", day, day],
        )
        for code, heads in (("111111", 0), ("222222", 0), ("333333", 7)):
            await conn.execute_query(
                "INSERT INTO activity (cadre_id, kind, title, day, code, head_count, created_at) "
                f"VALUES ({marks(7)})", [1, "offline", "活动", day.date(), code, heads, day],
            )
        await conn.execute_query(
            f"INSERT INTO check_in (activity_id, qq, created_at) VALUES ({marks(3)})", [1, 50001, day]
        )
        await Tortoise.close_connections()

    await apply_migrations(url)

    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(url))
        from models import Activity

        assert await Activity.all().order_by("id").values_list("code", "credited") == [
            ("111111", True), ("222222", False), ("333333", True)
        ]
        await ctx.close_connections()


_PG_INDEXES = (
    "SELECT t.relname AS tbl, ix.indisunique AS uniq, "
    "string_agg(a.attname, ',' ORDER BY k.n) AS cols "
    "FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid "
    "JOIN pg_namespace ns ON ns.oid = t.relnamespace "
    "CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, n) "
    "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum "
    "WHERE ns.nspname = 'public' AND NOT ix.indisprimary GROUP BY t.relname, ix.indexrelid, ix.indisunique"
)


async def _indexes(url: str) -> set[tuple[str, str, bool]]:
    """(table, columns, unique) of every index but the primary keys."""
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(url))
        conn = get_connection("default")
        found: set[tuple[str, str, bool]] = set()
        if conn.capabilities.dialect == "postgres":
            for r in (await conn.execute_query(_PG_INDEXES))[1]:
                found.add((r["tbl"], r["cols"], bool(r["uniq"])))
        else:
            tables = (await conn.execute_query("SELECT name FROM sqlite_master WHERE type = 'table'"))[1]
            for t in tables:
                for index in (await conn.execute_query(f"PRAGMA index_list('{t['name']}')"))[1]:
                    if index["origin"] == "pk":
                        continue
                    info = (await conn.execute_query(f"PRAGMA index_info('{index['name']}')"))[1]
                    cols = ",".join(c["name"] for c in sorted(info, key=lambda c: c["seqno"]))
                    found.add((t["name"], cols, bool(index["unique"])))
        await ctx.close_connections()
    return {i for i in found if i[0] not in ("tortoise_migrations", "sqlite_sequence")}


async def test_an_upgraded_database_has_every_index_the_models_declare() -> None:
    """Altering a column on SQLite rebuilds the table; 0008 lost outbox_message's indexes that
    way (restored by 0012). Upgraded from the first migration, the indexes and unique keys must
    be the ones a database created from the models has."""
    migrated = _scratch_url()
    await apply_migrations(migrated)
    url = os.environ.get("DATABASE_URL", "")
    declared = (
        fresh_postgres_database(url, "lianqing_migrations_schema") if is_postgres(url)
        else f"sqlite://{Path(tempfile.mkdtemp(prefix='lianqing-schema-')) / 's.sqlite3'}"
    )
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(declared))
        await Tortoise.generate_schemas()
        await ctx.close_connections()
    have, want = await _indexes(migrated), await _indexes(declared)
    assert sorted(want - have) == []
