"""Who has consented (/同意), kept in memory: every group message asks, so no query per message.

Only a youth who consented may have their own per-day message count, their QQ on
an exchange or their QQ and text on a topic reply; everyone else is counted
anonymously (qq 0). The set is loaded at start-up, reloaded with the other
caches every `cache.REFRESH_SECONDS`, and changed at once by /同意 and erasure
in this process. A stale entry can only make a count anonymous that could have
been named, never the reverse: writers re-check named QQs against the database
with `in_database` just before writing.

Memory: a Python set of ints costs about 60 bytes an entry (one million
consenting youth ≈ 60 MB); a province deployment has far fewer.
"""

from models import Youth
from plugins.core.sql import fetch, in_list, values

_consented: set[int] = set()
_CHUNK = 900  # under SQLite's oldest limit of 999 bound parameters


def has_consented(qq: int) -> bool:
    return qq in _consented


def add(qq: int) -> None:
    _consented.add(qq)


def discard(qq: int) -> None:
    _consented.discard(qq)


async def refresh() -> None:
    fresh = set(await values(Youth.filter(consented_at__isnull=False), "qq"))
    _consented.clear()
    _consented.update(fresh)


async def in_database(qqs: set[int] | list[int]) -> set[int]:
    """The subset of `qqs` that has consented according to the database (one query per 900)."""
    wanted = sorted({q for q in qqs if q})
    found: set[int] = set()
    for i in range(0, len(wanted), _CHUNK):
        part = wanted[i : i + _CHUNK]
        rows = await fetch(
            f"SELECT qq FROM youth WHERE consented_at IS NOT NULL AND qq IN ({in_list(part)})", *part
        )
        found.update(int(r["qq"]) for r in rows)
    return found


def clear() -> None:
    _consented.clear()
