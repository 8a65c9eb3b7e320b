"""Every channel's event is cleaned the same way before a handler sees it (`cdht.conversations.inbound.cleaned`,
applied by the inbox to every decoded update): text, command arguments, captions and file names lose NUL,
control, bidirectional and zero-width characters; ids and file references stay the channel's own."""

from __future__ import annotations

from typing import Any

from cdht.bot.console.channel import decode as console_decode
from cdht.bot.telegram.decode import decode as telegram_decode
from cdht.bot.zalo.decode import decode as zalo_decode
from cdht.conversations.inbound import Command, Contact, Media, Text, cleaned
from cdht.handlers.wire import inbound_to_json

HOSTILE = "Thôn\x00 Đông\u202e gnp.exe\u2067\u200b\ufeff"
CLEAN = "Thôn Đông gnp.exe"
USER = {"id": 7001, "is_bot": False, "first_name": "Văn\u202e", "last_name": "An\x00"}
CHAT = {"id": 7001, "type": "private", "first_name": "Văn"}


def telegram(**content: Any) -> Any:
    result = telegram_decode(
        {"update_id": 1, "message": {"message_id": 5, "date": 0, "chat": CHAT, "from": USER, **content}}
    )
    assert result is not None
    return cleaned(result[1])


def test_telegram_text_commands_captions_and_file_names() -> None:
    assert telegram(text=HOSTILE) == Text(CLEAN)
    assert telegram(text=f"/tiendo {HOSTILE}") == Command("tiendo", CLEAN)
    document = {
        "file_id": "BQACAgIAAx0",
        "file_unique_id": "AgADxQ",
        "file_name": "bien-ban\u202efdp.exe\x00",
        "mime_type": "application/pdf",
        "file_size": 10,
    }
    media = telegram(document=document, caption=f"Biên bản\n{HOSTILE}")
    assert isinstance(media, Media)
    assert (media.file_name, media.caption) == ("bien-banfdp.exe", f"Biên bản\n{CLEAN}")
    assert media.file_ref == "BQACAgIAAx0" and media.file_unique_id == "AgADxQ"
    contact = telegram(contact={"phone_number": "+84902\u200b000001", "first_name": "An", "user_id": 7001})
    assert contact == Contact("+84902000001", is_own=True)


def test_zalo_text_and_photo_captions() -> None:
    def zalo(event_name: str, **content: Any) -> Any:
        sender = {"id": "z1", "display_name": "An", "is_bot": False}
        message = {
            "message_id": "m1",
            "from": sender,
            "chat": {"id": "z1", "chat_type": "PRIVATE"},
            "date": 0,
        }
        result = zalo_decode({"event_name": event_name, "message": {**message, **content}})
        assert result is not None
        return cleaned(result[1])

    assert zalo("message.text.received", text=HOSTILE) == Text(CLEAN)
    photo = zalo("message.image.received", photo="https://cdn.example/p.jpg", caption=HOSTILE)
    assert (
        isinstance(photo, Media) and photo.caption == CLEAN and photo.file_ref == "https://cdn.example/p.jpg"
    )


def test_console_events_and_local_paths() -> None:
    media = Media(kind="photo", file_ref="/srv/anh/ảnh\u202e.jpg", file_name="ảnh\u202e.jpg", caption=HOSTILE)
    sender = {"channel": "console", "external_id": "c", "chat_id": "c", "display_name": "An"}
    result = console_decode({"sender": sender, "event": inbound_to_json(media)})
    assert result is not None
    event = cleaned(result[1])
    assert isinstance(event, Media) and (event.file_name, event.caption) == ("ảnh.jpg", CLEAN)
    assert event.file_ref == "/srv/anh/ảnh\u202e.jpg"  # a path on this machine: the file must still be found


def test_clean_events_are_left_as_they_are() -> None:
    for event in (Text("Xin chào 👋 1.250"), Command("start"), Command("sua", "3")):
        assert cleaned(event) == event
