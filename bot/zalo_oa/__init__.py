"""Zalo Official Account channel: the OA's API client, its tokens, the channel and its window."""

from .channel import CHANNEL, PATH, ZaloOaChannel, signature
from .client import OaApiError, OaClient, OaError
from .tokens import OaTokens, TokenError

__all__ = [
    "CHANNEL",
    "PATH",
    "ZaloOaChannel",
    "signature",
    "OaClient",
    "OaError",
    "OaApiError",
    "OaTokens",
    "TokenError",
]
