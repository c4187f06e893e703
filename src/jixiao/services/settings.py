"""The server's settings: one object, from environment variables or jixiao.toml.

Precedence: values given in code (tests), then environment variables ``JIXIAO_<NAME>``
(``JIXIAO_SECRET``, ``JIXIAO_COOKIE_SECURE`` …), then the ``[server]`` table of the
configuration file ($JIXIAO_CONFIG or ./jixiao.toml), then the defaults below.  See
docs/deploy.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from jixiao.ingest.isolation import ProcessLimits
from jixiao.services.config import config_table
from jixiao.services.errors import Invalid

#: Names of the settings in messages (Chinese, for the operator).
_LABELS = {
    "secret": "会话密钥 secret",
    "cookie_secure": "Cookie 安全标志 cookie_secure",
    "trusted_proxies": "可信代理 trusted_proxies",
    "session_hours": "会话时长 session_hours",
    "max_upload_mb": "上传上限 max_upload_mb",
    "token_days": "令牌默认有效期 token_days",
    "token_max_days": "令牌最长有效期 token_max_days",
    "login_max_failures": "每个用户的失败次数上限 login_max_failures",
    "login_max_failures_address": "每个地址的失败次数上限 login_max_failures_address",
    "login_window_minutes": "失败计数与锁定时长 login_window_minutes",
    "parse_memory_mb": "解析进程内存上限 parse_memory_mb",
    "parse_cpu_seconds": "解析进程 CPU 时间上限 parse_cpu_seconds",
    "parse_seconds": "解析时间上限 parse_seconds",
    "parse_workers": "同时解析的文件数 parse_workers",
    "max_file_mb": "从磁盘读取的文件大小上限 max_file_mb",
    "audit_key": "审计密钥 audit_key",
    "audit_key_file": "审计密钥文件 audit_key_file",
    "audit_anchor": "审计锚定文件 audit_anchor",
    "data_dir": "数据目录 data_dir",
}


class _ServerTable(PydanticBaseSettingsSource):
    """The ``[server]`` table of the configuration file."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # unused: __call__ returns the whole table

    def __call__(self) -> dict[str, Any]:
        _, table = config_table("server")
        return dict(table)


class Settings(BaseSettings):
    """What a deployment configures (the defaults suit a server on one's own machine)."""

    model_config = SettingsConfigDict(env_prefix="JIXIAO_", extra="ignore")

    secret: SecretStr | None = Field(
        default=None,
        description="Signs the session cookies; required in production (jixiao serve "
        "without --demo). At least 32 characters.",
    )
    cookie_secure: Literal["auto", "always", "never"] = Field(
        default="auto",
        description="The cookie's Secure flag: auto = when the request came over HTTPS "
        "(directly or through a trusted proxy).",
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["127.0.0.1", "::1"],
        description="Addresses whose X-Forwarded-For / X-Forwarded-Proto are believed "
        "(comma-separated in the environment; * trusts every peer).",
    )
    session_hours: float = Field(default=12.0, gt=0, le=24 * 30)
    max_upload_mb: int = Field(default=20, ge=1, le=1024)
    token_days: int = Field(default=90, ge=1)
    token_max_days: int = Field(default=365, ge=1)
    login_max_failures: int = Field(default=5, ge=1)
    login_max_failures_address: int = Field(default=20, ge=1)
    login_window_minutes: int = Field(default=15, ge=1)
    # Reading an untrusted file (jixiao.ingest.isolation): what one child process may cost.
    parse_memory_mb: int = Field(default=1024, ge=64, le=1 << 20)
    parse_cpu_seconds: int = Field(default=60, ge=1, le=24 * 3600)
    parse_seconds: float = Field(default=90.0, gt=0, le=24 * 3600)
    parse_workers: int = Field(default=2, ge=1, le=256)
    max_file_mb: int = Field(default=64, ge=1, le=1 << 20)
    # The audit trail (services/trail.py): the key and the anchor, outside the database.
    audit_key: SecretStr | None = Field(
        default=None, description="The HMAC key itself (else audit_key_file, else data_dir)."
    )
    audit_key_file: Path | None = Field(default=None, description="A file holding the key.")
    audit_anchor: Path | None = Field(
        default=None,
        description="The append-only anchor file (default: beside an SQLite database, "
        "else in data_dir).",
    )
    data_dir: Path | None = Field(
        default=None,
        description="Where audit.key and a server database's anchor are kept by default "
        "(default: an SQLite database's folder, else the user's data folder).",
    )

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @model_validator(mode="after")
    def _token_days_within_the_maximum(self) -> Settings:
        if self.token_days > self.token_max_days:
            raise ValueError(
                f"令牌默认有效期 token_days（{self.token_days}）超过最长有效期 token_max_days（{self.token_max_days}）"
            )
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _ServerTable(settings_cls))

    @property
    def secret_key(self) -> str | None:
        return self.secret.get_secret_value() if self.secret is not None else None

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    def process_limits(self) -> ProcessLimits:
        """What reading one untrusted file may cost (the isolated child's limits)."""
        return ProcessLimits(
            memory_mb=self.parse_memory_mb,
            cpu_seconds=self.parse_cpu_seconds,
            wall_seconds=self.parse_seconds,
            concurrent=self.parse_workers,
            file_mb=self.max_file_mb,
        )


MIN_SECRET = 32


def load(**overrides: Any) -> Settings:
    """The settings in force; a bad value is :class:`Invalid` naming the setting."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else ""
            problems.append(f"{_LABELS.get(name, name)}：{error['msg']}")
        raise Invalid(
            "服务器设置有误（环境变量 JIXIAO_… 或 jixiao.toml 的 [server]）："
            + "；".join(problems),
            "config",
        ) from None


def process_limits() -> ProcessLimits:
    """The parse limits in force (environment, then jixiao.toml, then the defaults): what
    :mod:`jixiao.ingest.isolation` reads files with (installed by :mod:`jixiao.services`)."""
    return load().process_limits()


def production_problem(settings: Settings) -> str | None:
    """Why ``settings`` cannot run a production server, or None."""
    key = settings.secret_key
    if not key:
        return (
            "未配置会话密钥：请设置环境变量 JIXIAO_SECRET 或 jixiao.toml 的 [server] secret"
            f'（至少 {MIN_SECRET} 个字符，可用 python -c "import secrets; print(secrets.token_urlsafe(48))" 生成）'
        )
    if len(key) < MIN_SECRET:
        return f"会话密钥太短：JIXIAO_SECRET / [server] secret 至少需要 {MIN_SECRET} 个字符，现为 {len(key)} 个"
    return None
