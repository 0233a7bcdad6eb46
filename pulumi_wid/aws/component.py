"""``EksPodIdentity``: an IAM role for one Kubernetes ServiceAccount on EKS (wiring only)."""

# No `from __future__ import annotations` here: Pulumi's component analyzer reads
# these annotations at runtime to build the multi-language schema (tests/test_schema.py).

from typing import Any

import pulumi
import pulumi_aws as aws

from .. import kubernetes
from .._component import WidComponent
from .._outputs import after, placeholder_mode
from ..validation import contains_unknown, is_unknown, short_hash
from . import documents as doc
from . import facts
from .args import EksPodIdentityArgs, EksSpec, eks_spec, from_arn, irsa_trust


class EksPodIdentity(WidComponent):
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
    target_role_arn: pulumi.Output[str | None]
    """ARN of the target role the association chains into (target_role or target_role_arn; none otherwise)."""
    service_account_name: pulumi.Output[str]
    """Name of the Kubernetes ServiceAccount."""
    namespace: pulumi.Output[str]
    """Namespace of the Kubernetes ServiceAccount."""
    service_account_annotations: pulumi.Output[dict[str, str]]
    """The annotations the ServiceAccount must carry for the identity to work."""
    pod_template_patch: pulumi.Output[dict[str, Any]]
    """Partial PodTemplateSpec to merge into the workload's spec.template."""

    def __init__(self, name: str, args: EksPodIdentityArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        spec = eks_spec(args, placeholder_mode())  # bad input fails here, before anything is registered
        super().__init__("wid:index:EksPodIdentity", name, {}, opts)
        self._started("aws", spec.identity.service_account_mode != "none")
        identity = spec.identity

        trust: Any = None
        role: Any = None
        grants: list[pulumi.Resource] = []
        target: list[pulumi.Resource] = []
        if spec.existing_role_arn is not None:
            role_arn = pulumi.Output.from_input(spec.existing_role_arn)
            role_name = role_arn.apply(lambda arn: doc.parse_role_arn("role_arn", arn, spec.placeholders)["name"])
        else:
            trust = self._trust_policy(spec)
            role = aws.iam.Role(
                f"{name}-role",
                name=spec.role_name,
                path=doc.iam_path(spec.role_path),
                description=doc.role_description(identity.namespace, identity.service_account),
                assume_role_policy=trust,
                max_session_duration=spec.max_session_duration,
                permissions_boundary=spec.permissions_boundary,
                tags=spec.tags or None,
                opts=self._child,
            )
            role_arn, role_name = role.arn, role.name
            if spec.target_role is not None:
                target = self._target_role(name, spec, role)
                spec.target_role_arn = target[0].arn
            grants = self._grants(name, spec, role)

        cloud_annotations: dict[str, Any] = {}
        associations: list[pulumi.Resource] = []
        if spec.mode == "pod_identity":
            clusters = [("", spec.cluster_name), *((f"-{key}", cluster) for key, cluster in spec.associations)] \
                if spec.associations else [("", spec.cluster_name)]
            # a loop, not a comprehension: the SDK records the caller's stack at every registration,
            # and a comprehension is one more frame in it
            session_policy = _session_policy(spec)
            # the role's ARN once its policies exist: the associations wait for them (no depends_on list to resolve)
            role_ready = after(role_arn, [*grants, *target])
            for suffix, cluster in clusters:
                associations.append(aws.eks.PodIdentityAssociation(
                    f"{name}-association{suffix}",
                    cluster_name=cluster,
                    namespace=identity.namespace,
                    service_account=identity.service_account,
                    role_arn=role_ready,
                    target_role_arn=spec.target_role_arn,
                    disable_session_tags=spec.disable_session_tags,
                    policy=session_policy,
                    tags=spec.tags or None,
                    opts=self._child,
                ))
        else:
            cloud_annotations[facts.ROLE_ARN_ANNOTATION] = role_arn
            cloud_annotations.update(spec.annotations_extra)

        # the ServiceAccount last: a pod naming it is admitted only once it exists, and so finds
        # the association (which follows the grants) or, for IRSA, the role's grants in place
        k8s_account = kubernetes.service_account(name, identity, cloud_annotations, self,
                                                 depends_on=associations or grants)
        self._finish(
            identity,
            {
                "role_arn": role_arn,
                "role_name": role_name,
                "trust_policy": trust,
                "association_id": associations[0].association_id if associations else None,
                "target_role_arn": spec.target_role_arn,
            },
            cloud_annotations,
            kubernetes.pod_template_patch(identity.service_account),
            ready=[role, *grants, *target, *associations, k8s_account],
        )

    def _trust_policy(self, spec: EksSpec) -> pulumi.Input[str]:
        if spec.mode == "pod_identity":
            return self._pod_identity_trust(spec)
        ph = spec.placeholders
        sources: list[Any] = [
            pulumi.Output.from_input(arn).apply(lambda a: from_arn(a, ph)) if is_unknown(arn) else from_arn(arn, ph)
            for arn in spec.providers
        ]
        urls = list(spec.issuers)
        if not spec.providers and not urls:
            cluster = aws.eks.get_cluster_output(name=spec.cluster_name, opts=self._invoke)
            urls = [cluster.identities.apply(_first_issuer)]
        if urls:
            account = aws.get_caller_identity_output(opts=self._invoke).account_id
            partition = aws.get_partition_output(opts=self._invoke).partition
            for index, url in enumerate(urls):
                sources.append(
                    pulumi.Output.all(partition, account, url).apply(
                        lambda v, i=index: _from_issuer(v[0], v[1], v[2], f"oidc_issuer_urls[{i}]", ph)
                    )
                )

        def build(pairs: list[tuple[str, str]]) -> str:
            trust = irsa_trust(spec, [tuple(p) for p in pairs])
            doc.check_trust_size("oidc_provider_arns", trust)
            return doc.compact_json(trust)

        return pulumi.Output.all(*sources).apply(build)

    def _pod_identity_trust(self, spec: EksSpec) -> pulumi.Input[str]:
        """The EKS guide's trust; pinned to the clusters and ServiceAccount, plus trust_policy_conditions, when asked."""
        if not spec.pin_trust and not spec.trust_conditions:
            return _PLAIN_POD_IDENTITY_TRUST
        identity = spec.identity
        clusters = [spec.cluster_name, *(cluster for _, cluster in spec.associations)]
        where: list[Any] = []
        if spec.pin_trust:  # the cluster ARN session tag: the caller's partition, region and account
            where = [aws.get_partition_output(opts=self._invoke).partition,
                     aws.get_region_output(opts=self._invoke).region,
                     aws.get_caller_identity_output(opts=self._invoke).account_id, *clusters]

        def build(values: list[Any]) -> str:
            conditions, pinned = values[0], values[1:]
            pins = None
            if pinned:
                partition, region, account, *names = pinned
                arns = [doc.eks_cluster_arn(partition, region, account, cluster) for cluster in names]
                pins = doc.pod_identity_pins(account, arns, identity.namespace, identity.service_account)
            trust = doc.pod_identity_trust_policy(doc.trust_condition(pins, conditions))
            doc.check_trust_size("trust_policy_conditions", trust)
            return doc.compact_json(trust)

        return pulumi.Output.all(pulumi.Output.from_input(spec.trust_conditions), *where).apply(build)

    def _target_role(self, name: str, spec: EksSpec, role: aws.iam.Role) -> list[pulumi.Resource]:
        """The target role (with its provider: the target account), trusting exactly ``role``, and its grants."""
        target = spec.target_role
        opts = pulumi.ResourceOptions(parent=self, provider=target.provider) if target.provider else self._child
        target_role = aws.iam.Role(
            f"{name}-target-role",
            name=target.role_name,
            path=doc.iam_path(target.role_path),
            description=doc.target_role_description(spec.identity.namespace, spec.identity.service_account),
            assume_role_policy=role.arn.apply(lambda arn: doc.compact_json(doc.target_role_trust_policy(arn))),
            max_session_duration=target.max_session_duration,
            permissions_boundary=target.permissions_boundary,
            tags=spec.tags or None,
            opts=opts,
        )
        made: list[pulumi.Resource] = [target_role]
        if target.statements:
            made.append(aws.iam.RolePolicy(
                f"{name}-target-policy",
                role=target_role.id,
                name=target.role_name,
                policy=_policy_json(target.statements, spec, "target_role.policy_statements",
                                    facts.INLINE_POLICIES_LIMIT,
                                    "move statements into managed policies (6,144 characters each) and attach them",
                                    checked=len(target.statements)),
                opts=opts,
            ))
        suffixes = _attachment_suffixes(target.managed_policy_arns)
        for arn, suffix in zip(target.managed_policy_arns, suffixes, strict=True):
            made.append(aws.iam.RolePolicyAttachment(f"{name}-target-managed-{suffix}", role=target_role.name,
                                                     policy_arn=arn, opts=opts))
        return made

    def _grants(self, name: str, spec: EksSpec, role: aws.iam.Role) -> list[pulumi.Resource]:
        grants: list[pulumi.Resource] = []
        statements = list(spec.statements)
        if spec.target_role_arn is not None:
            statements += doc.assume_target_role_policy(spec.target_role_arn)["Statement"]
        if statements:
            grants.append(
                aws.iam.RolePolicy(
                    f"{name}-policy",
                    role=role.id,
                    name=spec.role_name,
                    policy=_policy_json(statements, spec, "policy_statements", facts.INLINE_POLICIES_LIMIT,
                                        "move statements into managed policies (6,144 characters each) and attach them",
                                        checked=len(spec.statements),
                                        text=_sized_inline_policy(spec)),
                    opts=self._child,
                )
            )
        suffixes = _attachment_suffixes(spec.managed_policy_arns)
        for arn, suffix in zip(spec.managed_policy_arns, suffixes, strict=True):
            grants.append(
                aws.iam.RolePolicyAttachment(f"{name}-managed-{suffix}", role=role.name, policy_arn=arn, opts=self._child)
            )
        # federation.AwsFederatedRole reuses this method with a spec that has no preset
        preset_policies = getattr(spec, "preset_policies", [])
        for number, group in enumerate(preset_policies, start=1):
            policy = aws.iam.Policy(
                f"{name}-preset-{number}",
                name=f"{spec.role_name}-{spec.preset_name}-{number}"[:128],
                path=doc.iam_path(spec.role_path),
                description=f"pulumi-wid preset {spec.preset_name} ({number}/{len(preset_policies)}) for role {spec.role_name}",
                policy=_preset_policy_json(group, spec),
                tags=spec.tags or None,
                opts=self._child,
            )
            grants.append(aws.iam.RolePolicyAttachment(f"{name}-preset-{number}", role=role.name, policy_arn=policy.arn,
                                                       opts=self._child))
        return grants


_PLAIN_POD_IDENTITY_TRUST = doc.compact_json(doc.pod_identity_trust_policy())
"""The EKS guide's Pod Identity trust, the same for every unpinned role: serialised once."""


def _sized_inline_policy(spec: Any) -> str | None:
    """The inline policy ``eks_spec`` serialised and sized, unless the component has added the target
    role's statement since (``target_role``). federation.AwsFederatedRole's spec keeps none."""
    if getattr(spec, "target_role", None) is not None:
        return None
    return getattr(spec, "inline_policy_json", None)


def _first_issuer(identities: Any) -> str:
    first = identities[0]
    return first["oidcs"][0]["issuer"] if isinstance(first, dict) else first.oidcs[0].issuer


def _session_policy(spec: EksSpec) -> Any:
    if spec.session_policy is None:
        return None
    return _policy_json(spec.session_policy, spec, "session_policy_statements", facts.SESSION_POLICY_LIMIT,
                        "shorten the session policy (it can only narrow the role's permissions)",
                        checked=len(spec.session_policy))


def _from_issuer(partition: str, account: str, url: str, field_name: str, placeholders: bool) -> tuple[str, str]:
    issuer = doc.issuer_host_path(field_name, url, placeholders)
    return doc.oidc_provider_arn(partition, account, issuer), issuer


def _policy_json(statements: list[dict[str, Any]], spec: EksSpec, field_name: str, limit: int,
                 way_out: str, checked: int = 0, text: str | None = None) -> pulumi.Input[str]:
    """The permission document as JSON, checked again once every value is known.

    ``statements[:checked]`` come from ``normalize_statements``, which already checked
    their plain values: a fully plain document is not checked twice, and becomes
    JSON at once rather than an Output of one per value. ``text``: the plain document
    as ``eks_spec`` already serialised and sized it (written as it is).
    """

    if text is not None and checked == len(statements):
        return text  # every statement checked and the document sized by eks_spec

    def check(document: dict[str, Any], start: int = 0) -> str:
        for index, statement in enumerate(document["Statement"]):
            if index >= start:
                doc.check_statement_values(f"{field_name}[{index}]", statement, spec.allow_wildcards, spec.placeholders)
        if text is not None:
            return text
        serialised = doc.compact_json(document)
        doc.check_json_size(field_name, serialised, limit, "this policy", way_out)
        return serialised

    document = doc.permission_policy(statements)
    if text is not None or not contains_unknown(document):
        return check(document, checked)
    return pulumi.Output.from_input(document).apply(check)


def _preset_policy_json(group: list[tuple[dict[str, Any], bool]], spec: EksSpec) -> pulumi.Input[str]:
    """One managed policy of a preset; values that were Outputs are checked (and the size again) once known."""
    wide = [flag for _, flag in group]

    def check(document: dict[str, Any]) -> str:
        for index, (statement, type_wide) in enumerate(zip(document["Statement"], wide, strict=True)):
            doc.check_statement_values(f"preset.statements[{index}]", statement, False, spec.placeholders,
                                       allow_type_wide=type_wide)
        doc.check_managed_policy_size("preset", document)
        return doc.compact_json(document)

    document = doc.permission_policy([statement for statement, _ in group])
    if not contains_unknown(document):
        return doc.compact_json(document)  # checked in eks_spec, and sized by split_policies
    return pulumi.Output.from_input(document).apply(check)


def _attachment_suffixes(arns: list[Any]) -> list[str]:
    """Logical-name suffixes: the policy name, plus a short hash of the full ARN when two
    distinct ARNs share a name (aws-managed and customer ReadOnlyAccess); an Output's index."""
    if not arns:
        return []
    names = [arn.rsplit("/", 1)[-1] if isinstance(arn, str) else None for arn in arns]
    suffixes = []
    for index, (arn, policy) in enumerate(zip(arns, names, strict=True)):
        if policy is None:
            suffixes.append(str(index))
        elif names.count(policy) > 1:
            suffixes.append(f"{policy}-{short_hash(arn)}")
        else:
            suffixes.append(policy)
    return suffixes
