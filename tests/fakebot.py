"""A stand-in for a connected OneBot account in service-level tests of sending.

By default it accepts every send and does not report friends (like the lenient
simulator); `friends`, `refuse_temp`, `time_out` and `history` make it behave
as NapCat does for the case under test (see tests/simulator/onebot.py).
"""

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from nonebot.adapters.onebot.v11 import ActionFailed, Bot, NetworkError

# For the type checker it is a Bot (the services take one); at run time a plain object.
_Base = Bot if TYPE_CHECKING else object


@dataclass
class FakeBot(_Base):
    self_id: str = "10000"
    fail_with: Exception | None = None
    sent: list[tuple[str, int, str]] = field(default_factory=list)
    members: dict[int, list[dict]] = field(default_factory=dict)
    friends: set[int] | None = None
    """None: get_friend_list is unsupported."""
    refuse_temp: bool = False
    """Temporary sessions are refused (the group forbids them)."""
    time_out: bool = False
    """Sends are carried out but never answered (the adapter raises NetworkError)."""
    unconfirmed: bool = False
    """NapCat gives up waiting for QQ's confirmation: ActionFailed "Timeout: NTEvent …"."""
    dropped: bool = False
    """With time_out or unconfirmed: QQ dropped the message (it is not in the history)."""
    history: bool = True
    """False: get_friend_msg_history / get_group_msg_history are unsupported."""
    temp_groups: list[int] = field(default_factory=list)
    """The group of each temporary session, in order."""
    segments: list[list[dict]] = field(default_factory=list)
    calls: list[tuple[str, dict]] = field(default_factory=list)
    _log: list[dict] = field(default_factory=list)

    async def send_private_msg(self, *, user_id: int, message: Any, group_id: int | None = None) -> dict:
        if group_id is not None:
            if self.refuse_temp:
                raise ActionFailed(status="failed", retcode=1200, message="EventChecker Failed: result 103")
            self.temp_groups.append(group_id)
            return self._send("temp", user_id, message)
        return self._send("private", user_id, message)

    async def send_group_msg(self, *, group_id: int, message: Any) -> dict:
        return self._send("group", group_id, message)

    async def get_group_member_list(self, *, group_id: int) -> list[dict]:
        if self.fail_with is not None:
            raise self.fail_with
        return self.members.get(group_id, [])

    async def get_group_info(self, *, group_id: int) -> dict:
        return {"group_id": group_id, "group_name": f"群{group_id}"}

    async def call_api(self, api: str, **params: Any) -> Any:
        # The adapter's typed methods are call_api underneath: either spelling sends.
        if api == "send_private_msg":
            return await self.send_private_msg(**params)
        if api == "send_group_msg":
            return await self.send_group_msg(**params)
        self.calls.append((api, params))
        if api == "get_friend_list":
            if self.friends is None:
                raise ActionFailed(status="failed", retcode=1404, message="不支持的Api get_friend_list")
            return [{"user_id": qq, "nickname": f"用户{qq}", "remark": ""} for qq in sorted(self.friends)]
        if api in ("get_friend_msg_history", "get_group_msg_history"):
            if not self.history:
                raise ActionFailed(status="failed", retcode=1404, message=f"不支持的Api {api}")
            if api == "get_friend_msg_history":
                found = [m for m in self._log if m["kind"] in ("private", "temp") and m["target"] == params["user_id"]]
            else:
                found = [m for m in self._log if m["kind"] == "group" and m["target"] == params["group_id"]]
            if not found:
                raise ActionFailed(status="failed", retcode=1200, message="消息undefined不存在")
            return {"messages": [m["item"] for m in found[-params.get("count", 20):]]}
        raise ActionFailed(status="failed", retcode=1404, message=f"不支持的Api {api}")

    def _send(self, kind: str, target: int, message: Any) -> dict:
        if self.fail_with is not None:
            raise self.fail_with
        assert all(seg.type in ("text", "at") for seg in message), "outbox messages are plain text"
        segments = [{"type": seg.type, "data": dict(seg.data)} for seg in message]
        if self.dropped:
            return self._fail()
        self.sent.append((kind, target, message.extract_plain_text()))
        self.segments.append(segments)
        message_id = len(self.sent)
        item = {
            "message_id": message_id, "user_id": int(self.self_id), "time": int(time.time()),
            "message_type": "group" if kind == "group" else "private",
            "sender": {"user_id": int(self.self_id), "nickname": "联青"},
            "message": self.segments[-1],
        }
        self._log.append({"kind": kind, "target": target, "item": item})
        return self._fail() if self.time_out or self.unconfirmed else {"message_id": message_id}

    def _fail(self) -> dict:
        if self.unconfirmed:
            raise ActionFailed(
                status="failed", retcode=1200,
                message="Timeout: NTEvent serviceAndMethod:NodeIKernelMsgService/sendMsg "
                "ListenerName:NodeIKernelMsgListener/onMsgInfoListUpdate EventRet:\n{}\n",
            )
        raise NetworkError("WebSocket call api timeout")
