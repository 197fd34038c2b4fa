"""The project's single matcher: commands, message observers, notices and requests.

Its rule is one async function (no sync dependencies, which NoneBot would run
in a worker thread per message). For a message it lets the observers count it
(plugins/core/events.py) and does a prefix test and a dict lookup; an ordinary
message costs the same however many commands and observers exist.
"""

import unicodedata
from datetime import datetime, timedelta
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

from plugins.core import clock, events, flood, metrics
from plugins.core.actor import load_actor
from plugins.core.commands import Command, FormUsageError, lookup, match, resolve
from plugins.core.context import CommandContext
from plugins.core.errors import UsageError, UserFacingError
from plugins.core.text import plain

BUSY = "系统繁忙，请稍后再试。"
FAILED = "处理出错了，请稍后再试；如一直失败请联系管理员。"
UNKNOWN = "没看懂这句话，发送 /帮助 看看能做什么。"
UNKNOWN_EVERY = timedelta(minutes=10)
BARE_WORDS = frozenset({"帮助", "help", "菜单", "同意", "未满14", "资料", "消息", "告知", "下一页"})
"""Commands understood without the slash in private chat (a whole message of just the word)."""


def _starts() -> tuple[str, ...]:
    starts = get_driver().config.command_start or {"/"}
    return tuple(sorted(starts, key=len, reverse=True))


_STARTS: tuple[str, ...] | None = None


def split_command(message: Message) -> tuple[Command, Message] | None:
    """The command a message starts with and its argument message, or None.

    The command word is read after NFKC normalisation (full-width letters and digits,
    as Chinese input methods type them); the arguments are left as typed (a request's
    text keeps its full-width punctuation) and the matcher normalises only the tokens
    it parses (numbers, dates, fixed words)."""
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
    parts = body.split(maxsplit=2)
    if not parts:
        return None
    word = parts[0]
    cmd = lookup(unicodedata.normalize("NFKC", word))
    consumed = word
    if cmd is None:
        # "/加入3": a command word glued to its argument.
        for size in range(min(len(word) - 1, 6), 0, -1):
            cmd = lookup(unicodedata.normalize("NFKC", word[:size]))
            if cmd is not None:
                consumed = word[:size]
                break
    if cmd is None and len(parts) > 1:
        # "/未满 14": a command word typed with a space inside.
        cmd = lookup(unicodedata.normalize("NFKC", word + parts[1]))
        if cmd is None:
            return None
        rest = body[body.find(parts[1], len(word)) + len(parts[1]) :]
    elif cmd is None:
        return None
    else:
        rest = body[body.find(consumed) + len(consumed) :]
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
        # Every private message: a command, an answer someone waits for, or a word we did
        # not understand (answered). Group chatter that is not a command costs nothing more.
        return isinstance(event, PrivateMessageEvent) or split_command(event.get_message()) is not None
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
    if found is None and isinstance(event, PrivateMessageEvent):
        if events.wants_private_text(event) and await events.handle_private_text(bot, event):
            return  # an answer someone was waiting for
        found = _bare_command(event.get_message())
        if found is None:
            await _not_understood(bot, event)
            return
    if found is None:
        return
    cmd, args = found
    ctx = CommandContext(bot=bot, event=event, command=cmd, args=args)
    verdict = flood.command_verdict(ctx.user_id, ctx.group_id)
    if verdict == "warn":
        await ctx.reply(flood.TOO_FAST)
    if verdict != "run":
        return
    await run_command(ctx)


def _bare_command(message: Message) -> tuple[Command, Message] | None:
    """"帮助" typed without the slash in private chat, and the few words like it."""
    word = unicodedata.normalize("NFKC", message.extract_plain_text()).strip().replace(" ", "")
    if word not in BARE_WORDS or any(seg.type != "text" for seg in message):
        return None
    return split_command(Message(MessageSegment.text("/" + word)))


_unknown: dict[int, datetime] = {}


async def _not_understood(bot: Bot, event: PrivateMessageEvent) -> None:
    """One short answer per person per UNKNOWN_EVERY; never in groups; nothing is stored."""
    qq, now = int(event.user_id), clock.now()
    last = _unknown.get(qq)
    if last is not None and timedelta(0) <= now - last < UNKNOWN_EVERY:
        return
    if len(_unknown) > 10_000:
        for key in [k for k, t in _unknown.items() if not timedelta(0) <= now - t < UNKNOWN_EVERY]:
            del _unknown[key]
    _unknown[qq] = now
    try:
        await bot.send(event, plain(UNKNOWN))
    except Exception as e:
        logger.warning(f"answer to a message not understood failed: {e!r}")


def forget_unknown() -> None:
    _unknown.clear()


async def run_command(ctx: CommandContext) -> None:
    """Run a handler; turn every failure into a one-line answer."""
    started, outcome = perf_counter(), "ok"
    try:
        # Who is asking, the form they typed (role and chat type checked), typed values.
        ctx.actor = await load_actor(ctx.user_id, superuser=ctx.is_superuser)
        try:
            found = match(ctx.command, ctx.text, ctx.mentioned(), ctx.actor)
        except FormUsageError as e:
            raise await e.with_hint(ctx) from None
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
