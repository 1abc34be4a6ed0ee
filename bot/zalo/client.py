"""An async client for the Zalo Bot Platform API (httpx).

Every call is `POST {base}/bot{TOKEN}/{method}` with a JSON body and answers
`{"ok": true, "result": ...}` or `{"ok": false, "error_code": N, "description": "..."}`.
The token is part of every URL, so it is scrubbed from every error this module raises and
from the httpx/httpcore log records while a client is open.
"""

from __future__ import annotations

import logging
import socket
from typing import Any

import httpx

log = logging.getLogger(__name__)

NOTHING_ARRIVED = 408  # getUpdates: the long poll ended without an update


class ZaloError(Exception):
    """A failed call. `retryable` when trying again later may succeed."""

    retryable = True
    retry_after: float | None = None


class ZaloNetworkError(ZaloError):
    """The request did not get an answer (connection, timeout)."""


class ZaloApiError(ZaloError):
    """The API answered {"ok": false} (or an HTTP error without a usable body)."""

    def __init__(
        self, method: str, error_code: int, description: str, retry_after: float | None = None
    ) -> None:
        super().__init__(f"{method}: error {error_code}: {description}")
        self.method = method
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after
        self.retryable = error_code == 429 or error_code >= 500


class _Scrub(logging.Filter):
    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage()
        if self.secret in msg:
            record.msg, record.args = msg.replace(self.secret, "***"), ()
        return True


def transport() -> httpx.AsyncHTTPTransport:
    """TCP_NODELAY: a JSON POST goes out in two writes (headers, body); let neither wait for
    an ACK (bench/zalo_channel.py, local fake: 2.2 -> 1.3 ms per call)."""
    return httpx.AsyncHTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])


class ZaloClient:
    def __init__(
        self,
        token: str,
        base_url: str = "https://bot-api.zaloplatforms.com",
        *,
        timeout: float = 15.0,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        if not token:
            raise ValueError("a Zalo bot token is required")
        self._token = token
        self._base = f"{base_url.rstrip('/')}/bot{token}/"
        self.timeout = timeout
        self._http = http or httpx.AsyncClient(timeout=httpx.Timeout(timeout), transport=transport())
        self._own_http = http is None
        # httpx logs request URLs (with the token) at INFO: mask them whatever the log setup.
        self._filter = _Scrub(token)
        for name in ("httpx", "httpcore"):
            logging.getLogger(name).addFilter(self._filter)

    def scrub(self, text: str) -> str:
        return text.replace(self._token, "***")

    async def aclose(self) -> None:
        if self._own_http:
            await self._http.aclose()
        for name in ("httpx", "httpcore"):
            logging.getLogger(name).removeFilter(self._filter)

    async def call(
        self, method: str, payload: dict[str, Any] | None = None, *, timeout: float | None = None
    ) -> Any:
        """One API call; the result, or ZaloApiError / ZaloNetworkError (token-free)."""
        try:
            resp = await self._http.post(
                self._base + method, json=payload or {}, timeout=timeout or self.timeout
            )
        except httpx.HTTPError as exc:
            raise ZaloNetworkError(f"{method}: {type(exc).__name__}: {self.scrub(str(exc))}") from None
        try:
            body = resp.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or "ok" not in body:
            raise ZaloApiError(
                method,
                resp.status_code if resp.status_code >= 400 else 502,
                f"HTTP {resp.status_code}, no API answer",
                _retry_after(resp, None),
            )
        if body.get("ok") is True and resp.status_code < 400:
            return body.get("result")
        code = body.get("error_code")
        code = int(code) if isinstance(code, (int, str)) and str(code).isdigit() else resp.status_code
        description = self.scrub(str(body.get("description") or "")[:300])
        raise ZaloApiError(method, code, description, _retry_after(resp, body))

    # -- the methods ------------------------------------------------------------------------
    async def get_me(self) -> dict:
        return await self.call("getMe")

    async def get_updates(self, timeout: int = 30) -> dict | None:
        """ONE update, or None when the long poll ended with nothing (error 408)."""
        try:
            return await self.call("getUpdates", {"timeout": str(timeout)}, timeout=timeout + self.timeout)
        except ZaloApiError as exc:
            if exc.error_code == NOTHING_ARRIVED:
                return None
            raise

    async def set_webhook(self, url: str, secret_token: str) -> dict:
        return await self.call("setWebhook", {"url": url, "secret_token": secret_token})

    async def delete_webhook(self) -> dict:
        return await self.call("deleteWebhook")

    async def get_webhook_info(self) -> dict:
        return await self.call("getWebhookInfo")

    async def send_message(self, chat_id: str, text: str) -> dict:
        return await self.call("sendMessage", {"chat_id": chat_id, "text": text})

    async def send_photo(self, chat_id: str, photo: str, caption: str | None = None) -> dict:
        payload = {"chat_id": chat_id, "photo": photo}
        if caption:
            payload["caption"] = caption
        return await self.call("sendPhoto", payload)

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> Any:
        return await self.call("sendChatAction", {"chat_id": chat_id, "action": action})


def _retry_after(resp: httpx.Response, body: dict | None) -> float | None:
    """Seconds to wait, from a Retry-After header or a Telegram-style parameters.retry_after."""
    value: Any = None
    if body is not None and isinstance(body.get("parameters"), dict):
        value = body["parameters"].get("retry_after")
    if value is None:
        value = resp.headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except (TypeError, ValueError):
        return None
