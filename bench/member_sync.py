"""Time to sync the members of 50 bound groups × 2,000 members, on SQLite and PostgreSQL.

    .venv/bin/python bench/member_sync.py [--groups 50] [--members 2000] [--postgres URL]

Runs the same code path as binding and the daily sync (plugins/contacts/groups.py
`apply_members`, after the OneBot call): first the initial sync of every group,
then a daily re-sync with 2% of members changed. PostgreSQL is measured when it
answers at 127.0.0.1:5432 (database `lianqing_bench` is created afresh).
"""

import argparse
import asyncio
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import init_nonebot, postgres_answers  # noqa: E402


async def measure(url: str, groups: int, members: int) -> dict[str, float]:
    from models import BoundGroup, GroupMember
    from plugins.contacts.groups import apply_members
    from plugins.core import clock
    from plugins.core.db import close_db, open_db
    from tests.seed import make_cadre, seed_tree

    await open_db(url)
    try:
        tree = await seed_tree()
        cadre = await make_cadre(20001, "张三", tree.province)
        rng = random.Random(1)
        rosters = {}
        for g in range(groups):
            group_id = 900000 + g
            await BoundGroup.create(group_id=group_id, cadre=cadre, bot_id=10000, bound_by=20001, bound_at=clock.now())
            base = 3_000_000 + g * 1500  # groups overlap, as real ones do
            rosters[group_id] = {base + i: "member" for i in range(members)}
        started = time.perf_counter()
        for group_id, roster in rosters.items():
            await apply_members(group_id, roster, 10000)
        initial = time.perf_counter() - started
        assert await GroupMember.all().count() == groups * members

        for group_id, roster in rosters.items():  # 2% leave, 2% join
            leavers = rng.sample(sorted(roster), members // 50)
            for qq in leavers:
                del roster[qq]
            for i in range(members // 50):
                roster[5_000_000 + group_id * 100 + i] = "member"
        started = time.perf_counter()
        for group_id, roster in rosters.items():
            await apply_members(group_id, roster, 10000)
        daily = time.perf_counter() - started
        return {"initial": initial, "daily": daily}
    finally:
        await close_db()




def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/test")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:  # one database per process: Tortoise caches SQL per dialect
        init_nonebot()
        result = asyncio.run(measure(args.child, args.groups, args.members))
        print(json.dumps(result))
        return
    from tests.dbreset import fresh_postgres_database

    targets = [("SQLite", f"sqlite://{Path(tempfile.mkdtemp(prefix='lianqing-bench-')) / 'sync.sqlite3'}")]
    if postgres_answers():
        targets.append(("PostgreSQL", fresh_postgres_database(args.postgres, "lianqing_bench")))
    else:
        print("PostgreSQL does not answer at 127.0.0.1:5432: SQLite only")
    total = args.groups * args.members
    print(f"{args.groups} groups × {args.members} members = {total:,} memberships")
    for name, url in targets:
        out = subprocess.run(
            [sys.executable, __file__, "--child", url, "--groups", str(args.groups), "--members", str(args.members)],
            cwd=ROOT, capture_output=True, text=True, check=True,
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"{name:>10}: initial sync {result['initial']:.2f} s ({total / result['initial']:,.0f} members/s), "
            f"daily re-sync with 2% churn {result['daily']:.2f} s"
        )


if __name__ == "__main__":
    main()
