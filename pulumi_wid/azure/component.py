"""``AksFederatedIdentity``: a user-assigned managed identity for one Kubernetes ServiceAccount on AKS."""

# No `from __future__ import annotations` here: Pulumi's component analyzer reads
# these annotations at runtime to build the multi-language schema (tests/test_schema.py).

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypedDict

import pulumi
import pulumi_azure_native as azure_native

from .. import kubernetes
from ..errors import ValidationError
from ..identity import Identity, ServiceIdentity, validate_identity
from ..validation import (
    check_bool,
    check_int_range,
    check_str,
    check_str_list,
    is_unknown,
    output_of,
    reject_unknown_keys,
    require,
    when_known,
)
from . import documents as doc
from .roles import RoleRef, resolve_role

try:
    from typing import NotRequired
except ImportError:  # pragma: no cover
    from typing_extensions import NotRequired

CLIENT_ID_ANNOTATION = "azure.workload.identity/client-id"
TENANT_ID_ANNOTATION = "azure.workload.identity/tenant-id"
TOKEN_EXPIRATION_ANNOTATION = "azure.workload.identity/service-account-token-expiration"
USE_LABEL = "azure.workload.identity/use"


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
class RolePlan:
    """One validated role assignment: role and scope as given, and its logical suffix."""

    role: Any
    scope: Any
    suffix: str
    field: str
    known: tuple[RoleRef, doc.Scope] | None = None


@dataclass
class AksPlan:
    """The validated, plain-valued shape of one ``AksFederatedIdentity``."""

    identity: Identity
    resource_group_name: Any
    location: Any = None
    identity_name: str | None = None
    existing_name: Any = None
    issuers: list[Any] = field(default_factory=list)
    fic_names: list[Any] = field(default_factory=list)
    fic_suffixes: list[str] = field(default_factory=list)
    tenant_id: Any = None
    token_expiration_seconds: int | None = None
    role_assignments: list[RolePlan] = field(default_factory=list)
    allow_broad_roles: bool = False
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def creates_identity(self) -> bool:
        return self.existing_name is None

    @property
    def subject(self) -> str:
        return doc.fic_subject(self.identity.namespace, self.identity.service_account)


def plan_aks(args: Any) -> AksPlan:
    """Validate ``AksFederatedIdentityArgs`` (plain values now, Outputs when they resolve)."""
    where = "AksFederatedIdentityArgs"
    if not isinstance(args, Mapping):
        raise ValidationError(
            where, args, "must be a dict", "pass AksFederatedIdentityArgs(identity=..., resource_group_name=..., oidc_issuer_url=...)"
        )
    reject_unknown_keys("", args, AksFederatedIdentityArgs.__annotations__)
    identity = validate_identity(require(args, "identity", ""))
    allow = check_bool("allow_broad_roles", args.get("allow_broad_roles", False))
    doc.check_tags("identity.tags", identity.tags)

    resource_group = args.get("resource_group_name")
    existing = args.get("existing_identity")
    plan = AksPlan(identity=identity, resource_group_name=None, allow_broad_roles=allow, tags=dict(identity.tags))
    if existing is not None:
        if not isinstance(existing, Mapping):
            raise ValidationError("existing_identity", existing, "must be a dict {name, resource_group_name}")
        reject_unknown_keys("existing_identity", existing, ExistingIdentity.__annotations__)
        for key in ("identity_name", "location"):
            if args.get(key) is not None:
                raise ValidationError(
                    key, args[key], "cannot be applied to an identity the component does not create (existing_identity is given)",
                    "drop it, or drop existing_identity",
                )
        name = require(existing, "name", "existing_identity")
        plan.existing_name = when_known(name, lambda v: doc.check_identity_name("existing_identity.name", v))
        group = existing.get("resource_group_name")
        if group is not None:
            plan.resource_group_name = when_known(
                group, lambda v: doc.check_resource_group("existing_identity.resource_group_name", v)
            )
        else:
            if resource_group is None:
                require(existing, "resource_group_name", "existing_identity")
            plan.resource_group_name = when_known(
                resource_group, lambda v: doc.check_resource_group("resource_group_name", v)
            )
    else:
        require(args, "resource_group_name", "")
        plan.resource_group_name = when_known(resource_group, lambda v: doc.check_resource_group("resource_group_name", v))
        plan.location = when_known(args.get("location"), lambda v: check_str("location", v))
        name = args.get("identity_name")
        if name is not None:
            if is_unknown(name):
                raise ValidationError("identity_name", "<Output>", "must be a plain string (it names the identity)")
            plan.identity_name = doc.check_identity_name("identity_name", name)
        else:
            plan.identity_name = doc.derive_identity_name(identity.namespace, identity.name)

    _plan_issuers(args, plan)

    tenant = args.get("tenant_id")
    plan.tenant_id = when_known(tenant, lambda v: doc.check_guid("tenant_id", v, "a tenant id"))
    expiration = args.get("token_expiration_seconds")
    if expiration is not None:
        plan.token_expiration_seconds = check_int_range("token_expiration_seconds", expiration, 3600, 86400, " seconds")

    assignments = check_str_list("role_assignments", args.get("role_assignments") or [])
    seen: dict[tuple[str, str], int] = {}
    for index, item in enumerate(assignments):
        role_plan = _plan_assignment(f"role_assignments[{index}]", item, index, allow)
        if role_plan.known is not None:
            key = (role_plan.known[0].guid, role_plan.known[1].scope.lower())
            if key in seen:
                raise ValidationError(
                    f"role_assignments[{index}]", dict(item),
                    f"grants the same role on the same scope as role_assignments[{seen[key]}]", "give each grant once",
                )
            seen[key] = index
        plan.role_assignments.append(role_plan)
    return plan


def _plan_issuers(args: Mapping[str, Any], plan: AksPlan) -> None:
    issuers = [args["oidc_issuer_url"]] if args.get("oidc_issuer_url") is not None else []
    issuers += check_str_list("oidc_issuer_urls", args.get("oidc_issuer_urls") or [])
    if not issuers:
        raise ValidationError(
            "oidc_issuer_url", None, "is required: the federated credential trusts this cluster's issuer",
            "pass the cluster's oidc_issuer_profile.issuer_url (enable the OIDC issuer and workload identity on the cluster)",
        )
    if len(issuers) > doc.MAX_FICS_PER_IDENTITY:
        raise ValidationError(
            "oidc_issuer_urls", f"{len(issuers)} issuers",
            f"Azure allows at most {doc.MAX_FICS_PER_IDENTITY} federated identity credentials per managed identity",
            "split the clusters over several identities",
        )
    checked = [
        when_known(url, lambda v, i=index: doc.check_issuer(f"oidc_issuer_urls[{i}]", v))
        for index, url in enumerate(issuers)
    ]
    known = [u for u in checked if isinstance(u, str)]
    for index, url in enumerate(known):
        if url in known[:index]:
            raise ValidationError(
                "oidc_issuer_urls", url, "lists the same issuer twice (issuer and subject must be unique per identity)",
                "give each cluster's issuer once",
            )
    if len(known) != len(checked):  # some are Outputs: refuse duplicates once they resolve
        def pick(values: list[str], i: int) -> str:
            if len(set(values)) != len(values):
                raise ValidationError(
                    "oidc_issuer_urls", values, "lists the same issuer twice (issuer and subject must be unique per identity)",
                    "give each cluster's issuer once",
                )
            return values[i]

        # a duplicate involves at least one Output (plain pairs were checked above)
        everything = pulumi.Output.all(*checked)
        checked = [
            url if isinstance(url, str) else everything.apply(lambda values, i=i: pick(values, i))
            for i, url in enumerate(checked)
        ]
    ns, sa = plan.identity.namespace, plan.identity.service_account
    for index, url in enumerate(checked):
        if isinstance(url, str):
            plan.fic_names.append(doc.derive_fic_name(ns, sa, url))
            plan.fic_suffixes.append(doc.short_hash(url))
        else:
            plan.fic_names.append(url.apply(lambda v: doc.derive_fic_name(ns, sa, v)))
            plan.fic_suffixes.append(str(index))
    plan.issuers = checked


def _plan_assignment(where: str, item: Any, index: int, allow: bool) -> RolePlan:
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
            _check_broad_scope(where, scope, doc.parse_scope(f"{where}.scope", scope), "the role", allow)
        return RolePlan(role=role, scope=scope, suffix=str(index), field=where)
    known = check_assignment(where, role, scope, allow)
    suffix = doc.short_hash(known[0].guid, known[1].scope.lower())
    return RolePlan(role=role, scope=scope, suffix=suffix, field=where, known=known)


def check_assignment(where: str, role: Any, scope: Any, allow: bool) -> tuple[RoleRef, doc.Scope]:
    """Resolve and check one (role, scope) pair; refuse broad grants unless allowed."""
    ref = resolve_role(f"{where}.role", role)
    parsed = doc.parse_scope(f"{where}.scope", scope)
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


def _check_broad_scope(where: str, scope: Any, parsed: doc.Scope, label: str, allow: bool) -> None:
    if not allow and parsed.broad:
        raise ValidationError(
            f"{where}.scope", scope,
            f"a {parsed.kind.replace('_', ' ')} scope grants {label} on everything under it",
            "scope the assignment to the resource's .id (or at most its resource group), or set allow_broad_roles=True",
        )


def _definition_id(where: str, role: str, scope: str, allow: bool, fallback_subscription: str | None) -> str:
    ref, parsed = check_assignment(where, role, scope, allow)
    if ref.definition_id:
        return ref.definition_id
    subscription = parsed.subscription or fallback_subscription
    if not subscription:
        raise ValidationError(f"{where}.scope", scope, "names no subscription and the provider reported none")
    return doc.role_definition_id(subscription, ref.guid)


class AksFederatedIdentity(pulumi.ComponentResource):
    """A user-assigned managed identity for one Kubernetes ServiceAccount on AKS.

    Creates the managed identity (or federates an existing one), one federated
    identity credential per cluster issuer (written one after another), the role
    assignments, and the ServiceAccount annotated with the identity's client id.
    """

    client_id: pulumi.Output[str]
    """Client (application) id of the managed identity: the azure.workload.identity/client-id annotation."""
    principal_id: pulumi.Output[str]
    """Object (principal) id of the managed identity's service principal, the role assignments' principal."""
    tenant_id: pulumi.Output[str]
    """Microsoft Entra tenant of the managed identity."""
    identity_id: pulumi.Output[str]
    """ARM resource id of the managed identity."""
    federated_credential_names: pulumi.Output[list[str]]
    """Names of the federated identity credentials, one per issuer, in the order given."""
    service_account_name: pulumi.Output[str]
    """Name of the Kubernetes ServiceAccount."""
    namespace: pulumi.Output[str]
    """Namespace of the Kubernetes ServiceAccount."""
    service_account_annotations: pulumi.Output[dict[str, str]]
    """The annotations the ServiceAccount must carry for the identity to work."""
    pod_template_patch: pulumi.Output[dict[str, Any]]
    """Partial PodTemplateSpec to merge into the workload's spec.template (the azure.workload.identity/use label and serviceAccountName)."""

    def __init__(
        self, name: str, args: AksFederatedIdentityArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        plan = plan_aks(args)  # bad input fails here, before anything is registered
        super().__init__("wid:index:AksFederatedIdentity", name, {}, opts)
        kubernetes.warn_default_providers(self, "azure-native", plan.identity.service_account_mode != "none")
        identity = plan.identity
        invoke = pulumi.InvokeOutputOptions(parent=self)

        if plan.creates_identity:
            uami = azure_native.managedidentity.UserAssignedIdentity(
                f"{name}-identity",
                resource_name_=plan.identity_name,
                resource_group_name=plan.resource_group_name,
                location=plan.location,
                tags=plan.tags or None,
                opts=pulumi.ResourceOptions(parent=self),
            )
            uami_name: Any = uami.name
            client_id, principal_id, tenant_id, identity_id = uami.client_id, uami.principal_id, uami.tenant_id, uami.id
        else:
            found = azure_native.managedidentity.get_user_assigned_identity_output(
                resource_group_name=plan.resource_group_name, resource_name=plan.existing_name, opts=invoke
            )
            uami_name = plan.existing_name
            client_id, principal_id, tenant_id, identity_id = (
                found.client_id, found.principal_id, found.tenant_id, found.id,
            )

        # Azure refuses concurrent FIC writes on one identity: chain them. A replaced FIC
        # is deleted first, since issuer+subject must be unique per identity.
        credentials: list[pulumi.Resource] = []
        for issuer, fic_name, suffix in zip(plan.issuers, plan.fic_names, plan.fic_suffixes, strict=True):
            credential = azure_native.managedidentity.FederatedIdentityCredential(
                f"{name}-federated-credential-{suffix}",
                resource_name_=uami_name,
                resource_group_name=plan.resource_group_name,
                federated_identity_credential_resource_name=fic_name,
                issuer=issuer,
                subject=plan.subject,
                audiences=[doc.AUDIENCE],
                opts=pulumi.ResourceOptions(
                    parent=self, depends_on=credentials[-1:], delete_before_replace=True
                ),
            )
            credentials.append(credential)

        grants = self._role_assignments(name, plan, principal_id, invoke)

        annotations: dict[str, Any] = {CLIENT_ID_ANNOTATION: client_id}
        if plan.tenant_id is not None:
            annotations[TENANT_ID_ANNOTATION] = plan.tenant_id
        if plan.token_expiration_seconds is not None:
            annotations[TOKEN_EXPIRATION_ANNOTATION] = str(plan.token_expiration_seconds)
        kubernetes.service_account(name, identity, annotations, self, depends_on=[*credentials, *grants])

        self.client_id = output_of(client_id)
        self.principal_id = output_of(principal_id)
        self.tenant_id = output_of(tenant_id)
        self.identity_id = output_of(identity_id)
        self.federated_credential_names = output_of(list(plan.fic_names))
        self.service_account_name = pulumi.Output.from_input(identity.service_account)
        self.namespace = pulumi.Output.from_input(identity.namespace)
        self.service_account_annotations = output_of(annotations)
        self.pod_template_patch = output_of(
            kubernetes.pod_template_patch(identity.service_account, labels={USE_LABEL: "true"})
        )
        self.register_outputs(
            {
                "client_id": self.client_id,
                "principal_id": self.principal_id,
                "tenant_id": self.tenant_id,
                "identity_id": self.identity_id,
                "federated_credential_names": self.federated_credential_names,
                "service_account_name": self.service_account_name,
                "namespace": self.namespace,
                "service_account_annotations": self.service_account_annotations,
                "pod_template_patch": self.pod_template_patch,
            }
        )

    def _role_assignments(
        self, name: str, plan: AksPlan, principal_id: pulumi.Output[str], invoke: pulumi.InvokeOutputOptions
    ) -> list[pulumi.Resource]:
        needs_caller = any(
            a.known is None or (a.known[0].definition_id is None and a.known[1].subscription is None)
            for a in plan.role_assignments
        )
        caller_subscription: Any = None
        if needs_caller:
            caller_subscription = azure_native.authorization.get_client_config_output(opts=invoke).subscription_id
        grants: list[pulumi.Resource] = []
        for assignment in plan.role_assignments:
            if assignment.known is not None and (
                assignment.known[0].definition_id or assignment.known[1].subscription
            ):
                definition: Any = _definition_id(assignment.field, assignment.role, assignment.scope, plan.allow_broad_roles, None)
            else:
                definition = pulumi.Output.all(assignment.role, assignment.scope, caller_subscription).apply(
                    lambda v, a=assignment: _definition_id(a.field, v[0], v[1], plan.allow_broad_roles, v[2])
                )
            scope = assignment.scope
            grants.append(
                azure_native.authorization.RoleAssignment(
                    f"{name}-role-assignment-{assignment.suffix}",
                    principal_id=principal_id,
                    principal_type="ServicePrincipal",
                    role_definition_id=definition,
                    scope=scope,
                    role_assignment_name=pulumi.Output.all(scope, principal_id, definition).apply(
                        lambda v: doc.role_assignment_name(v[0], v[1], v[2])
                    ),
                    opts=pulumi.ResourceOptions(parent=self),
                )
            )
        return grants
