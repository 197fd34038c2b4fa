"""What several benchmarks share: NoneBot with every plugin, and whether PostgreSQL answers."""

import os
import socket
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def init_nonebot(**config) -> None:
    """NoneBot as the bot runs it (all plugins), without starting a server or the scheduler."""
    import nonebot

    from config.logging import setup_logging

    os.chdir(ROOT)
    setup_logging("WARNING")
    nonebot.init(environment="bench", apscheduler_autostart=False, **config)
    nonebot.load_plugins("plugins")
    from plugins.core.wire import Adapter

    nonebot.get_driver().register_adapter(Adapter)


def postgres_answers(host: str = "127.0.0.1", port: int = 5432) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex((host, port)) == 0
