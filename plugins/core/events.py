"""Where plugins subscribe to events without adding NoneBot matchers or processors.

Measured with bench/dispatch.py: each extra matcher costs NoneBot a task per
event, and an event postprocessor a task group per event (together they cut
dispatch from ~4,900 to ~2,800 events/s). So the one matcher of
plugins/core/dispatcher.py calls these subscribers itself:

- message observers: plain (sync) functions called for every message, before
  command lookup; they must only touch memory (e.g. batched counters);
- notice handlers: async functions for one notice type (group_increase, …);
- request handlers: async functions for one request type (friend, group), which
  answer the request themselves (set_friend_add_request, …) or leave it;
- private text handlers: for a person the bot is waiting on (e.g. a spot-check
  question), a plain private message that is not a command is their answer.
  `wants(qq)` must answer from memory.
"""

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from nonebot.adapters.onebot.v11 import (
    Bot,
    MessageEvent,
    NoticeEvent,
    PrivateMessageEvent,
    RequestEvent,
)
from nonebot.log import logger

if TYPE_CHECKING:
    from plugins.core.context import CommandContext

MessageObserver = Callable[[MessageEvent], None]
NoticeHandler = Callable[[Bot, NoticeEvent], Awaitable[None]]
RequestHandler = Callable[[Bot, RequestEvent], Awaitable[None]]
Handler = Callable[[Bot, Any], Awaitable[None]]

PrivateTextHandler = Callable[[Bot, PrivateMessageEvent], Awaitable[bool]]
ConsentGate = Callable[["CommandContext"], Awaitable[bool]]

_observers: list[MessageObserver] = []
_handlers: dict[tuple[str, str], list[Handler]] = {}
"""(post type, notice or request type) -> handlers."""
_private_text: list[tuple[Callable[[int], bool], PrivateTextHandler]] = []
_consent_gate: ConsentGate | None = None


def set_consent_gate(gate: ConsentGate) -> ConsentGate:
    """The contacts plugin's check run before commands that store something about a youth.

    It returns True when the command may run; otherwise it has answered the sender."""
    global _consent_gate
    _consent_gate = gate
    return gate


async def consent_allows(ctx: "CommandContext") -> bool:
    return _consent_gate is None or await _consent_gate(ctx)


def observe_messages(observer: MessageObserver) -> MessageObserver:
    _observers.append(observer)
    return observer


def _subscribe(post_type: str, kinds: tuple[str, ...]) -> Callable[[Handler], Handler]:
    def decorator(handler: Handler) -> Handler:
        for kind in kinds:
            _handlers.setdefault((post_type, kind), []).append(handler)
        return handler

    return decorator


def on_notice_type(*notice_types: str) -> Callable[[NoticeHandler], NoticeHandler]:
    return _subscribe("notice", notice_types)


def on_request_type(*request_types: str) -> Callable[[RequestHandler], RequestHandler]:
    return _subscribe("request", request_types)


def _key(event: NoticeEvent | RequestEvent) -> tuple[str, str]:
    if isinstance(event, NoticeEvent):
        return "notice", event.notice_type
    return "request", event.request_type


def wants(event: NoticeEvent | RequestEvent) -> bool:
    return _key(event) in _handlers


async def handle(bot: Bot, event: NoticeEvent | RequestEvent) -> None:
    for handler in _handlers.get(_key(event), ()):
        try:
            await handler(bot, event)
        except Exception as e:
            logger.opt(exception=e).warning(f"{event.post_type} handler {handler.__qualname__} failed")


def on_private_text(wants: Callable[[int], bool]) -> Callable[[PrivateTextHandler], PrivateTextHandler]:
    """Handle plain private messages from people `wants(qq)` is waiting on (from memory).

    The handler returns True when it took the message as an answer.
    """

    def decorator(handler: PrivateTextHandler) -> PrivateTextHandler:
        _private_text.append((wants, handler))
        return handler

    return decorator


def wants_private_text(event: MessageEvent) -> bool:
    return isinstance(event, PrivateMessageEvent) and any(
        wants(event.user_id) for wants, _ in _private_text
    )


async def handle_private_text(bot: Bot, event: PrivateMessageEvent) -> bool:
    """Whether a handler took the message as an answer."""
    for wants, handler in _private_text:
        if not wants(event.user_id):
            continue
        try:
            if await handler(bot, event):
                return True
        except Exception as e:
            logger.opt(exception=e).warning(f"private text handler {handler.__qualname__} failed")
            return True
    return False


def observe(event: MessageEvent) -> None:
    for observer in _observers:
        try:
            observer(event)
        except Exception as e:  # an observer must never disturb the chat
            logger.opt(exception=e).warning(f"message observer {observer.__qualname__} failed")
