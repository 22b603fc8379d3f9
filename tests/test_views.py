"""Saved views in SQLite, and JSON view files."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from embspace import config, views
from embspace.share import ViewState, from_query_params
from embspace.views import ViewStore, view_from_json, view_to_json

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

STATE = ViewState(
    dataset="u-0123456789abcdef0123",
    page="analogies",
    a="man",
    b="king",
    c="woman",
    method="mul",
    projection="umap",
    min_dist=0.25,
    dims=3,
    selected=("a,b", "<script>", "日本", "%2C"),
    words=("x y",),
    restrict_vocab=1000,
)


def run_python(code: str, data_dir) -> str:
    """Run ``code`` in a fresh interpreter with ``data_dir`` as data directory."""
    env = dict(os.environ, EMBSPACE_DATA_DIR=str(data_dir), PYTHONPATH=ROOT)
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout.strip()


# -- the SQLite store -------------------------------------------------------------


def test_saved_view_loads_back(tmp_path):
    store = ViewStore(tmp_path / "views.sqlite3")

    view_id = store.save(STATE)

    assert views.is_view_id(view_id)
    assert store.load(view_id) == STATE


def test_same_view_keeps_its_id_and_other_views_get_new_ones(tmp_path):
    store = ViewStore(tmp_path / "views.sqlite3")

    first = store.save(STATE)
    other = store.save(ViewState(query="king"))

    assert store.save(STATE) == first
    assert other != first
    with sqlite3.connect(tmp_path / "views.sqlite3") as connection:
        assert connection.execute("SELECT COUNT(*) FROM views").fetchone() == (2,)


def test_store_uses_write_ahead_logging(tmp_path):
    store = ViewStore(tmp_path / "views.sqlite3")
    store.save(STATE)

    with sqlite3.connect(tmp_path / "views.sqlite3") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_view_saved_here_loads_in_a_new_process(tmp_path):
    view_id = ViewStore(tmp_path / "views" / "views.sqlite3").save(STATE)
    code = f"from embspace.views import load_view\nprint(repr(load_view({view_id!r})))"

    assert run_python(code, tmp_path) == repr(STATE)


def test_view_saved_by_another_process_loads_here(tmp_path):
    code = (
        "from embspace.views import save_view\n"
        "from embspace.share import ViewState\n"
        "print(save_view(ViewState(query='queen', selected=('a,b',))))"
    )
    view_id = run_python(code, tmp_path)

    store = ViewStore(tmp_path / "views" / "views.sqlite3")
    assert store.load(view_id) == ViewState(query="queen", selected=("a,b",))


def test_default_store_lives_in_the_data_directory():
    view_id = views.save_view(STATE)

    assert (config.subdir("views") / "views.sqlite3").is_file()
    assert views.load_view(view_id) == STATE
    assert from_query_params({"view": view_id}) == (STATE, [])


def test_sessions_in_threads_can_save_and_load_at_once(tmp_path):
    store = ViewStore(tmp_path / "views.sqlite3")
    states = [ViewState(topn=n % 100 + 1, query=f"k{n}") for n in range(40)]

    def round_trip(state: ViewState) -> ViewState | None:
        return store.load(store.save(state))

    with ThreadPoolExecutor(max_workers=8) as pool:
        loaded = list(pool.map(round_trip, states + states))

    assert loaded == states + states


@pytest.mark.parametrize(
    "view_id",
    [
        "",
        "short",
        "AAAAAAAAAAAAA",
        "../../etc/pas",
        "x' OR '1'='1",
        "AAAAAAAAAAA=",
        "ÄAAAAAAAAAAA",
        "AAAAAAAAAAA\n",
        None,
        123456789012,
    ],
)
def test_malformed_ids_are_rejected_before_any_query(tmp_path, view_id):
    store = ViewStore(tmp_path / "views.sqlite3")

    assert store.load(view_id) is None
    assert not (tmp_path / "views.sqlite3").exists()


def test_unknown_ids_give_none(tmp_path):
    store = ViewStore(tmp_path / "views.sqlite3")
    view_id = store.save(STATE)
    unknown = ("B" if view_id[0] == "A" else "A") + view_id[1:]

    assert store.load(unknown) is None


def test_damaged_rows_give_none(tmp_path):
    store = ViewStore(tmp_path / "views.sqlite3")
    view_id = store.save(STATE)
    with sqlite3.connect(tmp_path / "views.sqlite3") as connection:
        connection.execute("UPDATE views SET state = '{oops' WHERE id = ?", (view_id,))

    assert store.load(view_id) is None


def test_unreadable_database_gives_none(tmp_path):
    (tmp_path / "views.sqlite3").write_bytes(b"not a database" * 100)
    store = ViewStore(tmp_path / "views.sqlite3")

    assert store.load("AAAAAAAAAAAA") is None


# -- JSON view files --------------------------------------------------------------


def test_view_file_round_trips():
    text = view_to_json(STATE)

    assert json.loads(text)["embspace_view"] == 1
    assert view_from_json(text) == (STATE, [])
    assert view_from_json(text.encode("utf-8")) == (STATE, [])


def test_view_file_holds_every_field_readably():
    document = json.loads(view_to_json(STATE))

    assert document["selected"] == list(STATE.selected)
    assert document["min_dist"] == 0.25
    assert document["restrict_vocab"] == 1000
    assert len(document) == 1 + len(ViewState.__dataclass_fields__)


@pytest.mark.parametrize(
    ("content", "pattern"),
    [
        ("{oops", r"^view file: not JSON at line 1, column 2: "),
        ("[1, 2]", r"^view file: expected a JSON object, got list$"),
        ('{"query": "king"}', r'^view file: no "embspace_view" tag'),
        ('{"embspace_view": 2}', r'"embspace_view": 2 is not supported; .* version 1$'),
        ('{"embspace_view": true}', r'"embspace_view": true is not supported'),
        ('{"embspace_view": "1"}', r'"embspace_view": "1" is not supported'),
        (b'{"embspace_view": 1, "query": "\xff"}', r"byte 31 is not valid UTF-8"),
        ('{"embspace_view": 1, "topn": ' + "9" * 5000 + "}", r"not valid JSON"),
        ("[" * 100_000, r"^view file: "),
        (" " * 1_000_001, r"1000001 characters; at most 1000000"),
    ],
)
def test_bad_view_files_give_one_line_errors(content, pattern):
    with pytest.raises(ValueError, match=pattern) as caught:
        view_from_json(content)

    assert "\n" not in str(caught.value)


def test_bad_fields_in_a_view_file_give_warnings():
    document = {
        "embspace_view": 1,
        "topn": 1000,
        "dataset": "../../etc",
        "selected": ["ok", 3, None, ""],
        "min_dist": "0.5",
        "__class__": "os.system",
    }

    state, warnings = view_from_json(json.dumps(document))

    assert state == ViewState(topn=100, selected=("ok",), min_dist=0.5)
    assert warnings == [
        "'__class__'='os.system' is not a view field; ignored",
        "topn=1000 is not between 1 and 100; using 100",
        "dataset='../../etc' is not a valid id (lower-case letters, digits, "
        "single hyphens); using 'glove-6b-50d'",
        "selected=(3 empty or overlong keys) is not allowed (keys of 1 to 500 "
        "characters); using the other 1",
    ]
