"""check_url: schemes, every spelling of a private address, and what names resolve to.

No test here looks up a public name: hosts other than IP literals and "localhost" go through a
resolver patched onto the running event loop.
"""

from __future__ import annotations

import pytest

from bot.errors import NewsbotError
from bot.ingest.safety import UnsafeURLError, check_url
from tests.support.httpserver import fake_dns

PRIVATE_URLS = [
    "http://127.0.0.1/",
    "http://127.0.0.1:8080/admin",
    "http://2130706433/",  # 127.0.0.1 as one decimal number
    "http://0x7f.1/",  # hex and a short form
    "http://0x7f000001/",
    "http://0177.0.0.1/",  # octal
    "http://127.1/",
    "http://127.0.0.1./",
    "http://[::1]/",
    "http://[0:0:0:0:0:0:0:1]:8000/",
    "http://[::ffff:127.0.0.1]/",  # IPv4-mapped IPv6
    "http://[::ffff:7f00:1]/",
    "http://[::ffff:10.1.2.3]/",
    "http://[64:ff9b::a00:1]/",  # NAT64 of 10.0.0.1
    "http://[2002:c0a8:101::]/",  # 6to4 of 192.168.1.1
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata
    "http://[fe80::1%25eth0]/",
    "http://10.0.0.1/",
    "http://172.16.5.4/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",  # carrier-grade NAT
    "http://[fd00::1]/",
    "http://[fec0::1]/",
    "http://0.0.0.0/",
    "http://0/",
    "http://[::]/",
    "http://224.0.0.251/",  # multicast
    "http://[ff02::1]/",
    "http://240.0.0.1/",  # reserved
    "http://255.255.255.255/",
    "http://localhost/",
    "http://LOCALHOST:6379/",
]


@pytest.mark.parametrize("url", PRIVATE_URLS)
async def test_private_addresses_are_refused(url: str) -> None:
    with pytest.raises(UnsafeURLError):
        await check_url(url, allow_private=False)


@pytest.mark.parametrize("url", PRIVATE_URLS[:3])
async def test_allow_private_lets_them_through(url: str) -> None:
    await check_url(url, allow_private=True)


async def test_refusals_are_friendly_newsbot_errors() -> None:
    with pytest.raises(UnsafeURLError) as loopback:
        await check_url("http://127.0.0.1/", allow_private=False)
    with pytest.raises(UnsafeURLError) as private:
        await check_url("http://10.0.0.1/", allow_private=False)
    assert str(loopback.value) == "that address points at the bot's own machine"
    assert str(private.value) == "that address points into a private network"
    assert isinstance(private.value, NewsbotError)


@pytest.mark.parametrize(
    "url",
    [
        "http://8.8.8.8/",
        "https://1.1.1.1:8443/dns",
        "http://134744072/",  # 8.8.8.8 as a number
        "http://[2606:4700:4700::1111]/",
    ],
)
async def test_public_ip_literals_pass(url: str) -> None:
    await check_url(url, allow_private=False)


@pytest.mark.parametrize(
    "url",
    ["ftp://8.8.8.8/", "file:///etc/passwd", "javascript:alert(1)", "gopher://8.8.8.8/", "8.8.8.8"],
)
@pytest.mark.parametrize("allow_private", [False, True])
async def test_other_schemes_are_refused_even_when_private_is_allowed(
    url: str, allow_private: bool
) -> None:
    with pytest.raises(UnsafeURLError, match="only http"):
        await check_url(url, allow_private=allow_private)


@pytest.mark.parametrize("url", ["http:///path", "http://example.com:99999/", "https://[::1/"])
async def test_malformed_urls_are_refused(url: str) -> None:
    with pytest.raises(UnsafeURLError):
        await check_url(url, allow_private=True)


@pytest.fixture
async def resolver(monkeypatch: pytest.MonkeyPatch) -> None:
    table = {
        "public.example": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"],
        "rebound.example": ["93.184.216.34", "10.0.0.7"],  # one bad address is enough
        "metadata.example": ["169.254.169.254"],
        "mapped.example": ["::ffff:127.0.0.1"],
    }
    fake_dns(monkeypatch, table)


@pytest.mark.usefixtures("resolver")
async def test_a_name_resolving_to_public_addresses_passes() -> None:
    await check_url("https://public.example/feed.xml", allow_private=False)


@pytest.mark.usefixtures("resolver")
@pytest.mark.parametrize("host", ["rebound.example", "metadata.example", "mapped.example"])
async def test_a_name_with_any_private_address_is_refused(host: str) -> None:
    with pytest.raises(UnsafeURLError):
        await check_url(f"https://{host}/", allow_private=False)


@pytest.mark.usefixtures("resolver")
async def test_an_unknown_name_is_refused_with_its_name() -> None:
    with pytest.raises(UnsafeURLError, match=r"can't find the server nowhere\.example"):
        await check_url("https://nowhere.example/", allow_private=False)


@pytest.mark.usefixtures("resolver")
async def test_allow_private_skips_the_lookup() -> None:
    await check_url("https://nowhere.example/", allow_private=True)
