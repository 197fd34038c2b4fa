"""Operator settings: who may read /metrics, how long /healthz waits for the database."""

from pydantic import BaseModel

from plugins.core.settings import Settings


class Config(BaseModel):
    lianqing_metrics_token: str = ""
    """When set, /metrics requires `Authorization: Bearer <token>` (from any address).
    When empty, /metrics answers only if the bot listens on a loopback address."""
    lianqing_health_db_timeout: float = 2.0
    """Seconds /healthz waits for the database before calling it unreachable."""


settings = Settings(Config)
