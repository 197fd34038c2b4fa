"""Every Tortoise model of the project, in one app called `models`.

Schema changes go through Tortoise's built-in migrations in `models/migrations`
(`tortoise -c config.database.TORTOISE_ORM makemigrations`), applied at start-up.
Times are stored in UTC; QQ, group and message ids use BigIntField.
"""

from models.identity import Admin, Application, Cadre, Organisation

__all__ = ["Admin", "Application", "Cadre", "Organisation"]
