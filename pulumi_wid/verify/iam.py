"""An evaluator of IAM policy statements, written from IAM's documented semantics.

It knows nothing of how ``pulumi_wid`` builds trust policies: it only answers
"does this policy allow this principal/action/context?", so it can catch the
builders' mistakes. Semantics: condition operators are ANDed, keys within an
operator are ANDed, values of one key are ORed; a missing key fails positive
operators (unless ``...IfExists``) and satisfies negated ones; an explicit
Deny wins over any Allow.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Optional


class MalformedPolicyError(ValueError):
    """A policy IAM itself would refuse: verify names it instead of guessing."""

UNKNOWN = "\x00unknown offline\x00"
"""A context value the request carries but verify cannot know offline (a pod's name, a cluster's ARN)."""


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def glob(pattern: str, value: str, ignore_case: bool = False) -> bool:
    """IAM's ``*``/``?`` wildcard match, in O(len(pattern) * len(value)) at worst.

    A regex with one ``.*`` per ``*`` backtracks exponentially on a hostile pattern
    (10 stars took seconds); this is the classic two-pointer walk with one
    backtrack point.
    """
    if ignore_case:
        pattern, value = pattern.lower(), value.lower()
    if "*" not in pattern and "?" not in pattern:
        return pattern == value
    p = v = 0
    star, mark = -1, 0
    while v < len(value):
        if p < len(pattern) and pattern[p] == "*":
            star, mark = p, v
            p += 1
        elif p < len(pattern) and (pattern[p] == "?" or pattern[p] == value[v]):
            p += 1
            v += 1
        elif star >= 0:
            p, mark = star + 1, mark + 1
            v = mark
        else:
            return False
    while p < len(pattern) and pattern[p] == "*":
        p += 1
    return p == len(pattern)


class Suffix(str):
    """A context value verify knows only the end of (a cluster ARN whose region or account is unknown)."""


def _match_one(base: str, pattern: str, value: str) -> bool:
    if base == "StringEquals":
        return pattern == value
    if base == "StringEqualsIgnoreCase":
        return pattern.lower() == value.lower()
    if base == "StringLike":
        return glob(pattern, value)
    if base in ("ArnEquals", "ArnLike"):
        return glob(pattern, value)
    raise KeyError(base)


_NEGATED = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
}


_KNOWN = {"StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike", "Null", *_NEGATED}


def _carried_unseen(key: str) -> bool:
    """A global ``aws:`` key the caller did not put in the context: the live request may carry it.

    AWS adds global keys to requests on its own (``aws:RequestedRegion``, ``aws:CurrentTime`` and
    ``aws:SecureTransport`` are in every request context, ``aws:SourceIp`` and ``aws:UserAgent`` in
    most: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html),
    so one verify does not model is unknown, not absent. Session tags (``aws:RequestTag/...``) are
    the exception: the caller lists every tag the service sets.
    """
    lowered = key.lower()
    return lowered.startswith("aws:") and not lowered.startswith("aws:requesttag/")


def condition_holds(condition: Optional[Mapping[str, Any]], context: Mapping[str, Any]) -> tuple[Optional[bool], str]:
    """Whether every operator/key of ``condition`` holds for ``context``.

    Returns (holds, reason): True, False, or None when an operator is not evaluated
    offline (callers decide: a probe treats it as "may hold", a positive check as not).
    """
    if not condition:
        return True, ""
    if not isinstance(condition, Mapping):
        raise MalformedPolicyError(f"Condition is a {type(condition).__name__}, not an object of operators")
    ctx = {k.lower(): as_list(v) for k, v in context.items()}
    unknown = ""
    for operator, block in condition.items():
        if not isinstance(block, Mapping):
            raise MalformedPolicyError(f"condition {operator} is a {type(block).__name__}, not an object of keys")
        qualifier, _, op = operator.rpartition(":")
        if_exists = op.endswith("IfExists")
        op = op.removesuffix("IfExists")
        if op not in _KNOWN:
            unknown = f"operator {operator} is not evaluated offline"
            continue
        for key, wanted in block.items():
            values = ctx.get(key.lower())
            patterns = [str(p) for p in as_list(wanted)]
            if values is None and _carried_unseen(key):
                unknown = f"{key} is not known offline"
                continue
            if op == "Null":
                is_null = values is None
                if not any((p.lower() == "true") == is_null for p in patterns):
                    return False, f"Null on {key}"
                continue
            if values is None:  # ForAnyValue over an absent key is an empty set: no value satisfies it
                if if_exists or qualifier == "ForAllValues" or (op in _NEGATED and qualifier != "ForAnyValue"):
                    continue
                return False, f"{key} is not in the request"
            if UNKNOWN in values:
                unknown = f"{key} is not known offline"
                continue
            partial = [v for v in values if isinstance(v, Suffix)]
            if partial:
                base = _NEGATED.get(op, op)
                possible = any(_may_match(base, p, str(v)) for p in patterns for v in partial)
                if possible:
                    unknown = f"{key} is known only in part offline"
                    continue
                if op in _NEGATED:
                    continue
                return False, f"{operator} on {key}"
            try:
                if op in _NEGATED:
                    base = _NEGATED[op]
                    matched = [any(_match_one(base, p, str(v)) for p in patterns) for v in values]
                    ok = not all(matched) if qualifier == "ForAnyValue" else not any(matched)
                else:
                    matched = [any(_match_one(op, p, str(v)) for p in patterns) for v in values]
                    ok = all(matched) if qualifier == "ForAllValues" else any(matched)
            except KeyError:
                unknown = f"operator {operator} is not evaluated offline"
                continue
            if not ok:
                return False, f"{operator} on {key}"
    return (None, unknown) if unknown else (True, "")


def _may_match(base: str, pattern: str, suffix: str) -> bool:
    """Whether some value ending with ``suffix`` could match ``pattern``."""
    if "*" in pattern or "?" in pattern:
        return True
    if base.endswith("IgnoreCase"):
        return pattern.lower().endswith(suffix.lower())
    return pattern.endswith(suffix)


def _principal_matches(principal: Any, kind: str, value: str) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, Mapping):
        return False
    for key, items in principal.items():
        if key == kind or (key == "AWS" and "*" in as_list(items)):
            if any(item == "*" or glob(str(item), value) for item in as_list(items)):
                return True
    return False


def _action_matches(statement: Mapping[str, Any], action: str) -> bool:
    if "Action" in statement:
        return any(glob(str(a), action, ignore_case=True) for a in as_list(statement["Action"]))
    if "NotAction" in statement:
        return not any(glob(str(a), action, ignore_case=True) for a in as_list(statement["NotAction"]))
    return False


def statements(policy: Any) -> list[Mapping[str, Any]]:
    if not isinstance(policy, Mapping):
        return []
    found = as_list(policy.get("Statement"))
    for index, statement in enumerate(found):
        if not isinstance(statement, Mapping):
            raise MalformedPolicyError(f"statement {index} is a {type(statement).__name__}, not an object")
    return found


def describe(index: int, statement: Mapping[str, Any]) -> str:
    sid = statement.get("Sid")
    return f"statement {index}" + (f" ({sid})" if sid else "")


def evaluate(policy: Any, principal_kind: str, principal: str, action: str,
             context: Mapping[str, Any], probe: bool = False) -> tuple[bool, str]:
    """(allowed, which statement decided) for one request against a trust policy.

    A condition that cannot be evaluated offline counts against the request in a
    positive check and for it in a probe (``probe=True``): verify never claims a
    chain is safe or working on a rule it did not evaluate.
    """
    allowed_by = ""
    for index, statement in enumerate(statements(policy)):
        if not _principal_matches(statement.get("Principal"), principal_kind, principal):
            continue
        if not _action_matches(statement, action):
            continue
        holds, reason = condition_holds(statement.get("Condition"), context)
        deny = statement.get("Effect") == "Deny"
        if holds is None:
            holds = not probe if deny else probe
        if not holds:
            continue
        if deny:
            return False, f"denied by {describe(index, statement)}"
        if statement.get("Effect") == "Allow" and not allowed_by:
            allowed_by = describe(index, statement) + (f" ({reason})" if reason else "")
    return bool(allowed_by), allowed_by


def other_principals(policy: Any, expected: Callable[[str, str], bool]) -> list[str]:
    """Principals of Allow statements that ``expected(kind, value)`` does not accept."""
    found = []
    for index, statement in enumerate(statements(policy)):
        if statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        if principal == "*" or "NotPrincipal" in statement:
            found.append(f"{describe(index, statement)}: any principal")
            continue
        if not isinstance(principal, Mapping):
            continue
        for kind, values in principal.items():
            for value in as_list(values):
                if not expected(kind, str(value)):
                    found.append(f"{describe(index, statement)}: {kind} {value}")
    return found
