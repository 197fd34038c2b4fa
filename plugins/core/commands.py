"""The command registry: every plugin's chat commands, looked up by word.

One dispatcher matcher (see dispatcher.py) serves all commands, so an ordinary
chat message costs one dict lookup however many commands exist; `/帮助` and each
plugin's `PluginMetadata.usage` are generated from this same registry.
"""

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from plugins.core.errors import UsageError

if TYPE_CHECKING:
    from plugins.core.context import CommandContext

Handler = Callable[["CommandContext"], Awaitable[None]]

# Who a command is for; /帮助 shows a sender the commands of the roles they hold.
EVERYONE = "everyone"
YOUTH = "youth"
CADRE = "cadre"
ADMIN = "admin"
SUPERUSER = "superuser"
ROLE_ORDER = (EVERYONE, YOUTH, CADRE, ADMIN, SUPERUSER)
ROLE_TITLES = {
    EVERYONE: "通用",
    YOUTH: "青年",
    CADRE: "团干部",
    ADMIN: "管理员",
    SUPERUSER: "超级用户",
}


@dataclass(frozen=True)
class Usage:
    """One line of usage: the syntax a user types and what it does."""

    syntax: str
    summary: str
    audience: str = EVERYONE


@dataclass
class Command:
    name: str
    handler: Handler
    usages: tuple[Usage, ...]
    plugin: str
    aliases: tuple[str, ...] = ()
    youth_consent: bool = False
    """It stores something about the sender: a youth must have consented first (see gates)."""

    def usage_error(self, problem: str) -> UsageError:
        """A one-line answer: what was wrong and what to type."""
        syntax = "；".join(u.syntax for u in self.usages[:3])
        return UsageError(f"{problem}。用法：{syntax}")


_registry: dict[str, Command] = {}


def command(
    name: str, *usages: Usage, aliases: Iterable[str] = (), youth_consent: bool = False
) -> Callable[[Handler], Handler]:
    """Register `handler` for `/name` (and aliases). Usages feed /帮助 and plugin usage.

    `youth_consent`: the command stores something about its sender, so a youth
    who has not consented is stopped by the consent gate before the handler runs."""

    def decorator(handler: Handler) -> Handler:
        plugin = handler.__module__.rsplit(".", 1)[0]
        cmd = Command(name, handler, tuple(usages), plugin, tuple(aliases), youth_consent)
        for word in (name, *cmd.aliases):
            if word in _registry and _registry[word].handler is not handler:
                raise RuntimeError(f"command /{word} is registered twice")
            _registry[word] = cmd
        return handler

    return decorator


def lookup(word: str) -> Command | None:
    return _registry.get(word)


def all_commands() -> list[Command]:
    seen: dict[int, Command] = {}
    for cmd in _registry.values():
        seen.setdefault(id(cmd), cmd)
    return list(seen.values())


def usages_for(roles: Iterable[str]) -> list[Usage]:
    wanted = set(roles)
    return [
        u for cmd in all_commands() for u in cmd.usages if u.audience in wanted
    ]


def help_text(roles: Iterable[str]) -> str:
    """The command list a sender with `roles` may use, grouped by role."""
    roles = set(roles)
    lines = ["联青可用指令（/ 或 ／ 开头，编号可写 N 或 #N）："]
    for role in ROLE_ORDER:
        if role not in roles:
            continue
        items = [u for u in usages_for([role])]
        if not items:
            continue
        lines.append(f"【{ROLE_TITLES[role]}】")
        lines.extend(f"{u.syntax}　{u.summary}" for u in items)
    return "\n".join(lines)


def plugin_usage(plugin: str) -> str:
    """PluginMetadata.usage for one plugin, from its registered commands."""
    return "\n".join(
        f"{u.syntax}　{u.summary}"
        for cmd in all_commands()
        if cmd.plugin == plugin
        for u in cmd.usages
    )
