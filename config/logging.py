"""Logging with a level threshold on the sink itself.

NoneBot's default sink accepts every level and filters in Python, so each
event's log line is built and then dropped. A sink with a real minimum level
lets loguru return before building records below it: at the default WARNING
nothing is logged per message (and no chat text reaches the logs).
"""

import sys

from nonebot.log import default_format, logger


def setup_logging(level: str | int) -> None:
    logger.remove()
    logger.add(sys.stdout, level=level, diagnose=False, format=default_format)
