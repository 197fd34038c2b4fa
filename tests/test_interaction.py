"""Topics, replies, exchanges and counting (nonebug + controlled clock)."""

from datetime import timedelta

from nonebot.adapters.onebot.v11 import Message, MessageSegment
from nonebug import App

from models import BoundGroup, Exchange, MessageCount, Topic, TopicPost, TopicReply, Youth
from plugins.contacts import cache, consented
from plugins.core import clock
from plugins.interaction import jobs, recorder
from plugins.interaction.config import Config
from tests.helpers import BOT_ID, Api, Contains, GroupNotice, converse, group, private, quoting
from tests.seed import make_cadre, seed_tree

G, G2, OTHER = 710001, 710002, 719999
ZHANG = 20001
Y1, Y2, Y3 = 50001, 50002, 50003
T0 = 1_800_000_000  # implementation epoch seconds of the first youth message


async def consenting(*qqs: int) -> None:
    """Youth who sent /同意: their own counts, QQs and reply text may be kept."""
    for qq in qqs:
        await Youth.create(qq=qq, nickname=f"青年{qq}", consented_at=clock.now(), created_at=clock.now())
        consented.add(qq)


async def setup(groups=(G,), consent=(Y1, Y2, Y3)):
    tree = await seed_tree()
    zhang = await make_cadre(ZHANG, "张三", tree.hangzhou)
    await consenting(*consent)
    for g in groups:
        await BoundGroup.create(
            group_id=g, cadre=zhang, bot_id=BOT_ID, bound_by=ZHANG, bound_at=clock.now(), synced_at=clock.now()
        )
        cache.put(g, zhang.id, zhang.qq)
    return zhang


async def post_topic(app: App, text: str = "周末志愿服务去哪儿？\n欢迎大家出主意", message_id: int = 9001) -> None:
    await converse(
        app,
        group(G, ZHANG, f"/话题 {text}"),
        Api("send_group_msg", {"group_id": G, "message": Contains("【话题 #1】", text.split("\n")[0])}, {"message_id": message_id}),
    )


# ------------------------------------------------------------------ topics


async def test_post_topic_and_reply_by_quote_and_by_number(app: App) -> None:
    await setup()
    await post_topic(app)
    post = await TopicPost.get(topic_id=1)
    assert (post.group_id, post.message_id) == (G, 9001)
    await converse(app, group(G, Y1, "去敬老院吧", reply=quoting(9001, BOT_ID, T0)))
    await converse(app, group(G, Y2, "#1 我想去图书馆整理图书"))
    await converse(app, group(G, Y3, "#2 不存在的话题编号"))
    await converse(app, group(G, Y3, "今天天气不错"))
    assert recorder.urgent.is_set()  # a topic reply wakes the writer at once
    await recorder.flush()
    replies = await TopicReply.all().order_by("id")
    assert [(r.qq, r.text) for r in replies] == [(Y1, "去敬老院吧"), (Y2, "我想去图书馆整理图书")]
    await converse(app, private(ZHANG, "/话题 列表"), Contains("#1 周末志愿服务去哪儿？｜进行中｜回复 2 条，参与 2 人"))
    await converse(app, private(ZHANG, "/话题 1"), Contains("【话题 #1】", "回复 2 条，参与青年 2 人", "你还没有答复"))
    # The cadre answers inside the topic.
    await converse(app, group(G, ZHANG, "#1 好主意，周六上午去"))
    await recorder.flush()
    await converse(app, private(ZHANG, "/话题 #1"), Contains("回复 2 条，参与青年 2 人；你已答复"))


async def test_closed_topic_takes_no_more_replies(app: App) -> None:
    await setup()
    await post_topic(app)
    await converse(app, private(ZHANG, "/话题 结束 1"), Contains("话题 #1 已结束"))
    await converse(app, private(ZHANG, "/话题 结束 1"), Contains("已于", "结束"))
    await converse(app, group(G, Y1, "#1 还能回复吗", reply=quoting(9001, BOT_ID, T0)))
    await recorder.flush()
    assert await TopicReply.all().count() == 0


async def test_topic_refusals(app: App) -> None:
    zhang = await setup()
    await make_cadre(20002, "王五", zhang.org)
    await converse(app, group(G, ZHANG, "/话题"), Contains("请写标题", "用法：/话题 <标题>"))
    await converse(app, group(G, ZHANG, "/话题 " + "长" * 61), Contains("话题标题最多 60 个字，现在 61 个字：请缩短，其余换行写成正文"))
    await converse(app, group(G, ZHANG, "/话题 标题\n" + "字" * 1001), Contains("话题正文最多 1000 个字"))
    await converse(app, group(OTHER, ZHANG, "/话题 标题"), Contains("本群还没有绑定团干部"))
    await converse(app, group(G, 20002, "/话题 别人的群"), Contains("只能在自己绑定的群里发起话题"))
    await converse(app, private(ZHANG, "/话题 标题"), Contains("请在自己绑定的群里发起话题", "/话题 全部"))
    await converse(app, group(G, Y1, "/话题 标题"), Contains("只供已认证的团干部使用"))
    await post_topic(app)
    await converse(app, private(20002, "/话题 结束 1"), Contains("话题 #1 不是你发起的"))
    await converse(app, private(ZHANG, "/话题 结束 9"), Contains("没有编号为 #9 的话题"))
    await converse(app, private(ZHANG, "/话题 结束"), Contains("请写话题编号", "用法：/话题 结束 <编号>"))
    assert await Topic.filter(status="open").count() == 1


async def test_post_to_all_groups_through_the_outbox(app: App) -> None:
    await setup(groups=(G, G2))
    await converse(
        app,
        private(ZHANG, "/话题 全部 寒假返乡调研\n说说家乡的变化"),
        Contains("话题 #1 已安排发到你的 2 个绑定群"),
        GroupNotice(G, Contains("【话题 #1】寒假返乡调研", "说说家乡的变化"), message_id=9101),
        GroupNotice(G2, Contains("【话题 #1】寒假返乡调研"), message_id=9102),
    )
    assert sorted(await TopicPost.all().values_list("group_id", "message_id")) == [(G, 9101), (G2, 9102)]
    await converse(app, group(G2, Y1, "我家乡通了高铁", reply=quoting(9102, BOT_ID, T0)))
    await recorder.flush()
    assert await TopicReply.filter(group_id=G2).count() == 1


# ------------------------------------------------------------------ counting and exchanges


async def test_counts_not_text_and_unbound_groups_leave_no_trace(app: App) -> None:
    await setup()
    for text in ("大家好", "今天开会吗", "收到"):
        await converse(app, group(G, Y1, text))
    await converse(app, group(G, ZHANG, "下午三点开会"))
    await converse(app, group(OTHER, Y1, "这是别的群"))
    unusual = [
        Message(MessageSegment.image("https://example.invalid/a.jpg")),
        Message(MessageSegment.face(14)),
        Message([MessageSegment("forward", {"id": "abc"})]),
        Message([MessageSegment("json", {"data": "{\"app\":\"x\"}"})]),
        Message([MessageSegment("file", {"file": "a.pdf"})]),
    ]
    for message in unusual:
        await converse(app, group(G, Y2, message))
    assert recorder.pending_counts() == 9
    await recorder.flush()
    rows = {(r.group_id, r.qq): (r.count, r.is_cadre) for r in await MessageCount.all()}
    assert rows == {(G, Y1): (3, False), (G, ZHANG): (1, True), (G, Y2): (5, False)}
    assert not await MessageCount.filter(group_id=OTHER).exists()
    await recorder.flush()  # nothing new: nothing changes
    assert await MessageCount.filter(group_id=G, qq=Y1).values_list("count", flat=True) == [3]


async def test_exchange_by_quote_and_by_at_once_each(app: App) -> None:
    await setup()
    await converse(app, group(G, Y1, "请问志愿时长怎么认定？", message_id=501, at_time=T0))
    await converse(app, group(G, Y2, "团费在哪里交？", message_id=502, at_time=T0 + 60))
    await converse(app, group(G, ZHANG, "按小时认定", reply=quoting(501, Y1, T0), at_time=T0 + 600))
    await converse(app, group(G, ZHANG, "补充一下", reply=quoting(501, Y1, T0), at_time=T0 + 900))  # same message
    at_y2 = Message([MessageSegment.at(Y2), MessageSegment.text(" 在团委办公室交")])
    await converse(app, group(G, ZHANG, at_y2, at_time=T0 + 60 + 1800))
    await recorder.flush()
    rows = sorted(await Exchange.all().values_list("youth_qq", "kind", "latency_seconds"))
    assert rows == [(Y1, "reply", 600), (Y2, "at", 1800)]
    await converse(
        app, private(ZHANG, "/互动"),
        Contains("在绑定群里发言的天数：1 天", "参与互动的青年 2 人", "得到你答复的青年消息：2 条，答复用时中位数 10 分钟", "不统计发言条数或在线时长"),
    )


async def test_answer_outside_the_window_is_not_an_exchange(app: App) -> None:
    await setup()
    await converse(app, group(G, Y1, "有人吗", message_id=601, at_time=T0))
    late = T0 + int(Config().interaction_answer_window_hours * 3600) + 1
    await converse(app, group(G, ZHANG, "抱歉才看到", reply=quoting(601, Y1, T0), at_time=late))
    await recorder.flush()
    assert await Exchange.all().count() == 0


async def test_answer_to_a_topic_reply_marks_the_topic_answered(app: App) -> None:
    await setup()
    await post_topic(app)
    await converse(app, group(G, Y1, "去敬老院", reply=quoting(9001, BOT_ID, T0), message_id=701, at_time=T0))
    await converse(app, group(G, ZHANG, "好", reply=quoting(701, Y1, T0), at_time=T0 + 30))
    await recorder.flush()
    await converse(app, private(ZHANG, "/话题 1"), Contains("你已答复"))


# ------------------------------------------------------------------ retention and erasure


async def test_retention_deletes_text_and_keeps_counts(app: App) -> None:
    await setup()
    await post_topic(app)
    await converse(app, group(G, Y1, "#1 去敬老院"))
    await recorder.flush()
    clock.set_now(clock.now() + timedelta(days=179))
    assert await jobs.retention(Config()) == (0, 0, 0, 0)
    assert (await TopicReply.get()).qq == Y1
    clock.set_now(clock.now() + timedelta(days=2))
    replies, topic_texts, _, _ = await jobs.retention(Config())
    assert (replies, topic_texts) == (1, 1)
    reply = await TopicReply.get()
    assert (reply.text, reply.qq) == (None, 0)  # text and QQ go together
    await converse(
        app, private(ZHANG, "/话题 列表"),
        Contains("#1 （内容已过保存期删除）", "回复 1 条，参与 0 人（其中 1 条匿名回复不计人数）"),
    )
    assert await MessageCount.all().count() == 2
    clock.set_now(clock.now() + timedelta(days=400))
    assert (await jobs.retention(Config()))[2] == 2


async def test_leave_all_anonymises_interaction_records(app: App) -> None:
    await setup()
    await post_topic(app)
    await converse(app, group(G, Y1, "#1 我的想法", message_id=801, at_time=T0))
    await converse(app, group(G, ZHANG, "谢谢", reply=quoting(801, Y1, T0), at_time=T0 + 10))
    await recorder.flush()
    await converse(app, group(G, Y1, "最后一句"))  # still in memory when they leave
    await converse(app, private(Y1, "/退出 全部"), Contains("要删除的是"))
    await converse(app, private(Y1, "/退出 全部 确认"), Contains("已删除你的全部个人信息"))
    await converse(app, group(G, Y1, "离开后又说了一句"))  # counted, anonymously
    await recorder.flush()
    assert not await MessageCount.filter(qq=Y1).exists()
    assert await MessageCount.filter(group_id=G, qq=0).values_list("count", flat=True) == [3]
    reply = await TopicReply.get(message_id=801)
    assert (reply.qq, reply.text) == (0, None)
    assert (await Exchange.get()).youth_qq == 0


def test_youth_messages_too_old_to_answer_are_forgotten_within_an_hour_of_expiring() -> None:
    recorder.reset()
    window = int(Config().interaction_answer_window_hours * 3600)
    now = 1_800_000_000
    recorder._last[(G, Y1)] = (1, now - window - 1)  # too old to be answered
    recorder._last[(G, Y2)] = (2, now - 60)
    recorder._prune(now)
    assert list(recorder._last) == [(G, Y2)]
    recorder._last[(G, Y3)] = (3, now - window - 1)
    recorder._prune(now + 60)  # swept a minute ago: not yet
    assert (G, Y3) in recorder._last
    recorder._prune(now + window / recorder.PRUNE_PARTS)
    assert list(recorder._last) == [(G, Y2)]
    recorder.reset()
