"""Every Tortoise model of the project, in one app called `models`.

Schema changes go through Tortoise's built-in migrations in `models/migrations`
(`tortoise -c config.database.TORTOISE_ORM makemigrations`), applied at start-up.
Times are stored in UTC; QQ, group and message ids use BigIntField.
Model docstrings become SQL table comments: no semicolons in them (Tortoise's
SQLite schema editor splits statements on ";").
"""

from models.activities import (
    Activity,
    ActivityFeedback,
    CardOptOut,
    CheckIn,
    ReminderLog,
    ReminderSnooze,
    SignUp,
)
from models.contacts import (
    BotAccount,
    BoundGroup,
    ContactLink,
    ContactSnapshot,
    GroupMember,
    Handover,
    Invitation,
    OptOut,
    Youth,
)
from models.dashboard import DashboardToken
from models.evaluation import (
    CadreSummary,
    EvaluationPeriod,
    EvaluationResult,
    OrgMonthSummary,
    OrgYouthSummary,
    SpotCheck,
    SpotCheckQuestion,
    Survey,
    SurveyQuestion,
)
from models.identity import Admin, Application, Cadre, Organisation
from models.interaction import Exchange, MessageCount, Topic, TopicPost, TopicReply
from models.jobs import JobRun
from models.outbox import InboxMessage, OutboxMessage
from models.privacy import DailyUse, SystemSetting
from models.requests import Case, CaseDraft, CaseEvent, HelpMatch, HelpPost, Referral

__all__ = [
    "Activity",
    "ActivityFeedback",
    "Admin",
    "Application",
    "BotAccount",
    "BoundGroup",
    "Cadre",
    "CadreSummary",
    "CardOptOut",
    "Case",
    "CaseDraft",
    "CaseEvent",
    "CheckIn",
    "ContactLink",
    "ContactSnapshot",
    "DailyUse",
    "DashboardToken",
    "EvaluationPeriod",
    "EvaluationResult",
    "Exchange",
    "GroupMember",
    "Handover",
    "HelpMatch",
    "HelpPost",
    "InboxMessage",
    "Invitation",
    "JobRun",
    "MessageCount",
    "OptOut",
    "OrgMonthSummary",
    "OrgYouthSummary",
    "Organisation",
    "OutboxMessage",
    "Referral",
    "ReminderLog",
    "ReminderSnooze",
    "SignUp",
    "SpotCheck",
    "SpotCheckQuestion",
    "Survey",
    "SurveyQuestion",
    "SystemSetting",
    "Topic",
    "TopicPost",
    "TopicReply",
    "Youth",
]
