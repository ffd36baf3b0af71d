"""The ingest benchmark's lean loopback sites answer like real HTTP/1.1 servers."""

from __future__ import annotations

import httpx

from bench.loopback import Site


async def test_a_site_serves_its_pages_over_one_kept_alive_connection() -> None:
    site = await Site().start()
    try:
        page = site.add("/news/one", "<p>héllo</p>")
        feed = site.add("/feed.xml", "<rss/>", content_type="application/rss+xml")
        peers = set()
        async with httpx.AsyncClient() as client:
            for url in (page, feed, page + "?utm=x", site.url("/missing")):
                async with client.stream("GET", url) as response:
                    await response.aread()
                    peers.add(response.extensions["network_stream"].get_extra_info("client_addr"))
                    if url.endswith("missing"):
                        assert response.status_code == 404
                    else:
                        assert response.status_code == 200
            first = await client.get(page)
            assert first.text == "<p>héllo</p>"
            assert first.headers["content-type"] == "text/html; charset=utf-8"
            assert (await client.get(feed)).headers["content-type"] == "application/rss+xml"
        assert len(peers) == 1  # every request went over the same connection
    finally:
        await site.stop()
