"""Roster upload: check the files and show every bad row, then import on confirmation.

The uploaded bytes wait in memory, bound to the session that sent them, until
confirmed (or for 30 minutes). Confirming checks the rows again against the
database as it is then, and writes through the same `apply_roster` as the CLI.
"""

import secrets
import time
from dataclasses import dataclass

from plugins.core.actor import Actor
from plugins.identity.roster import (
    ImportReport,
    RosterPlan,
    apply_roster,
    plan_roster,
    read_roster_off_loop,
)

KEEP_SECONDS = 30 * 60
MAX_PENDING = 50


@dataclass
class Upload:
    session_hash: str
    files: list[tuple[str, bytes]]
    created: float


_pending: dict[str, Upload] = {}


def _forget_old() -> None:
    cutoff = time.monotonic() - KEEP_SECONDS
    for key in [k for k, u in _pending.items() if u.created < cutoff]:
        del _pending[key]
    while len(_pending) >= MAX_PENDING:
        del _pending[min(_pending, key=lambda k: _pending[k].created)]


def stash(session_hash: str, files: list[tuple[str, bytes]]) -> str:
    _forget_old()
    key = secrets.token_urlsafe(16)
    _pending[key] = Upload(session_hash, files, time.monotonic())
    return key


def take(key: str, session_hash: str, *, remove: bool = False) -> list[tuple[str, bytes]] | None:
    """The files of an upload made in this session, or None."""
    _forget_old()
    upload = _pending.get(key)
    if upload is None or upload.session_hash != session_hash:
        return None
    if remove:
        del _pending[key]
    return upload.files


async def plan(files: list[tuple[str, bytes]], actor: Actor) -> tuple[RosterPlan, ImportReport]:
    """Check every row (UserFacingError for unreadable files) and preview the changes."""
    sheets = []
    for name, data in files:
        sheets.extend(await read_roster_off_loop(name, data))
    checked = await plan_roster(sheets, actor)
    return checked, await apply_roster(checked, dry_run=True)


async def commit(files: list[tuple[str, bytes]], actor: Actor) -> ImportReport:
    sheets = []
    for name, data in files:
        sheets.extend(await read_roster_off_loop(name, data))
    return await apply_roster(await plan_roster(sheets, actor))


def clear() -> None:
    _pending.clear()
