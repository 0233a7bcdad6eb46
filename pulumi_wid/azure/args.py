"""``AksFederatedIdentityArgs`` and its validation into a plain ``AksSpec`` (no cloud SDK needed).

``aks_spec`` checks plain values at once and wraps Outputs so they fail with the same
``ValidationError`` when they resolve; ``placeholders`` (true only while
``pulumi-wid plan`` runs) is passed explicitly.
"""

# No `from __future__ import annotations` here: Pulumi's component analyzer reads
# these annotations at runtime to build the multi-language schema (tests/test_schema.py).

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypedDict

import pulumi

from .._outputs import checked_identity, checked_map, unique, when_known
from ..errors import ValidationError
from ..identity import Identity, ServiceIdentity, validate_identity
from ..validation import (
    NotRequired,
    check_bool,
    check_int_range,
    check_str,
    check_str_list,
    is_unknown,
    refuse_owned_keys,
    refuse_with_existing,
    reject_unknown_keys,
    require,
    short_hash,
)
from . import documents as doc
from . import facts
from .documents import RoleRef, resolve_role


class ExistingIdentity(TypedDict):
    """A user-assigned managed identity that already exists, to federate instead of creating one."""

    name: pulumi.Input[str]
    """Name of the existing user-assigned managed identity."""
    resource_group_name: NotRequired[pulumi.Input[str]]
    """Resource group of the existing identity; defaults to the component's resource_group_name."""


class AzureRoleAssignment(TypedDict):
    """One Azure role to grant the identity on one scope."""

    role: pulumi.Input[str]
    """A built-in role name (e.g. "Storage Blob Data Reader"), a role definition GUID, or a full role definition id."""
    scope: pulumi.Input[str]
    """ARM id of what the role is granted on, ideally one resource (e.g. a storage account's .id)."""


class AksFederatedIdentityArgs(TypedDict):
    """Arguments of ``AksFederatedIdentity``."""

    identity: ServiceIdentity
    """The Kubernetes ServiceAccount that gets the managed identity."""
    resource_group_name: NotRequired[pulumi.Input[str]]
    """Resource group the managed identity is created in (required unless existing_identity names its own)."""
    location: NotRequired[pulumi.Input[str]]
    """Azure region of the managed identity; defaults to the resource group's."""
    oidc_issuer_url: NotRequired[pulumi.Input[str]]
    """The cluster's OIDC issuer URL (oidc_issuer_profile.issuer_url), taken verbatim, trailing '/' included."""
    oidc_issuer_urls: NotRequired[list[pulumi.Input[str]]]
    """Several clusters' issuer URLs sharing one identity: one federated identity credential each (at most 20)."""
    identity_name: NotRequired[str]
    """Name of the managed identity; default "<namespace>-<name>", shortened with a stable hash past 128 characters."""
    existing_identity: NotRequired[ExistingIdentity]
    """Federate this existing managed identity instead of creating one."""
    tenant_id: NotRequired[pulumi.Input[str]]
    """Microsoft Entra tenant id to put in the azure.workload.identity/tenant-id annotation (optional)."""
    token_expiration_seconds: NotRequired[int]
    """azure.workload.identity/service-account-token-expiration of the projected token, 3600 to 86400."""
    role_assignments: NotRequired[list[AzureRoleAssignment]]
    """Azure roles to grant the identity, each on one scope."""
    allow_broad_roles: NotRequired[bool]
    """Accept Owner, Contributor, User Access Administrator, Role Based Access Control Administrator and any role at subscription or management-group scope (default false)."""


@dataclass
class RoleSpec:
    """One validated role assignment: role and scope as given, and its logical suffix."""

    role: Any
    scope: Any
    suffix: str
    field: str
    known: "tuple[RoleRef, doc.Scope] | None" = None


@dataclass
class AksSpec:
    """The validated, plain-valued shape of one ``AksFederatedIdentity``."""

    identity: Identity
    resource_group_name: Any
    location: Any = None
    identity_name: "str | None" = None
    existing_name: Any = None
    issuers: list = field(default_factory=list)
    fic_names: list = field(default_factory=list)
    fic_suffixes: list = field(default_factory=list)
    tenant_id: Any = None
    token_expiration_seconds: "int | None" = None
    role_assignments: list = field(default_factory=list)
    allow_broad_roles: bool = False
    tags: dict = field(default_factory=dict)
    placeholders: bool = False

    @property
    def creates_identity(self) -> bool:
        return self.existing_name is None

    @property
    def subject(self) -> str:
        return doc.fic_subject(self.identity.namespace, self.identity.service_account)


def aks_spec(args: Any, placeholders: bool = False) -> AksSpec:
    """Validate ``AksFederatedIdentityArgs`` (plain values now, Outputs when they resolve)."""
    if not isinstance(args, Mapping):
        raise ValidationError(
            "AksFederatedIdentityArgs", args, "must be a dict",
            "pass AksFederatedIdentityArgs(identity=..., resource_group_name=..., oidc_issuer_url=...)",
        )
    reject_unknown_keys("", args, AksFederatedIdentityArgs.__annotations__)
    identity = checked_identity(validate_identity(require(args, "identity", "")), placeholders)
    allow = check_bool("allow_broad_roles", args.get("allow_broad_roles", False))
    doc.check_tags("identity.tags", identity.tags)
    tags = checked_map(identity.tags, lambda k, v: doc.check_tag_value(f"identity.tags.{k}", v), placeholders=placeholders)
    spec = AksSpec(identity=identity, resource_group_name=None, allow_broad_roles=allow, tags=tags,
                   placeholders=placeholders)
    if args.get("existing_identity") is not None:
        _existing_identity_spec(args, spec)
    else:
        _new_identity_spec(args, spec)
    _issuers_spec(args, spec)

    spec.tenant_id = when_known(
        args.get("tenant_id"), lambda v: doc.check_guid("tenant_id", v, "a tenant id"), placeholders
    )
    expiration = args.get("token_expiration_seconds")
    if expiration is not None:
        spec.token_expiration_seconds = check_int_range(
            "token_expiration_seconds", expiration, *facts.TOKEN_EXPIRATION, " seconds"
        )
    _assignments_spec(args, spec)
    _refuse_owned_metadata(spec)
    return spec


def _refuse_owned_metadata(spec: AksSpec) -> None:
    """identity.annotations/labels may not set the webhook's keys: the component writes them."""
    tenant = spec.tenant_id if isinstance(spec.tenant_id, str) else None
    expiration = str(spec.token_expiration_seconds) if spec.token_expiration_seconds is not None else None
    refuse_owned_keys("identity.annotations", spec.identity.annotations, {
        facts.CLIENT_ID_ANNOTATION: (None, "the component writes the managed identity's client id; "
                                           "to federate an identity you manage, pass existing_identity"),
        facts.TENANT_ID_ANNOTATION: (tenant, "set tenant_id"),
        facts.TOKEN_EXPIRATION_ANNOTATION: (expiration, "set token_expiration_seconds"),
        facts.OWNED_PREFIX: (None, "the azure.workload.identity/ keys belong to the component (pod annotations "
                                   "such as skip-containers go on the workload's pod template)"),
    }, facts.OWNED_PREFIX)
    refuse_owned_keys("identity.labels", spec.identity.labels, {
        # older webhooks read the use label from the ServiceAccount: "true" is harmless there
        facts.USE_LABEL: ("true", "the component puts azure.workload.identity/use: 'true' in pod_template_patch"),
        facts.OWNED_PREFIX: (None, "the azure.workload.identity/ keys belong to the component"),
    }, facts.OWNED_PREFIX)


def _existing_identity_spec(args: Mapping[str, Any], spec: AksSpec) -> None:
    existing = args["existing_identity"]
    ph = spec.placeholders
    if not isinstance(existing, Mapping):
        raise ValidationError("existing_identity", existing, "must be a dict {name, resource_group_name}")
    reject_unknown_keys("existing_identity", existing, ExistingIdentity.__annotations__)
    refuse_with_existing(args, ("identity_name", "location"), "an identity", "existing_identity",
                         "drop it, or drop existing_identity")
    name = require(existing, "name", "existing_identity")
    spec.existing_name = when_known(name, lambda v: doc.check_identity_name("existing_identity.name", v), ph)
    group = existing.get("resource_group_name")
    if group is not None:
        spec.resource_group_name = when_known(
            group, lambda v: doc.check_resource_group("existing_identity.resource_group_name", v), ph
        )
        return
    resource_group = args.get("resource_group_name")
    if resource_group is None:
        require(existing, "resource_group_name", "existing_identity")
    spec.resource_group_name = when_known(
        resource_group, lambda v: doc.check_resource_group("resource_group_name", v), ph
    )


def _new_identity_spec(args: Mapping[str, Any], spec: AksSpec) -> None:
    ph = spec.placeholders
    require(args, "resource_group_name", "")
    spec.resource_group_name = when_known(
        args.get("resource_group_name"), lambda v: doc.check_resource_group("resource_group_name", v), ph
    )
    spec.location = when_known(args.get("location"), lambda v: check_str("location", v), ph)
    name = args.get("identity_name")
    if name is not None:
        if is_unknown(name):
            raise ValidationError("identity_name", "<Output>", "must be a plain string (it names the identity)")
        spec.identity_name = doc.check_identity_name("identity_name", name)
    else:
        spec.identity_name = doc.derive_identity_name(spec.identity.namespace, spec.identity.name)


def _refuse_same_issuer(values: list, first: int, second: int, later: bool) -> None:
    raise ValidationError(
        "oidc_issuer_urls", values if later else values[second],
        "lists the same issuer twice (issuer and subject must be unique per identity)",
        "give each cluster's issuer once",
    )


def _issuers_spec(args: Mapping[str, Any], spec: AksSpec) -> None:
    issuers = [args["oidc_issuer_url"]] if args.get("oidc_issuer_url") is not None else []
    issuers += check_str_list("oidc_issuer_urls", args.get("oidc_issuer_urls") or [])
    if not issuers:
        raise ValidationError(
            "oidc_issuer_url", None, "is required: the federated credential trusts this cluster's issuer",
            "pass the cluster's oidc_issuer_profile.issuer_url (enable the OIDC issuer and workload identity on the cluster)",
        )
    if len(issuers) > facts.MAX_FICS_PER_IDENTITY:
        raise ValidationError(
            "oidc_issuer_urls", f"{len(issuers)} issuers",
            f"Azure allows at most {facts.MAX_FICS_PER_IDENTITY} federated identity credentials per managed identity",
            "split the clusters over several identities",
        )
    checked = [
        when_known(url, lambda v, i=index: doc.check_issuer(f"oidc_issuer_urls[{i}]", v), spec.placeholders)
        for index, url in enumerate(issuers)
    ]
    checked = unique(checked, lambda url: url, _refuse_same_issuer)
    ns, sa = spec.identity.namespace, spec.identity.service_account
    for index, url in enumerate(checked):
        if isinstance(url, str):
            spec.fic_names.append(doc.derive_fic_name(ns, sa, url))
            spec.fic_suffixes.append(short_hash(url))
        else:
            spec.fic_names.append(url.apply(lambda v: doc.derive_fic_name(ns, sa, v)))
            spec.fic_suffixes.append(str(index))
    spec.issuers = checked


def _assignments_spec(args: Mapping[str, Any], spec: AksSpec) -> None:
    assignments = check_str_list("role_assignments", args.get("role_assignments") or [])
    seen: dict = {}
    for index, item in enumerate(assignments):
        role_spec = _assignment_spec(f"role_assignments[{index}]", item, index, spec)
        if role_spec.known is not None:
            key = (role_spec.known[0].guid, role_spec.known[1].scope.lower())
            if key in seen:
                raise ValidationError(
                    f"role_assignments[{index}]", dict(item),
                    f"grants the same role on the same scope as role_assignments[{seen[key]}]", "give each grant once",
                )
            seen[key] = index
        spec.role_assignments.append(role_spec)


def _assignment_spec(where: str, item: Any, index: int, spec: AksSpec) -> RoleSpec:
    allow, ph = spec.allow_broad_roles, spec.placeholders
    if not isinstance(item, Mapping):
        raise ValidationError(where, item, "must be a dict {role, scope}", '{"role": "Storage Blob Data Reader", "scope": account.id}')
    reject_unknown_keys(where, item, AzureRoleAssignment.__annotations__)
    role = require(item, "role", where)
    scope = require(item, "scope", where)
    if is_unknown(role) or is_unknown(scope):
        # check the plain half now, before anything is registered; the rest when it resolves
        if not is_unknown(role):
            _check_broad_role(where, role, resolve_role(f"{where}.role", role), allow)
        if not is_unknown(scope):
            _check_broad_scope(where, scope, doc.parse_scope(f"{where}.scope", scope, ph), "the role", allow)
        return RoleSpec(role=role, scope=scope, suffix=str(index), field=where)
    known = check_assignment(where, role, scope, allow, ph)
    suffix = short_hash(known[0].guid, known[1].scope.lower())
    return RoleSpec(role=role, scope=scope, suffix=suffix, field=where, known=known)


def check_assignment(where: str, role: Any, scope: Any, allow: bool, placeholders: bool = False) -> tuple:
    """Resolve and check one (role, scope) pair; refuse broad grants unless allowed."""
    ref = resolve_role(f"{where}.role", role)
    parsed = doc.parse_scope(f"{where}.scope", scope, placeholders)
    if ref.definition_id and parsed.subscription and "/subscriptions/" in ref.definition_id.lower():
        role_sub = ref.definition_id.split("/")[2]
        if role_sub.lower() != parsed.subscription.lower():
            raise ValidationError(
                f"{where}.role", role, f"names subscription {role_sub} but the scope is in subscription {parsed.subscription}",
                "pass the role's GUID; the package builds the id in the scope's subscription",
            )
    _check_broad_role(where, role, ref, allow)
    _check_broad_scope(where, scope, parsed, ref.label, allow)
    return ref, parsed


def _check_broad_role(where: str, role: Any, ref: RoleRef, allow: bool) -> None:
    if not allow and ref.broad:
        raise ValidationError(
            f"{where}.role", role,
            f"{ref.label} grants control of everything at its scope or of who has access to it",
            "grant a narrow data role (e.g. 'Storage Blob Data Reader', 'Key Vault Secrets User') on the one "
            "resource the workload uses, or set allow_broad_roles=True",
        )


def _check_broad_scope(where: str, scope: Any, parsed: "doc.Scope", label: str, allow: bool) -> None:
    if not allow and parsed.broad:
        raise ValidationError(
            f"{where}.scope", scope,
            f"a {parsed.kind.replace('_', ' ')} scope grants {label} on everything under it",
            "scope the assignment to the resource's .id (or at most its resource group), or set allow_broad_roles=True",
        )


def definition_id(where: str, role: str, scope: str, spec: AksSpec, fallback_subscription: "str | None") -> str:
    """The full role definition id of a checked (role, scope) pair."""
    ref, parsed = check_assignment(where, role, scope, spec.allow_broad_roles, spec.placeholders)
    if ref.definition_id:
        return ref.definition_id
    subscription = parsed.subscription or fallback_subscription
    if not subscription:
        raise ValidationError(f"{where}.scope", scope, "names no subscription and the provider reported none")
    return doc.role_definition_id(subscription, ref.guid)
