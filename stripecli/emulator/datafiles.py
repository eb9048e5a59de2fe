"""The emulator's files on disk: created private to the user, and how much room they take."""

from __future__ import annotations

import os


def create_private(data_dir: str, path: str) -> None:
    """Create the data directory (0700) and the database file (0600) readable by their owner only:
    the emulator's data is the operator's, whatever the umask. SQLite gives its ``-wal`` and
    ``-shm`` files the database file's permissions. Existing files and directories are left as
    they are (an operator may have shared them on purpose)."""
    if not os.path.isdir(data_dir):
        os.makedirs(data_dir, mode=0o700, exist_ok=True)
    if not os.path.exists(path):
        try:
            os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:  # another process made it first
            pass


def sizes(path: str, objects: int) -> dict[str, int]:
    """The database file's and its WAL's bytes, the object count, and bytes per object (both
    files together, divided by the object count)."""
    def size(name: str) -> int:
        try:
            return os.path.getsize(name)
        except OSError:
            return 0

    database, wal = size(path), size(path + "-wal")
    return {"database_bytes": database, "wal_bytes": wal, "objects": objects,
            "bytes_per_object": (database + wal) // objects if objects else 0}
