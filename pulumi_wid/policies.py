"""Older import path of the CrossGuard rules: ``pulumi_wid.policy.rules`` and ``pulumi_wid.policy.pack``."""

from .policy.pack import handler, policy_pack, resource_policies  # noqa: F401
from .policy.rules import *  # noqa: F403
from .policy.rules import (  # noqa: F401 - the helpers older callers used
    _AZURE_FIC,
    _GCP_IAM,
    Rule,
    Unknown,
    check,
    document,
    plain,
    statements,
)
