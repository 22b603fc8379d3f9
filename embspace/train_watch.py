"""Read the snapshots of a training run: positions, neighbours, separation.

:func:`watch_positions` places the watched keys of every epoch in one
projection that stays fixed across epochs; :func:`neighbor_table` lists a key's
neighbours epoch by epoch; :func:`unseparated` and :func:`separation_hint` tell
when training was too short for the vectors to part.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from embspace.projection_pca import fit_pca

if TYPE_CHECKING:
    from embspace.train import Snapshot, TrainResult

# Neighbours all at least this close: the vectors have not separated yet.
UNSEPARATED_COSINE = 0.99


def watch_positions(snapshots: Sequence[Snapshot], *, n_components: int = 2):
    """Positions of watched keys and neighbours in one projection for all epochs.

    PCA is fitted once, on the last snapshot's vectors, and every snapshot is
    transformed with it, so that movement between epochs is real movement.

    Parameters
    ----------
    snapshots : sequence of Snapshot
        From :attr:`TrainResult.snapshots`.
    n_components : int
        2 or 3.

    Returns
    -------
    pandas.DataFrame
        One row per epoch and key: ``epoch``, ``key``, ``watched`` (the
        watched key it belongs to, or itself), ``role`` (``watched`` or
        ``neighbor``) and ``x``, ``y`` (and ``z``).
    """
    import pandas as pd

    if n_components not in (2, 3):
        raise ValueError(f"n_components={n_components} must be 2 or 3")
    if not snapshots or not snapshots[-1].vectors:
        raise ValueError("no snapshot has a watched key in the vocabulary")

    final = snapshots[-1]
    keys = list(final.vectors)
    n_fit = min(n_components, len(keys), len(final.vectors[keys[0]]))
    pca = fit_pca(np.stack([final.vectors[k] for k in keys]), n_fit)

    axes = ["x", "y", "z"][:n_components]
    records = []
    for snapshot in snapshots:
        owner = _owners(snapshot)
        names = list(snapshot.vectors)
        coords = pca.transform(np.stack([snapshot.vectors[k] for k in names]))
        for name, point in zip(names, coords):
            row = {"epoch": snapshot.epoch, "key": name, "watched": owner[name]}
            row["role"] = "watched" if name in snapshot.neighbors else "neighbor"
            padded = list(point) + [0.0] * (n_components - len(point))
            row.update(zip(axes, map(float, padded)))
            records.append(row)
    return pd.DataFrame.from_records(records)


def _owners(snapshot: Snapshot) -> dict[str, str]:
    owner = {}
    for key, found in snapshot.neighbors.items():
        owner[key] = key
        for other, _ in found:
            owner.setdefault(other, key)
    return owner


def neighbor_table(snapshots: Sequence[Snapshot], key: str):
    """Neighbours of one watched key, one column per epoch (for side by side).

    Returns
    -------
    pandas.DataFrame
        Rows are ranks 1..topn; columns ``epoch 1``, ``epoch 2``, ...
    """
    import pandas as pd

    columns = {}
    for snapshot in snapshots:
        found = snapshot.neighbors.get(key)
        if found is not None:
            columns[f"epoch {snapshot.epoch}"] = [f"{k} ({s:.2f})" for k, s in found]
    frame = pd.DataFrame(columns)
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="rank")
    return frame


def unseparated(
    snapshot: Snapshot, *, threshold: float = UNSEPARATED_COSINE
) -> list[str]:
    """Watched keys whose neighbours all have cosine at least ``threshold``.

    Early in training (or after too few epochs) every vector still points
    near the same frequent-word direction, so all cosines are about 1 and the
    nearest keys are frequent words, not related ones.

    Parameters
    ----------
    snapshot : Snapshot
        Usually the last of :attr:`TrainResult.snapshots`.
    threshold : float
        Lowest cosine that counts as not separated.

    Returns
    -------
    list of str
        In watch order; empty when the vectors have separated.
    """
    return [
        key
        for key, found in snapshot.neighbors.items()
        if found and min(score for _, score in found) >= threshold
    ]


def separation_hint(result: TrainResult) -> str | None:
    """What to do when the vectors of the last epoch have not separated.

    Parameters
    ----------
    result : TrainResult
        A finished (or stopped) run with snapshots of watched keys.

    Returns
    -------
    str or None
        One line naming the keys and the remedy; None when the neighbours'
        cosines spread out (or nothing was watched).
    """
    if not result.snapshots:
        return None
    last = result.snapshots[-1]
    keys = unseparated(last)
    if not keys:
        return None
    return (
        f"The vectors have not separated yet: after epoch {last.epoch} every "
        f"neighbour of {', '.join(keys)} has cosine {UNSEPARATED_COSINE} or more, "
        "so the neighbours are mostly frequent words. Train for more epochs "
        f"than {last.epoch}, or on a larger corpus (a few thousand sentences "
        "at least)."
    )
