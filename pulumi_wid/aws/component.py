"""``EksPodIdentity``: an IAM role for one Kubernetes ServiceAccount on EKS."""

# No `from __future__ import annotations` here: Pulumi's component analyzer reads
# these annotations at runtime to build the multi-language schema (tests/test_schema.py).

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypedDict

import pulumi
import pulumi_aws as aws

from .. import kubernetes
from ..errors import ValidationError
from ..identity import Identity, ServiceIdentity, validate_identity
from ..validation import (
    check_bool,
    check_choice,
    check_int_range,
    check_str_list,
    contains_unknown,
    is_unknown,
    output_of,
    reject_unknown_keys,
    require,
    when_known,
)
from . import documents as doc

try:
    from typing import NotRequired
except ImportError:  # pragma: no cover
    from typing_extensions import NotRequired

MODES = ("pod_identity", "irsa")
ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn"
STS_REGIONAL_ANNOTATION = "eks.amazonaws.com/sts-regional-endpoints"
TOKEN_EXPIRATION_ANNOTATION = "eks.amazonaws.com/token-expiration"


class EksPodIdentityArgs(TypedDict):
    """Arguments of ``EksPodIdentity``."""

    identity: ServiceIdentity
    """The Kubernetes ServiceAccount that gets the IAM role."""
    cluster_name: pulumi.Input[str]
    """Name of the EKS cluster (the Pod Identity association is made in it; IRSA looks its issuer up when no OIDC provider is given)."""
    mode: NotRequired[str]
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
class EksPlan:
    """The validated, plain-valued shape of one ``EksPodIdentity``."""

    identity: Identity
    mode: str
    cluster_name: Any
    role_name: str | None
    role_path: str
    existing_role_arn: Any = None
    providers: list[Any] = field(default_factory=list)
    issuers: list[Any] = field(default_factory=list)
    subject_patterns: list[str] = field(default_factory=list)
    statements: list[dict[str, Any]] = field(default_factory=list)
    managed_policy_arns: list[Any] = field(default_factory=list)
    permissions_boundary: Any = None
    max_session_duration: int | None = None
    target_role_arn: Any = None
    disable_session_tags: bool | None = None
    session_policy: list[dict[str, Any]] | None = None
    annotations_extra: dict[str, str] = field(default_factory=dict)
    allow_wildcards: bool = False
    tags: dict[str, str] = field(default_factory=dict)


def plan_eks(args: Any) -> EksPlan:
    """Validate ``EksPodIdentityArgs`` (plain values now, Outputs when they resolve)."""
    where = "EksPodIdentityArgs"
    if not isinstance(args, Mapping):
        raise ValidationError(where, args, "must be a dict", "pass EksPodIdentityArgs(identity=..., cluster_name=...)")
    reject_unknown_keys("", args, EksPodIdentityArgs.__annotations__)
    identity = validate_identity(require(args, "identity", ""))
    mode = check_choice("mode", args.get("mode", "pod_identity"), MODES)
    allow = check_bool("allow_wildcards", args.get("allow_wildcards", False))
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

    irsa_only = ("oidc_provider_arn", "oidc_issuer_url", "oidc_provider_arns", "oidc_issuer_urls",
                 "irsa_subject_patterns", "sts_regional_endpoints", "token_expiration_seconds")
    pod_only = ("target_role_arn", "disable_session_tags", "session_policy_statements")
    for key in irsa_only if mode == "pod_identity" else pod_only:
        if args.get(key) is not None:
            other = "irsa" if mode == "pod_identity" else "pod_identity"
            raise ValidationError(key, args[key], f"only applies when mode={other!r}", f"drop it, or set mode={other!r}")

    existing = args.get("role_arn")
    if existing is not None:
        for key in ("policy_statements", "managed_policy_arns", "permissions_boundary", "role_path",
                    "role_name", "max_session_duration", "target_role_arn"):
            if args.get(key) is not None:
                raise ValidationError(
                    key, args[key], "cannot be applied to a role the component does not create (role_arn is given)",
                    "manage that role's permissions where it is defined, or drop role_arn",
                )
        existing = when_known(existing, lambda v: doc.parse_role_arn("role_arn", v))

    tags = identity.tags
    doc.check_tags("identity.tags", tags)
    role_name = args.get("role_name")
    if role_name is not None:
        doc.check_role_name("role_name", role_name)
    elif existing is None:
        role_name = doc.derive_role_name(identity.namespace, identity.name)
    role_path = doc.check_role_path("role_path", args.get("role_path", "/"))
    duration = args.get("max_session_duration")
    if duration is not None:
        check_int_range("max_session_duration", duration, 3600, 43200, " seconds")

    statements = doc.normalize_statements("policy_statements", args.get("policy_statements"), allow)
    managed = check_str_list("managed_policy_arns", args.get("managed_policy_arns") or [])
    managed = [
        when_known(arn, lambda v, i=index: doc.check_managed_policy_arn(f"managed_policy_arns[{i}]", v, allow))
        for index, arn in enumerate(managed)
    ]
    if len(managed) > 20:
        raise ValidationError("managed_policy_arns", f"{len(managed)} policies", "IAM attaches at most 20 managed policies to a role (10 by default)")
    managed = _unique_policy_arns(managed)
    if statements:
        doc.check_size(
            "policy_statements", doc.permission_policy(_known_only(statements)), doc.INLINE_POLICIES_LIMIT,
            "the role's inline policies", "move statements into managed policies (6,144 characters each) and attach them",
        )

    plan = EksPlan(
        identity=identity, mode=mode, cluster_name=cluster_name, role_name=role_name, role_path=role_path,
        existing_role_arn=existing, statements=statements, managed_policy_arns=managed,
        permissions_boundary=args.get("permissions_boundary"), max_session_duration=duration,
        allow_wildcards=allow, tags=dict(tags),
    )
    plan.permissions_boundary = when_known(
        plan.permissions_boundary, lambda v: doc.check_managed_policy_arn("permissions_boundary", v, True)
    )

    if mode == "irsa":
        _plan_irsa(args, plan)
    else:
        target = args.get("target_role_arn")
        plan.target_role_arn = when_known(target, lambda v: doc.parse_role_arn("target_role_arn", v))
        tags_off = args.get("disable_session_tags")
        if tags_off is not None:
            check_bool("disable_session_tags", tags_off)
        plan.disable_session_tags = tags_off
        session = args.get("session_policy_statements")
        if session is not None:
            if tags_off is not True:
                raise ValidationError(
                    "session_policy_statements", session, "EKS accepts a session policy only with session tags disabled",
                    "set disable_session_tags=True",
                )
            plan.session_policy = doc.normalize_statements("session_policy_statements", session, allow)
    return plan


_CLUSTER_NAME = __import__("re").compile(r"^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$")


def _has_irsa_source(args: Mapping[str, Any]) -> bool:
    return any(args.get(k) for k in ("oidc_provider_arn", "oidc_issuer_url", "oidc_provider_arns", "oidc_issuer_urls"))


def _plan_irsa(args: Mapping[str, Any], plan: EksPlan) -> None:
    arns = [args["oidc_provider_arn"]] if args.get("oidc_provider_arn") is not None else []
    arns += check_str_list("oidc_provider_arns", args.get("oidc_provider_arns") or [])
    urls = [args["oidc_issuer_url"]] if args.get("oidc_issuer_url") is not None else []
    urls += check_str_list("oidc_issuer_urls", args.get("oidc_issuer_urls") or [])
    arns = [
        when_known(arn, lambda v, i=index: doc.parse_oidc_provider_arn(f"oidc_provider_arns[{i}]", v))
        for index, arn in enumerate(arns)
    ]
    urls = [
        when_known(url, lambda v, i=index: doc.issuer_host_path(f"oidc_issuer_urls[{i}]", v))
        for index, url in enumerate(urls)
    ]
    known = [a for a in arns if isinstance(a, str)] + [u for u in urls if isinstance(u, str)]
    if len(set(known)) != len(known):
        raise ValidationError("oidc_provider_arns", known, "lists the same cluster twice", "give each cluster once")
    # A provider ARN and an issuer URL of the same cluster would give two identical statements.
    by_issuer = {_from_arn(a)[1]: i for i, a in enumerate(arns) if isinstance(a, str)}
    for index, url in enumerate(urls):
        issuer = doc.issuer_host_path(f"oidc_issuer_urls[{index}]", url) if isinstance(url, str) else None
        if issuer in by_issuer:
            raise ValidationError(
                f"oidc_issuer_urls[{index}]", url,
                f"names the same cluster as oidc_provider_arns[{by_issuer[issuer]}]",
                "give each cluster once: its oidc_provider_arn or its oidc_issuer_url",
            )
    plan.providers, plan.issuers = arns, urls
    patterns = args.get("irsa_subject_patterns")
    if patterns:
        plan.subject_patterns = doc.check_subject_patterns(
            "irsa_subject_patterns", patterns, plan.identity.namespace, plan.allow_wildcards
        )
    if args.get("sts_regional_endpoints") is not None:
        if check_bool("sts_regional_endpoints", args["sts_regional_endpoints"]):
            plan.annotations_extra[STS_REGIONAL_ANNOTATION] = "true"
    expiration = args.get("token_expiration_seconds")
    if expiration is not None:
        check_int_range("token_expiration_seconds", expiration, 3600, 86400, " seconds")
        plan.annotations_extra[TOKEN_EXPIRATION_ANNOTATION] = str(expiration)
    # A fully known trust is checked against the quota now, not after the role exists.
    if plan.existing_role_arn is None and not urls and arns and all(isinstance(a, str) for a in arns):
        doc.check_trust_size("oidc_provider_arns", _irsa_trust(plan, [_from_arn(a) for a in arns]))


def _known_only(statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Statements with Outputs replaced by a short placeholder, to size-check early."""
    def plain(value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if isinstance(value, Mapping):
            return {k: plain(v) for k, v in value.items()}
        return "?" if is_unknown(value) else value
    return [plain(s) for s in statements]


def _from_arn(arn: str) -> tuple[str, str]:
    return arn, doc.parse_oidc_provider_arn("oidc_provider_arn", arn)["issuer"]


def _irsa_trust(plan: EksPlan, providers: list[tuple[str, str]]) -> dict[str, Any]:
    return doc.irsa_trust_policy(providers, plan.identity.subject, plan.subject_patterns)


class EksPodIdentity(pulumi.ComponentResource):
    """An IAM role for one Kubernetes ServiceAccount on EKS, by Pod Identity or IRSA.

    Creates the role with the exact trust of the chosen mode, its inline policy
    and managed-policy attachments, the Pod Identity association (or the
    ``eks.amazonaws.com/role-arn`` annotation for IRSA) and the ServiceAccount.
    """

    role_arn: pulumi.Output[str]
    """ARN of the IAM role the pods assume."""
    role_name: pulumi.Output[str]
    """Name of the IAM role."""
    trust_policy: pulumi.Output[str | None]
    """The role's trust policy JSON (none when an existing role_arn is used)."""
    association_id: pulumi.Output[str | None]
    """Id of the EKS Pod Identity association (Pod Identity mode)."""
    service_account_name: pulumi.Output[str]
    """Name of the Kubernetes ServiceAccount."""
    namespace: pulumi.Output[str]
    """Namespace of the Kubernetes ServiceAccount."""
    service_account_annotations: pulumi.Output[dict[str, str]]
    """The annotations the ServiceAccount must carry for the identity to work."""
    pod_template_patch: pulumi.Output[dict[str, Any]]
    """Partial PodTemplateSpec to merge into the workload's spec.template."""

    def __init__(self, name: str, args: EksPodIdentityArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        plan = plan_eks(args)  # bad input fails here, before anything is registered
        super().__init__("wid:index:EksPodIdentity", name, {}, opts)
        kubernetes.warn_default_providers(self, "aws", plan.identity.service_account_mode != "none")
        identity = plan.identity
        child = pulumi.ResourceOptions(parent=self)
        invoke = pulumi.InvokeOutputOptions(parent=self)

        trust: pulumi.Output[str] | None = None
        grants: list[pulumi.Resource] = []
        if plan.existing_role_arn is not None:
            role_arn = pulumi.Output.from_input(plan.existing_role_arn)
            role_name = role_arn.apply(lambda arn: doc.parse_role_arn("role_arn", arn)["name"])
        else:
            trust = self._trust_policy(plan, invoke)
            role = aws.iam.Role(
                f"{name}-role",
                name=plan.role_name,
                path=plan.role_path,
                description=doc.role_description(identity.namespace, identity.service_account),
                assume_role_policy=trust,
                max_session_duration=plan.max_session_duration,
                permissions_boundary=plan.permissions_boundary,
                tags=plan.tags or None,
                opts=child,
            )
            role_arn, role_name = role.arn, role.name
            grants = self._grants(name, plan, role, child)

        cloud_annotations: dict[str, Any] = {}
        association = None
        if plan.mode == "pod_identity":
            association = aws.eks.PodIdentityAssociation(
                f"{name}-association",
                cluster_name=plan.cluster_name,
                namespace=identity.namespace,
                service_account=identity.service_account,
                role_arn=role_arn,
                target_role_arn=plan.target_role_arn,
                disable_session_tags=plan.disable_session_tags,
                policy=self._session_policy(plan),
                tags=plan.tags or None,
                opts=pulumi.ResourceOptions(parent=self, depends_on=grants),
            )
        else:
            cloud_annotations[ROLE_ARN_ANNOTATION] = role_arn
            cloud_annotations.update(plan.annotations_extra)

        kubernetes.service_account(name, identity, cloud_annotations, self, depends_on=grants)

        self.role_arn = role_arn
        self.role_name = role_name
        self.trust_policy = pulumi.Output.from_input(trust)
        self.association_id = association.association_id if association else pulumi.Output.from_input(None)
        self.service_account_name = pulumi.Output.from_input(identity.service_account)
        self.namespace = pulumi.Output.from_input(identity.namespace)
        self.service_account_annotations = output_of(cloud_annotations)
        self.pod_template_patch = output_of(kubernetes.pod_template_patch(identity.service_account))
        self.register_outputs(
            {
                "role_arn": self.role_arn,
                "role_name": self.role_name,
                "trust_policy": self.trust_policy,
                "association_id": self.association_id,
                "service_account_name": self.service_account_name,
                "namespace": self.namespace,
                "service_account_annotations": self.service_account_annotations,
                "pod_template_patch": self.pod_template_patch,
            }
        )

    def _trust_policy(self, plan: EksPlan, invoke: pulumi.InvokeOutputOptions) -> pulumi.Output[str]:
        if plan.mode == "pod_identity":
            return pulumi.Output.from_input(doc.compact_json(doc.pod_identity_trust_policy()))
        sources: list[Any] = [
            pulumi.Output.from_input(arn).apply(_from_arn) if is_unknown(arn) else _from_arn(arn)
            for arn in plan.providers
        ]
        urls = list(plan.issuers)
        if not plan.providers and not urls:
            cluster = aws.eks.get_cluster_output(name=plan.cluster_name, opts=invoke)
            urls = [cluster.identities.apply(lambda ids: ids[0]["oidcs"][0]["issuer"] if isinstance(ids[0], dict) else ids[0].oidcs[0].issuer)]
        if urls:
            account = aws.get_caller_identity_output(opts=invoke).account_id
            partition = aws.get_partition_output(opts=invoke).partition
            for index, url in enumerate(urls):
                sources.append(
                    pulumi.Output.all(partition, account, url).apply(
                        lambda v, i=index: _from_issuer(v[0], v[1], v[2], f"oidc_issuer_urls[{i}]")
                    )
                )

        def build(pairs: list[tuple[str, str]]) -> str:
            trust = _irsa_trust(plan, [tuple(p) for p in pairs])
            doc.check_trust_size("oidc_provider_arns", trust)
            return doc.compact_json(trust)

        return pulumi.Output.all(*sources).apply(build)

    def _grants(self, name: str, plan: EksPlan, role: aws.iam.Role, child: pulumi.ResourceOptions) -> list[pulumi.Resource]:
        grants: list[pulumi.Resource] = []
        statements = list(plan.statements)
        if plan.target_role_arn is not None:
            statements += doc.assume_target_role_policy(plan.target_role_arn)["Statement"]
        if statements:
            grants.append(
                aws.iam.RolePolicy(
                    f"{name}-policy",
                    role=role.id,
                    name=plan.role_name,
                    policy=_policy_json(statements, plan.allow_wildcards, "policy_statements", doc.INLINE_POLICIES_LIMIT,
                                        "move statements into managed policies (6,144 characters each) and attach them",
                                        checked=len(plan.statements)),
                    opts=child,
                )
            )
        suffixes = _attachment_suffixes(plan.managed_policy_arns)
        for arn, suffix in zip(plan.managed_policy_arns, suffixes, strict=True):
            grants.append(
                aws.iam.RolePolicyAttachment(
                    f"{name}-managed-{suffix}",
                    role=role.name,
                    policy_arn=arn,
                    opts=child,
                )
            )
        return grants

    @staticmethod
    def _session_policy(plan: EksPlan) -> pulumi.Output[str] | None:
        if plan.session_policy is None:
            return None
        return _policy_json(plan.session_policy, plan.allow_wildcards, "session_policy_statements", 2048,
                            "shorten the session policy (it can only narrow the role's permissions)",
                            checked=len(plan.session_policy))


def _from_issuer(partition: str, account: str, url: str, field_name: str) -> tuple[str, str]:
    issuer = doc.issuer_host_path(field_name, url)
    return doc.oidc_provider_arn(partition, account, issuer), issuer


def _policy_json(statements: list[dict[str, Any]], allow: bool, field_name: str, limit: int,
                 way_out: str, checked: int = 0) -> pulumi.Input[str]:
    """The permission document as JSON, checked again once every value is known.

    ``statements[:checked]`` come from ``normalize_statements``, which already checked
    their plain values: a fully plain document is not checked twice, and becomes
    JSON at once rather than an Output of one per value.
    """

    def check(document: dict[str, Any], start: int = 0) -> str:
        for index, statement in enumerate(document["Statement"]):
            if index >= start:
                doc.check_statement_values(f"{field_name}[{index}]", statement, allow)
        doc.check_size(field_name, document, limit, "this policy", way_out)
        return doc.compact_json(document)

    document = doc.permission_policy(statements)
    if not contains_unknown(document):
        return check(document, checked)
    return pulumi.Output.from_input(document).apply(check)


def _attachment_suffixes(arns: list[Any]) -> list[str]:
    """Logical-name suffixes: the policy name, plus a short hash of the full ARN when two
    distinct ARNs share a name (aws-managed and customer ReadOnlyAccess); an Output's index."""
    names = [arn.rsplit("/", 1)[-1] if isinstance(arn, str) else None for arn in arns]
    suffixes = []
    for index, (arn, policy) in enumerate(zip(arns, names, strict=True)):
        if policy is None:
            suffixes.append(str(index))
        elif names.count(policy) > 1:
            suffixes.append(f"{policy}-{hashlib.sha256(arn.encode()).hexdigest()[:8]}")
        else:
            suffixes.append(policy)
    return suffixes


def _duplicate_policy_arn(arns: list[str]) -> tuple[int, int] | None:
    for index, arn in enumerate(arns):
        if arn in arns[:index]:
            return arns.index(arn), index
    return None


def _refuse_duplicate_policy_arn(arns: list[Any], pair: tuple[int, int]) -> None:
    first, second = pair
    raise ValidationError(
        f"managed_policy_arns[{second}]", arns[second],
        f"is already attached by managed_policy_arns[{first}] (each policy attaches to a role once)",
        "list each managed policy once",
    )


def _unique_policy_arns(arns: list[Any]) -> list[Any]:
    """Refuse a managed policy listed twice: plain ARNs now, Outputs once they resolve."""
    plain = [arn if isinstance(arn, str) else f"\x00{index}" for index, arn in enumerate(arns)]
    pair = _duplicate_policy_arn(plain)
    if pair is not None:
        _refuse_duplicate_policy_arn(arns, pair)
    if all(isinstance(arn, str) for arn in arns):
        return arns

    def pick(values: list[str], i: int) -> str:
        pair = _duplicate_policy_arn(values)
        if pair is not None:
            _refuse_duplicate_policy_arn(values, pair)
        return values[i]

    everything = pulumi.Output.all(*arns)
    return [arn if isinstance(arn, str) else everything.apply(lambda v, i=i: pick(v, i)) for i, arn in enumerate(arns)]
