"""The README's two transcripts, "一个青年的第一次" and "一个团干部的第一周", are what the
real bot says: this test plays both stories through the bot process and the OneBot
simulator with a controlled clock and compares them with the README word for word.

When a reply changes on purpose, regenerate the README's blocks with
    LIANQING_WRITE_TRANSCRIPTS=1 .venv/bin/python -m pytest tests/e2e/test_transcripts_e2e.py
and read the diff before committing it: it is what users will read.

Each step waits until the outbox has nothing left to send, so a message the bot sends
on its own (the personal-information notice, the evening count) appears after the step
that caused it, always in the same place.
"""

import os
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import ROOT
from tests.e2e.botproc import (
    db_rows,
    e2e_database_url,
    eventually,
    import_roster,
    start_bot,
    stop_bot,
)
from tests.simulator import OneBotSimulator
from tests.simulator.onebot import ApiCall, is_private_call

SH = ZoneInfo("Asia/Shanghai")
ORGS = "组织名称,上级组织,层级,管理员QQ\n浙江省委,,省,30001\n杭州市委,浙江省委,市,30002\n"
CADRES = "姓名,组织,类别,QQ\n张三,杭州市委,专职,20001\n"
ZHANG, XIAOYI, XIAOER, XIAOSAN = 20001, 50001, 50002, 50003
G = 830001
NAMES = {ZHANG: "张三", XIAOYI: "小一", XIAOER: "小二", XIAOSAN: "小三"}
WEEKDAYS = "一二三四五六日"


class Story:
    """Plays steps through the simulator and writes down who said what, in order."""

    def __init__(self, bot, sim: OneBotSimulator, viewer: int) -> None:
        """`viewer`: whose phone the story is told from (their private chat and the group)."""
        self.bot, self.sim, self.viewer, self.lines = bot, sim, viewer, []

    def day(self, instant: datetime) -> None:
        self.bot.set_clock(instant)
        self.lines.append(f"—— {instant.month} 月 {instant.day} 日（周{WEEKDAYS[instant.weekday()]}）{instant:%H:%M} ——")

    async def settle(self, start: int) -> None:
        """Wait until the outbox is empty, then write down what the bot sent since `start`."""

        async def drained() -> bool:
            rows = db_rows(self.bot.database_url, "SELECT COUNT(*) FROM outbox_message WHERE status IN ('pending', 'sending')")
            return rows[0][0] == 0

        if not await eventually(drained, timeout=20):
            rows = db_rows(self.bot.database_url, "SELECT target, category, status, not_before, text FROM outbox_message WHERE status IN ('pending', 'sending')")
            raise AssertionError(f"outbox not drained: {rows}")
        sent = [
            c for c in self.sim.calls[start:]
            if c.action in ("send_msg", "send_private_msg", "send_group_msg")
            and (not is_private_call(c) or int(c.params["user_id"]) == self.viewer)
        ]
        # Answers first, then what the outbox sent: the order a phone shows them in.
        for call in sorted(sent, key=lambda c: c.action != "send_msg"):
            self.lines.append(self.said(call))

    @staticmethod
    def said(call: ApiCall) -> str:
        if is_private_call(call):
            who = NAMES.get(int(call.params["user_id"]), call.params["user_id"])
            head = f"联青（私聊{who}）："
        else:
            at = [s["data"]["qq"] for s in call.segments if s["type"] == "at"]
            head = "联青（群里）：" + "".join(f"@{NAMES.get(int(q), q)} " for q in at)
        return head + call.text.strip().replace("\n", "\n    ")

    async def group(self, qq: int, text: str) -> None:
        start = len(self.sim.calls)
        self.lines.append(f"{NAMES[qq]}（群里）：{text}")
        await self.sim.ask_group(G, qq, text)
        await self.settle(start)

    async def private(self, qq: int, text: str) -> None:
        start = len(self.sim.calls)
        if qq == self.viewer:  # someone else's private chat is not on this phone
            self.lines.append(f"{NAMES[qq]}（私聊）：{text}")
        await self.sim.ask_private(qq, text)
        await self.settle(start)

    async def wait(self) -> None:
        """Let the clock's jobs run (the tick is 0.3 s), then write down what they sent."""
        start = len(self.sim.calls)

        async def ran() -> bool:
            rows = db_rows(self.bot.database_url, "SELECT COUNT(*) FROM outbox_message")
            return rows[0][0] > self.queued

        await eventually(ran, timeout=5)
        await self.settle(start)

    queued = 0

    def count_queued(self) -> None:
        self.queued = db_rows(self.bot.database_url, "SELECT COUNT(*) FROM outbox_message")[0][0]

    def text(self) -> str:
        return "\n".join(self.lines)


def check_or_write(name: str, text: str) -> None:
    readme_path = ROOT / "README.md"
    readme = readme_path.read_text(encoding="utf-8")
    start, end = f"<!-- transcript:{name} -->\n```text\n", "\n```\n<!-- /transcript -->"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    assert pattern.search(readme), f"README has no transcript block {name}"
    if os.environ.get("LIANQING_WRITE_TRANSCRIPTS"):
        readme_path.write_text(pattern.sub(lambda _: start + text + end, readme), encoding="utf-8")
        return
    shown = pattern.search(readme)
    assert shown is not None
    assert shown.group(0) == start + text + end, "regenerate with LIANQING_WRITE_TRANSCRIPTS=1 (see docstring)"


@pytest.fixture(scope="module")
async def bot(tmp_path_factory):
    url = e2e_database_url("lianqing_e2e_transcripts")
    import_roster(url, tmp_path_factory.mktemp("roster"), ORGS, CADRES)
    process = await start_bot(url, clock_at=datetime(2026, 11, 30, 10, 0, tzinfo=SH))
    yield process
    stop_bot(process)


async def test_the_readme_transcripts_are_what_the_bot_says(bot) -> None:
    sim = OneBotSimulator(bot.ws_url, access_token=bot.access_token)
    sim.add_group(G, "杭州青年一群", [(ZHANG, "张三", "owner"), (XIAOYI, "小一"), (XIAOER, "小二"), (XIAOSAN, "小三")])
    async with sim.connected():
        # ---------------------------------------------------------- 一个团干部的第一周
        week = Story(bot, sim, ZHANG)
        week.day(datetime(2026, 11, 30, 10, 0, tzinfo=SH))
        start = len(sim.calls)
        await week.settle(start)  # the welcome queued by the roster import
        await week.private(ZHANG, "/帮助")
        await week.group(ZHANG, "/绑定本群")
        await week.group(ZHANG, "/话题 周末去哪儿做志愿者？")
        youth = Story(bot, sim, XIAOYI)
        # ---------------------------------------------------------- 一个青年的第一次
        youth.day(datetime(2026, 11, 30, 10, 20, tzinfo=SH))
        await youth.group(XIAOYI, "/帮助")
        await youth.group(XIAOYI, "/加入 大学生")
        await youth.private(XIAOYI, "/同意")
        await youth.private(XIAOYI, "/资料")
        await youth.private(XIAOYI, "/诉求 图书馆晚上九点就关门，复习不够用")
        await youth.private(XIAOYI, "你好")
        await youth.private(XIAOYI, "/退出 全部")
        # The cadre's week goes on.
        bot.set_clock(datetime(2026, 11, 30, 10, 40, tzinfo=SH))
        await week.group(XIAOER, "/加入 上班")
        await week.private(XIAOER, "/同意")
        week.day(datetime(2026, 11, 30, 20, 0, tzinfo=SH))
        week.count_queued()
        await week.wait()  # the evening count
        week.day(datetime(2026, 12, 1, 9, 0, tzinfo=SH))
        await week.private(ZHANG, "/联系人")
        await week.private(ZHANG, "/诉求 列表")
        await week.private(ZHANG, "/回复 1 已和图书馆商量，期末两周开到十一点")
        await week.private(ZHANG, "/提醒")
    check_or_write("youth", youth.text())
    check_or_write("cadre", week.text())
