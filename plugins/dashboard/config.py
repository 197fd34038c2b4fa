"""Dashboard settings (README: 管理后台)."""

from pydantic import BaseModel

from plugins.core.settings import Settings


class Config(BaseModel):
    dashboard_base_url: str = "http://127.0.0.1:8080"
    """How browsers reach the bot's web server (the public address behind a reverse proxy)."""
    dashboard_link_minutes: int = 10
    """A /登录 link opens a session within this many minutes, once."""
    dashboard_session_hours: float = 12.0
    """A session lasts this long after the link was used (then /登录 again)."""
    dashboard_upload_max_mb: float = 5.0
    """Largest roster upload, in megabytes."""
    dashboard_table_rows: int = 300
    """Rows shown in a table on a page; downloads hold every row."""

    @property
    def base_url(self) -> str:
        return self.dashboard_base_url.rstrip("/")

    @property
    def secure_cookies(self) -> bool:
        """Cookies only over HTTPS when the dashboard is served over HTTPS."""
        return self.base_url.lower().startswith("https://")


settings = Settings(Config)
