"""PostgreSQL connections plan each run of a prepared statement with its values.

asyncpg prepares every query; after five runs PostgreSQL may otherwise switch to a
generic plan that ignores the values (a per-cadre count went from 1.2 s to 9.2 s at
province scale). Checked with EXPLAIN after six runs, as issue 18 asks.
"""

import pytest
from tortoise import connections

from config.database import POSTGRES_SERVER_SETTINGS, connection
from tests.conftest import TEST_DATABASE_URL
from tests.dbreset import is_postgres

QUERY = "SELECT COUNT(*) FROM contact_link WHERE cadre_id = $1 AND status = 'confirmed'"


def test_postgres_connections_carry_the_plan_and_memory_settings() -> None:
    conf = connection("postgres://postgres@127.0.0.1:5432/x")
    assert isinstance(conf, dict)
    assert conf["credentials"]["server_settings"] == POSTGRES_SERVER_SETTINGS
    assert connection("sqlite://data/x.sqlite3") == "sqlite://data/x.sqlite3"


async def _plan_after_six_runs(con, value: int) -> str:
    await con.execute(f"PREPARE per_cadre(int) AS {QUERY}")
    try:
        for _ in range(6):
            await con.fetch(f"EXECUTE per_cadre({value})")
        rows = await con.fetch(f"EXPLAIN EXECUTE per_cadre({value})")
        return "\n".join(r[0] for r in rows)
    finally:
        await con.execute("DEALLOCATE per_cadre")


@pytest.mark.skipif(not is_postgres(TEST_DATABASE_URL), reason="PostgreSQL only")
async def test_a_prepared_query_keeps_a_plan_for_its_values_after_six_runs(app) -> None:
    async with connections.get("default").acquire_connection() as con:  # type: ignore[attr-defined]
        assert await con.fetchval("SELECT current_setting('plan_cache_mode')") == "force_custom_plan"
        assert await con.fetchval("SELECT current_setting('work_mem')") == "64MB"
        plan = await _plan_after_six_runs(con, 4242)
        assert "4242" in plan and "$1" not in plan, plan
        # What the check would catch: the generic plan names the parameter, not the value.
        await con.execute("SET plan_cache_mode = force_generic_plan")
        try:
            generic = await _plan_after_six_runs(con, 4242)
        finally:
            await con.execute("RESET plan_cache_mode")
        assert "$1" in generic, generic
