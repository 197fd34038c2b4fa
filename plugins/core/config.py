"""Settings for the shared core: database and local time zone."""

from pydantic import BaseModel


class Config(BaseModel):
    database_url: str = "sqlite://data/lianqing.sqlite3"
    lianqing_timezone: str = "Asia/Shanghai"
