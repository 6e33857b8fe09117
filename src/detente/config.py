"""Settings: one TOML file validated by pydantic, defaults shipped with the package.

Example::

    settings = load_config(overrides={"parse.batch_size": "16"})
    settings.parse.batch_size  # 16
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import ConfigError, Errors


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IngestSettings(_Strict):
    max_bytes: int = Field(20_000_000, gt=0, description="Size cap for one document, in bytes.")
    require_english: bool = Field(True, description="Skip non-English articles (counted, not stored).")
    min_english_ratio: float = Field(0.1, ge=0, le=1, description="English function-word share.")
    dedup: bool = Field(True, description="Link near-duplicate articles to the first copy instead of coding them.")
    dedup_threshold: float = Field(0.8, gt=0, le=1, description="Estimated Jaccard similarity of word shingles "
                                   "at which an article is a near-duplicate.")
    dedup_shingle_words: int = Field(5, ge=1, le=20, description="Words per shingle for near-duplicate detection.")
    dedup_min_words: int = Field(50, ge=0, description="Shorter texts are linked only to an identical text "
                                 "(in a brief, a changed date or number is another story).")
    dedup_num_perm: int = Field(128, ge=16, le=1024, description="MinHash permutations per signature.")


class ParseSettings(_Strict):
    model: str = Field("", description="spaCy pipeline name or path; empty for the default.")
    batch_size: int = Field(32, gt=0, description="Texts per nlp.pipe batch.")
    workers: int = Field(1, gt=0, description="Worker processes for parsing and coding.")


class ExtractSettings(_Strict):
    extractor: str = Field("detente.rules.v1", description="Registered extractor name.")
    quotes: bool = Field(True, description="Extract quotes and their speakers.")
    min_confidence: float = Field(0.0, ge=0, le=1, description="Drop events below this confidence.")
    untargeted_statements: bool = Field(
        True, description="Keep a statement or appeal to no one in particular when it is all a sentence says.")


class StoreSettings(_Strict):
    batch_articles: int = Field(64, gt=0, description="Articles written per transaction.")
    ingest_memory_limit: str = Field("128MB", pattern=r"^\d+(\.\d+)?\s?(KB|MB|GB|KiB|MiB|GiB)$",
                                     description="DuckDB memory limit while ingesting (keeps a long run flat).")


class FetchSettings(_Strict):
    user_agent: str = Field("detente/0.1 (news event coder; add your contact with fetch.user_agent)",
                            min_length=1, description="User-Agent sent with every request and matched in robots.txt.")
    robots: bool = Field(True, description="Obey robots.txt (fetched once per host and cached for a day).")
    min_interval: float = Field(1.0, ge=0, description="Seconds between two requests to the same host.")
    connect_timeout: float = Field(10.0, gt=0, description="Seconds to wait for a connection.")
    read_timeout: float = Field(20.0, gt=0, description="Seconds to wait for the next bytes of a response.")
    total_timeout: float = Field(60.0, gt=0, description="Seconds one download may take in all.")
    retries: int = Field(3, ge=0, le=10, description="Retries after a timeout, a connection error, 429 or 5xx.")
    backoff: float = Field(1.0, ge=0, description="First retry delay in seconds; doubled at each retry.")
    max_backoff: float = Field(60.0, ge=0, description="Longest delay between tries; a longer Retry-After gives up.")
    max_bytes: int = Field(10_000_000, gt=0, description="Size cap for one response body, in bytes.")
    max_redirects: int = Field(5, ge=0, description="Redirects followed per URL.")


class LearnSettings(_Strict):
    model_dir: str = Field("", description="Model directory of `detente train` for detente.hybrid.v1.")
    add_threshold: float = Field(0.5, ge=0, le=1, description="Hybrid: add a model event from this probability.")
    rerank_threshold: float = Field(0.0, ge=0, le=1,
                                    description="Hybrid: make a rule event of the predicted class the main one.")
    override_threshold: float = Field(0.8, ge=0, le=1,
                                      description="Hybrid: put a model event before a rule event of another class.")
    veto_threshold: float = Field(0.9, ge=0, le=1, description="Hybrid: drop a rule event the model is sure is absent.")
    unit: str = Field("auto", pattern="^(auto|sentence|document)$",
                      description="Hybrid: classify each sentence, the whole text, or as trained (auto).")
    batch_size: int = Field(32, gt=0, description="Sentences per classifier batch.")
    threads: int = Field(0, ge=0, description="CPU threads for torch (0: every core).")
    device: str = Field("cpu", pattern="^(cpu|cuda)$", description="Where the classifier runs.")


class ScaleSettings(_Strict):
    address: str = Field("local", description="Ray to use: local (started for the run), auto, or ray://host:port.")
    workers: int = Field(0, ge=0, description="Coder actors on Ray; 0 = one per CPU of the cluster.")
    cpus_per_worker: float = Field(1.0, gt=0, description="CPUs Ray reserves for each coder actor.")
    batch_articles: int = Field(256, gt=0, description="Articles per Ray batch (one Parquet file per table and month).")
    readers: int = Field(2, gt=0, description="Ray read tasks running at once (cleaning happens in the coders).")


class ServeSettings(_Strict):
    workers: int = Field(1, ge=1, le=64, description="Server processes; more than 1 needs a read-only store.")
    max_concurrency: int = Field(4, ge=1, le=256, description="Requests one process computes at once; others wait.")
    max_queue: int = Field(256, ge=0, description="Requests that may wait for a slot; past that, 503 (E908).")
    queue_timeout: float = Field(10.0, gt=0, description="Seconds a request may wait for a slot before a 503 (E908).")
    rate_limit: float = Field(50.0, ge=0, description="Requests per second per client address; 0: no limit.")
    rate_burst: int = Field(100, ge=1, description="Requests a client may send at once above rate_limit.")
    max_body_bytes: int = Field(8_000_000, gt=0, description="Largest request body (POST /api/ingest), in bytes.")
    max_url_bytes: int = Field(4096, gt=0, description="Longest path plus query string, in bytes.")
    cache_size: int = Field(2048, ge=0, description="Successful GET /api responses kept in memory; 0: none.")
    warm_up: bool = Field(True, description="Load the store's filter columns and pyarrow before taking requests.")


class Settings(_Strict):
    ingest: IngestSettings = IngestSettings()
    parse: ParseSettings = ParseSettings()
    extract: ExtractSettings = ExtractSettings()
    store: StoreSettings = StoreSettings()
    scale: ScaleSettings = ScaleSettings()
    learn: LearnSettings = LearnSettings()
    fetch: FetchSettings = FetchSettings()
    serve: ServeSettings = ServeSettings()


def _default_dict() -> dict[str, Any]:
    text = resources.files("detente").joinpath("default_config.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _set_dotted(data: dict[str, Any], key: str, value: Any) -> None:
    parts = key.split(".")
    if len(parts) != 2:
        raise ConfigError(Errors.E101.format(key=key, available=", ".join(setting_names())), code="E101")
    section, name = parts
    if section not in data or f"{section}.{name}" not in setting_names():
        raise ConfigError(Errors.E101.format(key=key, available=", ".join(setting_names())), code="E101")
    data[section][name] = value


def setting_names() -> list[str]:
    """Every dotted setting name, e.g. ``parse.batch_size``."""
    names = []
    for section, field in Settings.model_fields.items():
        sub = field.annotation
        for name in getattr(sub, "model_fields", {}):
            names.append(f"{section}.{name}")
    return names


def load_config(path: str | Path | None = None, *, overrides: dict[str, Any] | None = None) -> Settings:
    """Load the defaults, then a TOML file, then dotted overrides, and validate them.

    Args:
        path: an optional TOML file with the same sections as ``default_config.toml``.
        overrides: dotted keys such as ``{"parse.workers": 2}``.

    Raises:
        ConfigError: unknown keys or invalid values, naming the key.
    """
    data = _default_dict()
    if path is not None:
        try:
            user = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"Cannot read config file {path}: {exc}", code="E102") from exc
        for section, values in user.items():
            if not isinstance(values, dict):
                raise ConfigError(Errors.E101.format(key=section, available=", ".join(setting_names())),
                                  code="E101")
            for name, value in values.items():
                _set_dotted(data, f"{section}.{name}", value)
    for key, value in (overrides or {}).items():
        _set_dotted(data, key, value)
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        details = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(Errors.E102.format(key="settings", detail=details), code="E102") from exc
