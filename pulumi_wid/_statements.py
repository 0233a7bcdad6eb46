"""Internal: the one reader of IAM policy documents and statements (pure).

The AWS checks (``aws.documents``, ``aws.knowledge``) and the policy rules
(``policy.rules``) read statements through these helpers. ``pulumi_wid.verify``
keeps its own evaluator on purpose.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Mapping
from typing import Any

# IAM policy variables (${aws:username}) may hold ':'
ARN_VARIABLE = re.compile(r"\$\{[^}]*\}")


def as_list(value: Any) -> list[Any]:
    """An IAM value that is one item or a list of them, as a list (None: empty)."""
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def parse_document(value: Any) -> dict[str, Any] | None:
    """An IAM policy document from a JSON string or a dict; None when absent or not a document."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    return value if isinstance(value, dict) else None


def statements(document: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The statements of a document (``Statement`` may be one dict or a list)."""
    if not document:
        return []
    found = document.get("Statement")
    if isinstance(found, Mapping):
        return [dict(found)]
    if isinstance(found, list):
        return [s for s in found if isinstance(s, dict)]
    return []


def split_arn(arn: str) -> list[str] | None:
    """The six ``:``-separated fields of an ARN (policy variables kept as one field), or None."""
    text = ARN_VARIABLE.sub("\x00", arn)
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or not parts[2] or not parts[5]:
        return None
    return parts


def allows(action_value: Any, wanted: str) -> bool:
    """Whether an Action value (string or list, with IAM wildcards) covers ``wanted``."""
    return any(isinstance(a, str) and fnmatch.fnmatchcase(wanted.lower(), a.lower()) for a in as_list(action_value))


def grants_action(statement: Mapping[str, Any], wanted: str) -> bool:
    """Whether a statement's Action (wildcards included) or NotAction (anything not listed) covers ``wanted``."""
    if "NotAction" in statement:
        return not allows(statement.get("NotAction"), wanted)
    return allows(statement.get("Action"), wanted)


def conditions(statement: Mapping[str, Any]) -> list[tuple[str, str, list[Any]]]:
    """(operator, lower-case key, values) of a statement's Condition block."""
    found = []
    condition = statement.get("Condition")
    if isinstance(condition, Mapping):
        for operator, block in condition.items():
            if isinstance(block, Mapping):
                for key, values in block.items():
                    found.append((str(operator), str(key).lower(), as_list(values)))
    return found


def pins(operator: str) -> bool:
    """A condition operator that requires the key to have one of the values."""
    base = operator.split(":")[-1]
    return base.startswith("String") and "Not" not in base and not base.endswith("IfExists")


def principals(statement: Mapping[str, Any], kind: str) -> list[str]:
    """The ``Principal`` entries of one kind ("Federated", "Service", "AWS")."""
    principal = statement.get("Principal")
    if not isinstance(principal, Mapping):
        return []
    return [p for p in as_list(principal.get(kind)) if isinstance(p, str)]


def wildcard_principal(statement: Mapping[str, Any]) -> bool:
    """``"Principal": "*"``, or ``"*"`` as one of its principals (``{"Federated": "*"}``)."""
    principal = statement.get("Principal")
    if principal == "*":
        return True
    if isinstance(principal, Mapping):
        return any(p == "*" for values in principal.values() for p in as_list(values))
    return False
