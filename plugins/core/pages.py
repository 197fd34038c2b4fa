"""How long one bot message may be, and long private answers cut into pages.

People read the bot on a phone. A group message longer than a screen's worth
buries the chat (forty classmates see it), and a private message longer than
two screens is not read to the end. So every message keeps to a budget:

- to a group: at most `GROUP_LINES` lines and `GROUP_CHARS` characters (except
  topic and activity posts, which are the cadre's own text);
- in private: at most `PRIVATE_LINES` lines and `PRIVATE_CHARS` characters.

`/帮助 全部`, `/诉求 <编号>` and the lists answer in pages within that budget:
the first page now, "回复 /下一页" for the next, kept in memory for
`KEEP` per person (nothing is stored). tests/e2e/test_budget_e2e.py sends every
declared command from every role in both kinds of chat and checks every reply.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from plugins.core import clock

GROUP_LINES, GROUP_CHARS = 6, 200
PRIVATE_LINES, PRIVATE_CHARS = 15, 600
KEEP = timedelta(minutes=10)
FOOTER = "（第 {page}/{pages} 页，回复 /下一页 看后面）"
_FOOTER_ROOM = 1, 24  # a line and the characters FOOTER takes


def fits(text: str, *, group: bool) -> bool:
    """Whether one message keeps to the budget of its chat."""
    lines, chars = (GROUP_LINES, GROUP_CHARS) if group else (PRIVATE_LINES, PRIVATE_CHARS)
    return text.count("\n") + 1 <= lines and len(text) <= chars


def split(text: str) -> list[str]:
    """Private-budget pages of `text`, cut between lines; a footer on each when more than one."""
    if fits(text, group=False):
        return [text]
    max_lines = PRIVATE_LINES - _FOOTER_ROOM[0]
    max_chars = PRIVATE_CHARS - _FOOTER_ROOM[1]
    pages: list[list[str]] = [[]]
    size = 0
    for line in _short_lines(text.split("\n"), max_chars):
        page = pages[-1]
        if page and (len(page) >= max_lines or size + len(line) + 1 > max_chars):
            pages.append([])
            page, size = pages[-1], 0
        page.append(line)
        size += len(line) + 1
    total = len(pages)
    return ["\n".join(p) + "\n" + FOOTER.format(page=i, pages=total) for i, p in enumerate(pages, start=1)]


def _short_lines(lines: list[str], limit: int) -> list[str]:
    out = []
    for line in lines:
        while len(line) > limit:
            out.append(line[:limit])
            line = line[limit:]
        out.append(line)
    return out


@dataclass
class _Rest:
    pages: list[str]
    at: datetime


_rest: dict[int, _Rest] = {}


def first_page(qq: int, text: str) -> str:
    """The first page of `text` for `qq`; the rest wait for /下一页."""
    pages = split(text)
    if len(pages) > 1:
        if len(_rest) > 10_000:  # forget what nobody asked for in time
            for key in [k for k, r in _rest.items() if clock.now() - r.at > KEEP]:
                del _rest[key]
        _rest[qq] = _Rest(pages[1:], clock.now())
    else:
        _rest.pop(qq, None)
    return pages[0]


def next_page(qq: int) -> str | None:
    rest = _rest.get(qq)
    if rest is None or clock.now() - rest.at > KEEP:
        _rest.pop(qq, None)
        return None
    page = rest.pages.pop(0)
    if not rest.pages:
        del _rest[qq]
    else:
        rest.at = clock.now()
    return page


def group_excerpt(text: str, more: str) -> str:
    """What of a long answer fits in a group, then `more` (where to read the rest)."""
    if fits(text, group=True):
        return text
    kept: list[str] = []
    for line in text.split("\n"):
        candidate = "\n".join([*kept, line, more])
        if not fits(candidate, group=True):
            break
        kept.append(line)
    return "\n".join([*kept, more])


def reset() -> None:
    _rest.clear()
