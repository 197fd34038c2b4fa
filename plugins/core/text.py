"""Plain-text replies and the small parsers every command shares.

Anything a user typed is echoed only inside a text segment: the adapter then
sends it as data, so `[CQ:at,qq=all]` stays text and never becomes @全体成员.
"""

import re
from collections.abc import Iterable

from nonebot.adapters.onebot.v11 import Message, MessageSegment

from plugins.core.errors import UsageError

_REF = re.compile(r"^[#＃]?(\d{1,9})$", re.ASCII)
_QQ = re.compile(r"^[1-9]\d{4,11}$", re.ASCII)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def plain(text: str) -> Message:
    """A message holding `text` as one text segment, never parsed as CQ code."""
    return Message(MessageSegment.text(text))


def titled(title: str, lines: Iterable[str], empty: str) -> str:
    """A list answer: its title and one line per item; `empty` (what to do instead) when there is none."""
    rows = list(lines)
    return "\n".join([title, *rows]) if rows else empty


def ref(number: int) -> str:
    """How every record number is shown: #N."""
    return f"#{number}"


def is_number(token: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts "²", which int() refuses."""
    return token.isascii() and token.isdigit()


def parse_ref(token: str) -> int | None:
    """`N` or `#N` (half- or full-width #) to N; anything else to None."""
    m = _REF.match(token.strip())
    return int(m.group(1)) if m else None


def parse_qq(token: str) -> int | None:
    m = _QQ.match(token.strip())
    return int(m.group(0)) if m else None


def clean(text: str, limit: int) -> str:
    """Strip control and bidi characters and surrounding space; cut to `limit`."""
    return _CONTROL.sub("", text).strip()[:limit]


def choose(labels: dict, text: str, what: str):
    """The member of an enum whose Chinese label (or glossary name) is `text`, else the
    one-line answer naming every label, e.g. 领域须为 学生、企业职工… 之一."""
    word = text.strip()
    for member, label in labels.items():
        if word in (label, member.value):
            return member
    raise UsageError(f"{what}须为 {'、'.join(labels.values())} 之一")
