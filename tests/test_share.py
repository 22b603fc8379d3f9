"""View state <-> link parameters: round trips, tampered links, key checks."""

from __future__ import annotations

import dataclasses
import random
import re
import string
from urllib.parse import parse_qs, quote, urlencode

import pytest

from embspace import share
from embspace.share import (
    DATASET_ID,
    DEFAULTS,
    ViewState,
    from_query_params,
    share_params,
    to_query_params,
    validate_against,
)
from embspace.views import ViewStore

NASTY_KEYS = [
    "a,b",
    ",",
    ",,",
    "%",
    "%2C",
    "%25",
    "100%",
    "a&b=c",
    "#hash",
    "x y",
    " lead",
    "trail ",
    "<script>alert(1)</script>",
    "naïve",
    "日本語",
    "😀",
    "+",
    "?q=1",
    "'s",
    '"quoted"',
    "back\\slash",
    "line\nbreak",
    "tab\there",
    "\u200b",
    "nan",
]


def random_text(rng: random.Random, max_len: int = 12) -> str:
    if rng.random() < 0.4:
        return rng.choice(NASTY_KEYS)
    alphabet = string.ascii_letters + string.digits + " ,%&#=+-?/<>\"'é日😀"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, max_len)))


def random_state(rng: random.Random) -> ViewState:
    """A view with every field drawn at random within its allowed range."""
    dataset = rng.choice(
        [
            "glove-6b-50d",
            "u-" + "".join(rng.choice("0123456789abcdef") for _ in range(20)),
        ]
    )
    return ViewState(
        dataset=dataset,
        page=rng.choice(share.PAGES),
        query=random_text(rng),
        a=random_text(rng),
        b=random_text(rng),
        c=random_text(rng),
        expr=random_text(rng, 40),
        method=rng.choice(["add", "mul"]),
        metric=rng.choice(["cosine", "euclidean", "dot"]),
        topn=rng.randint(1, 100),
        restrict_vocab=rng.choice([None, rng.randint(1, 400_000)]),
        projection=rng.choice(["pca", "umap", "tsne"]),
        n_neighbors=rng.randint(2, 200),
        min_dist=rng.choice([0.0, 1.0, rng.random()]),
        perplexity=rng.uniform(2.0, 100.0),
        random_state=rng.randint(0, 2**32 - 1),
        dims=rng.choice([2, 3]),
        limit=rng.randint(100, 100_000),
        color_by=random_text(rng),
        selected=tuple(random_text(rng) for _ in range(rng.randint(0, 30))),
        isolate=rng.random() < 0.5,
        search=random_text(rng),
        regex=False,
        words=tuple(random_text(rng) for _ in range(rng.randint(0, 10))),
        analogy_view=rng.choice(share.ANALOGY_VIEWS),
        axes=rng.choice([(), tuple(random_text(rng) for _ in range(4))]),
    )


def through_url(params: dict[str, str]) -> dict[str, list[str]]:
    """Encode as a browser would, then decode as a server would."""
    query = urlencode(params, quote_via=quote)
    return parse_qs(query, keep_blank_values=True)


# -- round trips --------------------------------------------------------------------


def test_default_view_has_no_parameters():
    assert to_query_params(ViewState()) == {}
    assert from_query_params({}) == (ViewState(), [])


def test_random_views_round_trip_through_a_url():
    rng = random.Random(5)
    for _ in range(300):
        state = random_state(rng)
        params = to_query_params(state)

        assert from_query_params(params) == (state, [])
        assert from_query_params(through_url(params)) == (state, [])


CHANGED = {
    "dataset": "u-0123456789abcdef0123",
    "page": "word-sets",
    "query": "a&b=c #1",
    "a": "man",
    "b": "king",
    "c": "woman",
    "expr": "king - man + woman",
    "method": "mul",
    "metric": "dot",
    "topn": 100,
    "restrict_vocab": 30_000,
    "projection": "tsne",
    "n_neighbors": 200,
    "min_dist": 0.123456789,
    "perplexity": 2.5,
    "random_state": 2**32 - 1,
    "dims": 3,
    "limit": 100_000,
    "color_by": "cluster",
    "selected": tuple(NASTY_KEYS),
    "isolate": True,
    "search": "^k.*g$",
    "regex": True,
    "words": ("a,b", "%2C", "c"),
    "analogy_view": "pca",
    "axes": ("good", "bad,", "%", "日本"),
    "filter": "in:genre%3Aa:rock,a%2Cb",
}


def test_every_field_is_covered():
    assert set(CHANGED) == {field.name for field in dataclasses.fields(ViewState)}


@pytest.mark.parametrize("name", sorted(CHANGED))
def test_each_field_alone_round_trips(name):
    state = dataclasses.replace(DEFAULTS, **{name: CHANGED[name]})

    params = to_query_params(state)

    assert list(params) == [name]
    assert from_query_params(through_url(params)) == (state, [])


def test_selected_keys_survive_commas_and_percent_signs():
    keys = ("a,b", "%2C", "%25", "%", ",", "x%2Cy,z")
    params = to_query_params(ViewState(selected=keys))

    assert params["selected"].count(",") == len(keys) - 1
    assert from_query_params(through_url(params))[0].selected == keys


# -- tampered links ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "name", "expected", "pattern"),
    [
        ({"topn": "-3"}, "topn", 1, "topn=-3 is not between 1 and 100; using 1"),
        ({"topn": "abc"}, "topn", 10, "topn='abc' is not a whole number"),
        ({"topn": "1_0"}, "topn", 10, "not a whole number"),
        ({"dims": "7"}, "dims", 3, "dims=7 is not between 2 and 3; using 3"),
        ({"limit": "1e99"}, "limit", 5000, "limit='1e99' is not a whole number"),
        (
            {"limit": "9" * 40},
            "limit",
            100_000,
            "is not between 100 and 100000; using 100000",
        ),
        ({"min_dist": "nan"}, "min_dist", 0.1, "not a finite number"),
        ({"min_dist": "1e999"}, "min_dist", 0.1, "not a finite number"),
        (
            {"perplexity": "1000"},
            "perplexity",
            100.0,
            "is not between 2 and 100; using 100",
        ),
        ({"projection": "rm -rf"}, "projection", "pca", "not one of pca, umap"),
        ({"metric": "COSINE"}, "metric", "cosine", "not one of cosine"),
        ({"page": "../admin"}, "page", "explore", "not one of explore"),
        ({"regex": "maybe"}, "regex", False, "is not 1 or 0"),
        (
            {"restrict_vocab": "0"},
            "restrict_vocab",
            1,
            "is not between 1 and 1000000000; using 1",
        ),
        (
            {"random_state": "-1"},
            "random_state",
            0,
            "is not between 0 and 4294967295; using 0",
        ),
        (
            {"query": "x" * 100_000},
            "query",
            "",
            "is not at most 500 characters long; using ''",
        ),
        ({"dataset": "../../etc/passwd"}, "dataset", "glove-6b-50d", "not a valid id"),
        (
            {"topn": ["5", "7"]},
            "topn",
            7,
            "topn=(2 values) is not one value; using the last, '7'",
        ),
    ],
)
def test_tampered_parameter_gives_a_warning_and_a_safe_value(
    params, name, expected, pattern
):
    state, warnings = from_query_params(params)

    assert getattr(state, name) == expected
    assert len(warnings) == 1
    assert pattern in warnings[0]


def test_unknown_parameter_names_are_ignored_with_one_warning():
    params = {f"zz{i}": "1" for i in range(8)} | {"topn": "20"}

    state, warnings = from_query_params(params)

    assert state == ViewState(topn=20)
    assert warnings == [
        *(f"'zz{i}'='1' is not a link parameter; ignored" for i in range(5)),
        "3 more unknown link parameters; ignored",
    ]


def test_invalid_regex_clears_the_search():
    state, warnings = from_query_params({"search": "(a", "regex": "1"})

    assert state.search == "" and state.regex
    assert "not a valid regular expression" in warnings[0]


def test_overlong_keys_are_dropped_from_the_selection():
    keys = ["ok", "y" * 501, "fine"]
    state, warnings = from_query_params({"selected": share.encode_keys(keys)})

    assert state.selected == ("ok", "fine")
    assert warnings == [
        "selected=(1 empty or overlong keys) is not allowed (keys of 1 to 500 "
        "characters); using the other 2"
    ]


@pytest.mark.parametrize(
    "raw",
    [
        "../../etc/passwd",
        "/etc/passwd",
        "..",
        ".",
        "u-../../x",
        "C:\\Windows",
        "glove-6b-50d/../../x",
        "glove-6b-50d\x00",
        "-glove",
        "glove--6b",
        "GLOVE-6B-50D",
        "u-" + "a" * 70,
        "",
    ],
)
def test_dataset_ids_never_name_a_path(raw):
    state, warnings = from_query_params({"dataset": raw})

    assert state.dataset == "glove-6b-50d"
    assert warnings and "dataset=" in warnings[0]


def test_fuzzed_links_never_raise_and_give_safe_dataset_ids(tmp_path):
    rng = random.Random(11)
    names = [field.name for field in dataclasses.fields(ViewState)] + ["view", "x"]
    values = ["", "-1", "1e99", "nan", "..", "/", "%00", "a" * 3000, "1", "3"]
    store = ViewStore(tmp_path / "views.sqlite3")

    for _ in range(500):
        params = {}
        for _ in range(rng.randint(1, 8)):
            value = rng.choice(values + [random_text(rng, 30)])
            params[rng.choice(names)] = rng.choice([value, [value, value]])
        state, warnings = from_query_params(params, store=store)

        assert isinstance(state, ViewState)
        assert all(isinstance(w, str) and "\n" not in w for w in warnings)
        assert DATASET_ID.fullmatch(state.dataset)
        assert (tmp_path / state.dataset).resolve().parent == tmp_path.resolve()


def test_parameters_of_other_types_never_raise():
    params = {"topn": None, "selected": 12, "min_dist": True, 3: "x", "dims": []}

    state, warnings = from_query_params(params)

    assert state == ViewState()
    assert len(warnings) == 3


# -- the constructor's checks -----------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "error", "pattern"),
    [
        ({"topn": 0}, ValueError, r"topn=0 must be between 1 and 100"),
        ({"topn": "10"}, TypeError, r"topn must be an int; got str"),
        ({"dims": True}, TypeError, r"dims must be an int; got bool"),
        ({"min_dist": float("nan")}, ValueError, r"min_dist=nan must be between"),
        ({"projection": "lda"}, ValueError, r"projection='lda' must be one of pca"),
        ({"dataset": "../x"}, ValueError, r"dataset='../x' is not a valid id"),
        ({"selected": "king"}, TypeError, r"selected must be a tuple of str"),
        ({"selected": ("",)}, ValueError, r"selected holds ''; keys must be"),
        ({"words": ("a",) * 201}, ValueError, r"words holds 201 keys; at most 200"),
    ],
)
def test_view_state_rejects_bad_fields(fields, error, pattern):
    with pytest.raises(error, match=pattern):
        ViewState(**fields)


def test_view_state_turns_lists_into_tuples():
    state = ViewState(selected=["a", "b"], perplexity=5)

    assert state.selected == ("a", "b")
    assert isinstance(state.perplexity, float)
    assert hash(state) == hash(ViewState(selected=("a", "b"), perplexity=5.0))


# -- long views go to the server --------------------------------------------------


def test_short_views_stay_in_the_url(tmp_path):
    store = ViewStore(tmp_path / "views.sqlite3")
    state = ViewState(query="king", selected=("queen", "prince"))

    assert share_params(state, store) == to_query_params(state)
    assert not (tmp_path / "views.sqlite3").exists()


def test_long_selection_is_saved_and_the_link_carries_its_id(tmp_path):
    store = ViewStore(tmp_path / "views.sqlite3")
    rng = random.Random(3)
    selected = tuple(dict.fromkeys(random_text(rng, 20) for _ in range(400)))
    state = ViewState(query="king", selected=selected)
    assert share.encoded_length(to_query_params(state)) > share.URL_BUDGET

    params = share_params(state, store)

    assert list(params) == ["view"]
    assert share.encoded_length(params) < 30
    assert from_query_params(through_url(params), store=store) == (state, [])
    assert share_params(state, store) == params


def test_parameters_next_to_a_view_id_override_it(tmp_path):
    store = ViewStore(tmp_path / "views.sqlite3")
    view_id = store.save(ViewState(query="king", topn=50))

    state, warnings = from_query_params({"view": view_id, "topn": "5"}, store=store)

    assert (state.query, state.topn, warnings) == ("king", 5, [])


@pytest.mark.parametrize(
    ("view_id", "pattern"),
    [
        ("AAAAAAAAAAAA", "view='AAAAAAAAAAAA' is not a view saved on this server"),
        ("../../etc/passwd", "is not a valid view id"),
        ("x' OR '1'='1", "is not a valid view id"),
    ],
)
def test_unknown_or_malformed_view_ids_open_the_default_view(
    tmp_path, view_id, pattern
):
    store = ViewStore(tmp_path / "views.sqlite3")
    store.save(ViewState(query="king"))

    state, warnings = from_query_params({"view": view_id, "dims": "3"}, store=store)

    assert state == ViewState(dims=3)
    assert len(warnings) == 1 and pattern in warnings[0]


# -- checks against the dataset ---------------------------------------------------


def test_unknown_dataset_falls_back_to_the_default(glove):
    state = ViewState(dataset="u-0123456789abcdef0123", query="king")

    checked, warnings = validate_against(state, glove)

    assert checked == dataclasses.replace(state, dataset="glove-6b-50d")
    assert warnings == [
        "dataset='u-0123456789abcdef0123' is not a dataset on this server; "
        "using 'glove-6b-50d'"
    ]


def test_known_dataset_and_keys_pass_unchanged(glove):
    state = ViewState(
        query="King",
        a="man",
        b="king",
        c="woman",
        expr="king - man + woman",
        selected=("queen", "prince"),
        words=("Paris", "london"),
        restrict_vocab=glove.n_keys,
    )

    assert validate_against(state, glove) == (state, [])


def test_unknown_keys_are_cleared_or_dropped_with_suggestions(glove):
    state = ViewState(
        query="kingg",
        c="zzqqxx-not-a-word",
        expr="king - qqqzzzxx",
        selected=("queen", "King", "qqqzzzxx"),
        words=("paris", "qqqzzzxx"),
    )

    checked, warnings = validate_against(state, glove)

    assert (checked.query, checked.c, checked.expr) == ("", "", "")
    assert checked.selected == ("queen",)
    assert checked.words == ("paris",)
    closest = glove.suggest("kingg")
    assert warnings[0] == (
        f"query='kingg' is not a key of glove-6b-50d (closest: {', '.join(closest)})"
        "; using the page's default"
    )
    assert warnings[2].startswith(
        "expr='king - qqqzzzxx' is not an expression of known keys (unknown key "
        "'qqqzzzxx'"
    )
    assert warnings[3] == (
        "selected=('King', 'qqqzzzxx') are not keys of glove-6b-50d; "
        "using the other 1 of 3 keys"
    )
    assert warnings[4] == (
        "words=('qqqzzzxx') is not a key of glove-6b-50d; using the other 1 of 2 keys"
    )


def test_restrict_vocab_above_the_number_of_keys_is_dropped(glove):
    state = ViewState(restrict_vocab=glove.n_keys + 1)

    checked, warnings = validate_against(state, glove)

    assert checked.restrict_vocab is None
    assert warnings == [
        f"restrict_vocab={glove.n_keys + 1} is not at most the {glove.n_keys} keys "
        "of glove-6b-50d; using none (all keys)"
    ]


def test_loader_is_called_with_the_checked_dataset(glove):
    calls = []

    def loader(dataset_id):
        calls.append(dataset_id)
        if dataset_id != "glove-6b-50d":
            raise OSError("stored file is damaged")
        return glove

    state = ViewState(dataset="u-0123456789abcdef0123", query="qqqzzzxx")
    checked, warnings = validate_against(state, loader, known_dataset=lambda _: True)

    assert calls == ["u-0123456789abcdef0123", "glove-6b-50d"]
    assert (checked.dataset, checked.query) == ("glove-6b-50d", "")
    assert warnings[0] == (
        "dataset='u-0123456789abcdef0123' is not loadable (stored file is damaged); "
        "using the default"
    )


def test_color_by_outside_the_options_is_cleared(glove):
    state = ViewState(color_by="secret")

    checked, warnings = validate_against(state, glove, color_options={"cluster"})

    assert checked.color_by == ""
    assert warnings == [
        "color_by='secret' is not a colouring of glove-6b-50d; using ''"
    ]


def test_describe_view_names_dataset_query_and_method():
    state = ViewState(page="analogies", a="man", b="king", c="woman", method="mul")

    lines = share.describe_view(state)

    assert lines[:4] == [
        "dataset: glove-6b-50d",
        "page: analogies",
        "analogy: man : king :: woman : ?",
        "method: 3CosMul",
    ]
    assert lines[-1].startswith("map: PCA 2-D of 5000 keys")


# -- one form for every warning, new fields -------------------------------------------

WARNING_FORM = re.compile(r"^\S+=.+ (is|are) not .+; (using .+|ignored)$")


def test_every_link_warning_says_field_value_rule_and_replacement(glove, tmp_path):
    params = {
        "topn": ["5", "999"],
        "dims": "7",
        "limit": "lots",
        "query": "x" * 600,
        "selected": share.encode_keys(["ok", "", "y" * 501, "qqqzzzxx"]),
        "words": share.encode_keys([f"w{i}" for i in range(share.MAX_LINK_WORDS + 1)]),
        "search": "([",
        "regex": "1",
        "a": "kingg",
        "expr": "king - qqqzzzxx",
        "color_by": "secret",
        "restrict_vocab": str(glove.n_keys + 1),
        "analogy_view": "tsne",
        "axes": "he,she,rich",
        "view": "AAAAAAAAAAAA",
        "dataset": "u-0123456789abcdef0123",
        "evil": "1",
    }
    state, warnings = from_query_params(params, store=ViewStore(tmp_path / "v.sqlite3"))
    _, more = validate_against(state, glove, color_options={"cluster"})

    assert len(warnings) == 12 and len(more) == 7
    for warning in warnings + more:
        assert WARNING_FORM.match(warning), warning


def test_analogy_view_and_axes_round_trip():
    state = ViewState(
        page="analogies", analogy_view="pca", axes=("good", "bad", "old", "new")
    )

    params = to_query_params(state)

    assert params == {
        "page": "analogies",
        "analogy_view": "pca",
        "axes": "good,bad,old,new",
    }
    assert from_query_params(through_url(params)) == (state, [])


@pytest.mark.parametrize(
    ("raw", "pattern"),
    [
        ("he,she,rich", r"^axes='he,she,rich' is not 4 keys \(x from, x minus"),
        ("a,b,c,d,e", r"^axes='a,b,c,d,e' is not 4 keys"),
    ],
)
def test_axes_need_four_keys(raw, pattern):
    state, warnings = from_query_params({"axes": raw})

    assert state.axes == ()
    assert len(warnings) == 1 and re.match(pattern, warnings[0])


def test_axes_with_an_unknown_key_fall_back_to_the_default(glove):
    state = ViewState(axes=("he", "she", "rich", "qqqzzzxx"))

    checked, warnings = validate_against(state, glove)

    assert checked.axes == ()
    assert warnings == [
        "axes=('qqqzzzxx') is not a key of glove-6b-50d; using the default axes"
    ]


def test_view_state_rejects_three_axes():
    with pytest.raises(ValueError, match=r"axes holds 3 keys; expected none or 4"):
        ViewState(axes=("a", "b", "c"))
