"""The OneBot v11 reverse WebSocket, below NoneBot's event building: fast path, priorities, bounds.

Why: measured with bench/overload.py (2 cores, SQLite, 50 bound groups), the stock
adapter parses every frame into a pydantic event and spawns a task per frame with
no bound: a bare NoneBot app sustains 858 msg/s, and offered twice that its
commands took up to 20 s and its memory grew by 161 MB. Through this loop the bot
sustains 41,417 msg/s (0.020 CPU-s per 1,000 messages), answers a command in
p99 20 ms at half the bare app's rate and 770 ms at the fastest the client can
send (44,865 msg/s), grows by 30 MB at most, and lost no message and no
connection in any run. This subclass of the adapter (`Adapter`, registered by
bot.py, tests/conftest.py and so the end-to-end tests) changes only `_handle_ws`,
the reverse WebSocket loop, and the shutdown:

1. **Fast path.** Each frame is decoded once (orjson: 3.0 µs for a 509-byte
   group message against 7.2 µs for json, measured on the 2-core bench
   machine). An ordinary group message — post_type message, message_type group,
   sub_type normal, every segment well-formed, no reply or @ segment, not
   starting (after blanks) with a command prefix or the bot's nickname — is
   offered to the handler registered with `on_plain_group_message` (the
   interaction recorder: bound group, not the group's cadre, not a `#N` topic
   reply). If it takes the message, that is the whole of the work: no NoneBot
   event, no matcher, no task. A message given as a CQ-code string is treated
   the same when it holds no `[CQ:` code (pure text, unescaped); otherwise it
   takes the slow path, which parses the codes. Everything else — and any frame
   the handler declines — goes through the adapter's own `json_to_event` and
   `bot.handle_event`, unchanged.
2. **Commands first, bounded work.** Frames for the slow path wait in two
   queues: urgent (private messages, group messages addressed to the bot —
   command prefix or nickname, also behind a quote or @ —, notices, requests,
   meta events) and bulk (other group messages). `LIANQING_EVENT_WORKERS`
   tasks take urgent frames first. When `LIANQING_MAX_PENDING_EVENTS` frames
   wait, the loop stops calling `receive()`: uvicorn then pauses reading the
   socket (it pauses after every message until the application asks for the
   next, uvicorn/protocols/websockets/websockets_sansio_impl.py), the kernel's
   buffers fill and the OneBot implementation's writes block — TCP
   backpressure instead of a task per frame.
3. **API answers are never stuck behind events.** Frames without post_type
   are API answers and are resolved as soon as they are read. A worker may be
   waiting for one that sits in the socket behind events; so while any API call
   of ours is outstanding the loop keeps reading past the bound, up to
   `OVERFLOW` times the bound, before it stops. The result store ignores an
   answer whose call already timed out (the stock one raised InvalidStateError
   there, which closed the connection).
4. **Keep-alive.** uvicorn (0.54; `ws="auto"` picks the websockets sans-I/O
   protocol when websockets is installed) pings every `ws_ping_interval` (20 s)
   and closes the connection with 1011 when no pong arrives within
   `ws_ping_timeout` (20 s). A pong is only seen when uvicorn reads the socket,
   and it is queued behind every frame the peer sent before it, so a loop that
   deliberately stops reading cannot answer it — that is how the stock adapter
   lost connections at 1,000–3,000 msg/s. Reading control frames alone is not
   possible on a byte stream. Turning the timeout off (`ws_ping_timeout=None`)
   would keep a half-open connection for ~15 minutes, during which the OneBot
   side's reconnection is refused as a duplicate X-Self-ID. So the keep-alive
   is suspended only while this loop is deliberately not reading (a full queue
   proves the peer was alive a moment ago) and re-armed the moment it reads
   again (`_Keepalive`, through the protocol's own stop_keepalive /
   start_keepalive). With another uvicorn protocol (wsproto, legacy
   websockets) a warning says so once, and pauses longer than the ping timeout
   can still be cut.

5. **A command is not stuck behind what is already read.** Under overload the
   loop always has frames to read, and `await websocket.receive()` returns at
   once while uvicorn has parsed frames waiting, so a command's handler ran one
   step (one database answer) per socket read of ~500 frames: at twice the
   bot's own rate (bench/overload.py, 60,000 msg/s offered, SQLite, 2 cores
   with another load on them) `/话题 列表` took p50 1,269–1,450 ms although
   the frames in front of it took ~0.7 s to read. The loop now yields every
   `YIELD_EVERY` (64) frames: p50 864–895 ms. And the connection's kernel
   receive queue, which Linux autotunes to several MB on loopback (1.1 MB
   measured there), is capped at `RECEIVE_BUFFER` (128 KB, doubled by the
   kernel: 218 KB measured): what waits beyond it waits in the sender's
   buffers, and a command behind it arrives sooner: p50 642–650 ms, p99
   984–1,064 ms in the same conditions. The rate is the bot's, as before.
6. **Shutdown.** Frames already read are still handled (for up to 10 s) before the
   stock stop cancels the adapter's tasks, so nothing the socket acknowledged is
   dropped by a clean stop.

Memory bound per connection: `LIANQING_MAX_PENDING_EVENTS` decoded frames (×
`OVERFLOW` while API answers are awaited), the frames of one socket read that
uvicorn has parsed (at most 256 KB), and the kernel's socket buffers.
The HTTP POST and forward-WebSocket modes keep the stock behaviour.
"""

import asyncio
import contextlib
import os
import re
import socket
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeGuard, cast

import orjson
from nonebot import get_driver
from nonebot.adapters.onebot.store import ResultStore
from nonebot.adapters.onebot.v11 import Adapter as OneBotAdapter
from nonebot.adapters.onebot.v11 import Bot
from nonebot.adapters.onebot.v11.utils import log
from nonebot.drivers import Driver, WebSocket
from nonebot.exception import WebSocketClosed
from nonebot.utils import escape_tag

from plugins.core import metrics
from plugins.core.config import settings as core_settings

URGENT, BULK = 0, 1
OVERFLOW = 4
"""While our own API calls are outstanding, read on up to this many times the bound."""

PlainGroupMessage = Callable[[int, int, int, int, str], bool]
"""(group_id, user_id, message_id, time, plain text) -> True when fully handled (counted)."""
_plain_handler: PlainGroupMessage | None = None


def on_plain_group_message(handler: PlainGroupMessage) -> PlainGroupMessage:
    """Register the one handler ordinary group messages are offered to (memory only, no await)."""
    global _plain_handler
    _plain_handler = handler
    return handler


def clear_plain_handler() -> None:
    global _plain_handler
    _plain_handler = None


# ------------------------------------------------------------------ classification

_STARTS: tuple[str, ...] | None = None
_NICKNAMES: tuple[str, ...] = ()
_CQ_CODE = re.compile(r"^(\s*\[CQ:(?:reply|at),[^\]]*\])+")


def _addressing() -> tuple[tuple[str, ...], tuple[str, ...]]:
    global _STARTS, _NICKNAMES
    if _STARTS is None:
        config = get_driver().config
        _STARTS = tuple(config.command_start or {"/"})
        _NICKNAMES = tuple(n.lower() for n in config.nickname if n)
    return _STARTS, _NICKNAMES


def _addressed(text: str) -> bool:
    """Starts (after blanks) with a command prefix or the bot's nickname (which NoneBot strips)."""
    starts, nicknames = _addressing()
    text = text.lstrip()
    return text.startswith(starts) or (bool(nicknames) and text.lower().startswith(nicknames))


def _unescape(text: str) -> str:
    # The adapter's own unescape (nonebot/adapters/onebot/utils.py), for text holding no CQ code.
    return text.replace("&#44;", ",").replace("&#91;", "[").replace("&#93;", "]").replace("&amp;", "&")


def plain_text(message: Any) -> str | None:
    """The plain text of a message with no reply or @ and only well-formed segments, else None."""
    if isinstance(message, str):
        return None if "[CQ:" in message else _unescape(message)
    if not isinstance(message, list):
        return None
    parts: list[str] = []
    for seg in message:
        if not isinstance(seg, dict):
            return None
        kind, data = seg.get("type"), seg.get("data")
        if not isinstance(kind, str) or not isinstance(data, dict) or kind in ("reply", "at"):
            return None
        if kind == "text":
            text = data.get("text")
            if not isinstance(text, str):
                return None
            parts.append(text)
    return "".join(parts)


def _first_words(message: Any) -> str:
    """The text a command would start with, past leading quotes and @s (for priority only)."""
    if isinstance(message, str):
        return _CQ_CODE.sub("", message, count=1)
    if isinstance(message, list):
        for seg in message:
            if not isinstance(seg, dict):
                return ""
            kind = seg.get("type")
            if kind in ("reply", "at"):
                continue
            if kind != "text":
                return ""
            text = (seg.get("data") or {}).get("text")
            if not isinstance(text, str):
                return ""
            if text.strip():
                return text
    return ""


def _is_int(value: Any) -> TypeGuard[int]:
    return type(value) is int


def classify(data: dict[str, Any]) -> int | None:
    """None when the fast path handled the frame; else the queue it waits in (URGENT or BULK)."""
    if data.get("post_type") != "message":
        return URGENT  # notices, requests, meta events: rare and small
    if data.get("message_type") != "group":
        return URGENT  # private messages
    message = data.get("message")
    if _addressed(_first_words(message)):
        return URGENT  # a command, or the bot called by name
    handler = _plain_handler
    if handler is None or data.get("sub_type") != "normal":
        return BULK
    group_id, user_id, message_id, sent_at = (
        data.get("group_id"), data.get("user_id"), data.get("message_id"), data.get("time")
    )
    if not (
        _is_int(group_id) and _is_int(user_id) and _is_int(message_id) and _is_int(sent_at)
        and _is_int(data.get("self_id")) and _is_int(data.get("font"))
        and isinstance(data.get("raw_message"), str) and isinstance(data.get("sender"), dict)
    ):
        return BULK  # what the event model would reject or coerce: let it decide
    text = plain_text(message)
    if text is None or _addressed(text) or user_id == data["self_id"]:
        return BULK
    counted = handler(group_id, user_id, message_id, sent_at, text)  # ints: checked above
    return None if counted else BULK


YIELD_EVERY = 64
"""Frames read before the loop lets other tasks run (see module doc, 5.)."""
RECEIVE_BUFFER = 128 * 1024
"""SO_RCVBUF of a OneBot connection (Linux doubles it; see module doc, 5.)."""

# ------------------------------------------------------------------ waiting frames


class Inbox:
    """Frames waiting for the slow path: urgent before bulk, at most `limit` (see module doc)."""

    def __init__(self, limit: int) -> None:
        self.limit = max(1, limit)
        self.queues: tuple[deque[dict[str, Any]], deque[dict[str, Any]]] = (deque(), deque())
        self.ready = asyncio.Event()
        self.room = asyncio.Event()
        self.room.set()
        self.closed = False
        self.peak = 0

    def __len__(self) -> int:
        return len(self.queues[URGENT]) + len(self.queues[BULK])

    def full(self) -> bool:
        return len(self) >= self.limit

    def put(self, kind: int, data: dict[str, Any]) -> None:
        self.queues[kind].append(data)
        size = len(self)
        self.peak = max(self.peak, size)
        self.ready.set()
        if size >= self.limit:
            self.room.clear()

    async def get(self) -> dict[str, Any] | None:
        """The next frame, urgent first; None once closed and empty."""
        while True:
            for queue in self.queues:
                if queue:
                    data = queue.popleft()
                    if len(self) < self.limit:
                        self.room.set()
                    return data
            if self.closed:
                return None
            self.ready.clear()
            await self.ready.wait()

    def close(self) -> None:
        self.closed = True
        self.ready.set()


class _Keepalive:
    """Suspend uvicorn's keep-alive ping while we deliberately stop reading (see module doc)."""

    warned = False

    def __init__(self, websocket: WebSocket) -> None:
        inner = getattr(websocket, "websocket", None)  # nonebot's FastAPIWebSocket wraps starlette's
        protocol = getattr(getattr(inner, "_receive", None), "__self__", None)
        if hasattr(protocol, "stop_keepalive") and hasattr(protocol, "start_keepalive"):
            self.protocol: Any = protocol
        else:
            self.protocol = None
            if not _Keepalive.warned:
                _Keepalive.warned = True
                log("WARNING", "keep-alive cannot be paused under backpressure with this server protocol")
        self.paused = False
        self.limit_receive_buffer()

    def limit_receive_buffer(self) -> None:
        """Cap the kernel's receive queue of this connection (see module doc, 5.)."""
        transport = getattr(self.protocol, "transport", None)
        sock = transport.get_extra_info("socket") if transport is not None else None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)

    def pause(self) -> None:
        if self.protocol is not None and not self.paused:
            self.paused = True
            self.protocol.stop_keepalive()

    def resume(self) -> None:
        if self.protocol is not None and self.paused:
            self.paused = False
            transport = getattr(self.protocol, "transport", None)
            if not getattr(self.protocol, "close_sent", False) and not (transport and transport.is_closing()):
                self.protocol.start_keepalive()


class SafeResultStore(ResultStore):
    """The adapter's API answer store, tolerant of answers that arrive after their call gave up."""

    def add_result(self, result: dict[str, Any]) -> None:
        echo = result.get("echo")
        if isinstance(echo, str) and echo.isdecimal():
            future = self._futures.get(int(echo))
            if future is not None and not future.done():
                future.set_result(result)

    def waiting(self) -> int:
        """API calls sent and not yet answered."""
        return len(self._futures)


# ------------------------------------------------------------------ the adapter


class Adapter(OneBotAdapter):
    """OneBot V11 (same name, so plugins' `supported_adapters` hold) with the loop above."""

    _result_store = SafeResultStore()

    def __init__(self, driver: Driver, **kwargs: Any) -> None:
        super().__init__(driver, **kwargs)
        settings = core_settings()
        self.max_pending = settings.lianqing_max_pending_events
        self.workers = max(1, settings.lianqing_event_workers)
        self.inboxes: dict[str, Inbox] = {}
        self.worker_tasks: set[asyncio.Task] = set()
        self.frames_read = 0
        self.fast_counted = 0
        self.slow_handled = 0
        if settings.lianqing_wire_stats_file:
            path = settings.lianqing_wire_stats_file

            async def start_stats() -> None:
                self._start_stats(path)

            driver.on_startup(start_stats)

    async def _stop(self) -> None:
        """At shutdown, frames already read are still handled (bounded: 10 s), then the stock stop."""
        for inbox in list(self.inboxes.values()):
            inbox.close()
        if self.worker_tasks:
            _, pending = await asyncio.wait(set(self.worker_tasks), timeout=10)
            for task in pending:
                task.cancel()
        await super()._stop()

    def stats(self) -> dict[str, int]:
        """Frames read, counted by the fast path, handled by the slow path, waiting, peak waiting."""
        return {
            "read": self.frames_read,
            "fast": self.fast_counted,
            "slow": self.slow_handled,
            "handled": self.fast_counted + self.slow_handled,
            "waiting": sum(len(i) for i in self.inboxes.values()),
            "peak": max((i.peak for i in self.inboxes.values()), default=0),
        }

    def _start_stats(self, path: str) -> None:
        """For bench/overload.py: the counters, written to `path` ten times a second."""

        async def write() -> None:
            target = Path(path)
            while True:
                tmp = target.with_suffix(".tmp")
                tmp.write_bytes(orjson.dumps(self.stats()))
                os.replace(tmp, target)
                await asyncio.sleep(0.1)

        task = asyncio.create_task(write())
        task.add_done_callback(self.tasks.discard)
        self.tasks.add(task)

    async def _handle_ws(self, websocket: WebSocket) -> None:
        self_id = websocket.request.headers.get("x-self-id")
        # The same refusals as the stock adapter.
        if not self_id:
            log("WARNING", "Missing X-Self-ID Header")
            await websocket.close(1008, "Missing X-Self-ID Header")
            return
        if self_id in self.bots:
            log("WARNING", f"There's already a bot {self_id}, ignored")
            await websocket.close(1008, "Duplicate X-Self-ID")
            return
        response = self._check_access_token(websocket.request)
        if response is not None:
            await websocket.close(1008, cast(str, response.content))
            return

        await websocket.accept()
        bot = Bot(self, self_id)
        self.bot_connect(bot)
        self.connections[self_id] = websocket
        log("INFO", f"<y>Bot {escape_tag(self_id)}</y> connected")

        inbox = Inbox(self.max_pending)
        self.inboxes[self_id] = inbox
        for _ in range(self.workers):
            task = asyncio.create_task(self._work(bot, inbox))
            task.add_done_callback(self.worker_tasks.discard)
            self.worker_tasks.add(task)
        keepalive = _Keepalive(websocket)
        try:
            taken = 0
            while True:
                self._take(await websocket.receive(), inbox)
                taken += 1
                if inbox.full():
                    await self._wait_for_room(inbox, keepalive)
                elif taken % YIELD_EVERY == 0:
                    await asyncio.sleep(0)
        except WebSocketClosed:
            log("WARNING", f"WebSocket for Bot {escape_tag(self_id)} closed by peer")
        except Exception as e:
            log("ERROR", f"Error while reading the WebSocket of bot {escape_tag(self_id)}", e)
        finally:
            keepalive.resume()
            with contextlib.suppress(Exception):
                await websocket.close()
            self.connections.pop(self_id, None)
            self.bot_disconnect(bot)
            inbox.close()  # the workers handle what was read, then stop
            if self.inboxes.get(self_id) is inbox:
                del self.inboxes[self_id]

    def _take(self, raw: str | bytes, inbox: Inbox) -> None:
        self.frames_read += 1
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError:
            log("WARNING", f"a frame of {len(raw)} characters is not JSON; ignored")
            return
        if not isinstance(data, dict):
            return
        if "post_type" not in data:
            self._result_store.add_result(data)  # an API answer: at once, never queued
            return
        kind = classify(data)
        if kind is None:
            self.fast_counted += 1
            metrics.event_seen("message")  # the slow path counts in the dispatcher's rule
        else:
            inbox.put(kind, data)

    async def _wait_for_room(self, inbox: Inbox, keepalive: _Keepalive) -> None:
        store = cast(SafeResultStore, self._result_store)
        try:
            while inbox.full():
                if store.waiting() and len(inbox) < inbox.limit * OVERFLOW:
                    return  # an answer we wait for may be behind these frames: read on
                keepalive.pause()
                with contextlib.suppress(TimeoutError):
                    # Woken by room; re-checked every 50 ms in case a call starts meanwhile.
                    await asyncio.wait_for(inbox.room.wait(), 0.05)
        finally:
            keepalive.resume()

    async def _work(self, bot: Bot, inbox: Inbox) -> None:
        while (data := await inbox.get()) is not None:
            event = self.json_to_event(data)
            if event is None:
                continue
            try:
                await bot.handle_event(event)
            except Exception as e:
                log("ERROR", f"Error while handling a {event.get_type()} event", e)
            self.slow_handled += 1
