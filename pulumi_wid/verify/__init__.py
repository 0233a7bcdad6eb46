"""``verify``: judge each identity chain the way the cloud evaluates a pod's token.

This package has its own evaluator of the clouds' rules (IAM condition
semantics, exact federated credential match, member strings) and never calls
the builders in ``pulumi_wid.aws``/``azure``/``gcp``: a checker that shared the
builders' code could not catch the builders' mistakes.

Each chain is PASS (every link proven from the stack or from pinned facts),
FAIL (a link proven wrong) or UNVERIFIED (a link verify cannot see).
"""

from __future__ import annotations

from .aws import verify_aws
from .azure import verify_azure
from .clusters import Placement, clusters
from .common import workloads
from .federation import verify_federation
from .gcp import verify_gcp
from .model import FAIL, PASS, UNVERIFIED, Chain, Facts, Res, Resources, StateError, from_plan
from .state import load_state

__all__ = ["FAIL", "PASS", "UNVERIFIED", "Chain", "Facts", "Res", "Resources", "StateError", "from_plan",
           "load_state", "verify_resources"]


def verify_resources(resources: list[Res], facts: Facts | None = None) -> list[Chain]:
    """Every identity chain found in ``resources``, each with checks and negative probes.

    ``facts`` pins what the stack may not hold (cluster issuers, GKE pools and project numbers).
    """
    found_clusters = clusters(resources)
    found = workloads(resources, Placement(resources, found_clusters))
    federated, judged_roles = verify_federation(resources, facts)  # foreign issuers and CI (verify/federation.py)
    native = verify_aws(resources, found, found_clusters, facts, judged_roles)
    return (native + verify_azure(resources, found, found_clusters, facts)
            + verify_gcp(resources, found, found_clusters, facts) + federated)
