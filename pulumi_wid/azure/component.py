"""``AksFederatedIdentity``: a user-assigned managed identity for one Kubernetes ServiceAccount on AKS (wiring only)."""

# No `from __future__ import annotations` here: Pulumi's component analyzer reads
# these annotations at runtime to build the multi-language schema (tests/test_schema.py).

from typing import Any

import pulumi
import pulumi_azure_native as azure_native

from .. import kubernetes
from .._component import WidComponent
from .._outputs import fmt, placeholder_mode
from . import documents as doc
from . import facts
from .args import (  # noqa: F401 - ExistingIdentity, AzureRoleAssignment re-exported
    AksFederatedIdentityArgs,
    AksSpec,
    AzureRoleAssignment,
    ExistingIdentity,
    aks_spec,
    definition_id,
)


class AksFederatedIdentity(WidComponent):
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
        spec = aks_spec(args, placeholder_mode())  # bad input fails here, before anything is registered
        super().__init__("wid:index:AksFederatedIdentity", name, {}, opts)
        self._started("azure-native", spec.identity.service_account_mode != "none")
        identity = spec.identity

        if spec.creates_identity:
            uami = azure_native.managedidentity.UserAssignedIdentity(
                f"{name}-identity",
                resource_name_=spec.identity_name,
                resource_group_name=spec.resource_group_name,
                location=spec.location,
                tags=spec.tags or None,
                opts=self._child,
            )
            uami_name: Any = uami.name
            client_id, principal_id, tenant_id, identity_id = uami.client_id, uami.principal_id, uami.tenant_id, uami.id
        else:
            found = azure_native.managedidentity.get_user_assigned_identity_output(
                resource_group_name=spec.resource_group_name, resource_name=spec.existing_name, opts=self._invoke
            )
            uami_name = spec.existing_name
            client_id, principal_id, tenant_id, identity_id = (
                found.client_id, found.principal_id, found.tenant_id, found.id,
            )

        # Azure refuses concurrent FIC writes on one identity: chain them. A replaced FIC
        # is deleted first, since issuer+subject must be unique per identity.
        credentials: list[pulumi.Resource] = []
        for issuer, fic_name, suffix in zip(spec.issuers, spec.fic_names, spec.fic_suffixes, strict=True):
            credential = azure_native.managedidentity.FederatedIdentityCredential(
                f"{name}-federated-credential-{suffix}",
                resource_name_=uami_name,
                resource_group_name=spec.resource_group_name,
                federated_identity_credential_resource_name=fic_name,
                issuer=issuer,
                subject=spec.subject,
                audiences=[facts.AUDIENCE],
                opts=pulumi.ResourceOptions(
                    parent=self, depends_on=credentials[-1:], delete_before_replace=True
                ),
            )
            credentials.append(credential)

        grants = self._role_assignments(name, spec, principal_id)

        annotations: dict[str, Any] = {facts.CLIENT_ID_ANNOTATION: client_id}
        if spec.tenant_id is not None:
            annotations[facts.TENANT_ID_ANNOTATION] = spec.tenant_id
        if spec.token_expiration_seconds is not None:
            annotations[facts.TOKEN_EXPIRATION_ANNOTATION] = str(spec.token_expiration_seconds)
        k8s_account = kubernetes.service_account(name, identity, annotations, self, depends_on=[*credentials, *grants])
        self._finish(
            identity,
            {
                "client_id": client_id,
                "principal_id": principal_id,
                "tenant_id": tenant_id,
                "identity_id": identity_id,
                "federated_credential_names": list(spec.fic_names),
            },
            annotations,
            kubernetes.pod_template_patch(identity.service_account, labels={facts.USE_LABEL: "true"}),
            ready=[*credentials, *grants, k8s_account],
        )

    def _role_assignments(self, name: str, spec: AksSpec, principal_id: pulumi.Output[str]) -> list[pulumi.Resource]:
        needs_caller = any(
            a.known is None or (a.known[0].definition_id is None and a.known[1].subscription is None)
            for a in spec.role_assignments
        )
        caller_subscription: Any = None
        if needs_caller:
            caller_subscription = azure_native.authorization.get_client_config_output(opts=self._invoke).subscription_id
        grants: list[pulumi.Resource] = []
        for assignment in spec.role_assignments:
            if assignment.known is not None and (
                assignment.known[0].definition_id or assignment.known[1].subscription
            ):
                definition: Any = definition_id(assignment.field, assignment.role, assignment.scope, spec, None)
            else:
                definition = pulumi.Output.all(assignment.role, assignment.scope, caller_subscription).apply(
                    lambda v, a=assignment: definition_id(a.field, v[0], v[1], spec, v[2])
                )
            scope = assignment.scope
            grants.append(
                azure_native.authorization.RoleAssignment(
                    f"{name}-role-assignment-{assignment.suffix}",
                    principal_id=principal_id,
                    principal_type=facts.PRINCIPAL_TYPE,
                    role_definition_id=definition,
                    scope=scope,
                    # one apply on the principal id when scope and role are plain, not Output.all's fan-out
                    role_assignment_name=fmt(doc.role_assignment_name, scope, principal_id, definition),
                    opts=self._child,
                )
            )
        return grants
