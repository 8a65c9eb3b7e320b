"""The Zalo Bot API's payloads, as far as the bot reads them. Unknown fields are kept (`extra="allow"`) and ids
are strings whatever JSON type they arrive in: the platform is young and its payloads have varied."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

TEXT_RECEIVED = "message.text.received"
IMAGE_RECEIVED = "message.image.received"
STICKER_RECEIVED = "message.sticker.received"
UNSUPPORTED_RECEIVED = "message.unsupported.received"

# Where payloads put a photo's URL. Zalo's docs (Webhook, "Message") say `photo`, a string; the others stay
# accepted because other clients read them (OpenClaw's inbound parsing, for one) and real traffic may differ.
_URL_KEYS = (
    "photo",
    "photo_url",
    "photoUrl",
    "image_url",
    "imageUrl",
    "url",
    "media_url",
    "download_url",
    "src",
    "thumb_url",
    "thumbUrl",
)
_NESTED_KEYS = ("photo", "image", "payload", "data")


class ZaloModel(BaseModel):
    model_config = ConfigDict(extra="allow", coerce_numbers_to_str=True, populate_by_name=True)


class ApiResponse(ZaloModel):
    ok: bool = False
    result: Any = None
    error_code: int | None = None
    description: str | None = None


class BotInfo(ZaloModel):
    id: str
    account_name: str | None = None
    account_type: str | None = None
    can_join_groups: bool | None = None


class WebhookInfo(ZaloModel):
    url: str | None = None
    updated_at: int | None = None


class SentMessage(ZaloModel):
    message_id: str | None = None
    date: int | None = None


class ZaloUser(ZaloModel):
    id: str
    display_name: str | None = None
    name: str | None = None
    is_bot: bool = False

    @property
    def shown_name(self) -> str:
        return self.display_name or self.name or ""


class ZaloChat(ZaloModel):
    id: str
    chat_type: str | None = None  # PRIVATE | GROUP

    @property
    def is_private(self) -> bool:
        return (self.chat_type or "PRIVATE").upper() == "PRIVATE"


class ZaloMessage(ZaloModel):
    message_id: str
    from_user: ZaloUser = Field(alias="from")
    chat: ZaloChat
    date: int | None = None  # milliseconds since the epoch
    text: str | None = None
    caption: str | None = None

    def image_url(self) -> str | None:
        """The photo's URL wherever this payload put it: `photo` as a URL (as documented), another top-level
        key (photo_url, image_url, url, ...), `photo` as an object or a list, or `attachments[]` (or their
        `payload`)."""
        fields = self.model_dump(by_alias=True)  # unknown fields included
        found = _url_in(fields)
        for attachment in fields.get("attachments") or []:
            found = found or _url_in(attachment)
        return found


class ZaloUpdate(ZaloModel):
    event_name: str
    message: ZaloMessage | None = None

    @property
    def external_id(self) -> str:
        """The de-duplication key: Zalo updates have no update id, but (event name, message id) is unique."""
        message_id = self.message.message_id if self.message is not None else ""
        return f"{self.event_name}:{message_id}"


def _url_in(value: object, depth: int = 0) -> str | None:
    if isinstance(value, str):
        value = value.strip()
        return value if value.startswith(("https://", "http://")) else None
    if depth > 3:
        return None
    if isinstance(value, dict):
        for key in _URL_KEYS:
            if isinstance(value.get(key), str) and (found := _url_in(value[key], depth + 1)):
                return found
        for key in _NESTED_KEYS:
            if key in value and (found := _url_in(value[key], depth + 1)):
                return found
        return None
    if isinstance(value, list):
        for item in value:
            found = _url_in(item, depth + 1)
            if found:
                return found
    return None
