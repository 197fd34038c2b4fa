"""The project's single matcher: commands, message observers, notices and requests.

Its rule is one async function (no sync dependencies, which NoneBot would run
in a worker thread per message). For a message it lets the observers count it
(plugins/core/events.py) and does a prefix test and a dict lookup; an ordinary
message costs the same however many commands and observers exist.
"""

from time import perf_counter

from nonebot import get_driver, on
from nonebot.adapters.onebot.v11 import (
    Bot,
    Event,
    Message,
    MessageEvent,
    MessageSegment,
    NoticeEvent,
    PrivateMessageEvent,
    RequestEvent,
)
from nonebot.log import logger
from nonebot.rule import Rule
from tortoise.exceptions import DBConnectionError, OperationalError

from plugins.core import events, flood, metrics
from plugins.core.actor import load_actor
from plugins.core.commands import Command, lookup, match, resolve
from plugins.core.context import CommandContext
from plugins.core.errors import UsageError, UserFacingError

BUSY = "系统繁忙，请稍后再试。"
FAILED = "处理出错了，请稍后再试；如一直失败请联系管理员。"


def _starts() -> tuple[str, ...]:
    starts = get_driver().config.command_start or {"/"}
    return tuple(sorted(starts, key=len, reverse=True))


_STARTS: tuple[str, ...] | None = None


def split_command(message: Message) -> tuple[Command, Message] | None:
    """The command a message starts with and its argument message, or None."""
    global _STARTS
    if not message:
        return None
    first = message[0]
    if first.type != "text":
        return None
    text: str = first.data.get("text", "").lstrip()
    if _STARTS is None:
        _STARTS = _starts()
    for start in _STARTS:
        if text.startswith(start):
            break
    else:
        return None
    body = text[len(start) :]
    parts = body.split(maxsplit=1)
    if not parts:
        return None
    word = parts[0]
    cmd = lookup(word)
    if cmd is None:
        # "/加入3": a command word glued to its argument.
        for size in range(min(len(word) - 1, 6), 0, -1):
            cmd = lookup(word[:size])
            if cmd is not None:
                word = word[:size]
                break
        else:
            return None
    rest = body[body.find(word) + len(word) :]
    args = Message()
    if rest.strip():
        args.append(MessageSegment.text(rest.lstrip(" \u3000")))
    args.extend(message[1:])
    return cmd, args


async def _wanted(event: Event) -> bool:
    # Only the event is injected: each extra parameter costs NoneBot's dependency
    # solver time on every event. The handler parses again (commands are rare).
    metrics.event_seen(event.get_type())
    if isinstance(event, MessageEvent):
        events.observe(event)
        return split_command(event.get_message()) is not None or events.wants_private_text(event)
    if isinstance(event, NoticeEvent | RequestEvent):
        return events.wants(event)
    return False


def install() -> None:
    """Create the one matcher (the core plugin's setup calls this once)."""
    on(rule=Rule(_wanted), priority=1, block=True, handlers=[_dispatch])


async def _dispatch(bot: Bot, event: Event) -> None:
    if isinstance(event, NoticeEvent | RequestEvent):
        await events.handle(bot, event)
        return
    if not isinstance(event, MessageEvent):
        return
    found = split_command(event.get_message())
    if found is None:  # a plain private answer someone is waiting for
        if isinstance(event, PrivateMessageEvent):
            await events.handle_private_text(bot, event)
        return
    cmd, args = found
    ctx = CommandContext(bot=bot, event=event, command=cmd, args=args)
    verdict = flood.command_verdict(ctx.user_id, ctx.group_id)
    if verdict == "warn":
        await ctx.reply(flood.TOO_FAST)
    if verdict != "run":
        return
    await run_command(ctx)


async def run_command(ctx: CommandContext) -> None:
    """Run a handler; turn every failure into a one-line answer."""
    started, outcome = perf_counter(), "ok"
    try:
        # Who is asking, the form they typed (role and chat type checked), typed values.
        ctx.actor = await load_actor(ctx.user_id, superuser=ctx.is_superuser)
        found = match(ctx.command, ctx.text, ctx.mentioned(), ctx.actor)
        ctx.form = found.form
        if found.form.private and ctx.is_group:
            raise UsageError(found.form.private.replace("{sent}", f"/{ctx.command.name} {ctx.text}".strip()))
        if found.form.group and not ctx.is_group:
            raise UsageError(found.form.group)
        if found.form.youth_consent and not await events.consent_allows(ctx):
            return
        values = await resolve(found)
        await found.form.handler(ctx, *values)
    except UserFacingError as e:
        outcome = "refused"
        await ctx.reply(str(e))
    except (DBConnectionError, OperationalError, ConnectionError, OSError, TimeoutError) as e:
        outcome = "busy"
        metrics.DATABASE_ERRORS.labels("command").inc()
        logger.opt(exception=e).warning(f"/{ctx.command.name}: database unavailable")
        await ctx.reply(BUSY)
    except Exception as e:
        outcome = "failed"
        logger.opt(exception=e).error(f"/{ctx.command.name} failed")
        await ctx.reply(FAILED)
    finally:  # the command word is a registry name, never user text
        metrics.COMMAND_SECONDS.labels(ctx.command.name).observe(perf_counter() - started)
        metrics.COMMANDS.labels(ctx.command.name, outcome).inc()
