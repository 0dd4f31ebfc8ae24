"""The ``stance`` command: each command parses its options, calls the library and renders the result.

Data goes to stdout, everything else to stderr. Exit codes: 0 success, 1 an expected failure (one line on stderr),
2 a usage error.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from stance import __version__
from stance.errors import InputError, ModelError

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  help="Who supports, condemns or hedges toward whom, sentence by sentence, in news text.")


class Format(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    html = "html"


class EvalFormat(str, Enum):
    table = "table"
    json = "json"


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _fail(message: str) -> None:
    _say(f"stance: error: {message}")
    raise typer.Exit(1)


def _version(value: bool) -> None:
    if value:
        print(f"stance {__version__}")
        raise typer.Exit()


_verbose = False


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")] = False,
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="Report progress and timings on stderr.")] = False,
) -> None:
    """Who supports, condemns or hedges toward whom, sentence by sentence, in news text."""
    global _verbose
    _verbose = verbose


def _log(message: str) -> None:
    if _verbose or sys.stderr.isatty():
        _say(message)


def _load(model: Path):
    from stance.model import StanceClassifier

    try:
        return StanceClassifier.load(model)
    except ModelError as e:
        _fail(str(e))


ModelOpt = Annotated[Path, typer.Option("--model", "-m", help="Model folder.", show_default=True)]
DatasetsOpt = Annotated[Optional[Path], typer.Option("--datasets", help="Folder of public datasets "
                        "(default: $STANCE_DATASETS or ../shared/datasets).")]


# --- predict ---------------------------------------------------------------------------------------------------------

def _expand(inputs: list[str], pattern: str) -> list[str]:
    out = []
    for item in inputs:
        p = Path(item)
        if item != "-" and p.is_dir():
            found = sorted(str(f) for f in p.rglob(pattern) if f.is_file())
            if not found:
                _say(f"stance: warning: {p}: no {pattern} files in this folder")
            out.extend(found)
        else:
            out.append(item)
    return out


def _is_table(item: str) -> bool:
    return item != "-" and Path(item).suffix.lower() in (".csv", ".jsonl", ".ndjson")


def _table_records(clf, item: str, text_column: str, explain: int):
    """Rows of a CSV/JSONL table, each scored as one unit; the table's other columns (its ids) are kept."""
    from stance.corpus import read_table
    from stance.train import texts_and_targets

    target = clf.target_column_ if clf.target_column_ in (frame := read_table(item, [text_column])).columns else None
    texts, targets = texts_and_targets(frame, text_column, target)  # a target-aware model sees the row's target
    preds = clf.predict(texts, targets, explain=explain)
    for (_, row), p in zip(frame.iterrows(), preds):
        rec = {k: (None if v != v else v) for k, v in row.items() if k != text_column}  # NaN -> None
        yield {**rec, "file": item, "text": row[text_column], "stance": p.label, "confidence": round(p.confidence, 6),
               **{f"p_{c}": round(s, 6) for c, s in p.scores.items()},
               **({"explanation": [list(e) for e in p.explanation]} if explain else {})}


def _sentence_record(name: str, s, explain: int) -> dict:
    rec = {"file": name, "sentence": s.index, "start": s.start, "end": s.end, "text": s.text, "stance": s.label,
           "confidence": round(s.confidence, 6), **{f"p_{c}": round(v, 6) for c, v in s.scores.items()},
           "holder": s.holder, "holder_code": s.holder_code, "target": s.target, "target_code": s.target_code,
           "stances": [{"holder": a.holder, "holder_code": a.holder_code, "target": a.target,
                        "target_code": a.target_code, "stance": a.stance, "confidence": round(a.confidence, 6)}
                       for a in s.stances]}
    if explain:
        rec["explanation"] = [list(e) for e in s.explanation]
    return rec


def _warn(message: str) -> None:
    _say(f"stance: warning: {message}")


def _name(item: str) -> str:
    return "<stdin>" if item == "-" else item


def _records(clf, item: str, text_column: Optional[str], explain: int):
    """Result rows of one input: sentences of a document (read as a stream), or rows of a CSV/JSONL table."""
    from stance.files import read_blocks

    if text_column and _is_table(item):
        yield from _table_records(clf, item, text_column, explain)
        return
    for s in clf.analyze_blocks(read_blocks(item, warn=_warn), explain=explain):
        yield _sentence_record(_name(item), s, explain)


_worker_model = None  # the model a forked scoring process inherits


def _score_block(task) -> list[dict]:
    name, offset, text, explain = task
    return [_sentence_record(name, s, explain) for s in _worker_model.analyze_blocks([(offset, text)], explain)]


def _parallel_records(clf, items: list[str], explain: int, jobs: int, failed: list[str]):
    """Records of many documents scored by ``jobs`` processes, block by block, in input order, with a bounded number
    of blocks in flight so memory stays flat. Pronouns resolve within a block (about 1 MB of text)."""
    import multiprocessing
    from collections import deque

    from stance.files import read_blocks

    def tasks():
        for k, item in enumerate(items):
            try:
                for offset, text in read_blocks(item, warn=_warn):
                    yield k, (_name(item), offset, text, explain)
            except InputError as e:
                _say(f"stance: error: {e}")
                failed.append(item)

    global _worker_model
    _worker_model = clf
    seen: dict[int, int] = {}  # sentences so far, per input
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        pending: deque = deque()
        for k, task in tasks():
            pending.append((k, pool.apply_async(_score_block, (task,))))
            while len(pending) > 2 * jobs or (pending and pending[0][1].ready()):
                yield from _renumber(*pending.popleft(), seen)
        while pending:
            yield from _renumber(*pending.popleft(), seen)


def _renumber(k: int, result, seen: dict[int, int]):
    records = result.get()
    base = seen.get(k, 0)
    for rec in records:
        rec["sentence"] += base
        yield rec
    seen[k] = base + len(records)


class _Writer:
    """Streams records in one format to a text stream."""

    def __init__(self, fmt: Format, out):
        self.fmt, self.out, self.n, self._csv = fmt, out, 0, None

    def write(self, rec: dict) -> None:
        if self.fmt is Format.jsonl:
            self.out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        elif self.fmt is Format.json:
            self.out.write(("[\n" if self.n == 0 else ",\n") + json.dumps(rec, ensure_ascii=False))
        elif self.fmt is Format.csv:
            if self._csv is None:
                self._csv = csv.DictWriter(self.out, fieldnames=list(rec), extrasaction="ignore", lineterminator="\n")
                self._csv.writeheader()
            self._csv.writerow({k: (json.dumps(v) if isinstance(v, list) else v) for k, v in rec.items()})
        elif self.fmt is Format.table:
            who = f"{rec.get('holder') or '-'} -> {rec.get('target') or '-'}" if "holder" in rec else ""
            where = f"{rec['file']}:{rec['sentence']}" if "sentence" in rec else rec["file"]
            text = rec["text"] if len(rec["text"]) <= 110 else rec["text"][:107] + "..."
            self.out.write(f"{where:<28} {rec['stance']:<8} {rec['confidence']:.2f}  {who}\n    {text}\n")
            for a in rec.get("stances", [])[1:]:
                self.out.write(f"    also: {a['holder']} {a['stance']} {a['target'] or '-'} ({a['confidence']:.2f})\n")
            if rec.get("explanation"):
                self.out.write("    because: " + ", ".join(f"{n} (+{w:.2f})" for n, w in rec["explanation"]) + "\n")
        self.n += 1

    def close(self) -> None:
        if self.fmt is Format.json:
            self.out.write("[]\n" if self.n == 0 else "\n]\n")
        self.out.flush()


@app.command()
def predict(
    inputs: Annotated[list[str], typer.Argument(help="Text files, folders (searched recursively), CSV/JSONL tables "
                                                     "with --text-column, or - for stdin.", show_default=False)],
    model: ModelOpt = Path("models/stance"),
    fmt: Annotated[Optional[Format], typer.Option("--format", "-f", help="Output format (default: table on a terminal, "
                                                  "jsonl otherwise).")] = None,
    text_column: Annotated[Optional[str], typer.Option("--text-column", help="Score each row of a CSV/JSONL table as "
                                                       "one unit, from this column; other columns are kept.")] = None,
    explain: Annotated[bool, typer.Option("--explain", help="Add the n-grams that drove each decision.")] = False,
    pattern: Annotated[str, typer.Option("--glob", help="Files to read inside folders.")] = "*.txt",
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Scoring processes; more than 1 pays off on large "
                                      "inputs (pronouns then resolve within 1 MB blocks).")] = 1,
) -> None:
    """Score documents sentence by sentence: stance, confidence, probabilities, holder and target."""
    fmt = fmt or (Format.table if sys.stdout.isatty() else Format.jsonl)
    clf = _load(model)
    items = _expand(inputs, pattern)
    failed = []
    if fmt is Format.html:
        from stance.report import predictions_html

        docs = []
        for item in items:
            try:
                docs.append((item, list(_records(clf, item, None, 5))))
            except InputError as e:
                _say(f"stance: error: {e}")
                failed.append(item)
        sys.stdout.write(predictions_html(docs, clf.registry))
    else:  # streamed: rows are written as each input is scored
        writer = _Writer(fmt, sys.stdout)
        tables = [i for i in items if text_column and _is_table(i)]
        documents = [i for i in items if i not in tables]
        if jobs > 1 and documents:
            for rec in _parallel_records(clf, documents, 5 if explain else 0, jobs, failed):
                writer.write(rec)
            items_left = tables
        else:
            items_left = items
        for item in items_left:
            try:
                for rec in _records(clf, item, text_column, 5 if explain else 0):
                    writer.write(rec)
            except InputError as e:
                _say(f"stance: error: {e}")
                failed.append(item)
        writer.close()
    if failed:
        if len(items) > 1:
            _say(f"stance: scored {len(items) - len(failed)} of {len(items)} inputs; failed: {', '.join(failed)}")
        raise typer.Exit(1)


# --- explain ---------------------------------------------------------------------------------------------------------

@app.command()
def explain(
    sentence: Annotated[str, typer.Argument(help="The sentence to explain.")],
    model: ModelOpt = Path("models/stance"),
    top: Annotated[int, typer.Option("--top", help="How many n-grams to show each way.")] = 10,
) -> None:
    """Show why a sentence got its stance: every class's probability and the n-grams for and against it."""
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

@app.command()
def train(
    out: Annotated[Path, typer.Option("--out", "-o", help="Model folder to write (atomically).")] = Path("models/stance"),
    data: Annotated[Optional[Path], typer.Option("--data", help="Train on this CSV/JSONL instead of the project's "
                                                 "labels.")] = None,
    text_column: Annotated[str, typer.Option("--text-column", help="Text column of --data.")] = "text",
    label_column: Annotated[str, typer.Option("--label-column", help="Label column of --data.")] = "label",
    group_column: Annotated[Optional[str], typer.Option("--group-column", help="Rows sharing a value are never split "
                                                        "across folds (e.g. article id).")] = None,
    target_column: Annotated[Optional[str], typer.Option("--target-column", help="The target each row's stance is "
                                                         "about; the model sees it and figures break down by it.")] = None,
    test: Annotated[Optional[Path], typer.Option("--test", help="Score this fixed test table instead of "
                                                 "cross-validating.")] = None,
    root: Annotated[Path, typer.Option("--root", help="Project folder holding labels/ and seeds/.")] = Path("."),
    datasets: DatasetsOpt = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Parallel cross-validation fits.")] = 2,
) -> None:
    """Search settings by grouped cross-validation, report them against baselines, fit and save the model."""
    from stance.report import evaluation_table
    from stance.train import train_project, train_table

    log = _say
    try:
        if data is not None:
            _, meta = train_table(data, text_column, label_column, out, group_column, target_column,
                                  str(test) if test else None, n_jobs=jobs, log=log)
        else:
            _, meta = train_project(root, out, datasets, n_jobs=jobs, log=log)
    except InputError as e:
        _fail(str(e))
    _say(evaluation_table(meta["evaluation"]) if "evaluation" in meta["evaluation"] else "")
    _say(f"saved {out} (model card: {Path(out) / 'README.md'}, picture: {Path(out) / 'evaluation.html'})")


@app.command()
def evaluate(
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
            frame = read_table(data, [text_column, label_column, group_column, target_column])
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
                                       sources=sources, targets=targets, n_jobs=jobs, log=_log)
    except InputError as e:
        _fail(str(e))
    if fmt is EvalFormat.json:
        print(json.dumps(report, indent=2))
    elif "evaluation" in report:
        print(evaluation_table(report))
    else:
        from stance.report import scores_table

        print(scores_table({k: v for k, v in report["test"].items() if isinstance(v, dict)}))
    if "evaluation" in report:
        target = html_out or (Path(model) / "evaluation.html")
        try:
            target.write_text(evaluation_html(report), encoding="utf-8")
            _say(f"picture: {target}")
        except OSError as e:
            _say(f"stance: warning: {target}: cannot write the picture: {e.strerror or e}")


# --- summarize -------------------------------------------------------------------------------------------------------

class By(str, Enum):
    actor = "actor"
    affiliation = "affiliation"


class SummaryFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    edges = "edges"


@app.command()
def summarize(
    inputs: Annotated[list[str], typer.Argument(help="Text files, folders or - for stdin.", show_default=False)],
    model: ModelOpt = Path("models/stance"),
    by: Annotated[By, typer.Option("--by", help="Count people and ministries as themselves, or roll them up to "
                                   "their state.")] = By.actor,
    fmt: Annotated[SummaryFormat, typer.Option("--format", "-f", help="table, json, csv (the cells) or edges "
                                               "(holder,target,stance,weight for network tools).")] = SummaryFormat.table,
    pattern: Annotated[str, typer.Option("--glob", help="Files to read inside folders.")] = "*.txt",
) -> None:
    """Who stands where: a holder x target x stance table over one or many documents."""
    from stance.summary import summarize as build

    clf = _load(model)
    items = _expand(inputs, pattern)
    records, failed = [], []
    for item in items:
        try:
            records.extend(_records(clf, item, None, 0))
        except InputError as e:
            _say(f"stance: error: {e}")
            failed.append(item)
    cells = build(records, clf.registry if by is By.affiliation else None)
    if fmt is SummaryFormat.json:
        print(json.dumps(cells, indent=2, ensure_ascii=False))
    elif fmt in (SummaryFormat.csv, SummaryFormat.edges):
        buf = io.StringIO()
        cols = ["holder", "target", "stance", "weight"] if fmt is SummaryFormat.edges else \
            ["holder", "target", "stance", "count", "mean_confidence", "example"]
        w = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(cells)
        sys.stdout.write(buf.getvalue())
    else:
        from stance.report import table

        print(table(["holder", "target", "stance", "count", "mean conf.", "strongest example"],
                    [[c["holder"], c["target"] or "-", c["stance"], c["count"], f"{c['mean_confidence']:.2f}",
                      c["example"][:70]] for c in cells]))
    if failed:
        if len(items) > 1:
            _say(f"stance: summarized {len(items) - len(failed)} of {len(items)} inputs; failed: {', '.join(failed)}")
        raise typer.Exit(1)


def main() -> None:
    """Entry point: typer, with the promise that an expected failure is one line on stderr and exit code 1."""
    try:
        app()
    except (InputError, ModelError) as e:
        _say(f"stance: error: {e}")
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(0)


if __name__ == "__main__":
    main()
