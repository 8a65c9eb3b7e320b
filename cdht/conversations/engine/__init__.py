"""The conversation engine: a pure step function over plain session data (`steps`), and what it is made of."""

from cdht.conversations.engine.steps import resume, start

__all__ = ["resume", "start"]
