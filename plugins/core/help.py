"""/帮助: what the sender may type, from the declarations of every command."""

from plugins.core.actor import EVERYONE
from plugins.core.commands import Word, command, command_help, help_text, lookup
from plugins.core.context import CommandContext
from plugins.core.errors import NotFound


@command("帮助", role=EVERYONE, summary="列出你可以使用的指令", example="/帮助", aliases=("help",))
async def help_cmd(ctx: CommandContext) -> None:
    await ctx.reply(help_text(ctx.actor.roles))


@command("帮助", Word("指令"), role=EVERYONE, summary="一条指令的全部用法和例子", example="/帮助 诉求")
async def help_one_cmd(ctx: CommandContext, word: str) -> None:
    cmd = lookup(word.lstrip("/／"))
    if cmd is None:
        raise NotFound(f"没有“{word[:20]}”这条指令。发送 /帮助 看看能做什么")
    await ctx.reply(command_help(cmd, ctx.actor.roles))
