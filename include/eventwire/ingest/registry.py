"""The feed registry (``include/feeds.yaml``), validated on load.

A typo in the registry must stop the run with a message that names the feed and the field,
not surface hours later as a confusing fetch error, so every entry goes through a strict
pydantic model (unknown keys are refused too: a misspelt ``alow_private`` must not silently
fall back to the default).
"""

from __future__ import annotations

from pathlib import Path

import pydantic
import yaml

from eventwire.ingest.urls import ALLOWED_SCHEMES, url_scheme

MAX_POLL_INTERVAL_MINUTES = 7 * 24 * 60  # a week: anything slower is a dead feed, not a schedule
MAX_ITEMS_CEILING = 1000  # feeds with more entries are archives; cap what one poll may fetch


class RegistryError(ValueError):
    """The registry file is unusable; carries the file, the offending field and why."""

    def __init__(self, path: Path, field: str, message: str) -> None:
        super().__init__(f"{path}: {field}: {message}")
        self.path = path
        self.field = field
        self.message = message


class FeedConfig(pydantic.BaseModel):
    """One feed of the registry; the defaults are the polite, safe choice."""

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

    name: str = pydantic.Field(pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$")
    url: str = pydantic.Field(min_length=1)
    enabled: bool = True
    language: str = pydantic.Field(default="en", pattern=r"^[a-z]{2,3}$")
    poll_interval_minutes: int = pydantic.Field(default=15, ge=1, le=MAX_POLL_INTERVAL_MINUTES)
    max_items: int = pydantic.Field(default=50, ge=1, le=MAX_ITEMS_CEILING)
    allow_private: bool = False

    @pydantic.field_validator("url")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        scheme = url_scheme(value)
        if scheme not in ALLOWED_SCHEMES:
            allowed = ", ".join(sorted(ALLOWED_SCHEMES))
            raise ValueError(f"scheme {scheme or '(none)'!r} is not one of {allowed}")
        return value


def load_registry(path: Path) -> list[FeedConfig]:
    """All feeds of the registry, enabled or not, in file order; raises ``RegistryError``."""
    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise RegistryError(path, "(file)", f"cannot be read: {error.strerror}") from error
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise RegistryError(path, "(file)", f"is not valid YAML: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("feeds"), list):
        raise RegistryError(path, "feeds", "the file must hold a mapping with a 'feeds' list")
    feeds: list[FeedConfig] = []
    seen: set[str] = set()
    for index, entry in enumerate(document["feeds"]):
        label = f"feeds[{index}]"
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            label = f"feeds[{index}] ({entry['name']})"
        if not isinstance(entry, dict):
            raise RegistryError(path, label, "each feed must be a mapping")
        try:
            feed = FeedConfig(**entry)
        except pydantic.ValidationError as error:
            first = error.errors()[0]
            field = ".".join(str(part) for part in first["loc"]) or "(entry)"
            raise RegistryError(path, f"{label}.{field}", first["msg"]) from error
        if feed.name in seen:
            raise RegistryError(path, f"{label}.name", f"duplicate feed name {feed.name!r}")
        seen.add(feed.name)
        feeds.append(feed)
    return feeds
