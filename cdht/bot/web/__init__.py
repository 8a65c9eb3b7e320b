"""The Mini App: pages served by the bot's own HTTP server under /app."""
