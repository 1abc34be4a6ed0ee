"""The Telegram channel, split by job: inbound (updates -> events), outbound (replies -> Bot
API calls), buttons (keyboards and callback data), commands (per-role command menus),
links (invite deep links), channel (the Application's lifecycle and one update's turn)."""

from .buttons import parse_data
from .channel import PATH, SECRET_HEADER, TelegramChannel
from .inbound import CHANNEL, parse_command
from .links import invite_link

__all__ = [
    "CHANNEL",
    "PATH",
    "SECRET_HEADER",
    "TelegramChannel",
    "invite_link",
    "parse_command",
    "parse_data",
]
