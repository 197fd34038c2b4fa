"""A cadre's week: who to reach next (待联系), one youth's card, the Monday card (controlled clock)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

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
from plugins.core import clock
from tests.helpers import Contains, converse, group, private
from tests.seed import make_cadre, seed_tree

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
