"""Dispatch rate of ordinary group messages: every plugin loaded vs one trivial matcher.

    .venv/bin/python bench/dispatch.py [--events 20000] [--rounds 3]

Each variant runs in its own process with the project's default settings
(.env: LOG_LEVEL=WARNING). Events go through the OneBot adapter's
`Bot.handle_event` (reply/@/nickname checks, then NoneBot's matchers and
processors), as after JSON decoding. Prints events/s per variant and the ratio
full / baseline; the goal is >= 0.9 (issue 14: the command grammar may cost at most a tenth).
"""

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHAT = [
    "今天的志愿活动几点集合？",
    "收到，谢谢团委老师",
    "有没有人一起去图书馆",
    "哈哈哈哈",
    "这个政策具体怎么申请呀",
    "明天早上八点，东门见",
    "已报名",
    "请问实习证明在哪里盖章",
]


def make_events(n: int, self_id: int) -> list[dict]:
    rng = random.Random(7)
    events = []
    for i in range(n):
        group_id = 800000 + rng.randrange(50)
        user_id = 2000000 + rng.randrange(500)
        segments = [{"type": "text", "data": {"text": rng.choice(CHAT)}}]
        if i % 10 == 0:
            segments.append({"type": "face", "data": {"id": "14"}})
        if i % 17 == 0:
            segments.insert(0, {"type": "at", "data": {"qq": str(2000000 + rng.randrange(500))}})
        events.append(
            {
                "time": 1764300000 + i,
                "self_id": self_id,
                "post_type": "message",
                "message_type": "group",
                "sub_type": "normal",
                "message_id": 10_000_000 + i,
                "message_seq": 10_000_000 + i,
                "real_id": 10_000_000 + i,
                "group_id": group_id,
                "group_name": f"青年群{group_id}",
                "user_id": user_id,
                "anonymous": None,
                "sender": {"user_id": user_id, "nickname": "青年", "card": "", "role": "member"},
                "message": segments,
                "message_format": "array",
                "raw_message": "",
                "font": 14,
            }
        )
    return events


async def child(variant: str, n: int) -> float:
    import nonebot
    from nonebot.adapters.onebot.v11 import Adapter, Bot

    from config.logging import setup_logging

    os.chdir(ROOT)
    db = Path(tempfile.mkdtemp(prefix="lianqing-bench-")) / "bench.sqlite3"
    nonebot.init(environment="bench", database_url=f"sqlite://{db}")
    setup_logging(nonebot.get_driver().config.log_level)
    driver = nonebot.get_driver()
    driver.register_adapter(Adapter)
    if variant == "full":
        nonebot.load_plugins("plugins")
    else:
        from nonebot import on_message
        from nonebot.adapters.onebot.v11 import MessageEvent
        from nonebot.rule import Rule

        async def never(event: MessageEvent) -> bool:
            return event.get_plaintext().startswith("/ping")

        on_message(rule=Rule(never), block=True)

    adapter = Adapter(driver)
    bot = Bot(adapter, "10000")
    events = [e for e in (adapter.json_to_event(raw) for raw in make_events(n, 10000)) if e is not None]
    async with driver._lifespan:
        await asyncio.gather(*(bot.handle_event(e) for e in events[:200]))  # warm-up
        started = time.perf_counter()
        for event in events[200:]:
            await bot.handle_event(event)
        elapsed = time.perf_counter() - started
    return (len(events) - 200) / elapsed


def run_variant(variant: str, n: int) -> float:
    out = subprocess.run(
        [sys.executable, __file__, "--child", variant, "--events", str(n)],
        cwd=ROOT, capture_output=True, text=True, check=True,
        env={**os.environ, "ENVIRONMENT": "bench"},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])["rate"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", choices=["baseline", "full"])
    args = parser.parse_args()
    if args.child:
        rate = asyncio.run(child(args.child, args.events))
        print(json.dumps({"rate": rate}))
        return
    rates: dict[str, list[float]] = {"baseline": [], "full": []}
    for _ in range(args.rounds):
        for variant in rates:
            rates[variant].append(run_variant(variant, args.events))
    base = statistics.median(rates["baseline"])
    full = statistics.median(rates["full"])
    print(f"events per run: {args.events - 200} (after 200 warm-up), rounds: {args.rounds}")
    print(f"baseline (one trivial matcher): {base:,.0f} events/s  runs: {[round(r) for r in rates['baseline']]}")
    print(f"full (every plugin loaded):     {full:,.0f} events/s  runs: {[round(r) for r in rates['full']]}")
    print(f"ratio full/baseline: {full / base:.2f} (goal >= 0.9)")


if __name__ == "__main__":
    main()
