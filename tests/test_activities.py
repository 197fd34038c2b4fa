"""Activities and check-ins through chat commands (nonebug, controlled clock)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from nonebug import App

from models import Activity, CheckIn
from plugins.core import clock
from tests.helpers import Contains, converse, group, private
from tests.seed import HANGZHOU_ADMIN, NINGBO_ADMIN, consenting, make_cadre, seed_tree

SH = ZoneInfo("Asia/Shanghai")
ZHANG, WANG = 20001, 20002
Y1, Y2 = 50001, 50002


async def setup():
    tree = await seed_tree()
    zhang = await make_cadre(ZHANG, "张三", tree.hangzhou)
    wang = await make_cadre(WANG, "王五", tree.ningbo)
    await consenting(50001, 50002, 50003, 50004, 50005)
    return zhang, wang


async def record(app: App, text: str = "/活动 面对面 今天 青年座谈会 团委会议室") -> Activity:
    await converse(app, private(ZHANG, text), Contains("已记录活动 #", "签到码"))
    activity = await Activity.all().order_by("-id").first()
    assert activity is not None
    return activity


async def test_record_and_check_in(app: App) -> None:
    await setup()
    clock.set_now(datetime(2026, 12, 5, 14, 0, tzinfo=SH))
    await converse(
        app,
        private(ZHANG, "/活动 面对面 今天 青年座谈会 团委会议室"),
        Contains("已记录活动 #1：面对面「青年座谈会」，12月5日，地点：团委会议室", "仅 12月5日 当天有效", "/签到 "),
    )
    activity = await Activity.get(id=1)
    assert (activity.kind, activity.day.isoformat(), len(activity.code)) == ("face_to_face", "2026-12-05", 6)
    await converse(app, group(800, Y1, f"/签到 {activity.code}"), Contains("签到成功！团干部张三（杭州市委）的「青年座谈会」已有 1 人签到"))
    await converse(app, private(Y2, f"/签到 {activity.code}"), Contains("已有 2 人签到"))
    await converse(app, private(Y1, f"/签到 {activity.code}"), Contains("你已经签到过活动 #1 了"))
    await converse(app, private(ZHANG, f"/签到 {activity.code}"), Contains("组织活动的团干部不需要签到"))
    await converse(app, private(Y1, "/签到 000000"), Contains("签到码不正确"))
    await converse(app, private(Y1, "/签到 12ab"), Contains("签到码是 6 位数字"))
    assert await CheckIn.all().count() == 2
    clock.set_now(datetime(2026, 12, 6, 9, 0, tzinfo=SH))  # the code is valid on its day only
    await converse(app, private(50003, f"/签到 {activity.code}"), Contains("不是今天的活动"))
    await converse(app, private(ZHANG, "/活动 人数 1 25"), Contains("已记录活动 #1 另有 25 人参加"))
    await converse(app, private(ZHANG, "/活动 1"), Contains("【活动 #1】面对面「青年座谈会」", "签到 2 人，另报 25 人", "签到名单：用户50001、用户50002"))
    await converse(app, private(ZHANG, "/活动 列表"), Contains("#1 12月5日 面对面「青年座谈会」｜签到 2 人，另报 25 人"))
    await converse(app, private(WANG, "/活动 人数 1 5"), Contains("活动 #1 不是你记录的"))


async def test_dates_and_bad_input(app: App) -> None:
    await setup()
    clock.set_now(datetime(2026, 11, 30, 10, 0, tzinfo=SH))
    for text, day in (("2026-12-05", "2026-12-05"), ("12-06", "2026-12-06"), ("12月7日", "2026-12-07"), ("明天", "2026-12-01")):
        await record(app, f"/活动 线下活动 {text} 志愿服务")
        latest = await Activity.all().order_by("-id").first()
        assert latest is not None and latest.day.isoformat() == day
    await converse(app, private(ZHANG, "/活动 线下活动 2027-01-05 太远的活动"), Contains("只能记录 30 天内的活动"))
    await converse(app, private(ZHANG, "/活动 线下活动 2026-09-30 上季度的活动"), Contains("2026年第3季度已结束，不能再补记"))
    await converse(app, private(ZHANG, "/活动 聚餐 今天 吃饭"), Contains("类型须为 线下活动、面对面、调研 之一"))
    await converse(app, private(ZHANG, "/活动 线下活动 下周三 志愿服务"), Contains("看不懂日期“下周三”", "12月5日"))
    await converse(app, private(ZHANG, "/活动 线下活动 2026-02-30 志愿服务"), Contains("日期“2026-02-30”不存在"))
    await converse(app, private(ZHANG, "/活动 线下活动 今天"), Contains("请写标题", "用法：/活动 <类型> <日期> <标题>"))
    await converse(app, private(Y1, "/活动 线下活动 今天 冒充"), Contains("只供已认证的团干部使用"))
    assert await Activity.all().count() == 4
    # Within the grace period a late record for the last quarter is still accepted.
    clock.set_now(datetime(2026, 10, 5, 10, 0, tzinfo=SH))
    await record(app, "/活动 调研 2026-09-28 走访企业")


async def test_progress_and_overview(app: App) -> None:
    await setup()
    clock.set_now(datetime(2026, 11, 30, 10, 0, tzinfo=SH))
    await converse(app, private(ZHANG, "/活动 进度"), Contains("2026年第4季度（至 12月31日）：还没有算数的线下活动 ✗", "2026 年面对面交流：还没有 ✗"))
    activity = await record(app, "/活动 线下活动 今天 志愿服务")
    # Recorded but nobody came yet: it does not count, and the cadre is told why and what to do.
    await converse(
        app, private(ZHANG, "/活动 进度"),
        Contains("还没有算数的线下活动 ✗", "活动 #1「志愿服务」还不算数：没有人签到，也没有补记人数", f"/签到 {activity.code}"),
    )
    await converse(
        app, private(HANGZHOU_ADMIN, "/活动 概况"), Contains("未开展活动：1 人：张三（杭州市委，#1）"),
    )
    await converse(app, private(Y1, f"/签到 {activity.code}"), Contains("签到成功"))
    await converse(
        app, private(ZHANG, "/活动 进度"),
        Contains("已开展 1 次活动 ✓", "面对面交流：还没有 ✗", "今年共记录活动 1 次，参加 1 人次"),
    )
    f2f = await record(app, "/活动 面对面 今天 座谈会")
    await converse(app, private(ZHANG, "/活动 进度"), Contains("2026 年面对面交流：还没有 ✗", f"活动 #{f2f.id}「座谈会」还不算数"))
    await converse(app, private(ZHANG, f"/活动 人数 {f2f.id} 8"), Contains("另有 8 人参加"))
    await converse(app, private(ZHANG, "/活动 进度"), Contains("2026 年面对面交流：已 1 次 ✓"))
    await converse(app, private(ZHANG, f"/活动 人数 {f2f.id} 0"), Contains("另有 0 人参加"))
    await converse(app, private(ZHANG, "/活动 进度"), Contains("2026 年面对面交流：还没有 ✗"))
    await converse(
        app, private(HANGZHOU_ADMIN, "/活动 概况"),
        Contains("【活动概况】杭州市委（含下级组织），团干部 1 人", "未开展活动：0 人", "未面对面交流：1 人：张三（杭州市委，#1）"),
    )
    await converse(app, private(NINGBO_ADMIN, "/活动 概况 杭州市委"), Contains("你不是“杭州市委”或其上级组织的管理员"))
    await converse(app, private(ZHANG, "/活动 概况"), Contains("只供组织管理员使用"))


async def test_leave_all_keeps_attendance_without_identity(app: App) -> None:
    await setup()
    activity = await record(app, "/活动 线下活动 今天 志愿服务")
    await converse(app, private(Y1, f"/签到 {activity.code}"), Contains("签到成功"))
    await converse(app, private(Y1, "/退出 全部"), Contains("要删除的是"))
    await converse(app, private(Y1, "/退出 全部 确认"), Contains("已删除你的全部个人信息"))
    check_in = await CheckIn.get()
    assert check_in.qq is None
    await converse(app, private(ZHANG, "/活动 1"), Contains("签到 1 人", "（已注销）"))


async def test_the_attendee_list_is_never_shown_in_a_group(app: App) -> None:
    await setup()
    activity = await record(app, "/活动 线下活动 今天 志愿服务")
    await converse(app, private(50001, f"/签到 {activity.code}"), Contains("签到成功"))
    await converse(app, group(800, ZHANG, f"/活动 {activity.id}"), Contains("签到名单只在私聊中查看", f"/活动 {activity.id}"))
    await converse(app, private(ZHANG, f"/活动 {activity.id}"), Contains("签到名单：用户50001"))
