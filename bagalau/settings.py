"""The settings, checked once at start-up by one typed model, before any command runs.

A setting that is missing or malformed (`BAGALAU_SMTP_PORT=abc`, a webhook URL without its
secret, a database URL of an unknown kind, a definitions folder that does not exist) is
named here, with what to do, before anything is read or written: a command never records
half its work and then fails on a setting. The value of a URL or a secret is never shown,
only the variable's name (a webhook URL carries its `?token=`).
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path
from typing import Any, Literal, Mapping, Optional
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from methodology.errors import DefinitionError, SettingError

DATABASE_SCHEMES = ("sqlite", "postgresql", "postgresql+psycopg")


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    database_url: Optional[str] = Field(None, alias="BAGALAU_DATABASE_URL")
    definitions: Optional[str] = Field(None, alias="BAGALAU_DEFINITIONS")
    calendar: Optional[str] = Field(None, alias="BAGALAU_CALENDAR")
    smtp_host: Optional[str] = Field(None, alias="BAGALAU_SMTP_HOST")
    smtp_port: Optional[int] = Field(None, alias="BAGALAU_SMTP_PORT", ge=1, le=65535)
    smtp_tls: Literal["none", "starttls", "ssl"] = Field("starttls", alias="BAGALAU_SMTP_TLS")
    smtp_from: Optional[str] = Field(None, alias="BAGALAU_SMTP_FROM")
    webhook_url: Optional[str] = Field(None, alias="BAGALAU_WEBHOOK_URL", repr=False)
    webhook_secret: Optional[str] = Field(None, alias="BAGALAU_WEBHOOK_SECRET", repr=False)
    web_url: Optional[str] = Field(None, alias="BAGALAU_WEB_URL")  # an invitation's link (notifications/links.py)
    invitation_days: int = Field(7, alias="BAGALAU_INVITATION_DAYS", ge=1, le=30)

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("database_url")
    @classmethod
    def _database(cls, url: Optional[str]) -> Optional[str]:
        if url is None:
            return url
        scheme = url.partition("://")[0] if "://" in url else ""
        if scheme not in DATABASE_SCHEMES:
            raise ValueError(f"a URL of {', '.join(DATABASE_SCHEMES)} is needed (sqlite:///bagalau.sqlite3)")
        try:
            make_url(url)
        except (ArgumentError, ValueError):  # a port that is not a number: postgresql://h:notaport/db
            raise ValueError("the URL cannot be read: dialect://user:password@host:port/database") from None
        if scheme == "sqlite":
            path = url.partition("://")[2].removeprefix("/")
            if path and path != ":memory:" and not Path(path.split("?")[0]).parent.is_dir():
                raise ValueError("the folder of the SQLite file does not exist")
        return url

    @field_validator("definitions")
    @classmethod
    def _folders(cls, value: Optional[str]) -> Optional[str]:
        for folder in (value or "").split(os.pathsep):
            if folder and not Path(folder).is_dir():
                raise ValueError(f"{folder!r} is not a folder")
        return value

    @field_validator("calendar")
    @classmethod
    def _calendar(cls, value: Optional[str]) -> Optional[str]:
        if value is None:
            return value
        from methodology.workdays import load_table

        if not Path(value).is_file():
            raise ValueError(f"{value!r} is not a file")
        try:
            load_table(Path(value))
        except DefinitionError as error:
            raise ValueError("; ".join(error.problems)[:200]) from None
        return value

    @field_validator("smtp_host")
    @classmethod
    def _host(cls, value: Optional[str]) -> Optional[str]:
        # A line break in the host would be written into the SMTP dialogue.
        if value is not None and any(c.isspace() or unicodedata.category(c) == "Cc" for c in value):
            raise ValueError("a host name or address is needed, without spaces or control characters")
        return value

    @field_validator("smtp_from")
    @classmethod
    def _sender(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and ("@" not in value or any(c in value for c in "\r\n")):
            raise ValueError("an e-mail address is needed")
        return value

    @field_validator("web_url")
    @classmethod
    def _console(cls, url: Optional[str]) -> Optional[str]:
        if url is not None and (urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname or urlsplit(url).query):
            raise ValueError("the console's http or https address is needed, without a query")
        return url

    @field_validator("webhook_url")
    @classmethod
    def _hook(cls, url: Optional[str]) -> Optional[str]:
        if url is not None and (urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname):
            raise ValueError("an http or https URL is needed")
        return url

    @model_validator(mode="after")
    def _together(self) -> Settings:
        if self.smtp_host and not self.smtp_from:
            raise ValueError("BAGALAU_SMTP_FROM is required with BAGALAU_SMTP_HOST")
        if self.webhook_url and not self.webhook_secret:
            raise ValueError("BAGALAU_WEBHOOK_SECRET is required with BAGALAU_WEBHOOK_URL")
        return self


def check(env: Mapping[str, str] = os.environ) -> Settings:
    """The settings of `env`, or a `SettingError` naming the first one wrong."""
    try:
        return Settings.model_validate({k: v for k, v in env.items() if k.startswith("BAGALAU_")})
    except ValidationError as error:
        first = error.errors()[0]
        fields = Settings.model_fields
        names = [fields[str(n)].alias if str(n) in fields else str(n) for n in first["loc"]]
        message = str(first["msg"]).removeprefix("Value error, ")
        raise SettingError(f"{names[0]}: {message}" if names else message) from None
