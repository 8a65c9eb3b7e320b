"""The queue tables' repositories: inbound updates, outbound messages, background jobs."""
