"""UMAP and t-SNE maps fitted in a child process, with progress.

:func:`submit` starts (or joins) a job that runs ``python -m
embspace.projection_job``: the child loads the dataset by id, checks its
fingerprint, and calls :func:`embspace.projection.project`, which writes the
fitted coordinates into the projection disk cache. When the job is done, the
same :func:`~embspace.projection.project` call in the server reads them from
there at once.

The child reports its progress as JSON lines (see :mod:`embspace.jobs`):
UMAP's epochs through the progress hook of its layout loop, t-SNE's
iterations from its own verbose lines.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator

from embspace import jobs

logger = logging.getLogger(__name__)

TSNE_ITERATIONS = 1000
_TSNE_LINE = re.compile(r"\[t-SNE\] Iteration (\d+)")
_EVERY = 0.25


def job_key(dataset_id: str, fingerprint: str, kwargs: dict) -> str:
    """The key of a map job: the dataset's content and every parameter.

    Parameters
    ----------
    dataset_id : str
        Where the child loads the vectors from.
    fingerprint : str
        :attr:`Space.fingerprint` of those vectors.
    kwargs : dict
        Keyword arguments of :func:`embspace.projection.project` (json-safe).

    Returns
    -------
    str
    """
    return json.dumps(
        {"dataset": dataset_id, "fingerprint": fingerprint, "kwargs": kwargs},
        sort_keys=True,
    )


def submit(
    runner: jobs.JobRunner, dataset_id: str, fingerprint: str, kwargs: dict
) -> jobs.Job:
    """Start, or join, the job that fits and caches one map.

    Parameters
    ----------
    runner : JobRunner
        Where jobs are kept; the same arguments give the same job.
    dataset_id, fingerprint, kwargs
        As in :func:`job_key`.

    Returns
    -------
    Job
    """
    payload = {"dataset_id": dataset_id, "fingerprint": fingerprint, "kwargs": kwargs}
    command = [sys.executable, "-m", "embspace.projection_job"]
    return runner.submit(job_key(dataset_id, fingerprint, kwargs), command, payload)


# -- the child ------------------------------------------------------------------------


class _Reporter:
    """Writes progress events, at most one per ``_EVERY`` seconds per stage."""

    def __init__(self, stream) -> None:
        self._stream = stream
        self._last = (None, 0.0)

    def __call__(
        self, stage: str, step: int | None = None, total: int | None = None
    ) -> None:
        now = time.monotonic()
        last_stage, last_time = self._last
        if stage == last_stage and step != total and now - last_time < _EVERY:
            return
        self._last = (stage, now)
        self.send({"stage": stage, "step": step, "total": total})

    def send(self, event: dict) -> None:
        self._stream.write(json.dumps(event) + "\n")
        self._stream.flush()


class _TsneLines:
    """A text stream that turns t-SNE's verbose lines into progress events."""

    def __init__(self, report: Callable, forward) -> None:
        self._report, self._forward, self._buffer = report, forward, ""

    def write(self, text: str) -> int:
        self._buffer += text
        *lines, self._buffer = self._buffer.split("\n")
        for line in lines:
            found = _TSNE_LINE.search(line)
            if found:
                step = int(found.group(1))
                self._report("optimising the layout", step, TSNE_ITERATIONS)
            elif line.strip():
                self._forward.write(line + "\n")
        return len(text)

    def flush(self) -> None:
        self._forward.flush()


def _hook_umap(report: Callable) -> None:
    """Report UMAP's epochs: its layout loop iterates through ``tqdm``."""
    import tqdm.auto

    def progress(iterable: Iterable | None = None, *args, **kwargs) -> Iterator:
        items = list(iterable if iterable is not None else range(kwargs["total"]))
        for step, item in enumerate(items):
            report("optimising the layout (epochs)", step, len(items))
            yield item
        report("optimising the layout (epochs)", len(items), len(items))

    tqdm.auto.tqdm = progress


def _hook_tsne(report: Callable) -> None:
    """Make t-SNE print its iterations (parsed by :class:`_TsneLines`)."""
    from sklearn.manifold import _t_sne

    original = _t_sne._gradient_descent

    def descent(*args, **kwargs):
        kwargs["verbose"] = 2
        return original(*args, **kwargs)

    _t_sne._gradient_descent = descent
    report("neighbours and affinities")


def _run(payload: dict, report: _Reporter) -> None:
    from embspace import datasets, projection

    kwargs = dict(payload["kwargs"])
    report("loading the vectors")
    space = datasets.load(payload["dataset_id"])
    if str(space.fingerprint) != payload["fingerprint"]:
        raise ValueError(
            f"dataset {payload['dataset_id']!r} changed since the map was asked for"
        )
    if kwargs.get("method") == "umap":
        report("neighbour graph and initial layout")
        _hook_umap(report)
    elif kwargs.get("method") == "tsne":
        _hook_tsne(report)
    if kwargs.get("rows") is not None:
        kwargs.pop("limit", None)
    projection.project(space, **kwargs)


def main() -> int:
    """Read the job from stdin, fit, cache, report; the exit status."""
    # The protocol keeps the real stdout; anything else printed goes to stderr
    # (or, for t-SNE's iterations, becomes progress).
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    report = _Reporter(channel)
    sys.stdout = _TsneLines(report, sys.stderr)
    try:
        _run(json.loads(sys.stdin.read()), report)
    except Exception as error:  # noqa: BLE001 - reported as one line
        logging.getLogger(__name__).debug("job failed", exc_info=True)
        text = str(error.args[0]) if isinstance(error, KeyError) else str(error)
        lines = text.strip().splitlines() or [type(error).__name__]
        report.send({"error": lines[0]})
        return 1
    report.send({"done": True})
    return 0


if __name__ == "__main__":
    sys.exit(main())
