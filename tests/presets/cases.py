"""Shared inputs of the preset tests: one call of every preset with plain, valid resources."""

A = {"account_id": "123456789012", "region": "us-east-1"}
KMS = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ZONE = "Z0123456789ABCDEFGHIJ"
SUB = "00000000-0000-0000-0000-000000000000"
RG = f"/subscriptions/{SUB}/resourceGroups/dns"
AZ_ZONE = f"{RG}/providers/Microsoft.Network/dnsZones/example.com"
AZ_PRIVATE = f"{RG}/providers/Microsoft.Network/privateDnsZones/internal.example.com"
VAULT = f"/subscriptions/{SUB}/resourceGroups/secrets/providers/Microsoft.KeyVault/vaults/prod-vault"
STORAGE = f"/subscriptions/{SUB}/resourceGroups/backup/providers/Microsoft.Storage/storageAccounts/backups"

AWS_CALLS = {
    "ebs-csi-driver": {**A, "allow_account_wide": True, "kms_key_arns": [KMS]},
    "efs-csi-driver": {"file_system_arns": ["arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123456789abcdef0"],
                       **A, "allow_account_wide": True},
    "fsx-lustre-csi-driver": {**A, "allow_account_wide": True, "bucket_arns": ["arn:aws:s3:::lustre-data"]},
    "mountpoint-s3-csi-driver": {"bucket_arns": ["arn:aws:s3:::data"]},
    "aws-load-balancer-controller": {**A, "vpc_id": "vpc-0123456789abcdef0", "allow_account_wide": True},
    "aws-vpc-cni": {**A, "allow_account_wide": True},
    "external-dns": {"hosted_zone_ids": [ZONE]},
    "cert-manager": {"hosted_zone_ids": [ZONE]},
    "aws-privateca-issuer": {"certificate_authority_arns": [
        "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/12345678-1234-1234-1234-123456789012"]},
    "cluster-autoscaler": {"cluster_name": "prod", **A, "auto_scaling_group_names": ["eks-workers-a"]},
    "karpenter": {"cluster_name": "prod", **A, "node_role_arns": ["arn:aws:iam::123456789012:role/KarpenterNodeRole-prod"],
                  "interruption_queue_arn": "arn:aws:sqs:us-east-1:123456789012:Karpenter-prod", "allow_account_wide": True},
    "external-secrets": {"secret_arns": ["arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/*"],
                         "parameter_arns": ["arn:aws:ssm:us-east-1:123456789012:parameter/prod/*"],
                         "kms_key_arns": [KMS], "push_secrets": True},
    "velero": {"bucket_arns": ["arn:aws:s3:::backups"], "prefix": "prod/", **A, "allow_account_wide": True,
               "kms_key_arns": [KMS]},
    "amp-ingest": {"workspace_arns": ["arn:aws:aps:us-east-1:123456789012:workspace/ws-12345678-1234-1234-1234-123456789012"],
                   "query": True},
    "cloudwatch-agent": {"cluster_name": "prod", **A},
}
AZURE_CALLS = {
    "external-dns": {"zone_ids": [AZ_ZONE], "private_zone_ids": [AZ_PRIVATE]},
    "cert-manager": {"zone_ids": [AZ_ZONE]},
    "external-secrets": {"vault_ids": [VAULT], "certificates": True, "keys": True},
    "secrets-store-csi-driver": {"vault_ids": [VAULT], "certificates": True},
    "velero": {"storage_ids": [STORAGE]},
}
GCP_CALLS = {
    "external-dns": {"managed_zones": ["prod-example-com"], "allow_project_wide": True},
    "cert-manager": {"managed_zones": ["projects/dns-project/managedZones/prod-example-com"]},
    "external-secrets": {"secrets": ["db-password", "projects/shared-secrets/secrets/api-key"]},
    "velero": {"buckets": ["velero-backups"], "allow_project_wide": True},
}
CALLS = {"aws": AWS_CALLS, "azure": AZURE_CALLS, "gcp": GCP_CALLS}
