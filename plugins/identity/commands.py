"""Chat commands for identity: thin handlers that parse, call a service and reply."""

from models import Admin, Cadre
from models.enums import CadreCategory, OrgLevel
from plugins.core import clock
from plugins.core.commands import (
    ADMIN,
    CADRE,
    EVERYONE,
    YOUTH,
    Usage,
    command,
    help_text,
)
from plugins.core.context import CommandContext
from plugins.core.errors import Forbidden
from plugins.core.text import is_number, parse_qq, parse_ref, ref
from plugins.identity import admins, orgs, registration
from plugins.identity.actor import Actor, load_actor
from plugins.identity.cards import card_text, set_channel, status_text
from plugins.outbox import enqueue

LIST_LIMIT = 60


async def actor_of(ctx: CommandContext) -> Actor:
    return await load_actor(ctx.user_id, superuser=ctx.is_superuser)


async def require_cadre(ctx: CommandContext) -> Cadre:
    actor = await actor_of(ctx)
    if actor.cadre is None:
        raise Forbidden(
            "这条指令只供已认证的团干部使用。团干部请先发送 /注册 <姓名> <组织> <类别>"
        )
    return actor.cadre


async def require_admin(ctx: CommandContext) -> Actor:
    actor = await actor_of(ctx)
    if not actor.is_admin:
        raise Forbidden("这条指令只供组织管理员使用")
    return actor


# ------------------------------------------------------------------ /注册


@command(
    "注册",
    Usage("/注册 <姓名> <组织> <类别>", "申请团干部实名认证（类别：专职、挂职、领导机关兼职、兼职）", YOUTH),
)
async def register_cmd(ctx: CommandContext) -> None:
    words = ctx.words()
    if len(words) != 3:
        raise ctx.usage_error("请依次写姓名、组织、类别，用空格隔开")
    name, org_text, category_text = words
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
    await app.fetch_related("org")
    category = CadreCategory(app.category)
    target = orgs.FULL_TARGET if category != CadreCategory.part_time else orgs.PART_TIME_TARGET
    await ctx.reply(
        f"已提交注册申请 {ref(app.id)}，等待“{app.org.name}”的管理员审核。"
        f"通过后你的实名身份为：{orgs.real_name(app.org, app.name)}"
        f"（{category.label}团干部，联系目标不少于 {target} 名青年）。"
    )
    for qq in await admins.admins_of(app.org):
        await enqueue(
            qq,
            f"新的团干部注册申请 {ref(app.id)}：{orgs.real_name(app.org, app.name)}，"
            f"{category.label}，QQ {app.qq}。发送 /审核 {app.id} 通过 或 /审核 {app.id} 驳回 <理由>",
            category="application",
            dedup_key=f"application:{app.id}:admin:{qq}",
        )


# ------------------------------------------------------------------ /审核


@command(
    "审核",
    Usage("/审核", "查看待审核的注册申请", ADMIN),
    Usage("/审核 <编号> 通过", "通过注册申请", ADMIN),
    Usage("/审核 <编号> 驳回 <理由>", "驳回注册申请并说明理由", ADMIN),
)
async def review_cmd(ctx: CommandContext) -> None:
    actor = await require_admin(ctx)
    words = ctx.words()
    if not words:
        await ctx.reply(await _pending_text(actor))
        return
    number = parse_ref(words[0])
    if number is None or len(words) < 2 or words[1] not in ("通过", "驳回"):
        raise ctx.usage_error("请写申请编号和“通过”或“驳回”")
    approve = words[1] == "通过"
    reason = ctx.text.split(maxsplit=2)[2] if len(words) > 2 else None
    app = await registration.review(actor, number, approve, reason)
    name = orgs.real_name(app.org, app.name)
    if approve:
        cadre = app.cadre
        await ctx.reply(f"已通过申请 {ref(app.id)}：{name}，团干部编号 {ref(cadre.id)}。")
        await enqueue(
            app.qq,
            f"你的团干部注册申请 {ref(app.id)} 已通过。实名身份：{name}，"
            f"团干部编号 {ref(cadre.id)}。发送 /名片 在群里亮明身份，"
            "/联系方式 微信 <号> 公开联系方式，/帮助 查看全部指令。",
            category="application_result",
            bulk=False,
            dedup_key=f"application:{app.id}:result",
        )
    else:
        await ctx.reply(f"已驳回申请 {ref(app.id)}（{name}），理由已告知申请人。")
        await enqueue(
            app.qq,
            f"你的团干部注册申请 {ref(app.id)} 未通过，理由：{app.reason}。"
            f"如有疑问请联系“{app.org.name}”的管理员；修改后可重新发送 /注册。",
            category="application_result",
            bulk=False,
            dedup_key=f"application:{app.id}:result",
        )


async def _pending_text(actor: Actor) -> str:
    pending = await registration.pending_applications(actor)
    if not pending:
        return "没有待审核的注册申请。"
    lines = [f"待审核的注册申请（{len(pending)} 条）："]
    for app in pending:
        lines.append(
            f"{ref(app.id)} {orgs.real_name(app.org, app.name)}，"
            f"{CadreCategory(app.category).label}，QQ {app.qq}，"
            f"{clock.fmt_local(app.created_at)}"
        )
    lines.append("发送 /审核 <编号> 通过 或 /审核 <编号> 驳回 <理由>")
    return "\n".join(lines)


# ------------------------------------------------------------------ /联系方式 /名片 /我的


@command(
    "联系方式",
    Usage("/联系方式 微信 <微信号>", "公开微信号（写“删除”可撤下）", CADRE),
    Usage("/联系方式 微博 <微博账号>", "公开微博账号（写“删除”可撤下）", CADRE),
)
async def channel_cmd(ctx: CommandContext) -> None:
    cadre = await require_cadre(ctx)
    words = ctx.words()
    if not words:
        await ctx.reply(
            f"你公开的联系方式：QQ {cadre.qq}；微信 {cadre.wechat or '未设置'}；"
            f"微博 {cadre.weibo or '未设置'}。设置：/联系方式 微信 <号>"
        )
        return
    if len(words) != 2:
        raise ctx.usage_error("请写联系方式种类和账号，用空格隔开")
    stored = await set_channel(cadre, words[0], words[1])
    if stored is None:
        await ctx.reply(f"已撤下你的{words[0]}。")
    else:
        await ctx.reply(f"已公开你的{words[0]}：{stored}。发送 /名片 可在群里展示。")


@command("名片", Usage("/名片", "在本群亮明团干部身份和联系方式", CADRE))
async def card_cmd(ctx: CommandContext) -> None:
    cadre = await require_cadre(ctx)
    await ctx.reply(await card_text(cadre))


@command("我的", Usage("/我的", "查看自己的身份、编号和状态", EVERYONE))
async def mine_cmd(ctx: CommandContext) -> None:
    actor = await actor_of(ctx)
    parts: list[str] = []
    if actor.cadre is not None:
        parts.append(await status_text(actor.cadre))
    else:
        app = await registration.latest_application(ctx.user_id)
        if app is None:
            parts.append(
                "你还不是认证团干部。团干部请发送 /注册 <姓名> <组织> <类别> 申请实名认证。"
            )
        elif app.status == "pending":
            parts.append(
                f"你的注册申请 {ref(app.id)} 正在等待“{app.org.name}”的管理员审核："
                f"{orgs.real_name(app.org, app.name)}（{CadreCategory(app.category).label}）。"
            )
        else:
            parts.append(
                f"你最近的注册申请 {ref(app.id)} 未通过，理由：{app.reason or '无'}。"
                "可修改后重新发送 /注册。"
            )
    if actor.admin_orgs:
        names = "、".join(f"{o.name}（{ref(o.id)}）" for o in actor.admin_orgs)
        parts.append(f"你是以下组织的管理员：{names}")
    if actor.superuser:
        parts.append("你是超级用户。")
    await ctx.reply("\n".join(parts))


@command("帮助", Usage("/帮助", "列出你可以使用的指令", EVERYONE), aliases=("help",))
async def help_cmd(ctx: CommandContext) -> None:
    actor = await actor_of(ctx)
    await ctx.reply(help_text(actor.roles))


# ------------------------------------------------------------------ /组织


@command(
    "组织",
    Usage("/组织 列表 [组织]", "查看所管辖的组织树", ADMIN),
    Usage("/组织 新建 <名称> <层级> [上级组织]", "新建组织（层级：中央、省、市、县、基层）", ADMIN),
    Usage("/组织 兼职目标 <组织> <数量>", "提高本组织兼职团干部的联系目标（至少 10）", ADMIN),
)
async def org_cmd(ctx: CommandContext) -> None:
    actor = await require_admin(ctx)
    words = ctx.words()
    action = words[0] if words else ""
    if action == "新建":
        if len(words) not in (3, 4):
            raise ctx.usage_error("请写组织名称、层级和上级组织")
        org = await orgs.create_org(actor, words[1], words[2], words[3] if len(words) == 4 else None)
        where = f"，上级组织“{words[3]}”" if len(words) == 4 else "（顶级）"
        await ctx.reply(
            f"已新建组织 {ref(org.id)} {org.name}（{OrgLevel(org.level).label}级）{where}。"
            f"其团干部的实名形式为：{orgs.real_name(org, '某某')}"
        )
    elif action == "列表":
        root = await orgs.find_org(words[1]) if len(words) > 1 else None
        await ctx.reply(await _org_tree_text(actor, root))
    elif action == "兼职目标":
        if len(words) != 3 or not is_number(words[2]):
            raise ctx.usage_error("请写组织和目标人数")
        org = await orgs.find_org(words[1])
        await orgs.set_part_time_target(actor, org, int(words[2]))
        await ctx.reply(
            f"已将“{org.name}”及其下级组织兼职团干部的联系目标设为 {int(words[2])} 名青年。"
        )
    else:
        raise ctx.usage_error("请写“列表”“新建”或“兼职目标”")


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
    "管理员",
    Usage("/管理员 添加 <QQ> <组织>", "任命组织管理员（须为其上级组织管理员）", ADMIN),
    Usage("/管理员 移除 <QQ> [组织]", "移除管理员", ADMIN),
    Usage("/管理员 列表 [组织]", "查看所管辖组织的管理员", ADMIN),
)
async def admin_cmd(ctx: CommandContext) -> None:
    actor = await require_admin(ctx)
    words = ctx.words()
    action = words[0] if words else ""
    if action == "添加":
        qq = parse_qq(words[1]) if len(words) == 3 else None
        if qq is None:
            raise ctx.usage_error("请写 QQ 号和组织")
        org = await orgs.find_org(words[2])
        created = await admins.add_admin(actor, qq, org)
        if created:
            await ctx.reply(f"已任命 {qq} 为“{org.name}”（{ref(org.id)}）的管理员。")
            await enqueue(
                qq,
                f"你已被任命为“{org.name}”的管理员，可管理该组织及其下级组织。发送 /帮助 查看管理指令。",
                category="admin_appointed",
                bulk=False,
            )
        else:
            await ctx.reply(f"{qq} 已是“{org.name}”的管理员，无需重复任命。")
    elif action == "移除":
        qq = parse_qq(words[1]) if len(words) in (2, 3) else None
        if qq is None:
            raise ctx.usage_error("请写 QQ 号")
        org = await orgs.find_org(words[2]) if len(words) == 3 else None
        removed = await admins.remove_admin(actor, qq, org)
        await ctx.reply(f"已移除 {qq} 的管理员身份：{'、'.join(removed)}。")
    elif action == "列表":
        root = await orgs.find_org(words[1]) if len(words) > 1 else None
        found = await orgs.visible_orgs(actor, root)
        rows = await Admin.filter(org_id__in=[o.id for o in found]).prefetch_related("org")
        if not rows:
            await ctx.reply("所管辖的组织还没有管理员。")
            return
        lines = [f"管理员（{len(rows)} 人次）："]
        lines += [f"{a.qq}　{a.org.name}（{ref(a.org.id)}）" for a in rows[:LIST_LIMIT]]
        await ctx.reply("\n".join(lines))
    else:
        raise ctx.usage_error("请写“添加”“移除”或“列表”")


