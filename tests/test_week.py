"""A cadre's week: who to reach next (待联系), one youth's card, the Monday card (controlled clock)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from nonebug import App

from models import (
    Activity,
    Case,
    CaseEvent,
    CheckIn,
    ContactLink,
    Exchange,
    Topic,
    TopicReply,
    Youth,
)
from plugins.activities import card
from plugins.activities.config import settings as activity_settings
from plugins.core import clock, schedule
from plugins.core.pages import fits
from plugins.outbox.service import deliver_due
from tests.fakebot import FakeBot
from tests.helpers import Contains, converse, group, private
from tests.seed import make_cadre, seed_tree
from tests.test_dashboard_support import web_fixture  # noqa: F401

SH = ZoneInfo("Asia/Shanghai")
ZHANG, WANG = 20001, 20002
G1 = 700001


def at(month: int, day: int, year: int = 2026) -> datetime:
    return datetime(year, month, day, 10, 0, tzinfo=SH)


async def youth(qq: int, nickname: str, field: str | None = "student", consented: bool = True) -> Youth:
    return await Youth.create(
        qq=qq, nickname=nickname, field=field, consented_at=at(1, 1) if consented else None, created_at=at(1, 1)
    )


async def link(y: Youth, cadre, confirmed: datetime, status: str = "confirmed") -> ContactLink:
    return await ContactLink.create(
        youth=y, cadre=cadre, status=status, source="group", group_id=G1, created_at=confirmed,
        confirmed_at=confirmed if status == "confirmed" else None,
    )


async def cadres():
    tree = await seed_tree()
    return await make_cadre(ZHANG, "张三", tree.hangzhou), await make_cadre(WANG, "王五", tree.ningbo)


async def people(zhang, wang):
    """Six youth of 张三 with each kind of two-way contact, at different dates."""
    a = await youth(50001, "小安")  # confirmed in January, nothing since
    b = await youth(50002, "小白", "enterprise")  # exchange in March
    c = await youth(50003, "小陈")  # checked in at 张三's activity on 3月12日
    d = await youth(50004, "小邓")  # topic reply the cadre answered in April; unanswered one in October
    e = await youth(50005, "小鄂")  # case answered by 张三 in May; exchange with 王五 in November
    f = await youth(50006, "小方")  # recent exchange (not due)
    g = await youth(50007, "小葛", consented=False)  # never consented: never listed
    h = await youth(50008, "小黄")  # pending link only
    for y in (a, b, c, d, e, f):
        await link(y, zhang, at(1, 5))
    await link(g, zhang, at(1, 5))
    await link(h, zhang, at(1, 5), status="pending")
    await link(e, wang, at(1, 5))
    await Exchange.create(cadre=zhang, group_id=G1, youth_qq=b.qq, youth_message_id=1, latency_seconds=30,
                          kind="reply", answered_at=at(3, 1))
    act = await Activity.create(cadre=zhang, kind="offline", title="植树", day=at(3, 12).date(), code="123456",
                                credited=True, created_at=at(3, 1))
    await CheckIn.create(activity=act, qq=c.qq, created_at=at(3, 12))
    topic = await Topic.create(cadre=zhang, title="实习", created_at=at(4, 1))
    await TopicReply.create(topic=topic, group_id=G1, qq=d.qq, message_id=2, text="想找实习", created_at=at(4, 2))
    await TopicReply.create(topic=topic, group_id=G1, qq=zhang.qq, message_id=3, is_cadre=True, text="好",
                            created_at=at(4, 3))
    await TopicReply.create(topic=topic, group_id=G1, qq=d.qq, message_id=4, text="还在吗", created_at=at(10, 2))
    case = await Case.create(youth_qq=e.qq, category="difficulty", content="租房", cadre=zhang, org_id=zhang.org_id,
                             created_at=at(5, 1))
    await CaseEvent.create(case=case, kind="reply", actor_qq=zhang.qq, text="帮你问", created_at=at(5, 2))
    await CaseEvent.create(case=case, kind="supplement", actor_qq=e.qq, text="谢谢", created_at=at(10, 1))
    await Exchange.create(cadre=wang, group_id=G1 + 1, youth_qq=e.qq, youth_message_id=5, latency_seconds=30,
                          kind="reply", answered_at=at(11, 1))
    await Exchange.create(cadre=zhang, group_id=G1, youth_qq=f.qq, youth_message_id=6, latency_seconds=30,
                          kind="at", answered_at=at(11, 20))
    return a, b, c, d, e, f


async def test_due_lists_contacts_oldest_first_with_how_they_last_talked(app: App) -> None:
    zhang, wang = await cadres()
    await people(zhang, wang)
    await converse(
        app, private(ZHANG, "/联系人 待联系"),
        Contains(
            "90 天以上没有双向联系的青年共 5 人",
            "小安　学生　1月5日 确认联系\n小白　企业职工　3月1日 答复\n小陈　学生　3月12日 签到\n"
            "小邓　学生　4月2日 话题\n小鄂　学生　5月2日 诉求",
            "下一步：发 /联系人 50001",
        ),
    )


async def test_due_takes_a_number_of_days_and_leaves_others_out(app: App) -> None:
    zhang, wang = await cadres()
    await people(zhang, wang)
    await converse(app, private(ZHANG, "/联系人 待联系 250"), Contains("共 3 人", "小安", "小白", "小陈"))
    await converse(app, private(ZHANG, "/联系人 待联系 5"), Contains("共 6 人", "小方　学生　11月20日 答复"))
    await converse(app, private(WANG, "/联系人 待联系"), Contains("都和你有过双向联系"))
    await converse(app, private(ZHANG, "/联系人 待联系 1"), Contains("共 6 人"))


async def test_due_shows_twenty_and_the_total(app: App) -> None:
    zhang, _ = await cadres()
    for i in range(25):
        await link(await youth(51000 + i, f"青年{i:02d}"), zhang, at(1, 1) + timedelta(days=i))
    await converse(
        app, private(ZHANG, "/联系人 待联系"),
        Contains("共 25 人，先列最久的 20 人", "青年00　学生　1月1日 确认联系", "/下一页"),
    )
    await converse(app, private(ZHANG, "/下一页"), Contains("青年19　学生　1月20日 确认联系", "下一步：发 /联系人 51000"))


async def test_due_is_private_and_for_cadres(app: App) -> None:
    await cadres()
    await converse(app, group(G1, ZHANG, "/联系人 待联系"), Contains("请私聊我发送 /联系人 待联系"))
    await converse(app, private(50001, "/联系人 待联系"), Contains("只供已认证的团干部使用"))
    await converse(app, private(ZHANG, "/联系人 待联系 0"), Contains("天数须为 1 到 3650 之间的整数"))


async def test_one_youth_shows_field_last_contacts_and_open_requests(app: App) -> None:
    zhang, wang = await cadres()
    await people(zhang, wang)
    await converse(
        app, private(ZHANG, "/联系人 小鄂"),
        Contains("小鄂（QQ 50005）", "领域：学生；2026-01-05 确认联系", "最近的联系：5月2日 诉求、1月5日 确认联系",
                 "未办结诉求：#1 待答复", "/诉求 #1"),
    )
    await converse(
        app, private(ZHANG, "/联系人 50004"),
        Contains("小邓", "最近的联系：4月2日 话题、1月5日 确认联系", "没有未办结的诉求"),
    )
    await converse(app, private(ZHANG, "/联系人 小葛"), Contains("你的已确认联系青年里没有“小葛”"))
    await converse(app, private(WANG, "/联系人 小安"), Contains("没有“小安”"))


async def test_the_old_contacts_forms_still_work(app: App) -> None:
    zhang, wang = await cadres()
    await people(zhang, wang)
    await converse(app, private(ZHANG, "/联系人 明细"), Contains("已确认联系的青年", "小安"))
    await converse(app, private(ZHANG, "/联系人"), Contains("【联系人】已确认 7/"))
    clock.set_now(at(11, 30))


# ------------------------------------------------------------------ the Monday card


@pytest.fixture(autouse=True)
def fresh_schedule():
    """Every test starts as a newly started bot: no daily run remembered from other tests."""
    schedule.reset()


async def monday(day: date, hour: int = 9, minute: int = 30) -> dict[int, list[str]]:
    """The bot's tick at that time, then one outbox round: the cards sent, per QQ (other
    reminders and case notices of the same tick are left out)."""
    clock.set_now(datetime(day.year, day.month, day.day, hour, minute, tzinfo=SH))
    await schedule.tick()
    bot = FakeBot()
    await deliver_due([bot])
    inbox: dict[int, list[str]] = {}
    for _, qq, text in bot.sent:
        if text.startswith("【本周联系】"):
            inbox.setdefault(qq, []).append(text)
    return inbox


async def test_the_monday_card_names_people_requests_activity_and_a_topic() -> None:
    zhang, wang = await cadres()
    await people(zhang, wang)
    for i, text in enumerate(("想找暑期实习没有门路", "实习单位不给补贴", "实习证明怎么开")):
        await Case.create(youth_qq=50001, category="difficulty", content=text, cadre=zhang, org_id=zhang.org_id,
                          status="answered", first_answer_at=at(11, 2), created_at=at(11, 1) + timedelta(hours=i))
    assert not await monday(date(2026, 11, 30), 5, 0)  # the night's retention runs, no card yet
    inbox = await monday(date(2026, 11, 30))
    [text] = inbox[ZHANG]
    lines = text.split("\n")
    assert len(lines) <= 8 and fits(text, group=False), text
    assert lines[0] == "【本周联系】张三，你好！"
    assert lines[1] == (
        "这周找他们聊聊（5 人 90 天没有双向联系）：小安（1月5日 确认联系）、小邓（1月5日 确认联系）、"
        "小白（3月1日 答复）、小陈（3月12日 签到）、小鄂（5月2日 诉求）"
    )  # the night's retention removed the QQ from 小邓's April topic reply: it no longer counts
    assert lines[2] == "诉求：未办结 4 件（#1、#2、#3、#4），超时未答复 1 件：#1，请先答复"
    assert "本季度还没有算数的线下活动，12月31日前办一场" in text
    assert "最近有 3 件诉求提到 实习：可以发起话题 /话题 实习交流" in text
    assert "下一步：发 /联系人 50001" in text and "/提醒 周卡 关闭" in text
    # 王五's only contact talked to him in November: no one to reach, yet no activity this quarter
    assert "这周找他们聊聊" not in inbox[WANG][0]


async def test_the_card_goes_once_a_week_caught_up_the_same_monday_only() -> None:
    zhang, wang = await cadres()
    await people(zhang, wang)
    assert ZHANG not in await monday(date(2026, 11, 30), 9, 0)  # not yet 09:30
    assert len((await monday(date(2026, 11, 30), 15, 0))[ZHANG]) == 1  # the bot came back in the afternoon
    schedule.reset()  # a restart: the daily run is forgotten in memory, the log is not
    assert ZHANG not in await monday(date(2026, 11, 30), 16, 0)
    assert await card.run(activity_settings()) == 0
    assert ZHANG not in await monday(date(2026, 12, 1), 10, 0)  # Tuesday: no card
    assert ZHANG not in await monday(date(2026, 12, 8), 9, 0)  # down all of Monday 12-07 until Tuesday
    assert len((await monday(date(2026, 12, 14)))[ZHANG]) == 1


async def test_the_five_rotate_from_week_to_week() -> None:
    zhang, _ = await cadres()
    for i in range(12):
        await link(await youth(51000 + i, f"青年{i:02d}"), zhang, at(1, 1) + timedelta(days=i))
    seen = []
    for day in (date(2026, 11, 30), date(2026, 12, 7), date(2026, 12, 14)):
        [text] = (await monday(day))[ZHANG]
        seen.append({f"青年{i:02d}" for i in range(12) if f"青年{i:02d}（" in text})
    assert all(len(s) == 5 for s in seen)
    assert seen[0] != seen[1] and seen[1] != seen[2]
    assert len(seen[0] | seen[1] | seen[2]) == 12


async def test_cadres_turn_the_card_off_and_on_and_it_pauses_with_reminders(app: App) -> None:
    zhang, wang = await cadres()
    await people(zhang, wang)
    await converse(app, private(ZHANG, "/提醒 周卡 关闭"), Contains("周卡已关闭", "/联系人 待联系"))
    await converse(app, private(ZHANG, "/提醒"), Contains("每周一的周卡：关闭"))
    await converse(app, private(WANG, "/提醒 暂停 7"), Contains("已暂停非截止类提醒"))
    inbox = await monday(date(2026, 11, 30))
    assert ZHANG not in inbox and WANG not in inbox
    await converse(app, private(ZHANG, "/提醒 周卡 开启"), Contains("周卡已开启"))
    await converse(app, private(ZHANG, "/提醒 周卡 开启"), Contains("本来就是开启的"))
    await converse(app, private(ZHANG, "/提醒 周卡 好"), Contains("开关须为 关闭、开启 之一"))
    assert len((await monday(date(2026, 12, 7)))[ZHANG]) == 1


# ------------------------------------------------------------------ dashboard


async def test_the_cadre_page_lists_who_to_reach_named_only_for_the_cadre(web) -> None:
    from tests.test_dashboard_support import (
        HANGZHOU_ADMIN,
        NINGBO_ADMIN,
        PROVINCE_ADMIN,
        XIHU_CADRE,
        sign_in,
        world,
    )

    _, people_of = await world()
    xihu = people_of[XIHU_CADRE]
    await ContactLink.filter(cadre=xihu).update(confirmed_at=clock.now() - timedelta(days=120))
    url = f"/dashboard/cadres/{xihu.id}"

    await sign_in(web, XIHU_CADRE)
    page = (await web.get(url)).text
    assert "待联系（90 天以上没有双向联系）" in page and "共 2 条" in page
    assert "青年50001（QQ 50001）" in page and "青年50002（QQ 50002）" in page
    assert "青年50000（QQ 50000）" not in page  # the cadre answered them yesterday

    for admin in (PROVINCE_ADMIN, HANGZHOU_ADMIN):
        web.cookies.clear()
        await sign_in(web, admin)
        page = (await web.get(url)).text
        assert "待联系（90 天以上没有双向联系）" in page and "共 2 条" in page and "确认联系" in page
        assert "QQ 50001" not in page and "青年50001" not in page
    web.cookies.clear()
    await sign_in(web, NINGBO_ADMIN)
    assert (await web.get(url)).status_code == 404


# ------------------------------------------------------------------ cadres who leave

LI = 20003


async def delivered() -> dict[int, list[str]]:
    bot = FakeBot()
    await deliver_due([bot])
    inbox: dict[int, list[str]] = {}
    for _, qq, text in bot.sent:
        inbox.setdefault(qq, []).append(text)
    return inbox


async def with_group(cadre, group_id: int, *members: int) -> None:
    from models import BoundGroup, GroupMember

    await BoundGroup.create(group_id=group_id, name="青年群", cadre=cadre, bot_id=10000, bound_by=cadre.qq,
                            bound_at=at(1, 1), member_count=len(members))
    for qq in members:
        await GroupMember.create(group_id=group_id, qq=qq, seen_at=at(1, 1))


async def test_a_cadre_leaves_with_a_successor_and_only_youth_who_agree_move(app: App) -> None:
    from models import BoundGroup, Cadre, GroupMember, Handover
    from plugins.evaluation.evaluate import ranking
    from tests.seed import HANGZHOU_ADMIN, NINGBO_ADMIN

    zhang, wang = await cadres()
    li = await make_cadre(LI, "李四", await zhang.org)
    await people(zhang, wang)
    await with_group(zhang, G1, 50001, 50002)
    await delivered()
    await converse(app, private(NINGBO_ADMIN, "/团干部 离任 #1 接任 #3"), Contains("不是杭州市委或其上级组织的管理员"))
    await converse(
        app, private(HANGZHOU_ADMIN, "/团干部 离任 #1 接任 #3"),
        Contains("团干部张三（杭州市委）已离任，由团干部李四（杭州市委）接任：1 个绑定群、1 件未办结诉求已转交；6 名联系青年会收到询问"),
        then_deliver=False,
    )
    inbox = await delivered()
    assert {qq for qq, texts in inbox.items() if any("发送 /同意 转交 继续保持联系" in t for t in texts)} == {
        50001, 50002, 50003, 50004, 50005, 50006,
    }  # 小葛 never consented: not asked
    assert (
        "团干部张三（杭州市委）已离任，接任的是团干部李四（杭州市委）。发送 /同意 转交 继续保持联系，不回复则联系自动结束。"
        in inbox[50001]
    )
    assert "你的诉求 #1 改由团干部李四（杭州市委）跟进。" in inbox[50005]
    assert any("诉求 #1 改由你跟进" in t for t in inbox[LI]) and any("你接任了团干部张三" in t for t in inbox[LI])
    assert ZHANG not in inbox

    old = await Cadre.get(id=zhang.id)
    assert (old.qq, old.former_qq, old.successor_id, old.name) == (-zhang.id, ZHANG, li.id, "张三")
    assert (await BoundGroup.get(group_id=G1)).cadre_id == li.id
    assert await GroupMember.filter(group_id=G1).count() == 2
    assert (await Case.get(id=1)).cadre_id == li.id
    await converse(app, private(ZHANG, "/联系人"), Contains("只供已认证的团干部使用"))
    await converse(app, private(50009, "/加入 #1"), Contains("团干部 #1 已离任，接任的是 #3"))

    await converse(app, private(50001, "/同意 转交"), Contains("好了！你和团干部李四（杭州市委）保持联系"))
    await converse(app, private(50001, "/同意 转交"), Contains("没有等你回复的转交"))
    clock.set_now(clock.now() + timedelta(days=15))
    await converse(app, private(50002, "/同意 转交"), Contains("没有等你回复的转交（询问 14 天内有效）"))
    assert await ContactLink.filter(cadre=li, status="confirmed").count() == 1
    assert await ContactLink.filter(cadre=zhang, status="confirmed").count() == 0
    assert await Handover.filter(answered_at__isnull=False).count() == 1
    await converse(app, private(LI, "/联系人"), Contains("已确认 1/", "接任转来：1 名青年同意继续联系"))

    # left out of lists of cadres in office; kept in this quarter's evaluation, not the next
    await converse(app, private(HANGZHOU_ADMIN, "/团干部 列表"), Contains("#3 李四（杭州市委）", "在任"))
    await converse(app, private(HANGZHOU_ADMIN, "/团干部 列表 含离任"), Contains("#1 张三（杭州市委）", "已离任 2026-11-30"))
    assert zhang.id in {r.cadre.id for r in (await ranking(None, None))[0]}
    clock.set_now(at(1, 5, 2027))
    assert zhang.id not in {r.cadre.id for r in (await ranking(None, None))[0]}
    assert not any(c.cadre_id == zhang.id for c in await card.compute(clock.today(), activity_settings()))

    # registering again later is a new term with a new number; the old history stays with #1
    again = await make_cadre(ZHANG, "张三", await zhang.org)
    assert again.id not in (zhang.id, li.id)
    assert await Case.filter(cadre_id=li.id).count() == 1 and await Exchange.filter(cadre_id=zhang.id).count() == 2


async def test_a_cadre_leaves_without_a_successor(app: App) -> None:
    from models import BoundGroup, GroupMember
    from tests.seed import NINGBO_ADMIN

    _, wang = await cadres()
    await with_group(wang, G1 + 5, 50001, 50002)
    y = await youth(50001, "小安")
    await link(y, wang, at(1, 5))
    await Case.create(youth_qq=50001, category="difficulty", content="租房", cadre=wang, org_id=wang.org_id,
                      created_at=at(11, 1))
    await delivered()
    await converse(
        app, private(NINGBO_ADMIN, "/团干部 离任 #2"),
        Contains("团干部王五（宁波市委）已离任。1 个绑定群已解绑并删除成员名单，1 件未办结诉求转入待分派"),
        then_deliver=False,
    )
    inbox = await delivered()
    assert inbox[50001] == ["你的诉求 #1 改由宁波市委的管理员跟进。"]  # no successor: nobody to ask about
    assert not await BoundGroup.filter(group_id=G1 + 5).exists()
    assert not await GroupMember.filter(group_id=G1 + 5).exists()
    assert (await Case.get(id=1)).cadre_id is None
    assert await ContactLink.filter(cadre=wang).values_list("status", flat=True) == ["ended"]
    await converse(app, private(NINGBO_ADMIN, "/团干部 离任 #2"), Contains("团干部 #2 已离任"))
    await converse(app, private(NINGBO_ADMIN, "/诉求 列表"), Contains("待分派", "#1"))
    inbox = await monday(date(2026, 12, 7))
    assert wang.qq not in inbox and -wang.id not in inbox


async def test_the_roster_status_column_retires_cadres() -> None:
    from models import BoundGroup, Cadre
    from plugins.identity.roster import apply_roster, plan_roster, read_roster

    zhang, wang = await cadres()
    await with_group(zhang, G1, 50001)
    roster = "姓名,组织,类别,QQ,状态\n张三,杭州市委,专职,20001,离任\n王五,宁波市委,专职,20002,在任\n赵六,宁波市委,专职,20009,休假\n"
    plan = await plan_roster(read_roster("cadres.csv", roster.encode()))
    assert [str(e) for e in plan.errors] == ["cadres.csv 第 4 行：状态“休假”须为 在任 或 离任（不写即在任）"]
    preview = await apply_roster(plan, dry_run=True)
    assert preview.updated["cadres"] == 1 and (await Cadre.get(id=zhang.id)).left_at is None
    report = await apply_roster(plan)
    assert report.updated["cadres"] == 1
    assert (await Cadre.get(id=zhang.id)).left_at is not None and (await Cadre.get(id=wang.id)).left_at is None
    assert not await BoundGroup.filter(group_id=G1).exists()
    again = await apply_roster(await plan_roster(read_roster("cadres.csv", roster.encode())))
    assert again.updated["cadres"] == 0  # departed already: the row changes nothing


async def test_a_cadre_applies_to_leave_and_an_administrator_approves(app: App) -> None:
    from models import Cadre
    from tests.seed import HANGZHOU_ADMIN

    zhang, _ = await cadres()
    await converse(
        app, private(ZHANG, "/团干部 离任申请"), Contains("已提交离任申请 #1，等杭州市委的管理员审核"),
        then_deliver=False,
    )
    inbox = await delivered()
    assert any("申请离任（申请 #1）" in t and "/审核 1 通过" in t for t in inbox[HANGZHOU_ADMIN])
    await converse(app, private(ZHANG, "/团干部 离任申请"), Contains("你已有待审核的离任申请 #1"))
    await converse(app, private(HANGZHOU_ADMIN, "/审核"), Contains("#1 离任申请：共青团杭州市委张三（团干部 #1）"))
    await converse(
        app, private(HANGZHOU_ADMIN, "/审核 1 通过"), Contains("已通过离任申请 #1", "已离任"), then_deliver=False,
    )
    inbox = await delivered()
    assert any("你的离任申请 #1 已通过" in t for t in inbox[ZHANG])
    assert (await Cadre.get(id=zhang.id)).left_at is not None
    await converse(app, private(ZHANG, "/团干部 离任申请"), Contains("只供已认证的团干部使用"))
