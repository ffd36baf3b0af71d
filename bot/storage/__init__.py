"""SQLite storage: one file, opened once, with a small repository class per table group."""

from bot.storage.articles import ArticleStore, StoredArticle
from bot.storage.database import StorageError, open_database
from bot.storage.feeds import Feed, FeedStore
from bot.storage.outbox import Delivery, Outbox
from bot.storage.storage import Storage
from bot.storage.subscriptions import Subscription, SubscriptionLimitError, SubscriptionStore

__all__ = [
    "ArticleStore",
    "Delivery",
    "Feed",
    "FeedStore",
    "Outbox",
    "Storage",
    "StorageError",
    "StoredArticle",
    "Subscription",
    "SubscriptionLimitError",
    "SubscriptionStore",
    "open_database",
]
