"""Start the bot: `python bot.py` (settings in .env; see README).

Adapters and plugins are the ones declared in pyproject.toml's `[tool.nonebot]`
table, as nb-cli writes them: `nb plugin install x` adds x there and it is
loaded at the next start, like the project's own `plugins/` directory.
"""

import importlib
import os
import tomllib
from pathlib import Path
from typing import Any

import nonebot

from config.logging import setup_logging

ROOT = Path(__file__).resolve().parent
PYPROJECT = ROOT / "pyproject.toml"


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
    """Register the declared adapters and load the declared plugins (NoneBot is initialised)."""
    driver = nonebot.get_driver()
    for module_name in declared_adapters(pyproject):
        driver.register_adapter(importlib.import_module(module_name).Adapter)
    builtin = _nonebot_table(pyproject).get("builtin_plugins", [])
    if builtin:
        nonebot.load_builtin_plugins(*builtin)
    nonebot.load_from_toml(str(pyproject))


def init() -> None:
    """Initialise NoneBot, then the adapters and plugins declared in pyproject.toml."""
    os.chdir(ROOT)  # relative paths (.env, sqlite://data/...) are the project's
    nonebot.init()
    setup_logging(nonebot.get_driver().config.log_level)
    load_declared()


if __name__ == "__main__":
    init()
    nonebot.run()
