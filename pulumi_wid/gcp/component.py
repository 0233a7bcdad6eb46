"""``GkeWorkloadIdentity``: a Google identity for one Kubernetes ServiceAccount on GKE."""

# No `from __future__ import annotations` here: Pulumi's component analyzer reads
# these annotations at runtime to build the multi-language schema (tests/test_schema.py).

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypedDict

import pulumi
import pulumi_gcp as gcp

from .. import kubernetes
from ..errors import ValidationError
from ..identity import Identity, ServiceIdentity, validate_identity
from ..validation import (
    check_bool,
    check_choice,
    check_str_list,
    is_placeholder,
    is_unknown,
    output_of,
    reject_unknown_keys,
    require,
)
from . import members as m

try:
    from typing import NotRequired
except ImportError:  # pragma: no cover
    from typing_extensions import NotRequired

MODES = ("service_account", "direct")


class GcpBinding(TypedDict):
    """One resource-level grant: ``role`` on one bucket, secret, topic, ..."""

    role: pulumi.Input[str]
    """The role to grant on the resource, e.g. "roles/storage.objectViewer" (predefined) or "projects/<p>/roles/<r>" (custom)."""
    resource_type: str
    """Kind of resource: "storage_bucket", "secret", "pubsub_topic", "pubsub_subscription", "artifact_registry_repository" or "bigquery_dataset"."""
    resource: pulumi.Input[str]
    """The resource: a bucket name; a secret, topic, subscription or dataset id or its full "projects/<p>/..." name (a bare id is looked up in `project`); an Artifact Registry repository as "projects/<p>/locations/<l>/repositories/<r>" or "<location>/<name>"."""


class GkeWorkloadIdentityArgs(TypedDict):
    """Arguments of ``GkeWorkloadIdentity``."""

    identity: ServiceIdentity
    """The Kubernetes ServiceAccount that gets the Google identity. GCP service accounts and IAM grants carry no labels: in service-account mode identity.tags are written into the GSA's description; in direct mode nothing can carry them (a warning says so)."""
    project: pulumi.Input[str]
    """Project id of the GKE cluster: it names the workload identity pool "<project>.svc.id.goog". Bare resource ids in bindings and the project-level roles also refer to this project."""
    mode: NotRequired[str]
    """"service_account" (default): a Google service account (GSA) the KSA impersonates through roles/iam.workloadIdentityUser; "direct": grants go straight to the KSA's principal:// identifier, no GSA (needs project_number; some services do not accept such principals)."""
    project_number: NotRequired[pulumi.Input[str]]
    """Direct mode: the cluster project's number (digits), part of the principal:// identifier."""
    gsa_project: NotRequired[pulumi.Input[str]]
    """Service-account mode: project id where the GSA is created (default: project). The workload pool stays the cluster's."""
    account_id: NotRequired[str]
    """Service-account mode: the GSA's account id (6-30 chars, [a-z][-a-z0-9]*[a-z0-9]); default derived from identity.name, shortened with a stable hash when needed."""
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


@dataclass
class GrantPlan:
    """One validated grant: ``kind`` "project" or a resource type."""

    kind: str
    role: Any
    suffix: str
    target: dict[str, Any] = field(default_factory=dict)


@dataclass
class GkePlan:
    """The validated, plain-valued shape of one ``GkeWorkloadIdentity``."""

    identity: Identity
    mode: str
    project: Any
    project_number: Any = None
    gsa_project: Any = None
    account_id: str | None = None
    existing_email: Any = None
    grants: list[GrantPlan] = field(default_factory=list)
    autopilot: bool = False
    description: str = ""


def plan_gke(args: Any) -> GkePlan:
    """Validate ``GkeWorkloadIdentityArgs`` (plain values now, Outputs when they resolve)."""
    if not isinstance(args, Mapping):
        raise ValidationError(
            "GkeWorkloadIdentityArgs", args, "must be a dict",
            "pass GkeWorkloadIdentityArgs(identity=..., project=...)",
        )
    reject_unknown_keys("", args, GkeWorkloadIdentityArgs.__annotations__)
    identity = validate_identity(require(args, "identity", ""))
    mode = check_choice("mode", args.get("mode", "service_account"), MODES)
    allow_basic = check_bool("allow_basic_roles", args.get("allow_basic_roles", False))
    autopilot = check_bool("autopilot", args.get("autopilot", False))
    project = _known(require(args, "project", ""), lambda v: m.check_project_id("project", v))

    sa_only = ("gsa_project", "account_id", "existing_service_account_email")
    for key in sa_only if mode == "direct" else ("project_number",):
        if args.get(key) is not None:
            other = "service_account" if mode == "direct" else "direct"
            raise ValidationError(key, args[key], f"only applies when mode={other!r}", f"drop it, or set mode={other!r}")

    plan = GkePlan(identity=identity, mode=mode, project=project, autopilot=autopilot)
    if mode == "direct":
        number = args.get("project_number")
        if number is None or number == "":
            raise ValidationError(
                "project_number", number, "direct mode needs the cluster project's number: it is part of the "
                "principal:// identifier", "set project_number (gcloud projects describe <project> "
                "--format='value(projectNumber)'), or use mode='service_account'",
            )
        plan.project_number = _known(number, lambda v: m.check_project_number("project_number", v))
    else:
        existing = args.get("existing_service_account_email")
        account_id = args.get("account_id")
        if existing is not None:
            for key in ("account_id", "gsa_project"):
                if args.get(key) is not None:
                    raise ValidationError(
                        key, args[key], "cannot be applied to a service account the component does not create "
                        "(existing_service_account_email is given)", f"drop {key}, or drop existing_service_account_email",
                    )
            plan.existing_email = _known(
                existing, lambda v: (m.parse_service_account_email("existing_service_account_email", v), v)[1]
            )
        else:
            if account_id is not None:
                if is_unknown(account_id):
                    raise ValidationError("account_id", "<Output>", "must be a plain string (it names the GSA)")
                m.check_account_id("account_id", account_id)
            else:
                account_id = m.derive_account_id(identity.name)
            plan.account_id = account_id
            gsa_project = args.get("gsa_project")
            plan.gsa_project = (
                project if gsa_project is None
                else _known(gsa_project, lambda v: m.check_project_id("gsa_project", v, allow_legacy=True))
            )
            plan.description = m.check_description(
                "identity.tags", m.description(identity.namespace, identity.service_account, identity.tags)
            )

    allow_escalation = check_bool("allow_project_escalation_roles", args.get("allow_project_escalation_roles", False))
    plan.grants = _plan_grants(args, project, allow_basic, allow_escalation)
    return plan


def _plan_grants(args: Mapping[str, Any], project: Any, allow_basic: bool, allow_escalation: bool) -> list[GrantPlan]:
    grants: list[GrantPlan] = []

    def project_role(where: str, value: Any) -> str:
        m.check_role(where, value, allow_basic)
        m.check_project_role(where, value, allow_escalation)
        return value

    for index, role in enumerate(check_str_list("roles", args.get("roles") or [])):
        where = f"roles[{index}]"
        role = _known(role, lambda v, w=where: project_role(w, v))
        suffix = m.role_suffix(role) if isinstance(role, str) else f"{index}"
        grants.append(GrantPlan(kind="project", role=role, suffix=f"role-{suffix}", target={"project": project}))
    for index, binding in enumerate(check_str_list("bindings", args.get("bindings") or [])):
        where = f"bindings[{index}]"
        if not isinstance(binding, Mapping):
            raise ValidationError(
                where, binding, "must be a dict with role, resource_type and resource",
                "e.g. {'role': 'roles/storage.objectViewer', 'resource_type': 'storage_bucket', 'resource': 'my-bucket'}",
            )
        reject_unknown_keys(where, binding, GcpBinding.__annotations__)
        kind = m.check_resource_type(f"{where}.resource_type", require(binding, "resource_type", where))
        role = _known(require(binding, "role", where), lambda v, w=where: m.check_role(f"{w}.role", v, allow_basic))
        resource = require(binding, "resource", where)
        target = _target(f"{where}.resource", kind, resource, project)
        key = (role, kind, resource) if isinstance(role, str) and isinstance(resource, str) else (kind, f"#{index}")
        grants.append(GrantPlan(kind=kind, role=role, suffix=f"binding-{m.short_hash(*key)}", target=target))
    seen: dict[str, int] = {}
    for grant in grants:
        if grant.suffix in seen:
            raise ValidationError(
                "roles" if grant.kind == "project" else "bindings", grant.role,
                "is granted twice on the same resource", "give each grant once",
            )
        seen[grant.suffix] = 1
    return grants


def _target(where: str, kind: str, resource: Any, project: Any) -> dict[str, Any]:
    """The provider arguments naming the resource, now or (for an Output) once it resolves."""
    if not is_unknown(resource):
        return m.binding_target(where, kind, resource, project)

    def parse(values: list[Any]) -> dict[str, Any]:
        if values[0] is None:  # like when_known: nothing to check (e.g. a computed name under mocks)
            return dict.fromkeys(m.TARGET_KEYS[kind])
        return m.binding_target(where, kind, values[0], values[1])

    parsed = pulumi.Output.all(resource, project).apply(parse)
    return {key: parsed.apply(lambda t, k=key: t[k]) for key in m.TARGET_KEYS[kind]}


def _known(value: Any, convert: Callable[[Any], Any]) -> Any:
    """``convert(value)`` now, or once an Output resolves (raising the same ValidationError).

    As with ``when_known``, an Output that resolves to None is passed through unchecked.
    """
    if is_unknown(value):
        return pulumi.Output.from_input(value).apply(lambda v: v if v is None or is_placeholder(v) else convert(v))
    return convert(value)


def _fmt(fn: Callable[..., str], *values: Any) -> pulumi.Input[str]:
    """``fn(*values)`` when every value is plain, else an Output of it."""
    unknown = [index for index, v in enumerate(values) if is_unknown(v)]
    if not unknown:
        return fn(*values)
    if len(unknown) == 1 and isinstance(values[unknown[0]], pulumi.Output):  # one apply, not Output.all's fan-out
        at = unknown[0]
        return values[at].apply(lambda v: fn(*values[:at], v, *values[at + 1:]))
    return pulumi.Output.all(*values).apply(lambda v: fn(*v))


class GkeWorkloadIdentity(pulumi.ComponentResource):
    """A Google identity for one Kubernetes ServiceAccount on GKE.

    Service-account mode (default) creates (or reuses) a Google service account,
    grants ``roles/iam.workloadIdentityUser`` on it to
    ``serviceAccount:<project>.svc.id.goog[<ns>/<ksa>]``, makes the requested
    grants to the GSA and annotates the ServiceAccount with
    ``iam.gke.io/gcp-service-account`` once the impersonation grant exists.
    Direct mode makes the grants to the KSA's ``principal://`` identifier and no
    GSA. Every grant is an additive ``*IAMMember`` (never IAMBinding/IAMPolicy).
    """

    gcp_service_account_email: pulumi.Output[str | None]
    """Email of the Google service account the pods act as (service-account mode; none in direct mode)."""
    member: pulumi.Output[str]
    """The IAM member the grants go to: "serviceAccount:<gsa email>", or the principal:// identifier in direct mode."""
    service_account_name: pulumi.Output[str]
    """Name of the Kubernetes ServiceAccount."""
    namespace: pulumi.Output[str]
    """Namespace of the Kubernetes ServiceAccount."""
    service_account_annotations: pulumi.Output[dict[str, str]]
    """The annotations the ServiceAccount must carry (iam.gke.io/gcp-service-account; none in direct mode)."""
    pod_template_patch: pulumi.Output[dict[str, Any]]
    """Partial PodTemplateSpec to merge into the workload's spec.template (serviceAccountName, and the gke-metadata-server node selector on Standard clusters)."""

    def __init__(self, name: str, args: GkeWorkloadIdentityArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        plan = plan_gke(args)  # bad input fails here, before anything is registered
        super().__init__("wid:index:GkeWorkloadIdentity", name, {}, opts)
        mode = plan.identity.service_account_mode  # direct access needs no annotation: nothing to patch
        kubernetes.warn_default_providers(self, "gcp", mode == "create" or (mode == "patch" and plan.mode != "direct"))
        identity = plan.identity
        child = pulumi.ResourceOptions(parent=self)

        email: Any = None
        cloud_annotations: dict[str, Any] = {}
        trust: list[pulumi.Resource] = []
        if plan.mode == "direct":
            member = _fmt(m.direct_principal, plan.project_number, plan.project, identity.namespace,
                          identity.service_account)
            if identity.tags:
                pulumi.log.warn(
                    "identity.tags are not applied: direct mode creates only IAM grants, which carry no labels",
                    resource=self,
                )
        else:
            if plan.existing_email is not None:
                email = plan.existing_email
                account_name = _fmt(lambda e: m.service_account_resource_id("existing_service_account_email", e), email)
            else:
                account = gcp.serviceaccount.Account(
                    f"{name}-gsa",
                    account_id=plan.account_id,
                    project=plan.gsa_project,
                    display_name=m.display_name(identity.namespace, identity.service_account),
                    description=plan.description,
                    opts=child,
                )
                email, account_name = account.email, account.name
            trust.append(
                gcp.serviceaccount.IAMMember(
                    f"{name}-workload-identity-user",
                    service_account_id=account_name,
                    role=m.WORKLOAD_IDENTITY_USER,
                    member=_fmt(m.workload_member, plan.project, identity.namespace, identity.service_account),
                    opts=child,
                )
            )
            member = _fmt(m.service_account_member, email)
            cloud_annotations[m.GSA_ANNOTATION] = email

        project_roles = [g.role for g in plan.grants if g.kind == "project"]  # in the order of args["roles"]
        for index, role in enumerate(project_roles):
            warning = m.admin_role_warning(f"roles[{index}]", role, plan.project) if isinstance(role, str) else None
            if warning:
                pulumi.log.warn(warning, resource=self)
        grants = [self._grant(name, grant, member, child) for grant in plan.grants]
        kubernetes.service_account(name, identity, cloud_annotations, self, depends_on=[*trust, *grants])

        selector = None if plan.autopilot else {kubernetes.GKE_METADATA_SELECTOR: "true"}
        self.gcp_service_account_email = output_of(email)
        self.member = output_of(member)
        self.service_account_name = pulumi.Output.from_input(identity.service_account)
        self.namespace = pulumi.Output.from_input(identity.namespace)
        self.service_account_annotations = output_of(cloud_annotations)
        self.pod_template_patch = output_of(
            kubernetes.pod_template_patch(identity.service_account, node_selector=selector)
        )
        self.register_outputs(
            {
                "gcp_service_account_email": self.gcp_service_account_email,
                "member": self.member,
                "service_account_name": self.service_account_name,
                "namespace": self.namespace,
                "service_account_annotations": self.service_account_annotations,
                "pod_template_patch": self.pod_template_patch,
            }
        )

    @staticmethod
    def _grant(name: str, grant: GrantPlan, member: Any, child: pulumi.ResourceOptions) -> pulumi.Resource:
        resource_name = f"{name}-{grant.suffix}"
        if grant.kind == "project":
            return gcp.projects.IAMMember(resource_name, role=grant.role, member=member, opts=child, **grant.target)
        module, cls, _token = m.RESOURCE_CLASSES[grant.kind]
        resource_class = getattr(getattr(gcp, module), cls)
        return resource_class(resource_name, role=grant.role, member=member, opts=child, **grant.target)
