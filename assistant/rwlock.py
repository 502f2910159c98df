"""A small readers-writer lock: many requests read the index at once; swapping in a new index needs it alone."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class ReadWriteLock:
    """Reader-preferring; the writer only waits a bounded time, so it can never deadlock a request.

    (A streaming answer holds a read lock between chunks; if the same thread then asked for the write lock,
    an unbounded wait would never end.)
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False

    @contextmanager
    def read(self) -> Iterator[None]:
        with self._cond:
            while self._writing:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def write(self, timeout: float = 5.0) -> Iterator[bool]:
        """Yields True when held exclusively; False if readers didn't drain within `timeout` (try later)."""
        with self._cond:
            acquired = self._cond.wait_for(lambda: self._readers == 0 and not self._writing, timeout)
            if acquired:
                self._writing = True
        try:
            yield acquired
        finally:
            if acquired:
                with self._cond:
                    self._writing = False
                    self._cond.notify_all()
