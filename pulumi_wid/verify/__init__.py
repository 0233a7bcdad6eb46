"""``verify``: judge each identity chain the way the cloud evaluates a pod's token.

This package has its own evaluator of the clouds' rules (IAM condition
semantics, exact federated credential match, member strings) and never calls
the builders in ``pulumi_wid.aws``/``azure``/``gcp``: a checker that shared the
builders' code could not catch the builders' mistakes.
"""

from __future__ import annotations

from .aws import verify_aws
from .azure import verify_azure
from .common import workloads
from .gcp import verify_gcp
from .model import Chain, Facts, Res, StateError, from_plan, load_state

__all__ = ["Chain", "Facts", "Res", "StateError", "from_plan", "load_state", "verify_resources"]


def verify_resources(resources: list[Res], facts: Facts | None = None) -> list[Chain]:
    """Every identity chain found in ``resources``, each with checks and negative probes.

    ``facts`` pins what the stack may not hold (cluster issuers, GKE pools and project numbers).
    """
    found = workloads(resources)
    return (verify_aws(resources, found, facts) + verify_azure(resources, found, facts)
            + verify_gcp(resources, found, facts))
