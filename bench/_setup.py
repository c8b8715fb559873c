"""Shared start of the benchmark scripts; import it before numpy.

One thread for numpy's BLAS and friends (timings are per core, and the machine has two),
and ``newstrace`` importable from the working tree when it is not installed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

for _var in (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
):
    os.environ.setdefault(_var, "1")

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))
try:
    import newstrace  # noqa: F401
except ImportError:  # not installed: use the working tree
    sys.path.insert(0, str(ROOT / "src"))
