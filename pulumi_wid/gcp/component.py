"""``GkeWorkloadIdentity``: a Google identity for one Kubernetes ServiceAccount on GKE (wiring only)."""

# No `from __future__ import annotations` here: Pulumi's component analyzer reads
# these annotations at runtime to build the multi-language schema (tests/test_schema.py).

from typing import Any

import pulumi
import pulumi_gcp as gcp

from .. import kubernetes
from .._component import WidComponent
from .._outputs import fmt, placeholder_mode
from . import documents as m
from . import facts
from .args import GcpBinding, GkeWorkloadIdentityArgs, GrantSpec, gke_spec  # noqa: F401 - GcpBinding re-exported


class GkeWorkloadIdentity(WidComponent):
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
        spec = gke_spec(args, placeholder_mode())  # bad input fails here, before anything is registered
        sa_mode = spec.identity.service_account_mode  # direct access needs no annotation: nothing to patch
        super().__init__("wid:index:GkeWorkloadIdentity", name, {}, opts)
        self._started("gcp", sa_mode == "create" or (sa_mode == "patch" and spec.mode != "direct"))
        identity = spec.identity

        email: Any = None
        cloud_annotations: dict[str, Any] = {}
        trust: list[pulumi.Resource] = []
        if spec.mode == "direct":
            member = fmt(m.direct_principal, spec.project_number, spec.project, identity.namespace,
                         identity.service_account)
            if identity.tags:
                pulumi.log.warn(
                    "identity.tags are not applied: direct mode creates only IAM grants, which carry no labels",
                    resource=self,
                )
        else:
            if spec.existing_email is not None:
                email = spec.existing_email
                account_name = fmt(lambda e: m.service_account_resource_id("existing_service_account_email", e), email)
            else:
                account = gcp.serviceaccount.Account(
                    f"{name}-gsa",
                    account_id=spec.account_id,
                    project=spec.gsa_project,
                    display_name=m.display_name(identity.namespace, identity.service_account),
                    description=spec.description,
                    opts=self._child,
                )
                email, account_name = account.email, account.name
            trust.append(
                gcp.serviceaccount.IAMMember(
                    f"{name}-workload-identity-user",
                    service_account_id=account_name,
                    role=facts.WORKLOAD_IDENTITY_USER,
                    member=fmt(m.workload_member, spec.project, identity.namespace, identity.service_account),
                    opts=self._child,
                )
            )
            member = fmt(m.service_account_member, email)
            cloud_annotations[facts.GSA_ANNOTATION] = email

        project_roles = [g.role for g in spec.grants if g.kind == "project"]  # in the order of args["roles"]
        for index, role in enumerate(project_roles):
            warning = m.admin_role_warning(f"roles[{index}]", role, spec.project) if isinstance(role, str) else None
            if warning:
                pulumi.log.warn(warning, resource=self)
        grants = [self._grant(name, grant, member) for grant in spec.grants]
        k8s_account = kubernetes.service_account(name, identity, cloud_annotations, self, depends_on=[*trust, *grants])

        selector = None if spec.autopilot else {facts.GKE_METADATA_SELECTOR: "true"}
        self._finish(
            identity,
            {"gcp_service_account_email": email, "member": member},
            cloud_annotations,
            kubernetes.pod_template_patch(identity.service_account, node_selector=selector),
            ready=[*trust, *grants, k8s_account],
        )

    def _grant(self, name: str, grant: GrantSpec, member: Any) -> pulumi.Resource:
        resource_name = f"{name}-{grant.suffix}"
        if grant.kind == "project":
            return gcp.projects.IAMMember(resource_name, role=grant.role, member=member, opts=self._child, **grant.target)
        module, cls, _token = facts.RESOURCE_CLASSES[grant.kind]
        resource_class = getattr(getattr(gcp, module), cls)
        return resource_class(resource_name, role=grant.role, member=member, opts=self._child, **grant.target)
