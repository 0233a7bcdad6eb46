"""Pure builders for cross-cloud federation: subjects, trusts, pool providers, credential files, pod patches.

Nothing here touches the Pulumi runtime or a cloud SDK; every function takes plain values
and the same inputs always give the same (byte-identical once JSON-encoded) result. The
facts and their sources are in ``federation.facts``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from ..aws.documents import POLICY_VERSION
from ..aws.facts import IRSA_ACTION
from ..azure.documents import check_issuer as _check_issuer_verbatim
from ..errors import ValidationError
from ..validation import check_str, short_hash, without_placeholders
from . import facts


# -- issuers ----------------------------------------------------------------------------
def check_issuer(field: str, issuer: Any, placeholders: bool = False) -> str:
    """An ``https://`` issuer URL without query or fragment, returned verbatim (never add or strip '/').

    While ``pulumi-wid plan`` runs (``placeholders``) a part known only after deploy is checked as a stand-in.
    """
    check_str(field, issuer)
    _check_issuer_verbatim(field, without_placeholders(issuer, "x", placeholders))
    return issuer


def gke_issuer_url(project: str, location: str, cluster: str) -> str:
    """A GKE cluster's OIDC issuer: ``https://container.googleapis.com/v1/projects/<p>/locations/<l>/clusters/<c>``."""
    return f"{facts.GKE_ISSUER_PREFIX}/projects/{project}/locations/{location}/clusters/{cluster}"


def source_kind(issuer: str) -> str:
    """"eks", "aks", "gke", "github_actions", "gitlab_ci" or "oidc" (any other issuer): for messages and plans."""
    if facts.EKS_ISSUER.fullmatch(issuer):
        return "eks"
    if facts.AKS_ISSUER.fullmatch(issuer):
        return "aks"
    if facts.GKE_ISSUER.fullmatch(issuer):
        return "gke"
    for provider, known in facts.CI_ISSUERS.items():
        if issuer == known:
            return provider
    return "oidc"


# -- CI subjects --------------------------------------------------------------------------
def github_subject(repository: str, *, owner_id: str | None = None, repository_id: str | None = None,
                   branch: str | None = None, tag: str | None = None, environment: str | None = None,
                   pull_request: bool = False) -> str:
    """GitHub Actions' default ``sub``: ``repo:<owner>/<repo>:<context>``.

    With ``owner_id`` and ``repository_id`` the immutable form
    ``repo:<owner>@<owner-id>/<repo>@<repo-id>:<context>`` (repositories created or renamed
    from 2026-07-15). The context is ``ref:refs/heads/<branch>``, ``ref:refs/tags/<tag>``,
    ``environment:<env>`` or ``pull_request``.
    """
    owner, _, repo = repository.partition("/")
    if owner_id is not None and repository_id is not None:
        owner, repo = f"{owner}@{owner_id}", f"{repo}@{repository_id}"
    if branch is not None:
        context = f"ref:refs/heads/{branch}"
    elif tag is not None:
        context = f"ref:refs/tags/{tag}"
    elif environment is not None:
        context = f"environment:{environment}"
    elif pull_request:
        context = "pull_request"
    else:
        raise ValueError("a GitHub subject needs a branch, tag, environment or pull_request")
    return f"repo:{owner}/{repo}:{context}"


def gitlab_subject(project_path: str, *, branch: str | None = None, tag: str | None = None) -> str:
    """GitLab CI's default ``sub``: ``project_path:<group>/<project>:ref_type:<branch|tag>:ref:<name>``."""
    if branch is not None:
        return f"project_path:{project_path}:ref_type:branch:ref:{branch}"
    if tag is not None:
        return f"project_path:{project_path}:ref_type:tag:ref:{tag}"
    raise ValueError("a GitLab subject needs a branch or a tag")


# -- AWS ------------------------------------------------------------------------------------
def aws_condition_prefix(issuer: str) -> str:
    """The prefix of IAM's ``:sub``/``:aud`` condition keys: the issuer without ``https://``, otherwise verbatim.

    IAM names an OIDC provider by its URL without the scheme, a final '/' included, and its
    condition keys start with that name: an issuer ending in '/' (AKS, Auth0) gives
    ``oidc-provider/<host/path>/`` and ``<host/path>/:sub`` (as in roles trusting
    ``oidc-provider/auth.mozilla.auth0.com/`` with ``auth.mozilla.auth0.com/:aud``). Keys
    without that '/' name no provider and never match.
    """
    return issuer[len("https://"):]


def aws_provider_arn(partition: str, account: str, issuer: str) -> str:
    """``arn:<partition>:iam::<account>:oidc-provider/<issuer host/path>``."""
    return f"arn:{partition}:iam::{account}:oidc-provider/{aws_condition_prefix(issuer)}"


def aws_web_identity_statement(provider_arn: str, prefix: str, subjects: Sequence[str], audience: str,
                               wildcard: bool = False) -> dict[str, Any]:
    """One web-identity trust statement for a foreign issuer.

    ``StringEquals`` pins ``<prefix>:sub`` to the exact subject(s) and ``<prefix>:aud`` to the
    audience, exactly as IRSA does; ``wildcard`` (a named opt-in) moves ``:sub`` to
    ``StringLike``. Both keys are always present in the token, so plain (single-valued)
    operators are right; never ``ForAllValues`` (true when a key is absent).
    """
    sub: Any = subjects[0] if len(subjects) == 1 else list(subjects)
    if wildcard:
        condition = {"StringEquals": {f"{prefix}:aud": audience}, "StringLike": {f"{prefix}:sub": sub}}
    else:
        condition = {"StringEquals": {f"{prefix}:sub": sub, f"{prefix}:aud": audience}}
    return {"Effect": "Allow", "Principal": {"Federated": provider_arn}, "Action": IRSA_ACTION, "Condition": condition}


def aws_web_identity_trust(provider_arn: str, issuer: str, subjects: Sequence[str], audience: str,
                           wildcard: bool = False) -> dict[str, Any]:
    """The role trust for one foreign issuer (cluster or CI)."""
    statement = aws_web_identity_statement(provider_arn, aws_condition_prefix(issuer), subjects, audience, wildcard)
    return {"Version": POLICY_VERSION, "Statement": [statement]}


# -- Azure -------------------------------------------------------------------------------------
def azure_federated_credential(issuer: str, subject: str) -> dict[str, Any]:
    """The fields of one federated identity credential: issuer verbatim, exact subject, the one audience."""
    return {"issuer": issuer, "subject": subject, "audiences": [facts.AZURE_AUDIENCE]}


def azure_fic_name(subject: str, issuer: str) -> str:
    """``wid-<hash of issuer and subject>``: a valid, stable FIC name (3-120 of ``[A-Za-z0-9_-]``)."""
    return f"wid-{short_hash(issuer, subject, size=16)}"


# -- GCP ------------------------------------------------------------------------------------
def check_pool_id(field: str, value: Any, what: str = "workload identity pool") -> str:
    """A pool or pool provider id: 4-32 of ``[a-z0-9-]``, not starting with the reserved ``gcp-``."""
    check_str(field, value)
    if not facts.GCP_POOL_ID.fullmatch(value):
        raise ValidationError(field, value, f"a {what} id is 4-32 lower-case letters, digits and '-'",
                              f"use {derive_pool_id(value)!r}")
    if value.startswith(facts.GCP_RESERVED_PREFIX):
        raise ValidationError(field, value, "the prefix 'gcp-' is reserved by Google", f"use {'wid-' + value[4:]!r}")
    return value


def derive_pool_id(base: str) -> str:
    """A valid pool/provider id from any text: cleaned, cut to 32 with a stable hash when it had to change."""
    clean = "".join(c if c.isalnum() and c.isascii() else "-" for c in base.lower()).strip("-")
    if clean.startswith(facts.GCP_RESERVED_PREFIX):
        clean = "wid-" + clean[4:]
    if clean == base and 4 <= len(clean) <= 32:
        return clean
    digest = short_hash(base, size=6)
    head = clean[: 32 - len(digest) - 1].rstrip("-") or "wid"
    return f"{head}-{digest}"


def gcp_provider_name(project_number: str, pool: str, provider: str) -> str:
    """``projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>``."""
    return f"projects/{project_number}/locations/global/workloadIdentityPools/{pool}/providers/{provider}"


def gcp_sts_audience(project_number: str, pool: str, provider: str) -> str:
    """The credential configuration's ``audience``: ``//iam.googleapis.com/<provider name>`` (the NUMBER, not the id)."""
    return f"//{facts.GCP_IAM_HOST}/{gcp_provider_name(project_number, pool, provider)}"


def gcp_token_audience(project_number: str, pool: str, provider: str) -> str:
    """The token's default ``aud``: ``https://iam.googleapis.com/<provider name>``."""
    return f"https://{facts.GCP_IAM_HOST}/{gcp_provider_name(project_number, pool, provider)}"


def gcp_principal(project_number: str, pool: str, subject: str) -> str:
    """``principal://iam.googleapis.com/projects/<n>/locations/global/workloadIdentityPools/<pool>/subject/<sub>``."""
    return (f"principal://{facts.GCP_IAM_HOST}/projects/{project_number}/locations/global/"
            f"workloadIdentityPools/{pool}/subject/{subject}")


def gcp_attribute_mapping() -> dict[str, str]:
    """``google.subject = assertion.sub``: the principal is the token's exact subject."""
    return {"google.subject": "assertion.sub"}


def gcp_attribute_condition(subjects: Sequence[str]) -> str:
    """A CEL condition admitting only tokens whose ``sub`` is one of ``subjects`` (exact)."""
    quoted = [json.dumps(s) for s in subjects]
    if len(quoted) == 1:
        return f"assertion.sub == {quoted[0]}"
    return f"assertion.sub in [{', '.join(quoted)}]"


def check_gcp_subject(field: str, subject: str) -> str:
    """google.subject is at most 127 bytes: a longer ``sub`` cannot be a principal."""
    size = len(subject.encode())
    if size > facts.GCP_SUBJECT_MAX_BYTES:
        raise ValidationError(field, subject, f"is {size} bytes; Google maps it to google.subject, which is at most "
                              f"{facts.GCP_SUBJECT_MAX_BYTES} bytes", "shorten the namespace or ServiceAccount name")
    return subject


def gcp_credential_configuration(project_number: str, pool: str, provider: str, token_file: str,
                                 impersonate: str | None = None) -> dict[str, Any]:
    """The ``external_account`` credential configuration Google's client libraries read.

    ``impersonate``: a GSA email, for ``service_account_impersonation_url`` (GSA mode).
    """
    config: dict[str, Any] = {
        "type": facts.GCP_EXTERNAL_ACCOUNT,
        "audience": gcp_sts_audience(project_number, pool, provider),
        "subject_token_type": facts.GCP_JWT_TOKEN_TYPE,
        "token_url": facts.GCP_STS_TOKEN_URL,
        "credential_source": {"file": token_file, "format": {"type": "text"}},
    }
    if impersonate is not None:
        config["service_account_impersonation_url"] = facts.GCP_IMPERSONATION_URL.format(email=impersonate)
    return config


def credential_json(config: Mapping[str, Any]) -> str:
    """The credential configuration as the file holds it: indented, keys in the order built, trailing newline."""
    return json.dumps(config, indent=2) + "\n"


# -- the pod side -----------------------------------------------------------------------------
def token_path(directory: str) -> str:
    return f"{directory}/{facts.TOKEN_FILE}"


def projected_token_volume(name: str, audience: str, expiration_seconds: int) -> dict[str, Any]:
    """A projected volume holding one ServiceAccount token for ``audience`` (rotated by the kubelet)."""
    return {"name": name, "projected": {"sources": [{"serviceAccountToken": {
        "audience": audience, "expirationSeconds": expiration_seconds, "path": facts.TOKEN_FILE}}]}}


def pod_patch(service_account: str, volumes: Sequence[Mapping[str, Any]], mounts: Sequence[Mapping[str, Any]],
              env: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The partial PodTemplateSpec: ``spec.volumes`` plus ``allContainers`` (env and volumeMounts for every container).

    ``merge_pod_template`` adds the volumes to the pod and the env and mounts to each container.
    """
    return {
        "spec": {"serviceAccountName": service_account, "volumes": [dict(v) for v in volumes]},
        "allContainers": {"env": [dict(e) for e in env], "volumeMounts": [dict(m) for m in mounts]},
    }


def _mount(name: str, path: str) -> dict[str, Any]:
    return {"name": name, "mountPath": path, "readOnly": True}


def aws_pod_patch(service_account: str, role_arn: str, audience: str, expiration_seconds: int) -> dict[str, Any]:
    """Projected token (audience = the OIDC provider's client id) + ``AWS_ROLE_ARN`` + ``AWS_WEB_IDENTITY_TOKEN_FILE``."""
    return pod_patch(
        service_account,
        [projected_token_volume(facts.AWS_TOKEN_VOLUME, audience, expiration_seconds)],
        [_mount(facts.AWS_TOKEN_VOLUME, facts.AWS_TOKEN_DIR)],
        [{"name": facts.AWS_ROLE_ARN_ENV, "value": role_arn},
         {"name": facts.AWS_TOKEN_FILE_ENV, "value": token_path(facts.AWS_TOKEN_DIR)}],
    )


def azure_pod_patch(service_account: str, client_id: str, tenant_id: str, expiration_seconds: int) -> dict[str, Any]:
    """Projected token (``api://AzureADTokenExchange``) + the four variables the Azure webhook would inject."""
    return pod_patch(
        service_account,
        [projected_token_volume(facts.AZURE_TOKEN_VOLUME, facts.AZURE_AUDIENCE, expiration_seconds)],
        [_mount(facts.AZURE_TOKEN_VOLUME, facts.AZURE_TOKEN_DIR)],
        [{"name": facts.AZURE_CLIENT_ID_ENV, "value": client_id},
         {"name": facts.AZURE_TENANT_ID_ENV, "value": tenant_id},
         {"name": facts.AZURE_TOKEN_FILE_ENV, "value": token_path(facts.AZURE_TOKEN_DIR)},
         {"name": facts.AZURE_AUTHORITY_HOST_ENV, "value": facts.AZURE_AUTHORITY_HOST}],
    )


def gcp_pod_patch(service_account: str, audience: str, expiration_seconds: int, config_map: str) -> dict[str, Any]:
    """Projected token (the provider's audience) + the credential file from ``config_map`` + ``GOOGLE_APPLICATION_CREDENTIALS``."""
    return pod_patch(
        service_account,
        [projected_token_volume(facts.GCP_TOKEN_VOLUME, audience, expiration_seconds),
         {"name": facts.GCP_CREDENTIALS_VOLUME, "configMap": {"name": config_map}}],
        [_mount(facts.GCP_TOKEN_VOLUME, facts.GCP_TOKEN_DIR), _mount(facts.GCP_CREDENTIALS_VOLUME, facts.GCP_CREDENTIALS_DIR)],
        [{"name": facts.GCP_CREDENTIALS_ENV, "value": f"{facts.GCP_CREDENTIALS_DIR}/{facts.GCP_CREDENTIALS_FILE}"}],
    )


def config_map_manifest(name: str, namespace: str, credential_configuration: str) -> dict[str, Any]:
    """The ConfigMap holding the credential configuration (for GitOps users and validation)."""
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": namespace},
            "data": {facts.GCP_CREDENTIALS_FILE: credential_configuration}}
