"""Errors the loader turns into a file status instead of a crash."""


class RejectedFile(Exception):
    """The whole file cannot be loaded; the message says why, for the file's status record."""
