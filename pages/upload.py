"""Upload: bring your own vectors, see what was read, export the current set.

Reading happens in the uploader's callback, before the page runs, so the new
dataset can become the session's current one; the page only shows the
report kept in the session.
"""

from __future__ import annotations

import logging
import re
from pathlib import PurePath

import streamlit as st

from embspace import formats, selection, store
from embspace.wording import counted
from pages.common import current_dataset_id, current_space, get_space, guarded

logger = logging.getLogger(__name__)

AUTO = "auto"
EXPORTS = {
    "word2vec": ("word2vec text (.txt)", "txt", "text/plain"),
    "tsv": ("Projector TSV pair (.zip)", "zip", "application/zip"),
    "npy": (".npy + keys (.zip)", "zip", "application/zip"),
}


MARKDOWN_SPECIALS = "\\`*_{}[]()#+-.!|<>~$:"


def plain(text: str) -> str:
    """``text`` with Markdown, HTML and LaTeX characters escaped, shown as is."""
    return "".join("\\" + c if c in MARKDOWN_SPECIALS else c for c in text)


def _process() -> None:
    """Read the uploaded file, store it and make it the current dataset."""
    upload = st.session_state.get("upload_vectors")
    if upload is None:
        st.session_state.pop("upload_report", None)
        return

    meta = st.session_state.get("upload_metadata")
    choice = st.session_state.get("upload_format", AUTO)
    label_column = st.session_state.get("upload_label_column")
    try:
        upload.seek(0)
        if meta is not None:
            meta.seek(0)
        result = formats.read_upload(
            upload,
            name=upload.name,
            format=None if choice == AUTO else choice,
            metadata_stream=meta,
            metadata_name=None if meta is None else meta.name,
            label_column=label_column,
        )
        source = f"upload: {upload.name} ({result.format})"
        dataset_id = store.save(result, title=upload.name, source=source)
    except formats.FormatError as error:
        st.session_state["upload_report"] = {
            "error": str(error),
            "label_column": error.label_column,
        }
        return
    except (ValueError, OSError, MemoryError) as error:
        logger.warning("upload failed: %s", error, exc_info=True)
        st.session_state["upload_report"] = {"error": f"{upload.name}: {error}"}
        return

    st.session_state["upload_report"] = {
        "name": upload.name,
        "format": result.format,
        "n_keys": result.n_keys,
        "n_dims": result.n_dims,
        "warnings": list(result.warnings),
        "dataset_id": dataset_id,
        "preview": result.keys[:10],
    }
    _remember(dataset_id)


def _remember(dataset_id: str) -> None:
    """Make ``dataset_id`` current, list it in the picker, pick a first query.

    Explore keeps its query in ``st.session_state["query"]`` (the widget of
    the ``query`` field of its link bindings); the previous dataset's query
    would be an unknown key here, so the first usable key takes its place.
    """
    mine = st.session_state.setdefault("my_datasets", [])
    if dataset_id not in mine:
        mine.append(dataset_id)
    st.session_state["dataset_id"] = dataset_id
    first = selection.first_valid_key(get_space(dataset_id))
    st.session_state["query"] = first or ""


def _use_label_column(number: int) -> None:
    st.session_state["upload_label_column"] = number
    _process()


def _new_file() -> None:
    st.session_state.pop("upload_label_column", None)
    _process()


def _uploaders() -> None:
    limit = st.get_option("server.maxUploadSize")
    st.markdown(
        f"Files up to **{limit:,} MB**: word2vec or fastText text (`.vec`), GloVe "
        "text, word2vec binary (each also `.gz`), Projector `vectors.tsv`, CSV, "
        "Parquet, `.npy` / `.npz`. Pickle-based files (gensim `.model`/`.kv`, "
        "joblib, torch) are refused because they can run code."
    )
    st.file_uploader("Vectors file", key="upload_vectors", on_change=_new_file)
    left, right = st.columns(2)
    left.file_uploader(
        "Metadata or labels (optional)",
        key="upload_metadata",
        on_change=_process,
        help="Projector metadata.tsv, or a text file with one label per line.",
    )
    right.selectbox(
        "Format",
        [AUTO, *formats.FORMATS],
        key="upload_format",
        on_change=_process,
        help="Detected from the content unless you choose one.",
    )


def _report() -> None:
    report = st.session_state.get("upload_report")
    if not report:
        return
    if "error" in report:
        st.error(plain(report["error"]))
        number = report.get("label_column")
        if number:
            st.button(
                f"Use column {number} as the labels",
                key="upload_use_labels",
                on_click=_use_label_column,
                args=(number,),
            )
        return

    st.success(
        f"Read {plain(report['name'])} as {report['format']}: "
        f"{counted(report['n_keys'], 'key')} x "
        f"{counted(report['n_dims'], 'dimension')}. Stored as "
        f"`{report['dataset_id']}`; share this id to let others open the same data."
    )
    for message in report["warnings"]:
        st.warning(plain(message))
    st.dataframe({"first keys": report["preview"]}, hide_index=True)
    if st.button("Explore it", key="upload_explore", type="primary"):
        try:
            st.switch_page("pages/explore.py")
        except st.errors.StreamlitAPIException:
            st.info("Open the Explore page; the new dataset is selected.")


def _export() -> None:
    space = current_space()
    st.subheader("Export the current dataset")
    st.caption(
        plain(
            f"{space.name} ({current_dataset_id()}): {counted(space.n_keys, 'key')} "
            f"x {counted(space.n_dims, 'dimension')}"
        )
    )
    limit = st.number_input(
        "Rows to export (from the top)",
        min_value=1,
        max_value=space.n_keys,
        value=min(space.n_keys, 50_000),
        step=1000,
        key="export_limit",
    )
    columns = st.columns(len(EXPORTS))
    for column, (name, (label, extension, mime)) in zip(columns, EXPORTS.items()):
        suffix = "" if extension == "txt" else f"-{name}"
        column.download_button(
            label,
            data=_exporter(space, name, int(limit)),
            file_name=f"{_file_stem(space.name)}{suffix}.{extension}",
            mime=mime,
            key=f"export_{name}",
            on_click="ignore",
        )


def _file_stem(name: str) -> str:
    """A safe file name stem: ``my vectors.txt`` -> ``my-vectors``."""
    stem = re.sub(r"[^\w.-]+", "-", PurePath(name).stem).strip("-.")
    return stem[:80] or "vectors"


def _exporter(space, name: str, limit: int):
    def produce() -> bytes:
        return formats.export(space, format=name, limit=limit)[1]

    return produce


def body() -> None:
    """The Upload page."""
    st.title("Upload vectors")
    _uploaders()
    _report()
    st.divider()
    _export()


# Streamlit runs pages as ``__main__``; importing the module (tests) runs nothing.
if __name__ == "__main__":
    guarded(body)
