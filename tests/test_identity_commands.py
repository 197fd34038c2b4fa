"""Chat commands of 亮身份, one user action at a time (nonebug)."""

import asyncio
from datetime import timedelta

import pytest
from nonebug import App

from models import Admin, Application, Cadre, Organisation
from plugins.core import clock
from plugins.core.actor import load_actor
from plugins.core.errors import Conflict
from plugins.identity.registration import review
from tests.conftest import SUPERUSER
from tests.helpers import Contains, Lacks, Notice, converse, group, private
from tests.seed import (
    HANGZHOU_ADMIN,
    NINGBO_ADMIN,
    PROVINCE_ADMIN,
    XIHU_ADMIN,
    consenting,
    make_cadre,
    seed_tree,
)

ZHANG = 20001
LI = 20002


# ------------------------------------------------------------------ /注册


async def test_register_creates_application_and_tells_admin(app: App) -> None:
    await seed_tree()
    await converse(
        app,
        private(ZHANG, "/注册 李四 杭州市西湖区委 专职"),
        Contains("已提交注册申请 #1", "共青团杭州市西湖区委李四", "不少于 100 名"),
        Notice(XIHU_ADMIN, Contains("新的团干部注册申请 #1", "/审核 1 通过")),
    )
    app_row = await Application.get(id=1)
    assert (app_row.qq, app_row.status, app_row.category) == (ZHANG, "pending", "full_time")
    assert await Cadre.all().count() == 0


async def test_register_part_time_target_is_ten(app: App) -> None:
    await seed_tree()
    await converse(
        app,
        private(ZHANG, "/注册 王五 宁波市委 兼职"),
        Contains("共青团宁波市委王五", "兼职团干部", "不少于 10 名"),
        Notice(NINGBO_ADMIN, Contains("#1")),
    )


async def test_register_twice_is_refused(app: App) -> None:
    await seed_tree()
    await converse(
        app,
        private(ZHANG, "/注册 张三 浙江省委 专职"),
        Contains("#1"),
        Notice(PROVINCE_ADMIN, Contains("#1")),
    )
    await converse(
        app, private(ZHANG, "/注册 张三 浙江省委 挂职"), Contains("已有待审核的申请 #1")
    )
    assert await Application.all().count() == 1


async def test_register_usage_and_bad_values(app: App) -> None:
    await seed_tree()
    await converse(app, private(ZHANG, "/注册 张三"), Contains("请写组织", "用法：/注册"))
    await converse(
        app, private(ZHANG, "/注册 张三 浙江省委 临时工"), Contains("类别须为 专职、挂职、领导机关兼职、兼职 之一")
    )
    await converse(app, private(ZHANG, "/注册 张3 浙江省委 专职"), Contains("姓名须为 2–20 个字"))
    assert await Application.all().count() == 0


async def test_unknown_org_gets_closest_matches(app: App) -> None:
    await seed_tree()
    await converse(
        app,
        private(ZHANG, "/注册 张三 浙江省 专职"),
        Contains("没有找到组织“浙江省”", "你是不是要找：浙江省委"),
    )
    await converse(
        app,
        private(ZHANG, "/注册 张三 西湖区委 专职"),
        Contains("杭州市西湖区委"),
    )


async def test_roster_cadre_is_recognised_without_application(app: App) -> None:
    tree = await seed_tree()
    cadre = await make_cadre(ZHANG, "张三", tree.province)
    await converse(
        app,
        private(ZHANG, "/注册 张三 浙江省委 专职"),
        Contains("已在“浙江省委”的团干部名册中", f"团干部编号 #{cadre.id}"),
    )
    assert await Application.all().count() == 0


async def test_full_width_slash_starts_a_command(app: App) -> None:
    await converse(app, private(ZHANG, "／我的"), Contains("我们没有存你的个人信息"))
    # Full-width letters and digits, as Chinese input methods type them, are understood.
    await converse(app, private(ZHANG, "／帮助　全部"), Contains("联青可用指令"))


async def test_a_private_message_not_understood_gets_one_short_answer_and_groups_stay_silent(app: App) -> None:
    await converse(app, private(ZHANG, "/不存在的指令"), Contains("没看懂这句话，发送 /帮助 看看能做什么。"))
    await converse(app, private(ZHANG, "在吗"))  # at most once in 10 minutes
    await converse(app, group(500, ZHANG, "大家好"))
    await converse(app, group(500, ZHANG, "/不存在的指令"))
    clock.set_now(clock.now() + timedelta(minutes=11))
    await converse(app, private(ZHANG, "在吗"), Contains("没看懂这句话"))
    # "帮助" without the slash is understood in private chat.
    await converse(app, private(LI, "帮助"), Contains("联青常用指令（青年）"))


async def test_command_glued_to_argument(app: App) -> None:
    await converse(app, private(ZHANG, "/我的吗"), Contains("多写了“吗”", "用法：/我的"))


# ------------------------------------------------------------------ /审核


async def _apply(app: App, qq: int = ZHANG, org: str = "杭州市西湖区委", admin: int = XIHU_ADMIN) -> None:
    await converse(
        app,
        private(qq, f"/注册 李四 {org} 专职"),
        Contains("已提交注册申请"),
        Notice(admin, Contains("新的团干部注册申请")),
    )


async def test_admin_approves_and_applicant_is_told(app: App) -> None:
    await seed_tree()
    await _apply(app)
    await converse(
        app,
        private(XIHU_ADMIN, "/审核 #1 通过"),
        Contains("已通过申请 #1", "共青团杭州市西湖区委李四", "团干部编号 #1"),
        Notice(ZHANG, Contains("通过了！", "共青团杭州市西湖区委李四", "团干部编号 #1",
                               "下一步：① 在你的青年群里发 /绑定本群 ② 请群友发 /加入 ③ 发 /联系人 看进度（现在 0/100）")),
    )
    cadre = await Cadre.get(qq=ZHANG)
    assert (cadre.name, cadre.source) == ("李四", "application")
    await converse(app, private(ZHANG, "/我的"), Contains("团干部编号 #1", "不少于 100 名"))


async def test_parent_org_admin_may_approve(app: App) -> None:
    await seed_tree()
    await _apply(app)
    await converse(
        app,
        private(PROVINCE_ADMIN, "/审核 1 通过"),
        Contains("已通过申请 #1"),
        Notice(ZHANG, Contains("通过了")),
    )


async def test_approving_twice_is_refused(app: App) -> None:
    await seed_tree()
    await _apply(app)
    await converse(
        app, private(XIHU_ADMIN, "/审核 1 通过"), Contains("已通过"), Notice(ZHANG, Contains("通过了"))
    )
    await converse(app, private(HANGZHOU_ADMIN, "/审核 1 驳回 重复"), Contains("申请 #1 已于", "已通过，无需再次审核"))
    assert await Cadre.all().count() == 1
    assert (await Application.get(id=1)).status == "approved"


async def test_approving_outside_subtree_is_refused(app: App) -> None:
    await seed_tree()
    await _apply(app)
    await converse(
        app,
        private(NINGBO_ADMIN, "/审核 1 通过"),
        Contains("你不是“杭州市西湖区委”或其上级组织的管理员"),
    )
    await converse(app, private(LI, "/审核 1 通过"), Contains("只供组织管理员使用"))
    assert (await Application.get(id=1)).status == "pending"
    assert await Cadre.all().count() == 0


async def test_reject_needs_reason_and_reason_is_sent_as_plain_text(app: App) -> None:
    await seed_tree()
    await _apply(app)
    await converse(app, private(XIHU_ADMIN, "/审核 1 驳回"), Contains("请写理由", "/审核 <编号> 驳回 <理由>"))
    hostile = "[CQ:at,qq=all] 与 &#91;CQ:image,file=x&#93;"
    await converse(
        app,
        private(XIHU_ADMIN, f"/审核 1 驳回 {hostile}"),
        Contains("已驳回申请 #1"),
        # Contains accepts text segments only: no at / image segment may appear.
        Notice(ZHANG, Contains("没有通过", f"理由：{hostile}")),
    )
    rejected = await Application.get(id=1)
    assert (rejected.status, rejected.reason) == ("rejected", hostile)
    await converse(app, private(ZHANG, "/我的"), Contains("没有通过", hostile))


async def test_review_list_shows_only_own_subtree(app: App) -> None:
    await seed_tree()
    await _apply(app)
    await _apply(app, qq=LI, org="宁波市委", admin=NINGBO_ADMIN)
    await converse(app, private(NINGBO_ADMIN, "/审核"), Contains("待审核的注册申请（1 条）", "#2", "共青团宁波市委李四"))
    await converse(app, private(PROVINCE_ADMIN, "/审核"), Contains("（2 条）", "#1", "#2"))
    await converse(app, private(NINGBO_ADMIN, "/审核 1"), Contains("用法：/审核"))


async def test_concurrent_approvals_create_one_cadre() -> None:
    tree = await seed_tree()
    from plugins.identity.registration import register

    await register(ZHANG, "李四", tree.xihu.name, "专职")
    a1 = await load_actor(XIHU_ADMIN)
    a2 = await load_actor(PROVINCE_ADMIN)
    results = await asyncio.gather(review(a1, 1, True), review(a2, 1, True), return_exceptions=True)
    assert sum(isinstance(r, Conflict) for r in results) == 1
    assert await Cadre.filter(qq=ZHANG).count() == 1


# ------------------------------------------------------------------ channels, card, mine


async def test_channels_and_card_in_group(app: App) -> None:
    tree = await seed_tree()
    await make_cadre(ZHANG, "张三", tree.province)
    await converse(app, private(ZHANG, "/联系方式 微信 zhangsan_cyl"), Contains("已公开你的微信：zhangsan_cyl"))
    await converse(app, private(ZHANG, "/联系方式 微博 @浙江团干张三"), Contains("已公开你的微博"))
    await converse(app, private(ZHANG, "/联系方式 抖音 x"), Contains("看不懂“抖音”", "/联系方式 微信 <微信号>"))
    await converse(
        app,
        group(700, ZHANG, "/名片"),
        Contains("【团干部名片】共青团浙江省委张三", "专职团干部", f"QQ {ZHANG}", "微信 zhangsan_cyl", "微博 @浙江团干张三", "/加入 #1"),
    )
    await converse(app, private(ZHANG, "/联系方式 微信 删除"), Contains("已撤下你的微信"))
    assert (await Cadre.get(qq=ZHANG)).wechat is None


async def test_card_is_for_cadres_only(app: App) -> None:
    await converse(app, group(700, LI, "/名片"), Contains("只供已认证的团干部使用", "/注册"))


async def test_part_time_target_follows_org_setting(app: App) -> None:
    tree = await seed_tree()
    await make_cadre(ZHANG, "张三", tree.xihu, category="part_time")
    await converse(app, private(ZHANG, "/我的"), Contains("不少于 10 名"))
    await converse(
        app,
        private(HANGZHOU_ADMIN, "/组织 兼职目标 杭州市委 20"),
        Contains("已将“杭州市委”及其下级组织兼职团干部的联系目标设为 20"),
    )
    await converse(app, private(ZHANG, "/我的"), Contains("不少于 20 名"))
    await converse(app, private(NINGBO_ADMIN, "/组织 兼职目标 杭州市委 30"), Contains("你不是“杭州市委”或其上级组织的管理员"))


async def test_help_differs_by_role(app: App) -> None:
    tree = await seed_tree()
    await make_cadre(ZHANG, "张三", tree.province)
    # Five commands as real examples, then where to find more: at most 8 lines.
    await converse(app, private(LI, "/帮助"), Contains("联青常用指令（青年）", "/加入 学生", "/诉求 困难 食堂饭菜太贵", "更多：/帮助 诉求｜互助｜签到｜全部"))
    await converse(app, private(ZHANG, "/帮助"), Contains("联青常用指令（团干部）", "/联系人", "/话题 周末志愿服务去哪儿？", "更多：/帮助 诉求｜活动｜话题｜全部"))
    await converse(app, private(PROVINCE_ADMIN, "/帮助"), Contains("联青常用指令（管理员）", "/审核", "/联系概况 杭州市委"))
    await make_cadre(HANGZHOU_ADMIN, "赵六", tree.hangzhou)
    await converse(app, private(HANGZHOU_ADMIN, "/帮助"), Contains("联青常用指令（团干部、管理员）", "/联系人", "/联系概况 杭州市委"))
    await converse(app, private(LI, "/帮助"), Lacks("/审核", "/名片", "/注册"))
    # In a group: at most 4 lines, pointing to private chat.
    await converse(app, group(700, LI, "/帮助"), Contains("在群里常用：", "/加入 学生", "更多用法请私聊我发送 /帮助"))
    # Everything, in pages: the first page now, /下一页 for the next.
    await converse(app, private(PROVINCE_ADMIN, "/帮助 全部"), Contains("联青可用指令", "（第 1/", "回复 /下一页 看后面）"))
    await converse(app, private(PROVINCE_ADMIN, "/下一页"), Contains("（第 2/"))
    await converse(app, private(LI, "/下一页"), Contains("没有下一页了"))
    await converse(app, private(LI, "/帮助 诉求"), Contains("/诉求 的用法", "例：/诉求 困难 食堂饭菜太贵"))


async def test_mine_shows_admin_roles(app: App) -> None:
    await seed_tree()
    await converse(app, private(HANGZHOU_ADMIN, "/我的"), Contains("你是这些组织的管理员：杭州市委（#2）"))


async def test_mine_shows_a_youth_what_profile_shows(app: App) -> None:
    await converse(app, private(LI, "/我的"), Contains("我们没有存你的个人信息", "/加入"))
    await consenting(LI)
    await converse(app, private(LI, "/我的"), Contains("我们存的你的信息", f"QQ {LI}"))


# ------------------------------------------------------------------ /组织 /管理员


async def test_org_create_rules(app: App) -> None:
    await converse(app, private(SUPERUSER, "/组织 新建 浙江省委 省"), Contains("已新建组织 #1 浙江省委（省级）（顶级）", "共青团浙江省委某某"))
    await converse(app, private(SUPERUSER, "/组织 新建 共青团杭州市委 市 浙江省委"), Contains("#2 杭州市委（市级）"))
    await converse(app, private(SUPERUSER, "/组织 新建 杭州市委 市 浙江省委"), Contains("组织“杭州市委”已存在"))
    await converse(app, private(SUPERUSER, "/组织 新建 某省委 省 杭州市委"), Contains("省级组织不能设在市级组织“杭州市委”之下"))
    await converse(app, private(SUPERUSER, "/组织 新建 某某 乡 浙江省委"), Contains("层级须为 中央、省、市、县、基层 之一"))
    await converse(app, private(SUPERUSER, "/组织 新建"), Contains("请写名称", "用法：/组织 新建 <名称> <层级>"))
    await Admin.create(qq=HANGZHOU_ADMIN, org_id=2, created_at=(await Organisation.get(id=2)).created_at)
    await converse(app, private(HANGZHOU_ADMIN, "/组织 新建 杭州市上城区委 县 杭州市委"), Contains("#3 杭州市上城区委（县级）"))
    await converse(app, private(HANGZHOU_ADMIN, "/组织 新建 宁波市委 市 浙江省委"), Contains("你不是“浙江省委”或其上级组织的管理员"))
    await converse(app, private(HANGZHOU_ADMIN, "/组织 新建 某团委 基层"), Contains("只有超级用户可以新建顶级组织"))
    await converse(app, private(LI, "/组织 列表"), Contains("只供组织管理员使用"))
    assert await Organisation.all().count() == 3
    xc = await Organisation.get(name="杭州市上城区委")
    assert xc.path == "1/2/3/"


async def test_org_list_shows_subtree(app: App) -> None:
    tree = await seed_tree()
    await make_cadre(ZHANG, "张三", tree.xihu)
    await converse(
        app,
        private(HANGZHOU_ADMIN, "/组织 列表"),
        Contains("组织（共 2 个）", "#2 杭州市委（市级）", "#3 杭州市西湖区委（县级，团干部 1 人）"),
    )
    await converse(app, private(SUPERUSER, "/组织 列表"), Contains("共 4 个", "宁波市委"))
    await converse(app, private(NINGBO_ADMIN, "/组织 列表 杭州市委"), Contains("你不是“杭州市委”或其上级组织的管理员"))


async def test_admin_appointment_rules(app: App) -> None:
    await seed_tree()
    await converse(
        app,
        private(PROVINCE_ADMIN, "/管理员 添加 40001 宁波市委"),
        Contains("已任命 40001 为“宁波市委”（#4）的管理员"),
        Notice(40001, Contains("你已被任命为“宁波市委”的管理员")),
    )
    await converse(app, private(PROVINCE_ADMIN, "/管理员 添加 40001 宁波市委"), Contains("已是“宁波市委”的管理员"))
    await converse(app, private(NINGBO_ADMIN, "/管理员 添加 40002 宁波市委"), Contains("只有超级用户或“宁波市委”上级组织的管理员可以任命"))
    await converse(app, private(HANGZHOU_ADMIN, "/管理员 移除 40001"), Contains("只有超级用户或其上级组织的管理员可以移除"))
    await converse(app, private(PROVINCE_ADMIN, "/管理员 列表 宁波市委"), Contains("40001", str(NINGBO_ADMIN)))
    await converse(app, private(PROVINCE_ADMIN, "/管理员 移除 40001"), Contains("已移除 40001 的管理员身份：宁波市委"))
    await converse(app, private(PROVINCE_ADMIN, "/管理员 添加 12ab 宁波市委"), Contains("不是 QQ 号", "用法：/管理员 添加 <QQ> <组织>"))
    assert not await Admin.exists(qq=40001)


@pytest.mark.parametrize("name", ["[CQ:at,qq=all]", "&#91;CQ:at,qq=all&#93;"])
async def test_echoed_org_name_stays_text(app: App, name: str) -> None:
    await seed_tree()
    await converse(app, private(ZHANG, f"/注册 张三 {name} 专职"), Contains(f"没有找到组织“{name}”"))


async def test_a_long_private_answer_comes_in_pages_of_at_most_15_lines(app: App) -> None:
    from models.enums import OrgLevel
    from tests.seed import insert_org

    tree = await seed_tree()
    for i in range(30):
        await insert_org(f"杭州市第{i + 1}区委", OrgLevel.county, tree.hangzhou)
    await converse(app, private(HANGZHOU_ADMIN, "/组织 列表"), Contains("组织（共 32 个）", "（第 1/3 页，回复 /下一页 看后面）"))
    await converse(app, private(HANGZHOU_ADMIN, "/下一页"), Contains("（第 2/3 页，回复 /下一页 看后面）"))
    await converse(app, private(HANGZHOU_ADMIN, "/下一页"), Contains("杭州市第30区委", "（第 3/3 页"))
