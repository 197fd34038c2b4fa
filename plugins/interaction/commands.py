"""Chat commands for topics and /互动: declared forms calling topics.py / activity.py."""

from nonebot.log import logger

from models.enums import TopicStatus
from plugins.core import clock
from plugins.core.actor import CADRE
from plugins.core.commands import Ref, Text, command
from plugins.core.context import CommandContext
from plugins.core.errors import Conflict, UsageError
from plugins.core.text import plain, ref, titled
from plugins.identity.orgs import chat_name
from plugins.interaction import activity, topics
from plugins.outbox import enqueue


@command("话题", "列表", role=CADRE, summary="最近的话题及回复、参与人数", example="/话题 列表")
async def topic_list_cmd(ctx: CommandContext) -> None:
    await ctx.reply(await _list_text(ctx.cadre))


@command("话题", "结束", Ref("编号", noun="话题"), role=CADRE, summary="结束话题，之后的发言不再计入", example="/话题 结束 3")
async def topic_close_cmd(ctx: CommandContext, number: int) -> None:
    topic = await topics.close_topic(ctx.cadre, number)
    await ctx.reply(f"话题 {ref(topic.id)} 已结束，之后的发言不再计入讨论。")


@command(
    "话题", "全部", Text("标题"), role=CADRE, summary="私聊发送：把话题发到自己所有绑定群",
    example="/话题 全部 周末志愿服务去哪儿？",
)
async def topic_everywhere_cmd(ctx: CommandContext, text: str) -> None:
    await _post_everywhere(ctx, ctx.cadre, text)


@command("话题", Ref("编号", noun="话题"), role=CADRE, summary="一个话题的回复数、参与人数、是否已答复", example="/话题 3")
async def topic_summary_cmd(ctx: CommandContext, number: int) -> None:
    await ctx.reply(_summary_text(await topics.summary(ctx.cadre, number)))


@command(
    "话题", Text("标题"), role=CADRE,
    summary="在本群发起话题（换行后可写正文）；引用话题消息或以 #N 开头发言即参与讨论",
    example="/话题 周末志愿服务去哪儿？",
)
async def topic_post_cmd(ctx: CommandContext, text: str) -> None:
    await _post_here(ctx, ctx.cadre, text)


async def _post_here(ctx: CommandContext, cadre, text: str) -> None:
    if ctx.group_id is None:
        raise UsageError("请在自己绑定的群里发起话题；私聊可用 /话题 全部 <标题> 发到所有绑定群")
    await topics.require_own_group(cadre, ctx.group_id)
    title, body = topics.parse_topic(text)
    topic = await topics.create_topic(cadre, title, body)
    try:
        result = await ctx.bot.send_group_msg(group_id=ctx.group_id, message=plain(topics.post_text(topic, cadre)))
    except Exception as e:  # not posted: no topic either
        await topics.discard(topic)
        logger.warning(f"/话题: send_group_msg failed: {e!r}")
        raise Conflict("话题没能发到群里（QQ 端暂时拒绝发送），请稍后再试") from e
    await topics.record_post(topic.id, ctx.group_id, int(result["message_id"]), int(ctx.bot.self_id))


async def _post_everywhere(ctx: CommandContext, cadre, text: str) -> None:
    title, body = topics.parse_topic(text)
    groups = await topics.own_groups(cadre)
    if not groups:
        raise UsageError("你还没有绑定群。在群里发送 /绑定本群 后再发起话题")
    topic = await topics.create_topic(cadre, title, body)
    for group in groups:
        await enqueue(
            group.group_id,
            topics.post_text(topic, cadre),
            target_type="group",
            category="topic_post",
            bulk=False,
            bot_id=group.bot_id,
            ref_id=topic.id,
            dedup_key=f"topic:{topic.id}:{group.group_id}",
        )
    await ctx.reply(f"话题 {ref(topic.id)} 已安排发到你的 {len(groups)} 个绑定群（免打扰时段外发出）。")


async def posted(message, bot_id: int, result) -> None:
    if isinstance(result, dict) and message.ref_id is not None and "message_id" in result:
        await topics.record_post(message.ref_id, message.target, int(result["message_id"]), bot_id)


async def _list_text(cadre) -> str:
    return titled(
        f"{chat_name(cadre.org, cadre.name)}最近的话题：",
        (
            f"{ref(topic.id)} {topic.title or '（内容已过保存期删除）'}｜{TopicStatus(topic.status).label}"
            f"｜{_counted(stats, '参与')}" + ("，你已答复" if stats.answered else "")
            for topic, stats in await topics.recent_topics(cadre)
        ),
        "你还没有发起过话题。在绑定的群里发送 /话题 <标题> 试试。",
    )


def _counted(stats: topics.Stats, people_word: str) -> str:
    """Replies and people; anonymous replies (no consent, or past retention) are not people."""
    text = f"回复 {stats.replies} 条，{people_word} {stats.people} 人"
    if stats.anonymous:
        text += f"（其中 {stats.anonymous} 条匿名回复不计人数）"
    return text


def _summary_text(s: topics.TopicSummary) -> str:
    topic = s.topic
    return "\n".join(
        [
            f"【话题 {ref(topic.id)}】{topic.title or '（内容已过保存期删除）'}",
            f"发起于 {clock.fmt_local(topic.created_at)}，发到 {s.groups} 个群，"
            + TopicStatus(topic.status).label,
            f"{_counted(s.stats, '参与青年')}；"
            + ("你已答复" if s.stats.answered else "你还没有答复，引用青年的发言回复或 @ 他们即可"),
        ]
    )


@command("互动", role=CADRE, summary="近 30 天的线上互动：发言天数、话题、回复、答复青年的次数和用时", example="/互动")
async def activity_cmd(ctx: CommandContext) -> None:
    cadre = ctx.cadre
    a = await activity.activity(cadre)
    median = activity.fmt_duration(a.median_seconds) if a.median_seconds is not None else "—"
    await ctx.reply(
        "\n".join(
            [
                f"【互动】{chat_name(cadre.org, cadre.name)}（近 {activity.DAYS} 天）",
                f"在绑定群里发言的天数：{a.spoke_days} 天",
                f"发起话题 {a.topics} 个，收到回复 {a.replies} 条，参与互动的青年 {a.youth} 人",
                f"得到你答复的青年消息：{a.answered} 条，答复用时中位数 {median}",
                "（只统计双向交流，不统计发言条数或在线时长）",
            ]
        )
    )
