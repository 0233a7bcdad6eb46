"""The demo stack: one workload ("payments/api") given an identity on each cloud.

Run offline with `make demo` (pulumi-wid plan + verify under the mock runtime),
or for real with `pulumi up` (needs credentials and the clusters named in config).
Every value comes from `pulumi.Config` with a default, so the stack runs with no config.
"""

import pulumi
import pulumi_aws as aws
import pulumi_azure_native as azure_native
import pulumi_gcp as gcp
import pulumi_kubernetes as k8s

from pulumi_wid import AksFederatedIdentity, EksPodIdentity, GkeWorkloadIdentity

config = pulumi.Config()
aws_config = pulumi.Config("demo-aws")
azure_config = pulumi.Config("demo-azure")
gcp_config = pulumi.Config("demo-gcp")

namespace = config.get("namespace") or "payments"
service_account = config.get("serviceAccount") or "api"
tags = {"app": "payments-api", "managed-by": "pulumi-wid"}


def providers(cloud: pulumi.ProviderResource, name: str, context: str) -> pulumi.ResourceOptions:
    """Explicit providers for one cluster: nothing falls back to ambient config."""
    return pulumi.ResourceOptions(providers=[cloud, k8s.Provider(name, context=context)])


eks_opts = providers(
    aws.Provider("aws", region=aws_config.get("region") or "us-east-1"),
    "eks", aws_config.get("kubeContext") or "prod-eks",
)
aks_opts = providers(
    azure_native.Provider("azure", location=azure_config.get("location") or "eastus"),
    "aks", azure_config.get("kubeContext") or "prod-aks",
)
gke_opts = providers(
    gcp.Provider("gcp", project=gcp_config.get("project") or "payments-prod"),
    "gke", gcp_config.get("kubeContext") or "prod-gke",
)

# --- AWS: EKS Pod Identity (default) and IRSA for a second workload ----------------
bucket_arn = aws_config.get("bucketArn") or "arn:aws:s3:::payments-invoices"
cluster_name = aws_config.get("clusterName") or "prod-eks"
oidc_provider_arn = aws_config.get("oidcProviderArn") or (
    "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
)

eks_api = EksPodIdentity(
    "payments-api-eks",
    {
        "identity": {"namespace": namespace, "service_account": service_account, "tags": tags},
        "cluster_name": cluster_name,
        "policy_statements": [
            {"Sid": "ReadInvoices", "Action": ["s3:GetObject"], "Resource": [f"{bucket_arn}/*"]},
            {"Sid": "ListInvoices", "Action": ["s3:ListBucket"], "Resource": [bucket_arn]},
        ],
    },
    eks_opts,
)

eks_worker = EksPodIdentity(
    "payments-worker-eks",
    {
        "identity": {"namespace": namespace, "service_account": "worker", "tags": tags},
        "cluster_name": cluster_name,
        "mode": "irsa",
        "oidc_provider_arn": oidc_provider_arn,
        "policy_statements": [{"Action": ["s3:PutObject"], "Resource": [f"{bucket_arn}/*"]}],
    },
    eks_opts,
)

pulumi.export("eksApiRoleArn", eks_api.role_arn)
pulumi.export("eksWorkerRoleArn", eks_worker.role_arn)
pulumi.export("eksWorkerAnnotations", eks_worker.service_account_annotations)

# --- Azure: a managed identity federated with two AKS clusters ------------------------
subscription = azure_config.get("subscriptionId") or "00000000-0000-0000-0000-000000000000"
resource_group = azure_config.get("resourceGroup") or "payments-rg"
storage_account = (
    f"/subscriptions/{subscription}/resourceGroups/{resource_group}"
    "/providers/Microsoft.Storage/storageAccounts/paymentsinvoices"
)
aks_api = AksFederatedIdentity(
    "payments-api-aks",
    {
        "identity": {"namespace": namespace, "service_account": service_account, "tags": tags},
        "resource_group_name": resource_group,
        "location": azure_config.get("location") or "eastus",
        "oidc_issuer_urls": [
            azure_config.get("issuerUrl")
            or "https://eastus.oic.prod-aks.azure.com/11111111-1111-1111-1111-111111111111/4b2d6c0e-3a0b-4d35-9a67-1f1c8e7a2d10/",
            azure_config.get("drIssuerUrl")
            or "https://westus.oic.prod-aks.azure.com/11111111-1111-1111-1111-111111111111/9c1e7f3a-2b4d-4e6f-8a0b-1c2d3e4f5a6b/",
        ],
        "role_assignments": [{"role": "Storage Blob Data Reader", "scope": storage_account}],
    },
    aks_opts,
)

# --- GCP: a Google service account with a bucket grant, and direct access for a job ---
project = gcp_config.get("project") or "payments-prod"
gke_api = GkeWorkloadIdentity(
    "payments-api-gke",
    {
        "identity": {"namespace": namespace, "service_account": service_account, "tags": tags},
        "project": project,
        "bindings": [
            {"role": "roles/storage.objectViewer", "resource_type": "storage_bucket", "resource": "payments-invoices"}
        ],
    },
    gke_opts,
)
gke_job = GkeWorkloadIdentity(
    "payments-report-gke",
    {
        "identity": {"namespace": namespace, "service_account": "report"},
        "project": project,
        "mode": "direct",
        "project_number": gcp_config.get("projectNumber") or "123456789012",
        "autopilot": True,
        "bindings": [
            {"role": "roles/storage.objectViewer", "resource_type": "storage_bucket", "resource": "payments-invoices"}
        ],
    },
    gke_opts,
)

pulumi.export("aksClientId", aks_api.client_id)
pulumi.export("aksAnnotations", aks_api.service_account_annotations)
pulumi.export("gkeServiceAccountEmail", gke_api.gcp_service_account_email)
pulumi.export("gkeReportMember", gke_job.member)
