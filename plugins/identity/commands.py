"""Chat commands for identity: declared forms whose handlers call a service and reply."""

from models.enums import ApplicationStatus, CadreCategory, OrgLevel
from plugins.core import clock
from plugins.core.actor import ADMIN, CADRE, EVERYONE, YOUTH, Actor
from plugins.core.commands import QQ, Int, Org, Ref, Text, Word, command
from plugins.core.context import CommandContext
from plugins.core.text import ref
from plugins.identity import admins, orgs, registration
from plugins.identity.cards import card_text, channels_text, set_channel, status_text, youth_profile
from plugins.outbox import enqueue

LIST_LIMIT = 60



# ------------------------------------------------------------------ /注册


@command(
    "注册", Word("姓名"), Word("组织"), Word("类别"), role=YOUTH,
    summary="申请团干部实名认证（类别：专职、挂职、领导机关兼职、兼职）", example="/注册 张三 杭州市西湖区委 专职",
)
async def register_cmd(ctx: CommandContext, name: str, org_text: str, category_text: str) -> None:
    result = await registration.register(ctx.user_id, name, org_text, category_text)
    if result.cadre is not None:
        cadre = result.cadre
        await ctx.reply(
            f"你已在“{cadre.org.name}”的团干部名册中，无需申请："
            f"{orgs.real_name(cadre.org, cadre.name)}，团干部编号 {ref(cadre.id)}。"
            "发送 /名片 亮明身份，/联系方式 微信 <号> 公开联系方式。"
        )
        return
    app = result.application
    assert app is not None  # created with its organisation, nothing to fetch
    category = CadreCategory(app.category)
    target = orgs.FULL_TARGET if category != CadreCategory.part_time else orgs.PART_TIME_TARGET
    await ctx.reply(
        f"已提交注册申请 {ref(app.id)}，等“{app.org.name}”的管理员审核，结果会私聊告诉你。"
        f"通过后你的实名身份是：{orgs.real_name(app.org, app.name)}"
        f"（{category.label}团干部，联系目标不少于 {target} 名青年）。"
    )


# ------------------------------------------------------------------ /审核


@command("审核", role=ADMIN, summary="查看待审核的注册申请", example="/审核")
async def pending_cmd(ctx: CommandContext) -> None:
    await ctx.reply(await _pending_text(ctx.actor))


@command("审核", Ref("编号", noun="申请"), "通过", role=ADMIN, summary="通过注册申请", example="/审核 3 通过")
async def approve_cmd(ctx: CommandContext, number: int) -> None:
    app = await registration.review(ctx.actor, number, True, None)
    name = orgs.real_name(app.org, app.name)
    cadre = app.cadre
    assert cadre is not None  # an approved application made the cadre
    if app.category == registration.DEPARTURE:
        await ctx.reply(
            f"已通过离任申请 {ref(app.id)}：{name}（{ref(cadre.id)}）已离任，绑定群已解绑，未办结诉求转入待分派。"
            f"要指定接任者，下次请用 /团干部 离任 {ref(cadre.id)} 接任 #编号 直接办理。"
        )
        return
    await ctx.reply(f"已通过申请 {ref(app.id)}：{name}，团干部编号 {ref(cadre.id)}。已私聊告诉本人下一步怎么做。")


@command(
    "审核", Ref("编号", noun="申请"), "驳回", Text("理由"), role=ADMIN,
    summary="驳回注册申请并说明理由", example="/审核 3 驳回 不在本组织名册中",
)
async def reject_cmd(ctx: CommandContext, number: int, reason: str) -> None:
    app = await registration.review(ctx.actor, number, False, reason)
    what = "离任申请" if app.category == registration.DEPARTURE else "申请"
    await ctx.reply(f"已驳回{what} {ref(app.id)}（{orgs.real_name(app.org, app.name)}），理由已私聊告诉申请人。")


async def _pending_text(actor: Actor) -> str:
    pending = await registration.pending_applications(actor)
    if not pending:
        return "没有待审核的注册申请。"
    lines = [f"待审核的注册申请（{len(pending)} 条）："]
    for app in pending:
        if app.category == registration.DEPARTURE:
            lines.append(
                f"{ref(app.id)} 离任申请：{orgs.real_name(app.org, app.name)}（团干部 {ref(app.cadre_id or 0)}），"
                f"{clock.fmt_local(app.created_at)}"
            )
            continue
        lines.append(
            f"{ref(app.id)} {orgs.real_name(app.org, app.name)}，"
            f"{CadreCategory(app.category).label}，QQ {app.qq}，"
            f"{clock.fmt_local(app.created_at)}"
        )
    lines.append("发送 /审核 <编号> 通过 或 /审核 <编号> 驳回 <理由>")
    return "\n".join(lines)


# ------------------------------------------------------------------ /联系方式 /名片 /我的


@command("联系方式", role=CADRE, summary="查看你公开的联系方式", example="/联系方式")
async def channels_cmd(ctx: CommandContext) -> None:
    await ctx.reply(channels_text(ctx.cadre))


@command(
    "联系方式", "微信", Word("微信号"), role=CADRE, summary="公开微信号（写“删除”可撤下）",
    example="/联系方式 微信 zhangsan_tw",
)
async def wechat_cmd(ctx: CommandContext, value: str) -> None:
    await _set_channel(ctx, "微信", value)


@command(
    "联系方式", "微博", Word("微博账号"), role=CADRE, summary="公开微博账号（写“删除”可撤下）",
    example="/联系方式 微博 共青团张三",
)
async def weibo_cmd(ctx: CommandContext, value: str) -> None:
    await _set_channel(ctx, "微博", value)


async def _set_channel(ctx: CommandContext, kind: str, value: str) -> None:
    stored = await set_channel(ctx.cadre, kind, value)
    if stored is None:
        await ctx.reply(f"已撤下你的{kind}。")
    else:
        await ctx.reply(f"已公开你的{kind}：{stored}。发送 /名片 可在群里展示。")


@command("名片", role=CADRE, summary="在本群亮明团干部身份和联系方式", example="/名片")
async def card_cmd(ctx: CommandContext) -> None:
    await ctx.reply(await card_text(ctx.cadre))


@command("我的", role=EVERYONE, summary="看看自己的身份、编号和我们存的信息", example="/我的")
async def mine_cmd(ctx: CommandContext) -> None:
    actor = ctx.actor
    parts: list[str] = []
    if actor.cadre is not None:
        parts.append(await status_text(actor.cadre))
    else:
        app = await registration.latest_application(ctx.user_id)
        if app is not None and app.status == ApplicationStatus.pending:
            parts.append(
                f"你的团干部注册申请 {ref(app.id)} 正在等“{app.org.name}”的管理员审核："
                f"{orgs.real_name(app.org, app.name)}（{CadreCategory(app.category).label}）。"
            )
        elif app is not None and app.status == ApplicationStatus.rejected:
            parts.append(f"你最近的团干部注册申请 {ref(app.id)} 没有通过，理由：{app.reason or '无'}。")
        if not actor.admin_orgs and not actor.superuser:
            if ctx.is_group:  # a youth's own data never goes into a group
                parts.append("你的个人信息只在私聊里看：请私聊我发送 /我的")
            elif profile := await youth_profile(ctx.user_id):
                parts.append(profile)
    if actor.admin_orgs:
        names = "、".join(f"{o.name}（{ref(o.id)}）" for o in actor.admin_orgs)
        parts.append(f"你是这些组织的管理员：{names}")
    if actor.superuser:
        parts.append("你是超级用户。")
    await ctx.reply("\n".join(parts) or "你还没有和团干部建立联系。发 /加入 试试。", paged=True)


# ------------------------------------------------------------------ /组织


@command("组织", "列表", Org(optional=True), role=ADMIN, summary="查看所管辖的组织树", example="/组织 列表 杭州市委")
async def org_list_cmd(ctx: CommandContext, root) -> None:
    await ctx.reply(await _org_tree_text(ctx.actor, root))


@command(
    "组织", "新建", Word("名称"), Word("层级"), Word("上级组织", optional=True), role=ADMIN,
    summary="新建组织（层级：中央、省、市、县、基层）", example="/组织 新建 杭州市上城区委 县 杭州市委",
)
async def org_create_cmd(ctx: CommandContext, name: str, level: str, parent: str | None) -> None:
    org = await orgs.create_org(ctx.actor, name, level, parent)
    where = f"，上级组织“{parent}”" if parent else "（顶级）"
    await ctx.reply(
        f"已新建组织 {ref(org.id)} {org.name}（{OrgLevel(org.level).label}级）{where}。"
        f"其团干部的实名形式为：{orgs.real_name(org, '某某')}"
    )


@command(
    "组织", "兼职目标", Org(), Int("数量", low=orgs.PART_TIME_TARGET, high=100_000), role=ADMIN,
    summary="提高本组织兼职团干部的联系目标（至少 10）", example="/组织 兼职目标 杭州市委 20",
)
async def org_target_cmd(ctx: CommandContext, org, target: int) -> None:
    await orgs.set_part_time_target(ctx.actor, org, target)
    await ctx.reply(f"已将“{org.name}”及其下级组织兼职团干部的联系目标设为 {target} 名青年。")


async def _org_tree_text(actor: Actor, root) -> str:
    found = await orgs.visible_orgs(actor, root)
    if not found:
        return "还没有组织。超级用户可发送 /组织 新建 <名称> <层级> 建立顶级组织。"
    counts = await orgs.cadre_counts([o.id for o in found])
    base = min(len(o.path.split("/")) for o in found)
    lines = [f"组织（共 {len(found)} 个）："]
    for org in found[:LIST_LIMIT]:
        depth = len(org.path.split("/")) - base
        n = counts.get(org.id, 0)
        suffix = f"，团干部 {n} 人" if n else ""
        lines.append(f"{'　' * depth}{ref(org.id)} {org.name}（{OrgLevel(org.level).label}级{suffix}）")
    if len(found) > LIST_LIMIT:
        lines.append(f"……还有 {len(found) - LIST_LIMIT} 个，可发送 /组织 列表 <组织> 查看下级")
    return "\n".join(lines)


# ------------------------------------------------------------------ /管理员


@command(
    "管理员", "添加", QQ("QQ"), Org(), role=ADMIN, summary="任命组织管理员（须为其上级组织管理员）",
    example="/管理员 添加 12345678 杭州市西湖区委",
)
async def admin_add_cmd(ctx: CommandContext, qq: int, org) -> None:
    if await admins.add_admin(ctx.actor, qq, org):
        await ctx.reply(f"已任命 {qq} 为“{org.name}”（{ref(org.id)}）的管理员。")
        await enqueue(
            qq,
            f"你已被任命为“{org.name}”的管理员，可管理该组织及其下级组织。发送 /帮助 查看管理指令。",
            category="admin_appointed",
            bulk=False,
        )
    else:
        await ctx.reply(f"{qq} 已是“{org.name}”的管理员，无需重复任命。")


@command(
    "管理员", "移除", QQ("QQ"), Org(optional=True), role=ADMIN, summary="移除管理员",
    example="/管理员 移除 12345678 杭州市西湖区委",
)
async def admin_remove_cmd(ctx: CommandContext, qq: int, org) -> None:
    removed = await admins.remove_admin(ctx.actor, qq, org)
    await ctx.reply(f"已移除 {qq} 的管理员身份：{'、'.join(removed)}。")


@command("管理员", "列表", Org(optional=True), role=ADMIN, summary="查看所管辖组织的管理员", example="/管理员 列表")
async def admin_list_cmd(ctx: CommandContext, root) -> None:
    rows = await admins.admins_in(await orgs.visible_orgs(ctx.actor, root))
    if not rows:
        await ctx.reply("所管辖的组织还没有管理员。")
        return
    lines = [f"管理员（{len(rows)} 人次）："]
    lines += [f"{a.qq}　{a.org.name}（{ref(a.org.id)}）" for a in rows[:LIST_LIMIT]]
    await ctx.reply("\n".join(lines))
