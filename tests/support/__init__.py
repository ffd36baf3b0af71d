"""Helpers shared by the tests: a local HTTP server and feed/page fixtures."""
