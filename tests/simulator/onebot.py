"""A OneBot v11 implementation, simulated: the NapCat / Lagrange side of the wire.

It connects to the bot's reverse WebSocket with the headers real implementations
send (`X-Self-ID`, `X-Client-Role`, `Authorization: Bearer <token>`), posts
events shaped like NapCat's (array segments, `reply`/`at` segments,
`sender.role`, extra fields the bot must tolerate) and answers the bot's API
calls from an in-memory model of groups and members, recording every call.

End-to-end tests and benchmarks drive the real bot process through it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

Segment = dict[str, Any]


@dataclass
class Member:
    user_id: int
    nickname: str
    card: str = ""
    role: str = "member"  # owner | admin | member


@dataclass
class Group:
    group_id: int
    name: str
    members: dict[int, Member] = field(default_factory=dict)


@dataclass
class ApiCall:
    action: str
    params: dict[str, Any]
    at: float
    result: Any = None

    @property
    def text(self) -> str:
        """The plain text of a sent message (text segments joined)."""
        return message_text(self.params.get("message", ""))

    @property
    def segments(self) -> list[Segment]:
        message = self.params.get("message", [])
        if isinstance(message, str):
            return [{"type": "text", "data": {"text": message}}]
        if isinstance(message, dict):
            return [message]
        return list(message)


def message_text(message: Any) -> str:
    if isinstance(message, str):
        return message
    if isinstance(message, dict):
        message = [message]
    return "".join(s["data"].get("text", "") for s in message if s.get("type") == "text")


def text_segments(text: str) -> list[Segment]:
    return [{"type": "text", "data": {"text": text}}]


class OneBotSimulator:
    """One QQ account's implementation. Use `async with sim.connected(): ...`."""

    def __init__(
        self,
        url: str,
        self_id: int = 10000,
        access_token: str | None = None,
        nickname: str = "联青机器人",
    ) -> None:
        self.url = url
        self.self_id = self_id
        self.access_token = access_token
        self.nickname = nickname
        self.groups: dict[int, Group] = {}
        self.users: dict[int, str] = {}
        self.calls: list[ApiCall] = []
        self.messages: dict[int, dict[str, Any]] = {}
        self.fail_actions: dict[str, int] = {}  # action -> retcode to answer with
        self._ids = itertools.count(1_000_001)
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._session: aiohttp.ClientSession | None = None
        self._reader: asyncio.Task | None = None
        self._changed = asyncio.Condition()

    # ------------------------------------------------------------ world model

    def add_user(self, user_id: int, nickname: str) -> None:
        self.users[user_id] = nickname

    def add_group(
        self, group_id: int, name: str, members: Iterable[tuple[int, str] | tuple[int, str, str]] = ()
    ) -> Group:
        group = Group(group_id, name)
        group.members[self.self_id] = Member(self.self_id, self.nickname, role="admin")
        for m in members:
            user_id, nickname, *role = m
            group.members[user_id] = Member(user_id, nickname, role=role[0] if role else "member")
            self.users.setdefault(user_id, nickname)
        self.groups[group_id] = group
        return group

    # ------------------------------------------------------------ connection

    def headers(self) -> dict[str, str]:
        headers = {
            "X-Self-ID": str(self.self_id),
            "X-Client-Role": "Universal",
            "User-Agent": "OneBot/11 (simulator) NapCat/4",
        }
        if self.access_token is not None:
            headers["Authorization"] = f"Bearer {self.access_token}"
        return headers

    async def connect(self) -> None:
        self._session = aiohttp.ClientSession()
        try:
            self._ws = await self._session.ws_connect(self.url, headers=self.headers(), heartbeat=None)
        except Exception:
            await self._session.close()
            self._session = None
            raise
        self._reader = asyncio.create_task(self._read())
        await self.post(
            {
                "time": int(time.time()),
                "self_id": self.self_id,
                "post_type": "meta_event",
                "meta_event_type": "lifecycle",
                "sub_type": "connect",
            }
        )

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
        if self._session is not None:
            await self._session.close()
        self._ws = self._session = self._reader = None

    @contextlib.asynccontextmanager
    async def connected(self):
        await self.connect()
        try:
            yield self
        finally:
            await self.close()

    async def drop(self) -> None:
        """Lose the connection abruptly (no closing handshake), as a network failure would."""
        if self._ws is not None and self._session is not None:
            transport = self._ws._response.connection.transport if self._ws._response.connection else None
            if transport is not None:
                transport.abort()
        await self.close()

    @property
    def is_connected(self) -> bool:
        return self._ws is not None and not self._ws.closed

    async def _read(self) -> None:
        assert self._ws is not None
        async for msg in self._ws:
            if msg.type != aiohttp.WSMsgType.TEXT:
                continue
            request = json.loads(msg.data)
            action, params = request.get("action", ""), request.get("params") or {}
            call = ApiCall(action, params, time.monotonic())
            response = self._answer(action, params)
            call.result = response.get("data")
            response["echo"] = request.get("echo")
            await self._ws.send_str(json.dumps(response, ensure_ascii=False))
            # Recorded once answered, as a real implementation's message exists only then.
            async with self._changed:
                self.calls.append(call)
                self._changed.notify_all()

    # ------------------------------------------------------------ API answers

    def _answer(self, action: str, params: dict[str, Any]) -> dict[str, Any]:
        if action in self.fail_actions:
            return _failed(self.fail_actions[action], "simulated failure")
        handler: Callable[[dict[str, Any]], Any] | None = getattr(self, f"_api_{action}", None)
        if handler is None:
            return _failed(1404, f"unsupported action {action}")
        try:
            return _ok(handler(params))
        except LookupError as e:
            return _failed(100, str(e))

    def _store_sent(self, message_type: str, target: int, message: Any) -> dict[str, int]:
        message_id = next(self._ids)
        self.messages[message_id] = {
            "message_type": message_type,
            "target": target,
            "user_id": self.self_id,
            "message": message,
            "nickname": self.nickname,
            "time": int(time.time()),
        }
        return {"message_id": message_id}

    def _api_send_group_msg(self, p: dict[str, Any]) -> Any:
        return self._store_sent("group", int(p["group_id"]), p["message"])

    def _api_send_private_msg(self, p: dict[str, Any]) -> Any:
        return self._store_sent("private", int(p["user_id"]), p["message"])

    def _api_send_msg(self, p: dict[str, Any]) -> Any:
        if p.get("group_id"):
            return self._api_send_group_msg(p)
        return self._api_send_private_msg(p)

    def _api_get_login_info(self, p: dict[str, Any]) -> Any:
        return {"user_id": self.self_id, "nickname": self.nickname}

    def _api_get_group_list(self, p: dict[str, Any]) -> Any:
        return [
            {"group_id": g.group_id, "group_name": g.name, "member_count": len(g.members),
             "max_member_count": 2000, "group_all_shut": 0, "group_remark": ""}
            for g in self.groups.values()
        ]

    def _api_get_group_info(self, p: dict[str, Any]) -> Any:
        g = self._group(p)
        return {"group_id": g.group_id, "group_name": g.name, "member_count": len(g.members),
                "max_member_count": 2000}

    def _member_info(self, g: Group, m: Member) -> dict[str, Any]:
        return {
            "group_id": g.group_id, "user_id": m.user_id, "nickname": m.nickname,
            "card": m.card, "sex": "unknown", "age": 0, "area": "", "level": "1",
            "qq_level": 10, "join_time": 1700000000, "last_sent_time": 1700000000,
            "title_expire_time": 0, "unfriendly": False, "card_changeable": True,
            "is_robot": m.user_id == self.self_id, "shut_up_timestamp": 0,
            "role": m.role, "title": "",
        }

    def _api_get_group_member_list(self, p: dict[str, Any]) -> Any:
        g = self._group(p)
        return [self._member_info(g, m) for m in g.members.values()]

    def _api_get_group_member_info(self, p: dict[str, Any]) -> Any:
        g = self._group(p)
        m = g.members.get(int(p["user_id"]))
        if m is None:
            raise LookupError("not a member")
        return self._member_info(g, m)

    def _api_get_stranger_info(self, p: dict[str, Any]) -> Any:
        user_id = int(p["user_id"])
        return {"user_id": user_id, "nickname": self.users.get(user_id, f"用户{user_id}"),
                "sex": "unknown", "age": 0, "qid": "", "level": 1, "login_days": 1}

    def _api_get_friend_list(self, p: dict[str, Any]) -> Any:
        return [{"user_id": u, "nickname": n, "remark": ""} for u, n in self.users.items()]

    def _api_get_msg(self, p: dict[str, Any]) -> Any:
        message_id = int(p["message_id"])
        stored = self.messages.get(message_id)
        if stored is None:
            raise LookupError("message not found")
        return {
            "time": stored.get("time", int(time.time())),
            "message_type": stored["message_type"],
            "message_id": message_id,
            "real_id": message_id,
            "message_seq": message_id,
            "sender": {"user_id": stored["user_id"], "nickname": stored["nickname"], "card": ""},
            "message": stored["message"],
            "raw_message": message_text(stored["message"]),
            "font": 14,
            "group_id": stored["target"] if stored["message_type"] == "group" else None,
        }

    def _api_delete_msg(self, p: dict[str, Any]) -> Any:
        self.messages.pop(int(p["message_id"]), None)
        return None

    def _api_upload_private_file(self, p: dict[str, Any]) -> Any:
        return None

    def _api_upload_group_file(self, p: dict[str, Any]) -> Any:
        return None

    def _api_get_status(self, p: dict[str, Any]) -> Any:
        return {"online": True, "good": True}

    def _api_get_version_info(self, p: dict[str, Any]) -> Any:
        return {"app_name": "simulator", "app_version": "1.0", "protocol_version": "v11"}

    def _group(self, p: dict[str, Any]) -> Group:
        g = self.groups.get(int(p["group_id"]))
        if g is None:
            raise LookupError("group not found")
        return g

    # ------------------------------------------------------------ events

    async def post(self, event: dict[str, Any]) -> None:
        if self._ws is None:
            raise RuntimeError("simulator is not connected")
        await self._ws.send_str(json.dumps(event, ensure_ascii=False))

    async def send_raw(self, frame: str) -> None:
        """Post an already-serialised event (benchmarks: json.dumps would dominate the client)."""
        if self._ws is None:
            raise RuntimeError("simulator is not connected")
        await self._ws.send_str(frame)

    def _base(self) -> dict[str, Any]:
        return {"time": int(time.time()), "self_id": self.self_id}

    async def group_message(
        self,
        group_id: int,
        user_id: int,
        message: str | list[Segment],
        *,
        reply_to: int | None = None,
        at: Iterable[int] = (),
    ) -> int:
        """Post a group message as NapCat does; returns its message_id."""
        g = self.groups[group_id]
        m = g.members.get(user_id) or Member(user_id, self.users.get(user_id, f"用户{user_id}"))
        segments: list[Segment] = []
        if reply_to is not None:
            segments.append({"type": "reply", "data": {"id": str(reply_to)}})
        for qq in at:
            segments.append({"type": "at", "data": {"qq": str(qq), "name": ""}})
            segments.append({"type": "text", "data": {"text": " "}})
        segments += text_segments(message) if isinstance(message, str) else list(message)
        message_id = next(self._ids)
        self.messages[message_id] = {
            "message_type": "group", "target": group_id, "user_id": user_id,
            "message": segments, "nickname": m.nickname, "time": int(time.time()),
        }
        await self.post(
            {
                **self._base(),
                "post_type": "message",
                "message_type": "group",
                "sub_type": "normal",
                "message_id": message_id,
                "message_seq": message_id,
                "real_id": message_id,
                "real_seq": str(message_id),
                "group_id": group_id,
                "group_name": g.name,
                "user_id": user_id,
                "anonymous": None,
                "sender": {"user_id": user_id, "nickname": m.nickname, "card": m.card,
                           "role": m.role, "title": ""},
                "message": segments,
                "message_format": "array",
                "raw_message": message_text(segments),
                "font": 14,
            }
        )
        return message_id

    async def private_message(self, user_id: int, message: str | list[Segment]) -> int:
        segments = text_segments(message) if isinstance(message, str) else list(message)
        message_id = next(self._ids)
        nickname = self.users.get(user_id, f"用户{user_id}")
        self.messages[message_id] = {
            "message_type": "private", "target": self.self_id, "user_id": user_id,
            "message": segments, "nickname": nickname, "time": int(time.time()),
        }
        await self.post(
            {
                **self._base(),
                "post_type": "message",
                "message_type": "private",
                "sub_type": "friend",
                "message_id": message_id,
                "message_seq": message_id,
                "real_id": message_id,
                "user_id": user_id,
                "target_id": self.self_id,
                "sender": {"user_id": user_id, "nickname": nickname, "card": ""},
                "message": segments,
                "message_format": "array",
                "raw_message": message_text(segments),
                "font": 14,
            }
        )
        return message_id

    async def notice(self, notice_type: str, **fields: Any) -> None:
        await self.post({**self._base(), "post_type": "notice", "notice_type": notice_type, **fields})

    # ------------------------------------------------------------ waiting

    async def wait_for(
        self, predicate: Callable[[ApiCall], bool], *, timeout: float = 10.0, start: int = 0
    ) -> ApiCall:
        """The first call from index `start` on that matches, waiting for it if needed."""

        def find() -> ApiCall | None:
            return next((c for c in self.calls[start:] if predicate(c)), None)

        async with self._changed:
            found = find()
            if found is None:
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: find() is not None), timeout
                )
                found = find()
        assert found is not None
        return found

    def sent_to_user(self, user_id: int, start: int = 0) -> list[ApiCall]:
        return [c for c in self.calls[start:] if is_private_to(c, user_id)]

    def sent_to_group(self, group_id: int, start: int = 0) -> list[ApiCall]:
        return [c for c in self.calls[start:] if is_group_to(c, group_id)]

    async def ask_private(self, user_id: int, text: str, *, timeout: float = 10.0) -> str:
        """Send a private message and return the text of the bot's next message to that user."""
        start = len(self.calls)
        await self.private_message(user_id, text)
        call = await self.wait_for(
            lambda c: is_private_to(c, user_id), timeout=timeout, start=start
        )
        return call.text

    async def ask_group(
        self, group_id: int, user_id: int, text: str, *, timeout: float = 10.0, **kwargs: Any
    ) -> ApiCall:
        """Send a group message and return the bot's next message in that group."""
        start = len(self.calls)
        await self.group_message(group_id, user_id, text, **kwargs)
        return await self.wait_for(
            lambda c: is_group_to(c, group_id), timeout=timeout, start=start
        )


def is_private_to(call: ApiCall, user_id: int) -> bool:
    p = call.params
    return (
        call.action in ("send_private_msg", "send_msg")
        and not p.get("group_id")
        and int(p.get("user_id") or 0) == user_id
    )


def is_group_to(call: ApiCall, group_id: int) -> bool:
    p = call.params
    return call.action in ("send_group_msg", "send_msg") and int(p.get("group_id") or 0) == group_id


def _ok(data: Any) -> dict[str, Any]:
    return {"status": "ok", "retcode": 0, "data": data, "message": "", "wording": ""}


def _failed(retcode: int, message: str) -> dict[str, Any]:
    return {"status": "failed", "retcode": retcode, "data": None, "message": message, "wording": message}
