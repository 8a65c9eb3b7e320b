"""The storage ports in memory, for tests that need no database: `MemoryDatabase` holds the committed tables,
`MemoryUnitOfWork(database)` is a transaction on it. The SQL repositories are the reference: the repository
contract tests run on all three backends."""

from tests.fakes.memory.unit_of_work import MemoryDatabase, MemoryUnitOfWork

__all__ = ["MemoryDatabase", "MemoryUnitOfWork"]
