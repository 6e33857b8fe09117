"""The one exception tree of detente.

::

    DetenteError
    ├── ConfigError        bad settings or options (E1xx)
    ├── InputError         a file, record, page, feed or WARC we cannot read (E2xx)
    ├── RegistryError      an unknown or broken registered name (E3xx)
    ├── ExtractionError    parsing or coding failed for one document (E4xx)
    ├── DataError          a shipped data file (code table, dictionary) is invalid (E5xx)
    ├── StoreError         the database cannot be opened, migrated or written (E6xx)
    ├── EvaluationError    a gold set is missing or malformed (E7xx)
    ├── MissingExtraError  an optional extra is not installed (E8xx)
    └── RequestError       the REST API refuses a request: no token, wrong token, no such id (E9xx)

Messages are format strings with stable codes, so docs and tests can cite them.
The library raises; only ``detente.cli`` turns these into ``Error: ...`` and an exit code.
"""

from __future__ import annotations

from typing import Any


class DetenteError(Exception):
    """Base class of every error detente raises on purpose."""

    code: str = "E000"

    def __init__(self, message: str, *, code: str | None = None, **context: Any) -> None:
        if code is not None:
            self.code = code
        self.context = context
        super().__init__(f"[{self.code}] {message}")


class ConfigError(DetenteError):
    code = "E100"


class InputError(DetenteError):
    """A source we cannot read: names the path (and line or record) and what is wrong."""

    code = "E200"


class RegistryError(DetenteError):
    code = "E300"


class ExtractionError(DetenteError):
    code = "E400"


class DataError(DetenteError):
    code = "E500"


class StoreError(DetenteError):
    code = "E600"


class EvaluationError(DetenteError):
    code = "E700"


class MissingExtraError(DetenteError):
    code = "E800"


class RequestError(DetenteError):
    """A REST request the server refuses; ``status`` is its HTTP status."""

    code = "E900"

    def __init__(self, message: str, *, code: str | None = None, status: int = 400, **context: Any) -> None:
        super().__init__(message, code=code, **context)
        self.status = status


class Errors:
    """User-facing message templates, each with a stable code."""

    E101 = "Unknown setting {key!r}. Available settings: {available}."
    E102 = "Invalid value for {key!r}: {detail}"
    E201 = "{path}: file is empty."
    E202 = "{path}: looks like a binary file (found NUL bytes), not text, HTML, JSON, CSV, a feed or WARC."
    E203 = "{path}: cannot decode the bytes as UTF-8 (or UTF-16 with a BOM): {detail}."
    E204 = "{path}: file is {size} bytes, over the size cap of {cap} bytes. Raise it with --max-bytes."
    E205 = "{path}: unknown file extension {ext!r}. Supported: {supported}."
    E206 = "{path}:{line}: malformed JSON record: {detail}."
    E207 = "{path}:{line}: malformed CSV row: {detail}."
    E208 = "{path}: HTML page has no extractable article text."
    E209 = "{path}: feed is malformed: {detail}."
    E210 = "{path}: WARC file is truncated or malformed after {records} records: {detail}."
    E211 = "{where}: article is not in English (detected {language!r}); detente codes English news."
    E212 = "{where}: record has no text field (looked for {fields}). Map one with --field text=NAME."
    E213 = "{path}: no such file or directory."
    E214 = "{where}: article has no text after cleaning."
    E215 = "{path}: gzip stream is corrupt or truncated: {detail}."
    E216 = "{where}: invalid publication date {value!r}; use ISO 8601 such as 2021-12-30."
    E217 = "{path}: metadata sidecar {meta} is not valid JSON: {detail}."
    E218 = "--field expects NAME=COLUMN with NAME one of {names}; got {value!r}."
    E301 = "No {kind} named {name!r}. Available: {available}."
    E401 = "{where}: {stage} failed: {detail}"
    E402 = "Cannot load spaCy pipeline {model!r}: {detail}. Install it, or choose another with --model."
    E501 = "{path}:{line}: {detail}"
    E601 = "Cannot open database {path}: {detail}"
    E602 = "Database {path} has schema version {found}, newer than this detente ({known}). Upgrade detente."
    E701 = "Gold set {name!r} not found under {path}. Pass --gold PATH."
    E702 = "Unknown gold set {name!r}. Available: {available}."
    E801 = "{feature} needs the optional extra: pip install 'detente[{extra}]'"
    E901 = "{what} needs a bearer token: send the header 'Authorization: Bearer TOKEN'."
    E902 = "{detail}"
    E903 = "No {kind} {key!r}."
    E904 = "{method} {path}: {detail}"
