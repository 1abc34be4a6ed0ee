"""python -m bot announce / invitation: announcements and the printable invitation.

  python -m bot announce --audience all|heads|unit:T01|residents:T01|drafts|no-submission \
      --text "…" [--photo FILE] [--dry-run]
  python -m bot invitation --out FILE.pdf|FILE.png
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

from sqlmodel import Session

from documents.invitation import InvitationError, write_invitation
from domain import broadcasts
from domain.broadcasts import Audience, AudienceError
from domain.uow import UnitOfWork
from messages.catalog import t

from .scope import add_commune, app_for, start_param

PHOTO_TYPES = {".jpg", ".jpeg", ".png", ".webp"}
PHOTO_MAX_BYTES = 10 * 1024 * 1024


def add_parsers(subparsers) -> None:
    p = subparsers.add_parser("announce", help="send an announcement to an audience (through the outbox)")
    p.add_argument(
        "--audience", required=True, help="all, heads, unit:T01[,T02], residents:T01, drafts or no-submission"
    )
    p.add_argument("--text", required=True, help="the announcement's text")
    p.add_argument("--photo", type=Path, help="a picture sent with it (jpg, png, webp; at most 10 MB)")
    p.add_argument("--dry-run", action="store_true", help="say how many people it would reach; send nothing")
    p.add_argument("--demo", action="store_true", help="on the demo database")
    add_commune(p)
    p.set_defaults(handler=announce)
    inv = subparsers.add_parser("invitation", help="in giấy mời (PDF hoặc PNG có mã QR)")
    inv.add_argument("--out", required=True, type=Path, help="tệp sẽ ghi ra (.pdf hoặc .png)")
    inv.add_argument("--demo", action="store_true", help="theo hạn gửi của đợt thi đua thử")
    add_commune(inv)
    inv.set_defaults(handler=invitation)


def keep_photo(photo: Path, media_dir: Path) -> str:
    """Copy the picture into the media folder under its content hash; the outbox names that copy."""
    if photo.suffix.lower() not in PHOTO_TYPES:
        raise ValueError(f"--photo: {photo.name}: use a jpg, png or webp picture")
    if not photo.is_file():
        raise ValueError(f"--photo: {photo}: no such file")
    if photo.stat().st_size > PHOTO_MAX_BYTES:
        raise ValueError(f"--photo: {photo.name}: larger than 10 MB")
    digest = hashlib.sha256(photo.read_bytes()).hexdigest()
    target = media_dir / "announcements" / f"{digest}{photo.suffix.lower()}"
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        shutil.copyfile(photo, target)
    return str(target.resolve())


def announce(args, settings) -> int:
    app = app_for(args, settings)
    try:
        audience = Audience.parse(args.audience, app.campaign)
        text = args.text.strip()
        if not text:
            raise AudienceError("--text: empty")
        photo = keep_photo(args.photo, settings.media_dir) if args.photo and not args.dry_run else None
    except (AudienceError, ValueError) as exc:
        msg = str(exc)
        print(msg if msg.startswith("--") else f"--audience: {msg}", file=sys.stderr)
        return 2
    if args.dry_run:
        with Session(app.db) as s:
            p = broadcasts.preview(s, app.campaign, audience)
        print(t("announce.preview", members=p.members, groups=p.groups))
        return 0
    with UnitOfWork.begin(app.db, app.clock.now()) as uow:
        [done] = broadcasts.announce(uow, None, app.campaign, audience, text, channel="cli", photo=photo)
        uow.commit()
    print(t("announce.queued", id=done.announcement_id, members=done.members, groups=done.groups))
    return 0


def invitation(args, settings) -> int:
    app = app_for(args, settings)
    try:
        made = write_invitation(
            app.campaign,
            args.out,
            telegram_username=app.settings.telegram_bot_username,
            zalo_name=app.settings.zalo_bot_name,
            zalo_oa_id=app.settings.zalo_oa_id,
            start=start_param(app),
        )
    except InvitationError as exc:
        print(str(exc), file=sys.stderr)  # one Vietnamese line
        return 2
    print(made.path)
    return 0
