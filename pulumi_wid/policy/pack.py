"""The ``pulumi_policy`` adapter: the pure rules of ``policy.rules`` as a CrossGuard pack.

``resource_policies`` wraps them as ``pulumi_policy.ResourceValidationPolicy`` objects and
``policy_pack`` builds the pack (the ``policy/`` folder of this repository does that)::

    pulumi preview --policy-pack policy/
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .rules import RULES, Rule, plain

if TYPE_CHECKING:  # pragma: no cover
    from pulumi_policy import PolicyPack, ResourceValidationPolicy


def resource_policies(
    rules: Sequence[Rule] = RULES, enforcement: Mapping[str, str] | None = None
) -> list[ResourceValidationPolicy]:
    """The rules as ``pulumi_policy.ResourceValidationPolicy`` objects.

    ``enforcement`` overrides a rule's level by name ("mandatory", "advisory", "disabled").
    """
    from pulumi_policy import EnforcementLevel, ResourceValidationPolicy

    overrides = dict(enforcement or {})
    unknown = set(overrides) - {rule.name for rule in rules}
    if unknown:
        raise ValueError(f"no such rule: {', '.join(sorted(unknown))}")
    return [
        ResourceValidationPolicy(
            name=rule.name,
            description=rule.description,
            validate=handler(rule),
            enforcement_level=EnforcementLevel(overrides.get(rule.name, rule.enforcement)),
            remediation_steps=rule.remediation,
        )
        for rule in rules
    ]


def handler(rule: Rule) -> Callable[[Any, Callable[..., None]], None]:
    """The ``validate(args, report_violation)`` callback the policy SDK calls for ``rule``."""

    def validate(args: Any, report_violation: Callable[..., None]) -> None:
        for message in rule.validate(args.resource_type, plain(args.props)):
            report_violation(message)

    validate.__name__ = f"validate_{rule.name.replace('-', '_')}"
    return validate


def policy_pack(
    name: str = "pulumi-wid", enforcement: Mapping[str, str] | None = None, rules: Sequence[Rule] = RULES
) -> PolicyPack:
    """Build and serve the policy pack (call it from a policy pack's ``__main__.py``).

    Constructing ``pulumi_policy.PolicyPack`` starts the analyzer server the
    Pulumi engine talks to, and does not return while the engine needs it.
    """
    from pulumi_policy import EnforcementLevel, PolicyPack

    return PolicyPack(
        name=name,
        policies=resource_policies(rules, enforcement),
        enforcement_level=EnforcementLevel.ADVISORY,
        description="Workload identity guardrails from pulumi-wid: exact trusts, no static credentials, "
        "least privilege.",
    )
