"""Messages for channels without buttons (console, Zalo): options become numbered lines and navigation
buttons become the words to type, so that a number typed as an answer is never mistaken for a button."""

from __future__ import annotations

from dataclasses import dataclass

from cdht.conversations.inbound import Choice, Command
from cdht.conversations.outbound import OpenApp, OutboundMessage

COMMAND_WORDS = {
    "back": "quay lại",
    "skip": "bỏ qua",
    "later": "để sau",
    "defer": "để sau",
    "summary": "xem lại",
    "done": "xong",
    "edit": "sửa",
    "help": "trợ giúp",
    "start": "/start",
}


@dataclass(frozen=True)
class NumberedMessage:
    text: str
    actions: dict[str, Choice]


def command_words(command: Command) -> str:
    word = COMMAND_WORDS.get(command.name, f"/{command.name}")
    return f"{word} {command.arg}" if command.arg else word


def number_buttons(
    message: OutboundMessage, attachment_path: str | None = None, link_lines: tuple[str, ...] = ()
) -> NumberedMessage:
    """'1. Có' / '2. Không', then 'Gõ: quay lại · bỏ qua': answering '2' means picking the second option.
    `link_lines`: the signed links to the message's Mini App pages (they are never numbered)."""
    lines = [message.text, *link_lines]
    actions: dict[str, Choice] = {}
    typed: list[str] = []
    for row in message.buttons:
        for button in row:
            if isinstance(button.action, OpenApp):
                continue
            if isinstance(button.action, Choice):
                key = str(len(actions) + 1)
                actions[key] = button.action
                lines.append(f"  {key}. {button.label}")
            elif button.action.name in COMMAND_WORDS:
                typed.append(f"«{command_words(button.action)}»")
            else:
                lines.append(f"  • {button.label}: gõ «{command_words(button.action)}»")
    if typed:
        lines.append("Gõ: " + " · ".join(dict.fromkeys(typed)))
    if attachment_path:  # where the console wrote the attached file
        lines.append(f"📎 Tệp đính kèm: {attachment_path}")
    if message.request_contact:
        lines.append("(gõ /contact để chia sẻ số điện thoại)")
    return NumberedMessage("\n".join(lines), actions)
