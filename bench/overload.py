"""Overload: the bot against a bare NoneBot app, each over a real reverse WebSocket.

    .venv/bin/python bench/overload.py [--groups 50] [--burst 30000] [--seconds 10]

Both servers are real processes on loopback, driven by the project's OneBot
simulator (tests/simulator/onebot.py, its `send_raw` for pre-formatted frames):
- bare: NoneBot + the stock OneBot v11 adapter + one trivial matcher (it counts
  every message and answers messages starting with "/"), started by this script;
- bot: the real bot (`python bot.py`, every plugin, embedded SQLite), its groups
  bound, the youth never consented (so their messages count anonymously).

For each server, each run in a fresh process (and, for the bot, a fresh database):
1. burst: --burst ordinary group messages as fast as the client can send, then a
   command; sustained rate = messages / time until the command is answered
   (the bot counts ordinary messages as it reads them, so the answer to a command
   read after them means they were all counted);
2. paced streams for --seconds at 0.5×, 1×, 2× and 4× the bare app's sustained
   rate, and at 2× the bot's own, while a cadre sends `/话题 列表` every 100 ms:
   handled rate during the stream (the server's own counters, LIANQING_WIRE_STATS_FILE
   for the bot), command p50 / p99, peak RSS (VmHWM) against idle (VmRSS after warm-up),
   whether the connection was cut, and messages lost (for the bot: acknowledged by the
   socket but not in message_count after a clean stop).
"""

import argparse
import asyncio
import contextlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.interaction import CADRE_BASE, CHAT, GROUP_BASE, YOUTH_BASE, prepare  # noqa: E402
from tests.e2e.botproc import BotProcess, db_rows, free_port, start_bot, stop_bot  # noqa: E402
from tests.simulator import OneBotSimulator  # noqa: E402
from tests.simulator.onebot import is_private_to  # noqa: E402

TOKEN = "bench-secret"
YIELD_EVERY = 100
PROBE = CADRE_BASE + 1

BARE_APP = f'''
import asyncio, json, os, sys
import nonebot
from nonebot import on_message
from nonebot.adapters.onebot.v11 import Adapter, Bot, MessageEvent
from nonebot.rule import Rule

port, stats = int(sys.argv[1]), sys.argv[2]
nonebot.init(driver="~fastapi", host="127.0.0.1", port=port, onebot_access_token="{TOKEN}",
             log_level="WARNING", command_start={{"/"}})
nonebot.get_driver().register_adapter(Adapter)
handled = 0

async def count(event: MessageEvent) -> bool:
    global handled
    if event.get_plaintext().startswith("/"):
        return True
    handled += 1  # ordinary messages only, as the bot's "fast" counter
    return False

matcher = on_message(rule=Rule(count), block=True)

@matcher.handle()
async def _(bot: Bot, event: MessageEvent) -> None:
    await bot.send(event, "ok")

async def write() -> None:
    while True:
        with open(stats + ".tmp", "w") as f:
            json.dump({{"ordinary": handled}}, f)
        os.replace(stats + ".tmp", stats)
        await asyncio.sleep(0.1)

@nonebot.get_driver().on_startup
async def _start() -> None:
    asyncio.get_running_loop().create_task(write())

nonebot.run()
'''


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    port: int
    stats_path: Path
    url: str | None = None  # the bot's database
    bot: BotProcess | None = None

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/onebot/v11/ws"

    def stats(self) -> dict:
        with contextlib.suppress(FileNotFoundError, json.JSONDecodeError):
            return json.loads(self.stats_path.read_text())
        return {"ordinary": 0, "fast": 0}

    def ordinary(self) -> int:
        """Ordinary group messages handled so far (the bot counts them all on its fast path)."""
        stats = self.stats()
        return int(stats.get("ordinary", stats.get("fast", 0)))

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def memory(self, key: str) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
        return float("nan")


@dataclass
class Result:
    label: str
    offered: float = 0.0
    handled_rate: float = 0.0
    p50: float = float("nan")
    p99: float = float("nan")
    probes: int = 0
    idle_mb: float = 0.0
    peak_mb: float = 0.0
    cut: bool = False
    acked: int = 0
    handled_total: int = 0
    lost: int | None = None
    seconds: float = 1.0
    cpu: float = float("nan")  # the server's CPU seconds per second during the stream
    notes: list[str] = field(default_factory=list)


def stats_path() -> Path:
    stats = Path(tempfile.mkstemp(prefix="lianqing-wire-", suffix=".json")[1])
    stats.unlink()
    return stats


def spawn_bare(stats: Path) -> Server:
    """The reference app in its own folder (no project .env), on a free port."""
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="lianqing-bare-"))
    (folder / "bare.py").write_text(BARE_APP)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ONEBOT", "DATABASE", "PORT", "HOST"))}
    process = subprocess.Popen(
        [sys.executable, "bare.py", str(port), str(stats)], cwd=folder, env=env,
        stdout=subprocess.DEVNULL, stderr=(folder / "log.txt").open("w"),
    )
    return Server("bare", process, port, stats)


async def start_server(kind: str, groups: int) -> Server:
    stats = stats_path()
    if kind == "bare":
        server = spawn_bare(stats)
        port = server.port
        for _ in range(300):  # readiness poll
            with contextlib.suppress(OSError):
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                return server
            await asyncio.sleep(0.1)
        raise RuntimeError("bare app did not start")
    url = prepare(groups)
    # Production intervals, not the end-to-end tests' fast ones.
    bot = await start_bot(
        url, access_token=TOKEN, LIANQING_WIRE_STATS_FILE=str(stats),
        INTERACTION_FLUSH_SECONDS="5", LIANQING_TICK_SECONDS="30", OUTBOX_POLL_SECONDS="5",
    )
    return Server("bot", bot.process, bot.port, stats, url=url, bot=bot)


def stop_server(server: Server) -> None:
    if server.bot is not None:
        stop_bot(server.bot)  # a clean stop flushes the counters
    elif server.process.poll() is None:
        server.process.terminate()
        server.process.wait(timeout=20)


class Load:
    """Pre-formatted NapCat-shaped group messages (formatting is ~1 µs; json.dumps would dominate)."""

    def __init__(self, groups: int) -> None:
        self.groups = groups
        self.rng = random.Random(7)
        self.next_id = 5_000_000
        self.template = (
            '{{"self_id":10000,"user_id":{user},"time":{time},"message_id":{mid},"message_seq":{mid},'
            '"real_id":{mid},"real_seq":"{mid}","message_type":"group","sender":{{"user_id":{user},'
            '"nickname":"青年","card":"","role":"member"}},"raw_message":"{text}","font":14,'
            '"sub_type":"normal","message":[{{"type":"text","data":{{"text":"{text}"}}}}],'
            '"message_format":"array","post_type":"message","group_id":{group},"group_name":"青年群"}}'
        )

    def frame(self) -> str:
        self.next_id += 1
        user = YOUTH_BASE + self.rng.randrange(self.groups * 40)
        return self.template.format(
            user=user, time=int(time.time()), mid=self.next_id,
            group=GROUP_BASE + self.rng.randrange(self.groups), text=self.rng.choice(CHAT),
        )


def simulator(server: Server, groups: int) -> OneBotSimulator:
    sim = OneBotSimulator(server.ws_url, access_token=TOKEN)
    for i in range(groups):
        sim.add_group(GROUP_BASE + i, f"群{i}", [(CADRE_BASE + i, f"团干部{i}", "owner")])
    return sim


async def ask(sim: OneBotSimulator, timeout: float) -> float:
    start = len(sim.calls)
    asked = time.perf_counter()
    await sim.private_message(PROBE, "/话题 列表")
    await sim.wait_for(lambda c: is_private_to(c, PROBE), start=start, timeout=timeout)
    return (time.perf_counter() - asked) * 1000


async def burst(server: Server, args: argparse.Namespace) -> Result:
    result = Result("burst")
    sim, load = simulator(server, args.groups), Load(args.groups)
    async with sim.connected():
        await ask(sim, 30)
        result.idle_mb = server.memory("VmRSS")
        started = time.perf_counter()
        cpu0 = server.cpu_seconds()
        for i in range(args.burst):
            await sim.send_raw(load.frame())
            if i % YIELD_EVERY == 0:
                await asyncio.sleep(0)  # let the client's reader and probe run
        result.acked = args.burst
        await ask(sim, 600)
        elapsed = time.perf_counter() - started
        result.cpu = (server.cpu_seconds() - cpu0) / elapsed
    result.handled_rate = args.burst / elapsed
    result.peak_mb = server.memory("VmHWM")
    return result


async def stream(server: Server, rate: float, label: str, args: argparse.Namespace) -> Result:
    result = Result(label, offered=rate, seconds=args.seconds)
    sim, load = simulator(server, args.groups), Load(args.groups)
    latencies: list[float] = []
    async with sim.connected():
        await ask(sim, 30)
        await asyncio.sleep(1)  # settle
        result.idle_mb = server.memory("VmRSS")
        before = server.ordinary()
        cpu0 = server.cpu_seconds()
        t0 = time.perf_counter()

        async def send() -> None:
            n = 0
            while (elapsed := time.perf_counter() - t0) < args.seconds:
                due = int(elapsed * rate)
                while n < due and time.perf_counter() - t0 < args.seconds:
                    await sim.send_raw(load.frame())
                    n += 1
                    if n % YIELD_EVERY == 0:
                        # A client behind schedule would otherwise never let its own probe
                        # and reader run: command latency would measure the client, not the bot.
                        await asyncio.sleep(0)
                await asyncio.sleep(0.002)
            result.acked = n

        async def probe() -> None:
            while time.perf_counter() - t0 < args.seconds:
                try:
                    latencies.append(await ask(sim, 30))
                except Exception:
                    latencies.append(float("inf"))
                await asyncio.sleep(0.1)

        try:
            await asyncio.gather(send(), probe())
        except Exception as e:  # the connection was cut
            result.cut = True
            result.notes.append(f"{type(e).__name__}")
        result.handled_rate = (server.ordinary() - before) / args.seconds
        result.cpu = (server.cpu_seconds() - cpu0) / (time.perf_counter() - t0)
        result.cut = result.cut or not sim.is_connected
        # Let the backlog drain (bounded), to count losses.
        deadline = time.perf_counter() + args.drain
        while time.perf_counter() < deadline and server.ordinary() - before < result.acked:  # noqa: ASYNC110
            await asyncio.sleep(0.2)  # polls the other process's counters file
        await asyncio.sleep(0.2)  # the counters file is written every 0.1 s
        result.handled_total = server.ordinary() - before
    result.peak_mb = server.memory("VmHWM")
    finite = sorted(x for x in latencies if x != float("inf"))
    result.probes = len(latencies)
    if finite:
        result.p50 = statistics.median(finite)
        result.p99 = finite[min(len(finite) - 1, int(len(finite) * 0.99))] if len(finite) == len(latencies) else float("inf")
    return result


async def run(kind: str, what: str, rate: float, args: argparse.Namespace) -> Result:
    server = await start_server(kind, args.groups)
    try:
        result = await (burst(server, args) if what == "burst" else stream(server, rate, what, args))
    finally:
        stop_server(server)
    if server.url is not None:  # the bot: every acknowledged youth message is in the database
        counted = db_rows(server.url, "SELECT COALESCE(SUM(count), 0) FROM message_count WHERE is_cadre = 0")[0][0]
        result.lost = result.acked - counted
    elif what != "burst":
        result.lost = result.acked - result.handled_total
    return result


def line(server: str, r: Result, sustained: float) -> str:
    rss = f"{r.peak_mb:.0f} MB (idle {r.idle_mb:.0f}, +{r.peak_mb - r.idle_mb:.0f})"
    offered = f"{r.offered:,.0f}/s (sent {r.acked / r.seconds:,.0f}/s)" if r.offered else "as fast as possible"
    latency = f"p50 {r.p50:,.0f} ms, p99 {r.p99:,.0f} ms ({r.probes})" if r.probes else "—"
    lost = "—" if r.lost is None else f"{r.lost:,}"
    return (
        f"| {server} | {r.label} | {offered} | {r.handled_rate:,.0f}/s ({r.handled_rate / sustained:.2f}×) "
        f"| {r.cpu:.2f} | {latency} | {rss} | {'yes' if r.cut else 'no'} | {lost} |"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--burst", type=int, default=30000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--drain", type=float, default=60, help="seconds to wait for a backlog after a stream")
    args = parser.parse_args()

    bare_burst = await run("bare", "burst", 0, args)
    bot_burst = await run("bot", "burst", 0, args)
    base, own = bare_burst.handled_rate, bot_burst.handled_rate
    results: dict[str, list[Result]] = {"bare": [bare_burst], "bot": [bot_burst]}
    for factor in (0.5, 1, 2, 4):
        for kind in ("bare", "bot"):
            results[kind].append(await run(kind, f"{factor:g}× bare", base * factor, args))
    results["bot"].append(await run("bot", "2× bot", own * 2, args))

    print(f"{args.groups} bound groups, {args.burst:,}-message burst, {args.seconds:g} s streams; SQLite; "
          f"{os.cpu_count()} cores")
    print("| server | load | offered | handled (÷ own sustained) | server CPU | `/话题 列表` every 100 ms | peak RSS | cut | lost |")
    print("|---|---|---|---|---|---|---|---|---|")
    for kind, sustained in (("bare", base), ("bot", own)):
        for r in results[kind]:
            print(line(kind, r, sustained))
    print(f"sustained: bot {own:,.0f}/s, bare {base:,.0f}/s, ratio {own / base:.1f} (goal >= 3)")
    at2 = results["bot"][-1]
    print(
        f"bot at 2× its own rate: handled {at2.handled_rate / own:.2f} of sustained (goal >= 0.9), "
        f"command p99 {at2.p99:,.0f} ms (goal < 1000), peak RSS +{at2.peak_mb - at2.idle_mb:.0f} MB over idle (goal <= 50)"
    )
    print(f"bot CPU per 1,000 ordinary messages at 2× its rate: {1000 * at2.cpu / max(at2.handled_rate, 1):.3f} s "
          f"(one core would count {at2.handled_rate / max(at2.cpu, 1e-9):,.0f}/s)")
    half = results["bot"][1]
    print(f"bot at 0.5× bare: command p99 {half.p99:,.0f} ms (goal < 100)")
    for kind in ("bare", "bot"):
        for r in results[kind]:
            for note in r.notes:
                print(f"note: {kind} {r.label}: {note}")


if __name__ == "__main__":
    asyncio.run(main())
