"""The Upload page, driven with Streamlit's AppTest."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from embspace import store
from pages.upload import _file_stem, plain

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "upload.py")


@pytest.fixture
def page() -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=120)
    app.run()
    return app


def test_renders_and_shows_the_limit_first(page):
    assert not page.exception
    assert "1,024 MB" in page.markdown[0].value
    assert page.file_uploader(key="upload_vectors") is not None


def test_upload_stores_and_selects_the_dataset(page, cases_dir):
    data = (cases_dir / "B18_nan_inf.vec").read_bytes()

    page.file_uploader(key="upload_vectors").upload("B18_nan_inf.vec", data)
    page.run()

    assert not page.exception
    dataset_id = page.session_state["dataset_id"]
    assert store.exists(dataset_id)
    assert dataset_id in page.session_state["my_datasets"]
    assert "6 keys x 3 dimensions" in page.success[0].value
    assert any(plain("line 3 'moon'") in w.value for w in page.warning)
    assert store.load(dataset_id).keys[:2] == ["sun", "moon"]


def test_metadata_upload_and_format_override(page, cases_dir):
    page.file_uploader(key="upload_vectors").upload(
        "B14_vectors.tsv", (cases_dir / "B14_vectors.tsv").read_bytes()
    )
    page.file_uploader(key="upload_metadata").upload(
        "B14_metadata.tsv", (cases_dir / "B14_metadata.tsv").read_bytes()
    )
    page.selectbox(key="upload_format").select("tsv")
    page.run()

    assert not page.exception
    space = store.load(page.session_state["dataset_id"])
    assert space.keys == ["one", "two", "three"]
    np.testing.assert_allclose(space.vectors[2], [0.5, 0.6])


def test_bad_file_is_one_error_line(page):
    page.file_uploader(key="upload_vectors").upload("bad.vec", b"2 3\na 1 2 3\nb 1\n")
    page.run()

    assert not page.exception
    assert [e.value for e in page.error] == [
        plain("bad.vec line 3: expected 3 numbers after the key, found 1")
    ]
    assert "dataset_id" not in page.session_state


def test_pickle_is_refused_on_the_page(page):
    page.file_uploader(key="upload_vectors").upload("model.kv", b"\x80\x04\x95junk")
    page.run()

    assert not page.exception
    assert "pickle" in page.error[0].value


def test_text_column_offers_to_use_it_as_labels(page, cases_dir):
    data = (cases_dir / "B13_string_column.tsv").read_bytes()
    page.file_uploader(key="upload_vectors").upload("B13.tsv", data)
    page.run()
    assert plain("column 4") in page.error[0].value

    page.button(key="upload_use_labels").click()
    page.run()

    assert not page.exception
    space = store.load(page.session_state["dataset_id"])
    assert space.keys[:2] == ["left", "right"]


def test_export_buttons_for_the_current_dataset(page):
    labels = [button.label for button in page.get("download_button")]

    assert len(labels) == 3
    assert any("word2vec" in label for label in labels)


def test_keys_in_messages_are_shown_as_text(page):
    key = b"<img src=x onerror=alert(1)> **b** $x$"
    data = b"2 2\n" + key + b" 1 2\n" + key + b" 3 4\n"

    page.file_uploader(key="upload_vectors").upload("xss.vec", data)
    page.run()

    message = next(w.value for w in page.warning if "duplicate" in w.value)
    assert "\\<img src=x onerror=alert\\(1\\)\\>" in message
    assert "\\*\\*b\\*\\*" in message and "\\$x\\$" in message
    space = store.load(page.session_state["dataset_id"])
    assert space.keys[0] == key.decode()


def test_upload_sets_the_query_to_the_first_usable_key(page):
    data = b"3 2\nzero 0 0\nbad nan 1\ngood 1 2\n"
    page.session_state["query"] = "king"

    page.file_uploader(key="upload_vectors").upload("first.vec", data)
    page.run()

    assert not page.exception
    assert page.session_state["query"] == "good"


def test_one_key_is_counted_in_the_singular(page, cases_dir):
    data = (cases_dir / "B21_single_point.vec").read_bytes()

    page.file_uploader(key="upload_vectors").upload("B21.vec", data)
    page.run()

    assert "1 key x 3 dimensions" in page.success[0].value
    assert page.session_state["query"] == "only"


def test_export_is_named_after_the_uploaded_file(page, cases_dir):
    data = (cases_dir / "B17_one_zero_vector.vec").read_bytes()

    page.file_uploader(key="upload_vectors").upload("my colours.vec", data)
    page.run()

    assert not page.exception
    assert "my colours.vec" in page.caption[-1].value.replace("\\", "")
    assert _file_stem(store.load(page.session_state["dataset_id"]).name) == (
        "my-colours"
    )
