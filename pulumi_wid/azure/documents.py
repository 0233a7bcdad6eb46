"""Pure builders and checks for Azure: names, issuers, scopes, FIC subjects, assignment ids, roles.

A role is given as a built-in role name ("Storage Blob Data Reader"), a role
GUID, or a full role definition id
(``/subscriptions/<sub>/providers/Microsoft.Authorization/roleDefinitions/<guid>``).

Nothing here touches the Pulumi runtime; every function takes plain values.
"""

from __future__ import annotations

import difflib
import re
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .. import validation
from ..errors import ValidationError
from ..identity import service_account_subject
from ..validation import check_pattern, check_str, short_hash, without_placeholders
from .facts import (  # noqa: F401 - MAX_FICS_PER_IDENTITY, MAX_TAGS re-exported
    AUDIENCE,
    BROAD_ROLE_NAMES,
    BROAD_ROLES,
    BUILTIN_ROLES,
    FIC_NAME_MAX,
    ISSUER_MAX,
    MAX_FICS_PER_IDENTITY,
    MAX_TAGS,
    ROLE_ASSIGNMENT_NAMESPACE,
    TAG_NAME_FORBIDDEN,
    TAG_NAME_MAX,
    TAG_VALUE_MAX,
    UAMI_NAME_MAX,
)

UAMI_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_-]{2,127}$")
FIC_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_-]{2,119}$")
# Resource group: 1-90 letters, digits, '_', '-', '.', '(' or ')', not ending in '.'.
RESOURCE_GROUP = re.compile(r"^[-\w.()]{0,89}[-\w()]$")
MANAGEMENT_GROUP = re.compile(r"^[-\w.()]{1,90}$")
_PROVIDER_NAMESPACE = re.compile(r"^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)+$")


# -- names ------------------------------------------------------------------
def _fit(base: str, limit: int) -> str:
    """``base`` with disallowed characters (dots included) replaced, shortened with a stable hash."""
    text = re.sub(r"[^A-Za-z0-9_-]", "-", base)
    if len(text) <= limit:
        return text
    digest = short_hash(base)
    return f"{text[: limit - len(digest) - 1].rstrip('-_')}-{digest}"


def derive_identity_name(namespace: str, name: str) -> str:
    """``<namespace>-<name>`` as a valid UAMI name (dots replaced; past 128 characters, a stable hash)."""
    return _fit(f"{namespace}-{name}", UAMI_NAME_MAX)


def derive_fic_name(namespace: str, service_account: str, issuer: str) -> str:
    """``<namespace>-<service account>-<hash of the issuer>``: one stable name per cluster.

    The hash keeps each cluster's credential named the same when issuers are
    added or removed, and two clusters never share a name.
    """
    suffix = short_hash(issuer)
    base = _fit(f"{namespace}-{service_account}", FIC_NAME_MAX - len(suffix) - 1)
    return f"{base}-{suffix}"


def check_identity_name(field: str, value: Any) -> str:
    check_str(field, value)
    return check_pattern(
        field, value, UAMI_NAME,
        "a managed identity name is 3-128 letters, digits, '-' and '_', starting with a letter or digit",
        f"use a name such as {_fit(value, UAMI_NAME_MAX).lstrip('-_')[:128] or 'my-identity'!r}",
    )


def check_fic_name(field: str, value: Any) -> str:
    return check_pattern(
        field, value, FIC_NAME,
        "a federated identity credential name is 3-120 letters, digits, '-' and '_', starting with a letter or digit",
    )


def check_resource_group(field: str, value: Any) -> str:
    return check_pattern(
        field, value, RESOURCE_GROUP,
        "a resource group name is 1-90 letters, digits, '_', '-', '.', '(' or ')', not ending in '.'",
    )


def check_guid(field: str, value: Any, what: str) -> str:
    check_str(field, value)
    if not GUID.fullmatch(value):
        raise ValidationError(field, value, f"{what} is a GUID", "for example 11111111-2222-3333-4444-555555555555")
    return value


# -- issuers and the federated credential ----------------------------------
def check_issuer(field: str, issuer: Any) -> str:
    """An https issuer URL, returned VERBATIM (AKS issuers end in '/': never add or strip it)."""
    check_str(field, issuer)
    parts = urlsplit(issuer) if issuer.isprintable() else None
    if (
        parts is None
        or parts.scheme != "https"
        or not issuer.startswith("https://")
        or not parts.hostname
        or parts.query
        or parts.fragment
        or any(c.isspace() for c in issuer)
    ):
        raise ValidationError(
            field,
            issuer,
            "must be the cluster's https OIDC issuer URL (no query or fragment)",
            "use the cluster's oidc_issuer_profile.issuer_url exactly as AKS reports it, "
            "e.g. https://eastus.oic.prod-aks.azure.com/<tenant>/<guid>/",
        )
    if len(issuer) > ISSUER_MAX:
        raise ValidationError(
            field, issuer, f"a federated identity credential's issuer is at most {ISSUER_MAX} characters (Entra ID)",
            "use the cluster's oidc_issuer_profile.issuer_url exactly as AKS reports it",
        )
    return issuer


def fic_subject(namespace: str, service_account: str) -> str:
    """The FIC ``subject``: ``system:serviceaccount:<ns>:<sa>`` (exact, no wildcards)."""
    return service_account_subject(namespace, service_account)


def federated_credential(issuer: str, namespace: str, service_account: str) -> dict[str, Any]:
    """The trust one FIC carries: issuer (verbatim), exact subject, the one audience."""
    return {"issuer": issuer, "subject": fic_subject(namespace, service_account), "audiences": [AUDIENCE]}


# -- scopes and role assignments --------------------------------------------
@dataclass(frozen=True)
class Scope:
    """A parsed ARM scope."""

    kind: str
    """"root", "management_group", "subscription", "resource_group" or "resource"."""
    scope: str
    subscription: str | None = None
    resource_group: str | None = None
    management_group: str | None = None

    @property
    def broad(self) -> bool:
        """Subscription, management group and tenant root scopes cover far more than one workload needs."""
        return self.kind in ("root", "management_group", "subscription")


_SCOPE_RULE = (
    "must be an ARM scope: /subscriptions/<GUID>[/resourceGroups/<group>[/providers/"
    "<Namespace>/<type>/<name>...]] or /providers/Microsoft.Management/managementGroups/<group>"
)


def parse_scope(field: str, scope: Any, placeholders: bool = False) -> Scope:
    """Parse a role assignment scope; raise on anything malformed."""
    check_str(field, scope)

    def bad(detail: str = "") -> ValidationError:
        return ValidationError(
            field,
            scope,
            _SCOPE_RULE + (f" ({detail})" if detail else ""),
            "use the target resource's .id, e.g. /subscriptions/<sub>/resourceGroups/rg/providers/"
            "Microsoft.Storage/storageAccounts/data",
        )

    if scope == "/":
        return Scope(kind="root", scope=scope)
    shape = without_placeholders(scope, "00000000-0000-0000-0000-000000000000", placeholders)  # plan-only stand-in
    if not shape.startswith("/") or shape.endswith("/") or "//" in shape or any(c.isspace() for c in shape):
        raise bad()
    parts = shape[1:].split("/")
    head = parts[0].lower()
    if head == "providers":
        if len(parts) == 4 and parts[1].lower() == "microsoft.management" and parts[2].lower() == "managementgroups":
            if not MANAGEMENT_GROUP.fullmatch(parts[3]):
                raise bad("bad management group name")
            return Scope(kind="management_group", scope=scope, management_group=parts[3])
        raise bad()
    if head != "subscriptions" or len(parts) < 2:
        raise bad()
    if not GUID.fullmatch(parts[1]):
        raise bad("the subscription id is a GUID")
    subscription = scope[1:].split("/")[1]  # the placeholder itself while planning
    if len(parts) == 2:
        return Scope(kind="subscription", scope=scope, subscription=subscription)
    if parts[2].lower() != "resourcegroups" or len(parts) < 4:
        raise bad()
    group = parts[3]
    if not RESOURCE_GROUP.fullmatch(group):
        raise bad("bad resource group name")
    if len(parts) == 4:
        return Scope(kind="resource_group", scope=scope, subscription=subscription, resource_group=group)
    rest = parts[4:]
    # providers/<Namespace>/<type>/<name>[/<type>/<name>...]
    if rest[0].lower() != "providers" or len(rest) < 4 or len(rest) % 2 != 0:
        raise bad("a resource is providers/<Namespace>/<type>/<name>")
    if not _PROVIDER_NAMESPACE.fullmatch(rest[1]):
        raise bad("bad resource provider namespace")
    return Scope(kind="resource", scope=scope, subscription=subscription, resource_group=group)


def role_definition_id(subscription: str, role_guid: str) -> str:
    """``/subscriptions/<sub>/providers/Microsoft.Authorization/roleDefinitions/<guid>``."""
    return f"/subscriptions/{subscription}/providers/Microsoft.Authorization/roleDefinitions/{role_guid}"


def role_assignment_name(scope: str, principal_id: str, definition_id: str) -> str:
    """A deterministic GUID for one assignment: uuid5 of scope, principal and role definition id.

    ARM ids are case-insensitive, so scope and role id are lower-cased first:
    the same assignment always gets the same name, and re-creating it is idempotent.
    """
    key = "\n".join((scope.lower(), principal_id.lower(), definition_id.lower()))
    return str(uuid.uuid5(ROLE_ASSIGNMENT_NAMESPACE, key))


_TAG_NAME_FORBIDDEN = set(TAG_NAME_FORBIDDEN)


def check_tag_value(field: str, value: Any) -> Any:
    """An Azure tag value: a string of at most 256 characters."""
    if not isinstance(value, str) or len(value) > TAG_VALUE_MAX:
        raise ValidationError(field, value, f"an Azure tag value is a string of at most {TAG_VALUE_MAX} characters",
                              "shorten it")
    return value


def check_tags(field: str, tags: dict[str, Any]) -> None:
    """Azure tags: at most 50, names up to 512 characters without < > % & \\ ? /, values up to 256 (see facts)."""
    validation.check_tags(
        field, tags, cloud="Azure", limit=MAX_TAGS,
        key_ok=lambda key: len(key) <= TAG_NAME_MAX and not _TAG_NAME_FORBIDDEN & set(key),
        key_rule=f"an Azure tag name is at most {TAG_NAME_MAX} characters and has none of < > % & \\ ? /",
        check_value=check_tag_value,
    )
    seen: dict[str, str] = {}
    for key in tags:
        if key.lower() in seen:
            raise ValidationError(
                f"{field}.{key}", key, f"Azure tag names are case-insensitive: it names the same tag as {seen[key.lower()]!r}",
                "give each tag once",
            )
        seen[key.lower()] = key


# -- roles ------------------------------------------------------------------
_NAME_BY_GUID = {guid: name for name, guid in BUILTIN_ROLES.items()}
_BY_LOWER = {name.lower(): name for name in BUILTIN_ROLES}

GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
ROLE_DEFINITION_ID = re.compile(
    r"^(?P<prefix>/subscriptions/(?P<subscription>[0-9a-fA-F-]{36})"
    r"|/providers/Microsoft\.Management/managementGroups/[-\w.()]{1,90}"
    r")?/providers/Microsoft\.Authorization/roleDefinitions/(?P<guid>[0-9a-fA-F-]{36})$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class RoleRef:
    """A resolved role: its GUID, its built-in name (if known) and a full id the user gave."""

    guid: str
    name: str | None = None
    definition_id: str | None = None
    """The full role definition id as given (kept verbatim when it names a scope)."""

    @property
    def broad(self) -> bool:
        return self.guid in BROAD_ROLES

    @property
    def label(self) -> str:
        return self.name or self.guid


def resolve_role(field: str, value: Any) -> RoleRef:
    """Resolve a built-in role name, a role GUID or a full role definition id."""
    check_str(field, value)
    text = value.strip()
    if text != value or not text:
        raise ValidationError(field, value, "must be a role name, GUID or role definition id without spaces around it")
    if GUID.fullmatch(text):
        guid = text.lower()
        return RoleRef(guid=guid, name=_NAME_BY_GUID.get(guid))
    if text.startswith("/"):
        match = ROLE_DEFINITION_ID.fullmatch(text)
        if not match or not GUID.fullmatch(match["guid"]) or (
            match["subscription"] and not GUID.fullmatch(match["subscription"])
        ):
            raise ValidationError(
                field,
                value,
                "a role definition id is /subscriptions/<subscription GUID>/providers/"
                "Microsoft.Authorization/roleDefinitions/<role GUID> (or the same under "
                "/providers/Microsoft.Management/managementGroups/<group>, or without a prefix)",
                "pass the role's GUID or its built-in name instead",
            )
        guid = match["guid"].lower()
        full = text if match["prefix"] else None
        return RoleRef(guid=guid, name=_NAME_BY_GUID.get(guid), definition_id=full)
    canonical = _BY_LOWER.get(text.lower())
    if canonical is None:
        raise ValidationError(
            field,
            value,
            "is not a built-in role this package knows",
            suggest_roles(text)
            or "pass the role's GUID or full role definition id (az role definition list --name '<name>')",
        )
    return RoleRef(guid=BUILTIN_ROLES[canonical], name=canonical)


def suggest_roles(text: str, limit: int = 3) -> str:
    """'did you mean ...?' with the closest built-in role names (case-insensitive)."""
    close = difflib.get_close_matches(text.lower(), list(_BY_LOWER), n=limit, cutoff=0.6)
    if not close:
        words = set(text.lower().split())
        close = [low for low in _BY_LOWER if words and words <= set(low.split())][:limit]
    if not close:
        return ""
    names = [_BY_LOWER[low] for low in close]
    return f"did you mean {' or '.join(repr(n) for n in names)}? Or pass the role's GUID."
