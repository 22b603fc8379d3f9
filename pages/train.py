"""Train: learn vectors with gensim and watch words find their neighbours."""

from __future__ import annotations

import logging

import plotly.express as px
import streamlit as st

from embspace import store
from embspace import train as training
from pages.common import guarded

logger = logging.getLogger(__name__)

LEE_LABEL = "Lee corpus (gensim, 300 news stories)"
UPLOAD_LABEL = "Upload a text file (.txt or .gz)"
DEFAULT_WATCH = "government, police, fire"


def _settings() -> dict:
    left, right = st.columns(2)
    model = left.selectbox("Model", training.MODELS, key="train_model")
    sg = right.radio(
        "Architecture", ["CBOW", "skip-gram"], key="train_arch", horizontal=True
    )
    cols = st.columns(6)
    names = ("vector_size", "window", "min_count", "epochs", "negative", "seed")
    lows = (1, 1, 1, 1, 0, 0)
    params = {
        name: int(
            col.number_input(
                name.replace("_", " "),
                min_value=low,
                value=training.DEFAULTS[name],
                key=f"t_{name}",
            )
        )
        for col, name, low in zip(cols, names, lows)
    }
    return {"model": model, "sg": int(sg == "skip-gram"), **params}


def _corpus():
    choice = st.radio("Corpus", [LEE_LABEL, UPLOAD_LABEL], key="train_corpus")
    if choice == LEE_LABEL:
        _corpus_is("lee", "lee_background.cor")
        return _load_corpus(None, "lee")
    upload = st.file_uploader("Corpus file", type=["txt", "gz"], key="train_upload")
    if upload is None:
        _corpus_is(None, None)
        st.info("Upload a text file: one sentence per line, or free text.")
        return None
    _corpus_is(upload.file_id, upload.name)
    return _load_corpus(upload.getvalue(), upload.name)


def _corpus_is(corpus_id: str | None, label: str | None) -> None:
    """Note the chosen corpus; another one makes the last "Saved as" stale."""
    if st.session_state.get("train_corpus_id") != corpus_id:
        st.session_state.pop("train_saved", None)
    st.session_state["train_corpus_id"] = corpus_id
    st.session_state["train_corpus_label"] = label


@st.cache_data(max_entries=4, show_spinner="Reading the corpus…")
def _load_corpus(data: bytes | None, name: str) -> list[list[str]]:
    return training.load_corpus(data, name=name)


def _start(sentences, params: dict, watch: list[str]) -> None:
    job = training.TrainingJob(sentences, watch_keys=watch, **params)
    st.session_state.pop("train_saved", None)
    # The corpus of this run, for its title and source even if another is picked.
    st.session_state["train_source"] = st.session_state.get("train_corpus_label")
    st.session_state["train_job"] = job.start()
    st.session_state["train_params"] = params


@st.fragment(run_every=1.0)
def _progress() -> None:
    job = st.session_state.get("train_job")
    if job is None:
        return
    st.progress(job.epoch / job.n_epochs, text=f"epoch {job.epoch} of {job.n_epochs}")
    if job.running:
        st.button("Stop", key="train_stop", on_click=job.stop)
    elif st.session_state.get("_train_shown") is not job:
        st.session_state["_train_shown"] = job
        st.rerun()


def _save(job: training.TrainingJob) -> None:
    # The title as typed: a callback's args would hold the previous run's text.
    source = st.session_state.get("train_source")
    title = st.session_state.get("train_title") or training.default_title(source)
    try:
        dataset_id = training.save_result(job.result, title=title, source=source)
    except (OSError, RuntimeError, ValueError) as error:
        st.session_state["train_saved"] = f"error: {error}"
        return
    mine = st.session_state.setdefault("my_datasets", [])
    if dataset_id not in mine:
        mine.append(dataset_id)
    st.session_state["dataset_id"] = dataset_id
    st.session_state["train_saved"] = dataset_id


def _watch_figure(snapshots):
    frame = training.watch_positions(snapshots)
    fig = px.scatter(
        frame,
        x="x",
        y="y",
        text="key",
        color="watched",
        symbol="role",
        animation_frame="epoch",
        animation_group="key",
        title="Watched words and their neighbours (one PCA for all epochs)",
        labels={"x": "PC1", "y": "PC2", "watched": "word", "role": "as"},
    )
    fig.update_traces(textposition="top center")
    for trace in [*fig.data, *(t for frame in fig.frames for t in frame.data)]:
        trace.name = _legend_name(trace.name)
    return fig


def _legend_name(name: str) -> str:
    """'police, neighbor' -> 'police, neighbours' (the app's spelling)."""
    return name.replace("neighbor", "neighbours")


def _results(job: training.TrainingJob) -> None:
    if job.error:
        st.error(job.error)
        return
    result = job.result
    if result is None:
        return
    verb = "stopped" if result.stopped else "done"
    st.success(f"Training {verb}: {result.describe()}.")
    for note in result.notes:
        st.warning(note)
    hint = training.separation_hint(result)
    if hint is not None:
        st.warning(hint)

    watched = list(result.snapshots[-1].neighbors) if result.snapshots else []
    if watched:
        st.subheader("Neighbours after each epoch")
        for key in watched:
            st.markdown(f"**{key}**")
            st.dataframe(training.neighbor_table(result.snapshots, key))
        st.plotly_chart(_watch_figure(result.snapshots), key="train_watch_chart")

    st.subheader("Keep the vectors")
    # A new run's title defaults from its corpus; then it is the user's to edit.
    if st.session_state.get("_train_titled") is not job or (
        "train_title" not in st.session_state
    ):
        st.session_state["_train_titled"] = job
        source = st.session_state.get("train_source")
        st.session_state["train_title"] = training.default_title(source)
    st.text_input("Dataset title", key="train_title")
    st.button("Save as dataset", key="train_save", on_click=_save, args=(job,))
    saved = st.session_state.get("train_saved")
    if saved and saved.startswith("error: "):
        st.error(saved[len("error: ") :])
    elif saved and store.exists(saved):
        st.info(f"Saved as `{saved}` and selected; every page now uses it.")


def _why_not(*, busy: bool, has_corpus: bool) -> str | None:
    """Why the Train button is disabled, or ``None`` when it is not."""
    if busy:
        return "Training is running: wait for it or press Stop."
    if not has_corpus:
        return "Train needs a corpus: upload a text file or pick the Lee corpus."
    return None


def body() -> None:
    st.title("Train")
    st.caption(
        "Word2Vec or FastText with gensim. Words take their place epoch by epoch: "
        "watch a few of them."
    )
    params = _settings()
    watch_text = st.text_input("Watch words", DEFAULT_WATCH, key="train_watch")
    watch = [w.strip().lower() for w in watch_text.split(",") if w.strip()]
    sentences = _corpus()

    job = st.session_state.get("train_job")
    busy = job is not None and job.running
    reason = _why_not(busy=busy, has_corpus=sentences is not None)
    if st.button("Train", key="train_go", disabled=reason is not None, help=reason):
        _start(sentences, params, watch)
    if reason:
        st.caption(reason)
    _progress()
    job = st.session_state.get("train_job")
    if job is not None and not job.running:
        _results(job)


guarded(body)
