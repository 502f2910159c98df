"""Keep a long-running server's resident memory near what it really uses (glibc's allocator; a no-op elsewhere).

Loading parses the embedding model and the index through large temporary buffers. glibc keeps freed heap pages
for reuse instead of handing them back, so a process that has just loaded holds about 90 MB it will not use again;
`release_freed_memory()` returns them (docs/performance.md has the figures).
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache


@cache
def _glibc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        libc = ctypes.CDLL(name)
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") else None


def release_freed_memory() -> bool:
    """Return freed heap pages to the system; True when anything was returned."""
    libc = _glibc()
    return bool(libc.malloc_trim(0)) if libc is not None else False
