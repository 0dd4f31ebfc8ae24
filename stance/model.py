"""StanceClassifier: one scikit-learn Pipeline (TF-IDF features + logistic regression), saved as a model folder.

A model folder holds ``pipeline.joblib`` (the fitted Pipeline), ``metadata.json`` (label order, versions, git commit,
sha256 of the training files and of every file in the folder, label counts, settings, cross-validated metrics),
``actors.csv`` (the registry the model was trained with, for holder and target finding) and a generated ``README.md``
model card. Loading a joblib file runs code from it: load only models you trust.

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

from stance.actors import Finder, Registry
from stance.errors import ModelError
from stance.text import split_sentences

__all__ = ["StanceClassifier", "Prediction", "SentenceStance", "DEFAULT_PARAMS", "build_pipeline", "fold"]

DEFAULT_PARAMS = {
    "features": "word+char",
    "word_ngrams": (1, 2),
    "char_ngrams": (2, 5),
    "C": 3.0,
    "min_df": 1,
    "sublinear_tf": True,
}
MODEL_FILES = ("pipeline.joblib", "actors.csv")
_FOLD = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "—": " - ", "–": "-", "\u00a0": " "})


def fold(text: str) -> str:
    """What the features see: lower case, straight quotes, plain dashes."""
    return text.translate(_FOLD).lower()


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
class SentenceStance:
    """One sentence of a document: where it is, what it says and who takes which stance toward whom."""

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

    def to_dict(self) -> dict:
        d = asdict(self)
        d["explanation"] = [list(e) for e in self.explanation]
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
    ``char_ngrams``, ``C``, ``min_df``, ``sublinear_tf``, ``random_state``.
    """

    def __init__(self, features="word+char", word_ngrams=(1, 2), char_ngrams=(2, 5), C=3.0, min_df=1,
                 sublinear_tf=True, random_state=0, registry: Registry | None = None):
        self.features = features
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.C = C
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf
        self.random_state = random_state
        self.registry = registry

    # scikit-learn style parameters, so the classifier can be cloned and searched
    _PARAMS = ("features", "word_ngrams", "char_ngrams", "C", "min_df", "sublinear_tf")

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
        texts = _check_texts(texts)
        labels = [str(label) for label in labels]
        if len(texts) != len(labels):
            raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
        if len(set(labels)) < 2:
            raise ValueError("need at least two distinct labels to fit")
        self.pipeline_ = build_pipeline(self.params, self.random_state).fit(texts, labels)
        self.classes_ = np.asarray(self.pipeline_.classes_)
        self.metadata_ = getattr(self, "metadata_", {})
        return self

    def _fitted(self):
        if not hasattr(self, "pipeline_"):
            raise ModelError("this StanceClassifier is not fitted: call fit() or StanceClassifier.load()")
        return self.pipeline_

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
    def _feature_names(self) -> np.ndarray:
        if not hasattr(self, "_names"):
            names = self._fitted().named_steps["features"].get_feature_names_out()
            self._names = np.array([re.sub(r"^word__", "", re.sub(r"^char__(.*)$", r"‹\1›", n)) for n in names])
        return self._names

    def contributions(self, text: str, label: str, against: str) -> list[tuple[str, float]]:
        """Every feature's exact share of the log-odds of ``label`` over ``against`` for ``text``, largest first."""
        pipe = self._fitted()
        x = pipe.named_steps["features"].transform([text]).tocsr()
        clf = pipe.named_steps["classifier"]
        classes = list(self.classes_)
        coef = clf.coef_
        if coef.shape[0] == 1:  # binary: one row for classes_[1]
            diff = coef[0] if label == classes[1] else -coef[0]
        else:
            diff = coef[classes.index(label)] - coef[classes.index(against)]
        values = x.data * diff[x.indices]
        names = self._feature_names()[x.indices]
        order = np.argsort(-values)
        return [(str(names[i]), float(values[i])) for i in order]

    def explain(self, text: str, top: int = 5, label: str | None = None) -> tuple[tuple[str, float], ...]:
        """The ``top`` n-grams that pushed ``text`` most toward ``label`` (default: the predicted one) and away from
        the runner-up; weights are their exact contributions to that log-odds."""
        row = self.predict_proba([text])[0]
        order = np.argsort(-row)
        label = label if label is not None else str(self.classes_[order[0]])
        runner = next(str(c) for c in self.classes_[order] if str(c) != label)
        return tuple((n, round(v, 4)) for n, v in self.contributions(text, label, runner)[:top] if v > 0)

    # --- documents ----------------------------------------------------------------------------------------------
    def analyze(self, document: str, explain: int = 0) -> list[SentenceStance]:
        """Split ``document`` into sentences and give each its stance, holder and target (what ``stance predict``
        prints). Offsets point into ``document`` as given."""
        if not isinstance(document, str):
            raise TypeError(f"expected a document string, got {type(document).__name__}")
        sentences = split_sentences(document)
        predictions = self.predict([s.text for s in sentences], explain=explain)
        finder = Finder(self.registry) if self.registry is not None else None
        found = finder.find([s.text for s in sentences]) if finder else None
        out = []
        for i, (s, p) in enumerate(zip(sentences, predictions)):
            who = found[i] if found and p.label != "none" else None
            out.append(SentenceStance(s.index, s.start, s.end, s.text, p.label, p.confidence, p.scores,
                                      *((who.holder, who.holder_code, who.target, who.target_code) if who else ("",) * 4),
                                      explanation=p.explanation))
        return out

    # --- persistence --------------------------------------------------------------------------------------------
    def save(self, path: str | Path, metadata: dict | None = None, registry_file: str | Path | None = None) -> Path:
        """Write the model folder atomically: a crash leaves the previous model in place, never half a model."""
        import joblib

        from stance.report import model_card

        pipe = self._fitted()
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.tmp-", dir=path.parent))
        try:
            joblib.dump(pipe, tmp / "pipeline.joblib")
            if registry_file is not None:
                shutil.copyfile(registry_file, tmp / "actors.csv")
            meta = {**getattr(self, "metadata_", {}), **(metadata or {})}
            meta["labels"] = [str(c) for c in self.classes_]
            meta["params"] = _jsonable(self.params)
            meta["random_state"] = self.random_state
            from stance.corpus import sha256

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
        """Load a model folder, refusing one whose files do not match its metadata (tampered, truncated or mixed)."""
        import joblib

        path = Path(path)
        meta_path = path / "metadata.json"
        if not path.is_dir() or not meta_path.is_file():
            raise ModelError(f"{path}: no model here; build one with `make train` (or `stance train --out {path}`)")
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise ModelError(f"{meta_path}: corrupt model metadata: {e}") from None
        from stance.corpus import sha256

        for name, digest in meta.get("files", {}).items():
            f = path / name
            if not f.is_file():
                raise ModelError(f"{f}: missing from the model folder")
            if sha256(f) != digest:
                raise ModelError(f"{f}: sha256 does not match metadata.json (modified or truncated); refusing to load it")
        if "pipeline.joblib" not in meta.get("files", {}):
            raise ModelError(f"{meta_path}: lists no pipeline.joblib; not a stance model folder")
        _check_versions(meta, path)
        try:
            pipe = joblib.load(path / "pipeline.joblib")
        except Exception as e:  # noqa: BLE001 - any unpickling failure means a corrupt file
            raise ModelError(f"{path / 'pipeline.joblib'}: cannot load: {type(e).__name__}: {e}") from None
        params = {k: (tuple(v) if isinstance(v, list) else v) for k, v in meta.get("params", {}).items()}
        registry = Registry.load(path / "actors.csv") if (path / "actors.csv").is_file() else None
        clf = cls(**params, random_state=meta.get("random_state", 0), registry=registry)
        clf.pipeline_ = pipe
        clf.classes_ = np.asarray(pipe.classes_)
        clf.metadata_ = meta
        return clf


def _check_versions(meta: dict, path: Path) -> None:
    import sklearn

    built = meta.get("versions", {}).get("scikit-learn")
    if built and built.split(".")[:2] != sklearn.__version__.split(".")[:2]:
        raise ModelError(f"{path}: built with scikit-learn {built}, this is {sklearn.__version__}; "
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
