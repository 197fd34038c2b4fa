"""Start the bot: `python bot.py` (settings in .env; see README)."""

import os
import sys
from pathlib import Path

import nonebot

from config.logging import setup_logging

ROOT = Path(__file__).resolve().parent


def init() -> None:
    """Initialise NoneBot, every plugin under plugins/ and the OneBot v11 adapter.

    The adapter is the project's subclass (fast path, priorities, bounded work: see
    plugins/core/wire.py), importable only once the core plugin is loaded.
    """
    os.chdir(ROOT)  # relative paths (.env, sqlite://data/...) are the project's
    nonebot.init()
    setup_logging(nonebot.get_driver().config.log_level)
    nonebot.load_plugins("plugins")
    from plugins.core.wire import Adapter

    nonebot.get_driver().register_adapter(Adapter)


def refuse_open_door() -> None:
    """Exit with one line when the configuration would let anyone connect as the QQ account."""
    from plugins.core import open_door

    reason = open_door()
    if reason:
        print(reason, file=sys.stderr, flush=True)
        raise SystemExit(2)


if __name__ == "__main__":
    init()
    refuse_open_door()
    nonebot.run()
