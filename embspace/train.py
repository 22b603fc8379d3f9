"""Train word vectors with gensim and watch them learn, epoch by epoch.

:func:`load_corpus` turns a text file (or gensim's Lee corpus) into tokenised
sentences; :func:`train` runs Word2Vec or FastText with a snapshot of chosen
words' neighbours after every epoch. The snapshots are read by the functions of
:mod:`embspace.train_watch`, re-exported here.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from embspace.files import read_capped
from embspace.space import Space
from embspace.train_watch import (
    UNSEPARATED_COSINE,
    neighbor_table,
    separation_hint,
    unseparated,
    watch_positions,
)

__all__ = [
    "DEFAULTS",
    "UNSEPARATED_COSINE",
    "Snapshot",
    "StopTraining",
    "TrainResult",
    "TrainingJob",
    "default_title",
    "lee_path",
    "load_corpus",
    "neighbor_table",
    "save_result",
    "separation_hint",
    "train",
    "unseparated",
    "watch_positions",
]

logger = logging.getLogger(__name__)

MODELS = ("word2vec", "fasttext")
LEE = "lee"
MAX_CORPUS_BYTES = 100 * 2**20
MAX_TOKEN_LENGTH = 30
LONG_LINE = 300
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")

# Defaults of :func:`train` and of the Train page. On the Lee corpus (58k tokens)
# 5 epochs leave every vector close to the shared frequent-word direction: all
# cosines are about 0.999 and the neighbours are stopwords. 30 epochs (about a
# second) give neighbours such as police: officials, gunmen, headquarters;
# min_count=5 drops words seen too rarely to learn.
DEFAULTS = {
    "vector_size": 50,
    "window": 5,
    "min_count": 5,
    "epochs": 30,
    "negative": 5,
    "seed": 42,
}

CorpusSource = str | os.PathLike | bytes | None


# -- corpus ----------------------------------------------------------------------


def lee_path() -> Path:
    """gensim's Lee background corpus (300 news stories, one per line)."""
    from gensim.test.utils import datapath

    return Path(datapath("lee_background.cor"))


def load_corpus(
    source: CorpusSource = None, *, name: str | None = None, mode: str = "auto"
) -> list[list[str]]:
    """Tokenised sentences from a text file, plain or gzip.

    Parameters
    ----------
    source : path, bytes, ``"lee"`` or None
        A file path or an upload's contents; ``None`` or ``"lee"`` means
        gensim's ``lee_background.cor``.
    name : str, optional
        File name for messages, when ``source`` holds the contents.
    mode : {"auto", "lines", "text"}
        ``lines``: one sentence per line. ``text``: free text, split into
        sentences at ``.``, ``!`` and ``?``. ``auto`` picks ``text`` when
        lines are long (over 300 characters on average), as in paragraphs.

    Returns
    -------
    list of list of str
        Lower-cased tokens by gensim's ``simple_preprocess``; sentences
        without tokens are dropped.

    Raises
    ------
    ValueError
        If the file is too large, not UTF-8 (naming line and byte), or has no
        tokens.
    """
    if mode not in ("auto", "lines", "text"):
        raise ValueError(f"mode={mode!r} is not one of auto, lines, text")
    data, label = _read(source, name)
    lines = _decode(data, label)

    if mode == "auto":
        filled = [line for line in lines if line.strip()]
        mean = sum(map(len, filled)) / max(1, len(filled))
        mode = "text" if mean > LONG_LINE else "lines"
    sentences = _tokenise(lines, split=mode == "text")

    if not sentences:
        raise ValueError(f"{label}: no words found; expected plain text")
    n_tokens = sum(map(len, sentences))
    logger.info("corpus %s: %d sentences, %d tokens", label, len(sentences), n_tokens)
    return sentences


def _read(source: CorpusSource, name: str | None) -> tuple[bytes, str]:
    if source is None or (isinstance(source, str) and source == LEE):
        source = lee_path()
    return read_capped(source, what="corpus", limit=MAX_CORPUS_BYTES, name=name)


def _decode(data: bytes, label: str) -> list[str]:
    if b"\x00" in data[:4096]:
        raise ValueError(f"{label}: holds NUL bytes; expected plain text")
    lines = []
    for number, raw in enumerate(data.splitlines(), start=1):
        try:
            lines.append(raw.decode("utf-8-sig" if number == 1 else "utf-8"))
        except UnicodeDecodeError as error:
            raise ValueError(
                f"{label}: line {number}, byte {error.start + 1}: not valid UTF-8"
            ) from None
    return lines


def _tokenise(lines: Sequence[str], *, split: bool) -> list[list[str]]:
    from gensim.utils import simple_preprocess

    sentences = []
    for line in lines:
        parts = SENTENCE_END.split(line) if split else [line]
        for part in parts:
            tokens = simple_preprocess(part, max_len=MAX_TOKEN_LENGTH)
            if tokens:
                sentences.append(tokens)
    return sentences


# -- training --------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """The watched words after one epoch.

    Attributes
    ----------
    epoch : int
        1-based epoch number.
    neighbors : dict of str to list of (str, float)
        Nearest keys (cosine) of each watched key present in the vocabulary.
    vectors : dict of str to numpy.ndarray
        Vectors of the watched keys and of their neighbours at this epoch.
    """

    epoch: int
    neighbors: dict[str, list[tuple[str, float]]]
    vectors: dict[str, np.ndarray]


@dataclass(frozen=True)
class TrainResult:
    """Trained vectors, the settings used, and the per-epoch snapshots.

    Attributes
    ----------
    keys : list of str
        Vocabulary in frequency order.
    vectors : numpy.ndarray
        Matrix of shape ``(n_keys, vector_size)``.
    params : dict
        The training settings.
    epochs_done : int
        Epochs completed (fewer than asked if stopped).
    stopped : bool
        Whether ``should_stop`` ended training early.
    snapshots : tuple of Snapshot
        One per completed epoch.
    n_sentences, n_tokens : int
        Size of the corpus.
    """

    keys: list[str]
    vectors: np.ndarray
    params: dict[str, Any]
    epochs_done: int
    stopped: bool
    snapshots: tuple[Snapshot, ...] = ()
    n_sentences: int = 0
    n_tokens: int = 0
    notes: tuple[str, ...] = field(default=())

    def to_space(self, name: str = "trained") -> Space:
        """The trained vectors as a read-only :class:`Space`."""
        # gensim sorts its vocabulary by descending count (sorted_vocab=1).
        return Space(
            self.keys,
            self.vectors,
            name=name,
            notes=list(self.notes),
            frequency_ordered=True,
        )

    def describe(self) -> str:
        """One line: model, size and epochs, for dataset descriptions."""
        p = self.params
        kind = f"{p['model']} {'skip-gram' if p['sg'] else 'CBOW'}"
        return (
            f"{kind}, {len(self.keys)} keys x {p['vector_size']} dims, "
            f"{self.epochs_done} of {p['epochs']} epochs on {self.n_tokens} tokens"
        )


class StopTraining(Exception):  # noqa: N818 (a signal, not an error)
    """Raised from a callback to end training after a completed epoch."""


def _check_params(model: str, sg: int, **positive: int) -> None:
    if model not in MODELS:
        raise ValueError(f"model={model!r} is not one of {', '.join(MODELS)}")
    if sg not in (0, 1, True, False):
        raise ValueError(f"sg={sg!r} must be 0 (CBOW) or 1 (skip-gram)")
    for name, value in positive.items():
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise TypeError(f"{name} must be an integer; got {value!r}")
        low = 0 if name == "negative" else 1
        if value < low:
            raise ValueError(f"{name}={value} must be at least {low}")


def train(
    sentences: Sequence[Sequence[str]],
    *,
    model: str = "word2vec",
    sg: int = 0,
    vector_size: int = DEFAULTS["vector_size"],
    window: int = DEFAULTS["window"],
    min_count: int = DEFAULTS["min_count"],
    epochs: int = DEFAULTS["epochs"],
    negative: int = DEFAULTS["negative"],
    seed: int = DEFAULTS["seed"],
    workers: int = 1,
    on_epoch: Callable[[int, int, Snapshot], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    watch_keys: Sequence[str] = (),
    topn: int = 5,
) -> TrainResult:
    """Train Word2Vec or FastText, with a snapshot after every epoch.

    Parameters
    ----------
    sentences : sequence of list of str
        Tokenised sentences, e.g. from :func:`load_corpus`.
    model : {"word2vec", "fasttext"}
        gensim model class.
    sg : {0, 1}
        0 for CBOW, 1 for skip-gram.
    vector_size, window, min_count, epochs, negative, seed, workers : int
        gensim's parameters of the same names (defaults: :data:`DEFAULTS`).
        With ``workers=1`` and the same seed two runs give identical vectors.
    on_epoch : callable, optional
        Called as ``on_epoch(epoch, n_epochs, snapshot)`` after each epoch.
    should_stop : callable, optional
        Polled after each epoch; training ends cleanly when it returns True.
    watch_keys : sequence of str
        Keys whose neighbours and vectors each snapshot records.
    topn : int
        Neighbours per watched key.

    Returns
    -------
    TrainResult
    """
    _check_params(
        model,
        sg,
        vector_size=vector_size,
        window=window,
        min_count=min_count,
        epochs=epochs,
        negative=negative,
        seed=seed,
        workers=workers,
        topn=topn,
    )
    from gensim.models import FastText, Word2Vec

    sentences = [list(sentence) for sentence in sentences]
    n_tokens = sum(map(len, sentences))
    params = dict(model=model, sg=int(sg), vector_size=vector_size, window=window,
                  min_count=min_count, epochs=epochs, negative=negative, seed=seed,
                  workers=workers)  # fmt: skip
    cls = FastText if model == "fasttext" else Word2Vec
    gensim_params = {k: v for k, v in params.items() if k != "model"}
    trainer = cls(**gensim_params)
    trainer.build_vocab(sentences)
    if len(trainer.wv) == 0:
        raise ValueError(
            f"min_count={min_count} leaves no words; lower it or give a larger corpus"
        )

    watcher = _Watcher(list(watch_keys), topn, epochs, on_epoch, should_stop)
    logger.info(
        "training %s on %d sentences, %d tokens", model, len(sentences), n_tokens
    )
    try:
        trainer.train(
            sentences,
            total_examples=trainer.corpus_count,
            epochs=epochs,
            callbacks=[watcher],
        )
    except StopTraining:
        logger.info("training stopped after %d epochs", watcher.epoch)
    if model == "fasttext":
        trainer.wv.adjust_vectors()

    missing = [k for k in watch_keys if k not in trainer.wv.key_to_index]
    notes = (f"not in the vocabulary: {', '.join(missing)}",) if missing else ()
    return TrainResult(
        keys=list(trainer.wv.index_to_key),
        vectors=np.array(trainer.wv.vectors, dtype=np.float32),
        params=params,
        epochs_done=watcher.epoch,
        stopped=watcher.epoch < epochs,
        snapshots=tuple(watcher.snapshots),
        n_sentences=len(sentences),
        n_tokens=n_tokens,
        notes=notes,
    )


class _Watcher:
    """gensim callback: snapshot, report, and stop when asked."""

    def __init__(self, watch_keys, topn, n_epochs, on_epoch, should_stop) -> None:
        self.watch_keys = watch_keys
        self.topn = topn
        self.n_epochs = n_epochs
        self.on_epoch = on_epoch
        self.should_stop = should_stop
        self.epoch = 0
        self.snapshots: list[Snapshot] = []

    def on_train_begin(self, model) -> None:
        pass

    def on_epoch_begin(self, model) -> None:
        pass

    def on_train_end(self, model) -> None:
        pass

    def on_epoch_end(self, model) -> None:
        self.epoch += 1
        snapshot = self._snapshot(model)
        self.snapshots.append(snapshot)
        if self.on_epoch is not None:
            self.on_epoch(self.epoch, self.n_epochs, snapshot)
        last = self.epoch >= self.n_epochs
        if self.should_stop is not None and not last and self.should_stop():
            raise StopTraining

    def _snapshot(self, model) -> Snapshot:
        wv = model.wv
        if hasattr(wv, "adjust_vectors"):
            wv.adjust_vectors()
        wv.fill_norms(force=True)

        neighbors, vectors = {}, {}
        for key in self.watch_keys:
            if key not in wv.key_to_index:
                continue
            found = wv.most_similar(key, topn=self.topn)
            neighbors[key] = [(k, float(s)) for k, s in found]
            for other in [key] + [k for k, _ in found]:
                vectors[other] = np.array(wv[other], dtype=np.float32)
        return Snapshot(self.epoch, neighbors, vectors)


# -- keeping the vectors --------------------------------------------------------


def default_title(corpus: str | None) -> str:
    """Dataset title for vectors trained on ``corpus``: ``trained-<file stem>``.

    ``None`` or ``"lee"`` give ``trained-lee``; ``"my notes.txt.gz"`` gives
    ``trained-my notes``.
    """
    if corpus in (None, LEE, "lee_background.cor"):
        return "trained-lee"
    name = Path(str(corpus)).name
    for suffix in (".gz", ".txt", ".cor"):
        name = name.removesuffix(suffix)
    return f"trained-{name or 'corpus'}"


def save_result(result: TrainResult, *, title: str, source: object = None) -> str:
    """Store trained vectors as a dataset; returns its id.

    Delegates to :func:`embspace.store.save`.

    Raises
    ------
    RuntimeError
        If the dataset store is not part of this installation.
    """
    try:
        from embspace import store
    except ImportError:
        raise RuntimeError(
            "the dataset store (embspace.store) is not available"
        ) from None
    label = "lee_background.cor" if source in (None, LEE) else str(source)
    description = f"{result.describe()}; corpus {label}"
    return store.save(result.to_space(title), title=title, source=description)


class TrainingJob:
    """Training in a background thread, with progress and a stop switch.

    gensim's training loops release the GIL, so a job never blocks other
    sessions of the app.

    Parameters
    ----------
    sentences : sequence of list of str
        The corpus.
    **params
        Keyword arguments of :func:`train` (not the callbacks).
    """

    def __init__(self, sentences: Sequence[Sequence[str]], **params: Any) -> None:
        self.n_epochs = int(params.get("epochs", DEFAULTS["epochs"]))
        self.epoch = 0
        self.snapshots: list[Snapshot] = []
        self.result: TrainResult | None = None
        self.error: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(sentences, params), daemon=True
        )

    def start(self) -> TrainingJob:
        """Start training; returns the job."""
        self._thread.start()
        return self

    def _run(self, sentences, params) -> None:
        try:
            self.result = train(
                sentences,
                on_epoch=self._on_epoch,
                should_stop=self._stop.is_set,
                **params,
            )
        except (ValueError, TypeError, MemoryError, RuntimeError) as error:
            logger.warning("training failed: %s", error)
            self.error = str(error)

    def _on_epoch(self, epoch: int, n_epochs: int, snapshot: Snapshot) -> None:
        self.epoch = epoch
        self.snapshots.append(snapshot)

    def stop(self) -> None:
        """Ask training to end after the current epoch."""
        self._stop.set()

    @property
    def running(self) -> bool:
        """Whether the thread is still training."""
        return self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the end of training; returns True if it has ended."""
        self._thread.join(timeout)
        return not self._thread.is_alive()
