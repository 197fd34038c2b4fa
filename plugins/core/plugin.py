"""How every plugin of the project starts: metadata at import, the rest in `setup()`.

Importing a plugin package (or any of its service modules, e.g. from the CLI)
does no work and needs no running NoneBot: a plugin's `__init__` declares its
metadata and calls `start`, which, only when NoneBot is loading it, requires
the plugins it depends on and runs its `setup` module's `setup()`: that is
where commands, jobs, observers, hooks and routes are registered, once.
"""

import importlib
from collections.abc import Iterable

import nonebot
from nonebot.plugin import PluginMetadata

from plugins.core.commands import plugin_usage


def running() -> bool:
    """Whether NoneBot has been initialised (a plugin is being loaded by it)."""
    try:
        nonebot.get_driver()
    except ValueError:
        return False
    return True


def metadata(name: str, description: str, config: type, *, kind: str = "application") -> PluginMetadata:
    return PluginMetadata(
        name=name, description=description, usage="", type=kind, config=config,
        supported_adapters={"~onebot.v11"},
    )


def start(module: str, meta: PluginMetadata, requires: Iterable[str] = ("plugins.core",)) -> None:
    """Inside NoneBot: require the plugins `module` depends on, then run `module.setup.setup()`."""
    if not running():
        return
    for name in requires:
        nonebot.require(name)
    importlib.import_module(f"{module}.setup").setup()
    meta.usage = plugin_usage(module) or "（无指令）"
