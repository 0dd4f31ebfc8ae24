"""The compact inference path: the fitted pipeline's vocabularies, idf weights and coefficients as plain arrays.

Scoring with it needs numpy only (no scikit-learn, no scipy), which is what makes ``stance predict`` start fast, and
it counts character n-grams once per distinct word, which makes batch scoring faster than the pipeline. Its
probabilities equal ``pipeline.predict_proba`` to 1e-9 (``tests/test_model.py`` checks every seed sentence).

It is saved with joblib as ``compact.joblib`` next to ``pipeline.joblib`` and covered by the same sha256 check; the
pipeline stays the reference and is loaded only when a caller asks for it. A model per target value
(:class:`TargetModels`) is saved the same way: one set of arrays per target value plus the fallback's, in one file.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

FORMAT = 1  # one model
FORMAT_BY_TARGET = 2  # a model per target value plus a fallback (older code refuses it by this number)
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # TfidfVectorizer's default token_pattern
_SPACES = re.compile(r"\s\s+")


def _char_wb(word: str, lo: int, hi: int) -> list[str]:
    """TfidfVectorizer(analyzer="char_wb") n-grams of one word, in scikit-learn's order."""
    w = f" {word} "
    size = len(w)
    out = []
    for n in range(lo, hi + 1):
        if n >= size:  # a short word counts once, whole
            out.append(w)
            break
        out.extend(w[i : i + n] for i in range(size - n + 1))
    return out


class CompactModel:
    """Arrays that reproduce ``Pipeline(FeatureUnion(TfidfVectorizer...), LogisticRegression)`` at predict time."""

    def __init__(self, state: dict):
        if state.get("format") != FORMAT:
            raise ValueError(f"compact model format {state.get('format')!r}, expected {FORMAT}")
        self.state = state
        self.classes = np.asarray(state["classes"])
        self.coef_t = np.ascontiguousarray(state["coef"].T)  # (features, classes)
        self.intercept = state["intercept"]
        self.parts = state["parts"]
        self.width = sum(len(p["idf"]) for p in self.parts)
        self._words: list[dict[str, np.ndarray]] = [{} for _ in self.parts]  # per char part: word -> its columns
        from stance.model import fold

        self._fold = fold

    @classmethod
    def from_pipeline(cls, pipeline) -> CompactModel:
        """Read the arrays out of a fitted pipeline built by :func:`stance.model.build_pipeline`."""
        from stance.model import fold

        parts, offset = [], 0
        for name, vec in pipeline.named_steps["features"].transformer_list:
            supported = (vec.preprocessor is fold and vec.analyzer in ("word", "char_wb") and vec.norm == "l2"
                         and vec.use_idf and not vec.binary and vec.stop_words is None
                         and (vec.analyzer != "word" or vec.token_pattern == _TOKEN.pattern))
            if not supported:
                raise ValueError(f"feature block {name!r} has settings the compact path does not reproduce")
            parts.append({"name": name, "analyzer": vec.analyzer, "ngram_range": tuple(vec.ngram_range),
                          "sublinear_tf": bool(vec.sublinear_tf), "vocabulary": dict(vec.vocabulary_),
                          "idf": np.asarray(vec.idf_, dtype=np.float64), "offset": offset})
            offset += len(vec.idf_)
        clf = pipeline.named_steps["classifier"]
        return cls({"format": FORMAT, "classes": [str(c) for c in clf.classes_], "parts": parts,
                    "coef": np.asarray(clf.coef_, dtype=np.float64),
                    "intercept": np.asarray(clf.intercept_, dtype=np.float64)})

    def packed(self) -> dict:
        """The state as saved: each vocabulary as one separator-joined string (a pickled dict of 100,000 n-grams
        takes joblib's pure-Python unpickler a third of a second to read back)."""
        parts = []
        for part in self.parts:
            terms = sorted(part["vocabulary"], key=part["vocabulary"].get)
            sep = next(chr(c) for c in range(1, 0x110000) if not any(chr(c) in t for t in terms))
            parts.append({**{k: v for k, v in part.items() if k != "vocabulary"}, "terms": sep.join(terms), "sep": sep})
        return {**self.state, "parts": parts}

    @classmethod
    def unpacked(cls, state: dict) -> CompactModel:
        """The model from a :meth:`packed` state."""
        for part in state["parts"]:
            terms = part.pop("terms").split(part.pop("sep")) if len(part["idf"]) else []
            part["vocabulary"] = dict(zip(terms, range(len(terms))))
        return cls(state)

    def save(self, path) -> None:
        """Write the arrays with joblib (see :meth:`packed`)."""
        import joblib

        joblib.dump(self.packed(), path)

    @classmethod
    def load(cls, path) -> CompactModel:
        import joblib

        return cls.unpacked(joblib.load(path))

    # --- features -------------------------------------------------------------------------------------------------
    def _columns(self, k: int, part: dict, text: str) -> list:
        """The vocabulary columns of one part's n-grams in ``text`` (folded), as lists/arrays to concatenate."""
        vocab = part["vocabulary"]
        lo, hi = part["ngram_range"]
        if part["analyzer"] == "word":
            tokens = _TOKEN.findall(text)
            grams = list(tokens) if lo == 1 else []
            for n in range(max(lo, 2), min(hi, len(tokens)) + 1):
                grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
            get = vocab.get
            return [[j for j in map(get, grams) if j is not None]]
        cache = self._words[k]
        out = []
        for w in _SPACES.sub(" ", text).split():
            cols = cache.get(w)
            if cols is None:
                get = vocab.get
                cols = np.fromiter((j for j in map(get, _char_wb(w, lo, hi)) if j is not None), dtype=np.int64)
                if len(cache) < 200_000:
                    cache[w] = cols
            out.append(cols)
        return out

    def _blocks(self, texts: list[str]):
        """Per feature block, the TF-IDF rows as sorted coordinates: (row, column, value) arrays."""
        folded = [self._fold(t) for t in texts]
        for k, part in enumerate(self.parts):
            pieces, sizes = [], []
            for text in folded:
                found = self._columns(k, part, text)
                pieces.extend(found)
                sizes.append(sum(map(len, found)))
            if not pieces:
                continue
            col = np.concatenate([np.asarray(c, dtype=np.int64) for c in pieces])
            row = np.repeat(np.arange(len(texts), dtype=np.int64), sizes)
            width = len(part["idf"])
            keys, counts = np.unique(row * width + col, return_counts=True)
            r, c = keys // width, keys % width
            tf = counts.astype(np.float64)
            if part["sublinear_tf"]:
                tf = np.log(tf) + 1.0
            v = tf * part["idf"][c]
            norms = np.sqrt(np.bincount(r, weights=v * v, minlength=len(texts)))
            yield r, c + part["offset"], v / norms[r]

    def transform(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """TF-IDF rows as coordinates: (row, column, value) arrays, columns as in the pipeline's FeatureUnion."""
        blocks = list(self._blocks(texts))
        if not blocks:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
        return tuple(np.concatenate(x) for x in zip(*blocks))

    # --- scores ---------------------------------------------------------------------------------------------------
    def decision_function(self, texts: list[str]) -> np.ndarray:
        scores = np.zeros((len(texts), self.coef_t.shape[1]))
        for r, c, v in self._blocks(texts):
            if len(r):  # rows come sorted: sum each row's run of weighted coefficients in one pass
                contrib = self.coef_t[c]
                contrib *= v[:, None]
                starts = np.flatnonzero(np.r_[True, r[1:] != r[:-1]])
                scores[r[starts]] += np.add.reduceat(contrib, starts, axis=0)
        return scores + self.intercept

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """Probabilities in the order of ``classes``: softmax of the decision (a sigmoid for two classes), as
        scikit-learn's LogisticRegression computes them."""
        d = self.decision_function(texts)
        if d.shape[1] == 1:
            p = 1.0 / (1.0 + np.exp(-d[:, 0]))
            return np.column_stack([1.0 - p, p])
        d = d - d.max(axis=1, keepdims=True)
        np.exp(d, out=d)
        return d / d.sum(axis=1, keepdims=True)

    def row(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """One text's (columns, values), for explanations."""
        _, c, v = self.transform([text])
        return c, v

    def feature_names(self) -> np.ndarray:
        """Feature names in column order: words as written, character n-grams as ‹n-gram› (built once)."""
        if getattr(self, "_names", None) is None:
            names = np.empty(self.width, dtype=object)
            for part in self.parts:
                wrap = "{}" if part["analyzer"] == "word" else "‹{}›"
                for term, j in part["vocabulary"].items():
                    names[part["offset"] + j] = wrap.format(term)
            self._names = names
        return self._names


class TargetModels:
    """A model per target value plus a fallback, as :class:`CompactModel` arrays.

    Each text goes by the target in its ``"[target: X] "`` prefix (:func:`stance.model.split_target`): to that
    target's model, prefix removed, when it has one; otherwise (a target unseen in training or with a single class
    there, or a text without the prefix) to ``fallback``, text as given, as the fallback was trained on target-aware
    text. ``classes`` is the union of every model's classes; a model's probabilities land in their columns, 0 in the
    columns of classes it never saw.
    """

    def __init__(self, fallback: CompactModel, models: dict[str, CompactModel]):
        self.fallback = fallback
        self.models = dict(models)
        seen = {str(c) for m in (fallback, *self.models.values()) for c in m.classes}
        first = [str(c) for c in fallback.classes]
        self.classes = np.asarray(first + sorted(seen - set(first)))
        index = {c: i for i, c in enumerate(self.classes)}
        self._columns = {id(m): np.array([index[str(c)] for c in m.classes]) for m in (fallback, *self.models.values())}
        from stance.model import split_target

        self._split = split_target

    @classmethod
    def from_pipelines(cls, fallback, pipelines: dict) -> TargetModels:
        """From the fitted reference pipelines: the fallback's and one per target value."""
        return cls(CompactModel.from_pipeline(fallback),
                   {t: CompactModel.from_pipeline(p) for t, p in pipelines.items()})

    def route(self, text: str) -> tuple[CompactModel, str]:
        """The model that scores ``text`` and the text it sees."""
        target, rest = self._split(text)
        model = self.models.get(target) if target is not None else None
        return (model, rest) if model is not None else (self.fallback, text)

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """Probabilities in the order of ``classes``, each text scored by its model (texts batched per model)."""
        out = np.zeros((len(texts), len(self.classes)))
        batches: dict[int, tuple[CompactModel, list[int], list[str]]] = {}
        for i, text in enumerate(texts):
            model, seen = self.route(text)
            batch = batches.setdefault(id(model), (model, [], []))
            batch[1].append(i)
            batch[2].append(seen)
        for model, rows, seen in batches.values():
            out[np.ix_(rows, self._columns[id(model)])] = model.predict_proba(seen)
        return out

    def packed(self) -> dict:
        return {"format": FORMAT_BY_TARGET, "fallback": self.fallback.packed(),
                "targets": {t: m.packed() for t, m in self.models.items()}}

    @classmethod
    def unpacked(cls, state: dict) -> TargetModels:
        if state.get("format") != FORMAT_BY_TARGET:
            raise ValueError(f"compact model format {state.get('format')!r}, expected {FORMAT_BY_TARGET}")
        return cls(CompactModel.unpacked(state["fallback"]),
                   {t: CompactModel.unpacked(m) for t, m in state["targets"].items()})

    def save(self, path) -> None:
        import joblib

        joblib.dump(self.packed(), path)


def load(path) -> CompactModel | TargetModels:
    """Read ``compact.joblib``: one model or a model per target value, whichever was saved."""
    import joblib

    state = joblib.load(path)
    if isinstance(state, dict) and state.get("format") == FORMAT_BY_TARGET:
        return TargetModels.unpacked(state)
    return CompactModel.unpacked(state)
