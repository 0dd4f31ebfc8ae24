"""The kinds of expected failure. The CLI prints ``InputError`` and ``ModelError`` as one line on stderr and exits 1."""


class InputError(Exception):
    """Bad input a user can fix: the message names the file (and line or row) and what is wrong."""


class ModelError(Exception):
    """A model folder that is missing, incomplete, corrupt or in a format this version does not read."""


class NotFittedError(ValueError, AttributeError):
    """A :class:`stance.StanceClassifier` used before ``fit`` or ``load``: a programming error, not a bad model folder
    (as scikit-learn's ``NotFittedError``, it is both a ``ValueError`` and an ``AttributeError``)."""
