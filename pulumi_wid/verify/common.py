"""Workloads (ServiceAccounts) found in a stack, and probe subjects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from .model import Res, component_of

SA_TYPES = ("kubernetes:core/v1:ServiceAccount", "kubernetes:core/v1:ServiceAccountPatch")
WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet", "Pod")


@dataclass
class Workload:
    namespace: str
    service_account: str
    annotations: dict[str, Any]
    component: Optional[Res]
    source: str
    pod_template_patch: Optional[dict[str, Any]] = None
    pod_templates: list[dict[str, Any]] = field(default_factory=list)

    @property
    def subject(self) -> str:
        return f"system:serviceaccount:{self.namespace}:{self.service_account}"


def other(value: str, base: str) -> str:
    return base if value != base else f"{base}-2"


def workloads(resources: list[Res]) -> list[Workload]:
    found: list[Workload] = []
    covered: set[str] = set()
    for res in resources:
        if res.type not in SA_TYPES:
            continue
        meta = res.get("metadata") or {}
        component = component_of(resources, res)
        if component is not None:
            covered.add(component.urn)
        found.append(Workload(
            str(meta.get("namespace") or "default"), str(meta.get("name")), dict(meta.get("annotations") or {}),
            component, f"{res.type.split(':')[-1]} {res.name}",
            (component.outputs.get("pod_template_patch") if component else None),
        ))
    for res in resources:  # components that touch nothing in Kubernetes (service_account_mode "none")
        if res.custom or res.urn in covered or not res.type.startswith("wid:"):
            continue
        out = res.outputs
        if out.get("namespace") and out.get("service_account_name"):
            found.append(Workload(
                str(out["namespace"]), str(out["service_account_name"]),
                dict(out.get("service_account_annotations") or {}), res,
                f"{res.type.split(':')[-1]} {res.name} (annotations output only)",
                out.get("pod_template_patch"),
            ))
    templates = pod_templates(resources)
    for workload in found:
        workload.pod_templates = [t for ns, t in templates
                                  if ns == workload.namespace
                                  and (t.get("spec") or {}).get("serviceAccountName") == workload.service_account]
    return found


def pod_templates(resources: list[Res]) -> list[tuple[str, dict[str, Any]]]:
    """(namespace, pod template) of every workload resource in the stack."""
    out = []
    for res in resources:
        if not res.type.startswith("kubernetes:") or res.type.rsplit(":", 1)[-1] not in WORKLOAD_KINDS:
            continue
        meta = res.get("metadata") or {}
        spec = res.get("spec") or {}
        if res.type.endswith(":Pod"):
            template = {"metadata": meta, "spec": spec}
        elif res.type.endswith(":CronJob"):
            template = ((spec.get("jobTemplate") or {}).get("spec") or {}).get("template") or {}
        else:
            template = spec.get("template") or {}
        out.append((str(meta.get("namespace") or "default"), template))
    return out


def label(res: Optional[Res]) -> str:
    return f"{res.type.split(':')[-1]} {res.name!r}" if res is not None else "?"
