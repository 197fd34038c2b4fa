"""Evaluating a province: /排行 for the whole province and /评估 for one cadre.

    .venv/bin/python bench/evaluation.py [--scale 1.0] [--regenerate]

A generator fills a database with 10,000 cadres, 1,000,000 confirmed contacts
(400,000 youth), 10,000,000 per-member daily message counters, 200,000
requests and 50,000 activities (plus topics, replies, exchanges, check-ins,
spot-check and survey answers), on SQLite and, when it answers at
127.0.0.1:5432, on PostgreSQL. Generated databases are kept and reused
(SQLite under data/bench/, PostgreSQL database lianqing_bench_eval) unless
--regenerate. Then it times the service calls behind the two commands
(median of 3 runs). Goals: province ranking < 5 s, one cadre < 100 ms.
"""

import random
import sqlite3
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import data_set_args, data_sets, ran_as_child, run_child  # noqa: E402

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
TODAY = date(2026, 11, 30)
BATCH = 20_000


def sizes(scale: float) -> dict[str, int]:
    base = {
        "cadres": 10_000, "youth": 400_000, "links": 1_000_000, "counters": 10_000_000,
        "cases": 200_000, "activities": 50_000, "check_ins": 200_000, "topics": 100_000,
        "replies": 500_000, "exchanges": 500_000, "spot": 50_000, "survey": 50_000,
    }
    return {k: max(1, int(v * scale)) for k, v in base.items()}


# ------------------------------------------------------------------ rows


def orgs() -> list[tuple]:
    """(id, name, level, parent_id, path): 1 province, 11 cities, 88 counties, 880 grassroots."""
    rows: list[tuple[int, str, str, int | None, str]] = [(1, "浙江省委", "province", None, "1/")]
    next_id = 2
    for c in range(11):
        city = next_id
        rows.append((city, f"市委{c:02d}", "city", 1, f"1/{city}/"))
        next_id += 1
        for k in range(8):
            county = next_id
            rows.append((county, f"县委{c:02d}{k}", "county", city, f"1/{city}/{county}/"))
            next_id += 1
            for g in range(10):
                rows.append((next_id, f"团委{c:02d}{k}{g}", "grassroots", county, f"1/{city}/{county}/{next_id}/"))
                next_id += 1
    return rows


def generate(n: dict[str, int]):
    """Yield (table, columns, rows) batches, deterministic."""
    rng = random.Random(42)
    org_rows = orgs()
    yield "organisation", ["id", "name", "level", "parent_id", "path", "created_at"], [
        (*r, NOW) for r in org_rows
    ]
    grass = [r[0] for r in org_rows if r[2] == "grassroots"]
    upper = [r[0] for r in org_rows if r[2] != "grassroots"]
    yield "admin", ["qq", "org_id", "created_at"], [(30000 + r[0], r[0], NOW) for r in org_rows if r[2] != "grassroots"]
    cadres = []
    for i in range(n["cadres"]):
        org = grass[i % len(grass)] if i % 9 else upper[i % len(upper)]
        category = "part_time" if i % 10 < 3 else "full_time"
        cadres.append((i + 1, 100_000_000 + i, f"团干部{i}", org, category, "roster", NOW, NOW))
    yield "cadre", ["id", "qq", "name", "org_id", "category", "source", "created_at", "updated_at"], cadres
    yield "bound_group", ["group_id", "name", "cadre_id", "bot_id", "bound_by", "bound_at", "member_count"], [
        (900_000_000 + c[0], "", c[0], 10000, c[1], NOW - timedelta(days=400), 150) for c in cadres
    ]
    for start in range(0, n["youth"], BATCH):
        yield "youth", ["id", "qq", "nickname", "field", "consented_at", "created_at"], [
            (y + 1, 2_000_000_000 + y, "", ("student", "enterprise", "rural", "other")[y % 4], NOW, NOW)
            for y in range(start, min(n["youth"], start + BATCH))
        ]
    per_cadre = max(1, n["links"] // n["cadres"])
    youth_of: dict[int, list[int]] = {}
    batch = []
    for c in cadres:
        count = max(1, min(n["youth"] - 1, per_cadre + rng.randint(-per_cadre * 4 // 5, per_cadre * 4 // 5)))
        first = (c[0] * 37) % n["youth"]
        ids = [(first + k * 7919) % n["youth"] + 1 for k in range(count)]
        youth_of[c[0]] = ids
        for y in ids:
            at = NOW - timedelta(minutes=rng.randrange(525_600))
            batch.append((y, c[0], "confirmed", "group", 900_000_000 + c[0], at, at))
        if len(batch) >= BATCH:
            yield "contact_link", ["youth_id", "cadre_id", "status", "source", "group_id", "created_at", "confirmed_at"], batch
            batch = []
    if batch:
        yield "contact_link", ["youth_id", "cadre_id", "status", "source", "group_id", "created_at", "confirmed_at"], batch
    per_counters = max(1, n["counters"] // n["cadres"])
    batch = []
    for c in cadres:
        ids = youth_of[c[0]]
        for k in range(per_counters):
            y = ids[k % len(ids)]
            day = TODAY - timedelta(days=k // len(ids))
            batch.append((900_000_000 + c[0], 2_000_000_000 + y - 1, day, c[0], False, 1 + k % 7))
        if len(batch) >= BATCH * 5:
            yield "message_count", ["group_id", "qq", "day", "cadre_id", "is_cadre", "count"], batch
            batch = []
    if batch:
        yield "message_count", ["group_id", "qq", "day", "cadre_id", "is_cadre", "count"], batch

    def pick() -> tuple:
        return cadres[rng.randrange(len(cadres))]

    rows = []
    for t in range(n["topics"]):
        rows.append((t + 1, pick()[0], f"话题{t}", "open", NOW - timedelta(days=rng.randrange(365))))
    yield "topic", ["id", "cadre_id", "title", "status", "created_at"], rows
    for start in range(0, n["replies"], BATCH):
        yield "topic_reply", ["topic_id", "group_id", "qq", "message_id", "is_cadre", "text", "created_at"], [
            (rng.randrange(n["topics"]) + 1, 1, 2_000_000_000 + rng.randrange(n["youth"]), m, False, None, NOW)
            for m in range(start, min(n["replies"], start + BATCH))
        ]
    for start in range(0, n["exchanges"], BATCH):
        yield "exchange", ["cadre_id", "group_id", "youth_qq", "youth_message_id", "latency_seconds", "kind", "answered_at"], [
            (pick()[0], 1, 2_000_000_000 + rng.randrange(n["youth"]), m, rng.randrange(7200), "reply",
             NOW - timedelta(minutes=rng.randrange(525_600)))
            for m in range(start, min(n["exchanges"], start + BATCH))
        ]
    for start in range(0, n["cases"], BATCH):
        rows = []
        for k in range(start, min(n["cases"], start + BATCH)):
            c = pick()
            created = NOW - timedelta(minutes=rng.randrange(525_600))
            answered = created + timedelta(hours=rng.randrange(120)) if k % 5 else None
            rated = k % 3 == 0 and answered is not None
            rows.append((2_000_000_000 + rng.randrange(n["youth"]), ("confusion", "difficulty", "suggestion")[k % 3], "内容",
                         c[0], c[3], "closed" if rated else "open", answered, 0, rng.randint(1, 5) if rated else None,
                         answered if rated else None, created, False))
        yield '"case"', ["youth_qq", "category", "content", "cadre_id", "org_id", "status", "first_answer_at",
                         "paused_seconds", "rating", "rated_at", "created_at", "show_identity"], rows
    rows = []
    for a in range(n["activities"]):
        day = TODAY - timedelta(days=rng.randrange(365))
        # Every activity gets check-ins below (k % activities), so every one is credited.
        rows.append((a + 1, pick()[0], ("offline", "face_to_face", "survey_visit")[a % 3], f"活动{a}", day,
                     f"{a:06d}", 0, True, NOW))
    yield "activity", ["id", "cadre_id", "kind", "title", "day", "code", "head_count", "credited", "created_at"], rows
    for start in range(0, n["check_ins"], BATCH):
        yield "check_in", ["activity_id", "qq", "created_at"], [
            (k % n["activities"] + 1, 2_000_000_000 + k // n["activities"], NOW)
            for k in range(start, min(n["check_ins"], start + BATCH))
        ]
    yield "spot_check", ["id", "cadre_id", "requested_by", "sample_size", "quarter", "created_at"], [
        (c[0], c[0], 30001, 10, "2026Q4", NOW) for c in cadres
    ]
    yield "spot_check_question", ["check_id", "cadre_id", "youth_qq", "quarter", "answer", "asked_at", "answered_at"], [
        (k % n["cadres"] + 1, k % n["cadres"] + 1, 2_000_000_000 + k, "2026Q4", "yes" if k % 7 else "no",
         NOW - timedelta(days=10), NOW - timedelta(days=9))
        for k in range(n["spot"])
    ]
    yield "survey", ["id", "org_id", "requested_by", "per_cadre", "created_at", "closes_at"], [
        (1, 1, 30001, 5, NOW - timedelta(days=30), NOW - timedelta(days=16))
    ]
    yield "survey_question", ["survey_id", "cadre_id", "youth_qq", "rating", "asked_at", "answered_at"], [
        (1, k % n["cadres"] + 1, 2_000_000_000 + k, 1 + k % 5, NOW - timedelta(days=30), NOW - timedelta(days=29))
        for k in range(n["survey"])
    ]


# ------------------------------------------------------------------ writing


def _sqlite_value(v):
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S.%f") + "+00:00"
    if isinstance(v, date):
        return v.isoformat()
    return v


def fill_sqlite(path: str, n: dict[str, int]) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA journal_mode = MEMORY")
    for table, columns, rows in generate(n):
        conn.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
            [[_sqlite_value(v) for v in r] for r in rows],
        )
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()


async def fill_postgres(url: str, n: dict[str, int]) -> None:
    import asyncpg

    conn = await asyncpg.connect("postgresql://" + url.split("://", 1)[1])
    try:
        for table, columns, rows in generate(n):
            await conn.copy_records_to_table(table.strip('"'), records=rows, columns=columns)
        for table in ("organisation", "cadre", "youth", "topic", "activity", "spot_check", "survey"):
            await conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )
        # VACUUM as well: a database that has run a while has its visibility map set (autovacuum),
        # and index-only scans need it; right after COPY every row was read from the heap too.
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


# ------------------------------------------------------------------ measuring



async def measure(url: str, n: dict[str, int], fill: bool) -> dict:
    from models import Cadre, Organisation
    from plugins.core import clock
    from plugins.core.actor import SYSTEM
    from plugins.core.db import close_db, open_db
    from plugins.evaluation import evaluate as ev
    from plugins.evaluation.commands import _cadre_text

    await open_db(url)  # creates the schema (migrations) on a new database
    if fill:
        await close_db()
        if url.startswith("sqlite://"):
            fill_sqlite(url.removeprefix("sqlite://"), n)
        else:
            await fill_postgres(url, n)
        await open_db(url, run_migrations=False)
    clock.set_now(NOW)
    try:
        province = await Organisation.get(id=1)
        cadre = await Cadre.get(id=n["cadres"] // 2).prefetch_related("org")
        timings: dict[str, list[float]] = {"ranking": [], "cadre": [], "cadre_admin": []}
        for _ in range(3):
            t = time.perf_counter()
            results, org_results = await ev.ranking(None, [province])
            sorted(results, key=lambda r: -r.measures.composite)
            timings["ranking"].append(time.perf_counter() - t)
            t = time.perf_counter()
            await _cadre_text(cadre, for_admin=False)
            timings["cadre"].append(time.perf_counter() - t)
            t = time.perf_counter()
            await _cadre_text(cadre, for_admin=True)
            timings["cadre_admin"].append(time.perf_counter() - t)
        assert len(results) == n["cadres"] and SYSTEM
        counts = {"cadres": len(results), "sub_orgs": len(org_results)}
        return {k: statistics.median(v) for k, v in timings.items()} | counts
    finally:
        await close_db()




def main() -> None:
    args = data_set_args(__doc__)
    n = sizes(args.scale)
    if ran_as_child(args, measure, n):
        return
    targets = data_sets("evaluation", "eval", args.scale, args.postgres, regenerate=args.regenerate, sqlite_only=False)
    print(
        f"data: {n['cadres']:,} cadres, {n['links']:,} confirmed contacts ({n['youth']:,} youth), "
        f"{n['counters']:,} message counters, {n['cases']:,} requests, {n['activities']:,} activities"
    )
    for label, url, fill in targets:
        r, generated = run_child(__file__, url, args.scale, fill)
        print(
            f"{label:>10}: /排行 whole province ({r['cadres']:,} cadres, {r['sub_orgs']} sub-organisations) "
            f"{r['ranking']:.2f} s; /评估 one cadre {r['cadre'] * 1000:.0f} ms, "
            f"administrator's view with flags {r['cadre_admin'] * 1000:.0f} ms{generated}"
        )


if __name__ == "__main__":
    main()
