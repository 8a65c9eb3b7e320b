"""Mini App pages on channels without web_app buttons (Zalo, the console): each becomes a line with a signed,
expiring link for the person the message goes to, who opens it in a browser."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from cdht.bot.files_server import SignedLink
from cdht.conversations.outbound import OpenApp, OutboundMessage

if TYPE_CHECKING:
    from cdht.config import Settings


class AppLinkSigner(Protocol):
    """`cdht.bot.web.security.OpenLinks`: a link that signs one person in, on one channel, to one page."""

    def link(self, person_id: int, channel: str, path: str) -> SignedLink: ...


def open_links(settings: Settings) -> AppLinkSigner | None:
    """The signer of Mini App links; None when the Mini App is off (no public URL, or turned off)."""
    from cdht.bot.composition import miniapp_url

    base = miniapp_url(settings)
    if base is None:
        return None
    from cdht.bot.web.security import OpenLinks, miniapp_secret

    return OpenLinks(base, miniapp_secret(settings), ttl_seconds=settings.miniapp_link_minutes * 60)


def until_text(link: SignedLink, zone: ZoneInfo) -> str:
    return f"(Liên kết dùng một lần, đến {link.expires_at.astimezone(zone):%H:%M ngày %d/%m/%Y}.)"


def app_link_lines(
    message: OutboundMessage,
    signer: AppLinkSigner | None,
    person_id: int | None,
    channel: str,
    zone: ZoneInfo,
) -> tuple[str, ...]:
    """«🖥 Mở bảng tiến độ: <url>» and until when it works, for each Mini App button; nothing when the Mini
    App is off or the recipient is not known (a link signs a person in)."""
    if signer is None or person_id is None:
        return ()
    lines: list[str] = []
    for row in message.buttons:
        for button in row:
            if isinstance(button.action, OpenApp):
                link = signer.link(person_id, channel, button.action.path)
                lines += ["", f"{button.label}: {link.url}", until_text(link, zone)]
    return tuple(lines)
