"""Settings for identity: how long decided registration applications are kept."""

from pydantic import BaseModel

from plugins.core.settings import Settings


class Config(BaseModel):
    identity_application_keep_days: int = 365
    """Rejected registration applications (name, QQ, reason) are deleted this many days after
    the decision; approved ones become the cadre's record."""


settings = Settings(Config)
