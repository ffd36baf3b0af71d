"""Shared fixtures: no network beyond loopback, the local HTTP server, an open Newsroom, and
the Telegram harness."""

from tests.support.botapi_http import api_server  # noqa: F401
from tests.support.httpserver import http_server  # noqa: F401
from tests.support.newsroom import newsroom  # noqa: F401
from tests.support.no_network import no_network  # noqa: F401
from tests.support.telegram import api, bot_config, harness  # noqa: F401
