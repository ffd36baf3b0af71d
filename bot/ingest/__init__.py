"""Getting news in from the network: safe fetching, feed and page parsing, URL forms, OPML."""
