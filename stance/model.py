"""StanceClassifier: one scikit-learn Pipeline (TF-IDF features + logistic regression), saved as a model folder.

A text may name its target with the prefix ``"[target: X] "`` (:func:`add_target`). By default the one model reads it
as part of the text (target-aware features); with ``per_target=True`` each target value gets a model of its own
(see :meth:`StanceClassifier.fit`).

A model folder holds ``pipeline.joblib`` (the fitted Pipeline; for a model per target value, a dict of them),
``compact.joblib`` (the same model as plain arrays, what predictions use: see :mod:`stance.compact`),
``metadata.json`` (label order, versions, git commit, sha256 of the training files and of every file in the folder,
label counts, settings, cross-validated metrics), ``actors.csv`` (the registry the model was trained with, for holder
and target finding) and a generated ``README.md`` model card. Loading a joblib file runs code from it: load only
models you trust.

>>> clf = StanceClassifier(C=10).fit(
...     ["Russia condemned the strikes.", "Iran thanked Russia for its support.", "The summit took place in June."] * 3,
...     ["condemn", "support", "none"] * 3)
>>> [p.label for p in clf.predict(["Russia condemned the summit."])]
['condemn']
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import re
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from stance.actors import Registry
from stance.holders import Finder
from stance.compact import CompactModel, TargetModels
from stance.compact import load as load_compact
from stance.errors import ModelError
from stance.files import sha256
from stance.text import split_sentences

__all__ = ["StanceClassifier", "Prediction", "SentenceStance", "ActorStance", "DEFAULT_PARAMS", "build_pipeline",
           "fold", "add_target", "split_target", "TargetPipelines"]

DEFAULT_PARAMS = {
    "features": "word+char",
    "word_ngrams": (1, 2),
    "char_ngrams": (2, 5),
    "C": 3.0,
    "min_df": 1,
    "sublinear_tf": True,
}
_TARGET = re.compile(r"\[target: (.*?)\] ", re.S)
_FOLD = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "—": " - ", "–": "-", "\u00a0": " "})


def fold(text: str) -> str:
    """What the features see: lower case, straight quotes, plain dashes."""
    return text.translate(_FOLD).lower()


def add_target(text: str, target) -> str:
    """Target-aware text: the target prepended as its own marked token, so n-grams can condition on it.

    >>> add_target("Prices rise.", "A")
    '[target: A] Prices rise.'
    """
    return f"[target: {target}] {text}"


def split_target(text: str) -> tuple[str | None, str]:
    """The target and the text of a target-aware text; ``(None, text)`` for a text without the prefix. A target
    containing ``"] "`` is cut there, the same way when fitting and predicting.

    >>> split_target(add_target("Prices rise.", "A")), split_target("Prices rise.")
    (('A', 'Prices rise.'), (None, 'Prices rise.'))
    """
    m = _TARGET.match(text)
    return (m.group(1), text[m.end():]) if m else (None, text)


def _by_target(texts: list[str], known) -> dict:
    """Texts batched by the model that scores them: target -> (rows, texts without the prefix) for targets in
    ``known``; ``None`` -> (rows, texts as given) for the rest."""
    out: dict = {}
    for i, text in enumerate(texts):
        target, rest = split_target(text)
        key, seen = (target, rest) if target is not None and target in known else (None, text)
        rows, batch = out.setdefault(key, ([], []))
        rows.append(i)
        batch.append(seen)
    return out


class TargetPipelines:
    """The reference form of a model per target value: the fitted scikit-learn ``fallback`` Pipeline (all rows,
    target-aware text) and one Pipeline per target value (``pipelines``), routed as :class:`stance.compact.TargetModels`
    routes. Saved in ``pipeline.joblib`` as a plain dict (:meth:`state`), so the file names no class of ours."""

    def __init__(self, fallback, pipelines: dict):
        self.fallback = fallback
        self.pipelines = dict(pipelines)
        seen = {str(c) for p in (fallback, *self.pipelines.values()) for c in p.classes_}
        first = [str(c) for c in fallback.classes_]
        self.classes_ = np.asarray(first + sorted(seen - set(first)))

    def predict_proba(self, texts) -> np.ndarray:
        texts = list(texts)
        out = np.zeros((len(texts), len(self.classes_)))
        index = {c: i for i, c in enumerate(self.classes_)}
        for target, (rows, batch) in _by_target(texts, self.pipelines).items():
            pipe = self.fallback if target is None else self.pipelines[target]
            out[np.ix_(rows, [index[str(c)] for c in pipe.classes_])] = pipe.predict_proba(batch)
        return out

    def predict(self, texts) -> np.ndarray:
        return self.classes_[self.predict_proba(texts).argmax(axis=1)]

    def state(self) -> dict:
        return {"kind": "a model per target value", "fallback": self.fallback, "targets": self.pipelines}


def build_pipeline(params: dict | None = None, random_state: int = 0):
    """The model: word and/or character TF-IDF n-grams into a balanced logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    p = {**DEFAULT_PARAMS, **(params or {})}
    parts = []
    if "word" in p["features"]:
        parts.append(("word", TfidfVectorizer(preprocessor=fold, ngram_range=tuple(p["word_ngrams"]),
                                              min_df=p["min_df"], sublinear_tf=p["sublinear_tf"])))
    if "char" in p["features"]:
        parts.append(("char", TfidfVectorizer(preprocessor=fold, analyzer="char_wb", ngram_range=tuple(p["char_ngrams"]),
                                              min_df=p["min_df"], sublinear_tf=p["sublinear_tf"])))
    if not parts:
        raise ValueError(f"features must name word and/or char, not {p['features']!r}")
    return Pipeline([
        ("features", FeatureUnion(parts)),
        ("classifier", LogisticRegression(C=p["C"], class_weight="balanced", max_iter=5000, random_state=random_state)),
    ])


@dataclass(frozen=True)
class Prediction:
    """The stance of one text: ``label``, its probability ``confidence``, every class's probability in ``scores``, and
    the n-grams that pushed it most toward ``label`` and away from the runner-up (``explanation``: (n-gram, weight))."""

    label: str
    confidence: float
    scores: dict[str, float]
    explanation: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class ActorStance:
    """One actor's stance toward another, as a sentence (or a clause of it) expresses it."""

    holder: str
    holder_code: str
    target: str
    target_code: str
    stance: str
    confidence: float


@dataclass(frozen=True)
class SentenceStance:
    """One sentence of a document: where it is, what it says and who takes which stance toward whom.

    ``label`` is the sentence's stance; ``holder`` and ``target`` are its primary actor stance's, and ``stances`` lists
    every actor stance it expresses (the primary first, with the sentence's label), as the labels do."""

    index: int
    start: int
    end: int
    text: str
    label: str
    confidence: float
    scores: dict[str, float]
    holder: str = ""
    holder_code: str = ""
    target: str = ""
    target_code: str = ""
    explanation: tuple[tuple[str, float], ...] = field(default=())
    stances: tuple[ActorStance, ...] = field(default=())

    def to_dict(self) -> dict:
        d = asdict(self)
        d["explanation"] = [list(e) for e in self.explanation]
        d["stances"] = [asdict(a) for a in self.stances]
        return d


def _check_texts(texts) -> list[str]:
    if isinstance(texts, (str, bytes)):
        raise TypeError("expected a list of texts, got a single string: wrap it in a list")
    texts = list(texts)
    for t in texts:
        if not isinstance(t, str):
            raise TypeError(f"expected str items, got {type(t).__name__}")
    return texts


class StanceClassifier:
    """Sentence stance classifier. ``__init__`` stores settings, ``fit`` returns self, fitted attributes end in ``_``.

    Parameters mirror the ``stance train`` options: ``features`` ("word", "char" or "word+char"), ``word_ngrams``,
    ``char_ngrams``, ``C``, ``min_df``, ``sublinear_tf``, ``random_state``; ``per_target`` fits a model per target
    value (see :meth:`fit`), which ``stance train --target-column`` chooses by cross-validation.

    >>> texts = [add_target(t, g) for g in "AB" for t in ("Prices rise.", "Prices fall.")] * 2
    >>> labels = ["support", "condemn", "condemn", "support"] * 2
    >>> clf = StanceClassifier(per_target=True).fit(texts, labels)
    >>> [p.label for p in clf.predict([add_target("Prices rise.", "A"), add_target("Prices rise.", "B")])]
    ['support', 'condemn']
    """

    def __init__(self, features="word+char", word_ngrams=(1, 2), char_ngrams=(2, 5), C=3.0, min_df=1,
                 sublinear_tf=True, per_target=False, random_state=0, registry: Registry | None = None):
        self.features = features
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.C = C
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf
        self.per_target = per_target
        self.random_state = random_state
        self.registry = registry

    # scikit-learn style parameters, so the classifier can be cloned and searched
    _PARAMS = ("features", "word_ngrams", "char_ngrams", "C", "min_df", "sublinear_tf", "per_target")

    def get_params(self, deep: bool = True) -> dict:
        return {k: getattr(self, k) for k in (*self._PARAMS, "random_state", "registry")}

    def set_params(self, **params) -> StanceClassifier:
        for k, v in params.items():
            setattr(self, k, v)
        return self

    @property
    def params(self) -> dict:
        return {k: getattr(self, k) for k in self._PARAMS}

    def fit(self, texts, labels) -> StanceClassifier:
        """Fit on ``texts`` and their ``labels``; returns self.

        With ``per_target``, each text's target is read from its ``"[target: X] "`` prefix (:func:`split_target`):
        every target value with at least two classes gets a model of its own, fitted on its texts without the prefix,
        and a fallback model fitted on all texts as given scores the rest (targets unseen here or with one class,
        texts without a target). ``targets_`` lists the target values with a model of their own."""
        texts = _check_texts(texts)
        labels = [str(label) for label in labels]
        if len(texts) != len(labels):
            raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
        if len(set(labels)) < 2:
            raise ValueError("need at least two distinct labels to fit")
        pipeline_params = {k: v for k, v in self.params.items() if k != "per_target"}
        fallback = build_pipeline(pipeline_params, self.random_state).fit(texts, labels)
        if self.per_target:
            pipes = {}
            for target, (rows, batch) in sorted(_by_target(texts, _targets(texts)).items(), key=lambda kv: str(kv[0])):
                y = [labels[i] for i in rows]
                if target is None or len(set(y)) < 2:
                    continue
                try:
                    pipes[target] = build_pipeline(pipeline_params, self.random_state).fit(batch, y)
                except ValueError:  # no n-gram to learn from in this target's texts: the fallback scores them
                    continue
            self._pipeline = TargetPipelines(fallback, pipes)
        else:
            self._pipeline = fallback
        self._set_compact(_compact_of(self._pipeline))
        self.metadata_ = getattr(self, "metadata_", {})
        return self

    def _set_compact(self, compact: CompactModel | TargetModels) -> None:
        self.compact_ = compact
        self.classes_ = compact.classes
        self.targets_ = sorted(compact.models) if isinstance(compact, TargetModels) else []

    def _model_for(self, text: str) -> tuple[CompactModel, str]:
        """The (sub-)model that scores ``text`` and the text it sees."""
        compact = self._fitted()
        return compact.route(text) if isinstance(compact, TargetModels) else (compact, text)

    @property
    def pipeline_(self):
        """The fitted scikit-learn Pipeline (the reference model); a loaded model reads it from disk on first use."""
        if getattr(self, "_pipeline", None) is None:
            path = getattr(self, "_pipeline_path", None)
            if path is None:
                raise ModelError("this StanceClassifier is not fitted: call fit() or StanceClassifier.load()")
            self._pipeline = _load_pipeline(path)
        return self._pipeline

    def _fitted(self) -> CompactModel | TargetModels:
        if not hasattr(self, "compact_"):
            raise ModelError("this StanceClassifier is not fitted: call fit() or StanceClassifier.load()")
        return self.compact_

    def predict_proba(self, texts) -> np.ndarray:
        """Probabilities, one row per text, columns in the order of ``classes_``."""
        texts = _check_texts(texts)
        if not texts:
            return np.zeros((0, len(self.classes_)))
        return self._fitted().predict_proba(texts)

    def predict(self, texts, explain: int = 0) -> list[Prediction]:
        """One :class:`Prediction` per text, in input order; ``explain=k`` adds the top ``k`` n-grams of each."""
        texts = _check_texts(texts)
        proba = self.predict_proba(texts)
        out = []
        for i, row in enumerate(proba):
            best = int(np.argmax(row))
            why = self.explain(texts[i], top=explain, label=self.classes_[best]) if explain else ()
            out.append(Prediction(str(self.classes_[best]), float(row[best]),
                                  {str(c): float(p) for c, p in zip(self.classes_, row)}, why))
        return out

    # --- explanations -------------------------------------------------------------------------------------------
    def contributions(self, text: str, label: str, against: str) -> list[tuple[str, float]]:
        """Every feature's exact share of the log-odds of ``label`` over ``against`` for ``text``, largest first.

        For a model per target value these are the shares in the model that scores ``text``; ``label`` and
        ``against`` must be classes that model knows (a class it never saw has probability 0: no finite log-odds)."""
        compact, text = self._model_for(text)
        classes = [str(c) for c in compact.classes]
        for c in (label, against):
            if c not in classes:
                raise ValueError(f"{c!r} is not a class of the model scoring this text (it knows {', '.join(classes)})")
        cols, vals = compact.row(text)
        coef = compact.coef_t.T
        if coef.shape[0] == 1:  # binary: one row for classes_[1]
            diff = coef[0] if label == classes[1] else -coef[0]
        else:
            diff = coef[classes.index(label)] - coef[classes.index(against)]
        values = vals * diff[cols]
        names = compact.feature_names()[cols]
        order = np.argsort(-values)
        return [(str(names[i]), float(values[i])) for i in order]

    def explain(self, text: str, top: int = 5, label: str | None = None) -> tuple[tuple[str, float], ...]:
        """The ``top`` n-grams that pushed ``text`` most toward ``label`` (default: the predicted one) and away from
        the runner-up; weights are their exact contributions to that log-odds."""
        row = self.predict_proba([text])[0]
        order = np.argsort(-row)
        label = label if label is not None else str(self.classes_[order[0]])
        known = {str(c) for c in self._model_for(text)[0].classes}
        runner = next(str(c) for c in self.classes_[order] if str(c) != label and str(c) in known)
        return tuple((n, round(v, 4)) for n, v in self.contributions(text, label, runner)[:top] if v > 0)

    # --- documents ----------------------------------------------------------------------------------------------
    def analyze(self, document: str, explain: int = 0) -> list[SentenceStance]:
        """Split ``document`` into sentences and give each its stance and the actor stances it expresses (what
        ``stance predict`` prints). Offsets point into ``document`` as given."""
        if not isinstance(document, str):
            raise TypeError(f"expected a document string, got {type(document).__name__}")
        return list(self.analyze_blocks([(0, document)], explain=explain))

    def analyze_blocks(self, blocks, explain: int = 0, batch: int = 512):
        """:meth:`analyze` over a document given as ``(offset, text)`` blocks (see :func:`stance.files.read_blocks`),
        yielding sentences as they are scored: memory stays flat however long the document. Sentence indices run on
        across blocks, offsets are shifted by each block's offset, and pronouns resolve across block boundaries."""
        finder = Finder(self.registry) if self.registry is not None else None
        context: list = []
        index = 0
        for offset, text in blocks:
            sentences = split_sentences(text)
            for i in range(0, len(sentences), batch):
                chunk = sentences[i : i + batch]
                yield from self._analyze_sentences(chunk, offset, index, finder, context, explain)
                index += len(chunk)

    def _analyze_sentences(self, sentences, offset, index, finder, context, explain):
        texts = [s.text for s in sentences]
        predictions = self.predict(texts, explain=explain)
        found = finder.find_all(texts, context) if finder else [[] for _ in texts]
        # a sentence with several attributed clauses: each further clause is scored on its own words
        clauses = [(i, a) for i, atts in enumerate(found) if predictions[i].label != "none" for a in atts[1:]
                   if 0 <= a.start < a.end <= len(texts[i])]
        clause_predictions = dict(zip(((i, a) for i, a in clauses),
                                      self.predict([texts[i][a.start : a.end] for i, a in clauses])))
        for i, (s, p) in enumerate(zip(sentences, predictions)):
            stances: list[ActorStance] = []
            if p.label != "none" and found[i]:
                first = found[i][0]
                stances.append(ActorStance(first.holder, first.holder_code, first.target, first.target_code,
                                           p.label, p.confidence))
                for a in found[i][1:]:
                    q = clause_predictions.get((i, a))
                    if q is not None and q.label != "none":
                        stances.append(ActorStance(a.holder, a.holder_code, a.target, a.target_code, q.label,
                                                   q.confidence))
            head = stances[0] if stances else None
            yield SentenceStance(index + i, s.start + offset, s.end + offset, s.text, p.label, p.confidence, p.scores,
                                 *((head.holder, head.holder_code, head.target, head.target_code) if head else ("",) * 4),
                                 explanation=p.explanation, stances=tuple(stances))

    # --- persistence --------------------------------------------------------------------------------------------
    def save(self, path: str | Path, metadata: dict | None = None, registry_file: str | Path | None = None) -> Path:
        """Write the model folder atomically: a crash leaves the previous model in place, never half a model."""
        import joblib

        from stance.report import model_card

        compact = self._fitted()
        pipe = self.pipeline_
        pipe = pipe.state() if isinstance(pipe, TargetPipelines) else pipe
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.tmp-", dir=path.parent))
        try:
            joblib.dump(pipe, tmp / "pipeline.joblib")
            compact.save(tmp / "compact.joblib")
            if registry_file is not None:
                shutil.copyfile(registry_file, tmp / "actors.csv")
            meta = {**getattr(self, "metadata_", {}), **(metadata or {})}
            meta["labels"] = [str(c) for c in self.classes_]
            meta["params"] = _jsonable(self.params)
            meta["random_state"] = self.random_state
            if self.targets_:
                meta["target_models"] = list(self.targets_)
            else:
                meta.pop("target_models", None)
            meta["files"] = {f.name: sha256(f) for f in sorted(tmp.iterdir())}
            (tmp / "metadata.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
            (tmp / "README.md").write_text(model_card(meta), encoding="utf-8")
            for f in tmp.iterdir():
                with open(f, "rb") as fh:
                    os.fsync(fh.fileno())
            _swap_into_place(tmp, path)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        self.metadata_ = meta
        return path

    @classmethod
    def load(cls, path: str | Path = "models/stance") -> StanceClassifier:
        """Load a model folder, refusing one whose files do not match its metadata (tampered, truncated or mixed).

        A model swapped in by a concurrent ``stance train`` while this one was being read is read again."""
        path = Path(path)
        meta_path = path / "metadata.json"
        if not path.is_dir() or not meta_path.is_file():
            raise ModelError(f"{path}: no model here; build one with `make train` (or `stance train --out {path}`)")
        for attempt in (1, 2):
            raw = _read(meta_path)
            try:
                meta = json.loads(raw.decode("utf-8"))
                files = dict(meta.get("files", {}))
            except (UnicodeDecodeError, json.JSONDecodeError, AttributeError) as e:
                raise ModelError(f"{meta_path}: corrupt model metadata: {e}") from None
            try:
                data = {name: _read(path / name, digest) for name, digest in files.items()}
                break
            except ModelError:
                if attempt == 2 or _read(meta_path) == raw:
                    raise
        if "pipeline.joblib" not in files:
            raise ModelError(f"{meta_path}: lists no pipeline.joblib; not a stance model folder")
        _check_versions(meta, path)
        params = {k: (tuple(v) if isinstance(v, list) else v) for k, v in meta.get("params", {}).items()}
        registry = Registry.load(path / "actors.csv") if "actors.csv" in data else None
        clf = cls(**params, random_state=meta.get("random_state", 0), registry=registry)
        clf._pipeline_path = (path / "pipeline.joblib", files["pipeline.joblib"])
        if "compact.joblib" in data:
            compact = _unpickle(path / "compact.joblib", data["compact.joblib"], load_compact)
        else:  # a model folder written before the compact path existed
            compact = _compact_of(clf.pipeline_)
        clf._set_compact(compact)
        clf.metadata_ = meta
        return clf


def _read(path: Path, digest: str | None = None) -> bytes:
    """A model file's bytes; with ``digest``, refused unless its sha256 matches."""
    import hashlib

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ModelError(f"{path}: missing from the model folder") from None
    except OSError as e:
        raise ModelError(f"{path}: cannot read: {e.strerror or e}") from None
    if digest is not None and hashlib.sha256(data).hexdigest() != digest:
        raise ModelError(f"{path}: sha256 does not match metadata.json (modified or truncated); refusing to load it")
    return data


def _unpickle(path: Path, data: bytes, loader):
    import io

    try:
        return loader(io.BytesIO(data))
    except Exception as e:  # noqa: BLE001 - any unpickling failure means a corrupt file
        raise ModelError(f"{path}: cannot load: {type(e).__name__}: {e}") from None


def _load_pipeline(where: tuple[Path, str]):
    import joblib

    path, digest = where
    pipe = _unpickle(path, _read(path, digest), joblib.load)
    if isinstance(pipe, dict) and "fallback" in pipe:
        return TargetPipelines(pipe["fallback"], pipe["targets"])
    return pipe


def _compact_of(pipeline) -> CompactModel | TargetModels:
    if isinstance(pipeline, TargetPipelines):
        return TargetModels.from_pipelines(pipeline.fallback, pipeline.pipelines)
    return CompactModel.from_pipeline(pipeline)


def _targets(texts: list[str]) -> set[str]:
    return {t for t in map(lambda x: split_target(x)[0], texts) if t is not None}


def _check_versions(meta: dict, path: Path) -> None:
    from importlib.metadata import version  # not ``import sklearn``: predicting never imports it

    built, here = meta.get("versions", {}).get("scikit-learn"), version("scikit-learn")
    if built and built.split(".")[:2] != here.split(".")[:2]:
        raise ModelError(f"{path}: built with scikit-learn {built}, this is {here}; "
                         "retrain it (`make train`) or install the matching scikit-learn")


def _jsonable(params: dict) -> dict:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}


def _swap_into_place(new: Path, target: Path) -> None:
    """Put folder ``new`` at ``target`` atomically: rename if free, else exchange the two (Linux ``renameat2``)."""
    if not target.exists():
        os.rename(new, target)
        return
    libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is not None:
        AT_FDCWD, RENAME_EXCHANGE = -100, 2
        if renameat2(AT_FDCWD, os.fsencode(new), AT_FDCWD, os.fsencode(target), RENAME_EXCHANGE) == 0:
            return  # ``new`` now holds the old model and is removed by the caller
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    os.rename(target, old)
    os.rename(new, target)
    shutil.rmtree(old, ignore_errors=True)
