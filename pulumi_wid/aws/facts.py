"""AWS facts: annotation keys, principals, audiences, limits and type tokens (pure constants).

Builders, plan, render, the policy rules and the mocks read them from here.
``pulumi_wid.verify`` keeps its own copies on purpose (a checker must not share the
builder's code); tests/test_facts.py asserts the two agree.
"""

from __future__ import annotations

MODES = ("pod_identity", "irsa")

# ServiceAccount annotations (IRSA)
ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn"
STS_REGIONAL_ANNOTATION = "eks.amazonaws.com/sts-regional-endpoints"
TOKEN_EXPIRATION_ANNOTATION = "eks.amazonaws.com/token-expiration"
# Read by the IRSA webhook too (aws/amazon-eks-pod-identity-webhook pkg/annotations.go): the token's
# audience. The trust pins aud to IRSA_AUDIENCE, so the component owns it like the keys above.
AUDIENCE_ANNOTATION = "eks.amazonaws.com/audience"

# Trust
POLICY_VERSION = "2012-10-17"
POD_IDENTITY_PRINCIPAL = "pods.eks.amazonaws.com"
POD_IDENTITY_ACTIONS = ("sts:AssumeRole", "sts:TagSession")
IRSA_ACTION = "sts:AssumeRoleWithWebIdentity"
IRSA_AUDIENCE = "sts.amazonaws.com"
EKS_OIDC_MARKER = "oidc-provider/oidc.eks."
SESSION_TAGS = (
    "eks-cluster-arn", "eks-cluster-name", "kubernetes-namespace",
    "kubernetes-service-account", "kubernetes-pod-name", "kubernetes-pod-uid",
)

# Limits
TRUST_POLICY_QUOTA = 2048
MANAGED_POLICY_LIMIT = 6144
INLINE_POLICIES_LIMIT = 10240
SESSION_POLICY_LIMIT = 2048
MAX_TAGS = 50
# IAM and EKS tags (IAM API Reference "Tag": key [\p{L}\p{Z}\p{N}_.:/=+\-@]+ of 1-128, value
# [\p{L}\p{Z}\p{N}_.:/=+\-@]* of 0-256 characters; EKS "Tagging your resources": the same lengths and
# characters; keys starting with aws: in any case are reserved).
TAG_KEY_MAX = 128
TAG_VALUE_MAX = 256
TAG_SYMBOLS = "_.:/=+-@"
TAG_RESERVED_PREFIX = "aws:"
MAX_MANAGED_POLICIES = 20
SESSION_DURATION = (3600, 43200)
# IAM's default path of roles and policies
DEFAULT_PATH = "/"
# IRSA projected-token lifetime the EKS pod identity webhook honours: MinTokenExpiration
# 600 ("10mins is min for kube-apiserver") and MaxTokenExpiration 86400 in
# aws/amazon-eks-pod-identity-webhook pkg/constants.go (it raises a lower value to 600).
TOKEN_EXPIRATION = (600, 86400)

# AWS managed policies that grant (nearly) everything: refused like "*" actions.
BROAD_MANAGED_POLICIES = ("AdministratorAccess", "PowerUserAccess", "IAMFullAccess")

# The add-on Pod Identity needs in every cluster (EKS user guide, "Set up the Amazon EKS Pod Identity Agent")
POD_IDENTITY_AGENT_ADDON = "eks-pod-identity-agent"

# Type tokens
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
POLICY = "aws:iam/policy:Policy"
USER_POLICY = "aws:iam/userPolicy:UserPolicy"
GROUP_POLICY = "aws:iam/groupPolicy:GroupPolicy"
OIDC_PROVIDER = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
POD_IDENTITY_ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
EKS_CLUSTER = "aws:eks/cluster:Cluster"
EKS_ADDON = "aws:eks/addon:Addon"
ACCESS_KEY = "aws:iam/accessKey:AccessKey"
SERVICE_SPECIFIC_CREDENTIAL = "aws:iam/serviceSpecificCredential:ServiceSpecificCredential"
GET_CALLER_IDENTITY = "aws:index/getCallerIdentity:getCallerIdentity"
GET_PARTITION = "aws:index/getPartition:getPartition"
GET_REGION = "aws:index/getRegion:getRegion"
GET_CLUSTER = "aws:eks/getCluster:getCluster"

# Plan placeholder for the caller's account id (``pulumi-wid plan``)
ACCOUNT_PLACEHOLDER = "<aws account id, known after deploy>"
