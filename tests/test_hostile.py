"""Hostile input, generated: every command with arbitrary arguments from every kind of sender,
and OneBot event payloads with unknown segments, huge messages and malformed fields.

Nothing may crash or end in the generic "处理出错了" answer (an unexpected exception), and
everything the bot sends is plain text (no @全体成员, no image from typed text).
"""

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import nonebot
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nonebot.adapters.onebot.v11 import (
    Adapter,
    Bot,
    GroupMessageEvent,
    Message,
    MessageSegment,
    NoticeEvent,
    PrivateMessageEvent,
    RequestEvent,
)
from nonebot.adapters.onebot.v11.event import Sender
from nonebot.log import logger

from plugins.core.commands import all_commands
from plugins.core.context import CommandContext
from plugins.core.dispatcher import FAILED, run_command, split_command
from tests.conftest import SUPERUSER
from tests.seed import HANGZHOU_ADMIN, make_cadre, seed_tree

CADRE, YOUTH, GROUP = 20001, 50001, 860001
SENDERS = [YOUTH, CADRE, HANGZHOU_ADMIN, SUPERUSER]
WORDS = [
    "列表", "全部", "新建", "通过", "驳回", "结果", "导出", "确认", "暂停", "恢复", "人数", "进度", "概况",
    "结束", "学生", "微信", "微博", "领域", "需要", "提供", "匹配", "同意", "拒绝", "本月", "2026Q4",
    "#1", "1", "0", "-1", "99999999999999999999", "浙江省委", "杭州市委", "专职", "兼职", "线下活动",
    "今天", "12-05", "2026-02-30", "[CQ:at,qq=all]", "&#91;CQ:image,file=x&#93;", "<script>", "'\"",
    "　", "\n", "😀", "%s", "%d", "{}", "NULL", "' OR 1=1 --",
]
ARGS = st.one_of(
    st.lists(st.sampled_from(WORDS), max_size=5).map(" ".join),
    st.lists(
        st.one_of(st.sampled_from(WORDS), st.text(max_size=30), st.from_regex(r"[0-9]{1,12}", fullmatch=True)),
        max_size=6,
    ).map(" ".join),
    st.text(max_size=3000),
)
# hypothesis's HealthCheckMeta.__iter__ is unannotated, so the type checker takes
# list(HealthCheck) for a list of the metaclass; it is every (non-deprecated) HealthCheck.
ALL_HEALTH_CHECKS = cast(list[HealthCheck], list(HealthCheck))

# For the type checker it is a Bot (the handlers take one); at run time a plain object.
_Base = Bot if TYPE_CHECKING else object


@dataclass
class RecordingBot(_Base):
    """Just enough of a OneBot v11 bot for command handlers; records what they send."""

    self_id: str = "10000"
    sent: list[Message] = field(default_factory=list)
    config: Any = None

    def __post_init__(self) -> None:
        self.config = nonebot.get_driver().config

    async def send(self, event, message, **kwargs) -> dict:
        self.sent.append(Message(message))
        return {"message_id": len(self.sent)}

    async def call_api(self, api: str, **data) -> Any:
        if "message" in data:
            self.sent.append(Message(data["message"]))
        if api == "get_group_member_list":
            return [{"user_id": 10000, "role": "admin"}, {"user_id": YOUTH, "role": "member"}]
        if api == "get_group_info":
            return {"group_id": data.get("group_id"), "group_name": "群"}
        return {"message_id": 1}

    def __getattr__(self, name: str):
        async def api(**data):
            return await self.call_api(name, **data)

        return api


def event_for(sender: int, text: str, in_group: bool):
    message = Message(MessageSegment.text(text))
    common: dict[str, Any] = dict(
        time=int(time.time()), self_id=10000, post_type="message", user_id=sender, message_id=1,
        message=message, original_message=message, raw_message=text, font=14, to_me=True,
    )
    if in_group:
        return GroupMessageEvent(
            **common, sub_type="normal", message_type="group", group_id=GROUP,
            sender=Sender(user_id=sender, nickname="x", role="member"),
        )
    return PrivateMessageEvent(**common, sub_type="friend", message_type="private", sender=Sender(user_id=sender, nickname="x"))


async def _seed() -> None:
    """The autouse fixture empties the database once per test, not per example."""
    from models import Cadre

    if not await Cadre.exists(qq=CADRE):
        tree = await seed_tree()
        await make_cadre(CADRE, "张三", tree.hangzhou)


@pytest.fixture
def caplog_errors():
    """Warnings and errors our plugins logged (observers and handlers log what they swallow)."""
    records: list[str] = []
    sink = logger.add(
        lambda m: records.append(m.record["message"]),
        level="WARNING",
        filter=lambda r: (r["name"] or "").startswith("plugins.") and "failed" in r["message"],
    )
    yield lambda: list(records)
    logger.remove(sink)


COMMANDS = sorted({c.name for c in all_commands()})


@pytest.mark.parametrize("name", COMMANDS)
@settings(max_examples=60, deadline=None, suppress_health_check=ALL_HEALTH_CHECKS)
@given(
    args=ARGS,
    sender=st.sampled_from(SENDERS),
    in_group=st.booleans(),
    start=st.sampled_from(["/", "／"]),
)
async def test_every_command_survives_any_arguments(
    name: str, args: str, sender: int, in_group: bool, start: str, caplog_errors
) -> None:
    await _seed()
    text = f"{start}{name} {args}"
    event = event_for(sender, text, in_group)
    found = split_command(event.get_message())
    assert found is not None and found[0].name == name
    bot = RecordingBot()
    await run_command(CommandContext(bot=bot, event=event, command=found[0], args=found[1]))
    for message in bot.sent:
        # Text, the quote of the command, and at most an @ of the sender (never anyone else, never all).
        assert all(
            seg.type in ("text", "reply") or (seg.type == "at" and str(seg.data.get("qq")) == str(sender))
            for seg in message
        ), message
        assert message.extract_plain_text() != FAILED, f"{text!r} from {sender} raised an unexpected error"
    assert caplog_errors() == []


SEGMENT = st.one_of(
    st.fixed_dictionaries({"type": st.just("text"), "data": st.fixed_dictionaries({"text": st.text(max_size=200)})}),
    st.fixed_dictionaries({"type": st.sampled_from(["at", "reply", "image", "face", "forward", "json", "file", "mface", "markdown", "unknown_type"]),
                           "data": st.dictionaries(st.sampled_from(["qq", "id", "file", "url", "data", "text"]),
                                                   st.one_of(st.text(max_size=20), st.integers(), st.none()), max_size=3)}),
)
PAYLOAD = st.fixed_dictionaries(
    {
        "time": st.one_of(st.integers(0, 2**31), st.text(max_size=5)),
        "self_id": st.just(10000),
        "post_type": st.sampled_from(["message", "notice", "request", "meta_event", "message_sent", "weird"]),
        "message_type": st.sampled_from(["group", "private", "guild"]),
        "sub_type": st.sampled_from(["normal", "friend", "anonymous", "approve", "kick_me", ""]),
        "notice_type": st.sampled_from(["group_increase", "group_decrease", "notify", "group_recall"]),
        "message_id": st.one_of(st.integers(-(2**40), 2**40), st.none()),
        "group_id": st.one_of(st.just(GROUP), st.integers(-5, 2**40)),
        "user_id": st.one_of(st.sampled_from(SENDERS), st.integers(-5, 2**40)),
        "operator_id": st.integers(0, 2**33),
        "message": st.one_of(st.lists(SEGMENT, max_size=8), st.text(max_size=50), st.just("x" * 20000)),
        "raw_message": st.text(max_size=20),
        "font": st.integers(0, 20),
        "sender": st.one_of(
            st.fixed_dictionaries({"user_id": st.integers(0, 2**40), "nickname": st.text(max_size=10), "role": st.sampled_from(["member", "admin", "owner", "?"])}),
            st.none(), st.text(max_size=5),
        ),
    },
    optional={"extra_field": st.text(max_size=10), "message_format": st.just("array")},
)


@settings(max_examples=300, deadline=None, suppress_health_check=ALL_HEALTH_CHECKS)
@given(payload=PAYLOAD)
async def test_any_event_payload_is_handled_without_an_uncaught_error(payload: dict, caplog_errors) -> None:
    adapter = next(a for a in nonebot.get_adapters().values() if isinstance(a, Adapter))
    event = adapter.json_to_event(payload)  # the adapter rejects what it cannot parse
    if event is None:
        return
    bot = RecordingBot()
    from plugins.core import events

    if isinstance(event, (GroupMessageEvent, PrivateMessageEvent)):
        events.observe(event)
        found = split_command(event.get_message())
        if found is not None:
            await run_command(CommandContext(bot=bot, event=event, command=found[0], args=found[1]))
    elif isinstance(event, NoticeEvent | RequestEvent) and events.wants(event):  # as the dispatcher routes
        await events.handle(bot, event)
    for message in bot.sent:
        assert message.extract_plain_text() != FAILED
    assert caplog_errors() == []
