"""Logging with a level threshold on the sink itself, and nothing a user typed in the log.

NoneBot's default sink accepts every level and filters in Python, so each
event's log line is built and then dropped. A sink with a real minimum level
lets loguru return before building records below it: at the default WARNING
nothing is logged per message (and no chat text reaches the logs).

The OneBot adapter logs an event it cannot parse with the whole raw event
(and a validation error quoting it): chat text, names, QQ numbers. A patcher
rewrites those records to the event's type and a running count, and drops the
exception, whatever the level.
"""

import re
import sys
from itertools import count

from nonebot.log import default_format, logger

_TYPES = re.compile(r"'(post_type|message_type|notice_type|request_type|meta_event_type)': '([a-z_]{1,30})'")
_malformed = count(1)


def _redact(record) -> None:
    message = record["message"]
    if "Failed to parse event" in message:
        kinds = {}
        for key, value in _TYPES.findall(message):
            kinds.setdefault(key, value)
        shown = ", ".join(f"{k}={v}" for k, v in kinds.items()) or "type unknown"
        record["message"] = (
            f"malformed OneBot event #{next(_malformed)} ignored ({shown}); its content is not logged"
        )
        record["exception"] = None
    elif message.startswith("Event Parser Error"):
        record["message"] = "Event Parser Error (content not logged)"
        record["exception"] = None


def setup_logging(level: str | int) -> None:
    logger.remove()
    logger.configure(patcher=_redact)
    logger.add(sys.stdout, level=level, diagnose=False, format=default_format)
