"""What the contacts plugin registers: commands, the consent gate, caches, syncs, notices."""

import os
import sys

from nonebot import get_driver, require
from nonebot.adapters.onebot.v11 import Bot

from plugins.contacts import (
    approval,
    cache,
    consent,
    consented,
    digest,
    groups,
    inbox_privacy,
    jobs,
    links,
    notices,
    optout,
    secret,
)
from plugins.contacts.config import settings
from plugins.core import schedule
from plugins.core.commands import add_resolver
from plugins.core.events import on_notice_type, on_request_type, set_consent_gate
from plugins.core.settings import cache as register_cache
from plugins.identity.cards import set_youth_profile


def setup() -> None:
    require("nonebot_plugin_apscheduler")
    from nonebot_plugin_apscheduler import scheduler

    from plugins.contacts import commands

    config = settings()
    optout.configure(config.lianqing_hash_secret or secret.LEGACY)  # replaced at start-up
    set_consent_gate(consent.gate)
    set_youth_profile(links.profile_text)
    add_resolver("cadre", groups.find_cadre)
    add_resolver("cadre_qq", groups.find_cadre_by_qq)
    on_notice_type("group_increase")(notices._joined)
    on_notice_type("group_decrease")(notices._left)
    on_request_type("friend")(approval._friend_request)
    on_request_type("group")(approval._group_invitation)
    links.on_erase(inbox_privacy._erase_inbox)
    schedule.daily("contacts_sync", config.contacts_sync_time, per_account=True)(jobs.sync_connected)
    schedule.daily("contacts_upkeep", config.contacts_sync_time)(jobs.upkeep)
    schedule.daily("contacts_news", config.contacts_news_time)(digest.send_daily_news)
    scheduler.add_job(schedule.job("contacts_cache_refresh", refresh_caches), "interval",
                      seconds=cache.REFRESH_SECONDS, id="contacts_cache_refresh", replace_existing=True)
    driver = get_driver()
    driver.on_startup(_load_caches)
    driver.on_bot_connect(_catch_up)
    for name, clear in (("contacts.bound", cache.clear), ("contacts.optout", optout.clear),
                        ("contacts.consent", consent.clear), ("contacts.consented", consented.clear),
                        ("contacts.erase", commands.forget_erase_requests)):
        register_cache(name, clear)


async def refresh_caches() -> None:
    await cache.refresh()
    await optout.refresh()
    await consented.refresh()


async def _load_caches() -> None:
    config = settings()
    try:
        optout.configure(await secret.resolve(config.lianqing_hash_secret, config.lianqing_hash_secret_file))
    except secret.SecretMismatch as e:
        # Running on would record people who asked not to be: stop now, in one line.
        # (An exception here only makes uvicorn say "Exiting" while the process lives on.)
        print(f"联青拒绝启动：{e}", file=sys.stderr, flush=True)
        os._exit(2)
    await refresh_caches()


async def _catch_up(bot: Bot) -> None:
    if settings().contacts_sync_on_connect:
        jobs.catch_up(bot)
