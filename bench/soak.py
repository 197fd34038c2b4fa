"""Soak: the real bot process under a realistic mix for many minutes, through the simulator.

    .venv/bin/python bench/soak.py [--minutes 10] [--rate 150] [--groups 100] [--postgres URL]

Traffic (per second, on average, at --rate messages/s): ordinary chat in bound
groups (some quoting others, some from the cadre answering youth), commands
from probe users (/我的, /帮助, /联系人, /话题 列表, /活动 进度, /互动), youth
requests (/诉求) and check-ins (/签到). Reports throughput, p50/p99 command
latency, the bot's memory (RSS) at start, every minute and at the end, and
errors: commands answered with the generic failure or "busy" text, commands
not answered within 10 s, and ERROR lines in the bot's log. Goal: no errors
and no growth trend in memory.
"""

import argparse
import asyncio
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.botproc import db_rows, run_cli, start_bot, stop_bot  # noqa: E402
from tests.simulator import OneBotSimulator  # noqa: E402
from tests.simulator.onebot import is_private_to  # noqa: E402

CADRE, YOUTH, GROUP, PROBE = 20_000_000, 30_000_000, 800_000_000, 40_000_000
PROBES = 40  # people who only send commands, so every private message to them is a reply
PER_GROUP = 30
CHAT = ["收到", "今天的活动几点开始？", "哈哈哈", "谢谢老师", "有没有人一起去图书馆", "已报名", "这个政策怎么申请"]
FAILED = "处理出错了"
BUSY = "系统繁忙"


def name(i: int) -> str:
    surnames, given = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨", "一二三四五六七八九十甲乙丙丁戊己"
    return surnames[i % 16] + given[(i // 16) % 16] + given[(i // 256) % 16]


async def prepare(groups: int, url: str | None) -> str:
    """Roster via the CLI; bound groups, youth and their confirmed links written directly."""
    if url is None:
        url = f"sqlite://{Path(tempfile.mkdtemp(prefix='lianqing-soak-')) / 'soak.sqlite3'}"
    folder = Path(tempfile.mkdtemp())
    (folder / "orgs.csv").write_text("组织名称,上级组织,层级,管理员QQ\n浙江省委,,省,30001\n", encoding="utf-8")
    rows = "".join(f"{name(i)},浙江省委,专职,{CADRE + i}\n" for i in range(groups))
    (folder / "cadres.csv").write_text("姓名,组织,类别,QQ\n" + rows, encoding="utf-8")
    done = run_cli(url, "import", str(folder / "orgs.csv"), str(folder / "cadres.csv"))
    assert done.returncode == 0, done.stdout + done.stderr
    bound = [(GROUP + i, i + 1, CADRE + i) for i in range(groups)]
    youth = [(y + 1, YOUTH + y) for y in range(groups * PER_GROUP)]
    links = [(y + 1, y // PER_GROUP + 1) for y in range(groups * PER_GROUP)]
    now = "2026-11-30 02:00:00+00:00"
    if url.startswith("sqlite://"):
        with sqlite3.connect(url.removeprefix("sqlite://")) as conn:
            conn.executemany(
                "INSERT INTO bound_group (group_id, name, cadre_id, bot_id, bound_by, bound_at, synced_at, member_count) "
                f"VALUES (?, '', ?, 10000, ?, '{now}', '{now}', {PER_GROUP})", bound)
            conn.executemany(f"INSERT INTO youth (id, qq, nickname, consented_at, created_at) VALUES (?, ?, '', '{now}', '{now}')", youth)
            conn.executemany(
                "INSERT INTO contact_link (youth_id, cadre_id, status, source, created_at, confirmed_at) "
                f"VALUES (?, ?, 'confirmed', 'group', '{now}', '{now}')", links)
    else:
        from datetime import UTC, datetime

        import asyncpg

        at = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)

        async def fill() -> None:
            conn = await asyncpg.connect("postgresql://" + url.split("://", 1)[1])
            await conn.copy_records_to_table("bound_group", columns=["group_id", "name", "cadre_id", "bot_id", "bound_by", "bound_at", "synced_at", "member_count"],
                                             records=[(g, "", c, 10000, q, at, at, PER_GROUP) for g, c, q in bound])
            await conn.copy_records_to_table("youth", columns=["id", "qq", "nickname", "consented_at", "created_at"], records=[(i, q, "", at, at) for i, q in youth])
            await conn.execute("SELECT setval(pg_get_serial_sequence('youth', 'id'), (SELECT MAX(id) FROM youth))")
            await conn.copy_records_to_table("contact_link", columns=["youth_id", "cadre_id", "status", "source", "created_at", "confirmed_at"],
                                             records=[(y, c, "confirmed", "group", at, at) for y, c in links])
            await conn.close()

        await fill()
    return url


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def soak(args: argparse.Namespace) -> None:
    url = await prepare(args.groups, args.postgres)
    bot = await start_bot(url, INTERACTION_FLUSH_SECONDS="5", OUTBOX_POLL_SECONDS="1", LIANQING_TICK_SECONDS="5")
    sim = OneBotSimulator(bot.ws_url, access_token=bot.access_token)
    for g in range(args.groups):
        sim.add_group(GROUP + g, f"群{g}", [(CADRE + g, name(g), "owner")] + [(YOUTH + g * PER_GROUP + k, f"青年{k}") for k in range(PER_GROUP)])
    rng = random.Random(5)
    latencies: dict[str, list[float]] = {}
    errors: list[str] = []
    sent = {"chat": 0, "command": 0, "request": 0, "check_in": 0}
    busy_probes: set[int] = set()
    codes: list[str] = []
    pending: set[asyncio.Task] = set()

    async def command(user: int, text: str, kind: str) -> None:
        start = len(sim.calls)
        asked = time.perf_counter()
        await sim.private_message(user, text)
        try:
            reply = await sim.wait_for(lambda c: is_private_to(c, user), start=start, timeout=10)
        except TimeoutError:
            errors.append(f"no answer to {text!r} within 10 s")
            return
        finally:
            busy_probes.discard(user)
        latencies.setdefault(kind, []).append((time.perf_counter() - asked) * 1000)
        if FAILED in reply.text or BUSY in reply.text:
            errors.append(f"{text!r}: {reply.text[:40]}")

    async with sim.connected():
        for g in range(min(20, args.groups)):  # a few activities to check in to
            text = await sim.ask_private(CADRE + g, "/活动 线下活动 今天 志愿服务")
            codes.append(text.split("签到码 ")[1][:6])
        memory = [rss_mb(bot.process.pid)]
        started = time.perf_counter()
        deadline = started + args.minutes * 60
        next_sample = started + 60
        tick = 0
        while time.perf_counter() < deadline:
            tick += 1
            for _ in range(max(1, args.rate // 20)):  # 20 slices a second
                roll = rng.random()
                g = rng.randrange(args.groups)
                youth = YOUTH + g * PER_GROUP + rng.randrange(PER_GROUP)
                if roll < 0.93:
                    if rng.random() < 0.05:
                        await sim.group_message(GROUP + g, CADRE + g, "好的，收到大家的意见", at=[youth])
                    else:
                        await sim.group_message(GROUP + g, youth, rng.choice(CHAT))
                    sent["chat"] += 1
                elif roll < 0.97:
                    probe = PROBE + rng.randrange(PROBES)
                    if probe not in busy_probes:
                        busy_probes.add(probe)
                        kind, text = rng.choice([("/我的", "/我的"), ("/帮助", "/帮助"), ("/资料", "/资料")])
                        task = asyncio.create_task(command(probe, text, kind))
                        pending.add(task)
                        task.add_done_callback(pending.discard)
                        sent["command"] += 1
                    cadre = CADRE + args.groups - 1 - rng.randrange(max(1, args.groups // 4))
                    if cadre not in busy_probes:
                        busy_probes.add(cadre)
                        kind, text = rng.choice([("/联系人", "/联系人"), ("/话题 列表", "/话题 列表"),
                                                 ("/活动 进度", "/活动 进度"), ("/互动", "/互动")])
                        task = asyncio.create_task(command(cadre, text, kind))
                        pending.add(task)
                        task.add_done_callback(pending.discard)
                        sent["command"] += 1
                elif roll < 0.985:
                    await sim.private_message(youth, f"/诉求 困难 第{tick}次反映：社区活动场地不够用")
                    sent["request"] += 1
                else:
                    await sim.private_message(youth, f"/签到 {rng.choice(codes)}")
                    sent["check_in"] += 1
            await asyncio.sleep(0.05)
            if time.perf_counter() >= next_sample:
                memory.append(rss_mb(bot.process.pid))
                next_sample += 60
        elapsed = time.perf_counter() - started
        await asyncio.gather(*pending, return_exceptions=True)
        memory.append(rss_mb(bot.process.pid))
        await sim.ask_private(30001, "/发件箱")
    stop_bot(bot)
    log_errors = [line for line in bot.log().splitlines() if "[ERROR]" in line]
    cases = db_rows(url, 'SELECT COUNT(*) FROM "case"')[0][0]
    total = sum(sent.values())
    print(f"{args.minutes:g} min on {'PostgreSQL' if args.postgres else 'SQLite'}, {args.groups} bound groups: "
          f"{total:,} messages ({total / elapsed:,.0f}/s): chat {sent['chat']:,}, commands {sent['command']:,}, "
          f"requests {sent['request']:,} ({cases:,} cases stored), check-ins {sent['check_in']:,}")
    for kind, values in sorted(latencies.items()):
        values.sort()
        print(f"  {kind:<8} n={len(values):>5}  p50 {statistics.median(values):6.1f} ms  "
              f"p99 {values[min(len(values) - 1, int(len(values) * 0.99))]:6.1f} ms")
    every = [v for vs in latencies.values() for v in vs]
    every.sort()
    print(f"  all commands: p50 {statistics.median(every):.1f} ms, p99 {every[int(len(every) * 0.99)]:.1f} ms")
    print(f"  memory (RSS, MB) start → each minute → end: {' → '.join(f'{m:.0f}' for m in memory)}")
    print(f"  errors: {len(errors)} command errors, {len(log_errors)} ERROR log lines")
    for line in (errors + log_errors)[:10]:
        print("   ", line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rate", type=int, default=150)
    parser.add_argument("--groups", type=int, default=100)
    parser.add_argument("--postgres", help="e.g. postgres://postgres@127.0.0.1:5432/lianqing_soak (created afresh)")
    args = parser.parse_args()
    if args.postgres:
        from tests.dbreset import fresh_postgres_database

        _base, _, db = args.postgres.rpartition("/")
        args.postgres = fresh_postgres_database(args.postgres.rsplit("/", 1)[0] + "/test", db)
    asyncio.run(soak(args))


if __name__ == "__main__":
    main()
