"""Resource types that form identity chains, recognised by meaning rather than one exact string.

verify keeps these on purpose apart from the builders' constants: a checker that
shares the builder's tables cannot catch the builder's mistakes.
"""

from __future__ import annotations

import re

# azure-native publishes every resource again in API-version modules (and old states keep them).
_AZURE_VERSIONED = re.compile(r"^(azure-native:[A-Za-z]+)/v\d{8}(?:preview|privatepreview)?:")


def canonical(token: str) -> str:
    """``azure-native:managedidentity/v20230131:FederatedIdentityCredential`` -> the unversioned token."""
    return _AZURE_VERSIONED.sub(r"\1:", token) if token.startswith("azure-native:") else token


# AWS
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
OIDC_PROVIDER = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
POD_IDENTITY = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
EKS_CLUSTER = "aws:eks/cluster:Cluster"
EKS_ADDON = "aws:eks/addon:Addon"

# Azure: azure-native, the classic azure provider, and Entra applications (azuread)
UAMI = frozenset({
    "azure-native:managedidentity:UserAssignedIdentity",
    "azure:authorization/userAssignedIdentity:UserAssignedIdentity",
    "azure:armmsi/userAssignedIdentity:UserAssignedIdentity",
})
FIC = frozenset({
    "azure-native:managedidentity:FederatedIdentityCredential",
    "azure:armmsi/federatedIdentityCredential:FederatedIdentityCredential",
})
APPLICATION = frozenset({"azuread:index/application:Application"})
APP_FIC = frozenset({"azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential"})
AKS_CLUSTER = frozenset({
    "azure-native:containerservice:ManagedCluster",
    "azure:containerservice/kubernetesCluster:KubernetesCluster",
})

# GCP
GSA = "gcp:serviceaccount/account:Account"
GKE_CLUSTER = "gcp:container/cluster:Cluster"
_GCP_GRANT = re.compile(r"^gcp:[A-Za-z/]+:\w*(?:IAMMember|IAMBinding|IAMPolicy|IamMember|IamBinding|IamPolicy)$")
_BROAD_SCOPE = ("gcp:projects/", "gcp:folder/", "gcp:organizations/")


def is_gcp_grant(token: str) -> bool:
    return _GCP_GRANT.match(token) is not None


def is_broad_gcp_scope(token: str) -> bool:
    """Granted on a whole project, folder or organization: covers every service account in it."""
    return token.startswith(_BROAD_SCOPE)


# Kubernetes
SA_KINDS = frozenset({"ServiceAccount", "ServiceAccountPatch"})
WORKLOAD_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet", "Pod"})
HELM_RELEASE = frozenset({"kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Release"})
K8S_PROVIDER = "pulumi:providers:kubernetes"


def kubernetes_kind(token: str) -> str:
    """``kubernetes:apps/v1:Deployment`` -> ``Deployment`` ("" for other providers)."""
    return token.rsplit(":", 1)[-1] if token.startswith("kubernetes:") else ""
