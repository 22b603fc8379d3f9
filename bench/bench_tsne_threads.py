"""Time t-SNE with one thread, all cores and ``tsne_threads()`` against scikit-learn.

    python bench/bench_tsne_threads.py [--limit 1500] [--repeats 3]

scikit-learn's TSNE runs as it comes (all cores). Each repeat prints the
one-minute load average, the thread count that ``projection.tsne_threads``
picks, the times and the ratios reference / ours. The load average includes
this script's own earlier runs.
"""

from __future__ import annotations

import argparse
import os
import tempfile

from bench_projection import tsne_ours, tsne_reference


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=1500)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as data_dir:
        os.environ["EMBSPACE_DATA_DIR"] = data_dir
        from embspace import datasets, projection

        space = datasets.load()
        space.valid  # noqa: B018 - computed once, outside the timings
        matrix = space.vectors[: args.limit]
        chosen = projection.tsne_threads

        def ours(threads: int | None) -> float:
            projection.tsne_threads = chosen if threads is None else lambda: threads
            return tsne_ours(space, args.limit, use_cache=False)

        for repeat in range(args.repeats):
            load, picked = os.getloadavg()[0], chosen()
            one, every, auto = ours(1), ours(os.cpu_count() or 1), ours(None)
            ref = tsne_reference(matrix)
            print(
                f"t-SNE {args.limit} #{repeat + 1} load {load:.1f}: "
                f"1 thread {one:.2f} s ({ref / one:.2f}x), "
                f"all cores {every:.2f} s ({ref / every:.2f}x), "
                f"tsne_threads()={picked} {auto:.2f} s ({ref / auto:.2f}x), "
                f"scikit-learn {ref:.2f} s",
                flush=True,
            )


if __name__ == "__main__":
    main()
