"""Time embspace's text reader against gensim ``load_word2vec_format``.

Writes GloVe 6B 50d (400,000 x 50) as word2vec text (about 170 MB) into a
temporary folder, then in one run loads it with gensim and with
:func:`embspace.formats.read`, checks that keys and vectors are identical,
and prints the times and the ratio gensim / embspace. Peak memory of our
reader is measured in a fresh process (peak RSS above the RSS after imports,
and tracemalloc's peak of Python-tracked allocations), relative to the final
float32 matrix.

Run from the repository root::

    python bench/bench_load.py [--rows 400000] [--binary]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from embspace import datasets, formats  # noqa: E402

MEMORY_PROBE = """
import json, sys, tracemalloc
sys.path.insert(0, {root!r})
from embspace import formats
import pyarrow, pandas, numpy  # imports count towards the baseline

def status_kb(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1])

# tracemalloc's own bookkeeping inflates RSS, so each figure has its own run.
before = status_kb("VmRSS:")
if {traced!r}:
    tracemalloc.start()
result = formats.read({path!r})
_, traced = tracemalloc.get_traced_memory()
peak = status_kb("VmHWM:")  # ru_maxrss survives exec from a big parent
print(json.dumps({{"before_kb": before, "peak_kb": peak, "traced": traced,
                  "arrow": pyarrow.default_memory_pool().max_memory(),
                  "matrix": result.vectors.nbytes}}))
"""


def _time(function, *args, **kwargs):
    start = time.perf_counter()
    value = function(*args, **kwargs)
    return value, time.perf_counter() - start


def _probe(path: Path, *, traced: bool) -> dict:
    code = MEMORY_PROBE.format(root=str(ROOT), path=str(path), traced=traced)
    output = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def _memory(path: Path) -> dict:
    traced = _probe(path, traced=True)
    plain = _probe(path, traced=False)
    return {**plain, "traced": traced["traced"], "arrow": traced["arrow"]}


def main() -> None:
    """Write the file, time both readers, check them, print the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=400_000)
    parser.add_argument("--binary", action="store_true", help="word2vec binary")
    args = parser.parse_args()

    from gensim.models import KeyedVectors

    space = datasets.load()
    n_rows = min(args.rows, space.n_keys)
    subset = formats.LoadResult(
        space.keys[:n_rows], np.asarray(space.vectors[:n_rows]), None, "npy", []
    )
    kind = "word2vec-binary" if args.binary else "word2vec"

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("glove.bin" if args.binary else "glove.txt")
        _, seconds = _time(formats.write, subset, path, format=kind)
        size = path.stat().st_size
        print(
            f"wrote {n_rows:,} x {space.n_dims} as {kind}: {size / 1e6:.0f} MB "
            f"in {seconds:.1f} s"
        )

        ours, ours_s = _time(formats.read, path)
        kv, gensim_s = _time(
            KeyedVectors.load_word2vec_format, str(path), binary=args.binary
        )
        ours_again, ours_again_s = _time(formats.read, path)

        same_keys = ours.keys == list(kv.index_to_key) == ours_again.keys
        same_vectors = np.array_equal(ours.vectors, kv.vectors)
        memory = _memory(path)

    best = min(ours_s, ours_again_s)
    print(f"gensim load_word2vec_format: {gensim_s:7.2f} s")
    print(
        f"embspace formats.read:       {best:7.2f} s (runs: {ours_s:.2f}, "
        f"{ours_again_s:.2f})"
    )
    print(f"ratio gensim / embspace:     {gensim_s / best:7.1f}x")
    print(f"identical keys: {same_keys}; identical vectors: {same_vectors}")

    matrix = memory["matrix"]
    rss = (memory["peak_kb"] - memory["before_kb"]) * 1024
    tracked = memory["traced"] + memory["arrow"]
    print(
        f"final matrix: {matrix / 1e6:.0f} MB; peak of numpy + Arrow allocations: "
        f"{tracked / 1e6:.0f} MB ({tracked / matrix:.2f}x); peak RSS above the "
        f"baseline (includes allocator slack and the key strings): "
        f"{rss / 1e6:.0f} MB ({rss / matrix:.2f}x)"
    )
    if not (same_keys and same_vectors):
        sys.exit("MISMATCH between gensim and embspace")


if __name__ == "__main__":
    main()
