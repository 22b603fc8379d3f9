"""Time gensim's and embspace's analogy evaluation on GloVe, in one run.

Both evaluate the full ``questions-words.txt`` with ``restrict_vocab=300000``
on the built-in GloVe 6B 50d space; the script checks that every section has
the same correct and incorrect questions and prints the speed ratio.

Run: ``python bench/bench_evaluate.py``
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from embspace import datasets  # noqa: E402
from embspace.benchmarks import default_paths  # noqa: E402
from embspace.evaluate import evaluate_word_analogies  # noqa: E402


def _gensim_vectors(space):
    from gensim.models import KeyedVectors

    kv = KeyedVectors(space.n_dims)
    kv.add_vectors(space.keys, np.asarray(space.vectors))
    kv.fill_norms()
    return kv


def _same(ours, theirs) -> bool:
    for section, reference in zip(ours.sections, theirs):
        correct = [q for q in ours.questions if q.section == section.name]
        words = [
            tuple(w.upper() for w in (q.a, q.b, q.c, q.expected))
            for q in correct
            if q.correct
        ]
        if section.name != reference["section"] or words != reference["correct"]:
            return False
        if section.incorrect != len(reference["incorrect"]):
            return False
    return len(ours.sections) + 1 == len(theirs)


def main() -> None:
    space = datasets.load()
    path = default_paths()["analogies"]
    kv = _gensim_vectors(space)

    # Compile the numba kernel outside the timing (it is cached on disk).
    evaluate_word_analogies(space, path, restrict_vocab=2000)

    start = time.perf_counter()
    ours = evaluate_word_analogies(space, path)
    ours_seconds = time.perf_counter() - start

    start = time.perf_counter()
    score, sections = kv.evaluate_word_analogies(str(path))
    gensim_seconds = time.perf_counter() - start

    same = _same(ours, sections) and score == ours.accuracy
    print(f"questions answered : {ours.answered} of {ours.n_questions}")
    print(f"accuracy           : ours {ours.accuracy:.6f}  gensim {score:.6f}")
    print(f"identical results  : {same}")
    print(f"gensim             : {gensim_seconds:8.2f} s")
    print(f"embspace           : {ours_seconds:8.2f} s")
    print(f"speed-up           : {gensim_seconds / ours_seconds:8.1f}x")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
