"""Settings from the environment and .env (pydantic-settings). See .env.example."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class SettingsError(SystemExit):
    """Raised with one line naming the setting; exits with status 2."""

    def __init__(self, message: str) -> None:
        super().__init__(2)
        self.message = message


# Dates a campaign can sensibly use: outside them Python's date arithmetic overflows
# (9999-12-31 plus a day) long before anyone would notice a typo.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def in_range(name: str, value, low, high, unit: str = ""):
    """The value if low <= value <= high, else SettingsError naming it (one line, exit 2)."""
    if not low <= value <= high:
        raise SettingsError(f"{name}: between {low} and {high}{unit}, not {value}")
    return value


def sane_moment(name: str, moment: datetime | date):
    """A date or moment between FIRST_YEAR and LAST_YEAR, else SettingsError naming it."""
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise SettingsError(f"{name}: a date between {FIRST_YEAR} and {LAST_YEAR}, not {moment.isoformat()}")
    return moment


TOKEN_FORMS = {"telegram_bot_token": "123456:ABC... from @BotFather", "zalo_bot_token": "{bot_id}:{secret}"}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    database_url: str = "sqlite:///data/thidua.db"
    campaign_file: Path = Path("campaigns/tran-ninh-2024.toml")
    campaign_deadline: datetime | date | None = None
    telegram_bot_token: SecretStr | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_base_file_url: str = "https://api.telegram.org/file/bot"
    # Telegram's paid broadcast (allow_paid_broadcast): above the free 30 messages a second, for
    # a fee in Telegram Stars per message; used only for a message that would otherwise wait
    # longer than TELEGRAM_PAID_AFTER_SECONDS, at most TELEGRAM_PAID_MAX_PER_SECOND a second
    telegram_paid_broadcast: bool = False
    telegram_paid_after_seconds: float = Field(default=5.0, ge=0, le=3600)
    telegram_paid_max_per_second: int = Field(default=100, ge=1, le=970)  # 1,000/s less the free 30
    telegram_stars_per_paid_message: float = Field(default=0.1, ge=0, le=100)
    zalo_bot_token: SecretStr | None = None
    zalo_base_url: str = "https://bot-api.zaloplatforms.com"
    zalo_poll_timeout: int = Field(default=30, ge=1, le=60)  # getUpdates long poll, seconds
    # how long a claim on outbox rows holds (a dead holder's rows are sent by another process
    # after it); a turn's own replies are held at most 60 s
    outbox_lease_seconds: int = Field(default=300, ge=1, le=3600)
    zalo_rate: float = Field(default=20.0, gt=0, le=1000)  # messages per second, all chats together
    zalo_chat_rate: float = Field(default=1.0, gt=0, le=1000)  # messages per second to one chat...
    zalo_chat_burst: int = Field(default=5, ge=1, le=1000)  # ...after a burst of this many
    webhook_base_url: str | None = None
    webhook_secret: SecretStr | None = None
    port: int = Field(default=8080, ge=1, le=65535)
    # the address the web server listens on: this machine only, behind the reverse proxy
    host: str = Field(default="127.0.0.1", min_length=1, max_length=255)
    # the proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (comma-separated
    # addresses or networks, "*" for any); from any other peer the headers are ignored
    forwarded_allow_ips: str = "127.0.0.1"
    web_base_url: str | None = None  # the console's address in sign-in links
    # the province console's host (several communes, docs/production.md): its own address,
    # apart from every commune's console host; empty: no province console is served
    province_host: str | None = Field(
        default=None, pattern=r"^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$"
    )
    log_level: str = "INFO"
    media_dir: Path = Path("data/media")
    demo_database_url: str = "sqlite:///data/demo.db"
    # the commune whose data DATABASE_URL holds (the first of the province registry); by
    # default its code is the campaign's organiser place folded (tran-ninh), its name the
    # organiser's name
    commune_code: str | None = Field(default=None, pattern=r"^[a-z0-9-]{2,32}$")
    commune_name: str | None = Field(default=None, min_length=2, max_length=200)
    telegram_bot_username: str | None = Field(default=None, pattern=r"^@?[A-Za-z][A-Za-z0-9_]{3,31}$")
    zalo_bot_name: str | None = Field(default=None, max_length=60)
    # Zalo Official Account (docs/zalo-oa.md): the app, the OA, and the first token pair (the
    # database keeps the renewed pair from then on)
    zalo_oa_app_id: str | None = Field(default=None, pattern=r"^[0-9]{1,32}$")
    zalo_oa_secret_key: SecretStr | None = None  # the OA secret key: webhook signatures
    zalo_oa_app_secret: SecretStr | None = None  # the app secret key: token renewal
    zalo_oa_access_token: SecretStr | None = None
    zalo_oa_refresh_token: SecretStr | None = None
    zalo_oa_id: str | None = Field(default=None, pattern=r"^[0-9]{1,32}$")
    zalo_oa_api_url: str = "https://openapi.zalo.me"
    zalo_oa_oauth_url: str = "https://oauth.zaloapp.com"
    zalo_oa_zns_url: str = "https://business.openapi.zalo.me"
    zalo_oa_window_hours: int = Field(default=48, ge=1, le=24 * 7)
    zalo_oa_renew_before_minutes: int = Field(default=60, ge=1, le=24 * 60)
    zalo_oa_max_event_age: int = Field(default=300, ge=10, le=86400)  # seconds
    # template (ZNS) per purpose: {"reminder": {"id": "...", "params": {"name": "name", ...}}}
    zalo_oa_templates: Annotated[dict[str, dict], NoDecode] = Field(default_factory=dict)  # JSON, read below

    @field_validator("campaign_deadline", mode="before")
    @classmethod
    def _empty_deadline(cls, v: object) -> object:
        if isinstance(v, str) and not v.strip():
            return None
        if isinstance(v, str) and len(v.strip()) == 10:
            return date.fromisoformat(v.strip())
        return v

    @field_validator("campaign_deadline")
    @classmethod
    def _sane_deadline(cls, v: datetime | date | None) -> datetime | date | None:
        if v is not None and not FIRST_YEAR <= v.year <= LAST_YEAR:
            raise ValueError(f"a date between {FIRST_YEAR} and {LAST_YEAR}")
        return v

    @field_validator(
        "telegram_base_url",
        "telegram_base_file_url",
        "zalo_base_url",
        "webhook_base_url",
        "zalo_oa_api_url",
        "zalo_oa_oauth_url",
        "zalo_oa_zns_url",
    )
    @classmethod
    def _http_url(cls, v: str | None) -> str | None:
        if v is not None and not v.startswith(("https://", "http://")):
            raise ValueError("an http(s):// URL")
        return v

    @field_validator(
        "telegram_bot_token",
        "zalo_bot_token",
        "webhook_secret",
        "webhook_base_url",
        "telegram_bot_username",
        "zalo_bot_name",
        "web_base_url",
        "province_host",
        "zalo_oa_app_id",
        "zalo_oa_secret_key",
        "zalo_oa_app_secret",
        "zalo_oa_access_token",
        "zalo_oa_refresh_token",
        "zalo_oa_id",
        "commune_code",
        "commune_name",
        mode="before",
    )
    @classmethod
    def _empty_none(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v

    @field_validator("telegram_bot_token", "zalo_bot_token")
    @classmethod
    def _token(cls, v: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        if v is not None and ":" not in v.get_secret_value():
            raise ValueError(f"expected the form {TOKEN_FORMS[str(info.field_name)]}")
        return v

    @field_validator("webhook_secret")
    @classmethod
    def _secret(cls, v: SecretStr | None) -> SecretStr | None:
        if v is not None:
            import re

            if not re.fullmatch(r"[A-Za-z0-9_-]{8,256}", v.get_secret_value()):
                raise ValueError("8 to 256 characters of A-Z, a-z, 0-9, _ and -")
        return v

    @field_validator("log_level")
    @classmethod
    def _level(cls, v: str) -> str:
        v = v.upper()
        if v not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError("one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return v

    @property
    def console_url(self) -> str:
        """The web console's address as people open it (sign-in links, the exports page)."""
        base = self.web_base_url or self.webhook_base_url or f"http://127.0.0.1:{self.port}"
        return base.rstrip("/")

    @field_validator("zalo_oa_templates", mode="before")
    @classmethod
    def _templates_json(cls, v: object) -> object:
        if isinstance(v, str):
            import json

            if not v.strip():
                return {}
            try:
                return json.loads(v)
            except ValueError:
                raise ValueError('JSON such as {"reminder": {"id": "...", "params": {...}}}') from None
        return v

    @field_validator("zalo_oa_templates")
    @classmethod
    def _templates(cls, v: dict[str, dict]) -> dict[str, dict]:
        for purpose, spec in v.items():
            if purpose not in ("reminder", "decision", "announcement"):
                raise ValueError(f"{purpose}: one of reminder, decision, announcement")
            if not str(spec.get("id", "")).strip() or not isinstance(spec.get("params", {}), dict):
                raise ValueError(f'{purpose}: {{"id": "<template id>", "params": {{...}}}}')
        return v

    @property
    def zalo_oa_on(self) -> bool:
        return self.zalo_oa_app_id is not None and self.zalo_oa_secret_key is not None

    @property
    def has_channel(self) -> bool:
        return self.telegram_bot_token is not None or self.zalo_bot_token is not None or self.zalo_oa_on

    def check_webhook(self) -> None:
        if self.webhook_base_url and self.webhook_secret is None:
            raise SettingsError("WEBHOOK_SECRET: required when WEBHOOK_BASE_URL is set")
        oa = {
            "ZALO_OA_APP_ID": self.zalo_oa_app_id,
            "ZALO_OA_SECRET_KEY": self.zalo_oa_secret_key,
            "ZALO_OA_APP_SECRET": self.zalo_oa_app_secret,
            "ZALO_OA_ID": self.zalo_oa_id,
        }
        given = [name for name, value in oa.items() if value is not None]
        if given and len(given) < len(oa):
            missing = next(name for name, value in oa.items() if value is None)
            raise SettingsError(f"{missing}: required with {given[0]} (the Zalo Official Account)")


def load_settings(**overrides: object) -> Settings:
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        err = exc.errors()[0]
        name = str(err["loc"][0]).upper() if err["loc"] else "settings"
        msg = str(err["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"{name}: {msg}") from None
    settings.check_webhook()
    return settings
