"""The wire (plugins/core/wire.py): which frames the fast path counts, with real payload shapes,
and bounded work under a slow handler.

Payload shapes, as each implementation builds a group message event:
- NapCat: NapNeko/NapCatQQ packages/napcat-onebot/api/msg.ts (`initializeMessage`,
  `handleGroupMessage`, `convertArrayToStringMessage`): message_seq/real_id/real_seq,
  group_name, font 14, message_format "array", or "string" with `message` = the CQ-coded
  raw_message; post_type "message_sent" for the account's own messages.
- Lagrange.OneBot: LagrangeDev/Lagrange.Core Lagrange.OneBot/Core/Entity/Message/OneBotGroupMsg.cs
  and OneBotGroupSender.cs: no message_format, font 0, anonymous null, sender with sex, age,
  area, level (a string), role, title; `OneBotGroupStringMsg` posts message = raw_message =
  the CQ string.
- LLOneBot: LLOneBot/LLOneBot src/onebot11/entities.ts (`OB11Entities.message`): no group_name,
  at segments carry {qq, name}, whitespace-only text segments are dropped, string format
  concatenates CQ codes.
"""

import asyncio
import json
from typing import TYPE_CHECKING, Any

import pytest
from nonebot import get_adapter
from nonebot.adapters.onebot.v11 import Bot, MessageEvent
from nonebot.drivers import Request, WebSocket

from plugins.contacts import cache, consented
from plugins.core import wire
from plugins.core.wire import BULK, URGENT, Adapter, Inbox, classify, plain_text
from plugins.interaction import recorder, topics

G, UNBOUND, CADRE_QQ, CADRE_ID, YOUTH, SELF = 720001, 720009, 20001, 1, 50001, 10000


def napcat(text_or_segments: Any, *, group_id: int = G, user_id: int = YOUTH, string: bool = False) -> dict:
    segments = [{"type": "text", "data": {"text": text_or_segments}}] if isinstance(text_or_segments, str) else text_or_segments
    raw = "".join(s["data"]["text"] if s["type"] == "text" else f"[CQ:{s['type']},id=1]" for s in segments)
    return {
        "self_id": SELF, "user_id": user_id, "time": 1_800_000_000, "message_id": 2_000_001,
        "message_seq": 2_000_001, "real_id": 2_000_001, "real_seq": "8812",
        "message_type": "group", "sender": {"user_id": user_id, "nickname": "小一", "card": "", "role": "member"},
        "raw_message": raw, "font": 14, "sub_type": "normal",
        "message": raw if string else segments, "message_format": "string" if string else "array",
        "post_type": "message", "group_id": group_id, "group_name": "青年交流群",
    }


def lagrange(message: Any, *, user_id: int = YOUTH) -> dict:
    raw = message if isinstance(message, str) else "".join(
        s["data"].get("text", "") for s in message
    )
    return {
        "time": 1_800_000_000, "self_id": SELF, "post_type": "message", "message_type": "group",
        "sub_type": "normal", "message_id": -1_234_567, "group_id": G, "user_id": user_id,
        "anonymous": None, "message": message, "raw_message": raw, "font": 0,
        "sender": {"user_id": user_id, "nickname": "小一", "card": "", "sex": "unknown", "age": 0,
                   "area": "", "level": "1", "role": "member", "title": ""},
    }


def llonebot(segments: list[dict], *, user_id: int = YOUTH) -> dict:
    return {
        "self_id": SELF, "user_id": user_id, "time": 1_800_000_000, "message_id": -2_147_000_001,
        "real_id": -2_147_000_001, "message_seq": -2_147_000_001, "message_type": "group",
        "sender": {"user_id": user_id, "nickname": "小一", "card": "", "role": "member"},
        "raw_message": "", "font": 14, "sub_type": "normal", "message": segments,
        "message_format": "array", "post_type": "message", "group_id": G,
    }


def text(t: str) -> dict:
    return {"type": "text", "data": {"text": t}}


@pytest.fixture
def bound() -> None:
    cache.put(G, CADRE_ID, CADRE_QQ)
    topics.index_post(3, G, 9001)  # topic #3 is open in G


def counted() -> dict:
    return {k: v for k, v in recorder._counts.items()}


# ------------------------------------------------------------------ classification


@pytest.mark.parametrize(
    "frame",
    [
        napcat("大家好"),
        napcat([text("看看这个"), {"type": "image", "data": {"file": "a.jpg", "url": "https://x.invalid/a", "summary": "", "sub_type": 0}}]),
        napcat("大家好 &amp; 晚上好", string=True),
        lagrange([text("收到")]),
        lagrange("&#91;不是 CQ 码&#93;，只是方括号"),
        llonebot([{"type": "face", "data": {"id": "14"}}]),
        llonebot([text("#9 没有这个话题")]),
    ],
    ids=["napcat-array", "napcat-image", "napcat-string", "lagrange-array", "lagrange-string", "llonebot-face", "llonebot-#9"],
)
async def test_an_ordinary_message_in_a_bound_group_is_counted_straight_from_the_frame_as_the_slow_path_would(
    frame: dict, bound: None
) -> None:
    assert classify(frame) is None
    fast = counted()
    fast_last = dict(recorder._last)
    assert sum(fast.values()) == 1
    recorder.reset()
    # The slow path on the same frame: the adapter's event, the recorder's observer.
    event = Adapter.json_to_event(frame)
    assert isinstance(event, MessageEvent)
    recorder.record(event)
    assert counted() == fast and recorder._last == fast_last


@pytest.mark.parametrize(
    ("frame", "queue"),
    [
        (napcat("/话题 列表"), URGENT),
        (napcat("  ／帮助"), URGENT),
        (napcat("联青 帮助"), URGENT),  # the nickname: NoneBot strips it and may find a command
        (napcat([{"type": "reply", "data": {"id": "1"}}, text("/话题 结束 3")]), URGENT),
        (napcat([{"type": "at", "data": {"qq": str(SELF)}}, text(" /加入")]), URGENT),
        (napcat("[CQ:reply,id=1]/话题 结束 3", string=True), URGENT),
        ({**napcat("你好"), "message_type": "private", "sub_type": "friend"}, URGENT),
        ({"time": 1, "self_id": SELF, "post_type": "notice", "notice_type": "group_increase"}, URGENT),
        ({**napcat("我自己发的"), "post_type": "message_sent", "message_sent_type": "self"}, URGENT),
        (napcat([{"type": "reply", "data": {"id": "1"}}, text("说得对")]), BULK),  # may be an exchange
        (llonebot([{"type": "at", "data": {"qq": "50002", "name": "小二"}}, text("你好")]), BULK),
        (napcat("[CQ:at,qq=50002] 你好", string=True), BULK),  # CQ codes: the slow path parses them
        (napcat("#3 我的想法"), BULK),  # a reply to the open topic #3
        (napcat("好的", user_id=CADRE_QQ), BULK),  # the cadre's messages may answer a youth
        (napcat("别的群", group_id=UNBOUND), BULK),
        ({**napcat("匿名"), "sub_type": "anonymous"}, BULK),
        ({**napcat("坏的"), "user_id": "50001"}, BULK),  # what the event model would coerce
        ({**napcat("坏的"), "message": [{"type": "text"}]}, BULK),  # or reject
    ],
    ids=[
        "command", "fullwidth-command", "nickname", "reply-then-command", "at-bot-then-command",
        "cq-reply-then-command", "private", "notice", "own-message", "reply", "at", "cq-at",
        "topic-reply", "cadre", "unbound", "anonymous", "string-id", "segment-without-data",
    ],
)
async def test_everything_else_takes_the_slow_path_commands_first(frame: dict, queue: int, bound: None) -> None:
    assert classify(frame) == queue
    assert recorder.pending_counts() == 0


async def test_a_non_consenting_member_is_counted_anonymously_and_a_consenting_one_by_qq(bound: None) -> None:
    assert classify(napcat("大家好")) is None
    consented.add(50002)
    assert classify(napcat("大家好", user_id=50002)) is None
    assert {k[1]: v for k, v in counted().items()} == {0: 1, 50002: 1}


async def test_plain_text_unescapes_cq_strings_and_refuses_quotes_and_ats() -> None:
    assert plain_text("a &#91;b&#93; &#44; &amp;") == "a [b] , &"
    assert plain_text([text("a"), {"type": "image", "data": {}}, text("b")]) == "ab"
    assert plain_text("[CQ:face,id=14]") is None
    assert plain_text([{"type": "at", "data": {"qq": "1"}}]) is None
    assert plain_text({"text": "x"}) is None


async def test_without_a_registered_counter_nothing_takes_the_fast_path(bound: None) -> None:
    handler = wire._plain_handler
    assert handler is not None  # the interaction plugin registered its counter
    wire.clear_plain_handler()
    try:
        assert classify(napcat("大家好")) == BULK
    finally:
        wire.on_plain_group_message(handler)


# ------------------------------------------------------------------ bounded work


# For the type checker it is a WebSocket (the adapter takes one); at run time a plain object.
_Socket = WebSocket if TYPE_CHECKING else object


class FakeSocket(_Socket):
    """Hands out `frames` one `receive()` at a time and counts how many were read."""

    def __init__(self, frames: list[str]) -> None:
        self.frames = frames
        self.read = 0
        self.request = Request("GET", "ws://127.0.0.1:8080/onebot/v11/ws", headers={"x-self-id": "10999"})
        self.ended = asyncio.Event()

    @property
    def closed(self) -> bool:
        return self.ended.is_set()

    async def accept(self) -> None:
        pass

    async def receive(self) -> str:
        if self.read >= len(self.frames):
            await self.ended.wait()
            from nonebot.exception import WebSocketClosed

            raise WebSocketClosed(1000)
        self.read += 1
        await asyncio.sleep(0)
        return self.frames[self.read - 1]

    async def receive_text(self) -> str:
        return await self.receive()

    async def receive_bytes(self) -> bytes:
        raise NotImplementedError("the frames are text")

    async def close(self, code: int = 1000, reason: str = "") -> None:
        self.ended.set()

    async def send(self, data: str | bytes) -> None:
        pass

    async def send_text(self, data: str) -> None:
        pass

    async def send_bytes(self, data: bytes) -> None:
        pass


def private(i: int) -> str:
    return json.dumps({**napcat(f"/资料 {i}"), "message_type": "private", "sub_type": "friend", "message_id": i})


async def settle(check, timeout: float = 5.0) -> None:
    """Wait until `check()` holds (the loop runs concurrently); a readiness poll, not a timing."""
    for _ in range(int(timeout / 0.01)):
        if check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not reached")


async def test_a_slow_handler_stops_the_socket_being_read_instead_of_queueing_without_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    adapter = get_adapter(Adapter)
    release = asyncio.Event()
    handled: list[int] = []

    async def slow(self: Bot, event: Any) -> None:
        await release.wait()
        handled.append(event.message_id)

    monkeypatch.setattr(Bot, "handle_event", slow)
    monkeypatch.setattr(adapter, "max_pending", 50)
    monkeypatch.setattr(adapter, "workers", 4)
    socket = FakeSocket([private(i) for i in range(1, 2001)])
    loop = asyncio.create_task(adapter._handle_ws(socket))
    try:
        await settle(lambda: "10999" in adapter.inboxes and adapter.inboxes["10999"].full())
        for _ in range(500):  # every receive() is immediate: 500 turns of the loop would read on
            await asyncio.sleep(0)
        inbox = adapter.inboxes["10999"]
        # 4 frames in the workers' hands, 50 waiting, none read beyond: the rest stay in the socket.
        assert socket.read == 54 and len(inbox) == 50 and inbox.peak == 50
        release.set()
        await settle(lambda: len(handled) == 2000, timeout=30)
        assert sorted(handled) == list(range(1, 2001)) and inbox.peak == 50
    finally:
        await socket.close()
        await loop


class EagerSocket(FakeSocket):
    """`receive()` returns without suspending while frames are left, as uvicorn's does while
    it holds parsed frames (websockets_sansio_impl.py queues every frame of a socket read)."""

    async def receive(self) -> str:
        if self.read >= len(self.frames):
            return await super().receive()
        self.read += 1
        return self.frames[self.read - 1]


async def test_a_command_is_handled_while_a_long_run_of_frames_is_still_being_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    adapter = get_adapter(Adapter)
    read_when_done: list[int] = []

    async def answers_after_ten_database_steps(self: Bot, event: Any) -> None:
        for _ in range(10):  # each await of a query is one turn of the event loop
            await asyncio.sleep(0)
        read_when_done.append(socket.read)

    monkeypatch.setattr(Bot, "handle_event", answers_after_ten_database_steps)
    late_answers = [json.dumps({"status": "ok", "retcode": 0, "data": None, "echo": str(9_000_000 + i)})
                    for i in range(20_000)]  # read and dropped at once, like counted messages
    socket = EagerSocket([private(1), *late_answers])
    loop = asyncio.create_task(adapter._handle_ws(socket))
    try:
        await settle(lambda: read_when_done)
        # Ten steps of 64 frames each: answered long before the 20,000 frames behind it are read.
        assert read_when_done[0] <= 1 + 11 * wire.YIELD_EVERY
    finally:
        await socket.close()
        await loop


async def test_an_api_answer_behind_a_full_queue_is_still_read(monkeypatch: pytest.MonkeyPatch) -> None:
    adapter = get_adapter(Adapter)
    answers: list[Any] = []

    async def calls_the_api(self: Bot, event: Any) -> None:
        if event.message_id == 1:  # the first handler waits for an API answer sent after 100 frames
            answers.append(await adapter._result_store.fetch(777, 10))
        else:
            await asyncio.Event().wait()  # every other handler is stuck

    monkeypatch.setattr(Bot, "handle_event", calls_the_api)
    monkeypatch.setattr(adapter, "max_pending", 20)
    monkeypatch.setattr(adapter, "workers", 2)
    frames = [private(i) for i in range(1, 61)] + [json.dumps({"status": "ok", "retcode": 0, "data": {"message_id": 5}, "echo": "777"})]
    socket = FakeSocket(frames)
    loop = asyncio.create_task(adapter._handle_ws(socket))
    try:
        await settle(lambda: answers)  # not after a 10 s timeout: read through the backlog
        assert answers[0]["echo"] == "777"
        assert socket.read == 61 and len(adapter.inboxes["10999"]) <= 20 * wire.OVERFLOW
    finally:
        await socket.close()
        await loop


async def test_a_late_api_answer_is_ignored_without_error() -> None:
    store = get_adapter(Adapter)._result_store
    with pytest.raises(TimeoutError):
        await store.fetch(4242, 0.01)
    store.add_result({"echo": "4242", "status": "ok"})  # nobody waits: ignored
    future = asyncio.get_running_loop().create_future()
    future.cancel()
    store._futures[4243] = future  # the call gave up, its entry not yet removed
    try:
        store.add_result({"echo": "4243", "status": "ok"})  # the stock store raised InvalidStateError
    finally:
        del store._futures[4243]


async def test_the_keepalive_is_suspended_only_while_reading_is_deliberately_stopped() -> None:
    class Protocol:
        def __init__(self) -> None:
            self.calls: list[str] = []
            self.close_sent = False
            self.transport = None

        async def receive(self) -> dict:
            return {}

        def stop_keepalive(self) -> None:
            self.calls.append("stop")

        def start_keepalive(self) -> None:
            self.calls.append("start")

    protocol = Protocol()

    class Starlette:
        _receive = protocol.receive

    class Socket:
        websocket = Starlette()

    keepalive = wire._Keepalive(Socket())  # type: ignore[arg-type]
    keepalive.resume()  # not paused: nothing to do
    keepalive.pause()
    keepalive.pause()
    keepalive.resume()
    assert protocol.calls == ["stop", "start"]
    inbox = Inbox(2)
    inbox.put(BULK, {})
    inbox.put(URGENT, {"urgent": True})
    assert inbox.full() and await inbox.get() == {"urgent": True} and not inbox.full()
