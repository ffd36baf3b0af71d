"""Topic alerts: matching new articles against subscriptions into the outbox."""
