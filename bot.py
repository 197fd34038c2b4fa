"""Start the bot: `python bot.py` (settings in .env; see README)."""

import os
import sys
from pathlib import Path

import nonebot
from nonebot.adapters.onebot.v11 import Adapter as OneBotV11Adapter

from config.logging import setup_logging

ROOT = Path(__file__).resolve().parent


def init() -> None:
    """Initialise NoneBot, the OneBot v11 adapter and every plugin under plugins/."""
    os.chdir(ROOT)  # relative paths (.env, sqlite://data/...) are the project's
    nonebot.init()
    setup_logging(nonebot.get_driver().config.log_level)
    nonebot.get_driver().register_adapter(OneBotV11Adapter)
    nonebot.load_plugins("plugins")


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
