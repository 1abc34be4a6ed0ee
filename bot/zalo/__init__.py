"""Zalo Bot Platform channel: an httpx client, the channel, and the evidence media store."""

from .channel import CHANNEL, ZaloChannel
from .client import ZaloApiError, ZaloClient, ZaloError, ZaloNetworkError
from .media import MediaError, MediaStore

__all__ = [
    "CHANNEL",
    "ZaloChannel",
    "ZaloClient",
    "ZaloError",
    "ZaloApiError",
    "ZaloNetworkError",
    "MediaError",
    "MediaStore",
]
