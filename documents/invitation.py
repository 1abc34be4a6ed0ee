"""The printable invitation for village meetings: the campaign, a QR code of the bot's Telegram
link and one of the commune's Zalo Official Account (its follow link), the Zalo bot's name, on
one A5 page (PDF) or picture (PNG)."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

from documents.texts import t
from domain.campaign import Campaign

FORMATS = (".pdf", ".png")
PAGE = (5.83, 8.27)  # A5 portrait, inches
HOW_TO_START = "Bấm /start rồi chọn «Đề cử gương điển hình»."


class InvitationError(ValueError):
    """The invitation cannot be written as asked (no link to encode, an unknown file type)."""


@dataclass(frozen=True)
class Invitation:
    path: Path
    link: str | None
    zalo_name: str | None
    oa_link: str | None = None


def telegram_link(username: str | None, start: str = "") -> str | None:
    """The bot's link; with `start`, a deep link (a bot several communes share opens on the
    commune's own: ?start=c-<commune code>)."""
    if not username:
        return None
    return f"https://t.me/{username.lstrip('@')}" + (f"?start={start}" if start else "")


def oa_link(oa_id: str | None) -> str | None:
    """The Official Account's page on Zalo (Quan tâm = follow), which its QR code opens."""
    return f"https://zalo.me/{oa_id}" if oa_id else None


def qr_matrix(data: str) -> list[list[bool]]:
    import qrcode  # a well-kept QR encoder; loaded only when an invitation is made

    qr = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(data)
    qr.make(fit=True)
    return qr.get_matrix()


def write_invitation(
    campaign: Campaign,
    path: Path,
    *,
    telegram_username: str | None,
    zalo_name: str | None,
    zalo_oa_id: str | None = None,
    start: str = "",
) -> Invitation:
    """Write the invitation; the file type follows the name (.pdf or .png)."""
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise InvitationError(t("invitation.format", name=path.name))
    link = telegram_link(telegram_username, start)
    oa = oa_link(zalo_oa_id)
    if link is None and not zalo_name and oa is None:
        raise InvitationError(t("invitation.no_bot"))
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    fig = plt.figure(figsize=PAGE)
    try:
        c = campaign
        lines = [(c.organiser.name.upper(), 11, "bold"), ("", 6, "normal")]
        lines += [(w, 13, "bold") for w in textwrap.wrap(c.campaign.short_title, 38)]
        lines += [("", 6, "normal")]
        lines += [(w, 10, "normal") for w in textwrap.wrap(c.launch.invitation_text, 55)]
        deadline = c.deadline_local.strftime("%d/%m/%Y")
        lines += [("", 4, "normal"), (f"Hạn gửi hồ sơ: {deadline}", 11, "bold")]
        y = 0.95
        for text, size, weight in lines:  # one line is 1.35 × the font size high
            fig.text(0.5, y, text, ha="center", va="top", fontsize=size, fontweight=weight)
            y -= size * 1.35 / 72 / PAGE[1]
        codes = [(url, label) for url, label in ((link, "Telegram"), (oa, "Zalo OA")) if url]
        width = 0.62 if len(codes) == 1 else 0.4  # one large square, or two side by side
        for n, (url, label) in enumerate(codes):
            left = (1 - width) / 2 if len(codes) == 1 else 0.06 + n * 0.48
            ax = fig.add_axes((left, 0.2, width, width * PAGE[0] / PAGE[1]))
            ax.imshow(qr_matrix(url), cmap="binary", interpolation="nearest")
            ax.set_axis_off()
            size = 11 if len(codes) == 1 else 8
            fig.text(
                left + width / 2, 0.16, f"{label}: {url.removeprefix('https://')}", ha="center", fontsize=size
            )
        if zalo_name:
            fig.text(0.5, 0.12, f"Zalo: tìm «{zalo_name}»", ha="center", fontsize=11)
        fig.text(0.5, 0.06, HOW_TO_START, ha="center", fontsize=9)
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=200)
    finally:
        plt.close(fig)
    return Invitation(path, link, zalo_name, oa)
