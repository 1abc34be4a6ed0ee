"""Telegram updates -> InboundEvents for the core (None: nothing to answer)."""

from __future__ import annotations

from telegram import CallbackQuery, Update

from messages.model import InboundEvent, PhotoIn, VoiceIn

from .buttons import DATA_LIMIT, Keyboards, parse_data

CHANNEL = "telegram"


def parse_command(text: str, username: str | None) -> tuple[str, str] | None:
    """ "/cmd@bot args" -> ("cmd", "args"); None when it is not a command for this bot."""
    if not text.startswith("/"):
        return None
    head, _, args = text[1:].partition(" ")
    name, _, target = head.partition("@")
    if not name or not name.replace("_", "").isalnum():
        return None
    if target and username and target.lower() != username.lower():
        return None  # addressed to another bot in a group
    return name.lower(), args.strip()


def to_event(update: Update, username: str | None, keyboards: Keyboards) -> InboundEvent | None:
    key = str(update.update_id)
    cq = update.callback_query
    if cq is not None:
        return _choice_event(key, cq, keyboards)
    msg = update.message
    if msg is None or msg.from_user is None:
        return None  # edits, channel posts, membership changes: nothing to answer
    user = msg.from_user
    base = dict(
        channel=CHANNEL,
        user_id=str(user.id),
        chat_id=str(msg.chat.id),
        key=key,
        display_name=user.full_name,
        chat_type=msg.chat.type,
    )
    if msg.text is not None:
        cmd = parse_command(msg.text, username)
        if cmd is not None:
            return InboundEvent(kind="command", command=cmd[0], args=cmd[1], **base)
    if msg.chat.type != "private":
        return None  # in groups only commands addressed to the bot matter
    if msg.text is not None:
        return InboundEvent(kind="text", text=msg.text, **base)
    doc = msg.document
    picture = (
        msg.photo[-1]
        if msg.photo
        # the largest size; an image sent as a file
        else (doc if doc is not None and (doc.mime_type or "").startswith("image/") else None)
    )
    if picture is not None:
        return InboundEvent(
            kind="photo",
            photo=PhotoIn(unique_id=picture.file_unique_id, file_id=picture.file_id, caption=msg.caption),
            **base,
        )
    if msg.contact is not None:
        return InboundEvent(kind="contact", phone=msg.contact.phone_number, **base)
    sound = msg.voice or msg.audio  # a voice note answers a text step and is kept as evidence
    if sound is not None:
        return InboundEvent(
            kind="voice",
            voice=VoiceIn(
                unique_id=sound.file_unique_id, file_id=sound.file_id, duration=int(sound.duration or 0)
            ),
            **base,
        )
    return InboundEvent(kind="unsupported", **base)


def _choice_event(key: str, cq: CallbackQuery, keyboards: Keyboards) -> InboundEvent | None:
    msg = cq.message
    chat_id = str(msg.chat.id) if msg is not None else str(cq.from_user.id)
    chat_type = msg.chat.type if msg is not None else "private"
    if chat_type != "private":
        return None
    base = dict(
        channel=CHANNEL,
        user_id=str(cq.from_user.id),
        chat_id=chat_id,
        key=key,
        display_name=cq.from_user.full_name,
        chat_type=chat_type,
    )
    parsed = parse_data(cq.data or "")
    if parsed is None:  # not ours: the core answers it as a passed question
        return InboundEvent(kind="choice", choice=(cq.data or "")[:DATA_LIMIT], seq=-1, **base)
    seq, value, index = parsed
    if index is not None:
        value = keyboards.long_value(chat_id, seq, index)
        if value is None:  # this process did not draw it: answer as the numbered channels do
            return InboundEvent(kind="text", text=str(index + 1), **base)
    return InboundEvent(kind="choice", choice=value, seq=seq, **base)
