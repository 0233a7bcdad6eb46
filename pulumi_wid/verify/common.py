"""Workloads (ServiceAccounts) found in a stack, the cluster each lives in, and probe subjects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from . import kinds
from .clusters import Cluster, Placement
from .lookup import Lookup
from .model import SECRET, Res, is_placeholder


@dataclass
class Workload:
    namespace: str
    service_account: str
    annotations: dict[str, Any]
    component: Optional[Res]
    source: str
    pod_template_patch: Optional[dict[str, Any]] = None
    pod_templates: list[dict[str, Any]] = field(default_factory=list)
    unseen_templates: list[dict[str, Any]] = field(default_factory=list)
    """Pod templates in the namespace whose ServiceAccount is not readable (encrypted, not an object): maybe this one."""
    cluster: Optional[Cluster] = None
    """The cluster of the ServiceAccount's Kubernetes provider, when the stack shows it."""
    placement: str = ""
    res: Optional[Res] = None
    unknown: str = ""
    """Why the namespace or name cannot be read ("" when both are known)."""

    @property
    def subject(self) -> str:
        return f"system:serviceaccount:{self.namespace}:{self.service_account}"

    @property
    def name(self) -> str:
        return self.component.name if self.component is not None else self.source


def other(value: str, base: str) -> str:
    return base if value != base else f"{base}-2"


def label(res: Optional[Res]) -> str:
    return res.label if res is not None else "?"


def component_of(by_urn: dict[str, Res], res: Optional[Res]) -> Optional[Res]:
    if res is None:
        return None
    parent = by_urn.get(res.parent)
    while parent is not None and parent.custom:
        parent = by_urn.get(parent.parent)
    return parent if parent is not None and parent.type.startswith("wid:") else None


def _meta(res: Res) -> dict[str, Any]:
    """Deployed metadata, with what only the inputs hold filled in."""
    given = res.inputs.get("metadata") if isinstance(res.inputs.get("metadata"), dict) else {}
    deployed = res.outputs.get("metadata") if isinstance(res.outputs.get("metadata"), dict) else {}
    merged = {**given, **{k: v for k, v in deployed.items() if v is not None}}
    return merged


def _default_namespace(placement: Placement, res: Res) -> Any:
    provider = placement.provider_of(res)
    namespace = provider.get("namespace") if provider is not None else None
    if namespace is SECRET or is_placeholder(namespace):
        return namespace  # not readable: said so, never taken for "default"
    return namespace if isinstance(namespace, str) and namespace else "default"


def _name_field(value: Any, what: str) -> tuple[str, str]:
    if isinstance(value, str) and value and not is_placeholder(value):
        return value, ""
    if value is SECRET:
        return "?", f"the {what} is encrypted in this file"
    if is_placeholder(value):
        return str(value), f"the {what} is known only after deploy"
    return "?", f"the {what} is {value!r}, not a name"


def workloads(resources: list[Res], placement: Placement) -> list[Workload]:
    by_urn = {r.urn: r for r in resources}
    found: list[Workload] = []
    covered: set[str] = set()
    for res in resources:
        if kinds.kubernetes_kind(res.type) not in kinds.SA_KINDS:
            continue
        meta = _meta(res)
        namespace, why_ns = _name_field(meta.get("namespace") or _default_namespace(placement, res), "namespace")
        name, why_name = _name_field(meta.get("name"), "ServiceAccount name")
        component = component_of(by_urn, res)
        if component is not None:
            covered.add(component.urn)
        annotations = meta.get("annotations")
        found.append(Workload(
            namespace, name, annotations if isinstance(annotations, dict) else {}, component,
            res.label, (component.outputs.get("pod_template_patch") if component else None),
            cluster=placement.cluster(res), placement=placement.key(res), res=res,
            unknown="; ".join(w for w in (why_ns, why_name) if w),
        ))
    for res in resources:  # components that touch nothing in Kubernetes (service_account_mode "none")
        if res.custom or res.urn in covered or not res.type.startswith("wid:"):
            continue
        out = res.outputs
        if out.get("namespace") and out.get("service_account_name"):
            found.append(Workload(
                str(out["namespace"]), str(out["service_account_name"]),
                dict(out.get("service_account_annotations") or {}), res,
                f"{res.label} (annotations output only)", out.get("pod_template_patch"),
                placement=f"<component {res.urn}>",
            ))
    found += _helm_workloads(resources, placement)
    templates = Lookup(pod_templates(resources, placement), _template_keys)
    for workload in found:
        workload.pod_templates, workload.unseen_templates = _templates_of(workload, templates)
    return found


_UNSEEN = object()


def _template_account(template: dict[str, Any]) -> Any:
    """The ServiceAccount a pod template names (None: the namespace's default), or _UNSEEN when not readable."""
    spec = template.get("spec") or {}
    if not isinstance(spec, dict):
        return _UNSEEN
    name = spec.get("serviceAccountName")
    return _UNSEEN if name is not None and (not isinstance(name, str) or is_placeholder(name)) else name


def _templates_of(workload: Workload, templates: Lookup[tuple[str, str, dict[str, Any]]]
                  ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The pod templates naming the workload's ServiceAccount, and those that may (not readable)."""
    placement, namespace, name = workload.placement, workload.namespace, workload.service_account

    def seen(x: tuple[Any, ...]) -> bool:
        return x[1] is not None and _template_account(x[2]) is not _UNSEEN

    found = templates.find([(placement, namespace, name)], lambda x: x[0] == placement and x[1] in (namespace, None)
                           and _template_account(x[2]) in (name, _UNSEEN))
    return [x[2] for x in found if seen(x)], [x[2] for x in found if not seen(x)]


def _template_keys(template: tuple[str, str, dict[str, Any]]) -> Optional[list[tuple[Any, ...]]]:
    """(cluster key, namespace, ServiceAccount name) of a pod template; None when one of them is not readable."""
    account = _template_account(template[2])
    return None if account is _UNSEEN or template[1] is None else [(*template[:2], account)]


def _helm_workloads(resources: list[Res], placement: Placement) -> list[Workload]:
    """A Helm release's ServiceAccount, as far as its values show it."""
    out = []
    for res in resources:
        if res.type not in kinds.HELM_RELEASE:
            continue
        values = res.get("values") if isinstance(res.get("values"), dict) else {}
        sa = values.get("serviceAccount") if isinstance(values.get("serviceAccount"), dict) else {}
        annotations = sa.get("annotations") if isinstance(sa.get("annotations"), dict) else {}
        if not annotations:
            continue
        namespace, why_ns = _name_field(res.get("namespace") or "default", "release namespace")
        name, why_name = _name_field(sa.get("name"), "ServiceAccount name in the chart values (serviceAccount.name)")
        out.append(Workload(namespace, name, annotations, None, f"{res.label} values.serviceAccount",
                            cluster=placement.cluster(res), placement=placement.key(res), res=res,
                            unknown="; ".join(w for w in (why_ns, why_name) if w)))
    return out


def pod_templates(resources: list[Res], placement: Placement) -> list[tuple[str, Optional[str], dict[str, Any]]]:
    """(cluster key, namespace, pod template) of every workload resource in the stack."""
    out = []
    for res in resources:
        kind = kinds.kubernetes_kind(res.type)
        if kind not in kinds.WORKLOAD_KINDS:
            continue
        meta = _meta(res)
        if kind == "Pod":
            template: Any = {"metadata": meta, "spec": res.get("spec")}
        else:
            path = ("spec", "jobTemplate", "spec", "template") if kind == "CronJob" else ("spec", "template")
            template = _dig(res, path)
        if template is None:
            continue
        if not isinstance(template, dict):  # encrypted or malformed: which ServiceAccount it names is not seen
            template = {"spec": template}
        out.append((placement.key(res), _template_namespace(res, meta, placement), template))
    return out


def _template_namespace(res: Res, meta: dict[str, Any], placement: Placement) -> Optional[str]:
    """The workload's namespace; None when the file does not show it (it may be any namespace)."""
    namespace = meta.get("namespace")
    if (not meta and res.get("metadata") is not None) or (
            namespace is not None and (not isinstance(namespace, str) or is_placeholder(namespace))):
        return None
    return str(namespace or _default_namespace(placement, res))


def _dig(res: Res, path: tuple[str, ...]) -> Any:
    """The value at ``path`` under the resource (None when absent), or the first value on the way that is not an object."""
    value: Any = res.get(path[0])
    for key in path[1:]:
        if not isinstance(value, dict):
            return value
        value = value.get(key)
    return value


def candidate_clusters(workload: Workload, clusters: list[Cluster], cloud: str) -> tuple[list[Cluster], bool]:
    """The clusters the workload may run in, and whether that is assumed rather than shown.

    Shown: the ServiceAccount's Kubernetes provider is built from the cluster. Assumed: the
    provider is tied to no cluster of the stack, so any of the stack's clusters of this cloud
    may be the one (a FAIL of every one still proves the chain broken).
    """
    if workload.cluster is not None:
        return [workload.cluster], False
    return [c for c in clusters if c.cloud == cloud], True
