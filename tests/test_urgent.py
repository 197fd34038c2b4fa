"""The urgent path: the youth gets the hotline first, handlers hear at once at any hour,
and the next level hears when nobody answers within REQUESTS_URGENT_HOURS."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from nonebug import App

from models import Case, OutboxMessage
from plugins.core import clock
from plugins.outbox.config import settings as outbox_settings
from plugins.outbox.service import enqueue
from plugins.requests import jobs, urgent
from plugins.requests.config import settings
from tests.helpers import Contains, Lacks, Notice, converse, deliver, group, private
from tests.seed import HANGZHOU_ADMIN, PROVINCE_ADMIN
from tests.test_requests import Y1, Y2, ZHANG, G, bind_group, link, setup

SH = ZoneInfo("Asia/Shanghai")
NIGHT = datetime(2026, 11, 30, 23, 0, tzinfo=SH)


async def test_urgent_by_command_at_night_reaches_cadre_and_admins_then_the_next_level(app: App) -> None:
    _, zhang, _, _ = await setup()
    await link(Y1, zhang)
    clock.set_now(NIGHT)
    await enqueue(Y2, "一条普通提醒", category="test")  # quiet hours hold it
    await converse(
        app,
        private(Y1, "/诉求 紧急 宿舍有人天天找我麻烦"),
        Contains("12355", "编号 #1", "已马上告诉团干部张三（杭州市委）和组织管理员", "2 小时内"),
        Notice(ZHANG, Contains("【紧急诉求 #1】", "青年标为紧急", "宿舍有人天天找我麻烦", "QQ 50001", "/回复 1")),
        Notice(HANGZHOU_ADMIN, Contains("【紧急诉求 #1】", "负责：团干部张三（杭州市委）", "匿名")),
    )
    case = await Case.get(id=1)
    assert case.urgent and case.urgent_by == "youth"
    # 1:59 later nothing; at 2 hours the province's administrator hears, once.
    clock.set_now(NIGHT + timedelta(hours=1, minutes=59))
    await jobs.check()
    await deliver(app)
    clock.set_now(NIGHT + timedelta(hours=2))
    await jobs.check()
    await deliver(app, Notice(PROVINCE_ADMIN, Contains("【紧急诉求 #1 无人答复】", "杭州市委", "超过 2 小时")))
    clock.set_now(NIGHT + timedelta(hours=3))
    await jobs.check()
    await deliver(app)
    assert await OutboxMessage.filter(target=Y2, status="pending").exists()
    await converse(app, private(ZHANG, "/诉求 1"), Contains("【诉求 #1】未分类｜紧急", "紧急诉求无人答复，已告知上级"))


async def test_a_phrase_makes_a_case_urgent_and_danger_adds_110_and_120(app: App) -> None:
    _, zhang, _, _ = await setup()
    await link(Y1, zhang)
    clock.set_now(NIGHT)
    await converse(
        app,
        private(Y1, "/诉求 最近压力很大，不想 活了"),
        Contains("110", "120", "12355", "编号 #1"),
        Notice(ZHANG, Contains("【紧急诉求 #1】", "联青按内容判断为紧急")),
        Notice(HANGZHOU_ADMIN, Contains("【紧急诉求 #1】")),
    )
    await converse(
        app,
        private(Y1, "/诉求 学校里有霸凌"),
        Contains("12355", "编号 #2"),
        Notice(ZHANG, Contains("【紧急诉求 #2】")),
        Notice(HANGZHOU_ADMIN, Contains("【紧急诉求 #2】")),
    )
    assert (await Case.get(id=2)).urgent_by == "phrase"
    # An answer in time: nobody above is told.
    # The answer to the youth is an ordinary message: it waits for the morning.
    await converse(app, private(ZHANG, "/回复 1 我马上给你打电话"), Contains("已答复诉求 #1"))
    clock.set_now(NIGHT + timedelta(hours=2))
    await jobs.check()
    await deliver(app, Notice(PROVINCE_ADMIN, Contains("【紧急诉求 #2 无人答复】")))


async def test_ordinary_requests_are_not_urgent(app: App) -> None:
    _, zhang, _, _ = await setup()
    await link(Y1, zhang)
    await converse(
        app,
        private(Y1, "/诉求 食堂饭菜太贵了"),
        Lacks("12355"),
        Notice(ZHANG, Contains("【新诉求 #1】")),
    )
    assert not (await Case.get(id=1)).urgent


async def test_in_a_group_nothing_urgent_shows_and_the_hotline_goes_privately(app: App) -> None:
    _, zhang, _, _ = await setup()
    await link(Y1, zhang)
    await bind_group(zhang)
    clock.set_now(NIGHT)
    await converse(
        app,
        group(G, Y1, "/诉求 我被家暴了"),
        Lacks("12355", "紧急", "家暴"),
        Notice(ZHANG, Contains("【紧急诉求 #1】")),
        Notice(HANGZHOU_ADMIN, Contains("【紧急诉求 #1】")),
        Notice(Y1, Contains("12355", "编号 #1")),
    )


async def test_urgent_notices_pass_daily_caps_and_urgent_cases_come_first(app: App) -> None:
    _, zhang, _, _ = await setup()
    await link(Y1, zhang)
    await converse(app, private(Y1, "/诉求 食堂饭菜太贵了"), Contains("编号 #1"), Notice(ZHANG, Contains("#1")))
    with outbox_settings.override(outbox_staff_daily_limit=0), settings.override(requests_daily_limit=1):
        await converse(
            app,
            private(Y1, "/诉求 紧急 有人勒索我"),  # over the youth's daily limit too
            Contains("编号 #2"),
            Notice(ZHANG, Contains("【紧急诉求 #2】")),
            Notice(HANGZHOU_ADMIN, Contains("【紧急诉求 #2】")),
        )
    text = await _reply_text(app, ZHANG, "/诉求 列表")
    assert text.index("#2") < text.index("#1")
    await converse(app, private(ZHANG, "/清单"), Contains("诉求 2 件", "其中紧急 1 件"))
    await converse(app, group(G, ZHANG, "/清单"), Lacks("紧急"))


async def _reply_text(app: App, qq: int, text: str) -> str:
    seen: list[str] = []

    class Capture(Contains):
        def __eq__(self, other: object) -> bool:
            seen.append(other if isinstance(other, str) else other.extract_plain_text())  # type: ignore[union-attr]
            return True

    await converse(app, private(qq, text), Capture())
    return seen[0]


def test_the_phrase_list_is_a_data_file_and_can_be_replaced(tmp_path) -> None:
    assert urgent.match("我想自杀").danger
    assert urgent.match("班里有人校园欺凌").urgent and not urgent.match("班里有人校园欺凌").danger
    assert not urgent.match("食堂饭菜太贵").urgent
    own = tmp_path / "phrases.txt"
    own.write_text("# 说明\n考试作弊\n!着火\n", encoding="utf-8")
    with settings.override(requests_urgent_phrases=str(own)):
        assert urgent.match("有人考试 作弊").urgent
        assert urgent.match("宿舍着火了").danger
        assert not urgent.match("我想自杀").urgent
