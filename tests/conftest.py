"""Shared fixtures: the local HTTP server for feeds and pages, and an open Newsroom."""

from tests.support.httpserver import http_server  # noqa: F401
from tests.support.newsroom import newsroom  # noqa: F401
