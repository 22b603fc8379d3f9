"""Evaluate: analogy accuracy and word-similarity correlations, as gensim."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from embspace import datasets, evaluate, export
from embspace.benchmarks import default_paths
from embspace.wording import percent
from pages.common import current_dataset_id, get_space, guarded

logger = logging.getLogger(__name__)

MAX_FAILED_ROWS = 2000
NOT_AVAILABLE = "—"


@st.cache_data(max_entries=16, show_spinner="Answering analogy questions…")
def _analogies(
    dataset_id: str, data: bytes, name: str, restrict_vocab: int
) -> evaluate.AnalogyScore:
    space = get_space(dataset_id)
    return evaluate.evaluate_word_analogies(
        space, data, name=name, restrict_vocab=restrict_vocab
    )


@st.cache_data(max_entries=16, show_spinner=False)
def _pairs(
    dataset_id: str, data: bytes, name: str, restrict_vocab: int
) -> evaluate.PairScore:
    space = get_space(dataset_id)
    return evaluate.evaluate_word_pairs(
        space, data, name=name, restrict_vocab=restrict_vocab, empty_ok=True
    )


def _files() -> tuple[tuple[str, bytes], list[tuple[str, bytes]]]:
    defaults = default_paths()
    left, right = st.columns(2)
    upload = left.file_uploader(
        "Analogy questions (default: Google's questions-words.txt)",
        type=["txt", "gz"],
        key="eval_analogies",
    )
    uploads = right.file_uploader(
        "Word pairs (default: WordSim-353 and SimLex-999)",
        type=["txt", "tsv", "gz"],
        accept_multiple_files=True,
        key="eval_pairs",
    )
    if upload is not None:
        analogy = (upload.name, upload.getvalue())
    else:
        path = defaults["analogies"]
        analogy = (path.name, path.read_bytes())
    if uploads:
        pairs = [(f.name, f.getvalue()) for f in uploads]
    else:
        pairs = [
            (p.name, p.read_bytes())
            for p in (defaults["wordsim353"], defaults["simlex999"])
        ]
    return analogy, pairs


def _section_chart(score: evaluate.AnalogyScore) -> go.Figure:
    rows = [*score.sections, score.total]
    fig = go.Figure(
        go.Bar(
            x=[s.name for s in rows],
            # No bar, rather than a bar at 0%, for a section without questions.
            y=[s.accuracy if s.correct + s.incorrect else None for s in rows],
            text=[f"{s.correct}/{s.correct + s.incorrect}" for s in rows],
            hovertemplate="%{x}: %{y:.1%} (%{text})<extra></extra>",
        )
    )
    fig.update_layout(
        title="Accuracy per section",
        yaxis_title="accuracy",
        yaxis_tickformat=".0%",
        yaxis_range=[0, 1],
        xaxis_title="section",
    )
    return fig


def _failed_table(
    failed: Sequence[evaluate.QuestionResult], dataset_id: str
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "section": [q.section for q in failed],
            "question": [f"{q.a} : {q.b} :: {q.c} : ?" for q in failed],
            "expected": [q.expected for q in failed],
            "predicted": [q.predicted or "" for q in failed],
            "open": [
                evaluate.analogy_link(q.a, q.b, q.c, dataset=dataset_id) for q in failed
            ],
        }
    )


def _title(dataset_id: str) -> str:
    try:
        return datasets.get_info(dataset_id).title
    except KeyError:
        return dataset_id


def _show_analogies(score: evaluate.AnalogyScore, dataset_id: str) -> None:
    st.subheader(f"Analogies: {score.name}")
    for warning in score.warnings:
        st.warning(warning)
    reason = score.unscored_reason
    first, second, third = st.columns(3)
    if reason is None:
        first.metric("Accuracy", f"{score.accuracy:.2%}")
        second.metric("Correct", f"{score.correct:,} of {score.answered:,}")
    else:
        first.metric("Accuracy", NOT_AVAILABLE)
        second.metric("Correct", NOT_AVAILABLE)
    third.metric("Questions with unknown words", percent(score.oov_ratio))
    if reason is not None:
        st.info(f"Accuracy not available: {reason}.")
        return
    st.plotly_chart(_section_chart(score), key="eval_sections")

    failed = score.failed
    if not failed:
        return
    shown = failed[:MAX_FAILED_ROWS]
    st.markdown("**Failed questions**")
    if len(shown) < len(failed):
        count = (
            f"Showing the first {len(shown):,} of {len(failed):,} failed questions; "
            "the CSV below holds them all."
        )
    else:
        count = f"All {len(failed):,} failed questions."
    st.caption(
        f"{count} Each link opens the question in Analogies on {_title(dataset_id)}."
    )
    st.dataframe(
        _failed_table(shown, dataset_id),
        key="eval_failed",
        column_config={
            "open": st.column_config.LinkColumn("open", display_text="Analogies ↗")
        },
        hide_index=True,
    )
    st.download_button(
        f"All {len(failed):,} failed questions (CSV)",
        data=export.table_csv(_failed_table(failed, dataset_id).drop(columns="open")),
        file_name="embspace-failed-analogies.csv",
        mime="text/csv",
        key="eval_failed_csv",
        on_click="ignore",
    )


def _show_pairs(scores: list[evaluate.PairScore]) -> None:
    st.subheader("Word similarity")
    for score in scores:
        for warning in score.warnings:
            st.warning(warning)
    table = pd.DataFrame(
        {
            "file": [s.name for s in scores],
            "pearson r": [s.pearson[0] for s in scores],
            "spearman rho": [s.spearman[0] for s in scores],
            "pairs used": [s.n_pairs for s in scores],
            "unknown (%)": [s.oov_ratio for s in scores],
        }
    )
    # NaN correlations (too few pairs) read as not available, not as blanks.
    shown = table.style.format(
        {"pearson r": "{:.4f}", "spearman rho": "{:.4f}", "unknown (%)": "{:.1f}"},
        na_rep=NOT_AVAILABLE,
    )
    st.dataframe(shown, hide_index=True)
    for score in scores:
        if score.unscored_reason is not None:
            reason = score.unscored_reason
            st.info(f"Correlations on {score.name} not available: {reason}.")


def _activate() -> None:
    st.session_state["eval_active"] = True


def body() -> None:
    st.title("Evaluate")
    st.caption(
        "The standard benchmarks, scored exactly as gensim's "
        "`evaluate_word_analogies` and `evaluate_word_pairs`."
    )
    (name, data), pairs = _files()
    restrict_vocab = int(
        st.number_input(
            "restrict_vocab",
            min_value=1,
            value=300_000,
            step=10_000,
            key="eval_restrict",
            help="Only the first keys (most frequent) count for questions and answers.",
        )
    )
    dataset_id = current_dataset_id()
    st.button("Evaluate", key="eval_go", type="primary", on_click=_activate)
    if not st.session_state.get("eval_active"):
        return

    try:
        score = _analogies(dataset_id, data, name, restrict_vocab)
    except ValueError as error:
        st.error(str(error))
    else:
        _show_analogies(score, dataset_id)

    results = []
    for pair_name, pair_data in pairs:
        try:
            results.append(_pairs(dataset_id, pair_data, pair_name, restrict_vocab))
        except ValueError as error:
            st.error(str(error))
    if results:
        _show_pairs(results)


guarded(body)
