"""``GkeWorkloadIdentityArgs`` and its validation into a plain ``GkeSpec`` (no cloud SDK needed).

``gke_spec`` checks plain values at once and wraps Outputs so they fail with the same
``ValidationError`` when they resolve; ``placeholders`` (true only while
``pulumi-wid plan`` runs) is passed explicitly.
"""

# No `from __future__ import annotations` here: Pulumi's component analyzer reads
# these annotations at runtime to build the multi-language schema (tests/test_schema.py).

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypedDict

import pulumi

from .. import presets
from .._outputs import checked_identity, checked_map, known, output_of
from ..errors import ValidationError
from ..identity import Identity, ServiceIdentity, validate_identity
from ..validation import (
    NotRequired,
    check_bool,
    check_choice,
    check_str_list,
    contains_unknown,
    is_placeholder,
    is_unknown,
    refuse_for_mode,
    refuse_owned_keys,
    refuse_with_existing,
    reject_unknown_keys,
    require,
    short_hash,
)
from . import documents as m
from . import facts

SERVICE_ACCOUNT_ONLY = ("gsa_project", "account_id", "existing_service_account_email")


# Literal for type checkers and editors; str at run time, because Pulumi's schema analyzer
# (pulumi.provider.experimental, 3.237-3.272) cannot read Literal (TypeError in its is_enum check)
# and the multi-language schema must keep the plain string type.
if TYPE_CHECKING:
    GkeMode = Literal["service_account", "direct"]
else:
    GkeMode = str


class GcpBinding(TypedDict):
    """One resource-level grant: ``role`` on one bucket, secret, topic, ..."""

    role: pulumi.Input[str]
    """The role to grant on the resource, e.g. "roles/storage.objectViewer" (predefined) or "projects/<p>/roles/<r>" (custom)."""
    resource_type: str
    """Kind of resource: "storage_bucket", "secret", "pubsub_topic", "pubsub_subscription", "artifact_registry_repository", "bigquery_dataset" or "dns_managed_zone"."""
    resource: pulumi.Input[str]
    """The resource: a bucket name; a secret, topic, subscription or dataset id or its full "projects/<p>/..." name (a bare id is looked up in `project`); an Artifact Registry repository as "projects/<p>/locations/<l>/repositories/<r>" or "<location>/<name>"."""


class GkeWorkloadIdentityArgs(TypedDict):
    """Arguments of ``GkeWorkloadIdentity``."""

    identity: ServiceIdentity
    """The Kubernetes ServiceAccount that gets the Google identity. GCP service accounts and IAM grants carry no labels: in service-account mode identity.tags are written into the GSA's description; in direct mode nothing can carry them (a warning says so)."""
    project: pulumi.Input[str]
    """Project id of the GKE cluster: it names the workload identity pool "<project>.svc.id.goog". Bare resource ids in bindings and the project-level roles also refer to this project."""
    mode: NotRequired[GkeMode]
    """"service_account" (default): a Google service account (GSA) the KSA impersonates through roles/iam.workloadIdentityUser; "direct": grants go straight to the KSA's principal:// identifier, no GSA (needs project_number; some services do not accept such principals)."""
    project_number: NotRequired[pulumi.Input[str]]
    """Direct mode: the cluster project's number (digits), part of the principal:// identifier."""
    gsa_project: NotRequired[pulumi.Input[str]]
    """Service-account mode: project id where the GSA is created (default: project). The workload pool stays the cluster's."""
    account_id: NotRequired[str]
    """Service-account mode: the GSA's account id (6-30 chars, `[a-z][-a-z0-9]*[a-z0-9]`); default "<namespace>-<name>" (identity.name), shortened with a stable hash of both when it is no valid id."""
    existing_service_account_email: NotRequired[pulumi.Input[str]]
    """Service-account mode: bind this existing GSA instead of creating one (the grants are still made for it)."""
    roles: NotRequired[list[pulumi.Input[str]]]
    """Project-level roles granted on `project` to the identity (the GSA, or the principal in direct mode)."""
    bindings: NotRequired[list[GcpBinding]]
    """Resource-level grants, each with an additive *IAMMember resource of the resource's service."""
    autopilot: NotRequired[bool]
    """The cluster is Autopilot: the pod template gets no gke-metadata-server node selector (Autopilot rejects it). Default false (Standard)."""
    allow_basic_roles: NotRequired[bool]
    """Accept the basic roles roles/owner, roles/editor and roles/viewer (default false)."""
    allow_project_escalation_roles: NotRequired[bool]
    """Accept project-level `roles` that let the workload impersonate any service account or change IAM (roles/iam.serviceAccountTokenCreator, roles/iam.serviceAccountUser, roles/iam.workloadIdentityUser, ...; default false)."""
    preset: NotRequired[dict[str, Any]]
    """An add-on preset: {"name": "external-dns", "parameters": {"managed_zones": [...]}} or what pulumi_wid.presets.gcp.<add-on>(...) returns. Its bindings and roles follow the caller's; its namespace and ServiceAccount fill in what identity leaves out."""


@dataclass
class GrantSpec:
    """One validated grant: ``kind`` "project" or a resource type."""

    kind: str
    role: Any
    suffix: str
    target: dict = field(default_factory=dict)


@dataclass
class GkeSpec:
    """The validated, plain-valued shape of one ``GkeWorkloadIdentity``."""

    identity: Identity
    mode: str
    project: Any
    project_number: Any = None
    gsa_project: Any = None
    account_id: "str | None" = None
    existing_email: Any = None
    grants: list = field(default_factory=list)
    autopilot: bool = False
    description: Any = ""
    placeholders: bool = False


def gke_spec(args: Any, placeholders: bool = False) -> GkeSpec:
    """Validate ``GkeWorkloadIdentityArgs`` (plain values now, Outputs when they resolve)."""
    if not isinstance(args, Mapping):
        raise ValidationError(
            "GkeWorkloadIdentityArgs", args, "must be a dict",
            "pass GkeWorkloadIdentityArgs(identity=..., project=...)",
        )
    reject_unknown_keys("", args, GkeWorkloadIdentityArgs.__annotations__)
    args, _preset = presets.merge_args("gcp", args)
    identity = checked_identity(validate_identity(require(args, "identity", "")), placeholders)
    m.check_labels("identity.tags", identity.tags)
    mode = check_choice("mode", args.get("mode", "service_account"), facts.MODES)
    allow_basic = check_bool("allow_basic_roles", args.get("allow_basic_roles", False))
    autopilot = check_bool("autopilot", args.get("autopilot", False))
    project = known(require(args, "project", ""), lambda v: m.check_project_id("project", v), placeholders)
    if mode == "direct":
        refuse_for_mode(args, SERVICE_ACCOUNT_ONLY, "service_account")
    else:
        refuse_for_mode(args, ("project_number",), "direct")

    spec = GkeSpec(identity=identity, mode=mode, project=project, autopilot=autopilot, placeholders=placeholders)
    if mode == "direct":
        number = args.get("project_number")
        if number is None or number == "":
            raise ValidationError(
                "project_number", number, "direct mode needs the cluster project's number: it is part of the "
                "principal:// identifier", "set project_number (gcloud projects describe <project> "
                "--format='value(projectNumber)'), or use mode='service_account'",
            )
        spec.project_number = known(number, lambda v: m.check_project_number("project_number", v), placeholders)
    else:
        _service_account_spec(args, spec)
    allow_escalation = check_bool("allow_project_escalation_roles", args.get("allow_project_escalation_roles", False))
    spec.grants = _grants_spec(args, spec, allow_basic, allow_escalation)
    _refuse_owned_annotations(spec)
    return spec


def _refuse_owned_annotations(spec: GkeSpec) -> None:
    """identity.annotations may not name another GSA than the one the component binds."""
    if spec.mode == "direct":
        fix = "direct mode grants to the ServiceAccount's principal:// identifier, with no GSA; use mode='service_account'"
        written = None
    else:
        fix = "the component writes the GSA's email; to bind a GSA you manage, pass existing_service_account_email"
        written = spec.existing_email if isinstance(spec.existing_email, str) else None
    refuse_owned_keys("identity.annotations", spec.identity.annotations, {facts.GSA_ANNOTATION: (written, fix)})


def _service_account_spec(args: Mapping[str, Any], spec: GkeSpec) -> None:
    ph, identity = spec.placeholders, spec.identity
    existing = args.get("existing_service_account_email")
    if existing is not None:
        refuse_with_existing(args, ("account_id", "gsa_project"), "a service account", "existing_service_account_email")
        spec.existing_email = known(
            existing, lambda v: (m.parse_service_account_email("existing_service_account_email", v), v)[1], ph
        )
        return
    account_id = args.get("account_id")
    if account_id is not None:
        if is_unknown(account_id):
            raise ValidationError("account_id", "<Output>", "must be a plain string (it names the GSA)")
        m.check_account_id("account_id", account_id)
    else:
        account_id = m.default_account_id(identity.namespace, identity.name)
    spec.account_id = account_id
    gsa_project = args.get("gsa_project")
    spec.gsa_project = (
        spec.project if gsa_project is None
        else known(gsa_project, lambda v: m.check_project_id("gsa_project", v, allow_legacy=True), ph)
    )
    ns, sa = identity.namespace, identity.service_account
    if not contains_unknown(identity.tags):
        spec.description = m.check_description("identity.tags", m.description(ns, sa, identity.tags))
        return
    # Output tag values: checked as labels, and the description sized, once they resolve
    tags = checked_map(identity.tags, lambda k, v: m.check_label_value(f"identity.tags.{k}", v), placeholders=ph)
    spec.description = output_of(tags).apply(
        lambda resolved: m.check_description("identity.tags", m.description(ns, sa, resolved))
    )


def _grants_spec(args: Mapping[str, Any], spec: GkeSpec, allow_basic: bool, allow_escalation: bool) -> list:
    grants: list = []
    project, ph = spec.project, spec.placeholders

    def project_role(where: str, value: Any) -> str:
        m.check_role(where, value, allow_basic)
        m.check_project_role(where, value, allow_escalation)
        return value

    for index, role in enumerate(check_str_list("roles", args.get("roles") or [])):
        where = f"roles[{index}]"
        role = known(role, lambda v, w=where: project_role(w, v), ph)
        suffix = m.role_suffix(role) if isinstance(role, str) else f"{index}"
        grants.append(GrantSpec(kind="project", role=role, suffix=f"role-{suffix}", target={"project": project}))
    for index, binding in enumerate(check_str_list("bindings", args.get("bindings") or [])):
        where = f"bindings[{index}]"
        if not isinstance(binding, Mapping):
            raise ValidationError(
                where, binding, "must be a dict with role, resource_type and resource",
                "e.g. {'role': 'roles/storage.objectViewer', 'resource_type': 'storage_bucket', 'resource': 'my-bucket'}",
            )
        reject_unknown_keys(where, binding, GcpBinding.__annotations__)
        kind = m.check_resource_type(f"{where}.resource_type", require(binding, "resource_type", where))
        role = known(require(binding, "role", where), lambda v, w=where: m.check_role(f"{w}.role", v, allow_basic), ph)
        resource = require(binding, "resource", where)
        target = _target(f"{where}.resource", kind, resource, project, ph)
        key = (role, kind, resource) if isinstance(role, str) and isinstance(resource, str) else (kind, f"#{index}")
        grants.append(GrantSpec(kind=kind, role=role, suffix=f"binding-{short_hash(*key)}", target=target))
    seen: set = set()
    for grant in grants:
        if grant.suffix in seen:
            raise ValidationError(
                "roles" if grant.kind == "project" else "bindings", grant.role,
                "is granted twice on the same resource", "give each grant once",
            )
        seen.add(grant.suffix)
    return grants


def _target(where: str, kind: str, resource: Any, project: Any, placeholders: bool) -> dict:
    """The provider arguments naming the resource, now or (for an Output) once it resolves."""
    if not is_unknown(resource):
        return m.binding_target(where, kind, resource, project)
    keys = facts.TARGET_KEYS[kind]

    def parse(values: list) -> dict:
        if values[0] is None:  # like when_known: nothing to check (e.g. a computed name under mocks)
            return dict.fromkeys(keys)
        if is_placeholder(values[0], placeholders):  # `plan`: the resource's name is known after deploy
            return {k: values[1] if k == "project" else values[0] for k in keys}
        return m.binding_target(where, kind, values[0], values[1])

    parsed = pulumi.Output.all(resource, project).apply(parse)
    return {key: parsed.apply(lambda t, k=key: t[k]) for key in keys}
