"""Start the bot: `python bot.py` (settings in .env; see README)."""

import os
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


if __name__ == "__main__":
    init()
    nonebot.run()
