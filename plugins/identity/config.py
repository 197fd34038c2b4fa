"""Settings for identity (none yet beyond the core's); kept for the plugin layout."""

from pydantic import BaseModel


class Config(BaseModel):
    pass
