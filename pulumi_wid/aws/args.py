"""``EksPodIdentityArgs`` and its validation into a plain ``EksSpec`` (no cloud SDK needed).

``eks_spec`` checks plain values at once and wraps Outputs so they fail with the same
``ValidationError`` when they resolve; ``placeholders`` (true only while
``pulumi-wid plan`` runs) is passed explicitly.
"""

# No `from __future__ import annotations` here: Pulumi's component analyzer reads
# these annotations at runtime to build the multi-language schema (tests/test_schema.py).

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypedDict

import pulumi

from .._outputs import unique, when_known
from ..errors import ValidationError
from ..identity import Identity, ServiceIdentity, validate_identity
from ..validation import (
    NotRequired,
    check_bool,
    check_choice,
    check_int_range,
    check_str_list,
    is_unknown,
    refuse_for_mode,
    refuse_with_existing,
    reject_unknown_keys,
    require,
)
from . import documents as doc
from . import facts

IRSA_ONLY = ("oidc_provider_arn", "oidc_issuer_url", "oidc_provider_arns", "oidc_issuer_urls",
             "irsa_subject_patterns", "sts_regional_endpoints", "token_expiration_seconds")
POD_IDENTITY_ONLY = ("target_role_arn", "disable_session_tags", "session_policy_statements")
ROLE_ONLY = ("policy_statements", "managed_policy_arns", "permissions_boundary", "role_path",
             "role_name", "max_session_duration", "target_role_arn")
_CLUSTER_NAME = re.compile(r"^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$")


# Literal for type checkers and editors; str at run time, because Pulumi's schema analyzer
# (pulumi.provider.experimental, 3.237-3.272) cannot read Literal (TypeError in its is_enum check)
# and the multi-language schema must keep the plain string type.
if TYPE_CHECKING:
    EksMode = Literal["pod_identity", "irsa"]
else:
    EksMode = str


class EksPodIdentityArgs(TypedDict):
    """Arguments of ``EksPodIdentity``."""

    identity: ServiceIdentity
    """The Kubernetes ServiceAccount that gets the IAM role."""
    cluster_name: pulumi.Input[str]
    """Name of the EKS cluster (the Pod Identity association is made in it; IRSA looks its issuer up when no OIDC provider is given)."""
    mode: NotRequired[EksMode]
    """"pod_identity" (default): EKS Pod Identity association; "irsa": IAM roles for service accounts (OIDC-federated trust and the role-arn annotation)."""
    oidc_provider_arn: NotRequired[pulumi.Input[str]]
    """IRSA: ARN of the cluster's IAM OIDC provider; the issuer is derived from it."""
    oidc_issuer_url: NotRequired[pulumi.Input[str]]
    """IRSA: the cluster's https OIDC issuer URL; the provider ARN is built from the caller's account and partition."""
    oidc_provider_arns: NotRequired[list[pulumi.Input[str]]]
    """IRSA: several clusters' OIDC provider ARNs on one role (one trust statement each)."""
    oidc_issuer_urls: NotRequired[list[pulumi.Input[str]]]
    """IRSA: several clusters' issuer URLs on one role (one trust statement each)."""
    irsa_subject_patterns: NotRequired[list[str]]
    """IRSA: extra StringLike subjects in the same namespace (e.g. "system:serviceaccount:apps:api-*"); needs allow_wildcards."""
    policy_statements: NotRequired[list[dict[str, Any]]]
    """Inline IAM statements for the role (Effect, Action, Resource, Condition), as in an IAM policy document."""
    managed_policy_arns: NotRequired[list[pulumi.Input[str]]]
    """ARNs of managed policies to attach to the role."""
    permissions_boundary: NotRequired[pulumi.Input[str]]
    """ARN of the policy that bounds the role's permissions."""
    role_path: NotRequired[str]
    """IAM path of the role (default "/")."""
    role_name: NotRequired[str]
    """Name of the role; default "<namespace>-<name>", shortened with a stable hash past 64 characters."""
    max_session_duration: NotRequired[int]
    """Maximum session duration of the role in seconds, 3600 to 43200."""
    role_arn: NotRequired[pulumi.Input[str]]
    """Use this existing role instead of creating one: only the association (or annotation) and the ServiceAccount are made."""
    target_role_arn: NotRequired[pulumi.Input[str]]
    """Pod Identity: a role (possibly in another account) that the association role chains into; it must trust the association role for sts:AssumeRole and sts:TagSession."""
    disable_session_tags: NotRequired[bool]
    """Pod Identity: disable the session tags EKS adds (kubernetes-namespace, kubernetes-service-account, ...)."""
    session_policy_statements: NotRequired[list[dict[str, Any]]]
    """Pod Identity: statements of a session policy that further restricts the association; needs disable_session_tags."""
    sts_regional_endpoints: NotRequired[bool]
    """IRSA: annotate eks.amazonaws.com/sts-regional-endpoints so SDKs use the regional STS endpoint."""
    token_expiration_seconds: NotRequired[int]
    """IRSA: eks.amazonaws.com/token-expiration of the projected token, 3600 to 86400."""
    allow_wildcards: NotRequired[bool]
    """Accept "*" actions or resources, NotAction/NotResource, StringLike subjects and admin-class managed policies (default false)."""


@dataclass
class EksSpec:
    """The validated, plain-valued shape of one ``EksPodIdentity``."""

    identity: Identity
    mode: str
    cluster_name: Any
    role_name: "str | None"
    role_path: str
    existing_role_arn: Any = None
    providers: list = field(default_factory=list)
    issuers: list = field(default_factory=list)
    subject_patterns: list = field(default_factory=list)
    statements: list = field(default_factory=list)
    managed_policy_arns: list = field(default_factory=list)
    permissions_boundary: Any = None
    max_session_duration: "int | None" = None
    target_role_arn: Any = None
    disable_session_tags: "bool | None" = None
    session_policy: "list | None" = None
    annotations_extra: dict = field(default_factory=dict)
    allow_wildcards: bool = False
    tags: dict = field(default_factory=dict)
    placeholders: bool = False


def eks_spec(args: Any, placeholders: bool = False) -> EksSpec:
    """Validate ``EksPodIdentityArgs`` (plain values now, Outputs when they resolve)."""
    if not isinstance(args, Mapping):
        raise ValidationError(
            "EksPodIdentityArgs", args, "must be a dict", "pass EksPodIdentityArgs(identity=..., cluster_name=...)"
        )
    reject_unknown_keys("", args, EksPodIdentityArgs.__annotations__)
    identity = validate_identity(require(args, "identity", ""))
    mode = check_choice("mode", args.get("mode", "pod_identity"), facts.MODES)
    allow = check_bool("allow_wildcards", args.get("allow_wildcards", False))
    cluster_name = _cluster_name(args, mode)
    refuse_for_mode(args, IRSA_ONLY if mode == "pod_identity" else POD_IDENTITY_ONLY,
                    "irsa" if mode == "pod_identity" else "pod_identity")

    existing = args.get("role_arn")
    if existing is not None:
        refuse_with_existing(args, ROLE_ONLY, "a role", "role_arn",
                             "manage that role's permissions where it is defined, or drop role_arn")
        existing = when_known(existing, lambda v: doc.parse_role_arn("role_arn", v, placeholders), placeholders)

    doc.check_tags("identity.tags", identity.tags)
    role_name = args.get("role_name")
    if role_name is not None:
        doc.check_role_name("role_name", role_name)
    elif existing is None:
        role_name = doc.derive_role_name(identity.namespace, identity.name)
    role_path = doc.check_role_path("role_path", args.get("role_path", "/"))
    duration = args.get("max_session_duration")
    if duration is not None:
        check_int_range("max_session_duration", duration, *facts.SESSION_DURATION, " seconds")
    statements = doc.normalize_statements("policy_statements", args.get("policy_statements"), allow, placeholders)
    managed = _managed_policy_arns(args, allow, placeholders)
    if statements:
        doc.check_size(
            "policy_statements", doc.permission_policy(_known_only(statements)), facts.INLINE_POLICIES_LIMIT,
            "the role's inline policies", "move statements into managed policies (6,144 characters each) and attach them",
        )
    spec = EksSpec(
        identity=identity, mode=mode, cluster_name=cluster_name, role_name=role_name, role_path=role_path,
        existing_role_arn=existing, statements=statements, managed_policy_arns=managed,
        permissions_boundary=when_known(
            args.get("permissions_boundary"),
            lambda v: doc.check_managed_policy_arn("permissions_boundary", v, True), placeholders,
        ),
        max_session_duration=duration, allow_wildcards=allow, tags=dict(identity.tags), placeholders=placeholders,
    )
    if mode == "irsa":
        _irsa_spec(args, spec)
    else:
        _pod_identity_spec(args, spec)
    return spec


def _cluster_name(args: Mapping[str, Any], mode: str) -> Any:
    cluster_name = args.get("cluster_name")
    if mode == "pod_identity" or not _has_irsa_source(args):
        require(args, "cluster_name", "")
    if cluster_name is not None and not isinstance(cluster_name, str) and not is_unknown(cluster_name):
        raise ValidationError(
            "cluster_name", cluster_name, "must be a string (or an Output of one)", "pass the cluster's name, e.g. cluster.name"
        )
    if isinstance(cluster_name, str) and not _CLUSTER_NAME.fullmatch(cluster_name):
        raise ValidationError(
            "cluster_name", cluster_name, "an EKS cluster name is 1-100 letters, digits, '-' and '_', starting with a letter or digit"
        )
    return cluster_name


def _managed_policy_arns(args: Mapping[str, Any], allow: bool, placeholders: bool) -> list:
    managed = check_str_list("managed_policy_arns", args.get("managed_policy_arns") or [])
    managed = [
        when_known(arn, lambda v, i=index: doc.check_managed_policy_arn(f"managed_policy_arns[{i}]", v, allow), placeholders)
        for index, arn in enumerate(managed)
    ]
    if len(managed) > facts.MAX_MANAGED_POLICIES:
        raise ValidationError("managed_policy_arns", f"{len(managed)} policies", "IAM attaches at most 20 managed policies to a role (10 by default)")

    def refuse(arns: list, first: int, second: int, later: bool = False) -> None:
        raise ValidationError(
            f"managed_policy_arns[{second}]", arns[second],
            f"is already attached by managed_policy_arns[{first}] (each policy attaches to a role once)",
            "list each managed policy once",
        )

    return unique(managed, lambda arn: arn, refuse)


def _pod_identity_spec(args: Mapping[str, Any], spec: EksSpec) -> None:
    target = args.get("target_role_arn")
    spec.target_role_arn = when_known(
        target, lambda v: doc.parse_role_arn("target_role_arn", v, spec.placeholders), spec.placeholders
    )
    tags_off = args.get("disable_session_tags")
    if tags_off is not None:
        check_bool("disable_session_tags", tags_off)
    spec.disable_session_tags = tags_off
    session = args.get("session_policy_statements")
    if session is not None:
        if tags_off is not True:
            raise ValidationError(
                "session_policy_statements", session, "EKS accepts a session policy only with session tags disabled",
                "set disable_session_tags=True",
            )
        spec.session_policy = doc.normalize_statements(
            "session_policy_statements", session, spec.allow_wildcards, spec.placeholders
        )


def _has_irsa_source(args: Mapping[str, Any]) -> bool:
    return any(args.get(k) for k in ("oidc_provider_arn", "oidc_issuer_url", "oidc_provider_arns", "oidc_issuer_urls"))


def _irsa_spec(args: Mapping[str, Any], spec: EksSpec) -> None:
    ph = spec.placeholders
    arns = [args["oidc_provider_arn"]] if args.get("oidc_provider_arn") is not None else []
    arns += check_str_list("oidc_provider_arns", args.get("oidc_provider_arns") or [])
    urls = [args["oidc_issuer_url"]] if args.get("oidc_issuer_url") is not None else []
    urls += check_str_list("oidc_issuer_urls", args.get("oidc_issuer_urls") or [])
    arns = [
        when_known(arn, lambda v, i=index: doc.parse_oidc_provider_arn(f"oidc_provider_arns[{i}]", v, ph), ph)
        for index, arn in enumerate(arns)
    ]
    urls = [
        when_known(url, lambda v, i=index: doc.issuer_host_path(f"oidc_issuer_urls[{i}]", v, ph), ph)
        for index, url in enumerate(urls)
    ]
    known = [a for a in arns if isinstance(a, str)] + [u for u in urls if isinstance(u, str)]
    if len(set(known)) != len(known):
        raise ValidationError("oidc_provider_arns", known, "lists the same cluster twice", "give each cluster once")
    # A provider ARN and an issuer URL of the same cluster would give two identical statements.
    by_issuer = {from_arn(a, ph)[1]: i for i, a in enumerate(arns) if isinstance(a, str)}
    for index, url in enumerate(urls):
        issuer = doc.issuer_host_path(f"oidc_issuer_urls[{index}]", url, ph) if isinstance(url, str) else None
        if issuer in by_issuer:
            raise ValidationError(
                f"oidc_issuer_urls[{index}]", url,
                f"names the same cluster as oidc_provider_arns[{by_issuer[issuer]}]",
                "give each cluster once: its oidc_provider_arn or its oidc_issuer_url",
            )
    spec.providers, spec.issuers = arns, urls
    patterns = args.get("irsa_subject_patterns")
    if patterns:
        spec.subject_patterns = doc.check_subject_patterns(
            "irsa_subject_patterns", patterns, spec.identity.namespace, spec.allow_wildcards
        )
    if args.get("sts_regional_endpoints") is not None:
        if check_bool("sts_regional_endpoints", args["sts_regional_endpoints"]):
            spec.annotations_extra[facts.STS_REGIONAL_ANNOTATION] = "true"
    expiration = args.get("token_expiration_seconds")
    if expiration is not None:
        check_int_range("token_expiration_seconds", expiration, *facts.TOKEN_EXPIRATION, " seconds")
        spec.annotations_extra[facts.TOKEN_EXPIRATION_ANNOTATION] = str(expiration)
    # A fully known trust is checked against the quota now, not after the role exists.
    if spec.existing_role_arn is None and not urls and arns and all(isinstance(a, str) for a in arns):
        doc.check_trust_size("oidc_provider_arns", irsa_trust(spec, [from_arn(a, ph) for a in arns]))


def _known_only(statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Statements with Outputs replaced by a short placeholder, to size-check early."""
    def plain(value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if isinstance(value, Mapping):
            return {k: plain(v) for k, v in value.items()}
        return "?" if is_unknown(value) else value
    return [plain(s) for s in statements]


def from_arn(arn: str, placeholders: bool = False) -> tuple:
    """``(provider ARN, issuer host/path)`` of an OIDC provider ARN."""
    return arn, doc.parse_oidc_provider_arn("oidc_provider_arn", arn, placeholders)["issuer"]


def irsa_trust(spec: EksSpec, providers: list) -> dict:
    """The IRSA trust of ``spec`` for ``(provider ARN, issuer)`` pairs."""
    return doc.irsa_trust_policy(providers, spec.identity.subject, spec.subject_patterns)
