"""Read the project's labels (seeds and external corpora) and any user table into validated data.

Labels are one row per (sentence, holder, target, stance). The first row of a sentence is its primary stance, which is
what the sentence-level model learns. Sentences of external corpora are never stored in the project: labels name them
by id and the text is read from the dataset folder (``--datasets``, ``$STANCE_DATASETS``, default
``../shared/datasets``) at run time.
"""

from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from stance.actors import Registry
from stance.errors import InputError
from stance.files import read_document, sha256
from stance.text import split_sentences

__all__ = ["STANCES", "Corpus", "datasets_dir", "load_project", "load_user_labels", "add_user_labels", "read_table",
           "article_of"]

STANCES = ("support", "condemn", "hedge", "none")
SEED_COLUMNS = ("seed", "sentence", "start", "end", "holder", "target", "stance")
USER_COLUMNS = ("doc", "sentence", "holder", "target", "stance")  # a user's label table (`stance label`)
NEWSMTSC_COLUMNS = ("primary_gid", "holder", "target", "stance")
NEWSMTSC_FILES = ("train.jsonl", "devtest_mt.jsonl", "devtest_rw.jsonl")
WORLD_FILES = {"wikinews": "wikinews_2019.csv", "whitehouse": "statements.jsonl"}  # one file each pool must have


def datasets_dir(value: str | Path | None = None) -> Path:
    """Where public datasets live: the argument, else ``$STANCE_DATASETS``, else ``../shared/datasets``."""
    return Path(value or os.environ.get("STANCE_DATASETS") or "../shared/datasets")


def world_doc_id(source: str, key: str) -> str:
    """A stable id for a world-news document: ``wikinews:<page name>`` from its url, ``whitehouse:<slug>`` from its id."""
    if source == "wikinews":
        key = key.rstrip("/").rsplit("/wiki/", 1)[-1]
    return f"{source}:{key}"


def article_of(gid: str) -> str:
    """The source article of a NewsMTSC sentence id: ``allsides_<a>_<b>`` or ``polusa_v1_<n>``."""
    return "_".join(gid.split("_")[:3])


@dataclass
class Corpus:
    """Validated labels.

    ``rows``: one row per label (source, doc, sid, holder, target, stance, text). ``sentences``: one row per sentence
    (sid, text, label = primary stance, group = source article, source, heldout: a world-news document kept apart
    from every tuning step, see :func:`heldout`). ``files``: sha256 of every file read.
    """

    rows: pd.DataFrame
    sentences: pd.DataFrame
    files: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _read_csv_rows(path: Path, columns: tuple[str, ...]):
    """Yield (line number, row) of a label CSV, checking its header."""
    try:
        f = path.open(encoding="utf-8", newline="")
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from None
    with f:
        reader = csv.DictReader(f)
        try:
            header = reader.fieldnames or []
            missing = [c for c in columns if c not in header]
            if missing:
                raise InputError(f"{path}:1: missing column(s) {', '.join(missing)}")
            line = reader.line_num + 1
            for row in reader:
                if None in row or any(v is None for v in row.values()):
                    raise InputError(f"{path}:{line}: expected {len(header)} fields")
                yield line, {k: (v or "").strip() for k, v in row.items()}
                line = reader.line_num + 1
        except (csv.Error, UnicodeDecodeError) as e:
            raise InputError(f"{path}:{reader.line_num}: malformed CSV: {e}") from None


def _check_label(path: Path, line: int, row: dict, registry: Registry) -> None:
    stance, holder, target = row["stance"], row["holder"], row["target"]
    if stance not in STANCES:
        raise InputError(f"{path}:{line}: unknown stance {stance!r} (expected one of {', '.join(STANCES)})")
    if stance == "none" and (holder or target):
        raise InputError(f"{path}:{line}: a 'none' row has no holder or target")
    if stance != "none" and not holder:
        raise InputError(f"{path}:{line}: missing holder on a {stance!r} row")
    for role, name in (("holder", holder), ("target", target)):
        if name and name not in registry:
            raise InputError(f"{path}:{line}: unknown actor {name!r} as {role} (add it to the actor registry)")


def load_seed_labels(path: Path, seeds: Path, registry: Registry, files: dict[str, str]) -> pd.DataFrame:
    """Seed labels, each checked against the sentence the project's splitter cuts from the seed file."""
    def text_of(seed: str) -> str | None:
        seed_path = seeds / seed
        if not seed_path.is_file():
            return None
        files[str(seed_path)] = sha256(seed_path)
        return read_document(seed_path)[0]

    return load_document_labels(path, "seeds", "seed", text_of, registry, files, f"not in {seeds}")


def load_document_labels(path: Path, source: str, doc_column: str, text_of, registry: Registry,
                         files: dict[str, str], where: str = "") -> pd.DataFrame:
    """Labels of sentences of whole documents (``doc_column``, ``sentence``, ``start``, ``end``, holder, target,
    stance), each checked against the sentence the project's splitter cuts from ``text_of(doc)`` (None: unknown)."""
    split_cache: dict[str, list] = {}
    records = []
    for line, row in _read_csv_rows(path, (doc_column, *SEED_COLUMNS[1:])):
        _check_label(path, line, row, registry)
        doc = row[doc_column]
        if doc not in split_cache:
            text = text_of(doc)
            if text is None:
                raise InputError(f"{path}:{line}: unknown document {doc!r} ({where or 'not in the dataset'})")
            split_cache[doc] = split_sentences(text)
        try:
            index, start, end = int(row["sentence"]), int(row["start"]), int(row["end"])
        except ValueError:
            raise InputError(f"{path}:{line}: sentence, start and end must be whole numbers") from None
        sentences = split_cache[doc]
        if not 0 <= index < len(sentences):
            raise InputError(f"{path}:{line}: {doc} has no sentence {index} (it has {len(sentences)})")
        s = sentences[index]
        if (s.start, s.end) != (start, end):
            raise InputError(
                f"{path}:{line}: offsets {start}-{end} do not match sentence {index} of {doc} ({s.start}-{s.end})"
            )
        records.append(dict(source=source, doc=doc, sid=f"{doc}#{index}", index=index, start=start, end=end,
                            text=s.text, holder=row["holder"], target=row["target"], stance=row["stance"], line=line))
    files[str(path)] = sha256(path)
    return pd.DataFrame.from_records(records)


def world_documents(folder: Path, source: str) -> dict[str, str]:
    """Text by document id (:func:`world_doc_id`) of a world-news pool: ``wikinews`` or ``whitehouse``."""
    docs = {}
    if source == "wikinews":
        for p in sorted((folder / "wikinews").glob("wikinews_*.csv")):
            for row in pd.read_csv(p, dtype=str, keep_default_na=False).itertuples():
                docs[world_doc_id("wikinews", row.url)] = row.text
    else:
        with (folder / "whitehouse" / WORLD_FILES["whitehouse"]).open(encoding="utf-8") as f:
            for line in f:
                st = json.loads(line)
                docs[world_doc_id("whitehouse", st["id"])] = st["text"]
    return docs


EMERGENT_FILES = ("url-versions-2015-06-14-clean-train.csv", "url-versions-2015-06-14-clean-test.csv")


def emergent_headlines(folder: Path) -> list[tuple[str, str, str, str]]:
    """(id, claim, file, headline) of every row of the Emergent files in ``folder`` (``emergent/``), in file order;
    ``id`` is ``emergent:<articleId>``, the headline's spaces collapsed."""
    out = []
    for name in EMERGENT_FILES:
        df = pd.read_csv(folder / name, dtype=str, keep_default_na=False)
        out += [(f"emergent:{a}", c, name, " ".join(h.split()))
                for a, c, h in zip(df["articleId"], df["claimId"], df["articleHeadline"])]
    return out


def world_titles(folder: Path) -> dict[str, str]:
    """Title by document id of the White House pool (the issuer of a statement is in its title; the text omits it)."""
    with (folder / "whitehouse" / WORLD_FILES["whitehouse"]).open(encoding="utf-8") as f:
        return {world_doc_id("whitehouse", st["id"]): st.get("title", "") for st in map(json.loads, f)}


def heldout(doc: str) -> bool:
    """Whether a world-news document is in the held-out part (one in five, by the sha1 of its id): no setting is
    tuned on it; its figures are reported apart (``labels/select_world.py`` makes the same split)."""
    import hashlib

    return int(hashlib.sha1(doc.encode("utf-8")).hexdigest()[:8], 16) % 5 == 0


def newsmtsc_sentences(folder: Path) -> dict[str, str]:
    """NewsMTSC sentence text by ``primary_gid``, read from the dataset folder."""
    text = {}
    for name in NEWSMTSC_FILES:
        try:
            with open(folder / name, encoding="utf-8") as f:
                for n, line in enumerate(f, 1):
                    try:
                        row = json.loads(line)
                        text[row["primary_gid"]] = row["sentence_normalized"]
                    except (json.JSONDecodeError, KeyError, TypeError):
                        raise InputError(f"{folder / name}:{n}: not a NewsMTSC record") from None
        except OSError as e:
            raise InputError(f"{folder / name}: cannot read: {e.strerror or e}") from None
    return text


def load_newsmtsc_labels(path: Path, folder: Path, registry: Registry, files: dict[str, str]) -> pd.DataFrame:
    text = newsmtsc_sentences(folder)
    for name in NEWSMTSC_FILES:
        files[str(folder / name)] = sha256(folder / name)
    records = []
    for line, row in _read_csv_rows(path, NEWSMTSC_COLUMNS):
        _check_label(path, line, row, registry)
        gid = row["primary_gid"]
        if gid not in text:
            raise InputError(f"{path}:{line}: no sentence {gid!r} in {folder}")
        records.append(dict(source="newsmtsc", doc=article_of(gid), sid=gid, text=text[gid],
                            holder=row["holder"], target=row["target"], stance=row["stance"], line=line))
    files[str(path)] = sha256(path)
    return pd.DataFrame.from_records(records)


def load_project(root: str | Path = ".", datasets: str | Path | None = None) -> Corpus:
    """All of the project's labels: the seeds, plus every external corpus whose dataset folder is present."""
    root = Path(root)
    labels = root / "labels"
    registry = Registry.load(labels / "actors.csv")
    files = {str(labels / "actors.csv"): sha256(labels / "actors.csv")}
    notes = []
    frames = [load_seed_labels(labels / "seeds.csv", root / "seeds", registry, files)]
    newsmtsc = labels / "newsmtsc.csv"
    if newsmtsc.is_file():
        folder = datasets_dir(datasets) / "newsmtsc"
        if (folder / NEWSMTSC_FILES[0]).is_file():
            frames.append(load_newsmtsc_labels(newsmtsc, folder, registry, files))
        else:
            notes.append(f"{folder}: dataset folder not found; its labels ({newsmtsc.name}) are left out")
    for source, first in WORLD_FILES.items():
        labels_file = labels / f"{source}.csv"
        if not labels_file.is_file():
            continue
        folder = datasets_dir(datasets)
        if not (folder / source / first).is_file():
            notes.append(f"{folder / source}: dataset folder not found; its labels ({labels_file.name}) are left out")
            continue
        docs = world_documents(folder, source)
        frames.append(load_document_labels(labels_file, source, "doc", docs.get, registry, files,
                                           f"not in {folder / source}"))
    if len(frames) == 1 and notes:
        notes.append("training on the seed labels alone")
    rows = pd.concat(frames, ignore_index=True)
    return Corpus(rows, primary_sentences(rows), files, notes)


def primary_sentences(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per sentence with its primary (first) stance; ``group`` is the source article."""
    first = rows.drop_duplicates("sid", keep="first")
    return pd.DataFrame({"sid": first["sid"].to_numpy(), "text": first["text"].to_numpy(),
                         "label": first["stance"].to_numpy(), "group": first["doc"].to_numpy(),
                         "source": first["source"].to_numpy(),
                         "heldout": [bool(doc.split(":", 1)[0] in WORLD_FILES and heldout(doc))
                                     for doc in first["doc"]]})


def _units_of(doc: str, path: Path, root: Path, datasets, text_column: str, world: dict) -> tuple[str, list] | None:
    """The units a user's label row can point into, as (start, end, text): the sentences of a seed (by file name), of a
    world-news document (by its id) or of a text file (its path, as given or beside the label file), the rows of a
    CSV/JSONL table (``text_column``; ``sentence`` is then the row number from 0, as ``stance predict`` counts them)
    or the sentences of one row of a table (``TABLE#ROW``, as ``stance predict --split`` names it).
    Returns (the document's id, its units): a seed keeps its file name as id however it was named, so its sentences
    stay in one group with the project's; None when ``doc`` is none of these."""
    from stance.documents import is_table
    from stance.files import read_rows

    source = doc.split(":", 1)[0]
    if source in WORLD_FILES and ":" in doc:
        if source not in world:
            folder = datasets_dir(datasets)
            world[source] = world_documents(folder, source) if (folder / source / WORLD_FILES[source]).is_file() else {}
        text = world[source].get(doc)
        return None if text is None else (doc, [(s.start, s.end, s.text) for s in split_sentences(text)])
    table, _, row = doc.rpartition("#")  # a row of a table cut into sentences (predict --split): TABLE#ROW
    if table and row.isdigit() and is_table(table):
        for candidate in (Path(table), path.parent / table):
            if candidate.is_file():
                for n, (_, values) in enumerate(read_rows(candidate, text_column)):
                    if n == int(row):
                        return doc, [(s.start, s.end, s.text) for s in split_sentences(values[text_column])]
                return None
    for candidate in (root / "seeds" / doc, Path(doc), path.parent / doc):
        if not candidate.is_file():
            continue
        if is_table(str(candidate)):
            return doc, [(0, len(row[text_column]), row[text_column]) for _, row in read_rows(candidate, text_column)]
        seed = candidate.resolve().parent == (root / "seeds").resolve()
        return (candidate.name if seed else doc,
                [(s.start, s.end, s.text) for s in split_sentences(read_document(candidate)[0])])
    return None


def load_user_labels(path: str | Path, registry: Registry, files: dict[str, str], *, root: str | Path = ".",
                     datasets: str | Path | None = None, text_column: str = "text") -> pd.DataFrame:
    """A user's label table (``stance label``'s answer file, or ``stance predict --format labels`` corrected): columns
    ``doc, sentence, holder, target, stance`` and, checked when present, ``start, end`` and the text's ``sha1``.

    Each row's sentence is read from where ``doc`` points (:func:`_units_of`), so the table carries no text; a row
    whose document cannot be found, whose sentence is out of range or whose offsets or sha1 do not match (the
    document changed since it was labelled) is refused as ``file:line``. Rows are checked against the codebook's rules
    and the actor registry as the project's are; the first row of a sentence is its primary stance."""
    import hashlib

    path, root = Path(path), Path(root)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    cache: dict[str, list | None] = {}
    world: dict = {}
    records = []
    for line, row in _read_csv_rows(path, USER_COLUMNS):
        _check_label(path, line, row, registry)
        doc = row["doc"]
        if doc not in cache:
            cache[doc] = _units_of(doc, path, root, datasets, text_column, world)
        if cache[doc] is None:
            raise InputError(f"{path}:{line}: cannot find document {doc!r} (not a seed, a dataset document, or a file "
                             f"here or beside {path.name})")
        group, units = cache[doc]
        try:
            index = int(row["sentence"])
        except ValueError:
            raise InputError(f"{path}:{line}: sentence must be a whole number") from None
        if not 0 <= index < len(units):
            raise InputError(f"{path}:{line}: {doc} has no sentence {index} (it has {len(units)})")
        start, end, text = units[index]
        if row.get("start") and row.get("end") and (row["start"], row["end"]) != (str(start), str(end)):
            raise InputError(f"{path}:{line}: offsets {row['start']}-{row['end']} do not match sentence {index} of "
                             f"{doc} ({start}-{end}); has the document changed?")
        if row.get("sha1") and hashlib.sha1(text.encode("utf-8")).hexdigest() != row["sha1"]:
            raise InputError(f"{path}:{line}: sentence {index} of {doc} is not the text that was labelled (sha1 "
                             "differs); has the document changed?")
        records.append(dict(source="user", doc=group, sid=f"{group}#{index}", index=index, start=start, end=end,
                            text=text, holder=row["holder"], target=row["target"], stance=row["stance"], line=line))
    files[str(path)] = sha256(path)
    return pd.DataFrame.from_records(records, columns=["source", "doc", "sid", "index", "start", "end", "text",
                                                       "holder", "target", "stance", "line"])


def _same_text(text: str) -> str:
    return " ".join(str(text).split())


def add_user_labels(corpus: Corpus, paths, registry: Registry, *, root: str | Path = ".",
                    datasets: str | Path | None = None, text_column: str = "text") -> Corpus:
    """``corpus`` plus the rows of the user's label tables (:func:`load_user_labels`), one table after the other.

    The user's rows win: a sentence the project (or an earlier table) labels too, the same text spaces aside, takes the
    user's rows (holder, target, stance, in the user's order) wherever the project has it, and keeps its place there
    (its article, source and held-out side), so a copy of a held-out document is never tuned on and boilerplate
    ("###") keeps its weight. The user's other sentences are added as they are (source ``user``)."""
    rows, files, notes = corpus.rows, dict(corpus.files), list(corpus.notes)
    for path in paths:
        user = load_user_labels(path, registry, files, root=root, datasets=datasets, text_column=text_column)
        if user.empty:
            notes.append(f"{path}: no label rows")
            continue
        keys = user["text"].map(_same_text)
        mine: dict[str, pd.DataFrame] = {}
        for sid in dict.fromkeys(user["sid"]):  # a text labelled twice in the table: its first sentence's rows
            first = user[user["sid"] == sid]
            mine.setdefault(keys[first.index[0]], first)
        project = rows["text"].map(_same_text)
        matched = project.isin(mine)
        relabelled = []
        for sid in dict.fromkeys(rows.loc[matched, "sid"]):
            place = rows[rows["sid"] == sid].iloc[0]
            for _, answer in mine[_same_text(place["text"])].iterrows():
                relabelled.append({**place.to_dict(), "holder": answer["holder"], "target": answer["target"],
                                   "stance": answer["stance"]})
        known = set(project[matched])
        added = user[~keys.isin(known)]
        notes.append(f"{path}: {user['sid'].nunique()} sentences ({len(user)} rows): {added['sid'].nunique()} added, "
                     f"{len(known)} already labelled (by the project or an earlier table), whose "
                     f"{rows.loc[matched, 'sid'].nunique()} sentences of the same text now take your label")
        rows = pd.concat([rows[~matched], pd.DataFrame(relabelled, columns=rows.columns), added], ignore_index=True)
    return Corpus(rows, primary_sentences(rows), files, notes)


def read_table(path: str | Path, columns: list[str], *, label_column: str | None = None,
               warn=lambda message: None) -> pd.DataFrame:
    """A user's CSV or JSONL (by extension; ``-`` is not accepted here), with the named columns checked.

    Rows are read by :func:`stance.files.read_rows` (UTF-8, else cp1252 with a warning; UTF-16 with a BOM; a NUL
    byte refuses the file; a row whose text is null or not a string is skipped with a warning naming its line). Only
    the named columns are kept, as strings, and missing values are normalised once, here: a JSON null, NaN or a key a
    row lacks becomes ``""``, as an empty CSV cell is, so a missing target means the same at training and prediction
    (:func:`stance.features.normalise_target`). The index is each row's line number in the file.

    With ``label_column``, every row must have a label: an empty cell, ``NaN``/``nan`` (what a spreadsheet or pandas
    writes for a missing value), a JSON null or a number is refused as ``file:line``: a label is text, and a missing
    one is not a class.
    """
    from stance.files import read_rows

    path = Path(path)
    columns = [c for c in dict.fromkeys(columns) if c]
    if not path.is_file() and not path.exists():
        raise InputError(f"{path}: no such file")
    lines, values, seen = [], {c: [] for c in columns}, set()
    for line, row in read_rows(path, columns[0], warn=warn):
        seen.update(row)
        lines.append(line)
        for c in columns:
            value = row.get(c)
            if c == label_column:
                value = _label(path, line, c, value)
            values[c].append(_cell(value))
    missing = [c for c in columns if c not in seen]
    if lines and missing:
        raise InputError(f"{path}:1: missing column(s) {', '.join(missing)} (columns: {', '.join(map(str, seen))})")
    return pd.DataFrame(values, index=pd.Index(lines, name="line"), dtype=object)


def _cell(value) -> str:
    """A table value as a string; a missing one (None, NaN) as ``""``."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return value if isinstance(value, str) else str(value)


def _label(path: Path, line: int, column: str, value) -> str:
    """A row's label, refused (file:line) unless it is non-empty text."""
    if value is None or (isinstance(value, float) and value != value):
        what = "null" if value is None else "NaN"
    elif not isinstance(value, str):
        what = f"{json.dumps(value)[:40]} ({'a number' if isinstance(value, (int, float)) else 'not text'})"
    elif not value.strip():
        what = "empty"
    elif value.strip().lower() == "nan":
        what = f"{value.strip()!r} (a missing value, not a label)"
    else:
        return value.strip()
    raise InputError(f"{path}:{line}: label column {column} is {what}; every row needs a label")
