"""`newsbot chat`: the real bot, handlers and all, talking to you in a terminal — no Telegram.

The application runs against a BotAPIEmulator in this process (no HTTP); each line you type
is a private message from user 1, and the bot's messages are printed as they are sent
(Telegram HTML turned into terminal text). ``!N`` presses button N of the last message that
has buttons.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator
from typing import Any, TextIO

from bot.config import Settings
from bot.newsroom import Newsroom
from bot.telegram.app import NewsApplication, build_application
from bot.telegram.emulator import BotAPIEmulator, Call, EmulatorRequest, inline_buttons
from bot.telegram.render import utf16_len
from bot.telegram.runner import ALLOWED_UPDATES

CHAT_TOKEN = "chat-session"
USER_ID = 1
POLL_TIMEOUT = 10  # seconds each getUpdates long poll may wait
REPLY_TIMEOUT = 30.0  # longest wait for the bot to handle one line
QUIET_SECONDS = 0.3  # the bot is done when it has sent nothing for this long
QUIT = "/quit"
WELCOME = (
    "newsbot chat — type /help, /latest, /summary URL ... or paste a link; "
    "!N presses button N; Ctrl-D or /quit to quit.\n"
    f"You are user {USER_ID} (NEWSBOT_ADMIN_IDS={USER_ID} makes you an admin).\n"
)
NO_ARTICLES = (
    "No articles stored yet. Add a feed: /addfeed URL here (as an admin: start with "
    f"NEWSBOT_ADMIN_IDS={USER_ID}), or quit and run newsbot feeds add URL, then newsbot ingest.\n"
)
# entity type -> (start, end) ANSI codes; only used when stdout is a terminal
ANSI: dict[str, tuple[str, str]] = {
    "bold": ("\x1b[1m", "\x1b[22m"),
    "italic": ("\x1b[3m", "\x1b[23m"),
    "underline": ("\x1b[4m", "\x1b[24m"),
    "strikethrough": ("\x1b[9m", "\x1b[29m"),
}
# Their start/stop INFO lines are noise in a conversation (kept with --verbose).
CHATTY_LOGGERS = ("apscheduler", "telegram.ext")
OUTPUT_METHODS = frozenset({"sendMessage", "editMessageText", "editMessageReplyMarkup"})


def to_terminal(text: str, entities: list[dict[str, Any]], *, ansi: bool) -> str:
    """A message's visible text with its links spelled out: "text (url)"; styles as ANSI."""
    opening: dict[int, list[str]] = {}
    closing: dict[int, list[str]] = {}
    for entity in sorted(entities, key=lambda e: (e["offset"], -e["length"])):
        start, end = entity["offset"], entity["offset"] + entity["length"]
        if entity["type"] == "text_link":
            shown = text.encode("utf-16-le", "surrogatepass")[start * 2 : end * 2]
            if shown.decode("utf-16-le", "surrogatepass") != entity["url"]:
                closing.setdefault(end, []).insert(0, f" ({entity['url']})")
        elif ansi and entity["type"] in ANSI:
            on, off = ANSI[entity["type"]]
            opening.setdefault(start, []).append(on)
            closing.setdefault(end, []).insert(0, off)
    out: list[str] = []
    position = 0
    for char in text:
        out += closing.pop(position, []) + opening.pop(position, [])
        out.append(char)
        position += utf16_len(char)
    out += closing.pop(position, [])
    return "".join(out)


def button_line(buttons: list[dict[str, Any]]) -> str:
    """Numbered buttons: "[1] More  [2] Unsubscribe"."""
    return "  ".join(f"[{n}] {b['text']}" for n, b in enumerate(buttons, start=1))


class Screen:
    """Prints what the bot does as the emulator answers it (an emulator call listener)."""

    def __init__(self, out: TextIO, *, ansi: bool) -> None:
        self.out = out
        self.ansi = ansi
        self.last_output = 0.0  # loop time of the bot's last message, edit or answer
        self.buttons_at: tuple[int, int] | None = None  # (chat, message) with the last buttons

    def write(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()

    def show(self, call: Call) -> None:
        """Print a message the bot sent or edited, a button answer, or a refused request."""
        if call.method not in OUTPUT_METHODS and call.method != "answerCallbackQuery":
            return
        self.last_output = asyncio.get_running_loop().time()
        if not call.ok:
            self.write(f"(Telegram refused {call.method}: {call.error})\n\n")
        elif call.method == "answerCallbackQuery":
            if text := call.params.get("text"):
                alert = "alert" if call.params.get("show_alert") else "notice"
                self.write(f"[{alert}] {text}\n\n")
        elif isinstance(call.result, dict):
            self.message(call.result, edited=call.method != "sendMessage")

    def message(self, message: dict[str, Any], *, edited: bool) -> None:
        lines = [to_terminal(message["text"], message.get("entities", []), ansi=self.ansi)]
        if edited:
            lines[0] = "(edited) " + lines[0]
        buttons = inline_buttons(message)
        if buttons:
            lines.append(button_line(buttons))
            self.buttons_at = (message["chat"]["id"], message["message_id"])
        self.write("\n".join(lines) + "\n\n")


def _read_lines(stdin: TextIO, loop: asyncio.AbstractEventLoop, lines: asyncio.Queue[str]) -> None:
    """Thread body: hand each line to the loop, then "" at end of input."""
    while True:
        line = stdin.readline()
        try:
            loop.call_soon_threadsafe(lines.put_nowait, line)
        except RuntimeError:  # the loop is closed: the session is over
            return
        if not line:
            return


@contextlib.asynccontextmanager
async def running(application: NewsApplication) -> AsyncIterator[None]:
    """Run the application as run_polling does (post_init and all), without its signal handling."""
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        updater = application.updater
        assert updater is not None
        await updater.start_polling(
            poll_interval=0.0, timeout=POLL_TIMEOUT, allowed_updates=ALLOWED_UPDATES
        )
        await application.start()
        try:
            yield
        finally:
            if updater.running:
                await updater.stop()
            if application.running:
                await application.stop()
            if application.post_stop:
                await application.post_stop(application)
    finally:
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)


class ChatSession:
    """One terminal conversation: typed lines in, the bot's messages out."""

    def __init__(
        self, emulator: BotAPIEmulator, application: NewsApplication, screen: Screen
    ) -> None:
        self.emulator = emulator
        self.application = application
        self.screen = screen

    async def run(
        self, lines: asyncio.Queue[str], *, interactive: bool, welcome: str = WELCOME
    ) -> None:
        """Handle lines until end of input ("") or /quit."""
        self.screen.write(welcome + "\n")
        while True:
            if interactive:
                self.screen.write("> ")
            raw = await lines.get()
            line = raw.strip()
            if not raw and interactive:
                self.screen.write("\n")  # Ctrl-D left the cursor after the prompt
            if not raw or line == QUIT:
                return
            if not line:
                continue
            if not interactive:
                self.screen.write(f"> {line}\n")
            await self.handle(line)

    async def handle(self, line: str) -> None:
        """Send a typed line to the bot ("!N" presses a button) and wait for its answer."""
        if line.startswith("!") and line[1:].isdigit():
            if not self.press(int(line[1:])):
                return
        else:
            self.emulator.push_message(line, chat_id=USER_ID, user_id=USER_ID)
        await self.settle(self.emulator.updates.last_id)

    def press(self, number: int) -> bool:
        """Press button `number` of the last message with buttons; False if nothing happened."""
        where = self.screen.buttons_at
        message = self.emulator.chats.message(*where) if where else None
        buttons = inline_buttons(message) if message else []
        if message is None or not buttons:
            self.screen.write("(no message with buttons to press)\n\n")
            return False
        if not 1 <= number <= len(buttons):
            self.screen.write(f"(no button {number}: the last message has 1 to {len(buttons)})\n\n")
            return False
        button = buttons[number - 1]
        if "callback_data" in button:
            self.emulator.push_callback(message, button["callback_data"], user_id=USER_ID)
            return True
        if "url" in button:
            self.screen.write(f"(that button opens {button['url']})\n\n")
        else:
            self.screen.write("(that button does nothing in a terminal)\n\n")
        return False

    async def settle(self, update_id: int) -> None:
        """Wait until the bot has handled the update and then been quiet for a moment."""
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(REPLY_TIMEOUT):
                await self.emulator.wait_confirmed(update_id, timeout=REPLY_TIMEOUT)
                await self.application.update_queue.join()  # fetched updates all handled
                while True:  # then wait out stragglers
                    quiet_at = self.screen.last_output + QUIET_SECONDS
                    if loop.time() >= quiet_at:
                        break
                    await asyncio.sleep(quiet_at - loop.time())
        except TimeoutError:
            self.screen.write(f"(no answer within {REPLY_TIMEOUT:g} s)\n\n")


async def chat_session(settings: Settings, stdin: TextIO, stdout: TextIO) -> int:
    """Run `newsbot chat` until end of input or /quit; return the exit code (0)."""
    if logging.getLogger().getEffectiveLevel() > logging.DEBUG:
        for name in CHATTY_LOGGERS:
            logging.getLogger(name).setLevel(logging.WARNING)
    screen = Screen(stdout, ansi=stdout.isatty())
    lines: asyncio.Queue[str] = asyncio.Queue()
    reader = threading.Thread(
        target=_read_lines,
        args=(stdin, asyncio.get_running_loop(), lines),
        name="newsbot-chat-stdin",
        daemon=True,  # a read blocked on the terminal must not keep the process alive
    )
    newsroom = Newsroom(settings)
    emulator = BotAPIEmulator()
    emulator.listen(screen.show)
    application = build_application(
        settings, newsroom, token=CHAT_TOKEN, request=EmulatorRequest(emulator)
    )
    async with running(application):
        welcome = WELCOME if await newsroom.latest(1) else WELCOME + NO_ARTICLES
        reader.start()
        await ChatSession(emulator, application, screen).run(
            lines, interactive=stdin.isatty(), welcome=welcome
        )
    return 0
