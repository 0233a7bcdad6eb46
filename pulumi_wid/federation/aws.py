"""``AwsFederatedRole``: an IAM role trusted by a foreign OIDC issuer (any cluster, GitHub Actions, GitLab CI); wiring only."""

# No `from __future__ import annotations` here: Pulumi's component analyzer reads
# these annotations at runtime to build the multi-language schema (tests/test_schema.py).

from typing import Any

import pulumi
import pulumi_aws as aws

from .._outputs import placeholder_mode
from ..aws import documents as aws_doc
from ..aws.component import EksPodIdentity
from ..errors import ValidationError
from . import documents as doc
from ._component import FederatedComponent
from .args import AwsFederatedRoleArgs, AwsSpec, aws_spec


class AwsFederatedRole(FederatedComponent):
    """An IAM role assumed with a foreign OIDC token: a pod on any cluster (EKS, AKS, GKE, ...) or a CI job.

    Creates (or reuses) the account's IAM OIDC provider for the issuer, with the audience as
    its client id; a role whose trust pins ``<issuer>:sub`` and ``<issuer>:aud`` with
    ``StringEquals`` exactly as IRSA does; the inline policy and managed-policy attachments.
    For a pod, ``pod_template_patch`` mounts a projected ServiceAccount token with that audience
    and sets ``AWS_ROLE_ARN`` and ``AWS_WEB_IDENTITY_TOKEN_FILE`` (no EKS webhook does it off EKS).
    """

    role_arn: pulumi.Output[str]
    """ARN of the IAM role."""
    role_name: pulumi.Output[str]
    """Name of the IAM role."""
    oidc_provider_arn: pulumi.Output[str]
    """ARN of the IAM OIDC provider of the issuer (created or given)."""
    trust_policy: pulumi.Output[str]
    """The role's trust policy JSON."""
    issuer_url: pulumi.Output[str]
    """The trusted issuer, verbatim."""
    subjects: pulumi.Output[list[str]]
    """The exact sub claims the trust admits."""
    audience: pulumi.Output[str]
    """The aud claim the trust admits (the OIDC provider's client id)."""
    service_account_name: pulumi.Output[str | None]
    """Name of the Kubernetes ServiceAccount (none for a CI source)."""
    namespace: pulumi.Output[str | None]
    """Namespace of the Kubernetes ServiceAccount (none for a CI source)."""
    service_account_annotations: pulumi.Output[dict[str, str]]
    """Annotations the ServiceAccount needs: none (the projected token in the pod does the work)."""
    pod_template_patch: pulumi.Output[dict[str, Any] | None]
    """Partial PodTemplateSpec for merge_pod_template: serviceAccountName, the projected token volume, and (allContainers) its mount and the AWS_* variables; none for a CI source."""
    ci_settings: pulumi.Output[dict[str, str] | None]
    """For a CI source: what the pipeline configures (role_arn, audience), e.g. aws-actions/configure-aws-credentials' role-to-assume and audience."""

    def __init__(self, name: str, args: AwsFederatedRoleArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        spec = aws_spec(args, placeholder_mode())  # bad input fails here, before anything is registered
        source = spec.source
        super().__init__("wid:index:AwsFederatedRole", name, {}, opts)
        self._federated_started("aws", source)
        if spec.provider_arn is None:
            provider = aws.iam.OpenIdConnectProvider(
                f"{name}-oidc-provider", url=source.issuer, client_id_lists=[spec.audience],
                tags=spec.tags or None, opts=self._child,
            )
            provider_arn: Any = provider.arn
        else:
            provider_arn = spec.provider_arn
        trust = pulumi.Output.all(provider_arn, source.issuer).apply(lambda v: _trust(spec, v[0], v[1]))
        role = aws.iam.Role(
            f"{name}-role", name=spec.role_name, path=aws_doc.iam_path(spec.role_path),
            description=_description(spec), assume_role_policy=trust,
            max_session_duration=spec.max_session_duration, permissions_boundary=spec.permissions_boundary,
            tags=spec.tags or None, opts=self._child,
        )
        grants = EksPodIdentity._grants(self, name, spec, role)  # the same policy wiring as EksPodIdentity
        self._service_account(name, source, grants)
        identity = source.identity
        patch = role.arn.apply(lambda arn: doc.aws_pod_patch(
            identity.service_account, arn, spec.audience, source.token_expiration_seconds)) if identity else None
        self._finish_federated(
            source, spec.audience,
            {"role_arn": role.arn, "role_name": role.name, "oidc_provider_arn": provider_arn, "trust_policy": trust},
            patch, {"role_arn": role.arn, "audience": spec.audience},
        )


def _trust(spec: AwsSpec, provider_arn: str, issuer: str) -> str:
    """The trust JSON, once the provider ARN and the issuer are known (a given ARN must name the issuer)."""
    prefix = doc.aws_condition_prefix(issuer)
    named = aws_doc.parse_oidc_provider_arn("oidc_provider_arn", provider_arn, spec.placeholders)["issuer"]
    if named != prefix and "known after deploy" not in named + prefix:
        raise ValidationError("oidc_provider_arn", provider_arn, f"names issuer {named!r}, the source's is {prefix!r}",
                              "pass the OIDC provider of this issuer, or drop oidc_provider_arn to create it")
    trust = doc.aws_web_identity_trust(provider_arn, issuer, spec.source.subjects, spec.audience, spec.source.wildcard)
    aws_doc.check_trust_size("trust_policy", trust)
    return aws_doc.compact_json(trust)


def _description(spec: AwsSpec) -> str:
    identity = spec.source.identity
    if identity is not None:
        return aws_doc.role_description(identity.namespace, identity.service_account) + " via a foreign OIDC issuer"
    return f"Keyless CI deployer ({spec.source.ci_provider}) for {', '.join(spec.source.subjects)}"[:1000]
