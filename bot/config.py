"""Settings read once from the environment (see the public contract, "Environment")."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_DATABASE_URL = "sqlite:///actiebot.db"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_MAX_BODY_BYTES = 512 * 1024
DEFAULT_MAX_PROGRAMME_MB = 5
# a ceiling for the setting itself: the whole file is read into memory and parsed (100,000
# activities are ~25 MB of YAML and take a few hundred MB while they are parsed)
MAX_PROGRAMME_MB_CEILING = 1024
# The kept answers per process, as they sit in memory (bot/services/answers.py). 8 rather than
# 16: under 20 minutes of the working day at 10,000 activities (`make soak`) the largest
# process stayed ~8 MB lower (115-118 MB against 122-125) at the same throughput (259 and 254
# requests/s). `ACTIEBOT_CACHE_MB` raises it where memory is plentiful.
DEFAULT_CACHE_MB = 8
DEFAULT_RETENTION_DAYS = 30
OAUTH_VARIABLES = ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET")
ANSWER_CACHE_SWITCH = {"1": True, "on": True, "true": True, "yes": True,
                       "0": False, "off": False, "false": False, "no": False}


class ConfigError(Exception):
    """A setting is missing or wrong; the message names the variable and how to set it."""


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    slack_bot_token: str | None = field(default=None, repr=False)
    slack_signing_secret: str | None = field(default=None, repr=False)
    slack_app_token: str | None = field(default=None, repr=False)
    slack_api_url: str = DEFAULT_SLACK_API_URL
    slack_team_id: str | None = None
    slack_app_id: str | None = None
    command: str = "/actie"
    language: str = "nl"
    timezone: str = "Europe/Amsterdam"
    admins: frozenset[str] = frozenset()
    port: int = 3000
    # Slack's largest payloads are block_actions, which carry the whole message clicked (up to
    # 50 blocks of 3,000 characters, url-encoded JSON: about 200 KB); anything above is refused
    # by bot/wsgi.py before it is read or parsed.
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    # answers to questions kept per process while nothing they depend on is written
    # (bot/services/answers.py); off: every question is computed (the index is still kept)
    answer_cache: bool = True
    # what the read cache may keep of answers, in bytes (the resolution index is kept besides)
    cache_bytes: int = DEFAULT_CACHE_MB * 1024 * 1024
    # the largest programme file `actiebot import` reads (storage/yaml_limits.py)
    max_programme_bytes: int = DEFAULT_MAX_PROGRAMME_MB * 1024 * 1024
    # many workspaces (bot/installs.py): all three set, or none
    slack_client_id: str | None = None
    slack_client_secret: str | None = field(default=None, repr=False)
    slack_state_secret: str | None = field(default=None, repr=False)
    # days a workspace's data is kept after the app was uninstalled from it
    retention_days: int = DEFAULT_RETENTION_DAYS
    # where people reach `serve` from outside ("https://actiebot.example.nl"): the base of the
    # calendar feed URLs `actiebot calendar-link` prints (bot/calendar_feed.py)
    public_url: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        language = (get("ACTIEBOT_LANGUAGE") or "nl").lower()
        if language not in ("nl", "en"):
            raise ConfigError(
                f"ACTIEBOT_LANGUAGE={language!r} is not supported: set it to 'nl' or 'en' "
                "(for example: export ACTIEBOT_LANGUAGE=nl)."
            )
        timezone = get("ACTIEBOT_TIMEZONE") or "Europe/Amsterdam"
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(
                f"ACTIEBOT_TIMEZONE={timezone!r} is not a known time zone: use an IANA name "
                "such as Europe/Amsterdam."
            ) from None
        port_text = get("PORT") or "3000"
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise ConfigError(f"PORT={port_text!r} is not a port number: set PORT to e.g. 3000.")
        command = get("ACTIEBOT_COMMAND") or "/actie"
        if not command.startswith("/"):
            command = "/" + command
        api_url = get("SLACK_API_URL") or DEFAULT_SLACK_API_URL
        if not api_url.endswith("/"):
            api_url += "/"
        max_body_text = get("ACTIEBOT_MAX_BODY_BYTES") or str(DEFAULT_MAX_BODY_BYTES)
        if not max_body_text.isascii() or not max_body_text.isdigit() or not (
                1024 <= int(max_body_text) <= 64 * 1024 * 1024):
            raise ConfigError(
                f"ACTIEBOT_MAX_BODY_BYTES={max_body_text[:20]!r} is not a size in bytes between "
                f"1024 and 67108864: leave it unset (default {DEFAULT_MAX_BODY_BYTES}) or set "
                "e.g. export ACTIEBOT_MAX_BODY_BYTES=524288.")
        answer_cache_text = (get("ACTIEBOT_ANSWER_CACHE") or "on").lower()
        if answer_cache_text not in ANSWER_CACHE_SWITCH:
            raise ConfigError(
                f"ACTIEBOT_ANSWER_CACHE={answer_cache_text[:20]!r} is not on or off: leave it "
                "unset (on) or set e.g. export ACTIEBOT_ANSWER_CACHE=0 to turn it off.")
        max_programme_bytes = _megabytes(get("ACTIEBOT_MAX_PROGRAMME_MB"))
        cache_bytes = _cache_bytes(get("ACTIEBOT_CACHE_MB"))
        public_url = get("ACTIEBOT_PUBLIC_URL")
        if public_url is not None:
            public_url = public_url.rstrip("/")
            if not public_url.startswith(("https://", "http://")) or " " in public_url:
                raise ConfigError(
                    f"ACTIEBOT_PUBLIC_URL={public_url[:60]!r} is not a web address: set it to "
                    "where people reach the bot, e.g. export "
                    "ACTIEBOT_PUBLIC_URL=https://actiebot.example.nl")
        admins = frozenset(
            part.strip() for part in (get("ACTIEBOT_ADMINS") or "").split(",") if part.strip()
        )
        oauth = {name: get(name) for name in OAUTH_VARIABLES}
        if any(oauth.values()) and not all(oauth.values()):
            missing = [name for name, value in oauth.items() if not value]
            raise ConfigError(
                "Many-workspace mode needs SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and "
                "SLACK_STATE_SECRET together; missing: " + ", ".join(missing) + ". Copy the "
                "client id and secret from your Slack app (Basic Information → App Credentials), "
                "choose a long random state secret (e.g. export SLACK_STATE_SECRET=$(openssl "
                "rand -hex 32)), or unset all three to serve one workspace with SLACK_BOT_TOKEN.")
        retention_text = get("ACTIEBOT_RETENTION_DAYS") or str(DEFAULT_RETENTION_DAYS)
        if not (retention_text.isascii() and retention_text.isdigit()
                and 0 <= int(retention_text) <= 3650):
            raise ConfigError(
                f"ACTIEBOT_RETENTION_DAYS={retention_text[:20]!r} is not a number of days between "
                f"0 and 3650: leave it unset (default {DEFAULT_RETENTION_DAYS}) or set e.g. "
                "export ACTIEBOT_RETENTION_DAYS=30.")
        return cls(
            database_url=get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            slack_bot_token=get("SLACK_BOT_TOKEN"),
            slack_signing_secret=get("SLACK_SIGNING_SECRET"),
            slack_app_token=get("SLACK_APP_TOKEN"),
            slack_api_url=api_url,
            slack_team_id=get("SLACK_TEAM_ID"),
            slack_app_id=get("SLACK_APP_ID"),
            command=command,
            language=language,
            timezone=timezone,
            admins=admins,
            port=int(port_text),
            max_body_bytes=int(max_body_text),
            answer_cache=ANSWER_CACHE_SWITCH[answer_cache_text],
            max_programme_bytes=max_programme_bytes,
            cache_bytes=cache_bytes,
            slack_client_id=oauth["SLACK_CLIENT_ID"],
            slack_client_secret=oauth["SLACK_CLIENT_SECRET"],
            slack_state_secret=oauth["SLACK_STATE_SECRET"],
            retention_days=int(retention_text),
            public_url=public_url,
        )

    @property
    def many_workspaces(self) -> bool:
        """SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET are set: installs through
        Slack's OAuth flow, each request authorized by its workspace's installation."""
        return bool(self.slack_client_id and self.slack_client_secret
                    and self.slack_state_secret)

    @property
    def has_slack_http(self) -> bool:
        return bool((self.slack_bot_token or self.many_workspaces) and self.slack_signing_secret)

    def require_http(self) -> None:
        missing = [
            name
            for name, value in (
                ("SLACK_BOT_TOKEN", self.slack_bot_token or self.many_workspaces),
                ("SLACK_SIGNING_SECRET", self.slack_signing_secret),
            )
            if not value
        ]
        if missing:
            where = {"SLACK_BOT_TOKEN": ("OAuth & Permissions → Bot User OAuth Token", "xoxb-…"),
                     "SLACK_SIGNING_SECRET": ("Basic Information → Signing Secret", "…")}
            raise ConfigError(
                "HTTP mode needs " + " and ".join(missing) + ": copy "
                + ("it" if len(missing) == 1 else "them") + " from your Slack app ("
                + "; ".join(where[name][0] for name in missing) + ") and set "
                + ("it" if len(missing) == 1 else "them") + ", e.g. export "
                + " ".join(f"{name}={where[name][1]}" for name in missing)
            )

    def require_socket(self) -> None:
        missing = [
            name
            for name, value in (
                ("SLACK_BOT_TOKEN", self.slack_bot_token),
                ("SLACK_APP_TOKEN", self.slack_app_token),
            )
            if not value
        ]
        if missing:
            where = {"SLACK_BOT_TOKEN": ("OAuth & Permissions → Bot User OAuth Token", "xoxb-…"),
                     "SLACK_APP_TOKEN": (("Basic Information → App-Level Tokens, with "
                                         "connections:write"), "xapp-…")}
            raise ConfigError(
                "Socket Mode needs " + " and ".join(missing) + ": create or copy "
                + ("it" if len(missing) == 1 else "them") + " in your Slack app ("
                + "; ".join(where[name][0] for name in missing) + ") and set "
                + ("it" if len(missing) == 1 else "them") + ", e.g. export "
                + " ".join(f"{name}={where[name][1]}" for name in missing)
            )

    def masked_database_url(self) -> str:
        """The database URL with any password replaced, safe for logs."""
        url = self.database_url
        if "@" in url and "://" in url:
            scheme, rest = url.split("://", 1)
            creds, host = rest.rsplit("@", 1)
            user = creds.split(":", 1)[0]
            return f"{scheme}://{user}:***@{host}" if ":" in creds else url
        return url


def _megabytes(text: str | None) -> int:
    """ACTIEBOT_MAX_PROGRAMME_MB in bytes: a positive number of megabytes (``12`` or ``2.5``)."""
    if text is None:
        return DEFAULT_MAX_PROGRAMME_MB * 1024 * 1024
    try:
        value = float(text) if text.isascii() else -1.0
    except ValueError:
        value = -1.0
    if not 0 < value <= MAX_PROGRAMME_MB_CEILING:  # also refuses nan and inf
        raise ConfigError(
            f"ACTIEBOT_MAX_PROGRAMME_MB={text[:20]!r} is not a size in megabytes between 0 and "
            f"{MAX_PROGRAMME_MB_CEILING}: leave it unset (default {DEFAULT_MAX_PROGRAMME_MB}) or "
            "set e.g. export ACTIEBOT_MAX_PROGRAMME_MB=40.")
    return int(value * 1024 * 1024)


def _cache_bytes(text: str | None) -> int:
    """ACTIEBOT_CACHE_MB in bytes: a positive number of megabytes (``64`` or ``12.5``)."""
    if text is None:
        return DEFAULT_CACHE_MB * 1024 * 1024
    try:
        value = float(text) if text.isascii() else -1.0
    except ValueError:
        value = -1.0
    if not 1 <= value <= 65536:  # also refuses nan and inf
        raise ConfigError(
            f"ACTIEBOT_CACHE_MB={text[:20]!r} is not a size in megabytes between 1 and 65536: "
            f"leave it unset (default {DEFAULT_CACHE_MB}) or set e.g. export ACTIEBOT_CACHE_MB=64.")
    return int(value * 1024 * 1024)
