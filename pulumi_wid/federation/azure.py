"""``AzureFederatedIdentity``: a managed identity trusted by a foreign OIDC issuer (any cluster, GitHub Actions, GitLab CI); wiring only."""

# No `from __future__ import annotations` here: Pulumi's component analyzer reads
# these annotations at runtime to build the multi-language schema (tests/test_schema.py).

from typing import Any

import pulumi
import pulumi_azure_native as azure_native

from .._outputs import placeholder_mode
from ..azure import facts as azure_facts
from ..azure.component import AksFederatedIdentity
from . import documents as doc
from ._component import FederatedComponent
from .args import AzureFederatedIdentityArgs, azure_spec


class AzureFederatedIdentity(FederatedComponent):
    """A user-assigned managed identity used with a foreign OIDC token: a pod on any cluster or a CI job.

    Creates the managed identity (or federates an existing one), one federated identity
    credential per subject with the issuer verbatim and the audience
    ``api://AzureADTokenExchange`` (written one after another), and the role assignments. For a
    pod, ``pod_template_patch`` mounts a projected token with that audience and sets
    ``AZURE_CLIENT_ID``, ``AZURE_TENANT_ID``, ``AZURE_FEDERATED_TOKEN_FILE`` and
    ``AZURE_AUTHORITY_HOST`` (no workload identity webhook does it off AKS).
    """

    client_id: pulumi.Output[str]
    """Client id of the managed identity."""
    principal_id: pulumi.Output[str]
    """Principal (object) id of the managed identity, the role assignments' principal."""
    tenant_id: pulumi.Output[str]
    """Microsoft Entra tenant of the managed identity."""
    identity_id: pulumi.Output[str]
    """ARM id of the managed identity."""
    federated_credential_names: pulumi.Output[list[str]]
    """Names of the federated identity credentials, one per subject."""
    issuer_url: pulumi.Output[str]
    """The trusted issuer, verbatim."""
    subjects: pulumi.Output[list[str]]
    """The exact sub claims the credentials admit."""
    audience: pulumi.Output[str]
    """api://AzureADTokenExchange."""
    service_account_name: pulumi.Output[str | None]
    """Name of the Kubernetes ServiceAccount (none for a CI source)."""
    namespace: pulumi.Output[str | None]
    """Namespace of the Kubernetes ServiceAccount (none for a CI source)."""
    service_account_annotations: pulumi.Output[dict[str, str]]
    """Annotations the ServiceAccount needs: none (the projected token in the pod does the work)."""
    pod_template_patch: pulumi.Output[dict[str, Any] | None]
    """Partial PodTemplateSpec for merge_pod_template: serviceAccountName, the projected token volume, and (allContainers) its mount and the AZURE_* variables; none for a CI source."""
    ci_settings: pulumi.Output[dict[str, str] | None]
    """For a CI source: what the pipeline configures (client_id, tenant_id, audience), e.g. azure/login's client-id and tenant-id."""

    def __init__(self, name: str, args: AzureFederatedIdentityArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        spec = azure_spec(args, placeholder_mode())  # bad input fails here, before anything is registered
        source = spec.source
        super().__init__("wid:index:AzureFederatedIdentity", name, {}, opts)
        self._federated_started("azure-native", source)
        if spec.existing_name is None:
            uami = azure_native.managedidentity.UserAssignedIdentity(
                f"{name}-identity", resource_name_=spec.identity_name, resource_group_name=spec.resource_group_name,
                location=spec.location, tags=spec.tags or None, opts=self._child,
            )
            uami_name: Any = uami.name
            client_id, principal_id, tenant_id, identity_id = uami.client_id, uami.principal_id, uami.tenant_id, uami.id
        else:
            found = azure_native.managedidentity.get_user_assigned_identity_output(
                resource_group_name=spec.resource_group_name, resource_name=spec.existing_name, opts=self._invoke)
            uami_name = spec.existing_name
            client_id, principal_id, tenant_id, identity_id = found.client_id, found.principal_id, found.tenant_id, found.id
        # Azure refuses concurrent FIC writes on one identity: chain them; issuer+subject is unique, so delete first.
        credentials: list[pulumi.Resource] = []
        for index, (subject, fic_name) in enumerate(zip(source.subjects, spec.fic_names, strict=True)):
            credentials.append(azure_native.managedidentity.FederatedIdentityCredential(
                f"{name}-federated-credential" + (f"-{index}" if index else ""),
                resource_name_=uami_name, resource_group_name=spec.resource_group_name,
                federated_identity_credential_resource_name=fic_name,
                issuer=source.issuer, subject=subject, audiences=[azure_facts.AUDIENCE],
                opts=pulumi.ResourceOptions(parent=self, depends_on=credentials[-1:], delete_before_replace=True),
            ))
        grants = AksFederatedIdentity._role_assignments(self, name, spec, principal_id)  # the same role wiring as AKS
        self._service_account(name, source, [*credentials, *grants])
        identity = source.identity
        patch = pulumi.Output.all(client_id, tenant_id).apply(lambda v: doc.azure_pod_patch(
            identity.service_account, v[0], v[1], source.token_expiration_seconds)) if identity else None
        self._finish_federated(
            source, azure_facts.AUDIENCE,
            {"client_id": client_id, "principal_id": principal_id, "tenant_id": tenant_id, "identity_id": identity_id,
             "federated_credential_names": list(spec.fic_names)},
            patch, {"client_id": client_id, "tenant_id": tenant_id, "audience": azure_facts.AUDIENCE},
        )
