"""Which allocator Arrow uses in a build: the system's, so that freed memory goes back.

pyarrow's default pool on Linux is mimalloc, which keeps the pages of freed buffers for reuse.
A build makes many short-lived Arrow arrays on the Python side (partner lists read in chunks,
reference tables, issue rows) and hands the data to the warehouse; with mimalloc, those freed
pages stayed resident: reading, ingesting and validating 200,000-row inputs peaked about 70 MB
higher (issue 9, `bench/bench_inputs.py`). The heavy relational work runs inside the engine
(DuckDB has its own allocator), so Arrow's allocator speed does not matter here, its footprint
does. A user who set ``ARROW_DEFAULT_MEMORY_POOL`` keeps that choice.
"""

from __future__ import annotations

import os

import pyarrow as pa

POOL_VARIABLE = "ARROW_DEFAULT_MEMORY_POOL"


def use_system_allocator() -> str:
    """Make the system allocator Arrow's default pool unless the user chose one; return the
    backend now in use. Buffers made earlier keep the pool they came from."""
    if not os.environ.get(POOL_VARIABLE):
        pa.set_memory_pool(pa.system_memory_pool())
    return str(pa.default_memory_pool().backend_name)
