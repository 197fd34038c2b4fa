"""One-time login links and sessions. Only SHA-256 hashes of the secrets are stored.

A link is redeemed at most once (a conditional UPDATE, safe across processes)
and opens a session; the session's secret lives only in the browser's cookie.
The CSRF token of a session is derived from that secret, so it needs no storage.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from models import DashboardToken
from plugins.core import clock

LINK = "link"
SESSION = "session"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def csrf_token(session_secret: str) -> str:
    """The hidden form field that proves a POST comes from our own page."""
    return hmac.new(session_secret.encode(), b"lianqing-dashboard-csrf", hashlib.sha256).hexdigest()


def csrf_ok(session_secret: str, sent: str | None) -> bool:
    return bool(sent) and hmac.compare_digest(csrf_token(session_secret), str(sent))


async def issue_link(qq: int, minutes: int) -> str:
    """A new single-use link secret; earlier unused links of the same person stop working."""
    now = clock.now()
    await DashboardToken.filter(kind=LINK, qq=qq, used_at__isnull=True).update(used_at=now)
    secret = secrets.token_urlsafe(32)
    await DashboardToken.create(
        kind=LINK, token_hash=digest(secret), qq=qq, created_at=now,
        expires_at=now + timedelta(minutes=minutes),
    )
    return secret


async def redeem_link(secret: str, hours: float) -> tuple[int, str] | None:
    """Spend a link: the person's QQ and a new session secret, or None if not valid."""
    if not secret or len(secret) > 100:
        return None
    now = clock.now()
    hashed = digest(secret)
    spent = await DashboardToken.filter(
        kind=LINK, token_hash=hashed, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if spent != 1:
        return None
    link = await DashboardToken.get(token_hash=hashed)
    session = secrets.token_urlsafe(32)
    await DashboardToken.create(
        kind=SESSION, token_hash=digest(session), qq=link.qq, created_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    return link.qq, session


async def session_owner(secret: str | None) -> int | None:
    """The QQ of a live session, or None."""
    if not secret or len(secret) > 100:
        return None
    token = await DashboardToken.get_or_none(
        kind=SESSION, token_hash=digest(secret), used_at__isnull=True, expires_at__gt=clock.now()
    )
    return token.qq if token else None


async def end_session(secret: str) -> None:
    await DashboardToken.filter(kind=SESSION, token_hash=digest(secret), used_at__isnull=True).update(
        used_at=clock.now()
    )


async def end_all(qq: int) -> int:
    """End every session and unused link of a person (/退出登录); returns the sessions ended."""
    now = clock.now()
    live = await DashboardToken.filter(
        kind=SESSION, qq=qq, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    await DashboardToken.filter(kind=LINK, qq=qq, used_at__isnull=True).update(used_at=now)
    return live


async def purge(days: int = 7) -> int:
    """Forget links and sessions that expired more than `days` ago."""
    return await DashboardToken.filter(expires_at__lt=clock.now() - timedelta(days=days)).delete()


async def link_valid(secret: str) -> bool:
    """Whether a link could still be used (without spending it)."""
    if not secret or len(secret) > 100:
        return False
    return await DashboardToken.exists(
        kind=LINK, token_hash=digest(secret), used_at__isnull=True, expires_at__gt=clock.now()
    )
