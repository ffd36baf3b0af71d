"""Who and what the emulated Telegram knows: users, chats, their messages and their admins."""

from __future__ import annotations

import time
from typing import Any

from bot.telegram.emulator.params import ApiError

Message = dict[str, Any]
SUPERGROUP_ID_BELOW = -1_000_000_000_000  # "-100..." ids are supergroups and channels

ADMIN_RIGHTS: dict[str, bool] = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": True,
    "can_edit_stories": True,
    "can_delete_stories": True,
    "can_pin_messages": True,
}


class ChatBook:
    """Users, chats and every message (the users' and the bot's), by chat and message id."""

    def __init__(self, bot: dict[str, Any]) -> None:
        self.bot = bot
        self.users: dict[int, dict[str, Any]] = {bot["id"]: bot}
        self.chats: dict[int, dict[str, Any]] = {}
        self.migrated: dict[int, int] = {}
        self.messages: dict[tuple[int, int], Message] = {}
        self.sent: list[tuple[int, int]] = []  # the bot's messages, in sending order
        self._last_message_id: dict[int, int] = {}
        self._admins: dict[int, tuple[int | None, tuple[int, ...]]] = {}

    # -- users and chats ------------------------------------------------------------------

    def user(
        self, user_id: int, username: str | None = None, first_name: str | None = None
    ) -> dict[str, Any]:
        """A user, created or renamed as given."""
        known = self.users.get(user_id) or {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name or f"User {user_id}",
            "language_code": "en",
        }
        if first_name:
            known["first_name"] = first_name
        if username:
            known["username"] = username
        self.users[user_id] = known
        return known

    def chat(
        self,
        chat_id: int,
        chat_type: str | None = None,
        *,
        title: str | None = None,
        user: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A chat, created on first sight; its type follows Telegram's id ranges by default."""
        if chat_id in self.chats and chat_type in (None, self.chats[chat_id]["type"]):
            if title:
                self.chats[chat_id]["title"] = title
            return self.chats[chat_id]
        if chat_type is None:
            chat_type = (
                "private"
                if chat_id > 0
                else "supergroup"
                if chat_id < SUPERGROUP_ID_BELOW
                else "group"
            )
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            person = user or self.user(chat_id)
            chat["first_name"] = person["first_name"]
            if "username" in person:
                chat["username"] = person["username"]
        else:
            chat["title"] = title or f"Chat {chat_id}"
        self.chats[chat_id] = chat
        return chat

    def resolve(self, chat_id: int) -> dict[str, Any]:
        """The chat a request names, as the API finds it (new ids are welcome)."""
        if chat_id in self.migrated:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": self.migrated[chat_id]},
            )
        return self.chat(chat_id)

    # -- messages ---------------------------------------------------------------------------

    def add_message(self, chat: dict[str, Any], fields: dict[str, Any]) -> Message:
        """Store a new message in `chat`, numbered after the chat's last one."""
        message_id = self._last_message_id.get(chat["id"], 0) + 1
        self._last_message_id[chat["id"]] = message_id
        message = {"message_id": message_id, **fields, "chat": dict(chat), "date": int(time.time())}
        self.messages[(chat["id"], message_id)] = message
        return message

    def message(self, chat_id: int, message_id: int) -> Message | None:
        """A stored message, as it is now."""
        return self.messages.get((chat_id, message_id))

    def replace(self, message: Message) -> None:
        """Store a changed copy of a message (stored messages are never changed in place)."""
        self.messages[(message["chat"]["id"], message["message_id"])] = message

    def sent_messages(self, chat_id: int | None = None) -> list[Message]:
        """The bot's sent messages as they are now (edits applied)."""
        return [self.messages[key] for key in self.sent if chat_id in (None, key[0])]

    # -- members ----------------------------------------------------------------------------

    def set_admins(self, chat_id: int, user_ids: list[int], creator: int | None) -> None:
        """Make these users the chat's administrators (and `creator` its owner)."""
        self._admins[chat_id] = (creator, tuple(u for u in user_ids if u != creator))

    def admins(self, chat_id: int) -> list[dict[str, Any]]:
        """The chat's owner and administrators, as getChatAdministrators lists them."""
        creator, admins = self._admins.get(chat_id, (None, ()))
        ids = ([] if creator is None else [creator]) + list(admins)
        return [self.member(chat_id, user_id) for user_id in ids]

    def member(self, chat_id: int, user_id: int) -> dict[str, Any]:
        """A ChatMember: "creator", "administrator" or "member"."""
        user = self.users.get(user_id) or self.user(user_id)
        creator, admins = self._admins.get(chat_id, (None, ()))
        if user_id == creator:
            return {"status": "creator", "user": user, "is_anonymous": False}
        if user_id in admins:
            return {"status": "administrator", "user": user, **ADMIN_RIGHTS}
        return {"status": "member", "user": user}
