"""``ServiceIdentity``: which Kubernetes ServiceAccount gets a cloud identity."""

# No `from __future__ import annotations` here: Pulumi's component analyzer reads
# these annotations at runtime to build the multi-language schema (tests/test_schema.py).

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypedDict

from .errors import ValidationError
from .validation import (
    NotRequired,
    check_bool,
    check_choice,
    check_dns_label,
    check_dns_subdomain,
    check_k8s_annotations,
    check_k8s_labels,
    check_str_map,
    is_unknown,
    reject_unknown_keys,
    require,
)

SERVICE_ACCOUNT_MODES = ("create", "patch", "none")
# Literal for type checkers and editors; str at run time, because Pulumi's schema analyzer
# (pulumi.provider.experimental, 3.237-3.272) cannot read Literal (TypeError in its is_enum check)
# and the multi-language schema must keep the plain string type.
if TYPE_CHECKING:
    ServiceAccountMode = Literal["create", "patch", "none"]
else:
    ServiceAccountMode = str


class ServiceIdentity(TypedDict):
    """The Kubernetes side of a workload identity: one ServiceAccount in one namespace."""

    namespace: str
    """Kubernetes namespace of the ServiceAccount (DNS-1123 label, at most 63 characters)."""
    service_account: str
    """Kubernetes ServiceAccount name (DNS-1123 subdomain, at most 253 characters)."""
    name: NotRequired[str]
    """Base for cloud-side names (role, managed identity, Google service account); defaults to the ServiceAccount name."""
    service_account_mode: NotRequired[ServiceAccountMode]
    """How to handle the Kubernetes ServiceAccount: "create" (default) creates the ServiceAccount; "patch" server-side-applies the identity annotations onto an existing one; "none" touches nothing in Kubernetes and only outputs the annotations (GitOps)."""
    labels: NotRequired[dict[str, str]]
    """Extra labels for the ServiceAccount (create mode)."""
    annotations: NotRequired[dict[str, str]]
    """Extra annotations for the ServiceAccount (create mode); the cloud's own annotations take precedence."""
    automount_service_account_token: NotRequired[bool]
    """Passed through to the ServiceAccount's automountServiceAccountToken."""
    tags: NotRequired[dict[str, str]]
    """Cloud tags (AWS, Azure) or labels (GCP) applied to every cloud resource the component creates."""


@dataclass(frozen=True)
class Identity:
    """A validated ``ServiceIdentity`` with its defaults filled in."""

    namespace: str
    service_account: str
    name: str
    service_account_mode: str = "create"
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    automount_service_account_token: bool | None = None
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def subject(self) -> str:
        """The projected token's ``sub`` claim: ``system:serviceaccount:<ns>:<sa>``."""
        return service_account_subject(self.namespace, self.service_account)


def service_account_subject(namespace: str, service_account: str) -> str:
    """``system:serviceaccount:<namespace>:<service account>``, the token's ``sub``."""
    return f"system:serviceaccount:{namespace}:{service_account}"


def validate_identity(identity: Any, field_name: str = "identity") -> Identity:
    """Check a ``ServiceIdentity`` and return it with defaults filled in.

    Raises ``ValidationError`` naming the field, the value, the rule and the fix.
    """
    if not isinstance(identity, Mapping):
        raise ValidationError(
            field_name,
            identity,
            "must be a ServiceIdentity dict",
            'pass {"namespace": "apps", "service_account": "api"}',
        )
    reject_unknown_keys(field_name, identity, ServiceIdentity.__annotations__)
    namespace = _plain(field_name, identity, "namespace")
    check_dns_label(f"{field_name}.namespace", namespace)
    service_account = _plain(field_name, identity, "service_account")
    check_dns_subdomain(f"{field_name}.service_account", service_account)

    name = identity.get("name") or service_account
    if is_unknown(name) or not isinstance(name, str):
        raise ValidationError(
            f"{field_name}.name", name, "must be a plain string (it names cloud resources)"
        )
    mode = identity.get("service_account_mode", "create")
    check_choice(f"{field_name}.service_account_mode", mode, SERVICE_ACCOUNT_MODES)

    labels = identity.get("labels") or {}
    if labels:  # an empty map has nothing to check
        check_k8s_labels(f"{field_name}.labels", labels)
    annotations = identity.get("annotations") or {}
    if annotations:
        check_k8s_annotations(f"{field_name}.annotations", annotations)
    automount = identity.get("automount_service_account_token")
    if automount is not None:
        check_bool(f"{field_name}.automount_service_account_token", automount)
    tags = identity.get("tags") or {}
    if tags:
        check_str_map(f"{field_name}.tags", tags)
    if mode != "create" and (labels or annotations or automount is not None):
        raise ValidationError(
            f"{field_name}.service_account_mode",
            mode,
            "labels, annotations and automount_service_account_token only apply when "
            "the component creates the ServiceAccount",
            "drop them, or use service_account_mode='create'",
        )
    return Identity(
        namespace=namespace,
        service_account=service_account,
        name=name,
        service_account_mode=mode,
        labels=dict(labels),
        annotations=dict(annotations),
        automount_service_account_token=automount,
        tags=dict(tags),
    )


def _plain(field_name: str, identity: Mapping[str, Any], key: str) -> Any:
    value = require(identity, key, field_name)
    if is_unknown(value):
        raise ValidationError(
            f"{field_name}.{key}",
            "<Output>",
            "must be a plain string: it is part of the trust (the token's subject) "
            "and of cloud names, which must be known before deployment",
            "pass the literal name you gave the Namespace/ServiceAccount resource "
            "and add that resource to depends_on",
        )
    return value
