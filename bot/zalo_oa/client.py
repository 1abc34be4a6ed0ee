"""An async client for the Zalo Official Account API (httpx): the v3 message API, ZNS
templates and the token renewal.

Every message call is a JSON POST with the access token in an `access_token` header; the answer
is HTTP 200 with `{"error": 0, "data": ...}` on success and a negative `error` otherwise (the
status code says little). The renewal is a form POST to the OAuth server with the app's secret
key in a `secret_key` header. Tokens and secrets never reach an error text or a log line."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import httpx

from ..zalo.client import transport

log = logging.getLogger(__name__)

# The API's error numbers this channel acts on
TOKEN_INVALID = -216  # the access token expired or is wrong: renew, try once more
RATE_LIMITED = -32  # too many calls: later
OUT_OF_QUOTA = -211  # the OA's monthly quota of this message type is used up: later
NOT_FOLLOWER = -213  # the person unfollowed the OA (or never followed): unreachable
OUTSIDE_WINDOW = -230  # the person has not written within the window: free-form refused
REFRESH_USED = -14020  # the refresh token was used already or expired


class OaError(Exception):
    """A failed call. `retryable` when trying again later may succeed."""

    retryable = True
    error_code = 0
    retry_after: float | None = None


class OaNetworkError(OaError):
    """No answer (connection, timeout)."""


class OaApiError(OaError):
    def __init__(self, what: str, error_code: int, description: str) -> None:
        super().__init__(f"{what}: error {error_code}: {description}")
        self.error_code = error_code
        self.description = description
        self.retryable = error_code in (RATE_LIMITED, OUT_OF_QUOTA) or error_code >= 500
        if error_code == RATE_LIMITED:
            self.retry_after = 1.0
        elif error_code == OUT_OF_QUOTA:
            self.retry_after = 3600.0


@dataclass(frozen=True)
class Pair:
    """A renewal's answer: the new access token, the new refresh token, seconds left."""

    access: str
    refresh: str
    expires_in: int


class OaClient:
    def __init__(
        self,
        api_url: str = "https://openapi.zalo.me",
        oauth_url: str = "https://oauth.zaloapp.com",
        zns_url: str = "https://business.openapi.zalo.me",
        *,
        timeout: float = 15.0,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self.api = api_url.rstrip("/")
        self.oauth = oauth_url.rstrip("/")
        self.zns = zns_url.rstrip("/")
        self._http = http or httpx.AsyncClient(timeout=httpx.Timeout(timeout), transport=transport())
        self._own_http = http is None

    async def aclose(self) -> None:
        if self._own_http:
            await self._http.aclose()

    async def _post(self, what: str, url: str, **kw: Any) -> dict:
        try:
            resp = await self._http.post(url, **kw)
        except httpx.HTTPError as exc:
            raise OaNetworkError(f"{what}: {type(exc).__name__}") from None
        try:
            body = resp.json()
        except ValueError:
            body = None
        if resp.status_code == 401:
            raise OaApiError(what, TOKEN_INVALID, "HTTP 401")
        if not isinstance(body, dict):
            code = resp.status_code if resp.status_code >= 500 else 502
            raise OaApiError(what, code, f"HTTP {resp.status_code}, no API answer")
        if resp.status_code >= 500:
            raise OaApiError(what, resp.status_code, f"HTTP {resp.status_code}")
        return body

    async def message(self, access_token: str, user_id: str, message: dict, kind: str = "cs") -> dict:
        """One message to one follower: `cs` (free-form, within the window)."""
        body = await self._post(
            f"message/{kind}",
            f"{self.api}/v3.0/oa/message/{kind}",
            json={"recipient": {"user_id": user_id}, "message": message},
            headers={"access_token": access_token},
        )
        return _result(f"message/{kind}", body)

    async def template(
        self, access_token: str, phone: str, template_id: str, data: dict, tracking_id: str
    ) -> dict:
        """A registered ZNS template to the person's phone (outside the window)."""
        body = await self._post(
            "message/template",
            f"{self.zns}/message/template",
            json={
                "phone": phone,
                "template_id": template_id,
                "template_data": data,
                "tracking_id": tracking_id,
            },
            headers={"access_token": access_token},
        )
        return _result("message/template", body)

    async def renew(self, app_id: str, app_secret: str, refresh_token: str) -> Pair:
        body = await self._post(
            "access_token",
            f"{self.oauth}/v4/oa/access_token",
            data={"refresh_token": refresh_token, "app_id": app_id, "grant_type": "refresh_token"},
            headers={"secret_key": app_secret},
        )
        access, refresh = body.get("access_token"), body.get("refresh_token")
        if not isinstance(access, str) or not isinstance(refresh, str) or not access or not refresh:
            code = body.get("error")
            code = int(code) if isinstance(code, int | str) and str(code).lstrip("-").isdigit() else 400
            raise OaApiError("access_token", code, str(body.get("error_description") or "")[:200])
        try:
            expires_in = int(body.get("expires_in") or 0)
        except (TypeError, ValueError):
            expires_in = 0
        return Pair(access, refresh, expires_in if expires_in > 0 else 90000)


def _result(what: str, body: dict) -> dict:
    code = body.get("error", 0)
    try:
        code = int(code)
    except (TypeError, ValueError):
        code = -1
    if code != 0:
        raise OaApiError(what, code, str(body.get("message") or "")[:200])
    data = body.get("data")
    return data if isinstance(data, dict) else {}
