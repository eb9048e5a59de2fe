"""The emulator's SQLite database: one connection per thread, the journal, and transactions.

Several processes may share a database (two ``emulator serve``, or ``--local`` next to a
server): the journal is WAL, so readers never wait for the writer; every request that writes is
one ``BEGIN IMMEDIATE`` transaction, taken in turn thanks to ``busy_timeout``.

Durability: ``synchronous=NORMAL`` in WAL mode writes each commit to the WAL file before the
commit returns, so a committed (acknowledged) write survives the process being killed, even with
SIGKILL: the data is in the operating system's page cache and reaches the disk without the
process. Only an operating-system crash or power loss can lose the last commits (never corrupt
the file); set ``STRIPECLI_EMULATOR_SYNCHRONOUS=FULL`` to fsync every commit against that too.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from contextlib import contextmanager
from typing import Iterator

# The WAL is checkpointed every WAL_AUTOCHECKPOINT pages (SQLite's own default, 4 MiB) and cut back
# to WAL_SIZE_LIMIT bytes whenever a checkpoint lets it restart; every CHECKPOINT_EVERY writes the
# database also asks for a checkpoint itself, which catches up after readers held the WAL open.
WAL_AUTOCHECKPOINT = 1000
WAL_SIZE_LIMIT = 16 * 1024 * 1024
CHECKPOINT_EVERY = 2000


class Database:
    """One SQLite file, one connection per thread (``conn``), and its write transactions."""

    def __init__(self, path: str) -> None:
        self.side_tables: set[str] = set()  # side tables known to exist (emulator/sidetables.py)
        self.path = path
        self._local = threading.local()
        self._writes = 0
        self._synchronous = os.environ.get("STRIPECLI_EMULATOR_SYNCHRONOUS", "NORMAL").upper()
        if self._synchronous not in ("OFF", "NORMAL", "FULL", "EXTRA"):
            self._synchronous = "NORMAL"

    # -- connections ------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout = 30000")
        for attempt in range(50):
            try:
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                break
            except sqlite3.OperationalError:
                if attempt == 49:
                    raise
                time.sleep(0.05)
        if str(mode).lower() != "wal":  # pragma: no cover - a file system without WAL support
            raise RuntimeError("cannot use WAL on %s (journal mode %s)" % (self.path, mode))
        conn.execute("PRAGMA synchronous = %s" % self._synchronous)
        conn.execute("PRAGMA wal_autocheckpoint = %d" % WAL_AUTOCHECKPOINT)
        conn.execute("PRAGMA journal_size_limit = %d" % WAL_SIZE_LIMIT)
        # a savepoint's journal (each request of a group has one) stays in memory; by default
        # SQLite spills it to a temporary file past 64 KiB: a file made and removed per group
        conn.execute("PRAGMA temp_store = MEMORY")
        return conn

    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE``); nested calls join the outer one. Inside a
        group commit (``begin_group``) it is a savepoint of the group's transaction instead: undone
        alone if it fails, made durable when the group commits."""
        local = self._local
        conn = self.conn
        grouped = getattr(local, "group", False)
        if getattr(local, "depth", 0) or (not grouped and conn.in_transaction):
            yield conn
            return
        conn.execute("SAVEPOINT request" if grouped else "BEGIN IMMEDIATE")
        local.depth = 1
        try:
            yield conn
        except BaseException:
            local.depth = 0
            if grouped:
                conn.execute("ROLLBACK TO request")
                conn.execute("RELEASE request")
            else:
                conn.execute("ROLLBACK")
            raise
        local.depth = 0
        if grouped:
            conn.execute("RELEASE request")
            return
        conn.execute("COMMIT")
        self._committed()

    def writing(self) -> bool:
        """Whether a ``write()`` is under way on this thread (a nested one joins it)."""
        if getattr(self._local, "depth", 0):
            return True
        return not getattr(self._local, "group", False) and self.conn.in_transaction

    # -- group commit -------------------------------------------------------------------------
    #
    # ``emulator serve`` answers requests one at a time on one thread. Under load, the requests that
    # arrived together are run inside one transaction (``begin_group``), each in a savepoint of its
    # own, and committed together (``commit_group``) before any of them is answered: an answer is
    # only sent once what it reports is committed, so an acknowledged write still survives the
    # process being killed, and a request that fails is undone alone. One commit then writes the
    # pages the requests share (the ends of the tables and indexes they append to) once, not once
    # per request.

    def begin_group(self) -> None:
        """Start a group transaction on this thread (``BEGIN IMMEDIATE``; raises if busy)."""
        self.conn.execute("BEGIN IMMEDIATE")
        self._local.group = True

    def commit_group(self) -> None:
        """Commit the group transaction; if the commit fails it is rolled back and the error raised."""
        conn = self.conn
        self._local.group = False
        try:
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            self.side_tables.clear()  # tables made in the group are gone with it
            raise
        self._committed()

    def _committed(self) -> None:
        self._writes += 1
        if self._writes % CHECKPOINT_EVERY == 0:
            self.checkpoint()

    def checkpoint(self) -> tuple[int, int]:
        """Copy the WAL into the database as far as readers allow (never waits for them) and let
        ``journal_size_limit`` cut the file back; the WAL's frames and how many were copied."""
        busy, frames, copied = self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return frames, copied

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A consistent snapshot for a request that only reads."""
        conn = self.conn
        if conn.in_transaction:
            yield conn
            return
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")
