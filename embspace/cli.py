"""The command line: ``python -m embspace COMMAND``.

Every command is a thin face over functions of the package. Errors print one
line on stderr and exit with status 2; no traceback reaches the user.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from typing import Any

logger = logging.getLogger(__name__)

EXIT_USAGE = 2


class CommandError(Exception):
    """A failure to report as one line on stderr."""


def _emit(payload: dict[str, Any], *, as_json: bool, text: str) -> None:
    if as_json:
        print(json.dumps(payload, ensure_ascii=False))
    else:
        print(text)


def _format_results(result) -> str:
    lines = [result.query] + [f"  {n.key}\t{n.score:.4f}" for n in result.results]
    lines += [f"note: {note}" for note in result.notes]
    return "\n".join(lines)


def _load(dataset_id: str):
    """A dataset by id, or by a name given with ``train --out``."""
    from embspace import datasets, store

    try:
        return datasets.load(dataset_id)
    except KeyError:
        stored = store.named(dataset_id)
        if stored is None:
            raise
        return datasets.load(stored)


# -- queries ------------------------------------------------------------------------

MAX_TOPN = 1000
TOPN_HELP = f"number of results, 1 to {MAX_TOPN}"


def _check_topn(topn: int) -> None:
    if not 1 <= topn <= MAX_TOPN:
        raise CommandError(f"topn={topn} must be between 1 and {MAX_TOPN}")


def _run_query(args: argparse.Namespace, query: Callable, *words, **options) -> None:
    """Run one query function over the dataset and print its result."""
    _check_topn(args.topn)
    result = query(
        _load(args.dataset),
        *words,
        topn=args.topn,
        restrict_vocab=args.restrict_vocab,
        **options,
    )
    _emit(result.to_dict(), as_json=args.json, text=_format_results(result))


def _cmd_neighbors(args: argparse.Namespace) -> None:
    from embspace import queries

    _run_query(args, queries.neighbors, args.word, metric=args.metric)


def _cmd_analogy(args: argparse.Namespace) -> None:
    from embspace import queries

    _run_query(args, queries.analogy, args.a, args.b, args.c, method=args.method)


def _add_query_commands(commands: argparse._SubParsersAction) -> None:
    from embspace.queries import ANALOGY_METHODS, METRICS

    parser = commands.add_parser("neighbors", help="nearest keys of a word")
    parser.add_argument("word")
    parser.add_argument("--topn", type=int, default=10, help=TOPN_HELP)
    parser.add_argument("--metric", choices=METRICS, default="cosine")
    _add_common(parser)
    parser.set_defaults(run=_cmd_neighbors)

    parser = commands.add_parser("analogy", help="A is to B as C is to ?")
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("c")
    parser.add_argument("--method", choices=ANALOGY_METHODS, default="add")
    parser.add_argument("--topn", type=int, default=5, help=TOPN_HELP)
    _add_common(parser)
    parser.set_defaults(run=_cmd_analogy)


def _add_common(parser: argparse.ArgumentParser) -> None:
    from embspace.datasets import DEFAULT_DATASET

    parser.add_argument("--restrict-vocab", type=int, default=None)
    parser.add_argument("--dataset", default=DEFAULT_DATASET)
    parser.add_argument("--json", action="store_true", help="print JSON")


# -- training and evaluation ----------------------------------------------------------


def _cmd_train(args: argparse.Namespace) -> None:
    from embspace import store, train

    name = store.check_name(args.out)
    sentences = train.load_corpus(args.corpus)
    result = train.train(
        sentences,
        model=args.model,
        sg=int(args.sg),
        vector_size=args.vector_size,
        window=args.window,
        min_count=args.min_count,
        epochs=args.epochs,
        negative=args.negative,
        seed=args.seed,
    )
    try:
        dataset_id = train.save_result(result, title=name, source=args.corpus)
    except RuntimeError as error:
        raise CommandError(str(error)) from None
    store.name_dataset(name, dataset_id)
    payload = {
        "id": dataset_id,
        "name": name,
        "title": name,
        "description": result.describe(),
    }
    text = f"{dataset_id}\nuse it with --dataset {name!r} or --dataset {dataset_id}"
    _emit(payload, as_json=args.json, text=text)


def _cmd_evaluate(args: argparse.Namespace) -> None:
    from embspace import evaluate

    report = evaluate.evaluate_all(
        _load(args.dataset),
        analogies=args.analogies,
        pairs=args.pairs,
        restrict_vocab=args.restrict_vocab,
    )
    _emit(report, as_json=args.json, text=evaluate.format_report(report))


def _add_training_commands(commands: argparse._SubParsersAction) -> None:
    from embspace.datasets import DEFAULT_DATASET
    from embspace.train import MODELS

    parser = commands.add_parser("train", help="train vectors with gensim")
    parser.add_argument("corpus", help="text file (plain or .gz), or 'lee'")
    parser.add_argument(
        "--out",
        required=True,
        help="name of the new dataset; pass it to --dataset afterwards",
    )
    parser.add_argument("--model", choices=MODELS, default="word2vec")
    parser.add_argument("--sg", action="store_true", help="skip-gram, not CBOW")
    from embspace.train import DEFAULTS

    # The page's defaults: fewer epochs left the Lee corpus's vectors unseparated.
    for name, value in DEFAULTS.items():
        flag = "--" + name.replace("_", "-")
        parser.add_argument(flag, type=int, default=value, help=f"default {value}")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(run=_cmd_train)

    parser = commands.add_parser("evaluate", help="analogy and similarity scores")
    parser.add_argument("--dataset", default=DEFAULT_DATASET)
    parser.add_argument("--analogies", help="analogy file (default: Google set)")
    parser.add_argument("--pairs", action="append", help="word-pair file (repeatable)")
    parser.add_argument("--restrict-vocab", type=int, default=300_000)
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(run=_cmd_evaluate)


# -- formats: info and convert ------------------------------------------------------


def _read(args: argparse.Namespace, path: str):
    """Read a vectors file; a text column's error names ``--label-column``."""
    from embspace import formats

    try:
        return formats.read(
            path,
            format=args.format,
            metadata_path=args.metadata,
            label_column=args.label_column,
        )
    except formats.FormatError as error:
        if error.label_column is None:
            raise
        message = str(error).replace(
            "choose it as the label column",
            f"add --label-column {error.label_column}",
        )
        raise CommandError(message) from None


def _cmd_info(args: argparse.Namespace) -> None:
    result = _read(args, args.path)
    payload = {
        "path": args.path,
        "format": result.format,
        "n_keys": result.n_keys,
        "n_dims": result.n_dims,
        "metadata_columns": (
            [] if result.metadata is None else [str(c) for c in result.metadata]
        ),
        "warnings": result.warnings,
    }
    text = [f"{args.path}: {result.format}, {result.n_keys:,} x {result.n_dims}"]
    text += [f"warning: {message}" for message in result.warnings]
    _emit(payload, as_json=args.json, text="\n".join(text))


def _cmd_convert(args: argparse.Namespace) -> None:
    from embspace import formats

    targets = formats.output_paths(args.output, format=args.to)
    _check_targets(targets, [args.input, args.metadata], force=args.force)
    result = _read(args, args.input)
    for message in result.warnings:
        print(f"warning: {message}", file=sys.stderr)
    paths = formats.write(result, args.output, format=args.to)
    print("\n".join(str(path) for path in paths))


def _check_targets(targets, inputs, *, force: bool) -> None:
    """Refuse to write over an input, or over an existing file without force."""
    from pathlib import Path

    sources = [Path(p).resolve() for p in inputs if p]
    for target in targets:
        if Path(target).resolve() in sources:
            raise CommandError(
                f"{target} is an input of this conversion; choose another output"
            )
    existing = [str(target) for target in targets if Path(target).exists()]
    if existing and not force:
        raise CommandError(
            f"{existing[0]} exists already; pass --force to overwrite it"
        )


def _add_format_commands(commands: argparse._SubParsersAction) -> None:
    from embspace import store  # noqa: F401  (lets --dataset take stored ids)
    from embspace.formats import FORMATS, WRITE_FORMATS

    parser = commands.add_parser("info", help="format, size and warnings of a file")
    parser.add_argument("path")
    parser.add_argument("--json", action="store_true", help="print JSON")
    _add_read_options(parser, FORMATS)
    parser.set_defaults(run=_cmd_info)

    parser = commands.add_parser("convert", help="convert a vectors file")
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--to", choices=WRITE_FORMATS, default="word2vec")
    parser.add_argument(
        "--force", action="store_true", help="overwrite existing output files"
    )
    _add_read_options(parser, FORMATS)
    parser.set_defaults(run=_cmd_convert)


def _add_read_options(parser: argparse.ArgumentParser, formats) -> None:
    parser.add_argument("--format", choices=formats, default=None)
    parser.add_argument("--metadata", default=None, help="Projector metadata.tsv")
    parser.add_argument("--label-column", default=None, help="name or 1-based number")


# -- projections ------------------------------------------------------------------


def _cmd_project(args: argparse.Namespace) -> None:
    from pathlib import Path

    from embspace import projection

    fitted = projection.project(
        _load(args.dataset),
        method=args.method,
        n_components=args.dims,
        limit=args.limit,
        extra_keys=tuple(args.extra or ()),
        random_state=args.random_state,
        n_neighbors=args.n_neighbors,
        min_dist=args.min_dist,
        metric=args.metric,
        perplexity=args.perplexity,
        use_cache=not args.no_cache,
    )
    table = _projection_csv(fitted)
    if not args.out and not args.json:
        sys.stdout.write(table)
    if args.out:
        Path(args.out).write_text(table, encoding="utf-8", newline="")
    if not args.json:
        for note in fitted.notes:
            print(f"note: {note}", file=sys.stderr)
        if not args.out:
            return

    ratio = fitted.explained_variance_ratio
    payload = {
        "method": fitted.method,
        "n_components": fitted.n_components,
        "n_points": len(fitted.keys),
        "params": fitted.params,
        "explained_variance_ratio": None if ratio is None else ratio.tolist(),
        "notes": list(fitted.notes),
        "out": args.out,
    }
    from embspace.wording import counted

    text = f"wrote {counted(len(fitted.keys), 'point')} to {args.out}"
    _emit(payload, as_json=args.json, text=text)


def _projection_csv(fitted) -> str:
    """``key,x,y[,z]`` rows, keys quoted as CSV requires."""
    import csv
    import io

    buffer = io.StringIO()
    # The default CRLF line ends make csv quote keys holding a lone "\r".
    writer = csv.writer(buffer)
    writer.writerow(["key", *("x", "y", "z")[: fitted.n_components]])
    for key, row in zip(fitted.keys, fitted.coords.tolist()):
        writer.writerow([key, *(f"{value:.7g}" for value in row)])
    return buffer.getvalue()


def _cmd_warm_up(args: argparse.Namespace) -> None:
    import time

    from embspace import projection

    start = time.perf_counter()
    projection.warm_up()
    seconds = time.perf_counter() - start
    _emit(
        {"seconds": round(seconds, 2)},
        as_json=args.json,
        text=f"UMAP warm in {seconds:.1f} s",
    )


def _add_projection_commands(commands: argparse._SubParsersAction) -> None:
    from embspace.datasets import DEFAULT_DATASET
    from embspace.projection import METHODS, METRICS

    parser = commands.add_parser("project", help="PCA, UMAP or t-SNE to a CSV file")
    parser.add_argument("--method", choices=METHODS, default="pca")
    parser.add_argument("--dims", type=int, choices=(2, 3), default=2)
    parser.add_argument("--limit", type=int, default=5000, help="first N keys")
    parser.add_argument("--extra", action="append", help="key to add (repeatable)")
    parser.add_argument("--out", help="CSV file: key,x,y[,z] (default: stdout)")
    parser.add_argument("--random-state", type=int, default=42)
    parser.add_argument("--n-neighbors", type=int, default=15, help="UMAP")
    parser.add_argument("--min-dist", type=float, default=0.1, help="UMAP")
    parser.add_argument("--metric", choices=METRICS, default="cosine")
    parser.add_argument("--perplexity", type=float, default=30.0, help="t-SNE")
    parser.add_argument("--no-cache", action="store_true", help="always refit")
    parser.add_argument("--dataset", default=DEFAULT_DATASET)
    parser.add_argument("--json", action="store_true", help="print a JSON summary")
    parser.set_defaults(run=_cmd_project)

    parser = commands.add_parser("warm-up", help="compile UMAP's kernels once")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(run=_cmd_warm_up)


# -- command registry ---------------------------------------------------------------

# Each entry adds sub-commands to the parser; one per concern.
COMMAND_GROUPS: list[Callable[[argparse._SubParsersAction], None]] = [
    _add_query_commands,
    _add_training_commands,
    _add_format_commands,
    _add_projection_commands,
]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    parser = argparse.ArgumentParser(
        prog="python -m embspace", description="Explore embedding spaces."
    )
    parser.add_argument("-v", "--verbose", action="store_true")
    commands = parser.add_subparsers(dest="command", required=True)
    for add_commands in COMMAND_GROUPS:
        add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; return the exit status."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )

    try:
        args.run(args)
    except KeyError as error:
        # A plain KeyError's str() quotes its message; subclasses format it.
        plain = type(error) is KeyError and error.args
        print(f"error: {error.args[0] if plain else error}", file=sys.stderr)
        return EXIT_USAGE
    except (CommandError, ValueError, TypeError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    return 0
