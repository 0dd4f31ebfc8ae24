"""stance: who supports, condemns or hedges toward whom, sentence by sentence, in news text.

>>> from stance import StanceClassifier
>>> clf = StanceClassifier(C=10).fit(
...     ["Russia condemned the strikes.", "Iran thanked Russia for its support.", "The summit took place in June."] * 3,
...     ["condemn", "support", "none"] * 3)
>>> import tempfile; folder = clf.save(tempfile.mkdtemp() + "/stance")    # models/stance, as `make train` builds
>>> clf = StanceClassifier.load(folder)
>>> clf.predict(["Russia condemned the strikes."])[0].label
'condemn'
"""

from stance.errors import InputError, ModelError, NotFittedError
from stance.model import ActorStance, Prediction, SentenceStance, StanceClassifier

__all__ = ["StanceClassifier", "Prediction", "SentenceStance", "ActorStance", "InputError", "ModelError",
           "NotFittedError", "__version__"]


def __getattr__(name: str):
    """``__version__``, read from the installed package's metadata (defined once, in pyproject.toml)."""
    if name == "__version__":
        from importlib.metadata import version

        return version("stance")
    raise AttributeError(f"module 'stance' has no attribute {name!r}")
