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
    require_english: bool = Field(True, description="Store non-English articles as failures.")
    min_english_ratio: float = Field(0.1, ge=0, le=1, description="English function-word share.")


class ParseSettings(_Strict):
    model: str = Field("", description="spaCy pipeline name or path; empty for the default.")
    batch_size: int = Field(32, gt=0, description="Texts per nlp.pipe batch.")
    workers: int = Field(1, gt=0, description="Worker processes for parsing and coding.")


class ExtractSettings(_Strict):
    extractor: str = Field("detente.rules.v1", description="Registered extractor name.")
    quotes: bool = Field(True, description="Extract quotes and their speakers.")
    min_confidence: float = Field(0.0, ge=0, le=1, description="Drop events below this confidence.")


class StoreSettings(_Strict):
    batch_articles: int = Field(64, gt=0, description="Articles written per transaction.")
    ingest_memory_limit: str = Field("128MB", pattern=r"^\d+(\.\d+)?\s?(KB|MB|GB|KiB|MiB|GiB)$",
                                     description="DuckDB memory limit while ingesting (keeps a long run flat).")


class Settings(_Strict):
    ingest: IngestSettings = IngestSettings()
    parse: ParseSettings = ParseSettings()
    extract: ExtractSettings = ExtractSettings()
    store: StoreSettings = StoreSettings()


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
