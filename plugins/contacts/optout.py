"""Who must not be recorded: keyed hashes of QQs (under 14, or left with /退出 全部)."""

import hashlib
import hmac

from models import OptOut
from plugins.core import clock

_secret = b"lianqing"


def configure(secret: str) -> None:
    global _secret
    _secret = secret.encode()


def qq_hash(qq: int) -> str:
    return hmac.new(_secret, str(qq).encode(), hashlib.sha256).hexdigest()


async def opt_out(qq: int, reason: str) -> None:
    await OptOut.get_or_create(qq_hash=qq_hash(qq), defaults={"reason": reason, "created_at": clock.now()})


async def opt_back_in(qq: int) -> None:
    await OptOut.filter(qq_hash=qq_hash(qq)).delete()


async def opted_out(qqs: list[int]) -> set[int]:
    """The subset of `qqs` that must not be recorded (one query)."""
    if not qqs:
        return set()
    if not await OptOut.exists():
        return set()
    hashes = {qq_hash(q): q for q in qqs}
    keys = list(hashes)
    found: set[int] = set()
    for i in range(0, len(keys), 500):
        rows = await OptOut.filter(qq_hash__in=keys[i : i + 500]).values_list("qq_hash", flat=True)
        found.update(hashes[h] for h in rows)
    return found
