"""GCP facts: annotation keys, roles, principal prefixes, limits and type tokens (pure constants).

``pulumi_wid.verify`` keeps its own copies on purpose; tests/test_facts.py asserts they agree.
"""

from __future__ import annotations

MODES = ("service_account", "direct")
GKE_METADATA_SELECTOR = "iam.gke.io/gke-metadata-server-enabled"
WORKLOAD_IDENTITY_USER = "roles/iam.workloadIdentityUser"
GSA_ANNOTATION = "iam.gke.io/gcp-service-account"
BASIC_ROLES = ("roles/owner", "roles/editor", "roles/viewer")
# Granted on a whole project, these let the workload act as any service account of the
# project or rewrite the project's IAM: an escalation path, refused unless opted in.
PROJECT_ESCALATION_ROLES = (
    "roles/iam.serviceAccountTokenCreator",
    "roles/iam.serviceAccountUser",
    "roles/iam.workloadIdentityUser",
    "roles/iam.serviceAccountKeyAdmin",
    "roles/iam.serviceAccountAdmin",
    "roles/iam.securityAdmin",
    "roles/resourcemanager.projectIamAdmin",
)
PRINCIPAL_PREFIX = "principal://iam.googleapis.com"
PRINCIPAL_SET_PREFIX = "principalSet://iam.googleapis.com"
DISPLAY_NAME_LIMIT = 100
DESCRIPTION_LIMIT = 256  # bytes
# Google Cloud labels (Resource Manager "Labels overview", Requirements): at most 64 per resource; keys
# 1-63 and values 0-63 lowercase letters, digits, '_' and '-' (international characters allowed), keys
# starting with a lowercase letter or an international character. identity.tags follow them on GCP.
LABEL_MAX = 63
MAX_LABELS = 64


# Type tokens
SERVICE_ACCOUNT = "gcp:serviceaccount/account:Account"
SERVICE_ACCOUNT_IAM_MEMBER = "gcp:serviceaccount/iAMMember:IAMMember"
SERVICE_ACCOUNT_IAM_BINDING = "gcp:serviceaccount/iAMBinding:IAMBinding"
SERVICE_ACCOUNT_IAM_POLICY = "gcp:serviceaccount/iAMPolicy:IAMPolicy"
PROJECT_IAM_MEMBER = "gcp:projects/iAMMember:IAMMember"
CONTAINER_CLUSTER = "gcp:container/cluster:Cluster"
SERVICE_ACCOUNT_KEY = "gcp:serviceaccount/key:Key"
HMAC_KEY = "gcp:storage/hmacKey:HmacKey"
GET_PROJECT = "gcp:organizations/getProject:getProject"
GET_CLUSTER = "gcp:container/getCluster:getCluster"
GET_CLIENT_CONFIG = "gcp:organizations/getClientConfig:getClientConfig"

RESOURCE_TYPES = (
    "storage_bucket",
    "secret",
    "pubsub_topic",
    "pubsub_subscription",
    "artifact_registry_repository",
    "bigquery_dataset",
)
# resource_type -> (pulumi_gcp module, class, type token)
RESOURCE_CLASSES: dict[str, tuple[str, str, str]] = {
    "storage_bucket": ("storage", "BucketIAMMember", "gcp:storage/bucketIAMMember:BucketIAMMember"),
    "secret": ("secretmanager", "SecretIamMember", "gcp:secretmanager/secretIamMember:SecretIamMember"),
    "pubsub_topic": ("pubsub", "TopicIAMMember", "gcp:pubsub/topicIAMMember:TopicIAMMember"),
    "pubsub_subscription": (
        "pubsub",
        "SubscriptionIAMMember",
        "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember",
    ),
    "artifact_registry_repository": (
        "artifactregistry",
        "RepositoryIamMember",
        "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember",
    ),
    "bigquery_dataset": ("bigquery", "DatasetIamMember", "gcp:bigquery/datasetIamMember:DatasetIamMember"),
}
# resource_type -> the keyword arguments binding_target returns (always all of them).
TARGET_KEYS: dict[str, tuple[str, ...]] = {
    "storage_bucket": ("bucket",),
    "secret": ("secret_id", "project"),
    "pubsub_topic": ("topic", "project"),
    "pubsub_subscription": ("subscription", "project"),
    "artifact_registry_repository": ("repository", "location", "project"),
    "bigquery_dataset": ("dataset_id", "project"),
}

