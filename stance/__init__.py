"""stance: who supports, condemns or hedges toward whom, sentence by sentence, in news text.

>>> from stance import StanceClassifier
>>> clf = StanceClassifier.load("models/stance")                     # doctest: +SKIP
>>> clf.predict(["Russia condemned the strikes."])[0].label           # doctest: +SKIP
'condemn'
"""

__version__ = "0.1.0"

from stance.model import Prediction, SentenceStance, StanceClassifier  # noqa: E402

__all__ = ["StanceClassifier", "Prediction", "SentenceStance", "__version__"]
