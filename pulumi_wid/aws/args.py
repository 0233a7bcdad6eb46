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

from .. import presets
from .._outputs import checked_identity, checked_map, unique, when_known
from ..errors import ValidationError
from ..identity import Identity, ServiceIdentity, validate_identity
from ..validation import (
    NotRequired,
    check_bool,
    check_choice,
    check_int_range,
    check_pattern,
    check_str_list,
    contains_unknown,
    is_unknown,
    refuse_for_mode,
    refuse_owned_keys,
    refuse_with_existing,
    reject_unknown_keys,
    require,
)
from . import documents as doc
from . import facts

IRSA_ONLY = ("oidc_provider_arn", "oidc_issuer_url", "oidc_provider_arns", "oidc_issuer_urls",
             "irsa_subject_patterns", "sts_regional_endpoints", "token_expiration_seconds")
POD_IDENTITY_ONLY = ("target_role_arn", "disable_session_tags", "session_policy_statements",
                     "pin_trust_to_service_account", "trust_policy_conditions", "associations", "target_role")
ROLE_ONLY = ("policy_statements", "managed_policy_arns", "permissions_boundary", "role_path",
             "role_name", "max_session_duration", "target_role_arn",
             "pin_trust_to_service_account", "trust_policy_conditions", "target_role")
_CLUSTER_NAME = re.compile(r"^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$")
_ASSOCIATION_KEY = re.compile(r"^[a-z0-9](?:[-a-z0-9]{0,38}[a-z0-9])?$")


class EksTrustCondition(TypedDict):
    """One extra condition of the Pod Identity trust (the shape of Terraform eks-pod-identity's trust_policy_conditions)."""

    test: str
    """The IAM condition operator, e.g. "StringEquals", "ArnLike", "ForAnyValue:StringLike"."""
    variable: str
    """The condition key, e.g. "aws:SourceAccount" or "aws:RequestTag/kubernetes-namespace"."""
    values: list[pulumi.Input[str]]
    """The values the key is compared with (at least one)."""


class EksAssociation(TypedDict):
    """One more cluster whose ServiceAccount of the same namespace and name gets the role."""

    cluster_name: pulumi.Input[str]
    """Name of the EKS cluster (in the region of the component's aws provider) the association is made in."""


class EksTargetRole(TypedDict):
    """The target role a Pod Identity association chains into, created by the component."""

    provider: NotRequired[Any]
    """The pulumi_aws Provider of the target role's account; default: the component's aws provider (same account)."""
    policy_statements: NotRequired[list[dict[str, Any]]]
    """Inline IAM statements of the target role (what the workload may do in the target account)."""
    managed_policy_arns: NotRequired[list[pulumi.Input[str]]]
    """ARNs of managed policies (of the target account or AWS) to attach to the target role."""
    permissions_boundary: NotRequired[pulumi.Input[str]]
    """ARN of the policy that bounds the target role's permissions."""
    role_name: NotRequired[str]
    """Name of the target role; default "<namespace>-<name>-target", shortened with a stable hash past 64 characters."""
    role_path: NotRequired[str]
    """IAM path of the target role (default "/")."""
    max_session_duration: NotRequired[int]
    """Maximum session duration of the target role in seconds, 3600 to 43200."""


# The smallest partition: a trust built with it is never longer than the deployed one, so a plain
# issuer URL's trust can be size-checked before the account and partition are known.
_SHORTEST_PARTITION, _ANY_ACCOUNT = "aws", "000000000000"


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
    """IRSA: eks.amazonaws.com/token-expiration of the projected token, 600 to 86400 seconds (the EKS pod identity webhook's range)."""
    allow_wildcards: NotRequired[bool]
    """Accept "*" actions or resources, NotAction/NotResource, StringLike subjects and admin-class managed policies (default false)."""
    preset: NotRequired[dict[str, Any]]
    """An add-on preset: {"name": "external-dns", "parameters": {"hosted_zone_ids": [...]}} or what pulumi_wid.presets.aws.<add-on>(...) returns. Its statements go into customer managed policies of their own (split under 6,144 characters), its namespace and ServiceAccount fill in what identity leaves out."""
    pin_trust_to_service_account: NotRequired[bool]
    """Pod Identity: the trust lets pods.eks.amazonaws.com assume the role only with the session tags of this cluster (and those of associations), namespace and ServiceAccount, and aws:SourceAccount of the caller's account (StringEquals, as the EKS user guide shows). Needs session tags (refused with disable_session_tags). Default false: the guide's plain trust."""
    trust_policy_conditions: NotRequired[list[EksTrustCondition]]
    """Pod Identity: extra conditions of the role's trust statement (test, variable, values), as in Terraform's eks-pod-identity module."""
    associations: NotRequired[dict[str, EksAssociation]]
    """Pod Identity: more clusters for the same role, one association each, keyed by a short name (lower-case letters, digits, '-') that names the association resource."""
    target_role: NotRequired[EksTargetRole]
    """Pod Identity: create the target role too (in the account of its provider), trusting exactly this role for sts:AssumeRole and sts:TagSession; the association chains into it. Not with target_role_arn."""


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
    preset_name: "str | None" = None
    preset_policies: list = field(default_factory=list)  # [[(statement, type_wide), ...] per managed policy]
    pin_trust: bool = False
    trust_conditions: list = field(default_factory=list)
    associations: list = field(default_factory=list)
    """``(key, cluster name)`` of each association beyond ``cluster_name``'s."""
    target_role: "TargetRoleSpec | None" = None
    inline_policy_json: "str | None" = None
    """The role's inline policy as sized here, when nothing in it is an Output: the component writes this text."""


@dataclass
class TargetRoleSpec:
    """The validated ``target_role``."""

    role_name: str
    role_path: str
    provider: Any = None
    statements: list = field(default_factory=list)
    managed_policy_arns: list = field(default_factory=list)
    permissions_boundary: Any = None
    max_session_duration: "int | None" = None


def eks_spec(args: Any, placeholders: bool = False) -> EksSpec:
    """Validate ``EksPodIdentityArgs`` (plain values now, Outputs when they resolve)."""
    if not isinstance(args, dict) and not isinstance(args, Mapping):
        raise ValidationError(
            "EksPodIdentityArgs", args, "must be a dict", "pass EksPodIdentityArgs(identity=..., cluster_name=...)"
        )
    reject_unknown_keys("", args, EksPodIdentityArgs.__annotations__)
    if args.get("preset") is not None and args.get("role_arn") is not None:
        refuse_with_existing(args, ("preset",), "a role", "role_arn", "apply the preset where that role is defined, or drop role_arn")
    args, preset = presets.merge_args("aws", args)
    identity = checked_identity(validate_identity(require(args, "identity", "")), placeholders)
    mode = check_choice("mode", args.get("mode", "pod_identity"), facts.MODES)
    allow = check_bool("allow_wildcards", args.get("allow_wildcards", False))
    cluster_name = when_known(_cluster_name(args, mode), _check_cluster_name, placeholders)
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
    role_path = doc.check_role_path("role_path", args.get("role_path", facts.DEFAULT_PATH))
    duration = args.get("max_session_duration")
    if duration is not None:
        check_int_range("max_session_duration", duration, *facts.SESSION_DURATION, " seconds")
    statements = doc.normalize_statements("policy_statements", args.get("policy_statements"), allow, placeholders)
    managed = _managed_policy_arns(args, allow, placeholders)
    spec = EksSpec(
        identity=identity, mode=mode, cluster_name=cluster_name, role_name=role_name, role_path=role_path,
        existing_role_arn=existing, statements=statements, managed_policy_arns=managed,
        permissions_boundary=when_known(
            args.get("permissions_boundary"),
            lambda v: doc.check_managed_policy_arn("permissions_boundary", v, True), placeholders,
        ),
        max_session_duration=duration, allow_wildcards=allow, placeholders=placeholders,
        tags=checked_map(identity.tags, lambda k, v: doc.check_tag_value(f"identity.tags.{k}", v),
                         placeholders=placeholders),
    )
    if preset is not None:
        _preset_spec(preset, spec)
    if mode == "irsa":
        _irsa_spec(args, spec)
    else:
        _pod_identity_spec(args, spec)
    _check_inline_size(spec)
    _refuse_owned_annotations(spec)
    return spec


def _preset_spec(preset: dict[str, Any], spec: EksSpec) -> None:
    """Check the preset's statements as user statements (account-wide ones with only the type-wide
    rule lifted) and group them into managed policies under 6,144 characters."""
    tagged = [(s, False) for s in preset["policy_statements"]] + [(s, True) for s in preset["account_wide_statements"]]
    for index, (statement, wide) in enumerate(tagged):
        doc.check_statement_values(f"preset.statements[{index}]", statement, False, spec.placeholders, allow_type_wide=wide)
    groups = doc.split_policies([s for s, _ in tagged]) if tagged else []
    flags = iter(wide for _, wide in tagged)  # split_policies keeps the statements' order
    spec.preset_name = preset["name"]
    spec.preset_policies = [[(s, next(flags)) for s in group] for group in groups]
    extra = list(preset["managed_policy_arns"])
    for index, arn in enumerate(extra):
        doc.check_managed_policy_arn(f"preset.managed_policy_arns[{index}]", arn, False)
        if arn in spec.managed_policy_arns:
            raise ValidationError(
                "managed_policy_arns", arn, f"is attached by the preset {preset['name']!r} too", "list it once: drop it here"
            )
    spec.managed_policy_arns = [*spec.managed_policy_arns, *extra]
    if len(spec.managed_policy_arns) + len(spec.preset_policies) > facts.MAX_MANAGED_POLICIES:
        raise ValidationError(
            "preset", preset["name"],
            f"needs {len(spec.preset_policies)} managed policies besides {len(spec.managed_policy_arns)} attached ones: "
            "IAM attaches at most 20 managed policies to a role (10 by default)",
            "attach fewer managed policies, or split the workload's grants over roles",
        )


def _check_cluster_name(name: Any) -> Any:
    if not isinstance(name, str) or not _CLUSTER_NAME.fullmatch(name):
        raise ValidationError(
            "cluster_name", name,
            "an EKS cluster name is 1-100 letters, digits, '-' and '_', starting with a letter or digit",
            "pass the cluster's name, e.g. cluster.name",
        )
    return name


def _check_inline_size(spec: EksSpec) -> None:
    """The role's inline policy as the component writes it (target-role statement included), sized now.

    Output values count as one character each here (a lower bound); the document is sized again once they
    resolve. A document without Outputs is serialised once, here, and kept in ``spec.inline_policy_json``.
    """
    statements = list(spec.statements)
    if spec.target_role_arn is not None and spec.existing_role_arn is None:
        statements += doc.assume_target_role_policy(spec.target_role_arn)["Statement"]
    if not statements:
        return
    where = ("policy_statements", facts.INLINE_POLICIES_LIMIT, "the role's inline policies",
             "move statements into managed policies (6,144 characters each) and attach them")
    if contains_unknown(statements):
        doc.check_size(where[0], doc.permission_policy(_known_only(statements)), *where[1:])
        return
    text = doc.compact_json(doc.permission_policy(statements))
    doc.check_json_size(where[0], text, *where[1:])
    spec.inline_policy_json = text


def _refuse_owned_annotations(spec: EksSpec) -> None:
    """identity.annotations may not set the IRSA webhook's keys: the component writes them (or must not)."""
    if not spec.identity.annotations:
        return
    irsa = spec.mode == "irsa"
    role = spec.existing_role_arn if irsa and isinstance(spec.existing_role_arn, str) else None
    if irsa:
        role_fix = "the component writes the role's ARN; to use a role you manage, pass role_arn"
    else:
        role_fix = ("in Pod Identity mode the ServiceAccount carries no role annotation (the association "
                    "names the role); pass role_arn for a role you manage, or set mode='irsa'")
    only_irsa = "" if irsa else " (IRSA only: set mode='irsa')"
    refuse_owned_keys("identity.annotations", spec.identity.annotations, {
        facts.ROLE_ARN_ANNOTATION: (role, role_fix),
        facts.STS_REGIONAL_ANNOTATION: (spec.annotations_extra.get(facts.STS_REGIONAL_ANNOTATION),
                                        "set sts_regional_endpoints=True" + only_irsa),
        facts.TOKEN_EXPIRATION_ANNOTATION: (spec.annotations_extra.get(facts.TOKEN_EXPIRATION_ANNOTATION),
                                            "set token_expiration_seconds" + only_irsa),
        facts.AUDIENCE_ANNOTATION: (facts.IRSA_AUDIENCE if irsa else None,
                                    f"the trust accepts only the audience {facts.IRSA_AUDIENCE!r}" + only_irsa),
    })


def _cluster_name(args: Mapping[str, Any], mode: str) -> Any:
    cluster_name = args.get("cluster_name")
    if mode == "pod_identity" or not _has_irsa_source(args):
        require(args, "cluster_name", "")
    if cluster_name is not None and not isinstance(cluster_name, str) and not is_unknown(cluster_name):
        raise ValidationError(
            "cluster_name", cluster_name, "must be a string (or an Output of one)", "pass the cluster's name, e.g. cluster.name"
        )
    return cluster_name  # its shape: _check_cluster_name, now or once it resolves


def _check_named_cluster(where: str, cluster_name: Any, placeholders: bool) -> Any:
    """``_check_cluster_name`` for a cluster named elsewhere than ``cluster_name`` (now, or once it resolves)."""
    if not isinstance(cluster_name, str) and not is_unknown(cluster_name):
        raise ValidationError(
            where, cluster_name, "must be a string (or an Output of one)", "pass the cluster's name, e.g. cluster.name"
        )

    def check(name: Any) -> None:
        try:
            _check_cluster_name(name)
        except ValidationError as error:
            raise ValidationError(where, name, error.rule, error.fix) from None

    return when_known(cluster_name, check, placeholders)


def _managed_policy_arns(args: Mapping[str, Any], allow: bool, placeholders: bool, prefix: str = "") -> list:
    key = f"{prefix}managed_policy_arns"
    if not args.get("managed_policy_arns"):
        return []
    managed = check_str_list(key, args.get("managed_policy_arns"))
    managed = [
        when_known(arn, lambda v, i=index: doc.check_managed_policy_arn(f"{key}[{i}]", v, allow), placeholders)
        for index, arn in enumerate(managed)
    ]
    if len(managed) > facts.MAX_MANAGED_POLICIES:
        raise ValidationError(key, f"{len(managed)} policies", "IAM attaches at most 20 managed policies to a role (10 by default)")

    def refuse(arns: list, first: int, second: int, later: bool = False) -> None:
        raise ValidationError(
            f"{key}[{second}]", arns[second],
            f"is already attached by {key}[{first}] (each policy attaches to a role once)",
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
        doc.check_size(  # Outputs count as one character here; the document is sized again once they resolve
            "session_policy_statements", doc.permission_policy(_known_only(spec.session_policy)),
            facts.SESSION_POLICY_LIMIT, "this policy", "shorten the session policy (it can only narrow the role's permissions)",
        )
    spec.pin_trust = check_bool("pin_trust_to_service_account", args.get("pin_trust_to_service_account", False))
    if spec.pin_trust and tags_off is True:
        raise ValidationError(
            "pin_trust_to_service_account", True,
            "pins the trust with the session tags EKS sets, and disable_session_tags turns them off: "
            "no pod could assume the role",
            "drop one of pin_trust_to_service_account and disable_session_tags",
        )
    conditions = args.get("trust_policy_conditions")
    if conditions is not None:
        spec.trust_conditions = doc.check_trust_conditions(
            "trust_policy_conditions", conditions, tags_off is True, spec.pin_trust
        )
    _associations_spec(args, spec)
    if args.get("target_role") is not None:
        _target_role_spec(args, spec)


def _associations_spec(args: Mapping[str, Any], spec: EksSpec) -> None:
    """More clusters for the role: one association each, no cluster twice (Outputs once they resolve)."""
    extra = _mapping("associations", args.get("associations") or {}, "e.g. {'eu': {'cluster_name': 'prod-eu'}}")
    keys, names = [], []
    for key, association in extra.items():
        where = f"associations.{key}"
        check_pattern("associations", key, _ASSOCIATION_KEY,
                      "an association key is 1-40 lower-case letters, digits and '-' (it names the resource)", "e.g. 'eu-west'")
        if not isinstance(association, Mapping):
            raise ValidationError(where, association, "must be a dict with cluster_name", "e.g. {'cluster_name': 'prod-eu'}")
        reject_unknown_keys(where, association, EksAssociation.__annotations__)
        name = _check_named_cluster(f"{where}.cluster_name", require(association, "cluster_name", where), spec.placeholders)
        keys.append(key)
        names.append(name)
    if not keys:
        return
    fields = ["cluster_name", *[f"associations.{key}.cluster_name" for key in keys]]

    def refuse(values: list, first: int, second: int, later: bool = False) -> None:
        raise ValidationError(
            fields[second], values[second], f"names the same cluster as {fields[first]}: EKS allows one association "
            "per ServiceAccount and cluster", "list each cluster once",
        )

    checked = unique([spec.cluster_name, *names], lambda name: name, refuse)
    spec.cluster_name = checked[0]
    spec.associations = list(zip(keys, checked[1:], strict=True))


def _mapping(field_name: str, value: Any, example: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValidationError(field_name, value, "must be a dict", example)
    return value


def _target_role_spec(args: Mapping[str, Any], spec: EksSpec) -> None:
    target = _mapping("target_role", args["target_role"], "e.g. {'policy_statements': [...], 'provider': target_account}")
    reject_unknown_keys("target_role", target, EksTargetRole.__annotations__)
    if args.get("target_role_arn") is not None:
        raise ValidationError(
            "target_role", "(given)", "target_role creates the target role; target_role_arn names an existing one",
            "give one of target_role and target_role_arn",
        )
    provider = target.get("provider")
    if provider is not None and (not isinstance(provider, pulumi.ProviderResource) or provider.package != "aws"):
        raise ValidationError(
            "target_role.provider", provider, "must be a pulumi_aws Provider (of the target role's account)",
            "pass aws.Provider('target', assume_role=...) or leave it out for the component's own account",
        )
    ident, ph = spec.identity, spec.placeholders
    role_name = target.get("role_name")
    if role_name is not None:
        doc.check_role_name("target_role.role_name", role_name)
    else:
        role_name = doc.derive_role_name(ident.namespace, f"{ident.name}-target")
    duration = target.get("max_session_duration")
    if duration is not None:
        check_int_range("target_role.max_session_duration", duration, *facts.SESSION_DURATION, " seconds")
    statements = doc.normalize_statements("target_role.policy_statements", target.get("policy_statements"),
                                          spec.allow_wildcards, ph)
    spec.target_role = TargetRoleSpec(
        role_name=role_name,
        role_path=doc.check_role_path("target_role.role_path", target.get("role_path", facts.DEFAULT_PATH)),
        provider=provider,
        statements=statements,
        managed_policy_arns=_managed_policy_arns(target, spec.allow_wildcards, ph, "target_role."),
        permissions_boundary=when_known(
            target.get("permissions_boundary"),
            lambda v: doc.check_managed_policy_arn("target_role.permissions_boundary", v, True), ph,
        ),
        max_session_duration=duration,
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
    # The trust of the plain sources is checked against the quota now, not after the role exists: an
    # issuer URL's statement is built with the shortest partition, and an Output's left out, so what is
    # checked here is never longer than the deployed trust (which is checked again once it is known).
    known_sources = [from_arn(a, ph) for a in arns if isinstance(a, str)]
    known_sources += [
        (doc.oidc_provider_arn(_SHORTEST_PARTITION, _ANY_ACCOUNT, issuer), issuer)
        for issuer in (doc.issuer_host_path(f"oidc_issuer_urls[{i}]", u, ph) for i, u in enumerate(urls) if isinstance(u, str))
    ]
    if spec.existing_role_arn is None and known_sources:
        doc.check_trust_size("oidc_provider_arns", irsa_trust(spec, known_sources))


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
