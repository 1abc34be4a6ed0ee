"""Logging for every command: one line format, and no secret in any line."""

from __future__ import annotations

import logging

from .settings import Settings


class SecretFilter(logging.Filter):
    """Removes bot tokens and secrets from every log line (they sit inside API URLs)."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        msg = record.getMessage()
        clean = msg
        for s in self.secrets:
            clean = clean.replace(s, "***")
        if clean != msg:
            record.msg, record.args = clean, ()
        return True


def setup_logging(settings: Settings, *, one_shot: bool = False) -> None:
    """Log lines to stderr, secrets masked. A one-shot command (an export, an invite, the
    digest…) prints its result; its log says only what went wrong (WARNING and above), so its
    output is that result and nothing else."""
    secrets = [
        v.get_secret_value()
        for v in (
            settings.telegram_bot_token,
            settings.zalo_bot_token,
            settings.webhook_secret,
            settings.zalo_oa_secret_key,
            settings.zalo_oa_app_secret,
            settings.zalo_oa_access_token,
            settings.zalo_oa_refresh_token,
        )
        if v is not None
    ]
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(SecretFilter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    level = logging.getLevelName(settings.log_level)
    root.setLevel(max(level, logging.WARNING) if one_shot and isinstance(level, int) else settings.log_level)
    # httpx logs every request URL at INFO, and a bot token is part of those URLs
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
