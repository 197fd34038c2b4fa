"""Collect the minimum: group chat from members who never consented is counted, never named.

Every table is searched for the member's QQ and for what they typed (tests/test_privacy.py
`leftovers`), while the group's and the cadre's counts stay exact.
"""

from datetime import timedelta

from nonebot.adapters.onebot.v11 import Message, MessageSegment
from nonebug import App

from models import Exchange, MessageCount, TopicReply, Youth
from plugins.contacts import consented
from plugins.core import clock
from plugins.interaction import jobs, recorder
from plugins.interaction.config import Config
from tests.helpers import BOT_ID, Contains, Notice, converse, group, private, quoting
from tests.test_interaction import T0, ZHANG, G, post_topic, setup
from tests.test_privacy import leftovers

STRANGER = 52_345_678_902  # never sent /同意; distinctive, cannot collide with other ids
FRIEND = 50001  # consented
WORDS = "我家住在幸福路 88 号"


async def group_rows() -> dict[int, tuple[int, bool]]:
    return {r.qq: (r.count, r.is_cadre) for r in await MessageCount.filter(group_id=G)}


async def test_a_member_who_never_consented_is_counted_but_no_row_holds_their_qq(app: App) -> None:
    zhang = await setup(consent=(FRIEND,))
    await post_topic(app)
    for text in ("大家好", "今天开会吗", "收到"):
        await converse(app, group(G, STRANGER, text))
    await converse(app, group(G, STRANGER, f"#1 {WORDS}", message_id=901, at_time=T0))
    await converse(app, group(G, STRANGER, "请问怎么报名？", message_id=902, at_time=T0 + 5))
    await converse(app, group(G, STRANGER, "志愿时长怎么算？", message_id=903, at_time=T0 + 6))
    await converse(app, group(G, FRIEND, "#1 我想去图书馆", message_id=904, at_time=T0 + 7))
    await converse(app, group(G, FRIEND, "收到", message_id=905, at_time=T0 + 8))
    # The cadre answers the stranger by quote and by @, and the friend by quote.
    await converse(app, group(G, ZHANG, "看群公告", reply=quoting(902, STRANGER, T0 + 5), at_time=T0 + 65))
    at = Message([MessageSegment.at(STRANGER), MessageSegment.text(" 按小时算")])
    await converse(app, group(G, ZHANG, at, at_time=T0 + 126))
    await converse(app, group(G, ZHANG, "好主意", reply=quoting(904, FRIEND, T0 + 7), at_time=T0 + 17))
    await recorder.flush()

    assert await leftovers(STRANGER, (WORDS, "幸福路")) == []
    # Group and cadre counts exact: 6 from the stranger (anonymous), 2 from the friend, 3 + the post command.
    assert await group_rows() == {0: (6, False), FRIEND: (2, False), ZHANG: (4, True)}
    assert sum(r[0] for r in (await group_rows()).values()) == 12
    # The exchanges keep cadre, group, time and delay; the stranger's QQ is 0.
    exchanges = sorted(await Exchange.filter(cadre=zhang).values_list("youth_qq", "kind", "latency_seconds"))
    assert exchanges == [(0, "at", 120), (0, "reply", 60), (FRIEND, "reply", 10)]
    # The topic reply counts, without text or QQ; participants count only the consenting.
    replies = sorted(await TopicReply.filter(is_cadre=False).values_list("qq", "text"), key=lambda r: r[0])
    assert replies == [(0, None), (FRIEND, "我想去图书馆")]
    await converse(
        app, private(ZHANG, "/话题 列表"), Contains("回复 2 条，参与 1 人（其中 1 条匿名回复不计人数）")
    )
    await converse(
        app, private(ZHANG, "/话题 1"), Contains("回复 2 条，参与青年 1 人（其中 1 条匿名回复不计人数）")
    )
    await converse(app, private(ZHANG, "/互动"), Contains("参与互动的青年 1 人", "得到你答复的青年消息：3 条"))


async def test_a_youth_counts_anonymously_until_they_consent_then_by_name(app: App) -> None:
    await setup(consent=())
    await converse(app, group(G, STRANGER, "大家好"))
    await converse(app, group(G, STRANGER, "/加入"), Contains("个人信息说明"), Notice(STRANGER, Contains("个人信息说明")))
    await converse(app, group(G, STRANGER, "还没同意"))
    await converse(app, private(STRANGER, "/同意"), Contains("谢谢！你已和"))
    await converse(app, group(G, STRANGER, "同意以后"))
    await converse(app, group(G, STRANGER, "再说一句"))
    await recorder.flush()
    rows = await group_rows()
    # The /加入 command is a group message too, counted with the others before consent.
    assert rows == {0: (3, False), STRANGER: (2, False)}


async def test_a_stale_consent_in_memory_never_writes_a_qq_the_database_does_not_allow(app: App) -> None:
    await setup(consent=(FRIEND,))
    await post_topic(app)
    consented.add(STRANGER)  # memory says yes, the database never heard of them
    await converse(app, group(G, STRANGER, f"#1 {WORDS}", message_id=911, at_time=T0))
    await converse(app, group(G, STRANGER, "闲聊", message_id=912, at_time=T0 + 1))
    await converse(app, group(G, FRIEND, "闲聊", message_id=913, at_time=T0 + 2))
    # FRIEND leaves entirely through another process: their youth row is gone, our memory lags.
    await Youth.filter(qq=FRIEND).delete()
    await converse(app, group(G, FRIEND, "还在", message_id=914, at_time=T0 + 3))
    await converse(app, group(G, ZHANG, "好", reply=quoting(912, STRANGER, T0 + 1), at_time=T0 + 9))
    await converse(app, group(G, ZHANG, "好", reply=quoting(913, FRIEND, T0 + 2), at_time=T0 + 9))
    await recorder.flush()
    assert await leftovers(STRANGER, (WORDS,)) == []
    assert await leftovers(FRIEND, ()) == []
    assert await group_rows() == {0: (4, False), ZHANG: (3, True)}
    assert sorted(await Exchange.all().values_list("youth_qq", flat=True)) == [0, 0]


async def test_the_consent_cache_follows_the_database_and_erasure(app: App) -> None:
    await setup(consent=())
    await Youth.create(qq=STRANGER, consented_at=clock.now(), created_at=clock.now())  # another process
    assert not consented.has_consented(STRANGER)
    await consented.refresh()  # the 30-second refresh with the other caches
    assert consented.has_consented(STRANGER)
    await converse(app, private(STRANGER, "/退出 全部"), Contains("要删除的是"))
    await converse(app, private(STRANGER, "/退出 全部 确认"), Contains("已删除你的全部个人信息"))
    assert not consented.has_consented(STRANGER)


async def test_exchanges_lose_the_youth_qq_after_the_identity_period(app: App) -> None:
    await setup(consent=(FRIEND,))
    await converse(app, group(G, FRIEND, "请问", message_id=921, at_time=T0))
    await converse(app, group(G, ZHANG, "答复", reply=quoting(921, FRIEND, T0), at_time=T0 + 30))
    await recorder.flush()
    assert await Exchange.filter(youth_qq=FRIEND).count() == 1
    clock.set_now(clock.now() + timedelta(days=399))
    assert (await jobs.retention(Config(), identity_days=400))[3] == 0
    assert await Exchange.filter(youth_qq=FRIEND).count() == 1
    clock.set_now(clock.now() + timedelta(days=2))
    assert (await jobs.retention(Config(), identity_days=400))[3] == 1
    exchange = await Exchange.get()
    assert (exchange.youth_qq, exchange.latency_seconds, exchange.kind) == (0, 30, "reply")
    assert (await jobs.retention(Config(), identity_days=400))[3] == 0  # nothing left to anonymise


async def test_topic_replies_lose_text_and_qq_together_after_the_text_retention(app: App) -> None:
    await setup(consent=(FRIEND,))
    await post_topic(app)
    await converse(app, group(G, FRIEND, "#1 去敬老院", reply=quoting(9001, BOT_ID, T0)))
    await recorder.flush()
    days = Config().interaction_text_retention_days
    clock.set_now(clock.now() + timedelta(days=days - 1))
    await jobs.retention(Config())
    assert await TopicReply.filter(qq=FRIEND, text="去敬老院").count() == 1
    clock.set_now(clock.now() + timedelta(days=2))
    await jobs.retention(Config())
    assert await TopicReply.filter(is_cadre=False).values_list("qq", "text") == [(0, None)]
    assert not await TopicReply.filter(text__contains="敬老院").exists()
