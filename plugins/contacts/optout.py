"""Who must not be recorded: keyed hashes of QQs (under 14, or left with /退出 全部)."""

import hashlib
import hmac

from models import OptOut
from plugins.core import clock
from plugins.core.sql import values

_secret = b"lianqing"
_known: set[str] = set()  # all opt-out hashes, for per-message checks without a query
_verdicts: dict[int, bool] = {}


def configure(secret: str) -> None:
    global _secret
    _secret = secret.encode()


def qq_hash(qq: int) -> str:
    return hmac.new(_secret, str(qq).encode(), hashlib.sha256).hexdigest()


async def opt_out(qq: int, reason: str) -> None:
    await OptOut.get_or_create(qq_hash=qq_hash(qq), defaults={"reason": reason, "created_at": clock.now()})
    _known.add(qq_hash(qq))
    _verdicts[qq] = True


async def opt_back_in(qq: int) -> None:
    await OptOut.filter(qq_hash=qq_hash(qq)).delete()
    _known.discard(qq_hash(qq))
    _verdicts[qq] = False


async def refresh() -> None:
    """Reload the opt-out hashes (other processes may have added some)."""
    fresh = set(await values(OptOut.all(), "qq_hash"))
    _known.clear()
    _known.update(fresh)
    _verdicts.clear()


def is_opted_out(qq: int) -> bool:
    """In-memory check for the per-message path (one HMAC per new sender)."""
    verdict = _verdicts.get(qq)
    if verdict is None:
        verdict = bool(_known) and qq_hash(qq) in _known
        if len(_verdicts) > 200_000:
            _verdicts.clear()
        _verdicts[qq] = verdict
    return verdict


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
        rows = await values(OptOut.filter(qq_hash__in=keys[i : i + 500]), "qq_hash")
        found.update(hashes[h] for h in rows)
    return found


def clear() -> None:
    _known.clear()
    _verdicts.clear()


async def reason(qq: int) -> str | None:
    """Why `qq` must not be recorded ("under14" or "left"), or None (one indexed query)."""
    row = await OptOut.get_or_none(qq_hash=qq_hash(qq))
    return row.reason if row else None
