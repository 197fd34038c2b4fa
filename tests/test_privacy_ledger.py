"""Every model field that can hold a QQ number, a nickname or text a person typed, with its retention rule.

The set of such fields is worked out from the models (every BigInt, Char, Text and
JSON column that is not a key), so a model that gains one fails here until the
ledger names it: personal ones with the rule that removes them (and the test that
proves it), the others with why they are not personal.
"""

from tortoise import Tortoise
from tortoise.fields import BigIntField, CharField, JSONField, TextField

NOT_PERSONAL = "not personal"
STAFF = "staff identity, kept while in office"  # cadres and administrators, not youth

LEDGER: dict[tuple[str, str], str] = {
    # --- youth and their links (plugins/contacts)
    ("youth", "qq"): "until /退出 全部; a youth with no consent and no link is deleted daily (contacts_upkeep)",
    ("youth", "nickname"): "as youth.qq",
    ("youth", "field"): "as youth.qq (closed vocabulary)",
    ("contact_link", "status"): NOT_PERSONAL,
    ("contact_link", "source"): NOT_PERSONAL,
    ("contact_link", "group_id"): "group number: deleted with the link (/退出, /退出 全部, pending after CONTACTS_PENDING_DAYS)",
    ("group_member", "group_id"): "group number",
    ("group_member", "qq"): "while a member of a bound group (daily sync), deleted on /退出 全部 and unbinding",
    ("group_member", "role"): NOT_PERSONAL,
    ("invitation", "qq"): "CONTACTS_INVITATION_DAYS (30) and /退出 全部",
    ("opt_out", "qq_hash"): "keyed hash, kept so that the person is never recorded again (until /同意)",
    ("opt_out", "reason"): NOT_PERSONAL,
    ("daily_use", "key_hash"): "keyed hash, deleted after 2 days (contacts_upkeep)",
    ("daily_use", "kind"): NOT_PERSONAL,
    ("contact_snapshot", "month"): NOT_PERSONAL,
    ("bound_group", "group_id"): "group number",
    ("bound_group", "name"): "group name, deleted on unbinding",
    ("bound_group", "bot_id"): "bot account",
    ("bound_group", "bound_by"): STAFF,
    ("bot_account", "self_id"): "bot account",
    # --- interaction (plugins/interaction)
    ("message_count", "group_id"): "group number",
    ("message_count", "qq"): "consenting youth and cadres only (else 0); INTERACTION_COUNT_RETENTION_DAYS (400)",
    ("topic", "title"): "cadre's text: INTERACTION_TEXT_RETENTION_DAYS (180)",
    ("topic", "body"): "cadre's text: INTERACTION_TEXT_RETENTION_DAYS (180)",
    ("topic", "status"): NOT_PERSONAL,
    ("topic_post", "group_id"): "group number",
    ("topic_post", "message_id"): NOT_PERSONAL,
    ("topic_post", "bot_id"): "bot account",
    ("topic_reply", "group_id"): "group number",
    ("topic_reply", "qq"): "consenting youth only (else 0); deleted with the text after INTERACTION_TEXT_RETENTION_DAYS",
    ("topic_reply", "message_id"): NOT_PERSONAL,
    ("topic_reply", "text"): "consenting youth only; INTERACTION_TEXT_RETENTION_DAYS (180)",
    ("exchange", "group_id"): "group number",
    ("exchange", "youth_qq"): "consenting youth only (else 0); anonymous after PRIVACY_IDENTITY_DAYS (400)",
    ("exchange", "youth_message_id"): NOT_PERSONAL,
    ("exchange", "kind"): NOT_PERSONAL,
    # --- activities (plugins/activities)
    ("activity", "kind"): NOT_PERSONAL,
    ("activity", "title"): "cadre's text about an activity",
    ("activity", "place"): "cadre's text about an activity",
    ("activity", "code"): NOT_PERSONAL,
    ("check_in", "qq"): "anonymous after PRIVACY_IDENTITY_DAYS (400) and on /退出 全部",
    ("sign_up", "qq"): "deleted ACTIVITIES_SIGN_UP_KEEP_DAYS (30) after the activity, on /取消报名 and /退出 全部",
    ("activity_feedback", "qq"): "NULL once answered, unanswered deleted after 7 days, and on /退出 全部",
    ("reminder_log", "rule"): NOT_PERSONAL,
    ("reminder_log", "qq"): "staff (reminders go to cadres and administrators); deleted after 400 days",
    ("reminder_log", "period"): NOT_PERSONAL,
    ("reminder_snooze", "qq"): "staff; deleted once the pause ends",
    ("card_opt_out", "qq"): "staff; deleted with /提醒 周卡 开启",
    # --- requests (plugins/requests)
    ("case", "youth_qq"): "until REQUESTS_CONTENT_KEEP_DAYS (1095) after closing, or /退出 全部",
    ("case", "category"): NOT_PERSONAL,
    ("case", "urgent_by"): NOT_PERSONAL + " (youth | phrase, never the phrase itself)",
    ("case_draft", "youth_qq"): "a consenting youth only: deleted on confirmation (becomes a case), refusal, after 7 days, /退出 全部",
    ("case_draft", "category"): NOT_PERSONAL,
    ("case_draft", "content"): "as case_draft.youth_qq",
    ("referral", "to"): "cadre's text (where a case went): deleted with the case (cascade)",
    ("referral", "note"): "cadre's text: REQUESTS_CONTENT_KEEP_DAYS (1095) after the case closes",
    ("referral", "outcome"): "cadre's text: REQUESTS_CONTENT_KEEP_DAYS (1095) after the case closes",
    ("referral", "actor_qq"): STAFF,
    ("case", "content"): "REQUESTS_CONTENT_KEEP_DAYS (1095) after closing",
    ("case", "status"): NOT_PERSONAL,
    ("case", "source_group_id"): "group number",
    ("case", "escalation_note"): "REQUESTS_CONTENT_KEEP_DAYS (1095) after closing",
    ("case", "close_note"): "REQUESTS_CONTENT_KEEP_DAYS (1095) after closing",
    ("case", "rating_comment"): "REQUESTS_CONTENT_KEEP_DAYS (1095) after closing, or /退出 全部",
    ("case_event", "kind"): NOT_PERSONAL,
    ("case_event", "actor_qq"): "youth's: REQUESTS_CONTENT_KEEP_DAYS after closing, or /退出 全部; else staff",
    ("case_event", "text"): "REQUESTS_CONTENT_KEEP_DAYS (1095) after closing",
    ("help_post", "qq"): "REQUESTS_HELP_KEEP_DAYS (180) and /退出 全部",
    ("help_post", "kind"): NOT_PERSONAL,
    ("help_post", "content"): "REQUESTS_HELP_KEEP_DAYS (180) and /退出 全部",
    ("help_post", "status"): NOT_PERSONAL,
    ("help_match", "status"): NOT_PERSONAL,
    # --- evaluation (plugins/evaluation)
    ("spot_check", "requested_by"): STAFF,
    ("spot_check", "quarter"): NOT_PERSONAL,
    ("spot_check_question", "youth_qq"): "anonymous after PRIVACY_IDENTITY_DAYS (400) and on /退出 全部",
    ("spot_check_question", "quarter"): NOT_PERSONAL,
    ("spot_check_question", "answer"): NOT_PERSONAL,
    ("survey", "requested_by"): STAFF,
    ("survey_question", "youth_qq"): "anonymous after PRIVACY_IDENTITY_DAYS (400) and on /退出 全部",
    ("evaluation_period", "period"): NOT_PERSONAL,
    ("evaluation_period", "confirmed_by"): STAFF,
    ("evaluation_result", "inputs"): "aggregates per cadre, no youth identity",
    # --- identity (plugins/identity)
    ("organisation", "name"): NOT_PERSONAL,
    ("organisation", "level"): NOT_PERSONAL,
    ("organisation", "path"): NOT_PERSONAL,
    ("admin", "qq"): STAFF,
    ("cadre", "qq"): STAFF,
    ("cadre", "former_qq"): STAFF + " (a departed cadre's QQ, kept with their history)",
    ("cadre", "name"): STAFF,
    ("cadre", "category"): NOT_PERSONAL,
    ("cadre", "wechat"): STAFF + " (published by the cadre, removable with /联系方式)",
    ("cadre", "weibo"): STAFF + " (published by the cadre, removable with /联系方式)",
    ("cadre", "source"): NOT_PERSONAL,
    ("application", "qq"): "rejected: IDENTITY_APPLICATION_KEEP_DAYS (365) after the decision; /退出 全部",
    ("application", "open_for"): "as application.qq (set while pending)",
    ("application", "name"): "as application.qq",
    ("application", "category"): NOT_PERSONAL,
    ("application", "status"): NOT_PERSONAL,
    ("application", "reason"): "as application.qq",
    ("application", "decided_by"): STAFF,
    # --- outbox and operations
    ("outbox_message", "target_type"): NOT_PERSONAL,
    ("outbox_message", "target"): "OUTBOX_KEEP_DAYS (30) after sending, failing or moving to the inbox; /退出 全部",
    ("outbox_message", "text"): "OUTBOX_KEEP_DAYS (30) after sending or failing; scrubbed on /退出 全部",
    ("outbox_message", "category"): NOT_PERSONAL,
    ("outbox_message", "dedup_key"): "record numbers and QQs: OUTBOX_KEEP_DAYS (30), as the message",
    ("outbox_message", "bot_id"): "bot account",
    ("outbox_message", "status"): NOT_PERSONAL,
    ("outbox_message", "last_error"): "OneBot error text, as the message",
    ("outbox_message", "sent_by"): "bot account",
    ("outbox_message", "group_id"): "group number, as the message",
    ("outbox_message", "via"): NOT_PERSONAL,
    ("outbox_message", "attempted_by"): "bot account",
    ("inbox_message", "qq"): "deleted when read with /消息, on /退出 全部 and after OUTBOX_INBOX_DAYS (30)",
    ("inbox_message", "text"): "as inbox_message.qq",
    ("inbox_message", "category"): NOT_PERSONAL,
    ("dashboard_token", "kind"): NOT_PERSONAL,
    ("dashboard_token", "token_hash"): NOT_PERSONAL,
    ("dashboard_token", "qq"): STAFF + "; deleted after expiry (dashboard_purge)",
    ("job_run", "key"): NOT_PERSONAL,
    ("org_youth_summary", "field_key"): NOT_PERSONAL + " (a Field value; counts per organisation, no youth)",
    ("org_month_summary", "month"): NOT_PERSONAL + " (YYYY-MM; counts per organisation, no youth)",
    ("system_setting", "key"): NOT_PERSONAL,
    ("system_setting", "value"): NOT_PERSONAL,
}


def personal_capable_fields() -> set[tuple[str, str]]:
    found = set()
    for model in Tortoise.apps["models"].values():
        for name, field in model._meta.fields_map.items():
            if field.pk or getattr(field, "reference", None):
                continue
            if isinstance(field, (BigIntField, CharField, TextField, JSONField)):
                found.add((model._meta.db_table, name))
    return found


def test_every_field_that_can_hold_a_qq_a_name_or_typed_text_is_in_the_ledger() -> None:
    fields = personal_capable_fields()
    missing = sorted(fields - set(LEDGER))
    assert missing == [], f"add these to LEDGER with their retention rule: {missing}"


def test_the_ledger_names_no_field_that_does_not_exist() -> None:
    assert sorted(set(LEDGER) - personal_capable_fields()) == []


def test_every_personal_field_has_a_rule() -> None:
    assert all(rule.strip() for rule in LEDGER.values())
