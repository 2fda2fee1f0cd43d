"""The project's errors: a small hierarchy whose messages name the bad value and the fix."""

from __future__ import annotations


class RahnumaError(Exception):
    """Base class. ``str(err)`` is written for the person who has to fix it."""


class ConfigError(RahnumaError):
    """The configuration file or an environment override is invalid."""


class CorpusError(RahnumaError):
    """A corpus file is unreadable or breaks the schema in corpora/README.md."""


class IndexMissingError(RahnumaError):
    """No built index where the config points."""

    def __init__(self, path: str) -> None:
        super().__init__(
            f"No search index at {path!r}. Build it with `rahnuma index` (or `make index`), "
            "or point [index].path in rahnuma.toml at an existing one."
        )
        self.path = path


class ModelUnavailableError(RahnumaError):
    """A model or optional dependency cannot be loaded; the message says what to install."""


class InputError(RahnumaError):
    """A citizen or API message that cannot be processed (empty, too long, wrong type)."""


class DatasetError(RahnumaError):
    """An evaluation dataset file breaks its documented schema; names the file, line and field."""
