"""Every text a user reads in chat, in one catalog merged from one module per subject
(messages/texts/, listed in SUBJECTS below); the documents keep theirs in documents/texts.py.
Short, polite, one phone screen.

`t("key", **values)` formats an entry; a missing key or value is a bug and raises.
Campaign facts (names, dates, criteria) are never written here: they come in as values.
"""

from __future__ import annotations

from messages.texts import (
    announcements,
    audit,
    campaign_editor,
    campaign_file,
    campaigns,
    channels,
    cli,
    communes,
    council_award,
    lookup,
    navigation,
    nomination,
    people_import,
    province,
    province_web,
    registration,
    reports,
    review,
    web,
)

SUBJECTS = (
    navigation,
    registration,
    nomination,
    reports,
    review,
    council_award,
    lookup,
    announcements,
    province,
    people_import,
    web,
    province_web,
    channels,
    cli,
    audit,
    communes,
    campaign_file,
    campaign_editor,
    campaigns,
)

MESSAGES: dict[str, str] = {
    # a key not yet sorted into its subject's module under messages/texts/ waits here
}
for _subject in SUBJECTS:
    MESSAGES.update(_subject.TEXTS)


def t(key: str, **values: object) -> str:
    return MESSAGES[key].format(**values)


def has(key: str) -> bool:
    return key in MESSAGES
