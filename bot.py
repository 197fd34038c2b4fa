"""Start the bot: `python bot.py` (settings in .env; see README).

Adapters and plugins are the ones declared in pyproject.toml's `[tool.nonebot]`
table, as nb-cli writes them: `nb plugin install x` adds x there and it is
loaded at the next start, like the project's own `plugins/` directory. The
OneBot v11 adapter is replaced by the project's subclass (fast path,
priorities, bounded work: see plugins/core/wire.py), which can only be imported
once the core plugin is loaded, so adapters are registered after the plugins.

Once started, the heap built at start-up (modules, pydantic models, matchers,
Tortoise's metadata: 137,000 tracked objects) is frozen out of the garbage
collector. Python's full collection walks every tracked object; with that heap
it paused the event loop for 86 ms (measured with gc.callbacks while the bot
counted 222 messages/s), which was the whole of a command's p99 at half the
bare app's rate (bench/overload.py: p50 5 ms, p99 90-98 ms, always the one
command that met the collection); frozen, the same run gives p99 11-30 ms.
"""

import gc
import importlib
import os
import sys
import tomllib
from pathlib import Path
from typing import Any

import nonebot

from config.logging import setup_logging

ROOT = Path(__file__).resolve().parent
PYPROJECT = ROOT / "pyproject.toml"
OWN_ADAPTERS = {"nonebot.adapters.onebot.v11": "plugins.core.wire"}
"""Declared adapter module -> the project's subclass registered in its place."""


def _nonebot_table(pyproject: Path) -> dict[str, Any]:
    with pyproject.open("rb") as f:
        return tomllib.load(f).get("tool", {}).get("nonebot", {})


def declared_adapters(pyproject: Path = PYPROJECT) -> list[str]:
    """Module names of the adapters in `[tool.nonebot]`, in nb-cli's new format
    (`[tool.nonebot.adapters]`, a list per package) or its legacy one (a list)."""
    adapters = _nonebot_table(pyproject).get("adapters", [])
    if isinstance(adapters, dict):
        adapters = [a for group in adapters.values() for a in group]
    return [a["module_name"] for a in adapters]


def load_declared(pyproject: Path = PYPROJECT) -> None:
    """Load the declared plugins, then register the declared adapters (NoneBot is initialised)."""
    builtin = _nonebot_table(pyproject).get("builtin_plugins", [])
    if builtin:
        nonebot.load_builtin_plugins(*builtin)
    nonebot.load_from_toml(str(pyproject))
    driver = nonebot.get_driver()
    for module_name in declared_adapters(pyproject):
        module = importlib.import_module(OWN_ADAPTERS.get(module_name, module_name))
        driver.register_adapter(module.Adapter)


def freeze_startup_heap() -> None:
    """Move everything alive now to the collector's permanent generation (see the docstring)."""
    gc.collect()
    gc.freeze()


def init() -> None:
    """Initialise NoneBot, then the plugins and adapters declared in pyproject.toml."""
    os.chdir(ROOT)  # relative paths (.env, sqlite://data/...) are the project's
    nonebot.init()
    setup_logging(nonebot.get_driver().config.log_level)
    load_declared()
    nonebot.get_driver().on_startup(freeze_startup_heap)  # the last start-up hook: after the plugins'


def refuse_open_door() -> None:
    """Exit with one line when the configuration would let anyone connect as the QQ account."""
    from plugins.core.setup import open_door

    reason = open_door()
    if reason:
        print(reason, file=sys.stderr, flush=True)
        raise SystemExit(2)


if __name__ == "__main__":
    init()
    refuse_open_door()
    nonebot.run()
