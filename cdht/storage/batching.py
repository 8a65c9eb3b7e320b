"""The inbox batch's session: it saves statements when the inbox loop handles several updates in one
transaction (`Database.batch_uow`; every other unit of work has a plain session).

Each statement through SQLAlchemy costs far more than SQLite takes to run it (about 50 µs against 10 µs), and
an answer used to need about nine of them. `BatchingSession` (the synchronous session under the async one the
unit of work opens) saves two kinds:

- writes nobody reads back at once (an answer, its audit entry, the replies, a session's state) are kept in
  memory and written with one executemany per statement, just before the next statement of any kind, the
  next flush or the commit. Whatever the transaction reads, it reads after its earlier writes, as before;
  an upsert kept twice for the same key keeps the newest values, as two statements in a row would.
- reads made ahead for a whole batch (the senders, their sessions, their units) are kept per table, and
  forgotten as soon as the transaction writes to one of those tables, so a later update in the batch never
  sees what an earlier one changed from before the change.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Iterable
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.sql.dml import UpdateBase


class BatchingSession(Session):
    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._later: dict[Any, dict[Hashable, dict[str, Any]]] = {}  # statement -> its rows, in order
        self._numbers = itertools.count()  # keys of inserted rows, each its own
        self._ahead: dict[str, tuple[frozenset[str], dict[Any, Any]]] = {}  # name -> (tables, remembered)
        self._failed_write: BaseException | None = None  # a kept write that failed: nothing commits

    # -- writes kept for later ---------------------------------------------------------------------------

    def keep(self, statement: Any, values: dict[str, Any], key: Hashable | None = None) -> None:
        """Keep a write for later; of two with the same `key` (an upsert's unique columns), the newer."""
        rows = self._later.setdefault(statement, {})
        key = next(self._numbers) if key is None else key
        rows.pop(key, None)  # the newest values of a key, in the order of their last write
        rows[key] = values
        self._forget_after(statement)

    def write_pending(self) -> None:
        """Write what was kept. If that fails, the transaction cannot commit any more (the caller may have
        caught the error for a statement of its own): only a rollback clears it."""
        if self._failed_write is not None:
            raise InvalidRequestError("a write kept for later failed; roll back") from self._failed_write
        pending, self._later = self._later, {}
        for statement, rows in pending.items():
            try:
                super().execute(statement, list(rows.values()))
            except BaseException as error:
                self._failed_write = error
                raise

    # -- reads made ahead ----------------------------------------------------------------------------------

    def ahead(self, name: str, tables: Iterable[str]) -> dict[Any, Any]:
        """A place to remember reads under `name`, emptied whenever one of `tables` is written."""
        entry = self._ahead.get(name)
        if entry is None:
            entry = self._ahead[name] = (frozenset(tables), {})
        return entry[1]

    def _forget_after(self, statement: Any) -> None:
        if not self._ahead or getattr(statement, "is_select", False):
            return
        table = getattr(statement, "table", None) if isinstance(statement, UpdateBase) else None
        name = getattr(table, "name", None)
        for tables, remembered in self._ahead.values():
            if name is None or name in tables:  # a write we cannot place (text, ...) forgets everything
                remembered.clear()

    def _forget_all(self) -> None:
        for _, remembered in self._ahead.values():
            remembered.clear()

    # -- every way a statement reaches the database writes what is pending first --------------------------

    def execute(self, statement: Any, *args: Any, **kw: Any) -> Any:
        self.write_pending()
        self._forget_after(statement)
        return super().execute(statement, *args, **kw)

    def scalar(self, statement: Any, *args: Any, **kw: Any) -> Any:
        self.write_pending()
        self._forget_after(statement)
        return super().scalar(statement, *args, **kw)

    def scalars(self, statement: Any, *args: Any, **kw: Any) -> Any:
        self.write_pending()
        self._forget_after(statement)
        return super().scalars(statement, *args, **kw)

    def get(self, *args: Any, **kw: Any) -> Any:
        self.write_pending()
        return super().get(*args, **kw)

    def flush(self, objects: Any = None) -> None:
        self.write_pending()
        if self.new or self.dirty or self.deleted:  # ORM writes: their tables are not worth tracing
            self._forget_all()
        super().flush(objects)

    def begin_nested(self) -> Any:
        self.write_pending()  # a savepoint holds only what is written inside it
        return super().begin_nested()

    def commit(self) -> None:
        self.write_pending()
        self._forget_all()  # the next transaction reads afresh
        super().commit()

    def rollback(self) -> None:
        self._drop_kept()
        super().rollback()

    def close(self) -> None:
        self._drop_kept()
        super().close()

    def _drop_kept(self) -> None:
        self._later.clear()
        self._failed_write = None
        self._forget_all()


@event.listens_for(BatchingSession, "after_soft_rollback")
def _savepoint_rolled_back(session: Session, previous: SessionTransaction) -> None:
    """Writes kept since a savepoint began go with it (those from before were written when it began)."""
    if isinstance(session, BatchingSession) and previous.nested:
        session._drop_kept()


def remembered(session: AsyncSession, name: str, tables: Iterable[str]) -> dict[Any, Any] | None:
    """The reads remembered under `name` in this transaction (None: the session does not batch)."""
    batching = session.sync_session
    return batching.ahead(name, tables) if isinstance(batching, BatchingSession) else None


def reads_ahead(session: AsyncSession, name: str, tables: Iterable[str]) -> dict[Any, Any]:
    """Where reads made ahead under `name` are kept: only a batching session makes them."""
    kept = remembered(session, name, tables)
    if kept is None:
        raise TypeError("reads are made ahead only in the inbox batch's unit of work (Database.batch_uow)")
    return kept
