"""Time projections of 5,000 GloVe keys: embspace against the libraries used plainly.

    python bench/bench_projection.py [--limit 5000] [--skip-tsne]

UMAP is timed in fresh processes: with an empty numba cache (cold), then again
(warm), for embspace and for umap-learn called directly, because compilation
is what a user waits for. Each line prints ours, the reference and the ratio.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

UMAP_OURS = """
import sys, time
from embspace import datasets, projection
space = datasets.load()
start = time.perf_counter()
projection.project(space, method="umap", limit={limit}, use_cache=False)
print(time.perf_counter() - start)
"""

UMAP_PLAIN = """
import sys, time, warnings
import numpy as np
from embspace import datasets
import umap
space = datasets.load()
matrix = np.asarray(space.vectors[:{limit}])
warnings.simplefilter("ignore")
start = time.perf_counter()
umap.UMAP(metric="cosine", random_state=42).fit_transform(matrix)
print(time.perf_counter() - start)
"""


def fresh(script: str, numba_dir: str, data_dir: str) -> float:
    env = {
        **os.environ,
        "NUMBA_CACHE_DIR": numba_dir,
        "EMBSPACE_DATA_DIR": data_dir,
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    return float(done.stdout.split()[-1])


def timed(call) -> tuple[float, object]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def best(call, repeats: int = 5) -> float:
    """The fastest of ``repeats`` calls, in seconds (for calls of milliseconds)."""
    return min(timed(call)[0] for _ in range(repeats))


def tsne_ours(space, limit: int, *, use_cache: bool = True) -> float:
    """Seconds for embspace's t-SNE of the first ``limit`` keys."""
    from embspace import projection

    seconds, _ = timed(
        lambda: projection.project(
            space, method="tsne", limit=limit, use_cache=use_cache
        )
    )
    return seconds


def tsne_reference(matrix) -> float:
    """Seconds for scikit-learn's TSNE of ``matrix``, as embspace is set up."""
    from sklearn.manifold import TSNE

    tsne = TSNE(2, metric="cosine", init="pca", random_state=42)
    seconds, _ = timed(lambda: tsne.fit_transform(matrix))
    return seconds


def line(name: str, ours: float, reference: float) -> None:
    print(
        f"{name:28s} ours {ours:9.3f} s  reference {reference:9.3f} s  "
        f"ratio {reference / ours:6.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=5000)
    parser.add_argument("--skip-tsne", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as data_dir:
        os.environ["EMBSPACE_DATA_DIR"] = data_dir
        from sklearn.decomposition import PCA

        from embspace import datasets, projection
        from embspace.projection_pca import fit_pca

        space = datasets.load()
        space.valid  # noqa: B018 - computed once, outside the timings
        matrix = space.vectors[: args.limit]
        limit = args.limit

        for rows in (matrix, space.vectors):
            fit = best(lambda: fit_pca(rows, 2))  # noqa: B023 - called at once
            ref = best(lambda: PCA(2).fit_transform(rows))  # noqa: B023
            line(f"PCA {len(rows)} fit", fit, ref)
        ref = best(lambda: PCA(2).fit_transform(matrix))
        ours, _ = timed(lambda: projection.project(space, limit=limit))
        hit, _ = timed(lambda: projection.project(space, limit=limit))
        line(f"PCA {limit} fit and store", ours, ref)
        line(f"PCA {limit} cache hit", hit, ref)

        if not args.skip_tsne:
            ours, hit = tsne_ours(space, limit), tsne_ours(space, limit)
            ref = tsne_reference(matrix)
            line(f"t-SNE {limit}", ours, ref)
            line(f"t-SNE {limit} cache hit", hit, ref)

        with (
            tempfile.TemporaryDirectory() as ours_numba,
            tempfile.TemporaryDirectory() as plain_numba,
        ):
            ours = UMAP_OURS.format(limit=limit)
            plain = UMAP_PLAIN.format(limit=limit)
            cold = (
                fresh(ours, ours_numba, data_dir),
                fresh(plain, plain_numba, data_dir),
            )
            warm = (
                fresh(ours, ours_numba, data_dir),
                fresh(plain, plain_numba, data_dir),
            )
        line(f"UMAP {limit} cold process", *cold)
        line(f"UMAP {limit} warm process", *warm)


if __name__ == "__main__":
    main()
