"""The key of the hashes that stop a person from being recorded (opt-outs, daily rations).

A fixed default key would let anyone holding the database test every QQ
number against the opt-out list. So without `LIANQING_HASH_SECRET` a random key
is generated once and kept in `LIANQING_HASH_SECRET_FILE` (data/hash_secret),
readable by the bot's user only. A database that already holds hashes made with
the old built-in key keeps that key (written to the file, with a warning):
changing it would silently forget who asked not to be recorded.

Every process sharing a database must use the same key; its fingerprint is
kept in the database and a process with a different key refuses to start.
"""

import hashlib
import os
import secrets
from pathlib import Path

from nonebot.log import logger

from models import DailyUse, OptOut, SystemSetting

LEGACY = "lianqing"
FINGERPRINT_KEY = "hash_secret_fingerprint"


class SecretMismatch(RuntimeError):
    pass


def fingerprint(secret: str) -> str:
    return hashlib.sha256(f"lianqing-hash-secret:{secret}".encode()).hexdigest()[:24]


def _write(path: Path, secret: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(secret + "\n")


def _read(path: Path) -> str | None:
    return path.read_text().strip() if path.is_file() else None


def _keep(path: Path, secret: str) -> str:
    """Write `secret` unless another process wrote one a moment ago; returns the one kept."""
    try:
        _write(path, secret)
    except FileExistsError:
        return path.read_text().strip()
    return secret


async def resolve(configured: str, file: str) -> str:
    """The key to use: configured, else kept in `file`, else made now (legacy-aware).

    Called once at start-up, so the few file operations run inline."""
    if configured:
        secret = configured
    else:
        path = Path(file)
        kept = _read(path)
        if kept is not None:
            secret = kept
        else:
            legacy = await OptOut.exists() or await DailyUse.exists()
            secret = _keep(path, LEGACY if legacy else secrets.token_hex(32))
            if legacy:
                logger.warning(
                    "this database holds opt-out hashes made with the old built-in key: it is kept "
                    f"(in {path}) so that nobody who opted out is recorded again"
                )
    await check_fingerprint(secret)
    return secret


async def check_fingerprint(secret: str) -> None:
    mine = fingerprint(secret)
    row, created = await SystemSetting.get_or_create(key=FINGERPRINT_KEY, defaults={"value": mine})
    if not created and row.value != mine:
        raise SecretMismatch(
            "LIANQING_HASH_SECRET 与这个数据库以前使用的不同：请让所有机器人进程使用同一个密钥"
            "（复制第一台机器上的 data/hash_secret，或设置相同的 LIANQING_HASH_SECRET）"
        )
