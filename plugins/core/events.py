"""Where plugins subscribe to events without adding NoneBot matchers or processors.

Measured with bench/dispatch.py: each extra matcher costs NoneBot a task per
event, and an event postprocessor a task group per event (together they cut
dispatch from ~4,900 to ~2,800 events/s). So the one matcher of
plugins/core/dispatcher.py calls these subscribers itself:

- message observers: plain (sync) functions called for every message, before
  command lookup; they must only touch memory (e.g. batched counters);
- notice handlers: async functions for one notice type (group_increase, …).
"""

from collections.abc import Awaitable, Callable

from nonebot.adapters.onebot.v11 import Bot, MessageEvent, NoticeEvent
from nonebot.log import logger

MessageObserver = Callable[[MessageEvent], None]
NoticeHandler = Callable[[Bot, NoticeEvent], Awaitable[None]]

_observers: list[MessageObserver] = []
_notice_handlers: dict[str, list[NoticeHandler]] = {}


def observe_messages(observer: MessageObserver) -> MessageObserver:
    _observers.append(observer)
    return observer


def on_notice_type(*notice_types: str) -> Callable[[NoticeHandler], NoticeHandler]:
    def decorator(handler: NoticeHandler) -> NoticeHandler:
        for notice_type in notice_types:
            _notice_handlers.setdefault(notice_type, []).append(handler)
        return handler

    return decorator


def observe(event: MessageEvent) -> None:
    for observer in _observers:
        try:
            observer(event)
        except Exception as e:  # an observer must never disturb the chat
            logger.opt(exception=e).warning(f"message observer {observer.__qualname__} failed")


def wants_notice(event: NoticeEvent) -> bool:
    return event.notice_type in _notice_handlers


async def handle_notice(bot: Bot, event: NoticeEvent) -> None:
    for handler in _notice_handlers.get(event.notice_type, ()):
        try:
            await handler(bot, event)
        except Exception as e:
            logger.opt(exception=e).warning(f"notice handler {handler.__qualname__} failed")
