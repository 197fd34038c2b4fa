"""Handing a file to the person who asked: a QQ file in a private chat or the group.

The file is passed to the OneBot implementation by absolute path, so it must
be able to read the bot's export folder (same machine, or mounted alike).
"""

import asyncio
from pathlib import Path

from nonebot.log import logger
from openpyxl.cell import WriteOnlyCell

from plugins.core.context import CommandContext
from plugins.core.errors import Conflict

FORMULA_START = ("=", "+", "-", "@")


def safe_cell(sheet, value):
    """A value for a write-only sheet: text that looks like a formula stays text."""
    if isinstance(value, str) and value[:1] in FORMULA_START:
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


async def send_file(ctx: CommandContext, path: Path, name: str) -> None:
    """Upload `path` as `name` where the command came from; on refusal, remove it and say so."""
    if ctx.is_group:
        api, target = "upload_group_file", {"group_id": ctx.group_id}
    else:
        api, target = "upload_private_file", {"user_id": ctx.user_id}
    try:
        await ctx.bot.call_api(api, **target, file=str(path), name=name)
    except Exception as e:
        logger.warning(f"/{ctx.command.name}: {api} failed: {e!r}")
        await asyncio.to_thread(path.unlink, missing_ok=True)
        raise Conflict("文件发送失败，可能是 QQ 端暂不支持发送文件，请稍后再试") from e
