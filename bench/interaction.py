"""Per-message recording under load, through the real bot process and a real WebSocket.

    .venv/bin/python bench/interaction.py [--groups 50] [--messages 20000] [--rate 1000] [--seconds 15]

For each variant (recording on; recording off = the framework's own ceiling):
  1. throughput: the simulator sends --messages ordinary group messages to bound
     groups as fast as it can, then a command; messages/s = messages / time until
     that command is answered;
  2. (recording on only) a paced stream at --rate messages/s for --seconds while a
     cadre sends `/话题 列表` every 100 ms: p50 / p99 of the command's reply time;
  3. the bot process's peak memory (VmHWM).
Afterwards it checks that every message sent was counted in message_count.
Embedded SQLite; the bot runs with the project's default settings.
"""

import argparse
import asyncio
import random
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

CADRE_BASE, YOUTH_BASE, GROUP_BASE = 20_000_000, 30_000_000, 800_000_000
CHAT = ["收到", "今天的活动几点开始？", "哈哈哈", "谢谢老师", "有没有人一起去图书馆", "已报名"]


def chinese_name(i: int) -> str:
    surnames, given = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨", "一二三四五六七八九十甲乙丙丁戊己"
    return surnames[i % 16] + given[(i // 16) % 16] + given[(i // 256) % 16]


def import_cadres(url: str, groups: int) -> None:
    """One province and one cadre per group, imported with the CLI as an operator would."""
    folder = Path(tempfile.mkdtemp())
    (folder / "orgs.csv").write_text("组织名称,上级组织,层级\n浙江省委,,省\n", encoding="utf-8")
    rows = "".join(f"{chinese_name(i)},浙江省委,专职,{CADRE_BASE + i}\n" for i in range(groups))
    (folder / "cadres.csv").write_text("姓名,组织,类别,QQ\n" + rows, encoding="utf-8")
    done = run_cli(url, "import", str(folder / "orgs.csv"), str(folder / "cadres.csv"))
    assert done.returncode == 0, done.stdout + done.stderr


def prepare(groups: int) -> str:
    """A SQLite database with one cadre per bound group (written before the bot starts)."""
    url = f"sqlite://{Path(tempfile.mkdtemp(prefix='lianqing-bench-')) / 'bench.sqlite3'}"
    import_cadres(url, groups)
    import sqlite3

    with sqlite3.connect(url.removeprefix("sqlite://")) as conn:
        conn.executemany(
            "INSERT INTO bound_group (group_id, name, cadre_id, bot_id, bound_by, bound_at, synced_at, member_count) "
            "VALUES (?, '', ?, 10000, ?, '2026-11-30 02:00:00+00:00', '2026-11-30 02:00:00+00:00', 0)",
            [(GROUP_BASE + i, i + 1, CADRE_BASE + i) for i in range(groups)],
        )
    return url


def peak_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def chat(sim: OneBotSimulator, rng: random.Random, groups: int) -> None:
    g = rng.randrange(groups)
    await sim.group_message(GROUP_BASE + g, YOUTH_BASE + rng.randrange(groups * 40), rng.choice(CHAT))


async def run_variant(record: bool, args: argparse.Namespace) -> dict:
    url = prepare(args.groups)
    bot = await start_bot(url, INTERACTION_RECORD=str(record).lower(), INTERACTION_FLUSH_SECONDS="1")
    sim = OneBotSimulator(bot.ws_url, access_token=bot.access_token)
    for i in range(args.groups):
        sim.add_group(GROUP_BASE + i, f"群{i}", [(CADRE_BASE + i, f"团干部{i}", "owner")])
    rng = random.Random(3)
    result: dict = {"record": record}
    sent = 0
    try:
        async with sim.connected():
            await sim.ask_private(CADRE_BASE, "/帮助")  # warm-up
            started = time.perf_counter()
            for _ in range(args.messages):
                await chat(sim, rng, args.groups)
            sent += args.messages
            await sim.ask_private(CADRE_BASE, "/帮助", timeout=600)
            result["throughput"] = args.messages / (time.perf_counter() - started)

            if record:
                latencies: list[float] = []

                async def stream() -> int:
                    n, t0 = 0, time.perf_counter()
                    while (elapsed := time.perf_counter() - t0) < args.seconds:
                        due = int(elapsed * args.rate)
                        while n < due:
                            await chat(sim, rng, args.groups)
                            n += 1
                        await asyncio.sleep(0.002)
                    return n

                async def probe() -> None:
                    t0 = time.perf_counter()
                    while time.perf_counter() - t0 < args.seconds:
                        start = len(sim.calls)
                        asked = time.perf_counter()
                        await sim.private_message(CADRE_BASE + 1, "/话题 列表")
                        await sim.wait_for(lambda c: is_private_to(c, CADRE_BASE + 1), start=start, timeout=30)
                        latencies.append((time.perf_counter() - asked) * 1000)
                        await asyncio.sleep(0.1)

                streamed, _ = await asyncio.gather(stream(), probe())
                sent += streamed
                result["paced_rate"] = streamed / args.seconds
                latencies.sort()
                result["p50"] = statistics.median(latencies)
                result["p99"] = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
                result["probes"] = len(latencies)
            result["memory_mb"] = peak_memory_mb(bot.process.pid)
    finally:
        stop_bot(bot)  # a clean stop flushes the counters
    if record:
        # The youth never consented: their messages are counted in each group's anonymous row.
        counted = db_rows(url, "SELECT COALESCE(SUM(count), 0) FROM message_count WHERE is_cadre = 0")[0][0]
        result["counted"] = counted
        result["sent"] = sent
    return result


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--rate", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args()
    on = await run_variant(True, args)
    off = await run_variant(False, args)
    print(f"{args.groups} bound groups; {args.messages:,} messages per throughput run; SQLite")
    print(f"recording on : {on['throughput']:,.0f} messages/s, peak memory {on['memory_mb']:.0f} MB")
    print(f"recording off: {off['throughput']:,.0f} messages/s, peak memory {off['memory_mb']:.0f} MB  (framework ceiling)")
    print(f"ratio on/off : {on['throughput'] / off['throughput']:.2f} (goal >= 0.8)")
    print(
        f"/话题 列表 while streaming {on['paced_rate']:,.0f} messages/s for {args.seconds:.0f} s: "
        f"p50 {on['p50']:.1f} ms, p99 {on['p99']:.1f} ms over {on['probes']} commands (goal p99 < 100 ms)"
    )
    print(f"counted {on['counted']:,} of {on['sent']:,} youth messages sent")


if __name__ == "__main__":
    asyncio.run(main())
