"""The ``stance`` command: each command parses its options, calls the library and renders the result.

Data goes to stdout, everything else to stderr. Exit codes: 0 success, 1 an expected failure (one line on stderr),
2 a usage error.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import time
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from stance.errors import InputError, ModelError

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  help="Who supports, condemns or hedges toward whom, sentence by sentence, in news text.")


class Format(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    html = "html"
    labels = "labels"
    parquet = "parquet"


class EvalFormat(str, Enum):
    table = "table"
    json = "json"


_CONTROL = {c: f"\\x{c:02x}" for c in (*range(32), 127, *range(0x80, 0xA0))}


def printable(text: str) -> str:
    """``text`` with control characters (escape sequences, line breaks) shown escaped, so input text and file names
    can neither drive the terminal nor split a message line."""
    return str(text).translate(_CONTROL)


def _say(message: str) -> None:
    """One line on stderr: control characters in it (from file names or input text) are shown escaped."""
    if sys.stderr is not None:
        print(printable(message), file=sys.stderr, flush=True)


def _say_block(text: str) -> None:
    """A block of lines of our own (a report table) on stderr: each line shown as :func:`_say` shows one."""
    for line in text.splitlines():
        _say(line)


def _fail(message: str) -> None:
    _say(f"stance: error: {message}")
    raise typer.Exit(1)


def _warn(message: str) -> None:
    _say(f"stance: warning: {message}")


def _version(value: bool) -> None:
    if value:
        from stance import __version__  # package metadata: read only when asked (start-up time)

        print(f"stance {__version__}")
        raise typer.Exit()


class Console:
    """What a command tells the person running it, on stderr: ``-v`` adds progress and timings; progress also shows
    on a terminal. stdout carries data only."""

    def __init__(self, verbose: bool = False):
        self.verbose = verbose
        self.tty = sys.stderr is not None and sys.stderr.isatty()
        self._start = time.perf_counter()
        self._last = 0.0

    def log(self, message: str) -> None:
        if self.verbose:
            _say(message)

    def progress(self, n: int, unit: str = "sentences", done: bool = False) -> None:
        """A progress line, at most twice a second: rewritten in place on a terminal, a line each with ``-v``."""
        now = time.perf_counter()
        if not (self.tty or self.verbose) or (not done and now - self._last < 0.5):
            return
        self._last = now
        rate = n / max(now - self._start, 1e-9)
        line = f"stance: {n:,} {unit} in {now - self._start:.1f} s ({rate:,.0f}/s)"
        if self.tty and not self.verbose:
            sys.stderr.write("\r" + line + ("\n" if done else ""))
            sys.stderr.flush()
        else:
            _say(line)


@app.callback()
def _main(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")] = False,
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="Report progress and timings on stderr.")] = False,
) -> None:
    """Who supports, condemns or hedges toward whom, sentence by sentence, in news text."""
    ctx.obj = Console(verbose)


def _console(ctx: typer.Context) -> Console:
    return ctx.obj if isinstance(ctx.obj, Console) else Console()


def _load(model: Path, console: Console | None = None):
    from stance.model import StanceClassifier

    t = time.perf_counter()
    try:
        clf = StanceClassifier.load(model)
    except ModelError as e:
        _fail(str(e))
    if console:
        console.log(f"stance: loaded {model} in {time.perf_counter() - t:.2f} s")
    return clf


ModelOpt = Annotated[Path, typer.Option("--model", "-m", help="Model folder.", show_default=True)]
HolderOpt = Annotated[Optional[list[str]], typer.Option("--holder", help="Keep only stances held by this actor "
                                                        "(canonical name or code; repeatable).")]
TargetOpt = Annotated[Optional[list[str]], typer.Option("--target", help="Keep only stances toward this actor "
                                                        "(canonical name or code; repeatable).")]
StanceOpt = Annotated[Optional[list[str]], typer.Option("--stance", help="Keep only this stance (support, condemn, "
                                                        "hedge, none; repeatable).")]
MinConfidenceOpt = Annotated[float, typer.Option("--min-confidence", min=0.0, max=1.0, help="Keep only sentences "
                                                 "scored at least this confident.")]
ActorsOpt = Annotated[Optional[Path], typer.Option("--actors", help="Extra actors (CSV with the registry's columns: "
                                                   "name,kind,affiliation,code,aliases) merged over the model's own; "
                                                   "no retraining.")]


AuthorOpt = Annotated[Optional[list[str]], typer.Option("--author", help="Who the inputs speak as (a statement's "
                                                       "issuer; repeat for a joint statement, the issuer first): "
                                                       "\"I\", \"we\", \"our\", \"the leaders\" and unattributed "
                                                       "judgements are theirs. A registry name.")]


def _voice(clf, author: list[str] | None):
    """The ``Voice`` of ``--author`` (a name the registry lacks is a warning: it stands for itself)."""
    if not author:
        return None
    from stance.holders import Voice

    for name in author:
        if clf.registry is None or name not in clf.registry:
            _warn(f"--author {name!r} is not an actor of the registry; it stands for itself")
    return Voice(tuple(author))


def _with_actors(clf, actors: Path | None):
    """The model's registry with the rows of ``actors`` merged over it (holder finding reads it; nothing retrains)."""
    if actors is not None:
        from stance.actors import Registry

        clf.registry = (clf.registry or Registry([])).merged(actors)
    return clf
DatasetsOpt = Annotated[Optional[Path], typer.Option("--datasets", help="Folder of public datasets "
                        "(default: $STANCE_DATASETS or ../shared/datasets).")]
GlobOpt = Annotated[str, typer.Option("--glob", help="Files to read inside folders (a pattern relative to each "
                                      "folder).")]
TextColumnOpt = Annotated[Optional[str], typer.Option("--text-column", help="Score each row of a CSV/JSONL table as "
                                                      "one unit, from this column; other columns are kept.")]
SplitOpt = Annotated[bool, typer.Option("--split", help="With --text-column: cut each row's text into sentences "
                                        "(a row is a document, named TABLE#ROW), its columns kept on every "
                                        "sentence.")]


def _filter(holder, target, stances, min_confidence):
    from stance.summary import STANCES, Filter

    for st in stances or ():
        if st not in STANCES:
            _say(f"stance: error: --stance {st!r}: expected one of {', '.join(STANCES)}")
            raise typer.Exit(2)
    return Filter(holder, target, stances, min_confidence)


# --- predict ---------------------------------------------------------------------------------------------------------

def _stdout():
    if sys.stdout is None:
        _fail("standard output is closed; nowhere to write the results")
    return sys.stdout


class _Inputs:
    """The inputs of one command: expanded, scored in order, failures remembered and reported at the end."""

    def __init__(self, inputs: list[str], pattern: str):
        from stance.documents import expand_inputs

        try:
            self.items = expand_inputs(inputs, pattern, warn=_warn)
        except InputError as e:
            _fail(str(e))
        self.failed: list[str] = []

    def error(self, item: str, e: InputError) -> None:
        _say(f"stance: error: {e}")
        self.failed.append(item)

    def scored(self) -> set[str]:
        """The inputs that are tables `stance predict` wrote: read back as they are, not scored again."""
        from stance.documents import is_scored

        return {item for item in self.items if is_scored(item)}

    def records(self, clf, console: Console, text_column=None, explain=0, jobs=1, scored=frozenset(), split=False,
                voice=None):
        """Every input's records in input order: the ``scored`` tables read back, the others scored by ``clf``."""
        from stance.documents import analyze_files, read_scored

        def runs():
            todo: list[str] = []
            for item in self.items:
                if item not in scored:
                    todo.append(item)
                    continue
                if todo:
                    yield from analyze_files(clf, todo, text_column=text_column, explain=explain, n_jobs=jobs,
                                             warn=_warn, on_error=self.error, split=split, voice=voice)
                    todo = []
                try:
                    yield from read_scored(item, warn=_warn)
                except InputError as e:
                    self.error(item, e)
            if todo:
                yield from analyze_files(clf, todo, text_column=text_column, explain=explain, n_jobs=jobs,
                                         warn=_warn, on_error=self.error, split=split, voice=voice)

        n = 0
        for n, rec in enumerate(runs(), 1):
            if n % 256 == 0:
                console.progress(n)
            yield rec
        console.progress(n, done=True)

    def finish(self, verb: str) -> None:
        if self.failed:
            if len(self.items) > 1:
                _say(f"stance: {verb} {len(self.items) - len(self.failed)} of {len(self.items)} inputs; failed: "
                     f"{', '.join(self.failed)}")
            raise typer.Exit(1)


class _Writer:
    """Streams records (:class:`stance.records.SentenceStance`) in one format to a text stream."""

    def __init__(self, fmt: Format, out, classes, table_columns=(), csv_safe: bool = False):
        self.fmt, self.out, self.n, self.classes = fmt, out, 0, [str(c) for c in classes]
        self.tty = out.isatty() if hasattr(out, "isatty") else False
        self.csv_safe = csv_safe
        self._json = json.JSONEncoder(ensure_ascii=False).encode  # what json.dumps(..., ensure_ascii=False) does
        if fmt is Format.csv:
            from stance.records import CSV_COLUMNS

            at = CSV_COLUMNS.index("confidence") + 1
            header = [*table_columns, *CSV_COLUMNS[:at], *(f"p_{c}" for c in self.classes), *CSV_COLUMNS[at:]]
            self._csv = csv.DictWriter(out, fieldnames=header, lineterminator="\n", extrasaction="ignore")
            self._csv.writeheader()
        elif fmt is Format.labels:  # the label-table format of `stance label` (labels/GUIDELINES.md), to correct
            from stance.label import LABEL_COLUMNS

            self._csv = csv.DictWriter(out, fieldnames=LABEL_COLUMNS, lineterminator="\n", extrasaction="ignore")
            self._csv.writeheader()

    def _cell(self, v):
        if v is None:
            return ""
        if isinstance(v, (dict, list)):
            v = json.dumps(v, ensure_ascii=False)
        if self.csv_safe and isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r"):
            return "'" + v
        return v

    def write(self, rec) -> None:
        if self.fmt is Format.jsonl:
            self.out.write(self._json(rec.to_dict()) + "\n")
        elif self.fmt is Format.json:
            self.out.write(("[\n" if self.n == 0 else ",\n") + self._json(rec.to_dict()))
        elif self.fmt is Format.csv:
            for row in rec.csv_rows(self.classes):
                self._csv.writerow({k: self._cell(v) for k, v in row.items()})
        elif self.fmt is Format.labels:
            from stance.label import proposal_rows

            for row in proposal_rows(rec):
                self._csv.writerow({k: self._cell(v) for k, v in row.items()})
        elif self.fmt is Format.table:
            show = printable if self.tty else str
            who = f"{rec.holder or '-'} -> {rec.target or '-'}"
            where = f"{rec.document}:{rec.index}"
            text = rec.text if len(rec.text) <= 110 else rec.text[:107] + "..."
            self.out.write(show(f"{where:<28} {rec.label:<8} {rec.confidence:.2f}  {who}") + "\n    "
                           + show(text) + "\n")
            for a in rec.stances[1:]:
                self.out.write(show(f"    also: {a.holder} {a.stance} {a.target or '-'} ({a.confidence:.2f})") + "\n")
            if rec.explanation:
                self.out.write(show("    because: " + ", ".join(f"{n} (+{w:.2f})" for n, w in rec.explanation)) + "\n")
        self.n += 1

    def close(self) -> None:
        if self.fmt is Format.json:
            self.out.write("[]\n" if self.n == 0 else "\n]\n")
        self.out.flush()


HTML_MAX_SENTENCES = 20_000


@app.command()
def predict(
    ctx: typer.Context,
    inputs: Annotated[list[str], typer.Argument(help="Text files, folders (searched recursively), CSV/JSONL tables "
                                                     "with --text-column, or - for stdin.", show_default=False)],
    model: ModelOpt = Path("models/stance"),
    fmt: Annotated[Optional[Format], typer.Option("--format", "-f", help="Output format (default: table on a terminal, "
                                                  "jsonl otherwise); labels: the label-table format of `stance "
                                                  "label`, one row per actor stance, to correct and train on; "
                                                  "parquet: with --scheduler only.")] = None,
    text_column: TextColumnOpt = None,
    split: SplitOpt = False,
    explain: Annotated[bool, typer.Option("--explain", help="Add the n-grams that drove each decision.")] = False,
    pattern: GlobOpt = "*.txt",
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Scoring processes; more than 1 pays off on large "
                                      "inputs. The output is the same whatever the number.")] = 1,
    csv_safe: Annotated[bool, typer.Option("--csv-safe", help="In CSV output, put a ' before cells that start with "
                                           "=, +, -, @ so spreadsheets do not run them as formulas.")] = False,
    holder: HolderOpt = None,
    target: TargetOpt = None,
    stance_: StanceOpt = None,
    min_confidence: MinConfidenceOpt = 0.0,
    actors: ActorsOpt = None,
    author: AuthorOpt = None,
    scheduler: Annotated[Optional[str], typer.Option("--scheduler", help="Score on Dask: a scheduler address "
                                                     "(tcp://host:8786) or local (a LocalCluster of --jobs workers); "
                                                     "writes partition files under --out. Needs pip install "
                                                     "'stance\\[dask]'.",
                                                     show_default=False)] = None,
    out_dir: Annotated[Optional[Path], typer.Option("--out", "-o", help="With --scheduler: the folder for "
                                                    "part-NNNNN.jsonl files and _manifest.json; run again with the "
                                                    "same --out to resume.", show_default=False)] = None,
    partition_mb: Annotated[float, typer.Option("--partition-mb", min=0.0, help="With --scheduler: about this many "
                                                "MB of input files per partition (a larger file is one).")] = 4.0,
) -> None:
    """Score documents sentence by sentence: stance, confidence, probabilities, holder and target."""
    console = _console(ctx)
    if scheduler is not None or out_dir is not None or fmt is Format.parquet:
        if split or author:
            _usage("--split and --author are not available with --scheduler yet: score those inputs without it")
        return _predict_on_cluster(console, inputs, model, fmt, text_column, explain, pattern, jobs, holder, target,
                                   stance_, min_confidence, actors, scheduler, out_dir, partition_mb)
    out = _stdout()
    fmt = fmt or (Format.table if out.isatty() else Format.jsonl)
    clf = _with_actors(_load(model, console), actors)
    inputs_ = _Inputs(inputs, pattern)
    explain_n = 5 if explain or fmt is Format.html else 0
    records = inputs_.records(clf, console, text_column, explain_n, jobs, split=split, voice=_voice(clf, author))
    keep = _filter(holder, target, stance_, min_confidence)
    if keep.active:
        records = (r for r in records if keep.keep(r))
    if fmt is Format.html:
        from stance.report import predictions_html

        docs: dict[str, list] = {}
        for n, rec in enumerate(records, 1):
            if n > HTML_MAX_SENTENCES:
                _fail(f"more than {HTML_MAX_SENTENCES:,} sentences: too many for one page; score fewer inputs, or use "
                      "`stance summarize` (or --format jsonl) for a corpus")
            docs.setdefault(rec.document, []).append(rec)
        out.write(predictions_html(list(docs.items()), clf.registry))
    else:  # streamed: rows are written as each input is scored
        from stance.documents import table_columns

        columns = table_columns(inputs_.items, text_column) if fmt is Format.csv and text_column else ()
        writer = _Writer(fmt, out, clf.classes_, columns, csv_safe)
        for rec in records:
            writer.write(rec)
        writer.close()
    console.log(f"stance: done in {time.perf_counter() - console._start:.2f} s")
    inputs_.finish("scored")


def _usage(message: str) -> None:
    _say(f"stance: error: {message}")
    raise typer.Exit(2)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _predict_on_cluster(console, inputs, model, fmt, text_column, explain, pattern, jobs, holder, target, stance_,
                        min_confidence, actors, scheduler, out_dir, partition_mb) -> None:
    """``predict --scheduler ... --out DIR``: score on a Dask cluster into partition files (stance.distributed)."""
    if scheduler is None:
        _usage("--out and --format parquet write the partition files of a --scheduler run; without --scheduler the "
               "records go to stdout")
    if out_dir is None:
        _usage("--scheduler needs --out DIR, the folder for the partition files")
    if fmt not in (None, Format.jsonl, Format.parquet):
        _usage(f"--scheduler writes JSONL or Parquet partition files; --format {fmt.value} is not available with it")
    try:
        from stance import distributed
        if fmt is Format.parquet:
            import pyarrow.parquet  # noqa: F401
    except ImportError as e:
        _fail(f"--scheduler{' --format parquet' if fmt is Format.parquet else ''} needs Dask ({e}): pip install "
              "'stance[dask]'")
    keep = _filter(holder, target, stance_, min_confidence)
    clf = _with_actors(_load(model, console), actors)
    inputs_ = _Inputs(inputs, pattern)
    options = {"format": (fmt or Format.jsonl).value, "text_column": text_column, "explain": 5 if explain else 0,
               "filter": {"holder": holder, "target": target, "stance": stance_, "min_confidence": min_confidence}
               if keep.active else {}}
    records = 0

    def done(summary):
        nonlocal records
        records += summary["records"]
        console.log(f"stance: part-{summary['partition']:05d}.jsonl: {summary['records']:,} records")
        console.progress(records, unit="records")

    try:
        plan = distributed.plan(inputs_.items, distributed.model_identity(clf, actors), options,
                                int(partition_mb * 2**20))
        if distributed.remaining(plan, out_dir):
            with distributed.connect(scheduler, jobs, quiet=not console.verbose) as client:
                outcome = distributed.score_corpus(clf, plan, out_dir, client, on_done=done)
        else:  # nothing left to score: no cluster needed
            outcome = distributed.score_corpus(clf, plan, out_dir, None)
    except (InputError, distributed.ClusterError) as e:
        _fail(str(e))
    console.progress(records, unit="records", done=True)
    for message in outcome.warnings:
        _warn(message)
    for name, message in outcome.input_errors:
        inputs_.error(name, message)
    if outcome.worker_peak_mb:
        console.log("stance: workers' peak memory: " + ", ".join(f"{mb:,.0f} MB" for mb in
                                                                  outcome.worker_peak_mb.values()))
    _say(f"stance: scored {_count(outcome.scored, 'partition')} ({_count(outcome.records, 'record')}), "
         f"{outcome.skipped} complete from an earlier run; {out_dir} holds {_count(len(plan.partitions), 'partition')}")
    inputs_.finish("scored")


# --- explain ---------------------------------------------------------------------------------------------------------

@app.command()
def explain(
    sentence: Annotated[str, typer.Argument(help="The sentence to explain.")],
    model: ModelOpt = Path("models/stance"),
    top: Annotated[int, typer.Option("--top", help="How many n-grams to show each way.")] = 10,
) -> None:
    """Show why a sentence got its stance: every class's probability and the n-grams for and against it."""
    _stdout()
    clf = _load(model)
    p = clf.predict([sentence])[0]
    order = sorted(p.scores, key=p.scores.get, reverse=True)
    runner = order[1] if len(order) > 1 else order[0]
    print(f"stance: {p.label} ({p.confidence:.3f}); runner-up: {runner} ({p.scores[runner]:.3f})")
    print("probabilities: " + ", ".join(f"{c} {p.scores[c]:.3f}" for c in order))
    contributions = clf.contributions(sentence, p.label, runner)
    print(f"\ntoward {p.label}, away from {runner}:")
    for name, weight in [c for c in contributions if c[1] > 0][:top]:
        print(f"  {weight:+.3f}  {name}")
    print(f"\ntoward {runner}:")
    for name, weight in [c for c in contributions[::-1] if c[1] < 0][:top]:
        print(f"  {weight:+.3f}  {name}")


# --- train and evaluate ----------------------------------------------------------------------------------------------

def _check_out(out: Path) -> None:
    """Refuse, before any work, a ``--out`` that is not ours to replace or cannot be written."""
    import os

    from stance.model import is_model_folder

    if out.is_symlink() or out.exists():
        if not out.is_dir():
            _fail(f"{out}: exists and is not a folder; not replacing it (choose another --out)")
        if not is_model_folder(out):
            _fail(f"{out}: exists and does not hold a stance model; not replacing it (choose a new or empty path "
                  f"for --out)")
    parent = out.absolute().parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not os.access(parent, os.W_OK | os.X_OK) or str(out.absolute()).startswith(("/proc/", "/sys/")):
        _fail(f"{out}: cannot write here ({parent} is not writable)")


@app.command()
def train(
    out: Annotated[Path, typer.Option("--out", "-o", help="Model folder to write (atomically).")] = Path("models/stance"),
    data: Annotated[Optional[Path], typer.Option("--data", help="Train on this CSV/JSONL only, instead of the "
                                                 "project's labels.")] = None,
    add: Annotated[Optional[list[Path]], typer.Option("--add", help="Your label table (from `stance label` or "
                                                      "`stance predict --format labels`, corrected), added to the "
                                                      "project's labels; your rows win on a sentence both label. "
                                                      "Repeatable.")] = None,
    text_column: Annotated[str, typer.Option("--text-column", help="Text column of --data and --test (and of "
                                             "tables that --add rows point to).")] = "text",
    label_column: Annotated[str, typer.Option("--label-column", help="Label column of --data and --test.")] = "label",
    group_column: Annotated[Optional[str], typer.Option("--group-column", help="Rows sharing a value are never split "
                                                        "across folds (e.g. article id).")] = None,
    target_column: Annotated[Optional[str], typer.Option("--target-column", help="The target each row's stance is "
                                                         "about; the model sees it and figures break down by it.")] = None,
    test: Annotated[Optional[Path], typer.Option("--test", help="Also score the model once on this fixed test "
                                                 "table (--text-column, --label-column); shown beside the "
                                                 "cross-validated scores.")] = None,
    root: Annotated[Path, typer.Option("--root", help="Project folder holding labels/ and seeds/.")] = Path("."),
    datasets: DatasetsOpt = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Parallel cross-validation fits.")] = 2,
) -> None:
    """Search settings by grouped cross-validation, report them against baselines, fit and save the model."""
    from stance.report import evaluation_table, keyword_wins
    from stance.train import train_project, train_table

    _check_out(out)
    if data is not None and add:
        _say("stance: error: --add adds rows to the project's labels; --data trains on its table only (put your rows "
             "in that table instead)")
        raise typer.Exit(2)
    log = _say
    try:
        if data is not None:
            registry = root / "labels" / "actors.csv"  # the project registry travels with the model
            _, meta = train_table(data, text_column, label_column, out, group_column, target_column,
                                  str(test) if test else None, n_jobs=jobs, log=log,
                                  registry_file=registry if registry.is_file() else None)
        else:
            _, meta = train_project(root, out, datasets, n_jobs=jobs, log=log, add=add or (), test=test,
                                    text_column=text_column, label_column=label_column)
    except InputError as e:
        _fail(str(e))
    _say_block(evaluation_table(meta["evaluation"]) if "evaluation" in meta["evaluation"] else "")
    for line in keyword_wins(meta["evaluation"]):
        _warn(line)
    _say(f"saved {out} (model card: {Path(out) / 'README.md'}, picture: {Path(out) / 'evaluation.html'})")


@app.command()
def evaluate(
    ctx: typer.Context,
    model: ModelOpt = Path("models/stance"),
    data: Annotated[Optional[Path], typer.Option("--data", help="Evaluate on this CSV/JSONL (same columns as "
                                                 "training) instead of the project's labels.")] = None,
    text_column: Annotated[str, typer.Option("--text-column", help="Text column of --data.")] = "text",
    label_column: Annotated[str, typer.Option("--label-column", help="Label column of --data.")] = "label",
    group_column: Annotated[Optional[str], typer.Option("--group-column", help="Group column of --data.")] = None,
    target_column: Annotated[Optional[str], typer.Option("--target-column", help="Target column of --data.")] = None,
    test: Annotated[Optional[Path], typer.Option("--test", help="Score the model on this fixed test table.")] = None,
    fmt: Annotated[EvalFormat, typer.Option("--format", "-f", help="Output format.")] = EvalFormat.table,
    html_out: Annotated[Optional[Path], typer.Option("--html", help="Also write the picture (confusion matrix, "
                                                     "learning curve) here; default: evaluation.html in the model "
                                                     "folder.")] = None,
    root: Annotated[Path, typer.Option("--root", help="Project folder holding labels/ and seeds/.")] = Path("."),
    datasets: DatasetsOpt = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Parallel cross-validation fits.")] = 2,
) -> None:
    """Grouped cross-validation of the model's settings on labelled data, beside the majority and keyword baselines."""
    from stance.corpus import load_project, read_table
    from stance.report import evaluation_html, evaluation_table
    from stance.train import evaluation_report, test_report, texts_and_targets

    clf = _load(model)
    try:
        if data is not None:
            frame = read_table(data, [text_column, label_column, group_column, target_column],
                               label_column=label_column, warn=_warn)
            texts, targets = texts_and_targets(frame, text_column, target_column)
            labels = frame[label_column].astype(str).tolist()
            groups = frame[group_column].astype(str).tolist() if group_column else [str(i) for i in range(len(frame))]
            sources = None
        else:
            corpus = load_project(root, datasets)
            for note in corpus.notes:
                _say(note)
            s = corpus.sentences
            texts, labels, groups = list(s["text"]), list(s["label"]), list(s["group"])
            sources, targets = list(s["source"]), None
        if test is not None:
            report = {"test": test_report(clf, test, text_column, label_column, target_column)}
        else:
            report = evaluation_report(texts, labels, groups, search_settings=False, params=clf.params,
                                       sources=sources, targets=targets, n_jobs=jobs,
                                       log=_console(ctx).log, registry=clf.registry)
    except InputError as e:
        _fail(str(e))
    if fmt is EvalFormat.json:
        print(json.dumps(report, indent=2))
    elif "evaluation" in report:
        print(evaluation_table(report))
    else:
        from stance.report import scores_table

        print(scores_table({k: v for k, v in report["test"].items() if isinstance(v, dict)}))
    from stance.report import keyword_wins

    for line in keyword_wins(report):
        _warn(line)
    if "evaluation" in report:
        target = html_out or (Path(model) / "evaluation.html")
        try:
            target.write_text(evaluation_html(report), encoding="utf-8")
            _say(f"picture: {target}")
        except OSError as e:
            _say(f"stance: warning: {target}: cannot write the picture: {e.strerror or e}")


# --- summarize -------------------------------------------------------------------------------------------------------

class SummaryFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    edges = "edges"
    html = "html"
    graph = "graph"


class Bin(str, Enum):
    day = "day"
    week = "week"
    month = "month"
    year = "year"


@app.command()
def summarize(
    ctx: typer.Context,
    inputs: Annotated[list[str], typer.Argument(help="Text files, folders, CSV/JSONL tables with --text-column, "
                                                     "tables `stance predict` wrote (read as scored), or - for "
                                                     "stdin.", show_default=False)],
    model: ModelOpt = Path("models/stance"),
    by: Annotated[Optional[list[str]], typer.Option("--by", help="actor (default) or affiliation: count people and "
                                                    "ministries as themselves or roll them up to their state; "
                                                    "document, date (binned, see --date-column, --bin) or any column "
                                                    "of the input tables: count per group. Repeatable.")] = None,
    date_column: Annotated[str, typer.Option("--date-column", help="The tables' date column (ISO 8601 dates), for "
                                             "--by date.")] = "date",
    bin_: Annotated[Bin, typer.Option("--bin", help="Date bins of --by date (a week starts on Monday).")] = Bin.month,
    fmt: Annotated[SummaryFormat, typer.Option("--format", "-f", help="table, json, csv (the cells), edges "
                                               "(holder,target,stance,weight), html (a page: stances over the "
                                               "groups, a small chart per holder -> target pair) or graph (nodes.csv, "
                                               "edges.csv and stance.graphml in --out, for Gephi, Cytoscape, "
                                               "networkx).")] = SummaryFormat.table,
    out_dir: Annotated[Optional[Path], typer.Option("--out", "-o", help="Folder for --format graph (made if "
                                                    "missing; its three files are replaced).")] = None,
    text_column: TextColumnOpt = None,
    split: SplitOpt = False,
    pattern: GlobOpt = "*.txt",
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Scoring processes.")] = 1,
    holder: HolderOpt = None,
    target: TargetOpt = None,
    stance_: StanceOpt = None,
    min_confidence: MinConfidenceOpt = 0.0,
    actors: ActorsOpt = None,
    author: AuthorOpt = None,
) -> None:
    """Who stands where: a holder x target x stance table over one or many documents (counts kept as it reads),
    optionally per document, per date bin or per any column of the input tables."""
    from stance.summary import Summary

    console = _console(ctx)
    out = _stdout()
    levels = [b for b in by or () if b in ("actor", "affiliation")]
    groups = [b for b in by or () if b not in ("actor", "affiliation")]
    if len(set(levels)) > 1 or len(set(groups)) != len(groups):
        _say("stance: error: --by: give actor or affiliation at most once, and each group once")
        raise typer.Exit(2)
    if fmt is SummaryFormat.graph and out_dir is None:
        _say("stance: error: --format graph writes three files: give the folder with --out DIR")
        raise typer.Exit(2)
    inputs_ = _Inputs(inputs, pattern)
    keep = _filter(holder, target, stance_, min_confidence)
    scored = inputs_.scored()
    need_model = (len(scored) < len(inputs_.items) or levels == ["affiliation"] or fmt is SummaryFormat.graph
                  or actors is not None or bool(author))
    clf = _with_actors(_load(model, console), actors) if need_model else None
    registry = getattr(clf, "registry", None)
    summary = Summary(registry if levels == ["affiliation"] else None, keep if keep.active else None, groups,
                      date_column, bin_.value)
    for rec in inputs_.records(clf, console, text_column, 0, jobs, scored=scored, split=split,
                               voice=_voice(clf, author)):
        summary.add(rec)
    for name in groups:
        if name not in ("document", "date") and name not in summary.found:
            _warn(f"--by {name}: no input row has a {name!r} column (every cell's {name} is empty)")
    if "date" in groups and summary.undated:
        _warn(f"{summary.undated} sentences have no date in a {date_column!r} column (counted under "
              f"'(no date)'); is --date-column right?")
    cells = summary.cells()
    if fmt is SummaryFormat.json:
        out.write(json.dumps(cells, indent=2, ensure_ascii=False) + "\n")
    elif fmt in (SummaryFormat.csv, SummaryFormat.edges):
        buf = io.StringIO()
        cols = ["holder", "target", "stance", "weight"] if fmt is SummaryFormat.edges else \
            [*groups, "holder", "target", "stance", "count", "mean_confidence", "example"]
        w = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(cells)
        out.write(buf.getvalue())
    elif fmt is SummaryFormat.html:
        from stance.report import over_time_html

        out.write(over_time_html(cells, groups, summary.groups(), bin_.value if groups and groups[0] == "date"
                                 else None, rolled_up=levels == ["affiliation"]))
    elif fmt is SummaryFormat.graph:
        from stance.graph import write_graph

        try:
            written = write_graph(cells, registry, out_dir)
        except OSError as e:
            _fail(f"{out_dir}: cannot write the graph: {e.strerror or e}")
        _say(f"stance: wrote {', '.join(str(p) for p in written)}")
    else:
        from stance.report import table

        show = printable if out.isatty() else str
        out.write(show(table([*groups, "holder", "target", "stance", "count", "mean conf.", "strongest example"],
                             [[*(c[g] for g in groups), c["holder"], c["target"] or "-", c["stance"], c["count"],
                               f"{c['mean_confidence']:.2f}", c["example"][:70]] for c in cells],
                             left=len(groups) + 3))
                  .replace("\\x0a", "\n") + "\n")
    inputs_.finish("summarized")


# --- label -----------------------------------------------------------------------------------------------------------

class Strategy(str, Enum):
    uncertainty = "uncertainty"
    random = "random"


@app.command()
def label(
    ctx: typer.Context,
    inputs: Annotated[list[str], typer.Argument(help="Text files, folders, CSV/JSONL tables with --text-column, or - "
                                                     "for stdin.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="Answer file (CSV, label-table format); appended to and "
                                      "resumed from.")] = Path("labels/mine.csv"),
    model: ModelOpt = Path("models/stance"),
    strategy: Annotated[Strategy, typer.Option("--strategy", help="uncertainty: the sentences the model is least "
                                               "sure of first (smallest margin); random: a shuffled queue.")
                        ] = Strategy.uncertainty,
    batch: Annotated[Optional[int], typer.Option("--batch", min=1, help="Stop after this many answers.")] = None,
    labeller: Annotated[str, typer.Option("--labeller", help="Your name, written on every row "
                                          "(default: $USER).")] = "",
    retrain_every: Annotated[int, typer.Option("--retrain-every", min=0, help="Retrain in the background after "
                                               "every N answers (project labels + yours) and re-rank what is left; "
                                               "0: never.")] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Shuffle seed of --strategy random.")] = 0,
    text_column: TextColumnOpt = None,
    split: SplitOpt = False,
    pattern: GlobOpt = "*.txt",
    root: Annotated[Path, typer.Option("--root", help="Project folder holding labels/ and seeds/ (for "
                                       "--retrain-every).")] = Path("."),
    datasets: DatasetsOpt = None,
) -> None:
    """Label the sentences the model is least sure of, one key each; answers are saved at once (resumable)."""
    import getpass
    import os

    from stance.label import HELP, LabelFile, Retrainer, Session, build_queue

    console = _console(ctx)
    if "-" in inputs:
        _fail("stdin carries the keys in `stance label`: give the inputs as files")
    clf = _load(model, console)
    inputs_ = _Inputs(inputs, pattern)
    try:
        answers = LabelFile(out)
    except (InputError, OSError, UnicodeDecodeError) as e:
        _fail(f"{out}: cannot use as the answer file: {e}")
    if answers.repaired:
        _warn(f"{out}: cut off a torn last line ({answers.repaired} bytes) left by an interrupted write")
    items, counts = build_queue(inputs_.records(clf, console, text_column, 5, split=split), done=answers.done,
                                strategy=strategy.value, seed=seed)
    _say(f"stance: {counts['sentences']} sentences; {counts['labelled']} already in {out}; "
         f"{counts['duplicates']} near-duplicates left out; {len(items)} to ask ({strategy.value} first)")
    retrainer = None
    if retrain_every:
        def base():
            from stance.corpus import load_project

            s = load_project(root, datasets).sentences
            return list(s["text"]), list(s["label"])

        retrainer = Retrainer(clf, base)
    registry = getattr(clf, "registry", None)
    session = Session(items, answers, keys=sys.stdin, show=_stdout(), log=_say, registry=registry,
                      labeller=labeller or os.environ.get("USER") or getpass.getuser() or "",
                      batch=batch, retrain_every=retrain_every, retrainer=retrainer, strategy=strategy.value,
                      seed=seed)
    _say("stance: " + HELP)
    code = 0
    try:
        why = session.run()
    except KeyboardInterrupt:
        why, code = "interrupted", 130
    finally:
        answers.close()
    _say(f"stance: {why}: {session.tally.text()}; answers in {out} ({len(answers.rows)} rows)")
    inputs_.finish("read")
    if code:
        raise typer.Exit(code)


def _reader_gone() -> None:
    """The reader of our output went away (``| head``): stop quietly with 141 (128 + SIGPIPE), as other Unix tools do."""
    import os

    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, AttributeError, ValueError):
        pass
    sys.exit(141)


def main() -> None:
    """Entry point: typer, with the promise that an expected failure is one line on stderr and exit code 1."""
    import os

    try:
        app()
    except (InputError, ModelError) as e:
        _say(f"stance: error: {e}")
        sys.exit(1)
    except KeyboardInterrupt:
        _say("stance: interrupted")
        sys.exit(130)
    except SystemExit as e:  # typer turns a broken pipe into a bare exit 1: make it the quiet exit below
        if e.code == 1 and isinstance(e.__context__, BrokenPipeError):
            _reader_gone()
        raise
    except BrokenPipeError:
        _reader_gone()
    except OSError as e:  # writing the results failed: a full disk, a closed or broken stdout
        where = "<stdout>" if e.filename is None else e.filename
        _say(f"stance: error: {where}: cannot write: {e.strerror or e}")
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
        except OSError:
            pass
        sys.exit(1)


if __name__ == "__main__":
    main()
