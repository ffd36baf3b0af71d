"""The Bot API methods newsbot uses, answering and failing like api.telegram.org does."""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from bot.telegram.emulator.chats import ChatBook, Message
from bot.telegram.emulator.keyboards import check_inline_keyboard
from bot.telegram.emulator.params import ApiError, Params
from bot.telegram.emulator.text import message_text
from bot.telegram.emulator.updates import UpdateQueue

MAX_CALLBACK_ANSWER = 200
MAX_INLINE_RESULTS = 50
MAX_COMMANDS = 100
MAX_POLL_TIMEOUT = 50.0
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
STALE_QUERY = "Bad Request: query is too old and response timeout expired or query ID is invalid"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")

Method = Callable[[Params], Awaitable[Any]]


class BotAPI:
    """One coroutine per Bot API method; `lookup` finds them by (case-insensitive) name."""

    def __init__(self, chats: ChatBook, updates: UpdateQueue) -> None:
        self.chats = chats
        self.updates = updates
        self.webhook = ""  # the URL setWebhook set
        self.callback_queries: set[str] = set()  # asked and not yet answered
        self.inline_queries: set[str] = set()
        self.commands: list[dict[str, str]] = []  # the menu setMyCommands set
        methods: dict[str, Method] = {
            "getMe": self.get_me,
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "sendMessage": self.send_message,
            "editMessageText": self.edit_message_text,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "answerCallbackQuery": self.answer_callback_query,
            "answerInlineQuery": self.answer_inline_query,
            "setMyCommands": self.set_my_commands,
            "sendChatAction": self.send_chat_action,
            "getChatMember": self.get_chat_member,
            "getChatAdministrators": self.get_chat_administrators,
        }
        self._methods = {name.lower(): (name, method) for name, method in methods.items()}

    def lookup(self, name: str) -> tuple[str, Method] | None:
        """The method's canonical name and coroutine, or None if the API has no such method."""
        return self._methods.get(name.lower())

    # -- the bot and its updates ------------------------------------------------------------

    async def get_me(self, params: Params) -> dict[str, Any]:
        return self.chats.bot

    async def get_updates(self, params: Params) -> list[dict[str, Any]]:
        if self.webhook:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.integer("offset", 0)
        limit = min(max(params.integer("limit", 100), 1), 100)
        timeout = min(max(params.number("timeout", 0.0), 0.0), MAX_POLL_TIMEOUT)
        allowed = params.structure("allowed_updates", list)
        return await self.updates.get(offset, limit, timeout, allowed)

    async def set_webhook(self, params: Params) -> bool:
        url = params.text("url")
        if not url:
            return await self.delete_webhook(params)
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname:
            raise ApiError(
                400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
            )
        self.webhook = url
        return True

    async def delete_webhook(self, params: Params) -> bool:
        self.webhook = ""
        return True

    # -- messages ---------------------------------------------------------------------------

    def _text(self, params: Params) -> tuple[str, list[dict[str, Any]]]:
        return message_text(
            params.text("text"), params.text("parse_mode"), params.structure("entities", list)
        )

    def _reply_target(self, params: Params, chat_id: int) -> Message | None:
        reply = params.structure("reply_parameters", dict) or {}
        message_id = reply.get("message_id")
        if message_id is None:
            return None
        target = self.chats.message(reply.get("chat_id", chat_id), message_id)
        if target is None and not reply.get("allow_sending_without_reply"):
            raise ApiError(400, "Bad Request: message to be replied not found")
        return target

    async def send_message(self, params: Params) -> Message:
        chat = self.chats.resolve(params.chat_id())
        text, entities = self._text(params)
        keyboard = check_inline_keyboard(params.structure("reply_markup", dict))
        reply_to = self._reply_target(params, chat["id"])
        fields: dict[str, Any] = {"from": dict(self.chats.bot), "text": text}
        if entities:
            fields["entities"] = entities
        if keyboard:
            fields["reply_markup"] = keyboard
        if reply_to:
            fields["reply_to_message"] = reply_to
        message = self.chats.add_message(chat, fields)
        self.chats.sent.append((chat["id"], message["message_id"]))
        return message

    def _own_message(self, params: Params) -> Message:
        chat = self.chats.resolve(params.chat_id())
        message = self.chats.message(chat["id"], params.integer("message_id"))
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if message.get("from", {}).get("id") != self.chats.bot["id"] or "text" not in message:
            raise ApiError(400, "Bad Request: message can't be edited")
        return message

    def _edit(self, message: Message, changes: dict[str, Any]) -> Message:
        edited = {
            key: value
            for key, value in message.items()
            if key not in ("entities", "reply_markup", "edit_date")
        }
        edited.update({key: value for key, value in changes.items() if value})
        if all(edited.get(k) == message.get(k) for k in ("text", "entities", "reply_markup")):
            raise ApiError(400, NOT_MODIFIED)
        edited["edit_date"] = int(time.time())
        self.chats.replace(edited)
        return edited

    async def edit_message_text(self, params: Params) -> Message:
        text, entities = self._text(params)
        keyboard = check_inline_keyboard(params.structure("reply_markup", dict))
        message = self._own_message(params)
        # Like Telegram: an edit without reply_markup removes the message's keyboard.
        return self._edit(message, {"text": text, "entities": entities, "reply_markup": keyboard})

    async def edit_message_reply_markup(self, params: Params) -> Message:
        keyboard = check_inline_keyboard(params.structure("reply_markup", dict))
        message = self._own_message(params)
        changes = {"text": message["text"], "entities": message.get("entities")}
        return self._edit(message, {**changes, "reply_markup": keyboard})

    # -- queries ----------------------------------------------------------------------------

    async def answer_callback_query(self, params: Params) -> bool:
        query_id = params.text("callback_query_id")
        if query_id not in self.callback_queries:
            raise ApiError(400, STALE_QUERY)
        if len(params.text("text")) > MAX_CALLBACK_ANSWER:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self.callback_queries.discard(query_id)
        return True

    async def answer_inline_query(self, params: Params) -> bool:
        query_id = params.text("inline_query_id")
        if query_id not in self.inline_queries:
            raise ApiError(400, STALE_QUERY)
        results = params.structure("results", list)
        if results is None:
            raise ApiError(400, 'Bad Request: parameter "results" is required')
        if len(results) > MAX_INLINE_RESULTS:
            raise ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
        seen: set[str] = set()
        for result in results:
            if not isinstance(result, dict) or not isinstance(result.get("type"), str):
                raise ApiError(400, "Bad Request: can't parse InlineQueryResult JSON object")
            result_id = result.get("id")
            if not isinstance(result_id, str) or not 1 <= len(result_id.encode()) <= 64:
                raise ApiError(400, "Bad Request: RESULT_ID_INVALID")
            if result_id in seen:
                raise ApiError(400, "Bad Request: RESULT_ID_DUPLICATE")
            seen.add(result_id)
            content = result.get("input_message_content")
            if isinstance(content, dict) and "message_text" in content:
                message_text(
                    content["message_text"], content.get("parse_mode"), content.get("entities")
                )
            check_inline_keyboard(result.get("reply_markup"))
        self.inline_queries.discard(query_id)
        return True

    # -- commands ---------------------------------------------------------------------------

    async def set_my_commands(self, params: Params) -> bool:
        commands = params.structure("commands", list)
        if commands is None:
            raise ApiError(400, 'Bad Request: parameter "commands" is required')
        if len(commands) > MAX_COMMANDS:
            raise ApiError(400, "Bad Request: too many commands specified")
        for command in commands:
            if not isinstance(command, dict) or not _COMMAND_RE.fullmatch(
                str(command.get("command", ""))
            ):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            description = command.get("description")
            if not isinstance(description, str) or not 1 <= len(description) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands = commands
        return True

    # -- chats ------------------------------------------------------------------------------

    async def send_chat_action(self, params: Params) -> bool:
        self.chats.resolve(params.chat_id())
        if params.text("action") not in CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    async def get_chat_member(self, params: Params) -> dict[str, Any]:
        chat = self.chats.resolve(params.chat_id())
        return self.chats.member(chat["id"], params.integer("user_id"))

    async def get_chat_administrators(self, params: Params) -> list[dict[str, Any]]:
        chat = self.chats.resolve(params.chat_id())
        return self.chats.admins(chat["id"])
