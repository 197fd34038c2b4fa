"""Generic plans on the province (issue 18): every SQL statement behind the overview, the cadre list
by composite, /排行 and /评估 浙江省委, run as a prepared statement (as asyncpg runs them) seven times,
with PostgreSQL's default plan_cache_mode (auto) and with ours (force_custom_plan, config/database.py):
how many runs PostgreSQL planned generically (pg_prepared_statements) and the seventh run's time.

    .venv/bin/python bench/generic_plans.py [database URL]

Needs the PostgreSQL data set of bench/evaluation.py (default: lianqing_bench_eval_1_0).
"""

import asyncio
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

URL = sys.argv[1] if len(sys.argv) > 1 else "postgres://postgres@127.0.0.1:5432/lianqing_bench_eval_1_0"
captured: list[tuple[str, list]] = []
async def main() -> None:
    from tortoise.backends.asyncpg.client import AsyncpgDBClient
    orig = AsyncpgDBClient.execute_query_dict
    async def rec(self, query, values=None):
        captured.append((query, list(values or [])))
        return await orig(self, query, values)
    AsyncpgDBClient.execute_query_dict = rec  # every statement the services below send
    from bench.evaluation import NOW
    from plugins.core import clock, db
    clock.set_now(NOW)
    await db.open_db(URL, run_migrations=False)
    from plugins.evaluation import setup  # noqa
    from models import Organisation
    from plugins.evaluation import evaluate
    from plugins.dashboard import overview, cadre_list
    from plugins.dashboard.cadre_list import CadreQuery
    province = await Organisation.get(id=1)
    await overview.build(province, [province], [province.path])
    await cadre_list.page([province.path], CadreQuery(sort="composite", desc=True), 100)
    await evaluate.ranking_ends([province], "composite", 5)
    await evaluate.org_means(province, 5)
    await db.close_db()
    import asyncpg

    seen: dict[str, list] = {}
    for query, values in captured:
        seen.setdefault(query, values)
    con = await asyncpg.connect(URL.replace("postgres://", "postgresql://"), server_settings={"work_mem": "64MB"})
    results = []
    for query, values in seen.items():
        found: dict[str, tuple[float, tuple | None]] = {}
        for mode in ("auto", "force_custom_plan"):
            await con.execute(f"SET plan_cache_mode = {mode}")
            statement = await con.prepare(query)
            for _ in range(6):
                await statement.fetch(*values)
            started = time.perf_counter()
            await statement.fetch(*values)
            seconds = time.perf_counter() - started
            plans = await con.fetchrow("SELECT generic_plans, custom_plans FROM pg_prepared_statements "
                                       "WHERE name = $1", statement._state.name)
            found[mode] = (seconds, tuple(plans) if plans else None)
        results.append((found["auto"][0] / max(found["force_custom_plan"][0], 1e-6), found, query))
    await con.close()
    results.sort(key=lambda r: -r[0])
    print(f"{len(seen)} distinct statements; the seventh run (generic, custom plans so far):")
    for ratio, found, query in results:
        (auto, auto_plans), (custom, custom_plans) = found["auto"], found["force_custom_plan"]
        print(f"{ratio:5.2f}x  auto {auto * 1000:6.1f} ms {auto_plans}  force_custom_plan {custom * 1000:6.1f} ms "
              f"{custom_plans}  {' '.join(query.split())[:90]}")
    for mode in ("auto", "force_custom_plan"):
        generic = sum(1 for _, found, _ in results if (found[mode][1] or (0,))[0] > 0)
        print(f"{mode}: {generic} of {len(results)} statements planned generically at least once")


if __name__ == "__main__":
    asyncio.run(main())
