"""BotAPIEmulator: the Bot API as a model in the caller's event loop, the user side, the record."""

from __future__ import annotations

import asyncio
import copy
import itertools
import logging
import time
from collections.abc import Callable
from typing import Any

from bot.telegram.emulator.chats import ChatBook, Message
from bot.telegram.emulator.limits import FaultScript, FloodControl, FloodViolation
from bot.telegram.emulator.methods import BotAPI, Method
from bot.telegram.emulator.params import ApiError, Params
from bot.telegram.emulator.recorder import Call, CallLog, Matcher
from bot.telegram.emulator.text import detect_entities
from bot.telegram.emulator.updates import UpdateQueue

log = logging.getLogger(__name__)

DEFAULT_BOT_ID = 7_000_000_001


class BotAPIEmulator:
    """The Bot API newsbot uses, answering like api.telegram.org, without any transport.

    The bot side is `call` (reached through `EmulatorRequest`, PTB's request class, or over
    HTTP by the tests' server adapter); the user side is Python: ``push_message`` and friends
    queue the updates getUpdates returns. Every answered call is recorded in ``calls``.
    """

    def __init__(
        self,
        *,
        bot_username: str = "newsbot_test_bot",
        bot_name: str = "Newsbot",
        bot_id: int = DEFAULT_BOT_ID,
        valid_token: str | None = None,
    ) -> None:
        self.valid_token = valid_token  # when set, every other token gets 401 Unauthorized
        self.chats = ChatBook(
            {
                "id": bot_id,
                "is_bot": True,
                "first_name": bot_name,
                "username": bot_username,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": True,
                "can_connect_to_business": False,
                "has_main_web_app": False,
            }
        )
        self.updates = UpdateQueue()
        self.api = BotAPI(self.chats, self.updates)
        self.faults = FaultScript()
        self.flood = FloodControl()
        self.log = CallLog()
        self._query_ids = itertools.count(4_000_000_000_000_001)

    @property
    def bot(self) -> dict[str, Any]:
        """The bot's User object, as getMe returns it."""
        return dict(self.chats.bot)

    # -- the bot side -----------------------------------------------------------------------

    async def call(
        self, token: str, method: str, params: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        """Answer one request: the HTTP status and JSON answer api.telegram.org would give.

        A call cancelled while it waits (a long poll the bot gave up on) is not recorded.
        """
        found = self.api.lookup(method)
        request = Params(params)
        try:
            answer = {"ok": True, "result": await self._run(token, found, request)}
        except ApiError as exc:
            answer = exc.answer()
        except Exception as exc:  # a bug here must not look like a network failure
            log.exception("emulator failed on %s", method)
            answer = {
                "ok": False,
                "error_code": 500,
                "description": f"Internal Server Error: {exc}",
            }
        name = found[0] if found else method
        self.log.record(Call(name, request.values, copy.deepcopy(answer), time.monotonic()))
        return int(answer.get("error_code", 200)), answer

    async def _run(self, token: str, found: tuple[str, Method] | None, params: Params) -> Any:
        if self.valid_token is not None and token != self.valid_token:
            raise ApiError(401, "Unauthorized")
        if found is None:
            raise ApiError(404, "Not Found: method not found")
        name, method = found
        chat_id = params.chat_id() if "chat_id" in params else None
        error = self.faults.take(name, chat_id) or self.flood.check(name, chat_id)
        if error is not None:
            raise error
        return await method(params)

    # -- the user side ----------------------------------------------------------------------

    def push_update(self, raw: dict[str, Any]) -> dict[str, Any]:
        """Queue any update as given (an update_id is added unless present); return it."""
        return self.updates.push(raw)

    def push_message(
        self,
        text: str,
        *,
        chat_id: int = 1,
        user_id: int = 1,
        chat_type: str = "private",
        username: str = "alice",
        first_name: str = "Alice",
        reply_to: dict[str, Any] | None = None,
        chat_title: str | None = None,
    ) -> dict[str, Any]:
        """A user sends `text`; return the Update (commands and links get their entities)."""
        user = self.chats.user(user_id, username, first_name)
        chat = self.chats.chat(chat_id, chat_type, title=chat_title, user=user)
        fields: dict[str, Any] = {"from": dict(user), "text": text}
        entities = detect_entities(text)
        if entities:
            fields["entities"] = entities
        if reply_to is not None:
            current = self.chats.message(reply_to["chat"]["id"], reply_to["message_id"])
            fields["reply_to_message"] = current or reply_to
        message = self.chats.add_message(chat, fields)
        return self.updates.push({"message": message})

    def push_callback(self, message: dict[str, Any], data: str, *, user_id: int = 1) -> str:
        """A user presses a button with `data` under `message`; return the callback query id."""
        chat_id = message["chat"]["id"]
        query_id = str(next(self._query_ids))
        self.api.callback_queries.add(query_id)
        self.updates.push(
            {
                "callback_query": {
                    "id": query_id,
                    "from": dict(self.chats.user(user_id)),
                    "message": self.chats.message(chat_id, message["message_id"]) or message,
                    "chat_instance": str(abs(chat_id) + 10**15),
                    "data": data,
                }
            }
        )
        return query_id

    def push_inline_query(self, query: str, *, user_id: int = 1) -> str:
        """A user types ``@bot query``; return the inline query id."""
        query_id = str(next(self._query_ids))
        self.api.inline_queries.add(query_id)
        self.updates.push(
            {
                "inline_query": {
                    "id": query_id,
                    "from": dict(self.chats.user(user_id)),
                    "query": query,
                    "offset": "",
                    "chat_type": "sender",
                }
            }
        )
        return query_id

    def push_migration(
        self, old_chat_id: int, new_chat_id: int, *, user_id: int = 1
    ) -> dict[str, Any]:
        """A group becomes a supergroup: the two service messages Telegram sends.

        Returns the first update (``migrate_to_chat_id`` in the old group). From now on the
        API answers calls naming the old id with 400 and ``parameters.migrate_to_chat_id``.
        """
        old = self.chats.chat(old_chat_id)
        new = self.chats.chat(new_chat_id, "supergroup", title=old.get("title"))
        user = dict(self.chats.user(user_id))
        moved = self.chats.add_message(old, {"from": user, "migrate_to_chat_id": new_chat_id})
        arrived = self.chats.add_message(new, {"from": user, "migrate_from_chat_id": old_chat_id})
        self.chats.migrated[old_chat_id] = new_chat_id
        update = self.updates.push({"message": moved})
        self.updates.push({"message": arrived})
        return update

    async def wait_confirmed(
        self,
        update: dict[str, Any] | int,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> None:
        """Wait until the bot has fetched and confirmed an update (TimeoutError if not)."""
        update_id = update if isinstance(update, int) else update["update_id"]
        async with asyncio.timeout(timeout):
            await self.updates.wait_confirmed(update_id)

    def set_admins(self, chat_id: int, user_ids: list[int], *, creator: int | None = None) -> None:
        """getChatMember will show these users as the chat's admins."""
        self.chats.set_admins(chat_id, user_ids, creator)

    # -- what the bot did -------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """Every answered request, oldest first."""
        return self.log.calls

    def listen(self, callback: Callable[[Call], None]) -> None:
        """Call `callback` with each call as soon as it has been answered."""
        self.log.listeners.append(callback)

    def calls_to(self, method: str) -> list[Call]:
        """The calls of one method (case-insensitive), oldest first."""
        return self.log.matching(method)

    def answers(self, method: str) -> list[dict[str, Any]]:
        """The JSON answers the emulator gave to the calls of `method`."""
        return [call.answer for call in self.calls_to(method)]

    def sent_messages(self, chat_id: int | None = None) -> list[Message]:
        """The bot's sendMessage results as they are now, edits applied."""
        return copy.deepcopy(self.chats.sent_messages(chat_id))

    async def wait_for(
        self,
        what: Matcher,
        *,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[Call]:
        """Wait until `count` calls of a method (or matching a predicate on Call) were answered.

        Returns every matching call; raises AssertionError listing recent calls on timeout.
        """
        try:
            async with asyncio.timeout(timeout):
                return await self.log.wait_for(what, count)
        except TimeoutError:
            raise self.log.timed_out(what, count, timeout) from None

    # -- errors on purpose ------------------------------------------------------------------

    def fail(
        self,
        method: str,
        *,
        times: int | None = 1,
        error_code: int,
        description: str,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
        chat_id: int | None = None,
    ) -> None:
        """Answer the next `times` calls of `method` (to `chat_id` if given) with an error.

        ``times=None`` fails every such call from now on (e.g. a user who blocked the bot).
        """
        parameters: dict[str, int] = {}
        if retry_after is not None:
            parameters["retry_after"] = retry_after
        if migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = migrate_to_chat_id
        self.faults.add(method, times, ApiError(error_code, description, parameters), chat_id)

    def flood_limits(
        self,
        per_chat_per_second: float | None = None,
        per_group_per_minute: int | None = None,
        global_per_second: float | None = None,
        *,
        chat_burst: int = 1,
    ) -> None:
        """Enforce Telegram-style limits on sending/editing messages (None lifts a limit).

        Each is a token bucket: a chat may take `chat_burst` messages at once and then
        `per_chat_per_second`; a group (chat id < 0) `per_group_per_minute` at once and then
        that many per minute; all chats together `global_per_second`. Going over answers
        429 with parameters.retry_after and is recorded in ``flood_violations``.
        """
        self.flood.configure(
            per_chat_per_second, per_group_per_minute, global_per_second, chat_burst
        )

    @property
    def flood_violations(self) -> list[FloodViolation]:
        return self.flood.violations
