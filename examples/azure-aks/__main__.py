"""AKS: give a workload an Azure identity without static keys (Microsoft Entra Workload ID).

- An AKS cluster with the OIDC issuer and workload identity enabled (or, with
  `existingCluster: true`, a cluster you already have, looked up by name).
- `AksFederatedIdentity` creates a user-assigned managed identity, a federated
  identity credential trusting exactly `system:serviceaccount:<ns>:api` from the
  cluster's issuer (taken verbatim, trailing '/' included), a
  "Storage Blob Data Reader" assignment on one storage account, and the
  ServiceAccount annotated with `azure.workload.identity/client-id`.
- The Deployment merges `pod_template_patch`, which adds the pod label
  `azure.workload.identity/use: "true"` the webhook selects pods by.

Run: `pulumi stack init dev && pulumi up`
(or `pulumi config set existingCluster true && pulumi config set clusterName <name>
&& pulumi config set clusterResourceGroup <group>` to use a cluster you have).
"""

import base64

import pulumi
import pulumi_azure_native as azure_native
import pulumi_kubernetes as k8s

from pulumi_wid import AksFederatedIdentity, merge_pod_template

config = pulumi.Config()
location = config.get("location") or "eastus"
cluster_name = config.get("clusterName") or "wid-aks"
namespace = config.get("namespace") or "payments"
existing_cluster = config.get_bool("existingCluster") or False

# Explicit providers: nothing below falls back to ambient credentials or kubeconfig.
azure = azure_native.Provider("azure", location=location)
azure_opts = pulumi.ResourceOptions(provider=azure)
invoke = pulumi.InvokeOutputOptions(provider=azure)

group = azure_native.resources.ResourceGroup("wid", location=location, opts=azure_opts)

if existing_cluster:
    cluster_group = config.require("clusterResourceGroup")
    found = azure_native.containerservice.get_managed_cluster_output(
        resource_group_name=cluster_group, resource_name=cluster_name, opts=invoke
    )
    issuer_url = found.oidc_issuer_profile.apply(lambda p: p.issuer_url if p else None)
    cluster_resource_name: pulumi.Input[str] = cluster_name
    depends: list[pulumi.Resource] = []
else:
    cluster_group = group.name
    cluster = azure_native.containerservice.ManagedCluster(
        "aks",
        resource_name_=cluster_name,
        resource_group_name=group.name,
        location=location,
        dns_prefix=cluster_name,
        identity={"type": "SystemAssigned"},
        agent_pool_profiles=[{
            "name": "system", "mode": "System", "count": 2, "vm_size": "Standard_D2s_v5", "os_type": "Linux",
        }],
        # Both are needed: the issuer signs the ServiceAccount tokens, the webhook injects them.
        oidc_issuer_profile={"enabled": True},
        security_profile={"workload_identity": {"enabled": True}},
        opts=azure_opts,
    )
    issuer_url = cluster.oidc_issuer_profile.apply(lambda p: p.issuer_url if p else None)
    cluster_resource_name = cluster.name
    depends = [cluster]

credentials = azure_native.containerservice.list_managed_cluster_user_credentials_output(
    resource_group_name=cluster_group, resource_name=cluster_resource_name, opts=invoke
)
kubeconfig = pulumi.Output.secret(
    credentials.kubeconfigs.apply(lambda kcs: base64.b64decode(kcs[0].value).decode())
)
kube = k8s.Provider("aks", kubeconfig=kubeconfig, opts=pulumi.ResourceOptions(depends_on=depends))
kube_opts = pulumi.ResourceOptions(provider=kube)

# What the workload reads: one storage account, granted on that account only.
account = azure_native.storage.StorageAccount(
    "invoices",
    resource_group_name=group.name,
    location=location,
    kind="StorageV2",
    sku={"name": "Standard_LRS"},
    allow_blob_public_access=False,
    allow_shared_key_access=False,  # Entra ID only: no account keys
    opts=azure_opts,
)
azure_native.storage.BlobContainer(
    "invoices", account_name=account.name, resource_group_name=group.name, opts=azure_opts
)

ns = k8s.core.v1.Namespace("ns", metadata={"name": namespace}, opts=kube_opts)

api = AksFederatedIdentity(
    "api",
    {
        "identity": {"namespace": namespace, "service_account": "api", "tags": {"app": "api"}},
        "resource_group_name": group.name,
        "location": location,
        "oidc_issuer_url": issuer_url,
        "role_assignments": [{"role": "Storage Blob Data Reader", "scope": account.id}],
        "token_expiration_seconds": 3600,
    },
    pulumi.ResourceOptions(providers=[azure, kube], depends_on=[ns]),
)

spec = {
    "replicas": 1,
    "selector": {"matchLabels": {"app": "api"}},
    "template": {
        "metadata": {"labels": {"app": "api"}},
        "spec": {
            "containers": [{
                "name": "api",
                "image": "mcr.microsoft.com/azure-cli:2.67.0",
                # AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE and
                # AZURE_AUTHORITY_HOST are injected by the workload identity webhook.
                "command": ["sh", "-c",
                            'az login --service-principal -u "$AZURE_CLIENT_ID" -t "$AZURE_TENANT_ID" '
                            '--federated-token "$(cat $AZURE_FEDERATED_TOKEN_FILE)" && '
                            'az storage container list --auth-mode login --account-name "$ACCOUNT" && sleep 3600'],
                "env": [{"name": "ACCOUNT", "value": account.name}],
            }],
        },
    },
}
k8s.apps.v1.Deployment(
    "api",
    metadata={"name": "api", "namespace": namespace},
    spec=merge_pod_template(spec, api.pod_template_patch),
    opts=pulumi.ResourceOptions(provider=kube, depends_on=[api]),
)

pulumi.export("issuerUrl", issuer_url)
pulumi.export("clientId", api.client_id)
pulumi.export("principalId", api.principal_id)
pulumi.export("federatedCredentials", api.federated_credential_names)
pulumi.export("serviceAccountAnnotations", api.service_account_annotations)
