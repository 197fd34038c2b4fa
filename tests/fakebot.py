"""A stand-in for a connected OneBot account in service-level tests of sending."""

from dataclasses import dataclass, field
from typing import Any


@dataclass
class FakeBot:
    self_id: str = "10000"
    fail_with: Exception | None = None
    sent: list[tuple[str, int, str]] = field(default_factory=list)

    async def send_private_msg(self, *, user_id: int, message: Any) -> dict:
        return self._send("private", user_id, message)

    async def send_group_msg(self, *, group_id: int, message: Any) -> dict:
        return self._send("group", group_id, message)

    members: dict[int, list[dict]] = field(default_factory=dict)

    async def get_group_member_list(self, *, group_id: int) -> list[dict]:
        if self.fail_with is not None:
            raise self.fail_with
        return self.members.get(group_id, [])

    async def get_group_info(self, *, group_id: int) -> dict:
        return {"group_id": group_id, "group_name": f"群{group_id}"}

    def _send(self, kind: str, target: int, message: Any) -> dict:
        if self.fail_with is not None:
            raise self.fail_with
        assert all(seg.type == "text" for seg in message), "outbox messages are plain text"
        self.sent.append((kind, target, message.extract_plain_text()))
        return {"message_id": len(self.sent)}
