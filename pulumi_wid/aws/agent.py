"""``pod_identity_agent``: the ``eks-pod-identity-agent`` add-on of one cluster (wiring only).

EKS Pod Identity gives pods no credentials without this add-on: its DaemonSet serves
the credentials the association's role grants (EKS user guide, "Set up the Amazon EKS
Pod Identity Agent"). A cluster has it once, so the helper refuses a second declaration
for the same cluster (and provider) in one program; ``pulumi-wid verify`` notes an
association whose cluster is in the stack without it.
"""

from __future__ import annotations

import weakref
from typing import Any

import pulumi
import pulumi_aws as aws

from .._outputs import placeholder_mode
from ..errors import ValidationError
from ..validation import check_str, is_unknown
from . import facts
from .args import _check_named_cluster

_DECLARED: weakref.WeakKeyDictionary[Any, set[tuple[int, str]]] = weakref.WeakKeyDictionary()


def pod_identity_agent(name: str, cluster_name: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None,
                       addon_version: str | None = None) -> aws.eks.Addon:
    """Declare the ``eks-pod-identity-agent`` add-on of ``cluster_name``: once per cluster.

    ``addon_version`` pins a version (``aws eks describe-addon-versions --addon-name
    eks-pod-identity-agent``); by default EKS installs its default version. Pass the
    cluster's aws provider in ``opts`` as for ``EksPodIdentity``.
    """
    cluster_name = _check_named_cluster("cluster_name", cluster_name, placeholder_mode())
    if addon_version is not None:
        check_str("addon_version", addon_version)
    if not is_unknown(cluster_name):
        _declare_once(cluster_name, opts)
    return aws.eks.Addon(name, cluster_name=cluster_name, addon_name=facts.POD_IDENTITY_AGENT_ADDON,
                         addon_version=addon_version, opts=opts)


def _declare_once(cluster_name: str, opts: pulumi.ResourceOptions | None) -> None:
    from pulumi.runtime import settings

    try:
        declared = _DECLARED.setdefault(settings.get_monitor(), set())  # one set per program run
    except TypeError:  # a monitor that takes no weak reference: no bookkeeping
        return
    provider = id(opts.provider) if opts is not None and opts.provider is not None else 0
    if (provider, cluster_name) in declared:
        raise ValidationError(
            "cluster_name", cluster_name,
            "already has the eks-pod-identity-agent add-on declared in this program: a cluster has it once",
            "declare pod_identity_agent once per cluster and share it",
        )
    declared.add((provider, cluster_name))
