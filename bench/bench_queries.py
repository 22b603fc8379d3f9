"""Time embspace's queries against gensim ``KeyedVectors`` on GloVe 6B 50d.

Both sides answer the same queries in one run, alternating which goes first;
every timed answer is checked to be identical (top-10 keys, and scores equal
to 1e-6). Prints one table with p50 / p90 in milliseconds and the ratio
gensim / embspace.

Run from the repository root::

    python bench/bench_queries.py [--words 240] [--repeats 3]
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from embspace import datasets, queries  # noqa: E402
from embspace.examples import ANALOGIES  # noqa: E402
from embspace.space import Space  # noqa: E402

TOPN = 10
MISSPELT = ["kingg", "Pariss", "qeen", "computr", "xqzzyv", "beautifull", "teh"] * 3


@dataclass(frozen=True)
class Timing:
    """Per-query seconds of both sides, and how many answers differed."""

    name: str
    gensim: np.ndarray
    ours: np.ndarray
    mismatches: int


def spread_words(space: Space, n_words: int) -> list[str]:
    """Keys at evenly spaced frequency ranks, skipping invalid rows."""
    ranks = np.unique(np.linspace(0, space.n_keys - 1, n_words).astype(int))
    return [space.keys[i] for i in ranks if space.valid[i]]


def same(ours: queries.QueryResult, theirs: Sequence[tuple[str, float]]) -> bool:
    """True if the keys are identical and the scores equal to 1e-6."""
    keys = [key for key, _ in theirs]
    if ours.keys != keys:
        return False
    scores = np.array([n.score for n in ours.results])
    return bool(np.allclose(scores, [s for _, s in theirs], rtol=0, atol=1e-6))


def time_pair(
    name: str,
    cases: Sequence[object],
    gensim_call: Callable[[object], list],
    our_call: Callable[[object], queries.QueryResult],
) -> Timing:
    """Time both calls on every case, alternating which side runs first."""
    gensim_seconds, our_seconds, mismatches = [], [], 0
    for position, case in enumerate(cases):
        calls = [("gensim", gensim_call), ("ours", our_call)]
        if position % 2:
            calls.reverse()

        answers = {}
        for side, call in calls:
            start = time.perf_counter()
            answers[side] = call(case)
            elapsed = time.perf_counter() - start
            (gensim_seconds if side == "gensim" else our_seconds).append(elapsed)

        if not same(answers["ours"], answers["gensim"]):
            mismatches += 1
            print(f"MISMATCH {name} {case!r}", file=sys.stderr)
    return Timing(name, np.array(gensim_seconds), np.array(our_seconds), mismatches)


def gensim_oracle(space: Space):
    """gensim KeyedVectors over the same matrix."""
    from gensim.models import KeyedVectors

    kv = KeyedVectors(space.n_dims)
    kv.add_vectors(space.keys, np.asarray(space.vectors))
    kv.fill_norms()
    return kv


def run(n_words: int, repeats: int) -> list[Timing]:
    """Load GloVe, warm both sides up, time the three kinds of query."""
    start = time.perf_counter()
    space = datasets.load(datasets.DEFAULT_DATASET)
    kv = gensim_oracle(space)
    space.cosine_index  # noqa: B018 - built once per process, not timed
    print(
        f"loaded {space.n_keys} x {space.n_dims} in {time.perf_counter() - start:.1f} s"
    )

    words = spread_words(space, n_words)
    triples = ANALOGIES * repeats
    for word in words[:10]:
        queries.neighbors(space, word, topn=TOPN)
        kv.most_similar(word, topn=TOPN)
    for a, b, c in ANALOGIES[:3]:
        queries.analogy(space, a, b, c, method="mul", topn=TOPN)
        kv.most_similar_cosmul(positive=[b, c], negative=[a], topn=TOPN)

    return [
        time_pair(
            "neighbors",
            words,
            lambda w: kv.most_similar(w, topn=TOPN),
            lambda w: queries.neighbors(space, w, topn=TOPN),
        ),
        time_pair(
            "analogy 3CosAdd",
            triples,
            lambda t: kv.most_similar(
                positive=[t[1], t[2]], negative=[t[0]], topn=TOPN
            ),
            lambda t: queries.analogy(space, *t, method="add", topn=TOPN),
        ),
        time_pair(
            "analogy 3CosMul",
            triples,
            lambda t: kv.most_similar_cosmul(
                positive=[t[1], t[2]], negative=[t[0]], topn=TOPN
            ),
            lambda t: queries.analogy(space, *t, method="mul", topn=TOPN),
        ),
    ]


def time_unknown_keys(space: Space) -> str:
    """Seconds to reject a misspelt key with suggestions (rapidfuzz)."""
    from embspace.space import UnknownKeyError

    seconds = []
    for typed in MISSPELT:
        start = time.perf_counter()
        with contextlib.suppress(UnknownKeyError):
            space.resolve(typed)
        seconds.append(time.perf_counter() - start)
    warm = np.percentile(seconds[1:], [50, 90]) * 1e3
    return (
        f"resolve a misspelt key (suggestions over {space.n_keys} keys): "
        f"first {seconds[0] * 1e3:.0f} ms, then p50 {warm[0]:.0f} ms, "
        f"p90 {warm[1]:.0f} ms"
    )


def report(timings: Sequence[Timing]) -> str:
    """The table of p50 / p90 milliseconds and ratios."""
    header = (
        f"{'query':<17} {'n':>4} {'gensim p50':>11} {'ours p50':>9} "
        f"{'gensim p90':>11} {'ours p90':>9} {'ratio p50':>10} {'ratio p90':>10} "
        f"{'identical':>10}"
    )
    lines = [header, "-" * len(header)]
    for t in timings:
        g50, g90 = np.percentile(t.gensim, [50, 90]) * 1e3
        o50, o90 = np.percentile(t.ours, [50, 90]) * 1e3
        identical = f"{t.gensim.size - t.mismatches}/{t.gensim.size}"
        lines.append(
            f"{t.name:<17} {t.gensim.size:>4} {g50:>11.2f} {o50:>9.2f} "
            f"{g90:>11.2f} {o90:>9.2f} {g50 / o50:>9.1f}x {g90 / o90:>9.1f}x "
            f"{identical:>10}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; exit 1 if any answer differed from gensim's."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=240)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    timings = run(args.words, args.repeats)
    print(report(timings))
    print(time_unknown_keys(datasets.load(datasets.DEFAULT_DATASET)))
    total = time.perf_counter() - start
    print(f"total {total:.1f} s (times in ms; ratio = gensim / ours)")
    return 1 if any(t.mismatches for t in timings) else 0


if __name__ == "__main__":
    sys.exit(main())
