"""Overload: the bot against a bare NoneBot app, each over a real reverse WebSocket.

    .venv/bin/python bench/overload.py [--groups 50] [--burst 200000] [--bare-burst 10000]
        [--seconds 10] [--database sqlite|postgres|both] [--own 2] [--repeat 1] [--client-buffer 1]
    .venv/bin/python bench/overload.py --generator-only [--rate 103542] [--seconds 10]

Both servers are real processes on loopback, driven by the project's OneBot
simulator (tests/simulator/onebot.py), which keeps answering their API calls:
- bare: NoneBot + the stock OneBot v11 adapter + one trivial matcher (it counts
  every message and answers messages starting with "/"), started by this script,
  run once: it has no database;
- bot: the real bot (`python bot.py`, every plugin), its groups bound, the youth
  never consented (so their messages count anonymously), on a fresh database per
  run: a new SQLite file, and/or a new PostgreSQL database made on the server of
  --postgres and dropped afterwards (--database; default both when PostgreSQL
  answers at 127.0.0.1:5432). Every row says which.

For each server, each run in a fresh process:
1. burst: --burst ordinary group messages (--bare-burst for the bare app) as fast as
   the connection takes them, then a command; sustained rate = messages / time until
   the command is answered (the bot counts ordinary messages as it reads them, so the
   answer to a command read after them means they were all counted);
2. paced streams for --seconds at 0.5×, 1×, 2× and 4× the bare app's sustained
   rate, and at --own times the bot's own, while cadres take turns sending
   `/话题 列表` every 100 ms (one cadre alone would meet the bot's flood control:
   30 private commands a minute): offered and actually sent rate, handled rate
   during the stream (the server's own counters, LIANQING_WIRE_STATS_FILE for the
   bot), server and client CPU, command p50 / p99, the peak backlog (bytes written
   but not yet read by the server) and how long reading it takes, peak RSS (VmHWM)
   against idle (VmRSS after warm-up), whether the connection was cut (and its close
   code), and messages lost (for the bot: written to the socket but not in
   message_count after a clean stop; for the bare app: against its own counter).

--repeat N runs the bot's burst, and each stream at --own, N times per database (each
in a fresh process, streams alternating between databases); the sustained rate is then
the median of the N bursts. Why: on the 2-core bench machine one burst of the same
build measured 56,151 / 52,486 / 62,707 / 57,699 / 62,643 / 63,850 msg/s in six runs
(PostgreSQL), so a ratio to a single burst moved by ±10 % with the burst alone.

The client. Frames are built before the clock starts (`Load`: NapCat-shaped, masked
and framed as a client's WebSocket text frames, unique message ids) and written
straight to the simulator's connection, every frame due since the last write each
2 ms (`Sender`). Formatting a frame per `send_str` topped out at 44,865 msg/s, so
"2× the bot's rate" was really 1.08×; this client, alone against a socket that only
reads (--generator-only), sent 103,540/s paced (2.5× the bot's 41,417/s) with 0.10 of
a core and 399,787/s with 0.19 (load average 3 on the 2-core machine). Like a OneBot
implementation with a bounded send buffer (--client-buffer MB), it produces no
frames while that much waits in its buffer: those are "not produced", and "sent" is
what was written. NapCat's `ws` buffers without bound; with it the backlog, and a
command's wait behind it, would grow for as long as the overload lasts.

Where the backlog sits. Offered more than it reads, a server leaves the surplus in the
client's buffer and in both kernel queues (net.ipv4.tcp_wmem allows a 4 MB send
queue here and tcp_rmem a receive queue of up to 32 MB, autotuned), and a command
sent now waits behind all of it: the "peak backlog" column says how much, and how
long reading it takes at the handled rate. That, not the client, bounds a command's
latency at 2× the bot's rate.

The bare app on a burst: uvicorn pings every 20 s and closes with 1011 when the pong
has not been read 20 s later; the pong is queued behind the unread burst, so a burst
the bare app needs more than ~40 s to read gets it cut (30,000 messages on a loaded
machine did). A cut burst's rate is the server's own count by then over the time,
and the note says so; --bare-burst keeps its burst short enough by default.
"""

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from array import array
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp._websocket.helpers import websocket_mask

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import postgres_answers  # noqa: E402
from bench.interaction import CADRE_BASE, CHAT, GROUP_BASE, YOUTH_BASE, import_cadres, prepare  # noqa: E402
from tests.dbreset import fresh_postgres_database  # noqa: E402
from tests.e2e.botproc import BotProcess, db_rows, free_port, start_bot, stop_bot  # noqa: E402
from tests.simulator import OneBotSimulator  # noqa: E402
from tests.simulator.onebot import is_private_to  # noqa: E402

TOKEN = "bench-secret"
PROBE = CADRE_BASE + 1
TICK = 0.002
"""Seconds between the paced client's writes (each writes every frame due since the last)."""
BURST_CHUNK = 256
"""Frames per write in a burst."""

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


SINK_APP = r'''
import asyncio, base64, hashlib, json, os, sys

port, stats = int(sys.argv[1]), sys.argv[2]
received = 0


class Sink(asyncio.Protocol):
    """Accepts the WebSocket upgrade, then only reads (and counts bytes)."""

    def connection_made(self, transport):
        self.transport, self.head = transport, b""

    def data_received(self, data):
        global received
        if self.head is None:
            received += len(data)
            return
        self.head += data
        if b"\r\n\r\n" not in self.head:
            return
        head, rest = self.head.split(b"\r\n\r\n", 1)
        key = next(line.split(b":", 1)[1].strip() for line in head.split(b"\r\n")
                   if line.lower().startswith(b"sec-websocket-key:"))
        accept = base64.b64encode(hashlib.sha1(key + b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest())
        self.transport.write(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                             b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n")
        self.head = None
        received += len(rest)


async def main():
    server = await asyncio.get_running_loop().create_server(Sink, "127.0.0.1", port)
    async with server:
        while True:
            with open(stats + ".tmp", "w") as f:
                json.dump({"bytes": received}, f)
            os.replace(stats + ".tmp", stats)
            await asyncio.sleep(0.1)

asyncio.run(main())
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
    client_cpu: float = float("nan")  # this process's (the client's), likewise
    skipped: int = 0  # frames due but not produced: the client's send buffer was full
    backlog: tuple[int, int, int] = (0, 0, 0)  # peak bytes waiting: client buffer, kernel send, kernel receive
    frame_bytes: float = 466.0
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


async def start_server(kind: str, args: argparse.Namespace) -> Server:
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
    url = prepare_postgres(args.groups, args.postgres) if kind == "bot PostgreSQL" else prepare(args.groups)
    # Production intervals, not the end-to-end tests' fast ones.
    bot = await start_bot(
        url, access_token=TOKEN, LIANQING_WIRE_STATS_FILE=str(stats),
        INTERACTION_FLUSH_SECONDS="5", LIANQING_TICK_SECONDS="30", OUTBOX_POLL_SECONDS="5",
        LIANQING_TEST_CLOCK="",  # the real clock: the test clock stats its file on every reading
    )
    return Server(kind, bot.process, bot.port, stats, url=url, bot=bot)


def stop_server(server: Server) -> None:
    if server.bot is not None:
        stop_bot(server.bot)  # a clean stop flushes the counters
    elif server.process.poll() is None:
        server.process.terminate()
        server.process.wait(timeout=20)


class Load:
    """NapCat-shaped ordinary group messages, already framed as the client's masked WebSocket
    text frames, in one buffer with the end offset of each frame.

    Built before the clock starts: formatting, masking (aiohttp's C helper) and framing cost
    the client ~2.5-4.5 µs a frame on the bench machine, more than the bot spends reading one,
    so a client that formats while it sends cannot offer twice the bot's rate (the per-frame
    `send_raw` path topped out at 44,865 msg/s). Message ids run on from 10,000,000 within
    a run (each run is a fresh server), never repeated."""

    TEMPLATE = (
        '{"self_id":10000,"user_id":%d,"time":%d,"message_id":%d,"message_seq":%d,'
        '"real_id":%d,"real_seq":"%d","message_type":"group","sender":{"user_id":%d,'
        '"nickname":"青年","card":"","role":"member"},"raw_message":"%s","font":14,'
        '"sub_type":"normal","message":[{"type":"text","data":{"text":"%s"}}],'
        '"message_format":"array","post_type":"message","group_id":%d,"group_name":"青年群"}'
    ).encode()

    def __init__(self, groups: int, count: int) -> None:
        rng = random.Random(7)
        texts = [t.encode() for t in CHAT]
        now = int(time.time())
        mask_bits = random.Random(11).getrandbits
        self.buffer = bytearray()
        self.ends = array("Q", [0])
        for mid in range(10_000_001, 10_000_001 + count):
            user = YOUTH_BASE + rng.randrange(groups * 40)
            text = texts[rng.randrange(len(texts))]
            body = bytearray(self.TEMPLATE % (
                user, now, mid, mid, mid, mid, user, text, text, GROUP_BASE + rng.randrange(groups)
            ))
            assert 126 <= len(body) < 65536  # a 16-bit extended length
            mask = mask_bits(32).to_bytes(4, "big")
            websocket_mask(mask, body)
            self.buffer += b"\x81\xfe" + len(body).to_bytes(2, "big") + mask  # FIN, text; masked
            self.buffer += body
            self.ends.append(len(self.buffer))

    def __len__(self) -> int:
        return len(self.ends) - 1


class Sender:
    """Writes pre-built frames straight to the simulator's connection, whole frames per write.

    The simulator keeps answering the bot's API calls on the same connection: aiohttp writes
    an uncompressed frame with one synchronous transport.write (aiohttp/_websocket/writer.py),
    and so does this, so frames never interleave. Like a OneBot implementation with a bounded
    send buffer, the caller does not produce frames while more than `cap` bytes wait in the
    client's buffer (the kernel's socket buffers are full behind them)."""

    def __init__(self, sim: OneBotSimulator, load: Load, cap: int) -> None:
        ws = sim._ws  # the simulator's own connection, on purpose
        assert ws is not None
        self.sim = sim
        self.transport = ws._writer.transport
        self.view = memoryview(load.buffer)
        self.ends = load.ends
        self.cap = cap
        self.sent = 0
        self.ports = (self.transport.get_extra_info("sockname")[1], self.transport.get_extra_info("peername")[1])

    def buffered(self) -> int:
        return self.transport.get_write_buffer_size()

    def full(self) -> bool:
        return self.buffered() > self.cap

    def write(self, frames: int) -> int:
        """Write the next `frames` frames (fewer when the pre-built ones run out)."""
        if self.transport.is_closing() or not self.sim.is_connected:
            raise ConnectionResetError("the connection was cut")
        frames = min(frames, len(self.ends) - 1 - self.sent)
        if frames > 0:
            self.transport.write(self.view[self.ends[self.sent]:self.ends[self.sent + frames]])
            self.sent += frames
        return frames

    def backlog(self) -> tuple[int, int, int]:
        """Bytes written but not yet read by the server: in this client's buffer, in the kernel's
        send queue of its socket and in the receive queue of the server's (/proc/net/tcp)."""
        mine, theirs = self.ports
        send = receive = 0
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            f = line.split()
            local, remote = int(f[1].rsplit(":", 1)[1], 16), int(f[2].rsplit(":", 1)[1], 16)
            tx, rx = (int(x, 16) for x in f[4].split(":"))
            if (local, remote) == (mine, theirs):
                send = tx
            elif (local, remote) == (theirs, mine):
                receive = rx
        return self.buffered(), send, receive

    @property
    def bytes_sent(self) -> int:
        return self.ends[self.sent]

    async def drained(self, timeout: float) -> bool:
        """Until the client's buffer is empty (everything written is in the kernel's hands)."""
        deadline = time.perf_counter() + timeout
        while self.buffered() and time.perf_counter() < deadline and self.sim.is_connected:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        return not self.buffered()


def simulator(server: Server, groups: int) -> OneBotSimulator:
    sim = OneBotSimulator(server.ws_url, access_token=TOKEN)
    for i in range(groups):
        sim.add_group(GROUP_BASE + i, f"群{i}", [(CADRE_BASE + i, f"团干部{i}", "owner")])
    return sim


async def ask(sim: OneBotSimulator, timeout: float, cadre: int = PROBE) -> float:
    """A cadre's `/话题 列表`: milliseconds until its answer; ConnectionResetError at once when the
    connection is cut meanwhile (rather than waiting out the timeout)."""
    start = len(sim.calls)
    asked = time.perf_counter()
    await sim.private_message(cadre, "/话题 列表")
    deadline = asked + timeout
    while True:
        try:
            await sim.wait_for(lambda c: is_private_to(c, cadre), start=start, timeout=0.5)
            return (time.perf_counter() - asked) * 1000
        except TimeoutError:
            if not sim.is_connected:
                raise ConnectionResetError("the connection was cut") from None
            if time.perf_counter() > deadline:
                raise


def closed(sim: OneBotSimulator) -> str:
    """How the connection ended, as the client saw it (uvicorn closes with 1011 when a keep-alive
    ping goes unanswered for ws_ping_timeout)."""
    ws = sim._ws
    if ws is None or not ws.closed:
        return "still open" if ws is not None else "no connection"
    return f"closed by the server with code {ws.close_code}" if ws.close_code is not None else "cut"


async def burst(server: Server, args: argparse.Namespace, label: str = "burst") -> Result:
    result = Result(label)
    size = args.bare_burst if server.name == "bare" else args.burst
    sim, load = simulator(server, args.groups), Load(args.groups, size)
    async with sim.connected():
        await ask(sim, 30)
        result.idle_mb = server.memory("VmRSS")
        sender = Sender(sim, load, args.cap)
        started = time.perf_counter()
        cpu0, client0 = server.cpu_seconds(), time.process_time()
        try:
            while sender.sent < len(load):
                if sender.full():
                    await asyncio.sleep(0.001)  # as fast as the connection takes them
                    continue
                sender.write(BURST_CHUNK)
                await asyncio.sleep(0)  # the simulator's reader answers the bot meanwhile
            await ask(sim, 600)
            elapsed = time.perf_counter() - started
            result.handled_rate = size / elapsed
        except (ConnectionError, TimeoutError) as e:
            # Cut (or no answer): the rate is what the server's own counter reached by then.
            elapsed = time.perf_counter() - started
            await asyncio.sleep(0.2)  # the counters file is written every 0.1 s
            handled = server.ordinary()
            result.handled_rate = handled / elapsed
            result.cut = not sim.is_connected
            result.notes.append(
                f"{type(e).__name__} after {elapsed:.1f} s ({closed(sim)}), {handled:,} of {size:,} "
                "handled by then (its rate is that count over that time)"
            )
        result.acked = sender.sent
        result.cpu = (server.cpu_seconds() - cpu0) / elapsed
        result.client_cpu = (time.process_time() - client0) / elapsed
    result.peak_mb = server.memory("VmHWM")
    return result


async def stream(server: Server, rate: float, label: str, args: argparse.Namespace) -> Result:
    result = Result(label, offered=rate, seconds=args.seconds)
    sim, load = simulator(server, args.groups), Load(args.groups, int(rate * args.seconds) + 1)
    result.frame_bytes = load.ends[-1] / len(load)
    latencies: list[float] = []
    async with sim.connected():
        await ask(sim, 30)
        await asyncio.sleep(1)  # settle
        result.idle_mb = server.memory("VmRSS")
        sender = Sender(sim, load, args.cap)
        before = server.ordinary()
        cpu0, client0 = server.cpu_seconds(), time.process_time()
        t0 = time.perf_counter()

        async def send() -> None:
            offered = 0
            while (elapsed := time.perf_counter() - t0) < args.seconds:
                due = int(elapsed * rate) - offered
                if due > 0:
                    offered += due
                    if sender.full():
                        result.skipped += due  # not produced: the client's buffer is full
                    else:
                        sender.write(due)
                await asyncio.sleep(TICK)

        async def sample() -> None:
            while time.perf_counter() - t0 < args.seconds:
                backlog = sender.backlog()
                if sum(backlog) > sum(result.backlog):
                    result.backlog = backlog
                await asyncio.sleep(0.05)

        async def probe() -> None:
            # The cadres take turns: the bot answers 30 private commands a minute per sender
            # (LIANQING_PRIVATE_COMMANDS_PER_MINUTE), then warns once and drops the rest.
            cadres = itertools.cycle(range(CADRE_BASE, CADRE_BASE + args.groups))
            while time.perf_counter() - t0 < args.seconds:
                try:
                    latencies.append(await ask(sim, 30, next(cadres)))
                except TimeoutError:
                    latencies.append(float("inf"))
                await asyncio.sleep(0.1)

        try:
            await asyncio.gather(send(), probe(), sample())
        except ConnectionError as e:
            result.notes.append(f"{type(e).__name__} after {time.perf_counter() - t0:.1f} s ({closed(sim)})")
        result.acked = sender.sent
        result.handled_rate = (server.ordinary() - before) / args.seconds
        result.cpu = (server.cpu_seconds() - cpu0) / (time.perf_counter() - t0)
        result.client_cpu = (time.process_time() - client0) / (time.perf_counter() - t0)
        # Let the backlog drain (bounded), to count losses.
        deadline = time.perf_counter() + args.drain
        await sender.drained(args.drain)
        while time.perf_counter() < deadline and server.ordinary() - before < result.acked:
            if not sim.is_connected:  # what was read is handled within a moment; the rest never arrives
                deadline = min(deadline, time.perf_counter() + 2)
            await asyncio.sleep(0.2)  # polls the other process's counters file
        await asyncio.sleep(0.2)  # the counters file is written every 0.1 s
        result.handled_total = server.ordinary() - before
        result.cut = not sim.is_connected
    result.peak_mb = server.memory("VmHWM")
    finite = sorted(x for x in latencies if x != float("inf"))
    result.probes = len(latencies)
    if finite:
        result.p50 = statistics.median(finite)
        result.p99 = finite[min(len(finite) - 1, int(len(finite) * 0.99))] if len(finite) == len(latencies) else float("inf")
    return result


def prepare_postgres(groups: int, postgres: str) -> str:
    """A fresh PostgreSQL database with the same roster and bound groups as `prepare`'s SQLite file."""
    url = fresh_postgres_database(postgres, f"lianqing_bench_overload_{os.getpid()}")
    import_cadres(url, groups)
    db_rows(
        url,
        "INSERT INTO bound_group (group_id, name, cadre_id, bot_id, bound_by, bound_at, synced_at, member_count) "
        f"SELECT qq - {CADRE_BASE} + {GROUP_BASE}, '', id, 10000, qq, "
        "'2026-11-30 02:00:00+00:00'::timestamptz, '2026-11-30 02:00:00+00:00'::timestamptz, 0 FROM cadre",
    )
    return url


def drop_postgres(url: str) -> None:
    base, name = url.rsplit("/", 1)
    subprocess.run(["psql", f"{base}/postgres", "-qc", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'],
                   capture_output=True, check=False)


async def run(kind: str, what: str, rate: float, args: argparse.Namespace) -> Result:
    database = "" if kind == "bare" else kind.split(" ", 1)[1]
    server = await start_server(kind, args)
    try:
        result = await (burst(server, args, what) if what.startswith("burst") else stream(server, rate, what, args))
    finally:
        stop_server(server)
    if server.url is not None:  # the bot: every acknowledged youth message is in the database
        try:
            counted = db_rows(server.url, "SELECT COALESCE(SUM(count), 0) FROM message_count WHERE NOT is_cadre")[0][0]
        finally:
            if database == "PostgreSQL":
                drop_postgres(server.url)
        result.lost = result.acked - int(counted)
    elif not what.startswith("burst"):
        result.lost = result.acked - result.handled_total
    if result.notes:
        print(f"  {kind} {what}: {'; '.join(result.notes)}", file=sys.stderr)
    return result


def backlog(r: Result) -> str:
    """The peak backlog and how long the server needs to read through it at its handled rate."""
    total = sum(r.backlog)
    return f"{total / 1e6:.1f} MB ≈ {total / r.frame_bytes / max(r.handled_rate, 1):.2f} s" if r.offered else "—"


def line(server: str, r: Result, sustained: float) -> str:
    rss = f"{r.peak_mb:.0f} MB (idle {r.idle_mb:.0f}, +{r.peak_mb - r.idle_mb:.0f})"
    if r.offered:
        offered = f"{r.offered:,.0f}/s (sent {r.acked / r.seconds:,.0f}/s"
        offered += f", not produced {r.skipped / r.seconds:,.0f}/s)" if r.skipped else ")"
    else:
        offered = "as fast as possible"
    latency = f"p50 {r.p50:,.0f} ms, p99 {r.p99:,.0f} ms ({r.probes})" if r.probes else "—"
    lost = "—" if r.lost is None else f"{r.lost:,}"
    return (
        f"| {server} | {r.label} | {offered} | {r.handled_rate:,.0f}/s ({r.handled_rate / sustained:.2f}×) "
        f"| {r.cpu:.2f} | {r.client_cpu:.2f} | {latency} | {backlog(r)} | {rss} | {'yes' if r.cut else 'no'} | {lost} |"
    )


def databases(choice: str | None) -> list[str]:
    if choice is None:
        choice = "both" if postgres_answers() else "sqlite"
        if choice == "sqlite":
            print("PostgreSQL does not answer at 127.0.0.1:5432: SQLite only", file=sys.stderr)
    return {"sqlite": ["SQLite"], "postgres": ["PostgreSQL"], "both": ["SQLite", "PostgreSQL"]}[choice]


def spawn_sink(stats: Path) -> Server:
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="lianqing-sink-"))
    (folder / "sink.py").write_text(SINK_APP)
    process = subprocess.Popen([sys.executable, "sink.py", str(port), str(stats)], cwd=folder)
    return Server("sink", process, port, stats)


async def generator_only(args: argparse.Namespace) -> None:
    """The client alone, paced at --rate for --seconds, against a socket that only reads."""
    server = spawn_sink(stats_path())
    try:
        for _ in range(100):  # readiness poll
            with contextlib.suppress(OSError):
                _, writer = await asyncio.open_connection("127.0.0.1", server.port)
                writer.close()
                break
            await asyncio.sleep(0.1)
        built = time.perf_counter()
        load = Load(args.groups, int(args.rate * args.seconds) + 1)
        built = time.perf_counter() - built
        sim = OneBotSimulator(server.ws_url, access_token=TOKEN)
        async with sim.connected():
            sender = Sender(sim, load, args.cap)
            await asyncio.sleep(0.3)
            received0 = int(server.stats().get("bytes", 0))
            skipped, offered = 0, 0
            t0, client0 = time.perf_counter(), time.process_time()
            while (elapsed := time.perf_counter() - t0) < args.seconds:
                due = int(elapsed * args.rate) - offered
                if due > 0:
                    offered += due
                    if sender.full():
                        skipped += due
                    else:
                        sender.write(due)
                await asyncio.sleep(TICK)
            client_cpu = (time.process_time() - client0) / (time.perf_counter() - t0)
            in_window = int(server.stats().get("bytes", 0)) - received0
            await sender.drained(60)
            await asyncio.sleep(0.3)  # the sink writes its counter every 0.1 s
            received = int(server.stats().get("bytes", 0)) - received0
            written = sender.bytes_sent
            print(
                f"offered {args.rate:,.0f}/s for {args.seconds:g} s: sent {sender.sent / args.seconds:,.0f}/s, "
                f"not produced {skipped / args.seconds:,.0f}/s, client CPU {client_cpu:.2f}; the sink read "
                f"{in_window / written:.1%} of the {written:,} bytes by the end of the stream, "
                f"{received / written:.1%} in the end; {len(load):,} frames built beforehand in {built:.1f} s "
                f"({load.ends[-1] / len(load):.0f} B each); load average {os.getloadavg()[0]:.2f}"
            )
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--burst", type=int, default=200_000, help="messages in the bot's burst")
    parser.add_argument("--bare-burst", type=int, default=10_000,
                        help="in the bare app's (it is cut when reading them takes over ~40 s)")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--drain", type=float, default=60, help="seconds to wait for a backlog after a stream")
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"),
                        help="the bot's database (default: both when PostgreSQL answers at 127.0.0.1:5432)")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/test",
                        help="a database on the server where fresh ones are made")
    parser.add_argument("--own", default="2", help="factors of the bot's own sustained rate to offer, e.g. 2,4")
    parser.add_argument("--repeat", type=int, default=1,
                        help="bursts and streams at --own per database, each in a fresh process; the sustained "
                             "rate is the median of the bursts")
    parser.add_argument("--client-buffer", type=float, default=1.0,
                        help="MB the client lets wait in its send buffer before it stops producing")
    parser.add_argument("--generator-only", action="store_true",
                        help="only the client, paced at --rate for --seconds, against a socket that just reads")
    parser.add_argument("--rate", type=float, default=2.5 * 41_417, help="with --generator-only")
    args = parser.parse_args()
    args.cap = int(args.client_buffer * 1024 * 1024)
    if args.generator_only:
        await generator_only(args)
        return
    own_factors = [float(f) for f in args.own.split(",") if f]
    bots = [f"bot {d}" for d in databases(args.database)]
    repeat = max(1, args.repeat)

    def numbered(label: str, i: int) -> str:
        return f"{label} ({i + 1}/{repeat})" if repeat > 1 else label

    results: dict[str, list[Result]] = {"bare": [await run("bare", "burst", 0, args)]}
    for kind in bots:
        results[kind] = [await run(kind, numbered("burst", i), 0, args) for i in range(repeat)]
    base = results["bare"][0].handled_rate
    # The bot's sustained rate: the median of its bursts (each in a fresh process).
    own = {kind: statistics.median(r.handled_rate for r in results[kind]) for kind in bots}
    for factor in (0.5, 1, 2, 4):
        for kind in ["bare", *bots]:
            results[kind].append(await run(kind, f"{factor:g}× bare", base * factor, args))
    at_own: dict[str, list[Result]] = {kind: [] for kind in bots}
    for factor in own_factors:
        for i in range(repeat):
            for kind in bots:
                r = await run(kind, numbered(f"{factor:g}× own", i), own[kind] * factor, args)
                results[kind].append(r)
                at_own[kind].append(r)

    print(f"{args.groups} bound groups, bursts of {args.burst:,} messages (bare {args.bare_burst:,}), "
          f"{args.seconds:g} s streams; "
          f"client buffer {args.client_buffer:g} MB; {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f} at the end")
    print("| server | load | offered | handled (÷ own sustained) | server CPU | client CPU "
          "| `/话题 列表` every 100 ms | peak backlog | peak RSS | cut | lost |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for kind in ["bare", *bots]:
        sustained = base if kind == "bare" else own[kind]
        for r in results[kind]:
            print(line(kind, r, sustained))
    for kind in bots:
        rate = own[kind]
        bursts = [r.handled_rate for r in results[kind][:repeat]]
        print(f"{kind}: sustained {rate:,.0f}/s"
              + (f" (median of {repeat} bursts: {', '.join(f'{b:,.0f}' for b in bursts)})" if repeat > 1 else "")
              + f", bare {base:,.0f}/s, ratio {rate / base:.1f} (goal >= 3)")
        for r in at_own[kind]:
            print(
                f"{kind} at {r.label}: offered {r.offered:,.0f}/s, sent {r.acked / r.seconds:,.0f}/s, "
                f"handled {r.handled_rate / rate:.2f} of sustained (goal >= 0.9), "
                f"command p99 {r.p99:,.0f} ms (goal < 1000), peak RSS +{r.peak_mb - r.idle_mb:.0f} MB over idle "
                f"(goal <= 50), cut: {'yes' if r.cut else 'no'}, lost {r.lost}"
            )
            client, send, receive = (b / 1e6 for b in r.backlog)
            print(f"{kind} at {r.label}: peak backlog {backlog(r)} of reading "
                  f"(client buffer {client:.1f} MB, kernel send queue {send:.1f} MB, server's receive queue {receive:.1f} MB)")
            print(f"{kind} CPU per 1,000 ordinary messages at {r.label}: "
                  f"{1000 * r.cpu / max(r.handled_rate, 1):.3f} s "
                  f"(one core would count {r.handled_rate / max(r.cpu, 1e-9):,.0f}/s)")
        if repeat > 1:
            for factor in own_factors:
                ratios = [r.handled_rate / rate for r in at_own[kind] if r.label.startswith(f"{factor:g}× own")]
                print(f"{kind} at {factor:g}× own: handled {statistics.median(ratios):.2f} of sustained, median of "
                      f"{len(ratios)} runs ({', '.join(f'{x:.2f}' for x in ratios)}; goal >= 0.9)")
        half = results[kind][repeat]
        print(f"{kind} at 0.5× bare: command p99 {half.p99:,.0f} ms (goal < 100)")
    for kind in ["bare", *bots]:
        for r in results[kind]:
            for note in r.notes:
                print(f"note: {kind} {r.label}: {note}")


if __name__ == "__main__":
    asyncio.run(main())
