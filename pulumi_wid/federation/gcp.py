"""``GcpFederatedPrincipal``: a workload identity pool principal for a foreign OIDC issuer (any cluster, GitHub Actions, GitLab CI); wiring only."""

# No `from __future__ import annotations` here: Pulumi's component analyzer reads
# these annotations at runtime to build the multi-language schema (tests/test_schema.py).

from typing import Any

import pulumi
import pulumi_gcp as gcp

from .._outputs import fmt, placeholder_mode
from ..gcp import documents as gcp_doc
from ..gcp import facts as gcp_facts
from ..gcp.component import GkeWorkloadIdentity
from . import documents as doc
from . import facts
from ._component import FederatedComponent
from .args import GcpFederatedPrincipalArgs, GcpSpec, gcp_spec


class GcpFederatedPrincipal(FederatedComponent):
    """A Google identity for a foreign OIDC token: a pod on any cluster (EKS, AKS, ...) or a CI job.

    Creates a workload identity pool and an OIDC provider (``issuer_uri`` = the issuer,
    ``allowed_audiences`` = the audience, ``google.subject = assertion.sub`` and an attribute
    condition admitting only the exact subjects), then grants the roles to each subject's
    ``principal://`` identifier (direct mode) or to a GSA the principal impersonates through
    ``roles/iam.workloadIdentityUser`` (service-account mode). For a pod it creates a ConfigMap
    with the ``external_account`` credential configuration; ``pod_template_patch`` mounts it
    and a projected token with the audience, and sets ``GOOGLE_APPLICATION_CREDENTIALS``.
    """

    provider_name: pulumi.Output[str]
    """The pool provider's resource name, projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<provider> (google-github-actions/auth's workload_identity_provider)."""
    members: pulumi.Output[list[str]]
    """The IAM members the grants go to: the principal:// identifiers, or serviceAccount:<gsa email>."""
    gcp_service_account_email: pulumi.Output[str | None]
    """Email of the GSA the principal impersonates (service-account mode)."""
    credential_configuration: pulumi.Output[str | None]
    """The external_account credential configuration JSON the pod reads (Kubernetes source)."""
    config_map_name: pulumi.Output[str | None]
    """Name of the ConfigMap holding the credential configuration (Kubernetes source)."""
    issuer_url: pulumi.Output[str]
    """The trusted issuer, verbatim."""
    subjects: pulumi.Output[list[str]]
    """The exact sub claims the provider's attribute condition admits."""
    audience: pulumi.Output[str]
    """The aud claim the provider allows."""
    service_account_name: pulumi.Output[str | None]
    """Name of the Kubernetes ServiceAccount (none for a CI source)."""
    namespace: pulumi.Output[str | None]
    """Namespace of the Kubernetes ServiceAccount (none for a CI source)."""
    service_account_annotations: pulumi.Output[dict[str, str]]
    """Annotations the ServiceAccount needs: none (the projected token and the credential file do the work)."""
    pod_template_patch: pulumi.Output[dict[str, Any] | None]
    """Partial PodTemplateSpec for merge_pod_template: serviceAccountName, the token and credential volumes, and (allContainers) their mounts and GOOGLE_APPLICATION_CREDENTIALS; none for a CI source."""
    ci_settings: pulumi.Output[dict[str, str] | None]
    """For a CI source: what the pipeline configures (workload_identity_provider, service_account, audience), e.g. google-github-actions/auth's inputs."""

    def __init__(self, name: str, args: GcpFederatedPrincipalArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        spec = gcp_spec(args, placeholder_mode())  # bad input fails here, before anything is registered
        source = spec.source
        kube = source.identity is not None and source.identity.service_account_mode != "none"
        super().__init__("wid:index:GcpFederatedPrincipal", name, {}, opts)
        self._federated_started("gcp", source, needs_kubernetes=kube)
        number, pool, provider_id = spec.project_number, spec.pool_id, spec.provider_id
        audience = spec.audience or fmt(doc.gcp_token_audience, number, pool, provider_id)
        trust: list[pulumi.Resource] = []
        if spec.create_pool:
            trust.append(gcp.iam.WorkloadIdentityPool(
                f"{name}-pool", workload_identity_pool_id=pool, project=spec.project,
                display_name=pool[: facts.GCP_DISPLAY_NAME_MAX], description=_description(spec), opts=self._child))
        if spec.create_provider:
            trust.append(gcp.iam.WorkloadIdentityPoolProvider(
                f"{name}-provider", workload_identity_pool_id=pool, workload_identity_pool_provider_id=provider_id,
                project=spec.project, display_name=provider_id[: facts.GCP_DISPLAY_NAME_MAX],
                attribute_mapping=doc.gcp_attribute_mapping(),
                attribute_condition=doc.gcp_attribute_condition(source.subjects),
                oidc={"issuer_uri": source.issuer, "allowed_audiences": [audience]},
                opts=pulumi.ResourceOptions(parent=self, depends_on=trust[-1:])))
        principals = [fmt(doc.gcp_principal, number, pool, subject) for subject in source.subjects]
        email: Any = None
        if spec.mode == "service_account":
            if spec.existing_email is not None:
                email = spec.existing_email
                account_name = fmt(lambda e: gcp_doc.service_account_resource_id("existing_service_account_email", e), email)
            else:
                account = gcp.serviceaccount.Account(
                    f"{name}-gsa", account_id=spec.account_id, project=spec.project,
                    display_name=_description(spec)[: gcp_facts.DISPLAY_NAME_LIMIT], opts=self._child)
                email, account_name = account.email, account.name
            for index, principal in enumerate(principals):
                trust.append(gcp.serviceaccount.IAMMember(
                    f"{name}-workload-identity-user" + (f"-{index}" if index else ""), service_account_id=account_name,
                    role=gcp_facts.WORKLOAD_IDENTITY_USER, member=principal,
                    opts=pulumi.ResourceOptions(parent=self, depends_on=trust[:2])))
            members = [fmt(gcp_doc.service_account_member, email)]
        else:
            members = principals
        grants = [
            GkeWorkloadIdentity._grant(self, name if index == 0 else f"{name}-s{index}", grant, member)  # same grant wiring
            for index, member in enumerate(members) for grant in spec.grants
        ]
        identity = source.identity
        config: Any = None
        patch: Any = None
        if identity is not None:
            config = pulumi.Output.all(number, email).apply(lambda v: doc.credential_json(doc.gcp_credential_configuration(
                v[0], pool, provider_id, doc.token_path(facts.GCP_TOKEN_DIR), v[1])))
            if kube:
                import pulumi_kubernetes as k8s

                k8s.core.v1.ConfigMap(
                    f"{name}-credentials",
                    metadata={"name": spec.config_map_name, "namespace": identity.namespace},
                    data={facts.GCP_CREDENTIALS_FILE: config},
                    opts=pulumi.ResourceOptions(parent=self, depends_on=[*trust, *grants]))
            patch = pulumi.Output.from_input(audience).apply(lambda aud: doc.gcp_pod_patch(
                identity.service_account, aud, source.token_expiration_seconds, spec.config_map_name))
        self._service_account(name, source, [*trust, *grants])
        provider_name = fmt(doc.gcp_provider_name, number, pool, provider_id)
        self._finish_federated(
            source, audience,
            {"provider_name": provider_name, "members": members, "gcp_service_account_email": email,
             "credential_configuration": config, "config_map_name": spec.config_map_name},
            patch, {"workload_identity_provider": provider_name, "audience": audience,
                    **({"service_account": email} if email is not None else {})},
        )


def _description(spec: GcpSpec) -> str:
    identity = spec.source.identity
    if identity is not None:
        return f"Kubernetes {identity.namespace}/{identity.service_account} via a foreign OIDC issuer (pulumi-wid)"
    return f"Keyless CI ({spec.source.ci_provider}) for {spec.source.base_name} (pulumi-wid)"
