"""Settings shared by the bot, the CLI and Tortoise's own command line.

NoneBot reads `.env` for the running bot; this module gives the same database
settings to code that runs without NoneBot (the `tortoise` CLI for migrations).
"""

from config.database import DEFAULT_DATABASE_URL, database_url, tortoise_config

__all__ = ["DEFAULT_DATABASE_URL", "database_url", "tortoise_config"]
