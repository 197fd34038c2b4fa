"""The command registry and its grammar: every chat command declared once, parsed in one place.

Each form of a command is declared with its words, its typed arguments, who may
use it, whether it is for private chat only, and one real example:

    @command("活动", "人数", Ref("编号", noun="活动"), Int("数量", 0, 100_000),
             role=CADRE, summary="补记未签到的参加人数", example="/活动 人数 3 25")
    async def head_count(ctx, number: int, count: int) -> None: ...

The dispatcher (dispatcher.py) finds the form a message matches, checks the
role and the chat type, parses and resolves the arguments, and calls the
handler with typed values; the one-line usage error for anything else is built
from the declaration. `/帮助`, `/帮助 <指令>`, each plugin's
`PluginMetadata.usage` and the README's command tables are generated from the
same declarations. One dispatcher matcher serves all commands, so an ordinary
chat message costs one dict lookup however many commands exist.
"""

import re
import unicodedata
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from plugins.core import periods
from plugins.core.actor import (
    ADMIN,
    CADRE,
    EVERYONE,
    ROLE_ORDER,
    ROLE_TITLES,
    SUPERUSER,
    YOUTH,
    Actor,
)
from plugins.core.errors import Forbidden, UsageError
from plugins.core.text import is_number, parse_qq, parse_ref

if TYPE_CHECKING:
    from plugins.core.context import CommandContext

__all__ = [
    "ADMIN",
    "CADRE",
    "EVERYONE",
    "QQ",
    "ROLE_ORDER",
    "ROLE_TITLES",
    "SUPERUSER",
    "YOUTH",
    "CadreArg",
    "Choice",
    "Command",
    "DateArg",
    "Form",
    "Int",
    "Org",
    "Param",
    "PeriodArg",
    "Ref",
    "Resolved",
    "Text",
    "Word",
    "all_commands",
    "command",
    "lookup",
]

Handler = Callable[..., Awaitable[None]]
Resolver = Callable[[str], Awaitable[Any]]
Hint = Callable[["CommandContext"], Awaitable[str | None]]
"""A real example for the sender (their own case number, the cadre of this group), or None."""


class ArgError(Exception):
    """An argument did not parse; the message says what was wrong (the usage is added)."""


class FormUsageError(UsageError):
    """What was wrong with a message meant as `form`, and how to write it.

    The dispatcher asks the form's `hint` for an example with the sender's real
    numbers ("请发送 /加入 #3" in the group of cadre #3) before answering."""

    def __init__(self, problem: str, form: "Form", example: str | None = None) -> None:
        self.problem, self.form = problem, form
        if example:
            text = f"{problem}。请发送 {example}"
        else:
            text = f"{problem}。用法：{form.syntax}，例如 {form.example}"
        super().__init__(text)

    async def with_hint(self, ctx: "CommandContext") -> "FormUsageError":
        if self.form.hint is None:
            return self
        example = await self.form.hint(ctx)
        return FormUsageError(self.problem, self.form, example) if example else self


# ------------------------------------------------------------------ argument types


@dataclass(frozen=True)
class Param:
    """One argument: shown as <label> (or [label] when optional); `parse` turns a word into a value."""

    label: str
    optional: bool = False
    what: str = field(default="", kw_only=True)
    """How "please write …" names it when missing (the label by default)."""

    greedy = False
    """Takes the rest of the message, line breaks included."""
    commits = False
    """A first word of this shape (e.g. @3) can mean only this form."""
    mention = False
    """May be given as an @ of the person instead of a typed word."""

    @property
    def syntax(self) -> str:
        return f"[{self.label}]" if self.optional else f"<{self.label}>"

    def missing(self) -> str:
        """What "please write …" calls it."""
        return self.what or self.label

    def parse(self, token: str) -> Any:
        return token

    async def resolve(self, value: Any) -> Any:
        """A second, asynchronous step (e.g. find the organisation); the value by default."""
        return value


@dataclass(frozen=True)
class Word(Param):
    """One word taken as it is (a name, an organisation, a title without spaces)."""


@dataclass(frozen=True)
class Text(Param):
    """The rest of the message, line breaks kept (content, a reason, a title with its body)."""

    greedy = True


@dataclass(frozen=True, kw_only=True)
class Ref(Param):
    """A record number: N or #N."""

    noun: str = ""

    def missing(self) -> str:
        return self.what or (f"{self.noun}{self.label}" if self.label == "编号" else self.label)

    def parse(self, token: str) -> int:
        number = parse_ref(token)
        if number is None:
            raise ArgError(f"“{token[:20]}”不是{self.noun or ''}编号")
        return number


@dataclass(frozen=True)
class QQ(Param):
    """A QQ number (5–12 digits), or an @ of the person."""

    mention = True

    def parse(self, token: str) -> int:
        qq = parse_qq(token)
        if qq is None:
            raise ArgError(f"“{token[:20]}”不是 QQ 号")
        return qq


@dataclass(frozen=True, kw_only=True)
class Int(Param):
    low: int = 0
    high: int = 1_000_000

    def parse(self, token: str) -> int:
        word = token.strip()
        if not is_number(word) or not self.low <= int(word) <= self.high:
            raise ArgError(f"{self.label}须为 {self.low} 到 {self.high} 之间的整数")
        return int(word)


@dataclass(frozen=True, kw_only=True)
class Choice(Param):
    """One of fixed words (synonyms allowed), each standing for a value."""

    options: tuple[tuple[str, Any], ...] = ()
    shown: str = ""
    """The words listed in the error (defaults to every word)."""
    problem: str = ""
    """The error when the word is none of them ({token} is what was typed); else the list."""

    def parse(self, token: str) -> Any:
        for word, value in self.options:
            if token == word:
                return value
        if self.problem:
            raise ArgError(self.problem.format(token=token[:20]))
        words = self.shown or "、".join(dict.fromkeys(w for w, _ in self.options))
        raise ArgError(f"{self.label}须为 {words} 之一")


@dataclass(frozen=True)
class DateArg(Param):
    def parse(self, token: str) -> date:
        try:
            return periods.parse_day(token)
        except UsageError as e:
            raise ArgError(str(e)) from e


@dataclass(frozen=True, kw_only=True)
class PeriodArg(Param):
    default: str = "本月"

    def parse(self, token: str) -> periods.Period:
        try:
            return periods.parse(token)
        except UsageError as e:
            raise ArgError(str(e)) from e


_resolvers: dict[str, Resolver] = {}


def add_resolver(kind: str, resolver: Resolver) -> None:
    """How a plugin turns a word into a record for `Resolved(kind=...)` (e.g. organisations)."""
    _resolvers[kind] = resolver


def resolver(kind: str) -> Resolver:
    return _resolvers[kind]


@dataclass(frozen=True, kw_only=True)
class Resolved(Param):
    """A word turned into a record by a plugin's resolver (an organisation, a cadre)."""

    kind: str = ""
    reserved: tuple[str, ...] = ()
    """Words that are something else in this form (e.g. a measure after an optional organisation)."""
    numbers: bool = True
    """Whether a bare number may be this (else it is left to a number argument after it)."""

    def parse(self, token: str) -> Any:
        if token in self.reserved or (not self.numbers and is_number(token)):
            raise ArgError(f"“{token[:20]}”不是{self.label}")
        return token

    async def resolve(self, value: Any) -> Any:
        return await _resolvers[self.kind](value)


def Org(
    label: str = "组织", optional: bool = False, *, reserved: tuple[str, ...] = (), numbers: bool = True
) -> Resolved:
    """An organisation by name or number (resolved by the identity plugin)."""
    return Resolved(label, optional, kind="org", reserved=reserved, numbers=numbers)


@dataclass(frozen=True, kw_only=True)
class CadreRef(Resolved):
    """A cadre by number (#N, N) or QQ, resolved by the contacts plugin."""

    kind: str = "cadre"

    def parse(self, token: str) -> str:
        if parse_ref(token) is None and parse_qq(token) is None:
            raise ArgError(f"“{token[:20]}”不是团干部编号")
        return token


def CadreArg(label: str = "团干部编号", optional: bool = False) -> CadreRef:
    return CadreRef(label, optional)


# ------------------------------------------------------------------ forms and commands


@dataclass(frozen=True)
class Lit:
    """A fixed word of a form (the first is shown; the others are accepted too)."""

    words: tuple[str, ...]

    @property
    def syntax(self) -> str:
        return self.words[0]


Part = Lit | Param


@dataclass
class Form:
    command: "Command"
    parts: tuple[Part, ...]
    handler: Handler
    roles: dict[str, str]
    """Who may use it, with what it does for them (/帮助 shows each person their roles)."""
    example: str
    private: str | None = None
    """Said when the form is sent in a group (None: it may be)."""
    youth_consent: bool = False
    """It stores something about its sender: a youth must have consented (dispatcher's gate)."""
    group: str | None = None
    """Said when the form is sent in private chat (None: it may be)."""
    hint: Hint | None = None
    """Makes the usage error show the sender's real numbers instead of the declared example."""

    @property
    def syntax(self) -> str:
        return " ".join([f"/{self.command.name}", *(p.syntax for p in self.parts)])

    @property
    def params(self) -> list[Param]:
        return [p for p in self.parts if isinstance(p, Param)]

    @property
    def leading_word(self) -> bool:
        return bool(self.parts) and isinstance(self.parts[0], Lit)

    def summary(self, roles: Iterable[str] | None = None) -> str:
        wanted = set(roles) if roles is not None else None
        for role, text in self.roles.items():
            if wanted is None or role in wanted:
                return text
        return next(iter(self.roles.values()))

    def allowed(self, actor: Actor) -> bool:
        needs = set(self.roles)
        if EVERYONE in needs or YOUTH in needs:
            return True  # services refuse what does not apply (e.g. a cadre sending /加入)
        return bool(needs & actor.roles)

    def refusal(self) -> Forbidden:
        needs = set(self.roles)
        if CADRE in needs and ADMIN in needs:
            return Forbidden("这条指令只供团干部和组织管理员使用")
        if CADRE in needs:
            return Forbidden("这条指令只供已认证的团干部使用。团干部请先发送 /注册 <姓名> <组织> <类别>")
        if ADMIN in needs:
            return Forbidden("这条指令只供组织管理员使用")
        return Forbidden("这条指令只供超级用户使用")


@dataclass
class Command:
    name: str
    plugin: str
    aliases: tuple[str, ...] = ()
    forms: list[Form] = field(default_factory=list)

    def ordered_forms(self) -> list[Form]:
        """Forms led by a fixed word first, in declaration order; then the others."""
        return [f for f in self.forms if f.leading_word] + [f for f in self.forms if not f.leading_word]

    def usage_error(self, problem: str, form: Form | None = None) -> UsageError:
        """A one-line answer: what was wrong and what to type."""
        if form is not None:
            return FormUsageError(problem, form)
        shown = "；".join(f.syntax for f in self.forms[:3])
        return UsageError(f"{problem}。用法：{shown}")


_registry: dict[str, Command] = {}
_order: list[Command] = []


def command(
    name: str,
    *parts: str | tuple[str, ...] | Param,
    role: str = EVERYONE,
    summary: str = "",
    roles: dict[str, str] | None = None,
    example: str = "",
    private: bool | str = False,
    group: str | None = None,
    youth_consent: bool = False,
    aliases: Iterable[str] = (),
    hint: Hint | None = None,
) -> Callable[[Handler], Handler]:
    """Declare one form of `/name`; the decorated handler gets the parsed values in order."""
    declared = tuple(Lit((p,)) if isinstance(p, str) else Lit(p) if isinstance(p, tuple) else p for p in parts)

    def decorator(handler: Handler) -> Handler:
        plugin = handler.__module__.rsplit(".", 1)[0]
        cmd = _registry.get(name)
        if cmd is None:
            cmd = Command(name, plugin, tuple(aliases))
            _order.append(cmd)
            for word in (name, *cmd.aliases):
                if word in _registry:
                    raise RuntimeError(f"command /{word} is registered twice")
                _registry[word] = cmd
        elif aliases:
            for word in aliases:
                _registry.setdefault(word, cmd)
            cmd.aliases = tuple(dict.fromkeys((*cmd.aliases, *aliases)))
        if private is True:
            note: str | None = f"这条指令只在私聊中使用，请私聊我发送 /{name}"
        else:
            note = private or None
        form = Form(
            cmd, declared, handler, dict(roles or {role: summary}), example or f"/{name}", note, youth_consent, group,
            hint,
        )
        if any(f.syntax == form.syntax for f in cmd.forms):
            raise RuntimeError(f"{form.syntax} is declared twice")
        cmd.forms.append(form)
        return handler

    return decorator


def lookup(word: str) -> Command | None:
    return _registry.get(word)


def all_commands() -> list[Command]:
    return list(_order)


def all_forms() -> list[Form]:
    return [f for c in _order for f in c.forms]


# ------------------------------------------------------------------ parsing

_TOKEN = re.compile(r"\S+")


@dataclass
class Match:
    form: Form
    values: list[Any]


@dataclass
class _Failure:
    depth: int
    problem: str
    form: Form


def _match_parts(
    parts: tuple[Part, ...], tokens: list[re.Match[str]], text: str, mentions: list[int], form: Form
) -> tuple[list[Any] | None, _Failure | None]:
    """Values for `parts` consuming exactly `tokens` (optional ones may be skipped)."""
    best: _Failure | None = None

    def fail(depth: int, problem: str) -> None:
        nonlocal best
        if best is None or depth > best.depth:
            best = _Failure(depth, problem, form)

    def walk(i: int, t: int, m: int, values: list[Any]) -> list[Any] | None:
        if i == len(parts):
            if t < len(tokens):
                fail(i, f"多写了“{tokens[t].group(0)[:20]}”")
                return None
            return values
        part = parts[i]
        if isinstance(part, Lit):
            if t < len(tokens) and _normal(tokens[t].group(0)) in part.words:
                return walk(i + 1, t + 1, m, values)
            fail(i, f"请写“{part.syntax}”" if t >= len(tokens) else f"这里应写“{part.syntax}”")
            return None
        if part.greedy:
            rest = text[tokens[t].start():].strip() if t < len(tokens) else ""
            if not rest:
                if part.optional:
                    return walk(i + 1, t, m, [*values, None])
                fail(i, f"请写{part.missing()}")
                return None
            return walk(i + 1, len(tokens), m, [*values, rest])
        if t < len(tokens):
            try:
                value = part.parse(_normal(tokens[t].group(0)))
            except ArgError as e:
                if part.mention and m < len(mentions):
                    found = walk(i + 1, t, m + 1, [*values, mentions[m]])
                    if found is not None:
                        return found
                if not part.optional:
                    fail(i, str(e))
                    return None
                fail(i + 1, str(e))  # says more than "多写了…" if skipping it fails too
            else:
                found = walk(i + 1, t + 1, m, [*values, value])
                if found is not None or not part.optional:
                    return found
        elif part.mention and m < len(mentions):
            return walk(i + 1, t, m + 1, [*values, mentions[m]])
        if part.optional:
            return walk(i + 1, t, m, [*values, None])
        fail(i, f"请写{part.missing()}")
        return None

    values = walk(0, 0, 0, [])
    return values, (None if values is not None else best)


def match(cmd: Command, text: str, mentions: list[int], actor: Actor) -> Match:
    """The form `text` matches that `actor` may use, with its parsed values; else the one-line error."""
    tokens = list(_TOKEN.finditer(text))
    found: list[Match] = []
    best: _Failure | None = None
    forms = cmd.ordered_forms()
    if tokens:
        # A sub-command word typed exactly commits to that sub-command (/话题 结束 is never a title).
        first = tokens[0].group(0)
        committed = [f for f in forms if _commits(f, first)]
        forms = committed or forms
    for form in forms:
        values, failure = _match_parts(form.parts, tokens, text, mentions, form)
        if values is not None:
            found.append(Match(form, values))
        elif failure is not None and (best is None or failure.depth > best.depth):
            best = failure
    for m in found:
        if m.form.allowed(actor):
            return m
    if found:
        raise found[0].form.refusal()
    if best is not None and best.depth > 0:
        raise cmd.usage_error(best.problem, best.form)
    usable = [f for f in cmd.forms if f.allowed(actor)] or cmd.forms
    if best is not None and len(usable) == 1:
        raise cmd.usage_error(best.problem, usable[0])
    # Nothing matched from the first word on: explain the form the sender most likely meant,
    # the one led by an argument whose size fits what they typed (e.g. /活动 聚餐 今天 … is a
    # record with a wrong type, not a number), or with nothing typed, the one taking text.
    likely = _likely_form(usable, len(tokens))
    if likely is not None:
        values, failure = _match_parts(likely.parts, tokens, text, mentions, likely)
        if failure is not None:
            raise cmd.usage_error(failure.problem, likely)
    first = tokens[0].group(0)[:20] if tokens else ""
    problem = f"看不懂“{first}”" if first else "缺少内容"
    shown = "；".join(f.syntax for f in usable[:4])
    raise UsageError(f"{problem}。用法：{shown}")


def _normal(token: str) -> str:
    """A typed token as parsed: full-width digits, letters and # as their ASCII forms."""
    return token if token.isascii() else unicodedata.normalize("NFKC", token)


def _commits(form: Form, first: str) -> bool:
    """Whether the first word typed can only mean this form."""
    first = _normal(first)
    if not form.parts:
        return False
    head = form.parts[0]
    if isinstance(head, Lit):
        return first in head.words
    if not head.commits:
        return False
    try:
        head.parse(first)
    except ArgError:
        return False
    return True


def _likely_form(forms: list[Form], count: int) -> Form | None:
    candidates = [f for f in forms if not f.leading_word]
    if count == 0:
        greedy = [f for f in candidates if any(isinstance(p, Param) and p.greedy for p in f.parts)]
        return greedy[0] if len(greedy) == 1 else None
    fitting = []
    for f in candidates:
        required = sum(1 for p in f.parts if isinstance(p, Lit) or not p.optional)
        unbounded = any(isinstance(p, Param) and p.greedy for p in f.parts)
        if required <= count and (unbounded or count <= len(f.parts)):
            fitting.append(f)
    return max(fitting, key=lambda f: len(f.parts)) if fitting else None


async def resolve(m: Match) -> list[Any]:
    """Run the asynchronous step of every argument (e.g. look the organisation up)."""
    out = []
    for part, value in zip(m.form.params, m.values, strict=True):
        out.append(None if value is None else await part.resolve(value))
    return out


# ------------------------------------------------------------------ help and documentation


def forms_for(roles: Iterable[str]) -> list[tuple[Form, str]]:
    """(form, summary) the holder of `roles` may use, in declaration order."""
    wanted = set(roles)
    out = []
    for form in all_forms():
        for role, text in form.roles.items():
            if role in wanted:
                out.append((form, text))
                break
    return out


def help_text(roles: Iterable[str]) -> str:
    """The command list a sender with `roles` may use, grouped by role."""
    roles = set(roles)
    lines = ["联青可用指令（/ 或 ／ 开头，编号可写 N 或 #N）："]
    shown: set[str] = set()
    for role in ROLE_ORDER:
        if role not in roles:
            continue
        items = [(f, f.roles[role]) for f in all_forms() if role in f.roles and f.syntax not in shown]
        if not items:
            continue
        lines.append(f"【{ROLE_TITLES[role]}】")
        for f, text in items:
            shown.add(f.syntax)
            lines.append(f"{f.syntax}　{text}")
    return "\n".join(lines)


def command_help(cmd: Command, roles: Iterable[str]) -> str:
    """One command's forms the sender may use, each with an example."""
    usable = [(f, f.summary(roles)) for f in cmd.forms if f.allowed(_RoleActor(set(roles)))]
    if not usable:
        usable = [(f, f.summary()) for f in cmd.forms]
    lines = [f"/{cmd.name} 的用法："]
    for form, text in usable:
        where = "（私聊）" if form.private else ""
        lines.append(f"{form.syntax}　{text}{where}\n　例：{form.example}")
    return "\n".join(lines)


class _RoleActor(Actor):
    """An Actor standing for a set of roles (for help texts)."""

    def __init__(self, roles: set[str]) -> None:
        super().__init__(qq=None, superuser=SUPERUSER in roles)
        self._roles = roles

    @property
    def roles(self) -> set[str]:  # type: ignore[override]
        return self._roles


def plugin_usage(plugin: str) -> str:
    """PluginMetadata.usage for one plugin, from its declared forms."""
    return "\n".join(f"{f.syntax}　{f.summary()}" for f in all_forms() if f.command.plugin == plugin)


def markdown_table(plugin: str) -> str:
    """The README's command table for one plugin, from the declarations (tests check it)."""
    rows = ["| 指令 | 谁用 | 说明 | 例子 |", "|---|---|---|---|"]
    for form in all_forms():
        if form.command.plugin != plugin:
            continue
        who = "、".join(ROLE_TITLES[r] if r != EVERYONE else "所有人" for r in form.roles)
        text = next(iter(form.roles.values()))
        others = [t for t in form.roles.values() if t != text]
        if others:
            text += "；" + "；".join(others)
        if form.private:
            text += "（只在私聊中使用）"
        syntax = form.syntax.replace("|", "\\|")
        rows.append(f"| `{syntax}` | {who} | {text} | `{form.example}` |")
    return "\n".join(rows)
