"""Clusters in a stack, and which cluster each Kubernetes resource lives in.

A ServiceAccount belongs to the cluster of its Kubernetes provider: the provider's
dependencies (its kubeconfig is built from the cluster), its parent component
(pulumi-eks creates the provider beside the cluster), or its kubeconfig naming the
cluster. A resource on the default provider, or on a provider tied to no cluster of
the stack, has no known cluster.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Optional

from . import kinds
from .model import Res, is_placeholder


@dataclass
class Cluster:
    cloud: str
    res: Res
    name: str
    issuer: Optional[str] = None
    """OIDC issuer URL as the cluster's tokens carry it (EKS, AKS)."""
    feature_off: str = ""
    """The setting that turns workload identity off on this cluster ("" when it is on)."""
    pool: Optional[str] = None
    arn: Optional[str] = None
    autopilot: Optional[bool] = None
    webhook_off: str = ""
    """AKS: the workload identity webhook is not enabled by the cluster."""

    @property
    def label(self) -> str:
        return self.res.label


def _known(value: Any) -> Optional[str]:
    return str(value) if isinstance(value, str) and value and not is_placeholder(value) else None


def _names(text: str, name: Optional[str]) -> bool:
    """Whether ``text`` holds ``name`` as a whole name (``prod`` is not in ``prod-eu``)."""
    return bool(name) and re.search(rf"(?<![A-Za-z0-9-]){re.escape(name)}(?![A-Za-z0-9-])", text) is not None


def _first(value: Any) -> dict[str, Any]:
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return value[0]
    return value if isinstance(value, dict) else {}


def _eks(res: Res) -> Cluster:
    oidc = _first(_first(res.get("identities")).get("oidcs"))
    return Cluster("aws", res, str(res.get("name") or res.name), issuer=_known(oidc.get("issuer")),
                   arn=_known(res.get("arn")))


def _aks(res: Res) -> Cluster:
    if res.type.startswith("azure-native:"):
        profile = res.get("oidcIssuerProfile") or {}
        enabled, issuer = profile.get("enabled"), profile.get("issuerURL")
        webhook = ((res.get("securityProfile") or {}).get("workloadIdentity") or {}).get("enabled")
        off, webhook_setting = "oidcIssuerProfile.enabled", "securityProfile.workloadIdentity.enabled"
    else:
        enabled, issuer = res.get("oidcIssuerEnabled"), res.get("oidcIssuerUrl")
        webhook = res.get("workloadIdentityEnabled")
        off, webhook_setting = "oidcIssuerEnabled", "workloadIdentityEnabled"
    name = str(res.get("name") or res.inputs.get("resourceName") or res.name)
    return Cluster("azure", res, name, issuer=_known(issuer), feature_off="" if enabled is True else off,
                   webhook_off="" if webhook is True else webhook_setting)


def _gke(res: Res) -> Cluster:
    config = _first(res.get("workloadIdentityConfig"))
    pool = _known(config.get("workloadPool"))
    return Cluster("gcp", res, str(res.get("name") or res.name), pool=pool,
                   feature_off="" if pool else "workloadIdentityConfig.workloadPool",
                   autopilot=res.get("enableAutopilot") if isinstance(res.get("enableAutopilot"), bool) else None)


def clusters(resources: list[Res]) -> list[Cluster]:
    out = []
    for res in resources:
        if res.type == kinds.EKS_CLUSTER:
            out.append(_eks(res))
        elif res.type in kinds.AKS_CLUSTER:
            out.append(_aks(res))
        elif res.type == kinds.GKE_CLUSTER:
            out.append(_gke(res))
    return out


class Placement:
    """Which cluster each Kubernetes resource lives in."""

    def __init__(self, resources: list[Res], found: list[Cluster]) -> None:
        self.by_urn = {r.urn: r for r in resources}
        self.cluster_by_urn = {c.res.urn: c for c in found}
        self.children: dict[str, list[str]] = {}
        for r in resources:
            self.children.setdefault(r.parent, []).append(r.urn)
        self._cache: dict[str, Optional[Cluster]] = {}

    def provider_of(self, res: Res) -> Optional[Res]:
        urn = res.provider.rsplit("::", 1)[0] if res.provider else ""
        return self.by_urn.get(urn)

    def key(self, res: Res) -> str:
        """Resources with the same key are in the same cluster."""
        cluster = self.cluster(res)
        if cluster is not None:
            return cluster.res.urn
        provider = self.provider_of(res)
        return provider.urn if provider is not None else (res.provider.rsplit("::", 1)[0] or "<default provider>")

    def cluster(self, res: Res) -> Optional[Cluster]:
        provider = self.provider_of(res)
        if provider is None:
            return None
        if provider.urn not in self._cache:
            self._cache[provider.urn] = self._find(provider)
        return self._cache[provider.urn]

    def _find(self, provider: Res) -> Optional[Cluster]:
        found: dict[str, Cluster] = {}
        for urn in provider.dependencies:  # the kubeconfig was built from the cluster (or its component)
            for cluster in self._within(urn):
                found[cluster.res.urn] = cluster
        if not found:  # pulumi-eks: the provider is a child of the component that holds the cluster
            parent = self.by_urn.get(provider.parent)
            while parent is not None and not found:
                if not parent.custom:
                    for cluster in self._within(parent.urn):
                        found[cluster.res.urn] = cluster
                parent = self.by_urn.get(parent.parent)
        if not found:  # a kubeconfig string naming the cluster
            text = str(provider.get("kubeconfig") or "")
            for cluster in self.cluster_by_urn.values():
                if text and (_names(text, cluster.name) or _names(text, cluster.arn)):
                    found[cluster.res.urn] = cluster
        return next(iter(found.values())) if len(found) == 1 else None

    def _within(self, urn: str) -> list[Cluster]:
        """The cluster ``urn`` is, or the clusters a component at ``urn`` holds."""
        if urn in self.cluster_by_urn:
            return [self.cluster_by_urn[urn]]
        res = self.by_urn.get(urn)
        if res is None or res.custom:
            return []
        out, stack = [], list(self.children.get(urn, []))
        while stack:
            child = stack.pop()
            if child in self.cluster_by_urn:
                out.append(self.cluster_by_urn[child])
            stack += self.children.get(child, [])
        return out
