"""A person using Telegram, for tests: builds the updates their taps and messages produce, the way the
Telegram client would (a tap carries the message it was on, as that chat shows it now)."""

from __future__ import annotations

import itertools
from typing import Any

from tests.fakes.telegram_api import FakeTelegramAPI

_message_ids = itertools.count(100_000)


class TelegramUser:
    def __init__(self, api: FakeTelegramAPI, user_id: int, first_name: str, phone: str) -> None:
        self.api = api
        self.id = user_id
        self.first_name = first_name
        self.phone = phone

    @property
    def user(self) -> dict[str, Any]:
        return {"id": self.id, "is_bot": False, "first_name": self.first_name, "language_code": "vi"}

    @property
    def chat(self) -> dict[str, Any]:
        return {"id": self.id, "type": "private", "first_name": self.first_name}

    def message(self, **content: Any) -> dict[str, Any]:
        body = {
            "message_id": next(_message_ids),
            "date": int(self.api.clock.timestamp()),
            "chat": self.chat,
            "from": self.user,
            **content,
        }
        return {"message": body}

    def text(self, text: str) -> dict[str, Any]:
        return self.message(text=text)

    def contact(self, phone: str | None = None, *, own: bool = True) -> dict[str, Any]:
        contact = {"phone_number": phone or self.phone, "first_name": self.first_name}
        if own:
            contact["user_id"] = self.id
        return self.message(contact=contact)

    def location(self, latitude: float, longitude: float) -> dict[str, Any]:
        return self.message(location={"latitude": latitude, "longitude": longitude})

    def photo(
        self, content: bytes, *, group: str | None = None, caption: str | None = None
    ) -> dict[str, Any]:
        stored = self.api.add_file(content)
        sizes = [
            {"file_id": f"thumb-{stored.file_id}", "file_unique_id": "thumb", "width": 90, "height": 60},
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "width": 1280,
                "height": 853,
                "file_size": stored.size,
            },
        ]
        extra: dict[str, Any] = {"media_group_id": group} if group else {}
        if caption:
            extra["caption"] = caption
        return self.message(photo=sizes, **extra)

    def document(self, content: bytes, name: str, mime: str, *, size: int | None = None) -> dict[str, Any]:
        stored = self.api.add_file(content, size=size)
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": name,
            "mime_type": mime,
            "file_size": stored.size,
        }
        return self.message(document=document)

    def tap(self, label: str) -> dict[str, Any]:
        """Tap the button with this label on the newest message of the chat that shows one."""
        for message in reversed(self.api.chat_messages(self.id)):
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                for button in row:
                    if button["text"] == label:
                        return self.callback(button["callback_data"], message)
        raise AssertionError(f"no button {label!r} is showing in chat {self.id}")

    def callback(self, data: str, message: dict[str, Any] | None = None) -> dict[str, Any]:
        query: dict[str, Any] = {
            "id": f"cq-{next(_message_ids)}",
            "from": self.user,
            "chat_instance": f"ci-{self.id}",
            "data": data,
        }
        if message is not None:
            query["message"] = message
        return {"callback_query": query}
