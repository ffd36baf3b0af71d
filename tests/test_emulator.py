"""The Bot API emulator, driven by the real python-telegram-bot client through EmulatorRequest
(in process, no HTTP); its HTTP adapter for child processes is tested at the end."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Conflict, Forbidden, InvalidToken, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.telegram.emulator import BotAPIEmulator, Call, EmulatorRequest, inline_buttons
from bot.telegram.emulator.params import ApiError, Params
from bot.telegram.emulator.text import detect_entities, parse_html
from tests.support.botapi_http import BotAPIServer

TOKEN = "123456:test-token"
Callback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


@pytest.fixture
def emulator() -> BotAPIEmulator:
    return BotAPIEmulator()


def client(emulator: BotAPIEmulator, token: str = TOKEN) -> Bot:
    """A PTB Bot whose requests the emulator answers."""
    request = EmulatorRequest(emulator)
    return Bot(token, request=request, get_updates_request=request)


@pytest.fixture
async def bot(emulator: BotAPIEmulator) -> AsyncIterator[Bot]:
    async with client(emulator) as running:
        yield running


@asynccontextmanager
async def polling(
    emulator: BotAPIEmulator, *handlers: Any
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """A PTB application with `handlers`, long polling the emulator."""
    request = EmulatorRequest(emulator)
    application = (
        ApplicationBuilder()
        .token(TOKEN)
        .request(request)
        .get_updates_request(request)
        .concurrent_updates(True)
        .build()
    )
    for handler in handlers:
        application.add_handler(handler)
    async with application:
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=10)
        await application.start()
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()


async def poll_arrived(emulator: BotAPIEmulator, count: int = 1) -> None:
    """Wait until the emulator has received `count` getUpdates requests."""
    async with asyncio.timeout(5):
        while True:
            if emulator.updates.polls >= count:
                return
            await asyncio.sleep(0.005)


# -- Telegram HTML ---------------------------------------------------------------------------


def test_html_becomes_text_and_utf16_entities() -> None:
    text, entities = parse_html(
        '😀 <b>bold <i>both</i></b> <a href="https://x.org/?a=1&amp;b=2">link</a> '
        "&lt;tag&gt; &amp; &quot; &#65;&#x42; &nbsp;"
    )
    assert text == '😀 bold both link <tag> & " AB &nbsp;'
    assert entities == [
        {"type": "bold", "offset": 3, "length": 9},  # the emoji counts 2 UTF-16 units
        {"type": "italic", "offset": 8, "length": 4},
        {"type": "text_link", "offset": 13, "length": 4, "url": "https://x.org/?a=1&b=2"},
    ]


def test_html_pre_with_language_spoiler_and_expandable_quote() -> None:
    text, entities = parse_html(
        '<pre><code class="language-python">x = 1</code></pre><span class="tg-spoiler">s</span>'
        "<blockquote expandable>q</blockquote><B>caps</B>"
    )
    assert text == "x = 1sqcaps"
    assert entities == [
        {"type": "pre", "offset": 0, "length": 5, "language": "python"},
        {"type": "spoiler", "offset": 5, "length": 1},
        {"type": "expandable_blockquote", "offset": 6, "length": 1},
        {"type": "bold", "offset": 7, "length": 4},
    ]


@pytest.mark.parametrize(
    ("markup", "error"),
    [
        ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("é<p>x</p>", 'Unsupported start tag "p" at byte offset 2'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("<a href>x</a>", 'Expected equal sign in declaration of an attribute of the tag "a"'),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ],
)
def test_bad_html_is_rejected_with_telegrams_message(markup: str, error: str) -> None:
    with pytest.raises(ValueError, match="^" + error.replace("(", r"\(")):
        parse_html(markup)


def test_the_emulator_shares_no_code_with_the_bot_it_checks() -> None:
    """It parses HTML and counts lengths itself: importing it loads no other part of the bot."""
    code = (
        "import sys, bot.telegram.emulator; print(sorted(m for m in sys.modules "
        "if m.startswith('bot.') and not m.startswith('bot.telegram.emulator')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert loaded.strip() == "['bot.telegram']"


def test_user_text_gets_command_and_url_entities() -> None:
    text = "/summary@newsbot_test_bot https://bbc.co.uk/news/1, and (www.example.org)."
    assert detect_entities(text) == [
        {"type": "bot_command", "offset": 0, "length": 25},
        {"type": "url", "offset": 26, "length": 24},
        {"type": "url", "offset": 57, "length": 15},
    ]
    assert detect_entities("no /slash-command here, 1/2 and x.y") == []


# -- parameters, typed or as form text -------------------------------------------------------


def test_parameters_are_read_typed_or_from_form_text_and_kept_decoded() -> None:
    form = Params({"chat_id": "-5", "timeout": "2.5", "reply_markup": '{"inline_keyboard": []}'})
    typed = Params({"chat_id": -5, "timeout": 2.5, "reply_markup": {"inline_keyboard": []}})
    for params in (form, typed):
        assert params.chat_id() == -5 and params.number("timeout", 0) == 2.5
        assert params.structure("reply_markup", dict) == {"inline_keyboard": []}
        assert params.values == typed.values
    assert Params({"text": "123"}).text("text") == "123"  # a string stays a string


@pytest.mark.parametrize(
    ("values", "read", "error"),
    [
        ({}, lambda p: p.chat_id(), "chat_id is empty"),
        ({"chat_id": "@news"}, lambda p: p.chat_id(), "chat not found"),
        ({}, lambda p: p.integer("message_id"), 'parameter "message_id" is required'),
        ({"message_id": "1.5"}, lambda p: p.integer("message_id"), "invalid message_id"),
        ({"timeout": "soon"}, lambda p: p.number("timeout", 0), "invalid timeout"),
        ({"results": "{not json"}, lambda p: p.structure("results", list), "can't parse results"),
        ({"results": "{}"}, lambda p: p.structure("results", list), "can't parse results"),
    ],
)
def test_bad_parameters_get_the_apis_errors(
    values: dict[str, Any], read: Callable[[Params], object], error: str
) -> None:
    with pytest.raises(ApiError, match=error) as raised:
        read(Params(values))
    assert raised.value.code == 400


# -- the bot side through PTB ----------------------------------------------------------------


async def test_get_me_answers_the_configured_bot(emulator: BotAPIEmulator, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.username, me.is_bot, me.id) == ("newsbot_test_bot", True, emulator.bot["id"])
    assert emulator.calls[0].method == "getMe" and emulator.calls[0].ok


async def test_send_message_returns_a_full_message_and_is_recorded(
    emulator: BotAPIEmulator, bot: Bot
) -> None:
    keyboard = InlineKeyboardMarkup.from_button(InlineKeyboardButton("More", callback_data="m:1"))
    first = await bot.send_message(5, "<b>Hi</b> &amp; bye", parse_mode=ParseMode.HTML)
    second = await bot.send_message(5, "plain", reply_markup=keyboard)
    other = await bot.send_message(6, "elsewhere")

    assert (first.message_id, second.message_id, other.message_id) == (1, 2, 1)
    assert first.text == "Hi & bye" and first.text_html == "<b>Hi</b> &amp; bye"
    assert first.chat.id == 5 and first.from_user is not None and first.from_user.is_bot
    assert second.reply_markup == keyboard
    assert [m["text"] for m in emulator.sent_messages(5)] == ["Hi & bye", "plain"]
    call = emulator.calls_to("sendMessage")[1]
    assert call.params["chat_id"] == 5
    assert call.params["reply_markup"] == keyboard.to_dict()  # JSON-decoded
    assert inline_buttons(emulator.sent_messages(5)[1]) == [
        {"text": "More", "callback_data": "m:1"}
    ]


async def test_message_length_is_counted_in_utf16_after_parsing(bot: Bot) -> None:
    await bot.send_message(1, "<b>" + "a" * 4096 + "</b>", parse_mode=ParseMode.HTML)
    await bot.send_message(1, "😀" * 2048)  # 4096 UTF-16 units
    with pytest.raises(BadRequest, match=r"(?i)too long"):
        await bot.send_message(1, "😀" * 2048 + "a")
    with pytest.raises(BadRequest, match=r"(?i)too long"):
        await bot.send_message(1, "a" * 4097)


async def test_invalid_messages_are_refused(emulator: BotAPIEmulator, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(1, "<b>unclosed", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(1, "<p>para</p>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(1, "<b> </b>\n", parse_mode=ParseMode.HTML)
    too_long_data = InlineKeyboardButton("x", callback_data="d" * 65)
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(1, "x", reply_markup=InlineKeyboardMarkup([[too_long_data]]))
    with pytest.raises(BadRequest, match=r"(?i)Text buttons are unallowed"):
        await bot.send_message(
            1, "x", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("x")]])
        )
    with pytest.raises(BadRequest, match=r"(?i)only inline keyboards"):
        await bot.send_message(1, "x", reply_markup=ReplyKeyboardMarkup([["yes", "no"]]))
    assert emulator.sent_messages() == []
    assert all(not call.ok for call in emulator.calls_to("sendMessage"))


async def test_edits_apply_and_an_unchanged_edit_is_refused(
    emulator: BotAPIEmulator, bot: Bot
) -> None:
    keyboard = InlineKeyboardMarkup.from_button(InlineKeyboardButton("Go", callback_data="go"))
    sent = await bot.send_message(1, "draft", reply_markup=keyboard)
    edited = await bot.edit_message_text("final", 1, sent.message_id)
    assert isinstance(edited, object) and emulator.sent_messages()[0]["text"] == "final"
    assert "reply_markup" not in emulator.sent_messages()[0]  # removed, as Telegram does
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("final", 1, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("final", 1, sent.message_id + 1)
    await bot.edit_message_reply_markup(1, sent.message_id, reply_markup=keyboard)
    assert inline_buttons(emulator.sent_messages()[0]) == [{"text": "Go", "callback_data": "go"}]


async def test_commands_menu(emulator: BotAPIEmulator, bot: Bot) -> None:
    await bot.set_my_commands([("latest", "the newest articles"), ("help", "how to use me")])
    assert [c["command"] for c in emulator.api.commands] == ["latest", "help"]
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([("Not-Valid", "x")])
    assert len(emulator.api.commands) == 2


async def test_chat_admins(emulator: BotAPIEmulator, bot: Bot) -> None:
    emulator.set_admins(-100, [7, 8], creator=7)
    statuses = [(await bot.get_chat_member(-100, uid)).status for uid in (7, 8, 9)]
    assert statuses == ["creator", "administrator", "member"]


async def test_send_chat_action(emulator: BotAPIEmulator, bot: Bot) -> None:
    assert await bot.send_chat_action(1, "typing")
    with pytest.raises(BadRequest, match=r"(?i)wrong parameter action"):
        await bot.send_chat_action(1, "dancing")


# -- scripted faults and flood control -------------------------------------------------------


async def test_scripted_429_then_success(emulator: BotAPIEmulator, bot: Bot) -> None:
    emulator.fail(
        "sendMessage", error_code=429, description="Too Many Requests: retry after 1", retry_after=1
    )
    with pytest.raises(RetryAfter):
        await bot.send_message(1, "first try")
    await bot.send_message(1, "second try")
    assert [a["ok"] for a in emulator.answers("sendMessage")] == [False, True]
    assert emulator.answers("sendMessage")[0]["parameters"] == {"retry_after": 1}


async def test_scripted_403_for_one_chat_for_ever(emulator: BotAPIEmulator, bot: Bot) -> None:
    emulator.fail(
        "sendMessage",
        times=None,
        error_code=403,
        description="Forbidden: bot was blocked by the user",
        chat_id=2,
    )
    for _ in range(2):
        with pytest.raises(Forbidden, match=r"(?i)blocked"):
            await bot.send_message(2, "hello?")
    await bot.send_message(3, "another chat is fine")
    assert [m["chat"]["id"] for m in emulator.sent_messages()] == [3]


async def test_scripted_migration_error(emulator: BotAPIEmulator, bot: Bot) -> None:
    emulator.fail(
        "sendMessage",
        error_code=400,
        description="Bad Request: group chat was upgraded to a supergroup chat",
        migrate_to_chat_id=-1001234,
    )
    with pytest.raises(ChatMigrated) as raised:
        await bot.send_message(-5, "hi group")
    assert raised.value.new_chat_id == -1001234


async def test_flood_limits_answer_429_and_record_violations(
    emulator: BotAPIEmulator, bot: Bot
) -> None:
    emulator.flood_limits(per_chat_per_second=0.01, chat_burst=2)  # then one per 100 s
    await bot.send_message(1, "one")
    await bot.send_message(1, "two")
    with pytest.raises(RetryAfter):
        await bot.send_message(1, "three")
    assert emulator.answers("sendMessage")[2]["parameters"]["retry_after"] > 60
    await bot.send_message(2, "another chat has its own budget")
    await bot.send_chat_action(1, "typing")  # chat actions are not messages
    assert [(v.method, v.chat_id, v.limit) for v in emulator.flood_violations] == [
        ("sendMessage", 1, "per_chat")
    ]


async def test_group_limit_allows_a_burst_then_refuses(emulator: BotAPIEmulator, bot: Bot) -> None:
    emulator.flood_limits(per_group_per_minute=3)
    for n in range(3):
        await bot.send_message(-7, f"burst {n}")
    with pytest.raises(RetryAfter):
        await bot.send_message(-7, "one too many")
    assert [v.limit for v in emulator.flood_violations] == ["per_group"]


async def test_only_the_valid_token_is_accepted(emulator: BotAPIEmulator) -> None:
    emulator.valid_token = TOKEN
    async with client(emulator) as good:
        assert (await good.get_me()).username == "newsbot_test_bot"
    with pytest.raises(InvalidToken):
        async with client(emulator, "999:wrong"):
            pass


async def test_unknown_methods_and_failures_answer_like_the_api(emulator: BotAPIEmulator) -> None:
    assert await emulator.call(TOKEN, "sendSticker", {"chat_id": 1}) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found: method not found"},
    )
    status, answer = await emulator.call(TOKEN, "SENDMESSAGE", {"chat_id": 1, "text": "hi"})
    assert status == 200 and answer["result"]["text"] == "hi"
    status, answer = await emulator.call(TOKEN, "sendMessage", {"chat_id": 1})
    assert (status, answer["description"]) == (400, "Bad Request: message text is empty")
    assert [c.method for c in emulator.calls] == ["sendSticker", "sendMessage", "sendMessage"]


async def test_wait_for_times_out_with_the_recent_calls(emulator: BotAPIEmulator, bot: Bot) -> None:
    await bot.send_message(1, "only one")
    assert len(await emulator.wait_for("sendMessage")) == 1
    with pytest.raises(AssertionError, match=r"(?s)2 x sendMessage: saw 1.*only one"):
        await emulator.wait_for("sendMessage", count=2, timeout=0.05)


# -- updates and long polling ----------------------------------------------------------------


async def test_long_polling_returns_as_soon_as_an_update_arrives(
    emulator: BotAPIEmulator, bot: Bot
) -> None:
    waiting = asyncio.create_task(bot.get_updates(timeout=30))
    await poll_arrived(emulator)
    pushed = emulator.push_message("hello")
    updates = await asyncio.wait_for(waiting, 10)
    assert [u.update_id for u in updates] == [pushed["update_id"]]
    assert updates[0].message is not None and updates[0].message.text == "hello"
    # Not confirmed yet: asked again it comes back; with a higher offset it is gone.
    assert [u.update_id for u in await bot.get_updates()] == [pushed["update_id"]]
    assert await bot.get_updates(offset=pushed["update_id"] + 1) == ()
    await emulator.wait_confirmed(pushed, timeout=1)


async def test_a_newer_get_updates_ends_the_older_one(emulator: BotAPIEmulator, bot: Bot) -> None:
    older = asyncio.create_task(bot.get_updates(timeout=30))
    await poll_arrived(emulator)
    async with client(emulator) as other_instance:
        assert await other_instance.get_updates() == ()
    with pytest.raises(Conflict, match=r"(?i)terminated by other getUpdates"):
        await asyncio.wait_for(older, 10)


async def test_webhook_blocks_get_updates(emulator: BotAPIEmulator, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)HTTPS URL"):
        await bot.set_webhook("http://example.org/hook")
    await bot.set_webhook("https://example.org/hook")
    assert emulator.api.webhook == "https://example.org/hook"
    with pytest.raises(Conflict, match=r"(?i)webhook is active"):
        await bot.get_updates()
    await bot.delete_webhook()
    assert await bot.get_updates() == ()


# -- a PTB application end to end ------------------------------------------------------------


async def test_application_answers_ping_through_long_polling(emulator: BotAPIEmulator) -> None:
    async def ping(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("pong")

    async with polling(emulator, CommandHandler("ping", ping)) as application:
        emulator.push_message("/ping")
        emulator.push_message("/ping@otherbot", chat_id=-20, chat_type="group")  # not for us
        emulator.push_message("/ping@newsbot_test_bot", chat_id=-30, chat_type="group")
        calls = await emulator.wait_for("sendMessage", count=2)
        await emulator.wait_confirmed(emulator.updates.last_id)
        await application.update_queue.join()
    assert sorted(c.params["chat_id"] for c in calls) == [-30, 1]
    assert {m["text"] for m in emulator.sent_messages()} == {"pong"}
    assert emulator.sent_messages(-20) == []


async def test_button_press_round_trip(emulator: BotAPIEmulator) -> None:
    async def offer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        button = InlineKeyboardButton("More", callback_data="more:1")
        await update.effective_message.reply_text(
            "page 1", reply_markup=InlineKeyboardMarkup([[button]])
        )

    async def more(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer(f"got {query.data}")
        await query.edit_message_text("page 2")

    async with polling(emulator, CommandHandler("start", offer), CallbackQueryHandler(more)):
        emulator.push_message("/start")
        (sent,) = await emulator.wait_for("sendMessage")
        query_id = emulator.push_callback(sent.result, "more:1")
        (answer,) = await emulator.wait_for("answerCallbackQuery")
        await emulator.wait_for("editMessageText")
    assert answer.params == {"callback_query_id": query_id, "text": "got more:1"}
    assert [m["text"] for m in emulator.sent_messages()] == ["page 2"]


async def test_inline_query_round_trip(emulator: BotAPIEmulator, bot: Bot) -> None:
    async def inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.inline_query
        assert query is not None
        content = InputTextMessageContent(f"<b>{query.query}</b>", parse_mode=ParseMode.HTML)
        await query.answer([InlineQueryResultArticle("r1", query.query.title(), content)])

    async with polling(emulator, InlineQueryHandler(inline)):
        query_id = emulator.push_inline_query("north korea")
        (answer,) = await emulator.wait_for("answerInlineQuery")
    assert answer.ok and answer.params["inline_query_id"] == query_id
    assert [r["title"] for r in answer.params["results"]] == ["North Korea"]
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):  # answered already
        await bot.answer_inline_query(query_id, [])


async def test_group_migration_reaches_the_bot_and_old_id_is_refused(
    emulator: BotAPIEmulator, bot: Bot
) -> None:
    seen: list[tuple[int, int | None]] = []

    async def migrated(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None
        if message.migrate_to_chat_id:
            seen.append((message.chat_id, message.migrate_to_chat_id))

    emulator.push_message("hi", chat_id=-40, chat_type="group", chat_title="News fans")
    handler = MessageHandler(filters.StatusUpdate.MIGRATE, migrated)
    async with polling(emulator, handler) as application:
        update = emulator.push_migration(-40, -100_040)
        await emulator.wait_confirmed(emulator.updates.last_id)
        await application.update_queue.join()
    assert update["message"]["migrate_to_chat_id"] == -100_040
    assert seen == [(-40, -100_040)]
    with pytest.raises(ChatMigrated) as raised:
        await bot.send_message(-40, "old id")
    assert raised.value.new_chat_id == -100_040
    assert (await bot.send_message(-100_040, "new id")).chat.title == "News fans"


def test_call_describes_itself() -> None:
    call = Call("sendMessage", {"chat_id": 1, "text": "x" * 100}, {"ok": True, "result": {}}, 0.0)
    assert str(call).startswith("sendMessage(chat_id=1, text='xxx") and str(call).endswith("-> ok")
    failed = Call(
        "getMe", {}, json.loads('{"ok": false, "error_code": 400, "description": "no"}'), 0
    )
    assert (failed.ok, failed.error, str(failed)) == (False, "no", "getMe() -> 400 no")


# -- over HTTP, for the bot in a child process -----------------------------------------------


async def test_over_http_ptb_gets_the_same_answers_and_form_fields_are_read_typed() -> None:
    keyboard = InlineKeyboardMarkup.from_button(InlineKeyboardButton("Go", callback_data="1"))
    async with BotAPIServer(valid_token=TOKEN) as server:
        async with Bot(TOKEN, base_url=server.base_url) as remote:
            sent = await remote.send_message(-7, "<b>true</b>", "HTML", reply_markup=keyboard)
            assert (sent.text, sent.chat.id, sent.reply_markup) == ("true", -7, keyboard)
            with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
                await remote.send_message(1, " ")
            server.fail("sendMessage", error_code=429, description="Too Many", retry_after=3)
            with pytest.raises(RetryAfter):
                await remote.send_message(1, "later")
        with pytest.raises(InvalidToken):
            async with Bot("999:wrong", base_url=server.base_url):
                pass
    call = server.calls_to("sendMessage")[0]
    assert (call.params["chat_id"], call.params["text"]) == (-7, "<b>true</b>")
    assert call.params["reply_markup"] == keyboard.to_dict()  # sent as JSON text


def _calls_running() -> int:
    return sum(t.get_coro().__qualname__ == "BotAPIEmulator.call" for t in asyncio.all_tasks())


async def test_over_http_an_abandoned_long_poll_is_cancelled_and_not_recorded() -> None:
    async with BotAPIServer() as server, httpx.AsyncClient() as http:
        poll = asyncio.create_task(
            http.post(f"{server.base_url}{TOKEN}/getUpdates", data={"timeout": "30"})
        )
        await poll_arrived(server)
        poll.cancel()  # the client hangs up
        async with asyncio.timeout(5):  # the server notices and cancels the call
            while True:
                if not _calls_running():
                    break
                await asyncio.sleep(0.01)
        server.push_message("after the hang-up")
        unknown = await http.post(f"{server.base_url}{TOKEN}/sendSticker")
        assert unknown.status_code == 404 and unknown.json()["ok"] is False
    assert [c.method for c in server.calls] == ["sendSticker"]
    assert len(server.updates) == 1  # still there for the next poll
