"""A OneBot v11 implementation, simulated: the NapCat / Lagrange side of the wire.

It connects to the bot's reverse WebSocket with the headers real implementations
send (`X-Self-ID`, `X-Client-Role`, `Authorization: Bearer <token>`), posts
events shaped like NapCat's (array segments, `reply`/`at` segments,
`sender.role`, extra fields the bot must tolerate) and answers the bot's API
calls from an in-memory model of groups and members, recording every call.

End-to-end tests and benchmarks drive the real bot process through it.

Two modes. The default (lenient) one accepts every private send, as if every
person were the account's friend, and answers `get_friend_list` as an
implementation that does not report friends (retcode 1404), so the bot cannot
tell friends apart and sends as it always did. `strict=True` follows QQ's rules
as NapCat reports them (sources cited at each rule, NapNeko/NapCatQQ at
af07479, 2026-08):

- each account has a friend list (`friends`), filled by approving friend requests;
- a private send to a non-friend without `group_id` is refused (NapCat's
  `createContext` in packages/napcat-onebot/action/msg/SendMsg.ts falls back to
  a plain C2C send, which QQ drops; NapCat answers retcode 1200 with its
  `Timeout: NTEvent ... sendMsg` message after its send timeout);
- with the `group_id` of a group both are in it is delivered as a temporary
  session and recorded as such; groups can forbid temporary sessions
  (`temp_refused`, or `temp_sessions=False` for the whole account);
- private messages from non-friends arrive as NapCat posts them
  (`sub_type: "group"`, `group_id`, `temp_source`: api/msg.ts
  `handleTempGroupMessage`);
- files must be handed over as `base64://` (the simulator runs "in its own
  container": a path of the bot's machine does not exist there).
"""

from __future__ import annotations

import asyncio
import base64
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
    ok: bool = False
    """The implementation answered `status: ok` (a refused send is recorded too)."""

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

    @property
    def temp_group(self) -> int | None:
        """The group of a private send made as a temporary session (its `group_id`)."""
        if is_private_call(self) and self.params.get("group_id"):
            return int(self.params["group_id"])
        return None


def message_text(message: Any) -> str:
    if isinstance(message, str):
        return message
    if isinstance(message, dict):
        message = [message]
    return "".join(s["data"].get("text", "") for s in message if s.get("type") == "text")


def text_segments(text: str) -> list[Segment]:
    return [{"type": "text", "data": {"text": text}}]


class Refused(Exception):
    """The implementation answers `status: failed` with this retcode and message."""

    def __init__(self, retcode: int, message: str) -> None:
        super().__init__(message)
        self.retcode = retcode
        self.message = message


# NapCat over WebSocket answers every exception of an action with retcode 1200 and the
# error's message (packages/napcat-onebot/action/OneBotAction.ts `websocketHandle`).
NAPCAT_FAILED = 1200
# A C2C send QQ drops never gets its "sent" update: NapCat's event wrapper times out
# (packages/napcat-core/helper/event.ts `callNormalEventV2`); the text as reported for a
# private send to a non-friend in NapNeko/NapCatQQ#600.
SEND_TIMEOUT = (
    "Timeout: NTEvent serviceAndMethod:NodeIKernelMsgService/sendMsg "
    "ListenerName:NodeIKernelMsgListener/onMsgInfoListUpdate EventRet:\n{}\n"
)


def send_checker_failed(result: int, err_msg: str) -> str:
    """NapCat's text when QQ answers the send with a non-zero result (helper/event.ts)."""
    ret = json.dumps({"result": result, "errMsg": err_msg}, ensure_ascii=False, indent=4)
    return (
        "EventChecker Failed: NTEvent serviceAndMethod:NodeIKernelMsgService/sendMsg "
        f"ListenerName:NodeIKernelMsgListener/onMsgInfoListUpdate EventRet:\n{ret}\n"
    )


# QQ's own refusals (result codes and wording as mirai and NapCat users report them:
# mamoe/mirai#1152, LagrangeDev/LagrangeGo#152, NapNeko/NapCatQQ#600 and PR #1963).
TEMP_FORBIDDEN = send_checker_failed(103, "发送失败，群主已禁止群成员发起临时会话")
NO_COMMON_GROUP = send_checker_failed(102, "发送失败，您与对方不在共同的群，可尝试加对方为好友后聊天")
NOT_IN_GROUP = send_checker_failed(110, "发送失败，你已被移出该群，请重新加群。")


@dataclass
class UploadedFile:
    """A file the bot uploaded, decoded from its `base64://` parameter."""

    action: str
    target: int
    name: str
    data: bytes


class OneBotSimulator:
    """One QQ account's implementation. Use `async with sim.connected(): ...`."""

    def __init__(
        self,
        url: str,
        self_id: int = 10000,
        access_token: str | None = None,
        nickname: str = "联青机器人",
        *,
        strict: bool = False,
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
        self.strict = strict
        self.friends: set[int] = set()
        """The account's friends (strict mode; the lenient mode treats everyone as one)."""
        self.temp_sessions = True
        """False: the account may not start temporary sessions at all."""
        self.temp_refused: set[int] = set()
        """Groups whose owner forbids temporary sessions from members."""
        self.history = True
        """False: get_friend_msg_history / get_group_msg_history are unsupported (1404)."""
        self.outside_groups: dict[int, Group] = {}
        """Groups the account is not in (yet): it may be invited into them."""
        self.requests: dict[str, dict[str, Any]] = {}
        """Friend requests and group invitations waiting for an answer, by flag."""
        self.files: list[UploadedFile] = []
        self.answer_late: dict[str, float] = {}
        """action -> seconds: do it at once (the message exists) but answer this late."""
        self.drop_during: set[str] = set()
        """Actions during which the connection is lost: done, never answered."""
        self.lose: set[str] = set()
        """Actions whose request is lost with the connection: not done, never answered."""
        self._flags = itertools.count(int(time.time() * 1_000_000))
        self._lost = asyncio.Event()
        self._late: set[asyncio.Future] = set()
        self._follow_ups: list[dict[str, Any]] = []
        """Events an action causes, posted once its answer is out (e.g. notice.friend_add)."""
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

    def add_outside_group(
        self, group_id: int, name: str, members: Iterable[tuple[int, str] | tuple[int, str, str]] = ()
    ) -> Group:
        """A group the account is not in; `group_invite` can bring it in."""
        group = Group(group_id, name)
        for m in members:
            user_id, nickname, *role = m
            group.members[user_id] = Member(user_id, nickname, role=role[0] if role else "member")
            self.users.setdefault(user_id, nickname)
        self.outside_groups[group_id] = group
        return group

    def is_friend(self, user_id: int) -> bool:
        return not self.strict or user_id in self.friends

    def shared_groups(self, user_id: int) -> list[int]:
        return [g.group_id for g in self.groups.values() if user_id in g.members]

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
        self._lost = asyncio.Event()
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
        self._abort()
        await self.close()

    def _abort(self) -> None:
        if self._ws is not None and self._session is not None:
            transport = self._ws._response.connection.transport if self._ws._response.connection else None
            if transport is not None:
                transport.abort()
        self._lost.set()

    async def wait_lost(self, timeout: float = 10.0) -> None:
        """Until the connection is lost (e.g. during an action in `drop_during`)."""
        await asyncio.wait_for(self._lost.wait(), timeout)

    @property
    def is_connected(self) -> bool:
        return self._ws is not None and not self._ws.closed and not self._lost.is_set()

    async def _read(self) -> None:
        assert self._ws is not None
        async for msg in self._ws:
            if msg.type != aiohttp.WSMsgType.TEXT:
                continue
            request = json.loads(msg.data)
            action, params = request.get("action", ""), request.get("params") or {}
            if action in self.lose:
                # The connection fails before the request arrives: nothing is done.
                self._abort()
                return
            call = ApiCall(action, params, time.monotonic())
            response = self._answer(action, params)
            call.result = response.get("data")
            call.ok = response.get("status") == "ok"
            response["echo"] = request.get("echo")
            if action in self.drop_during:
                # Done (the message exists) but the answer never leaves: the network fails.
                await self._record(call)
                self._abort()
                return
            if action in self.answer_late:
                await self._record(call)
                late = asyncio.ensure_future(self._answer_later(response, self.answer_late[action]))
                self._late.add(late)
                late.add_done_callback(self._late.discard)
                continue
            await self._ws.send_str(json.dumps(response, ensure_ascii=False))
            # Recorded once answered, as a real implementation's message exists only then.
            await self._record(call)
            while self._follow_ups:
                await self.post(self._follow_ups.pop(0))

    async def _record(self, call: ApiCall) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    async def _answer_later(self, response: dict[str, Any], seconds: float) -> None:
        await asyncio.sleep(seconds)
        if self._ws is not None and not self._ws.closed:
            with contextlib.suppress(Exception):
                await self._ws.send_str(json.dumps(response, ensure_ascii=False))

    # ------------------------------------------------------------ API answers

    def _answer(self, action: str, params: dict[str, Any]) -> dict[str, Any]:
        if action in self.fail_actions:
            return _failed(self.fail_actions[action], "simulated failure")
        handler: Callable[[dict[str, Any]], Any] | None = getattr(self, f"_api_{action}", None)
        if handler is None:
            return _failed(1404, f"unsupported action {action}")
        try:
            return _ok(handler(params))
        except Refused as e:
            return _failed(e.retcode, e.message)
        except LookupError as e:
            return _failed(100, str(e))

    def _store_sent(
        self, message_type: str, target: int, message: Any, via_group: int | None = None
    ) -> dict[str, int]:
        message_id = next(self._ids)
        self.messages[message_id] = {
            "message_type": message_type,
            "target": target,
            "user_id": self.self_id,
            "message": message,
            "nickname": self.nickname,
            "time": int(time.time()),
            "temp_group": via_group,
        }
        return {"message_id": message_id}

    def _api_send_group_msg(self, p: dict[str, Any]) -> Any:
        group_id = int(p["group_id"])
        if self.strict and group_id not in self.groups:
            raise Refused(NAPCAT_FAILED, NOT_IN_GROUP)
        return self._store_sent("group", group_id, p["message"])

    def _api_send_private_msg(self, p: dict[str, Any]) -> Any:
        user_id = int(p["user_id"])
        group_id = int(p["group_id"]) if p.get("group_id") else None
        if self.is_friend(user_id):
            # A friend gets a C2C message even when group_id is given (createContext
            # checks isBuddy first).
            return self._store_sent("private", user_id, p["message"])
        if group_id is None:
            raise Refused(NAPCAT_FAILED, SEND_TIMEOUT)
        group = self.groups.get(group_id)
        if group is None or user_id not in group.members:
            raise Refused(NAPCAT_FAILED, NO_COMMON_GROUP)
        if not self.temp_sessions or group_id in self.temp_refused:
            raise Refused(NAPCAT_FAILED, TEMP_FORBIDDEN)
        return self._store_sent("private", user_id, p["message"], via_group=group_id)

    def _api_send_msg(self, p: dict[str, Any]) -> Any:
        # SendMsg.ts: message_type decides; without it group_id wins (ContextMode.Normal).
        kind = p.get("message_type") or ("group" if p.get("group_id") else "private")
        if kind == "group":
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
        if not self.strict:
            raise Refused(1404, "不支持的Api get_friend_list")  # "everyone is a friend"
        # Fields as NapCat's OB11Construct.friends (packages/napcat-onebot/helper/data.ts).
        return [
            {"user_id": u, "nickname": self.users.get(u, f"用户{u}"), "remark": "", "sex": "unknown",
             "age": 0, "level": 1, "category_id": 0, "birthday_year": 0, "birthday_month": 0,
             "birthday_day": 0, "phone_num": "", "email": ""}
            for u in sorted(self.friends)
        ]

    def _api_set_friend_add_request(self, p: dict[str, Any]) -> Any:
        # action/user/SetFriendAddRequest.ts: unknown flag -> 'No such request';
        # approve defaults to true (anything but "false").
        request = self.requests.get(str(p.get("flag")))
        if request is None or request["request_type"] != "friend":
            raise Refused(NAPCAT_FAILED, "No such request")
        del self.requests[str(p["flag"])]
        if str(p.get("approve", True)).lower() != "false":
            self.friends.add(request["user_id"])
            # Becoming friends shows a grey tip, posted as notice.friend_add (api/msg.ts).
            self._follow_ups.append(
                {**self._base(), "post_type": "notice", "notice_type": "friend_add",
                 "user_id": request["user_id"]}
            )
        return None

    def _api_set_group_add_request(self, p: dict[str, Any]) -> Any:
        # action/group/SetGroupAddRequest.ts: looks the flag up among group notifies.
        request = self.requests.get(str(p.get("flag")))
        if request is None or request["request_type"] != "group":
            raise Refused(NAPCAT_FAILED, "No such request")
        del self.requests[str(p["flag"])]
        if str(p.get("approve", True)).lower() != "false" and request["sub_type"] == "invite":
            group = self.outside_groups.pop(request["group_id"])
            group.members[self.self_id] = Member(self.self_id, self.nickname)
            self.groups[group.group_id] = group
        return None

    def _api_get_friend_msg_history(self, p: dict[str, Any]) -> Any:
        user_id = int(p["user_id"])
        return self._history(
            lambda m: m["message_type"] == "private"
            and (m["target"] == user_id or (m["user_id"] == user_id and m["target"] == self.self_id)),
            int(p.get("count") or 20), "get_friend_msg_history",
        )

    def _api_get_group_msg_history(self, p: dict[str, Any]) -> Any:
        group_id = int(p["group_id"])
        return self._history(
            lambda m: m["message_type"] == "group" and m["target"] == group_id,
            int(p.get("count") or 20), "get_group_msg_history",
        )

    def _history(self, wanted: Callable[[dict[str, Any]], bool], count: int, action: str) -> Any:
        # action/go-cqhttp/GetFriendMsgHistory.ts / GetGroupMsgHistory.ts: the latest `count`
        # messages; none at all is an error ("消息undefined不存在" without message_seq).
        if not self.history:
            raise Refused(1404, f"不支持的Api {action}")
        found = [(i, m) for i, m in self.messages.items() if wanted(m)][-count:]
        if not found:
            raise Refused(NAPCAT_FAILED, "消息undefined不存在")
        return {"messages": [self._history_item(i, m) for i, m in found]}

    def _history_item(self, message_id: int, m: dict[str, Any]) -> dict[str, Any]:
        mine = m["user_id"] == self.self_id
        item = {
            "self_id": self.self_id, "user_id": m["user_id"], "time": m["time"],
            "message_id": message_id, "message_seq": message_id, "real_id": message_id,
            "message_type": m["message_type"],
            "sender": {"user_id": m["user_id"], "nickname": m["nickname"], "card": ""},
            "raw_message": message_text(m["message"]), "font": 14,
            "sub_type": "normal" if m["message_type"] == "group" else "friend",
            "message": _segments(m["message"]), "message_format": "array",
            "post_type": "message_sent" if mine else "message",
        }
        if m["message_type"] == "group":
            item["group_id"] = m["target"]
        return item

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
        # action/go-cqhttp/UploadPrivateFile.ts: no group_id parameter; a non-friend's file
        # goes as a temporary session without its group, which QQ drops like a C2C send.
        data = self._file_data(p)
        user_id = int(p["user_id"])
        if not self.is_friend(user_id):
            raise Refused(NAPCAT_FAILED, SEND_TIMEOUT)
        self.files.append(UploadedFile("upload_private_file", user_id, str(p["name"]), data))
        return {"file_id": f"/{next(self._ids)}"}

    def _api_upload_group_file(self, p: dict[str, Any]) -> Any:
        data = self._file_data(p)
        group_id = int(p["group_id"])
        if self.strict and group_id not in self.groups:
            raise Refused(NAPCAT_FAILED, NOT_IN_GROUP)
        self.files.append(UploadedFile("upload_group_file", group_id, str(p["name"]), data))
        return {"file_id": f"/{next(self._ids)}"}

    @staticmethod
    def _file_data(p: dict[str, Any]) -> bytes:
        # napcat-common/src/file.ts `uriToLocalFile`: a path that does not exist on the
        # implementation's machine is not recognised. This one runs "in its own container".
        file = str(p.get("file", ""))
        if file.startswith("base64://"):
            return base64.b64decode(file.removeprefix("base64://"), validate=True)
        raise Refused(NAPCAT_FAILED, f"识别URL失败, uri= {file}")

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

    async def private_message(
        self, user_id: int, message: str | list[Segment], *, group_id: int | None = None
    ) -> int:
        """A private message to the account. From a non-friend (strict mode) it comes through
        a group both are in (`group_id`, or the first shared group): a temporary session."""
        segments = text_segments(message) if isinstance(message, str) else list(message)
        message_id = next(self._ids)
        nickname = self.users.get(user_id, f"用户{user_id}")
        event = {
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
        if not self.is_friend(user_id) or group_id is not None:
            shared = self.shared_groups(user_id)
            group_id = group_id if group_id is not None else (shared[0] if shared else None)
            if group_id is None or group_id not in shared:
                raise ValueError(f"{user_id} is not a friend and shares no group with the account")
            if group_id in self.temp_refused:
                raise ValueError(f"group {group_id} forbids temporary sessions: {user_id} cannot write")
            member = self.groups[group_id].members[user_id]
            # api/msg.ts handleTempGroupMessage: sub_type "group", the group and temp_source.
            event.pop("target_id")
            event.update(sub_type="group", group_id=group_id, temp_source=0)
            event["sender"]["nickname"] = member.nickname
        self.messages[message_id] = {
            "message_type": "private", "target": self.self_id, "user_id": user_id,
            "message": segments, "nickname": nickname, "time": int(time.time()),
        }
        await self.post(event)
        return message_id

    async def notice(self, notice_type: str, **fields: Any) -> None:
        await self.post({**self._base(), "post_type": "notice", "notice_type": notice_type, **fields})

    async def friend_request(self, user_id: int, comment: str = "") -> str:
        """Someone asks to be the account's friend; returns the flag (index.ts
        initBuddyListener: OB11FriendRequestEvent, flag = the request's reqTime)."""
        flag = str(next(self._flags))
        self.requests[flag] = {"request_type": "friend", "user_id": user_id}
        await self.post(
            {**self._base(), "post_type": "request", "request_type": "friend",
             "user_id": user_id, "comment": comment, "flag": flag}
        )
        return flag

    async def group_invite(self, group_id: int, inviter: int, comment: str = "") -> str:
        """`inviter` invites the account into an outside group (index.ts initGroupListener:
        INVITED_BY_MEMBER -> OB11GroupRequestEvent sub_type "invite", flag = notify seq)."""
        assert group_id in self.outside_groups, "add_outside_group first"
        flag = str(next(self._flags))
        self.requests[flag] = {"request_type": "group", "sub_type": "invite", "group_id": group_id,
                               "user_id": inviter}
        await self.post(
            {**self._base(), "post_type": "request", "request_type": "group", "sub_type": "invite",
             "group_id": group_id, "user_id": inviter, "comment": comment, "flag": flag}
        )
        return flag

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

    def delivered_to_user(self, user_id: int, start: int = 0) -> list[ApiCall]:
        """Private sends to `user_id` the implementation accepted (refusals left out)."""
        return [c for c in self.calls[start:] if is_private_to(c, user_id) and c.ok]

    def sent_to_group(self, group_id: int, start: int = 0) -> list[ApiCall]:
        return [c for c in self.calls[start:] if is_group_to(c, group_id)]

    async def ask_private(self, user_id: int, text: str, *, timeout: float = 10.0) -> str:
        """Send a private message and return the text of the bot's answer to it.

        The answer is the bot's next `send_msg` to that user (what the adapter's `send`
        calls for a reply); messages from the outbox (`send_private_msg`) that happen to
        arrive meanwhile are not answers. Tests wait for those with `wait_for`."""
        start = len(self.calls)
        await self.private_message(user_id, text)
        # Strict: only an answer that reached them counts (a refused send is no answer).
        call = await self.wait_for(
            lambda c: c.action == "send_msg" and is_private_to(c, user_id) and (c.ok or not self.strict),
            timeout=timeout, start=start,
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


def is_private_call(call: ApiCall) -> bool:
    """A private send (a temporary session included), as SendMsg.ts decides it."""
    p = call.params
    if call.action == "send_private_msg":
        return True
    if call.action == "send_msg":
        return (p.get("message_type") or ("group" if p.get("group_id") else "private")) == "private"
    return False


def is_private_to(call: ApiCall, user_id: int) -> bool:
    return is_private_call(call) and int(call.params.get("user_id") or 0) == user_id


def is_group_to(call: ApiCall, group_id: int) -> bool:
    p = call.params
    return (
        call.action in ("send_group_msg", "send_msg")
        and not is_private_call(call)
        and int(p.get("group_id") or 0) == group_id
    )


def _segments(message: Any) -> list[Segment]:
    if isinstance(message, str):
        return text_segments(message)
    if isinstance(message, dict):
        return [message]
    return list(message)


def _ok(data: Any) -> dict[str, Any]:
    return {"status": "ok", "retcode": 0, "data": data, "message": "", "wording": ""}


def _failed(retcode: int, message: str) -> dict[str, Any]:
    return {"status": "failed", "retcode": retcode, "data": None, "message": message, "wording": message}
