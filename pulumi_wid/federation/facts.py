"""Cross-cloud federation facts: issuers, CI subjects, token exchange endpoints, pod-side paths, limits.

Pure constants, read by ``federation.args``/``documents``/``component``. Sources:

- GCP workload identity federation with Kubernetes and with deployment pipelines
  (https://cloud.google.com/iam/docs/workload-identity-federation-with-kubernetes,
  https://cloud.google.com/iam/docs/workload-identity-federation-with-deployment-pipelines);
  pool/provider ids "must be 4-32 characters, [a-z0-9-]; the prefix gcp- is reserved"
  (REST reference projects.locations.workloadIdentityPools.providers/create); ``allowed_audiences``:
  at most 10, each at most 256 characters, and when empty the token's ``aud`` must be the
  provider's full canonical name with or without ``https:`` (google.iam.v1 ``WorkloadIdentityPoolProvider.Oidc``);
  the credential configuration fields (AIP-4117, ``gcloud iam workload-identity-pools create-cred-config``).
- AWS IAM ``CreateOpenIDConnectProvider``: the URL begins with ``https://`` and matches the
  token's ``iss``, no query; at most 100 client ids (audiences) of at most 255 characters.
- Azure workload identity federation: audience ``api://AzureADTokenExchange``, the issuer
  verbatim, at most 20 federated credentials per managed identity (see ``azure.facts``).
- GitHub Actions OIDC (docs.github.com ``actions/reference/security/oidc`` and the
  "Immutable subject claims" section, github/docs#45221): issuer
  ``https://token.actions.githubusercontent.com``; subjects ``repo:<owner>/<repo>:ref:refs/heads/<b>``,
  ``...:ref:refs/tags/<t>``, ``...:environment:<env>``, ``...:pull_request``; repositories created or
  renamed from 2026-07-15 carry ``repo:<owner>@<owner-id>/<repo>@<repo-id>:...``.
- GitLab CI ID tokens (docs.gitlab.com ``ci/secrets/id_token_authentication``): issuer the
  instance URL (``https://gitlab.com``), ``sub`` ``project_path:<group>/<project>:ref_type:<branch|tag>:ref:<name>``,
  ``aud`` whatever the job's ``id_tokens`` asks for.
- Kubernetes ``ServiceAccountTokenProjection``: ``expirationSeconds`` defaults to 1 hour and
  must be at least 10 minutes.
"""

from __future__ import annotations

import re

from ..aws import facts as _aws
from ..azure import facts as _azure

TARGETS = ("aws", "azure", "gcp")

# -- source clusters: where each kind's issuer comes from ------------------------------
# EKS: cluster.identities[0].oidcs[0].issuer, e.g. https://oidc.eks.<region>.amazonaws.com/id/<ID>
# AKS: oidcIssuerProfile.issuerURL, e.g. https://<region>.oic.prod-aks.azure.com/<tenant>/<guid>/ (trailing '/')
# GKE: https://container.googleapis.com/v1/projects/<project>/locations/<location>/clusters/<name> (public JWKS)
GKE_ISSUER_PREFIX = "https://container.googleapis.com/v1"
EKS_ISSUER = re.compile(r"^https://oidc\.eks\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?/id/[A-Za-z0-9]+$")
AKS_ISSUER = re.compile(r"^https://[a-z0-9-]+\.oic\.prod-aks\.azure\.com/[0-9a-f-]{36}/[0-9a-f-]{36}/$")
GKE_ISSUER = re.compile(
    r"^https://container\.googleapis\.com/v1/projects/[a-z][a-z0-9-]{4,28}[a-z0-9]/locations/[a-z0-9-]+/clusters/[a-z0-9-]+$"
)

# -- CI providers ---------------------------------------------------------------------------
CI_PROVIDERS = ("github_actions", "gitlab_ci")
GITHUB_ISSUER = "https://token.actions.githubusercontent.com"
GITLAB_ISSUER = "https://gitlab.com"
CI_ISSUERS = {"github_actions": GITHUB_ISSUER, "gitlab_ci": GITLAB_ISSUER}
# GitHub owner/repository names; the immutable ids are decimal numbers.
GITHUB_OWNER = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")
GITHUB_REPOSITORY = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
GITLAB_PATH = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_][A-Za-z0-9_.-]*)+$")
NUMERIC_ID = re.compile(r"^[1-9][0-9]{0,19}$")
# A git ref or environment name as it appears in a subject: no wildcard, no ':' (the separator).
REF_NAME = re.compile(r"^[^\s:*?\[\]\\\"']{1,255}$")

# -- tokens on the pod -------------------------------------------------------------------------
TOKEN_EXPIRATION = (600, 86400)
DEFAULT_TOKEN_EXPIRATION = 3600
TOKEN_FILE = "token"

# AWS (no EKS webhook off EKS: the patch carries what it would inject)
AWS_AUDIENCE = _aws.IRSA_AUDIENCE
AWS_TOKEN_VOLUME = "wid-aws-token"
AWS_TOKEN_DIR = "/var/run/secrets/wid/aws"
AWS_ROLE_ARN_ENV = "AWS_ROLE_ARN"
AWS_TOKEN_FILE_ENV = "AWS_WEB_IDENTITY_TOKEN_FILE"
OIDC_CLIENT_IDS_MAX = 100
OIDC_CLIENT_ID_MAX = 255
OIDC_PROVIDER_URL_MAX = 255  # CreateOpenIDConnectProvider: Url is 1-255 characters

# Azure (no Azure webhook off AKS)
AZURE_AUDIENCE = _azure.AUDIENCE
AZURE_AUTHORITY_HOST = "https://login.microsoftonline.com/"
AZURE_TOKEN_VOLUME = "wid-azure-token"
AZURE_TOKEN_DIR = "/var/run/secrets/wid/azure"
AZURE_CLIENT_ID_ENV = "AZURE_CLIENT_ID"
AZURE_TENANT_ID_ENV = "AZURE_TENANT_ID"
AZURE_TOKEN_FILE_ENV = "AZURE_FEDERATED_TOKEN_FILE"
AZURE_AUTHORITY_HOST_ENV = "AZURE_AUTHORITY_HOST"

# GCP
GCP_TOKEN_VOLUME = "wid-gcp-token"
GCP_TOKEN_DIR = "/var/run/secrets/wid/gcp"
GCP_CREDENTIALS_VOLUME = "wid-gcp-credentials"
GCP_CREDENTIALS_DIR = "/etc/wid/gcp"
GCP_CREDENTIALS_FILE = "credential-configuration.json"
GCP_CREDENTIALS_ENV = "GOOGLE_APPLICATION_CREDENTIALS"
GCP_STS_TOKEN_URL = "https://sts.googleapis.com/v1/token"
GCP_JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt"
GCP_EXTERNAL_ACCOUNT = "external_account"
GCP_IAM_HOST = "iam.googleapis.com"
GCP_IMPERSONATION_URL = "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/{email}:generateAccessToken"
GCP_POOL_ID = re.compile(r"^[a-z0-9-]{4,32}$")
GCP_RESERVED_PREFIX = "gcp-"
GCP_ALLOWED_AUDIENCES_MAX = 10
GCP_AUDIENCE_MAX = 256
# google.subject is at most 127 bytes (attribute mapping reference).
GCP_SUBJECT_MAX_BYTES = 127
GCP_MODES = ("direct", "service_account")
GCP_DISPLAY_NAME_MAX = 32

# -- type tokens ------------------------------------------------------------------------------
GCP_POOL = "gcp:iam/workloadIdentityPool:WorkloadIdentityPool"
GCP_POOL_PROVIDER = "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider"
CONFIG_MAP = "kubernetes:core/v1:ConfigMap"
