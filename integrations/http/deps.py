"""Request dependencies, as ``Annotated`` aliases routes declare (tests swap them through
``app.dependency_overrides``): the service, the settings, the caller and its audience, the
channel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from assistant.access import Audience
from assistant.compose import Services
from assistant.errors import ErrorCode, KbassistError
from assistant.records import Channel
from assistant.service import SupportService
from assistant.settings import Role, Settings
from assistant.writes import Author
from integrations.http.auth import fingerprint, key_for

_bearer = HTTPBearer(auto_error=False, description="an API key: Authorization: Bearer <key>")
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="an API key")


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_service(services: ServicesDep) -> SupportService:
    return services.service


def get_settings(services: ServicesDep) -> Settings:
    return services.settings


ServiceDep = Annotated[SupportService, Depends(get_service)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


@dataclass(frozen=True)
class Caller:
    """Who is calling: a name safe to record (never the key), what they may see and their role."""

    name: str
    audience: Audience
    role: Role = "agent"

    def author(self) -> Author:
        """The caller as the author of a write (writers and admins may write)."""
        return Author(self.name, self.audience, may_write=self.role in ("writer", "admin"))


def get_caller(
    settings: SettingsDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    api_key: Annotated[str | None, Depends(_api_key)],
) -> Caller:
    """With keys configured, a valid key is required: its teams make the audience and its role
    what it may change. Without (local use, on a loopback host), the caller is a writer of no
    team (public and internal content)."""
    if not settings.http.api_keys:
        return Caller("local", Audience.agent(), "writer")
    given = bearer.credentials if bearer else api_key
    key = key_for(settings.http, given)
    if given is None or key is None:
        raise KbassistError(
            ErrorCode.UNAUTHORIZED,
            "a valid API key is required: send 'Authorization: Bearer <key>' or 'X-API-Key'",
        )
    return Caller(fingerprint(given), Audience.agent(*key.teams), key.effective_role)


CallerDep = Annotated[Caller, Depends(get_caller)]

_LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def get_admin(caller: CallerDep, settings: SettingsDep, request: Request) -> Caller:
    """The caller, when an admin: a key with the admin role or, without keys configured (local
    use), a request from a loopback address; anyone else gets 403 ``forbidden``. An admin still
    sees only what their teams may see."""
    if not settings.http.api_keys:
        client = request.client.host if request.client else ""
        if client in _LOOPBACK or client.startswith("127."):
            return Caller(caller.name, caller.audience, "admin")
    elif caller.role == "admin":
        return caller
    raise KbassistError(ErrorCode.FORBIDDEN, "this needs an admin API key")


AdminDep = Annotated[Caller, Depends(get_admin)]


def get_audience(caller: CallerDep) -> Audience:
    return caller.audience


AudienceDep = Annotated[Audience, Depends(get_audience)]


_PANELS: dict[str, Channel] = {"sidebar": "sidebar", "zendesk": "zendesk"}


def get_channel(
    x_kbassist_channel: Annotated[
        str | None,
        Header(description="'sidebar' from the help-desk panel, 'zendesk' from the Zendesk app"),
    ] = None,
) -> Channel:
    """The panel that calls (header ``X-Kbassist-Channel``): 'sidebar' for the standalone page,
    'zendesk' for the Zendesk Support app; anything else is 'http'."""
    return _PANELS.get((x_kbassist_channel or "").strip().lower(), "http")


ChannelDep = Annotated[Channel, Depends(get_channel)]
