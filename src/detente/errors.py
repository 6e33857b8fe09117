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
    ├── RequestError       the REST API refuses a request: no token, wrong token, no such id (E9xx)
    └── FetchError         a URL or feed we cannot fetch: robots.txt, HTTP status, timeout, size, type (E10xx)

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


class FetchError(DetenteError):
    """A URL or feed that cannot be fetched: names the URL and what is wrong."""

    code = "E1000"


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
    E240 = "{what} cannot be read by --engine ray (its read tasks open files by path); use the local engine."
    E241 = ("Cannot start or join Ray at {address!r}: {detail}. Use --address local for a Ray of this machine, "
            "or start a cluster with `ray start --head` and pass --address auto.")
    E242 = "--workers {workers} needs {need:g} CPUs but the Ray cluster has {cpus:g}; lower --workers or add nodes."
    E243 = ("The Ray run stopped: {detail}. Batches already committed to {out} are kept: run the same "
            "command again to go on from there.")
    E301 = "No {kind} named {name!r}. Available: {available}."
    E401 = "{where}: {stage} failed: {detail}"
    E402 = "Cannot load spaCy pipeline {model!r}: {detail}. Install it, or choose another with --model."
    E501 = "{path}:{line}: {detail}"
    E601 = "Cannot open database {path}: {detail}"
    E602 = "Database {path} has schema version {found}, newer than this detente ({known}). Upgrade detente."
    E610 = "Cannot write Parquet to {out}: {detail}"
    E611 = ("{path}: not a detente Parquet directory (no {marker}); write one with "
            "`detente ingest --engine ray --out {path}`.")
    E612 = "Cannot read the Parquet of {path}: {detail}"
    E613 = "{path}: written by a newer detente (Parquet layout {found}; this one reads up to {known}). Upgrade detente."
    E614 = "Cannot load {path} into {db}: {detail}"
    E701 = "Gold set {name!r} not found under {path}. Pass --gold PATH."
    E702 = "Unknown gold set {name!r}. Available: {available}."
    E710 = ("{extractor} needs a trained model: pass --model-dir DIR (train one with "
            "'detente train GOLD --out DIR'), set learn.model_dir, or cross-validate with --folds K.")
    E711 = "{path}: not a detente model directory: {detail}. Train one with 'detente train GOLD --out DIR'."
    E712 = "Cannot train on {name!r}: {detail}. Trainable gold sets: {available}."
    E713 = "{where}: no training examples: {detail}."
    E714 = "--device {device!r} cannot be used: {detail}."
    E715 = "{option} must be {allowed}; got {value!r}."
    E716 = "{path}: exists and is not a model directory; choose another --out or remove it."
    E717 = "{extractor!r} is not a learned extractor: {option} applies only to {available}."
    E718 = "All {n} items of {dataset!r} are excluded ({reason}): nothing is left to score."
    E801 = "{feature} needs the optional extra: pip install 'detente[{extra}]'"
    E901 = "{what} needs a bearer token: send the header 'Authorization: Bearer TOKEN'."
    E902 = "{detail}"
    E903 = "No {kind} {key!r}."
    E904 = "{method} {path}: {detail}"
    E905 = ("Too many requests from {client}: the limit is {rate:g} per second (bursts of {burst}); "
            "retry in {retry} s. Raise it with serve.rate_limit (0: no limit).")
    E906 = "The request body is {size} bytes, over the limit of {limit} bytes (serve.max_body_bytes)."
    E907 = "The path and query string are {size} bytes, over the limit of {limit} bytes (serve.max_url_bytes)."
    E908 = "The server is busy: {detail}; retry in a moment (serve.max_concurrency, serve.max_queue)."
    E1001 = "{url}: disallowed by {robots} for user agent {agent!r}; not fetched."
    E1002 = "{url}: HTTP {status} after {attempts} attempt(s){detail}."
    E1003 = "{url}: timed out after {attempts} attempt(s): {detail}. Raise fetch.read_timeout or fetch.total_timeout."
    E1004 = "{url}: cannot connect after {attempts} attempt(s): {detail}."
    E1005 = "{url}: response is over the size cap of {cap} bytes; raise it with --max-bytes or fetch.max_bytes."
    E1006 = "{url}: content type {ctype!r} is not HTML, text or a feed (allowed: {allowed}); not saved."
    E1007 = "{where}: {value!r} is not an http(s) URL."
    E1008 = "{url}: more than {limit} redirects."
    E1009 = "{url}: feed is malformed: {detail}."
    E1010 = "--every expects a duration such as 90s, 15m or 1h; got {value!r}."
    E1011 = "{path}: cannot read the list: {detail}."
