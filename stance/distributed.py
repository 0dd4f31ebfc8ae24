"""Scoring a corpus on a Dask cluster: the same records as ``stance predict``, written as partition files.

The inputs (documents, and tables with a text column) are cut into partitions of whole files in input order, about
``partition_bytes`` each (a larger file is a partition of its own), and scored as a :mod:`dask.bag` with one
partition of work per partition file. The model is sent once to every worker (``Client.scatter(broadcast=True)``:
a few MB of arrays). Each worker streams its partition's records to a temporary file in ``out`` and renames it
(``os.replace``) to ``part-NNNNN.jsonl`` (or ``.parquet``), so a partition file is either whole or absent: a worker
killed midway leaves only a temporary file, the scheduler runs the partition again elsewhere, and no record is lost or
written twice. ``out/_manifest.json`` lists the partitions (their inputs with sizes and times, the model, the
options) and which are complete; a run with the same ``out`` skips those. Records are those of ``stance predict
--format jsonl`` and carry the order key (``file``, ``sentence``): the JSONL partition files read in order are byte
for byte its output.

Tables already in a Dask DataFrame are scored row by row with :func:`score_frame` (``map_partitions``).

Dask is an optional extra (``pip install 'stance[dask]'``); nothing else in stance imports this module.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

from stance.documents import analyze_files, analyze_rows, name_of
from stance.errors import InputError

__all__ = ["ClusterError", "Plan", "Outcome", "plan", "score_corpus", "connect", "score_frame", "PARTITION_BYTES"]

PARTITION_BYTES = 4 << 20
MANIFEST = "_manifest.json"  # "_": Parquet readers (pyarrow datasets) skip it
FORMAT_VERSION = 1


class ClusterError(Exception):
    """The cluster could not be reached or did not score every partition; the message is one line."""


@dataclasses.dataclass(frozen=True)
class Plan:
    """What a run scores: partitions of ``(name as given, absolute path, size, mtime_ns)`` inputs, the model and
    options; two runs with equal plans write the same files."""

    partitions: tuple[tuple[tuple[str, str, int, int], ...], ...]
    model: dict
    options: dict

    def part(self, number: int) -> str:
        return part_name(number, self.options)

    def key(self) -> dict:
        return {"format": FORMAT_VERSION, "model": self.model, "options": self.options,
                "partitions": [[list(i) for i in p] for p in self.partitions]}


@dataclasses.dataclass
class Outcome:
    """A run's result: partitions scored now and skipped (complete from an earlier run), records written now, the
    inputs that could not be read (``[name, message]``), worker warnings, and each worker's peak memory (MB)."""

    scored: int = 0
    skipped: int = 0
    records: int = 0
    input_errors: list[list[str]] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)
    worker_peak_mb: dict[str, float] = dataclasses.field(default_factory=dict)


def part_name(number: int, options: dict) -> str:
    return f"part-{number:05d}.{options['format']}"


def model_identity(clf, actors: str | Path | None = None) -> dict:
    """The sha256 of the model folder's ``metadata.json`` (which holds the sha256 of every other file) and of an
    ``--actors`` file merged over its registry."""
    from stance.files import sha256

    folder = (getattr(clf, "metadata_", None) or {}).get("folder")
    return {"metadata_sha256": sha256(Path(folder) / "metadata.json") if folder else None,
            "actors_sha256": sha256(actors) if actors else None}


def plan(items: Iterable[str], model: dict, options: dict, partition_bytes: int = PARTITION_BYTES) -> Plan:
    """Inputs grouped in order into partitions of whole files of about ``partition_bytes`` each. Standard input
    cannot be sent to workers; an input that cannot be read is kept, so its worker reports it as ``predict`` does."""
    parts: list[tuple] = []
    current: list[tuple] = []
    held = 0
    for item in items:
        if item == "-":
            raise InputError("<stdin>: cannot be scored on a cluster (workers read files); save it to a file")
        path = os.path.abspath(item)
        try:
            st = os.stat(path)
            size, mtime = st.st_size, st.st_mtime_ns
        except OSError:
            size, mtime = 0, 0
        current.append((item, path, size, mtime))
        held += size
        if held >= partition_bytes:
            parts.append(tuple(current))
            current, held = [], 0
    if current:
        parts.append(tuple(current))
    return Plan(tuple(parts), model, options)


# --- on a worker -----------------------------------------------------------------------------------------------------

def _peak_rss_mb() -> float:
    import resource
    import sys

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (2**20 if sys.platform == "darwin" else 2**10), 1)


def _worker_version() -> str:
    from stance import __version__

    return __version__


class _Jsonl:
    """Records as ``stance predict --format jsonl`` writes them."""

    def __init__(self, path: Path, clf, options: dict):
        self.f = open(path, "w", encoding="utf-8")

    def write(self, rec) -> None:
        self.f.write(json.dumps(rec.to_dict(), ensure_ascii=False) + "\n")

    def close(self) -> None:
        self.f.flush()
        os.fsync(self.f.fileno())
        self.f.close()

    def abort(self) -> None:
        self.f.close()


def parquet_schema(classes, explain: bool, table: bool):
    """The one schema of every Parquet partition of a run: the record's fields (``stances`` and ``explanation`` as
    lists of structs) and, for tables, ``row``: the row's other columns as JSON text, values exactly as read."""
    import pyarrow as pa

    text = pa.string()
    stance = pa.struct([("holder", text), ("holder_code", text), ("target", text), ("target_code", text),
                        ("stance", text), ("confidence", pa.float64())])
    fields = [("file", text), ("sentence", pa.int64()), ("start", pa.int64()), ("end", pa.int64()),
              ("paragraph", pa.int64()), ("text", text), ("stance", text), ("confidence", pa.float64()),
              *((f"p_{c}", pa.float64()) for c in classes), ("holder", text), ("holder_code", text),
              ("target", text), ("target_code", text), ("stances", pa.list_(stance))]
    if explain:
        fields.append(("explanation", pa.list_(pa.struct([("ngram", text), ("weight", pa.float64())]))))
    if table:
        fields.append(("row", text))
    return pa.schema(fields)


class _Parquet:
    """Records in row groups of ``batch`` under :func:`parquet_schema` (pyarrow)."""

    def __init__(self, path: Path, clf, options: dict, batch: int = 8192):
        import pyarrow.parquet as pq

        self.classes = [str(c) for c in clf.classes_]
        self.schema = parquet_schema(self.classes, bool(options["explain"]), bool(options["text_column"]))
        self.path, self.batch, self.rows = path, batch, []
        self.writer = pq.ParquetWriter(path, self.schema)

    def write(self, rec) -> None:
        d = rec.to_dict()
        row = {k: d[k] for k in ("file", "sentence", "start", "end", "paragraph", "text", "stance", "confidence",
                                 "holder", "holder_code", "target", "target_code", "stances")}
        row.update({f"p_{c}": d.get(f"p_{c}") for c in self.classes})
        if "explanation" in self.schema.names:
            row["explanation"] = [{"ngram": n, "weight": w} for n, w in d.get("explanation", [])]
        if "row" in self.schema.names:
            row["row"] = json.dumps(dict(rec.columns), ensure_ascii=False) if rec.columns else None
        self.rows.append(row)
        if len(self.rows) >= self.batch:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if self.rows:
            self.writer.write_table(pa.Table.from_pylist(self.rows, schema=self.schema))
            self.rows = []

    def close(self) -> None:
        self._flush()
        self.writer.close()
        fd = os.open(self.path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def abort(self) -> None:
        self.writer.close()


_WRITERS = {"jsonl": _Jsonl, "parquet": _Parquet}


def _score_partition(number: int, inputs, clf, out: str, options: dict) -> dict:
    """Score one partition into ``out/part-NNNNN.jsonl`` (or ``.parquet``): a temporary file, fsynced, then renamed;
    return what the client records: records written, input errors and warnings (with the inputs' names as given)."""
    from stance.summary import Filter

    keep = Filter(**options["filter"])
    keep = keep if keep.active else None
    final = Path(out) / part_name(number, options)
    tmp = Path(out) / f".{final.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    errors: list[list[str]] = []
    warnings: list[str] = []
    n = 0
    writer = _WRITERS[options["format"]](tmp, clf, options)
    try:
        for name, path, _, _ in inputs:
            shown = name_of(path)

            def named(message: str) -> str:
                return message.replace(shown, name)

            for rec in analyze_files(clf, [path], text_column=options["text_column"], explain=options["explain"],
                                     warn=lambda m: warnings.append(named(m)),
                                     on_error=lambda item, e: errors.append([name, named(str(e))])):
                if keep is None or keep.keep(rec):
                    writer.write(dataclasses.replace(rec, document=name))
                    n += 1
        writer.close()
        os.replace(tmp, final)
    except BaseException:
        writer.abort()
        tmp.unlink(missing_ok=True)
        raise
    return {"partition": number, "records": n, "bytes": final.stat().st_size, "errors": errors,
            "warnings": warnings}


def _score_bag_partition(partition: list, clf, out: str, options: dict) -> list[dict]:
    return [_score_partition(number, inputs, clf, out, options) for number, inputs in partition]


# --- on the client ---------------------------------------------------------------------------------------------------

def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=1)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _open_out(out: Path, the_plan: Plan) -> dict:
    """The manifest's record of complete partitions (empty for a new run); refuses an ``out`` that is not ours or
    holds a run of other inputs, model or options. Leftover temporary files of killed workers are removed."""
    manifest = out / MANIFEST
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: exists and is not a folder; choose another --out")
    done: dict = {}
    if manifest.is_file():
        try:
            saved = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise InputError(f"{manifest}: cannot read the run's manifest: {e}") from None
        if not isinstance(saved, dict) or saved.get("plan") != the_plan.key():
            raise InputError(f"{out}: holds a run over other inputs, model or options ({MANIFEST}); choose another "
                             "--out (or remove that folder to start over)")
        for number, entry in (saved.get("done") or {}).items():
            part = out / the_plan.part(int(number))
            if isinstance(entry, dict) and part.is_file() and part.stat().st_size == entry.get("bytes"):
                done[int(number)] = entry
    elif out.is_dir() and any(out.iterdir()):
        raise InputError(f"{out}: a folder that holds files but no {MANIFEST}; not writing into it (choose a new or "
                         "empty --out)")
    try:
        out.mkdir(parents=True, exist_ok=True)
        for leftover in out.glob(".part-*.tmp-*"):
            leftover.unlink(missing_ok=True)
    except OSError as e:
        raise InputError(f"{out}: cannot write here: {e.strerror or e}") from None
    return done


def _save_manifest(out: Path, the_plan: Plan, done: dict) -> None:
    _write_json(out / MANIFEST, {"stance": "partitioned predict output", "plan": the_plan.key(),
                                 "parts": [the_plan.part(i) for i in range(len(the_plan.partitions))],
                                 "done": {str(k): done[k] for k in sorted(done)}})


@contextlib.contextmanager
def connect(scheduler: str, n_workers: int = 2, quiet: bool = True, timeout_s: float = 10):
    """A ``distributed.Client``, closed on exit: on a new ``LocalCluster`` of ``n_workers`` one-thread worker
    processes for ``"local"``, else on the scheduler at that address (``tcp://host:8786``), given ``timeout_s`` to
    answer."""
    import logging

    from distributed import Client, LocalCluster

    level = logging.CRITICAL if quiet else logging.WARNING
    logging.getLogger("distributed").setLevel(level)
    if scheduler == "local":
        try:
            cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                                   silence_logs=level)
        except Exception as e:  # noqa: BLE001 - whatever failed (ports, spawning processes), it is one line
            raise ClusterError(f"--scheduler local: cannot start a LocalCluster of {n_workers} workers: "
                               f"{type(e).__name__}: {e}") from None
        with cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(scheduler, timeout=timeout_s)
    except (OSError, ValueError, TypeError) as e:
        reason = (str(e).strip().splitlines() or [type(e).__name__])[0]
        raise ClusterError(f"--scheduler {scheduler}: cannot connect: {reason}") from None
    with client:
        yield client


def _check_workers(client, wait_s: float = 60) -> None:
    from stance import __version__

    try:
        client.wait_for_workers(1, timeout=wait_s)
    except (TimeoutError, OSError):
        raise ClusterError(f"no worker joined the scheduler within {wait_s:g} s; start some with "
                           "`dask worker <scheduler address> --nthreads 1`") from None
    try:
        versions = client.run(_worker_version)
    except Exception as e:  # noqa: BLE001 - whatever the worker raised, it is one line for the user
        raise ClusterError(f"the workers cannot run stance ({type(e).__name__}: {e}); install the same stance "
                           f"(pip install 'stance[dask]') on every worker") from None
    other = sorted({v for v in versions.values() if v != __version__})
    if other:
        raise ClusterError(f"workers run stance {', '.join(other)}, this client {__version__}; install one version "
                           "everywhere")


def remaining(the_plan: Plan, out: str | Path) -> int:
    """How many partitions of ``the_plan`` are not complete in ``out`` (refusing an ``out`` that is not this run's)."""
    return len(the_plan.partitions) - len(_open_out(Path(out).absolute(), the_plan))


def score_corpus(clf, the_plan: Plan, out: str | Path, client, *,
                 on_done: Callable[[dict], None] = lambda summary: None, save_every_s: float = 2.0) -> Outcome:
    """Score the partitions of ``the_plan`` that ``out`` does not hold complete yet, on ``client``'s cluster (not used,
    and may be None, when every partition is complete).

    Returns an :class:`Outcome` once every partition is complete; raises :class:`ClusterError` naming the partitions
    (and their inputs) that were not scored, after recording the complete ones, so the same call resumes. The
    manifest is saved at most every ``save_every_s`` seconds and at the end (and on an interruption)."""
    import dask.bag as db
    from distributed import as_completed

    out = Path(out).absolute()
    done = _open_out(out, the_plan)
    outcome = Outcome(skipped=len(done))
    for entry in done.values():
        outcome.input_errors.extend(entry.get("errors", []))
    _save_manifest(out, the_plan, done)
    todo = [(i, p) for i, p in enumerate(the_plan.partitions) if i not in done]
    if todo:
        _check_workers(client)
        model = client.scatter(clf, broadcast=True, hash=False)
        bag = db.from_sequence(todo, npartitions=len(todo)).map_partitions(
            _score_bag_partition, model, str(out), the_plan.options)
        futures = client.compute(bag.to_delayed())
        which = {f.key: number for f, (number, _) in zip(futures, todo)}
        failed: dict[int, str] = {}
        saved = time.monotonic()
        try:
            for future in as_completed(futures):
                number = which[future.key]
                if future.status == "finished":
                    for summary in future.result():
                        done[summary["partition"]] = {k: summary[k] for k in ("records", "bytes", "errors")}
                        outcome.scored += 1
                        outcome.records += summary["records"]
                        outcome.input_errors.extend(summary["errors"])
                        outcome.warnings.extend(summary["warnings"])
                        on_done(summary)
                    if time.monotonic() - saved > save_every_s:  # a partition done but not saved is redone
                        _save_manifest(out, the_plan, done)
                        saved = time.monotonic()
                elif future.status == "error":
                    error = future.exception()
                    failed[number] = (f"KilledWorker: the workers that ran it died (more often than dask's "
                                      f"distributed.scheduler.allowed-failures allows)"
                                      if type(error).__name__ == "KilledWorker" else
                                      (f"{type(error).__name__}: {error}".strip().splitlines() or ["error"])[0])
                else:  # "cancelled": dask gave the partition up (seen once when a worker died while it ran)
                    failed[number] = f"{future.status} by the scheduler"
                future.release()
        except OSError as e:  # the scheduler went away (distributed's CommClosedError is an OSError)
            lost = (str(e).strip().splitlines() or [type(e).__name__])[0]
            failed.update({number: f"lost the scheduler: {lost}" for number, _ in todo if number not in done})
        finally:
            _save_manifest(out, the_plan, done)
            for leftover in out.glob(".part-*.tmp-*"):
                leftover.unlink(missing_ok=True)
        try:
            outcome.worker_peak_mb = client.run(_peak_rss_mb)
        except Exception:  # noqa: BLE001 - a figure for the log only
            pass
        if failed:
            raise ClusterError(_not_scored(the_plan, failed))
    return outcome


def _not_scored(the_plan: Plan, failed: dict[int, str], show: int = 5) -> str:
    names = []
    for number in sorted(failed)[:show]:
        inputs = [name for name, *_ in the_plan.partitions[number]]
        listed = ", ".join(inputs[:3]) + (f" and {len(inputs) - 3} more" if len(inputs) > 3 else "")
        names.append(f"{the_plan.part(number)} ({listed})")
    more = f" and {len(failed) - show} more" if len(failed) > show else ""
    reason = failed[min(failed)]
    return (f"{len(failed)} of {len(the_plan.partitions)} partitions not scored: {'; '.join(names)}{more} "
            f"[{reason}]; run the same command again to score them (complete partitions are kept)")


# --- a Dask DataFrame of rows ----------------------------------------------------------------------------------------

def _frame_partition(frame, clf, text_column: str, classes: tuple[str, ...]):
    import pandas as pd

    texts = frame[text_column].tolist()
    records = analyze_rows(clf, texts) if texts else []
    columns = {"stance": [r.label for r in records], "confidence": [r.confidence for r in records],
               **{f"p_{c}": [r.scores.get(c, 0.0) for r in records] for c in classes},
               **{k: [getattr(r, k) for r in records] for k in ("holder", "holder_code", "target", "target_code")},
               "stances": [json.dumps([a.to_dict() for a in r.stances], ensure_ascii=False) for r in records]}
    return frame.assign(**{k: pd.Series(v, index=frame.index, dtype=object if k in (
        "stance", "holder", "holder_code", "target", "target_code", "stances") else "float64")
        for k, v in columns.items()})


def score_frame(frame, text_column: str, clf, client=None):
    """A Dask DataFrame with each row of ``frame`` scored as one unit from ``text_column``: its columns and index as
    they were (the order key to join back on), then ``stance``, ``confidence``, ``p_<class>``, the primary holder
    and target with codes, and ``stances`` (every actor stance, as JSON); a row gets the same stance as with
    ``stance predict --text-column``. With ``client``, the model is sent once to every worker."""
    import pandas as pd

    classes = tuple(str(c) for c in clf.classes_)
    meta = frame._meta.assign(stance=pd.Series(dtype=object), confidence=pd.Series(dtype="float64"),
                              **{f"p_{c}": pd.Series(dtype="float64") for c in classes},
                              **{k: pd.Series(dtype=object) for k in ("holder", "holder_code", "target",
                                                                      "target_code", "stances")})
    model = client.scatter(clf, broadcast=True, hash=False) if client is not None else clf
    return frame.map_partitions(_frame_partition, model, text_column, classes, meta=meta)
