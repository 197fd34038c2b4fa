"""Contacts: binding groups, youth confirming links, counts and overviews (nonebug)."""

import time
from typing import Any

from nonebot.adapters.onebot.v11 import (
    GroupDecreaseNoticeEvent,
    GroupIncreaseNoticeEvent,
)
from nonebug import App

from models import BoundGroup, Cadre, ContactLink, GroupMember, Invitation, OptOut, Youth
from models.enums import Field
from plugins.contacts.links import consent, join
from plugins.core import clock
from tests.helpers import BOT_ID, Api, Contains, Notice, converse, deliver, group, private
from tests.seed import (
    HANGZHOU_ADMIN,
    NINGBO_ADMIN,
    PROVINCE_ADMIN,
    consenting,
    make_cadre,
    seed_tree,
)

G1, G2, G3 = 700001, 700002, 700003
ZHANG, WANG = 20001, 20002  # cadres
Y1, Y2, Y3 = 50001, 50002, 50003  # youth


def member_list(*qqs: int, roles: dict[int, str] | None = None) -> list[dict]:
    roles = roles or {}
    return [
        {"group_id": 0, "user_id": q, "nickname": f"青年{q}", "card": "", "role": roles.get(q, "member")}
        for q in (BOT_ID, *qqs)
    ]


def sync_calls(group_id: int, *qqs: int) -> list[Api]:
    return [
        Api("get_group_member_list", {"group_id": group_id}, member_list(*qqs)),
        Api("get_group_info", {"group_id": group_id}, {"group_id": group_id, "group_name": f"青年群{group_id}"}),
    ]


async def setup_cadres():
    tree = await seed_tree()
    zhang = await make_cadre(ZHANG, "张三", tree.hangzhou)
    wang = await make_cadre(WANG, "王五", tree.ningbo, category="part_time")
    return tree, zhang, wang


async def bind(app: App, group_id: int, cadre_qq: int, *members: int) -> None:
    await converse(
        app,
        group(group_id, cadre_qq, "/绑定本群", role="owner"),
        *sync_calls(group_id, cadre_qq, *members),
        Contains("【联青】本群的团干部：共青团", "不存聊天内容", "/加入", "/退出 全部"),
        Notice(cadre_qq, Contains(f"群 {group_id} 已交给你联系", "下一步：请群友发 /加入", "/联系人")),
    )


async def join_and_consent(app: App, group_id: int, qq: int, field: str = "") -> None:
    await converse(
        app, group(group_id, qq, f"/加入 {field}".strip()),
        Contains("请先看个人信息说明：已私聊你", "/同意", "/未满14"),
        Notice(qq, Contains("【个人信息说明】", "/同意")),
    )
    await converse(app, private(qq, "/同意"), Contains("谢谢！你已和团干部"))


# ------------------------------------------------------------------ binding


async def test_bind_posts_notice_and_syncs_members(app: App) -> None:
    await setup_cadres()
    await bind(app, G1, ZHANG, Y1, Y2)
    group_row = await BoundGroup.get(group_id=G1)
    assert (group_row.name, group_row.member_count, group_row.bot_id) == (f"青年群{G1}", 3, BOT_ID)
    assert set(await GroupMember.filter(group_id=G1).values_list("qq", flat=True)) == {ZHANG, Y1, Y2}


async def test_bind_refusals_change_nothing(app: App) -> None:
    await setup_cadres()
    await converse(app, group(G1, Y1, "/绑定本群"), Contains("这条指令只供已认证的团干部使用"))
    await converse(app, private(ZHANG, "/绑定本群"), Contains("请在要绑定的 QQ 群里发送"))
    await bind(app, G1, ZHANG, Y1)
    await converse(app, group(G1, WANG, "/绑定本群", role="admin"), Contains("本群已绑定团干部张三（杭州市委，#1）", "一个群只能绑定一名团干部"))
    await converse(app, group(G1, ZHANG, "/绑定本群", role="owner"), Contains("无需重复绑定"))
    assert await BoundGroup.filter(group_id=G1).count() == 1
    assert (await BoundGroup.get(group_id=G1)).cadre_id == 1


async def test_a_cadre_who_is_a_plain_member_cannot_bind_a_group(app: App) -> None:
    await setup_cadres()
    await converse(app, group(G1, ZHANG, "/绑定本群"), Contains("只有本群的群主或群管理员可以绑定本群", "/绑定本群 <团干部编号>"))
    assert not await BoundGroup.exists(group_id=G1)


async def test_admin_binds_for_cadre_in_subtree_only(app: App) -> None:
    await setup_cadres()
    await converse(
        app, group(G2, NINGBO_ADMIN, "/绑定本群 #1"), Contains("只能为自己，或作为管理员为所辖组织的团干部绑定群")
    )
    await converse(
        app, group(G2, HANGZHOU_ADMIN, f"/绑定本群 {ZHANG}"),
        *sync_calls(G2, Y1), Contains("共青团杭州市委张三（#1）"),
        Notice(ZHANG, Contains(f"群 {G2} 已交给你联系")),
    )
    assert (await BoundGroup.get(group_id=G2)).cadre_id == 1


async def test_failed_member_list_keeps_binding_and_membership(app: App) -> None:
    await setup_cadres()
    await converse(
        app, group(G1, ZHANG, "/绑定本群", role="admin"),
        Api("get_group_member_list", {"group_id": G1}, exception=TimeoutError()),
        Contains("本群的团干部", "成员名单暂时拿不到"),
        Notice(ZHANG, Contains("下一步")),
    )
    assert await BoundGroup.exists(group_id=G1)
    assert await GroupMember.all().count() == 0


async def test_unbind(app: App) -> None:
    await setup_cadres()
    await bind(app, G1, ZHANG, Y1)
    await join_and_consent(app, G1, Y1)
    await converse(app, group(G1, Y1, "/解绑本群"), Contains("这条指令只供团干部和组织管理员使用"))
    await converse(app, group(G1, ZHANG, "/解绑本群"), Contains("已解除", "已确认的联系不受影响"))
    assert not await BoundGroup.exists(group_id=G1)
    assert await GroupMember.all().count() == 0
    assert await ContactLink.filter(status="confirmed").count() == 1


# ------------------------------------------------------------------ youth


async def test_join_consent_and_counts(app: App) -> None:
    await setup_cadres()
    await bind(app, G1, ZHANG, Y1, Y2)
    # In the group: two lines @-mentioning the youth; the notice goes to them privately.
    await converse(
        app, group(G1, Y1, "/加入 学生"),
        Contains("想和团干部张三（杭州市委）建立联系，请先看个人信息说明：已私聊你。", "同意发 /同意，未满 14 周岁发 /未满14"),
        Notice(Y1, Contains("你想和团干部张三（杭州市委）建立联系。", "【个人信息说明】", "年满 14 周岁、同意的话，发 /同意")),
    )
    link = await ContactLink.get(youth__qq=Y1)
    assert link.status == "pending"
    await converse(app, private(ZHANG, "/联系人"), Contains("【联系人】已确认 0/100"))
    await converse(app, group(G1, Y1, "/同意"), Contains("谢谢！你已和团干部张三（杭州市委）建立联系。"))
    await converse(
        app,
        private(ZHANG, "/联系人"),
        Contains("已确认 1/100（还差 99 名", "可联系（绑定群成员，不计入目标）：2 人，来自 1 个绑定群", "领域分布：学生 1", "2026-11 1",
                 "下一步：请群友发 /加入"),
    )
    await converse(app, private(ZHANG, "/联系人 明细"), Contains("1. 用户50001　学生　自 2026-11-30"))
    # Names of youth never go into a group chat.
    await converse(app, group(G1, ZHANG, "/联系人 明细"), Contains("只在私聊中查看", "/联系人 明细"))
    # A second cadre: consent is not asked again.
    await converse(app, private(Y1, "/加入 #2"), Contains("好了！你已和团干部王五（宁波市委）建立联系。"))
    await converse(app, private(Y1, "/加入 2"), Contains("你已经和团干部王五（宁波市委）建立了联系"))


async def test_youth_counts_once_across_a_cadres_groups(app: App) -> None:
    await setup_cadres()
    await bind(app, G1, ZHANG, Y1, Y2)
    await bind(app, G2, ZHANG, Y1, Y3)
    await join_and_consent(app, G1, Y1)
    await converse(app, group(G2, Y1, "/加入"), Contains("你已经和团干部张三（杭州市委）建立了联系"))
    await converse(app, private(ZHANG, "/联系人"), Contains("已确认 1/100", "可联系（绑定群成员，不计入目标）：3 人，来自 2 个绑定群"))


async def test_staff_never_count(app: App) -> None:
    await setup_cadres()
    await bind(app, G1, ZHANG, WANG, PROVINCE_ADMIN, Y1)
    await converse(app, group(G1, WANG, "/加入"), Contains("团干部、管理员和联青的账号不计入联系青年"))
    await converse(app, group(G1, PROVINCE_ADMIN, "/加入"), Contains("不计入联系青年"))
    # Reachable excludes the cadre himself, the other cadre and the administrator.
    await converse(app, private(ZHANG, "/联系人"), Contains("可联系（绑定群成员，不计入目标）：1 人"))


async def test_join_in_unbound_group_lists_choices(app: App) -> None:
    await setup_cadres()
    await bind(app, G1, ZHANG, Y1)
    await converse(app, group(G3, Y1, "/加入"), Contains("本群还没有团干部", "你可以加入：团干部张三（杭州市委）：/加入 #1"))
    await converse(app, private(Y2, "/加入"), Contains("请写上团干部编号", "请向团干部要他的编号"))
    # A word that is neither a field nor a number: the number that works in this group.
    await converse(app, group(G1, Y1, "/加入 张三"), Contains("“张三”不是领域，也不是团干部编号。请发送 /加入 #1"))
    await converse(app, private(Y1, "/加入 99"), Contains("没有找到团干部 99"))
    assert await ContactLink.all().count() == 0


async def test_under_14_is_not_recorded(app: App) -> None:
    await setup_cadres()
    await bind(app, G1, ZHANG, Y1)
    await converse(app, group(G1, Y1, "/加入"), Contains("/未满14"), Notice(Y1, Contains("/未满14")))
    await converse(app, private(Y1, "/未满 14"), Contains("我们不记你的任何信息"))
    assert await Youth.all().count() == 0
    assert not await GroupMember.exists(qq=Y1)
    assert await OptOut.filter(reason="under14").count() == 1
    # A later sync does not record the member again.
    from plugins.contacts.groups import apply_members

    await apply_members(G1, {Y1: "member", Y2: "member"}, BOT_ID)
    assert not await GroupMember.exists(qq=Y1)
    assert await GroupMember.exists(qq=Y2)


async def test_leave_one_and_leave_all(app: App) -> None:
    await setup_cadres()
    await bind(app, G1, ZHANG, Y1)
    await join_and_consent(app, G1, Y1, "学生")
    await converse(app, private(Y1, "/加入 #2"), Contains("好了！"))
    await converse(app, private(Y1, "/退出"), Contains("你和几位团干部都有联系，请写编号", "/退出 #1", "/退出 #2"))
    await converse(app, group(G1, Y1, "/退出"), Contains("已解除你和团干部张三（杭州市委）的联系"))
    assert await ContactLink.filter(youth__qq=Y1).count() == 1
    await converse(app, private(Y1, "/资料"), Contains("QQ 50001", "领域 学生", "团干部王五（宁波市委，#2）"))
    # Erasing everything lists what goes and waits for the confirmation.
    await converse(
        app, private(Y1, "/退出 全部"),
        Contains("要删除的是：你的昵称和领域、你和 1 位团干部的联系", "群的成员记录", "10 分钟内发 /退出 全部 确认"),
    )
    assert await Youth.filter(qq=Y1).exists()
    await converse(app, private(Y1, "/退出 全部 确认"), Contains("已删除你的全部个人信息"))
    assert await Youth.all().count() == 0
    assert await ContactLink.all().count() == 0
    assert not await GroupMember.exists(qq=Y1)
    await converse(app, private(Y1, "/资料"), Contains("我们没有存你的个人信息"))
    await converse(app, private(Y1, "/退出 全部 确认"), Contains("请先发 /退出 全部"))
    # Joining again is an explicit choice: consent is asked again and the opt-out lifted.
    await converse(app, group(G1, Y1, "/加入"), Contains("个人信息说明"), Notice(Y1, Contains("个人信息说明")))
    await converse(app, private(Y1, "/同意"), Contains("谢谢！"))
    assert not await OptOut.exists()


async def test_profile_field(app: App) -> None:
    await setup_cadres()
    await converse(app, private(Y1, "/资料 领域 学生"), Contains("你还没有建立任何联系"))
    await converse(app, private(Y1, "/加入 1"), Contains("/同意"))
    await converse(app, private(Y1, "/资料 领域 农村青年"), Contains("好了，你的领域是：务农。"))
    # The words youth use, and their synonyms.
    await converse(app, private(Y1, "/资料 领域 大学生"), Contains("好了，你的领域是：学生。"))
    await converse(app, private(Y1, "/资料 领域 上班"), Contains("好了，你的领域是：上班。"))
    assert (await Youth.get(qq=Y1)).field == "enterprise"
    await converse(
        app, private(Y1, "/资料 领域 火星人"),
        Contains("领域须为 学生、上班、机关事业单位、务农、新职业、公益组织、自己创业、其他 之一"),
    )
    await converse(app, private(Y1, "/资料 年龄 20"), Contains("用法：/资料"))


# ------------------------------------------------------------------ invitations


async def test_invite_is_rationed_and_goes_through_outbox(app: App) -> None:
    await setup_cadres()
    await converse(
        app, private(ZHANG, f"/邀请 {Y1}"),
        Contains(f"已安排给 {Y1} 发邀请", "今天还可以邀请 19 人"),
        Notice(Y1, Contains("团干部张三（杭州市委）想和你建立联系", "/加入 #1")),
    )
    await converse(app, private(ZHANG, f"/邀请 {Y1}"), Contains("30 天内已邀请过"))
    await converse(app, private(ZHANG, f"/邀请 {WANG}"), Contains("无需邀请"))
    await converse(app, private(ZHANG, "/邀请 abc"), Contains("不是 QQ 号", "用法：/邀请 <QQ>"))
    await converse(app, private(Y2, f"/邀请 {Y1}"), Contains("只供已认证的团干部使用"))
    first = await Invitation.first()
    assert first is not None
    for i in range(19):
        await Invitation.create(cadre_id=1, qq=60000 + i, created_at=first.created_at)
    await converse(app, private(ZHANG, f"/邀请 {Y2}"), Contains("达到每日上限 20 人"))


# ------------------------------------------------------------------ overlap, fields, overview


async def test_overlap_field_flag_and_overview(app: App) -> None:
    tree, zhang, wang = await setup_cadres()
    others = [await make_cadre(21000 + i, f"赵{'一二三'[i]}", tree.xihu) for i in range(3)]
    for qq in (Y1, Y2, Y3, 50004, 50005):
        await join(qq, f"青年{qq}", zhang, source="private", field=Field.student)
        await consent(qq)
    for cadre in others:  # Y1 is also confirmed by three other cadres
        await join(Y1, "青年", cadre, source="private")
    await join(Y2, "青年", wang, source="private")
    await converse(
        app, private(ZHANG, "/联系人"),
        Contains("已确认 5/100", "提示：学生占 100%", "重复联系：其中 1 人同时是 3 名以上其他团干部的联系青年"),
    )
    await converse(
        app, private(HANGZHOU_ADMIN, "/联系概况"),
        Contains("【联系概况】杭州市委（含下级组织）", "团干部 4 人：达标 0 人，未达标 4 人", "已确认联系 8 人次，涉及青年 5 人",
                 "被 3 名以上团干部联系的青年 1 人", "偏少的领域：企业职工 0%", "#1 团干部张三（杭州市委）：5/100"),
    )
    await converse(app, private(PROVINCE_ADMIN, "/联系概况 宁波市委"), Contains("团干部 1 人：达标 0 人", "#2 团干部王五（宁波市委）：1/10"))
    # The cadre list counts as the overview does, and says when.
    await converse(
        app, private(HANGZHOU_ADMIN, "/团干部 列表"),
        Contains("【团干部】杭州市委（含下级组织）4 人（联系人数更新于 10:00）：", "#1 张三（杭州市委）专职　在任　联系 5/100",
                 "联系 1/"),
    )
    await converse(app, private(NINGBO_ADMIN, "/联系概况 杭州市委"), Contains("你不是“杭州市委”或其上级组织的管理员"))
    await converse(app, private(Y1, "/联系概况"), Contains("只供组织管理员使用"))


# ------------------------------------------------------------------ membership notices


def _notice(cls: type[GroupIncreaseNoticeEvent | GroupDecreaseNoticeEvent], group_id: int, user_id: int, sub_type: str):
    kind = "group_increase" if cls is GroupIncreaseNoticeEvent else "group_decrease"
    fields: dict[str, Any] = dict(
        time=int(time.time()), self_id=BOT_ID, post_type="notice", notice_type=kind,
        sub_type=sub_type, group_id=group_id, operator_id=0, user_id=user_id,
    )
    return cls(**fields)


async def test_membership_notices(app: App) -> None:
    await setup_cadres()
    await bind(app, G1, ZHANG, Y1)
    await converse(app, _notice(GroupIncreaseNoticeEvent, G1, Y2, "approve"))
    await converse(app, _notice(GroupIncreaseNoticeEvent, G3, Y2, "approve"))  # unbound: no trace
    assert set(await GroupMember.all().values_list("group_id", "qq")) == {(G1, ZHANG), (G1, Y1), (G1, Y2)}
    await converse(app, _notice(GroupDecreaseNoticeEvent, G1, Y1, "leave"))
    assert not await GroupMember.exists(qq=Y1)
    assert (await BoundGroup.get(group_id=G1)).member_count == 2
    await converse(
        app, _notice(GroupDecreaseNoticeEvent, G1, BOT_ID, "kick_me"),
        Notice(ZHANG, Contains("联青已不在群", "绑定已自动解除")),
    )
    assert not await BoundGroup.exists()
    assert await GroupMember.all().count() == 0


async def test_bot_account_is_never_a_member(app: App) -> None:
    await setup_cadres()
    await bind(app, G1, ZHANG)
    assert not await GroupMember.exists(qq=BOT_ID)


async def test_a_youth_typing_a_cadre_number_above_10000_reaches_that_cadre(app: App) -> None:
    """Bug 15.1: a bare number of 10000 or more was taken for a QQ number."""
    tree = await seed_tree()
    await make_cadre(ZHANG, "张三", tree.hangzhou)
    big = await Cadre.create(
        id=12345, qq=20999, name="李四", org=tree.hangzhou, category="full_time", source="roster",
        created_at=clock.now(), updated_at=clock.now(),
    )
    await consenting(Y1)
    await converse(app, private(Y1, "/加入 12345"), Contains("好了！", "团干部李四（杭州市委）"))
    await converse(app, private(Y2, "/加入 #12345"), Contains("/同意"))
    assert await ContactLink.filter(cadre=big, youth__qq=Y1).exists()
    # A QQ number still finds its cadre when no cadre has that number.
    await converse(app, private(Y3, f"/加入 {ZHANG}"), Contains("/同意"))
    # The invitation prints the number the way it is to be typed.
    await converse(
        app, private(20999, f"/邀请 {Y3}"), Contains("已安排给 50003 发邀请"), Notice(Y3, Contains("/加入 #12345"))
    )


async def test_staff_cannot_erase_themselves_and_are_told_how_to_leave_office(app: App) -> None:
    await setup_cadres()
    for qq in (ZHANG, HANGZHOU_ADMIN):
        for text in ("/退出 全部", "/退出 全部 确认"):
            await converse(app, private(qq, text), Contains("不能用 /退出 全部 删除自己", "管理员办理"))
    assert await Cadre.filter(qq=ZHANG).exists()


async def test_a_cadre_hears_once_in_the_evening_how_many_youth_confirmed_that_day(app: App) -> None:
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from plugins.contacts.digest import send_daily_news
    from plugins.core import schedule

    assert [t.at for t in schedule._tasks if t.name == "contacts_news"] == [time(20, 0)]
    sh = ZoneInfo("Asia/Shanghai")
    clock.set_now(datetime(2026, 12, 1, 10, 0, tzinfo=sh))
    await setup_cadres()
    await consenting(Y1, Y2)
    await converse(app, private(Y1, "/加入 #1"), Contains("好了！"))
    await converse(app, private(Y2, "/加入 #1"), Contains("好了！"))
    await converse(app, private(Y3, "/加入 #2"), Contains("/同意"))  # not confirmed: not counted
    # In the evening, one line with the running total and what to do next.
    clock.set_now(datetime(2026, 12, 1, 20, 0, tzinfo=sh))
    assert await send_daily_news() == 1
    await deliver(app, Notice(ZHANG, Contains("【联系人】今天新增 2 人（2/100）。发 /联系人 明细 看是谁。")))
    # Never twice the same day, even when the job runs again (another process, a restart).
    assert await send_daily_news() == 0
    # A day without new contacts says nothing; a cadre who paused reminders is not told.
    clock.set_now(datetime(2026, 12, 2, 20, 0, tzinfo=sh))
    assert await send_daily_news() == 0
    clock.set_now(datetime(2026, 12, 3, 10, 0, tzinfo=sh))
    await converse(app, private(WANG, "/提醒 暂停 7"), Contains("已暂停"))
    await converse(app, private(Y3, "/同意"), Contains("谢谢"), then_deliver=False)
    assert await ContactLink.filter(youth__qq=Y3, status="confirmed").exists()
    clock.set_now(datetime(2026, 12, 3, 20, 0, tzinfo=sh))
    assert await send_daily_news() == 0


async def test_a_name_instead_of_a_number_is_answered_with_the_number_to_type(app: App) -> None:
    await setup_cadres()
    await bind(app, G1, ZHANG, Y1)
    await converse(app, private(Y1, "/加入 张三"), Contains("“张三”不是", "/加入 #1"))
