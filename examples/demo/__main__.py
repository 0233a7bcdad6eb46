"""The demo stack: one workload ("payments/api") given an identity on each cloud.

Run offline with `make demo` (pulumi-wid plan + verify under the mock runtime),
or for real with `pulumi up` (needs credentials and the clusters named in config).
Every value comes from `pulumi.Config` with a default, so the stack runs with no config.
"""

import pulumi

from pulumi_wid import EksPodIdentity

config = pulumi.Config()
aws_config = pulumi.Config("demo-aws")

namespace = config.get("namespace") or "payments"
service_account = config.get("serviceAccount") or "api"
tags = {"app": "payments-api", "managed-by": "pulumi-wid"}

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
)

pulumi.export("eksApiRoleArn", eks_api.role_arn)
pulumi.export("eksWorkerRoleArn", eks_worker.role_arn)
pulumi.export("eksWorkerAnnotations", eks_worker.service_account_annotations)
