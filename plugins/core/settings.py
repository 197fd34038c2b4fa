"""One settings holder per plugin, and one registry of in-memory caches.

Each plugin's config.py declares `settings = Settings(Config)`; code reads
`settings().some_value`. Inside NoneBot the values are NoneBot's
(`get_plugin_config`); without it (the CLI, scripts) they are read from the same
files and environment the bot would use (config.database.load_settings).
Tests change a value for one case with `with settings.override(x=1): ...`.
A worker process (plugins/core/export_process.py) is handed `snapshot()` of
every holder and `install`s it, so it reads the very values the bot reads.

Modules that keep something in memory (bound groups, opt-out verdicts, counters
waiting to be written…) register how to forget it with `cache(...)`; tests reset
them all with `reset_caches()`.
"""

import contextlib
import importlib
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from pydantic import BaseModel

C = TypeVar("C", bound=BaseModel)


class Settings(Generic[C]):
    def __init__(self, cls: type[C]) -> None:
        self.cls = cls
        self._value: C | None = None
        _holders[_key(cls)] = self

    def __call__(self) -> C:
        if self._value is None:
            self._value = self._load()
        return self._value

    def _load(self) -> C:
        import nonebot

        try:
            nonebot.get_driver()
        except ValueError:  # NoneBot is not running: read what the bot would read
            from config.database import load_settings

            return load_settings(self.cls)
        return nonebot.get_plugin_config(self.cls)

    @contextlib.contextmanager
    def override(self, **changes: object) -> Iterator[C]:
        """These values for the duration of the block (tests)."""
        saved = self()
        self._value = saved.model_copy(update=changes)
        try:
            yield self._value
        finally:
            self._value = saved


_holders: dict[str, "Settings"] = {}


def _key(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def snapshot() -> dict[str, BaseModel]:
    """Every plugin's current values (overrides included), to hand to a worker process."""
    return {key: holder() for key, holder in _holders.items()}


def install(values: dict[str, BaseModel]) -> None:
    """In a worker process: read exactly these values (their config modules are imported here)."""
    for key, value in values.items():
        importlib.import_module(key.split(":", 1)[0])
        _holders[key]._value = value


_caches: dict[str, Callable[[], None]] = {}


def cache(name: str, clear: Callable[[], None]) -> None:
    """Register what to call to forget an in-memory cache (called from a plugin's setup)."""
    _caches[name] = clear


def reset_caches() -> None:
    """Forget everything every plugin keeps in memory (tests start each case clean)."""
    for clear in _caches.values():
        clear()
