"""Handing a file to the person who asked: a QQ file in a private chat or the group.

The file goes to the OneBot implementation inside the API call, as
`base64://…`, never as a path: NapCat usually runs in its own container and
cannot read the bot's folders (its `uriToLocalFile`, napcat-common/src/file.ts,
decodes base64 into its own temp folder). A one-time HTTP link served by the
bot would also work, but needs the implementation to reach the bot's web port
and an unguessable URL that lives until it is fetched; base64 needs neither and
the file never leaves the WebSocket the token already protects. The cost is
size: base64 adds a third, and NapCat's WebSocket client accepts frames up to
50 MB (network/websocket-client.ts `maxPayload`), so files above MAX_BYTES are
refused with a message. Exports are far smaller (a year of a province's cases
is a few MB). The exported file is deleted as soon as it was handed over.

QQ sends a file privately only to a friend: NapCat uploads to a non-friend as
a temporary session without a group (action/go-cqhttp/UploadPrivateFile.ts
takes no group_id), which QQ normally drops. When a private upload fails the
answer says to add the bot as a friend (friend requests from cadres and
administrators are accepted automatically) and try again; a group is no
fallback, as a private export holds what only the requester may see.
"""

import asyncio
import base64
from pathlib import Path

from nonebot.log import logger

from plugins.core.context import CommandContext
from plugins.core.errors import Conflict

MAX_BYTES = 30 * 1024 * 1024
"""30 MB, 40 MB as base64: inside NapCat's 50 MB WebSocket frame limit."""


def as_base64_uri(data: bytes) -> str:
    return "base64://" + base64.b64encode(data).decode("ascii")


async def send_file(ctx: CommandContext, path: Path, name: str) -> None:
    """Upload `path` as `name` where the command came from, then delete it; on refusal, say so."""
    if ctx.is_group:
        api, target = "upload_group_file", {"group_id": ctx.group_id}
    else:
        api, target = "upload_private_file", {"user_id": ctx.user_id}
    try:
        data = await asyncio.to_thread(path.read_bytes)
        if len(data) > MAX_BYTES:
            raise Conflict(f"文件超过 {MAX_BYTES // (1024 * 1024)} MB，无法通过 QQ 发送，请缩小期间或范围后再试")
        try:
            await ctx.bot.call_api(api, **target, file=as_base64_uri(data), name=name)
        except Exception as e:
            logger.warning(f"/{ctx.command.name}: {api} failed: {e!r}")
            if ctx.is_group:
                raise Conflict("文件发送失败，可能是 QQ 端暂不支持发送文件，请稍后再试") from e
            raise Conflict(
                "文件发送失败。QQ 只向好友私聊发送文件：如果你还不是联青的好友，请先加好友"
                "（团干部、管理员的好友申请会自动通过）再重新发送这条指令；否则请稍后再试"
            ) from e
    finally:
        await asyncio.to_thread(path.unlink, missing_ok=True)
