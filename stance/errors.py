"""The two kinds of expected failure. The CLI prints either as one line on stderr and exits with code 1."""


class InputError(Exception):
    """Bad input a user can fix: the message names the file (and line or row) and what is wrong."""


class ModelError(Exception):
    """A model folder that is missing, incomplete, tampered with or built for other software."""
