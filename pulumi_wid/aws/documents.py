"""Pure builders and checks for AWS: trust policies, permission documents, names.

Nothing here touches the Pulumi runtime; every function takes plain values.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from .. import validation
from .._statements import ARN_VARIABLE as _ARN_VARIABLE
from .._statements import as_list as _as_list
from ..errors import ValidationError
from ..validation import (
    PLACEHOLDER,
    check_pattern,
    check_str,
    check_str_list,
    is_unknown,
    reject_unknown_keys,
    require,
    short_hash,
)
from . import knowledge  # the IAM database loads on first use, not at import
from .facts import (  # noqa: F401 - INLINE_POLICIES_LIMIT re-exported
    ACCOUNT_PLACEHOLDER,
    BROAD_MANAGED_POLICIES,
    DEFAULT_PATH,
    INLINE_POLICIES_LIMIT,
    IRSA_ACTION,
    IRSA_AUDIENCE,
    MANAGED_POLICY_LIMIT,
    MAX_TAGS,
    POD_IDENTITY_ACTIONS,
    POD_IDENTITY_PRINCIPAL,
    POLICY_VERSION,
    SESSION_TAGS,
    TAG_KEY_MAX,
    TAG_RESERVED_PREFIX,
    TAG_SYMBOLS,
    TAG_VALUE_MAX,
    TRUST_POLICY_QUOTA,
)

ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$", re.ASCII)
ROLE_PATH = re.compile(r"^(/|/[\x21-\x7e]+/)$")
# An account id, or the placeholder ``pulumi-wid plan`` shows for the caller's account.
_ACCOUNT = r"(?P<account>\d{12}|" + re.escape(ACCOUNT_PLACEHOLDER) + ")"
OIDC_PROVIDER_ARN = re.compile(
    r"^arn:(?P<partition>aws|aws-cn|aws-us-gov):iam::" + _ACCOUNT + r":oidc-provider/(?P<issuer>[^\s]+|<[^<>]*, known after deploy>)$"
)
ROLE_ARN = re.compile(
    r"^arn:(?P<partition>aws|aws-cn|aws-us-gov):iam::" + _ACCOUNT + r":role(?P<path>/(?:[\x21-\x7e]*/)?)(?P<name>[\w+=,.@-]{1,64})$"
)
POLICY_ARN = re.compile(r"^arn:(aws|aws-cn|aws-us-gov):iam::(aws|\d{12}):policy/[\x21-\x7e]+$")
STATEMENT_KEYS = ("Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition")
ACTION = re.compile(r"^[a-z0-9-]+:[A-Za-z0-9*?]+$")


# -- ARNs and issuers -------------------------------------------------------
_COMPACT = json.JSONEncoder(separators=(",", ":"))  # json.dumps would build this encoder on every call


def compact_json(document: Any) -> str:
    """The document as IAM counts it: no whitespace, keys in the order given."""
    return _COMPACT.encode(document)


def parse_oidc_provider_arn(field: str, arn: Any, placeholders: bool = False) -> dict[str, str]:
    """Split an IAM OIDC provider ARN into partition, account and issuer host/path."""
    parsed = _parse_arn(
        field, arn, OIDC_PROVIDER_ARN,
        "must be an IAM OIDC provider ARN: arn:<partition>:iam::<12-digit account>:oidc-provider/<issuer host/path>",
        "use the provider's .arn, e.g. arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC",
        placeholders,
    )
    if "://" in parsed["issuer"]:
        # IAM names a provider by its URL without the scheme; the condition keys are "<host/path>:sub".
        # "https://..." here would give keys "https://...:sub" that no token ever matches.
        raise ValidationError(
            field, arn,
            "the part after oidc-provider/ is the issuer's host and path, without a scheme such as https://",
            f"use {arn.replace(parsed['issuer'], parsed['issuer'].split('://', 1)[1], 1)!r}",
        )
    return parsed


def _parse_arn(field: str, arn: Any, pattern: re.Pattern[str], rule: str, fix: str,
               placeholders: bool) -> dict[str, str]:
    check_str(field, arn)
    match = pattern.fullmatch(arn)
    if match and not placeholders and "<" in arn:
        match = None  # placeholders are plan-only
    if not match:
        raise ValidationError(field, arn, rule, fix)
    return match.groupdict()


def issuer_host_path(field: str, issuer_url: Any, placeholders: bool = False) -> str:
    """The issuer without ``https://``: the prefix of IAM's condition keys."""
    check_str(field, issuer_url)
    if not issuer_url.startswith("https://") or len(issuer_url) <= len("https://"):
        raise ValidationError(
            field,
            issuer_url,
            "must be the cluster's https OIDC issuer URL",
            "use the cluster's identities[0].oidcs[0].issuer, e.g. https://oidc.eks.us-east-1.amazonaws.com/id/ABC",
        )
    host_path = issuer_url[len("https://") :]
    shown = PLACEHOLDER.sub("", host_path) if placeholders else host_path  # `plan`: "<... known after deploy>"
    if any(c.isspace() for c in shown):
        raise ValidationError(
            field,
            issuer_url,
            "an issuer URL holds no whitespace; IAM condition keys would not match the token's iss",
            "use the cluster's identities[0].oidcs[0].issuer exactly as EKS reports it",
        )
    if host_path.endswith("/"):
        raise ValidationError(
            field,
            issuer_url,
            "an EKS issuer has no trailing '/'; IAM condition keys would not match the token's iss",
            f"use {issuer_url.rstrip('/')!r}",
        )
    return host_path


def oidc_provider_arn(partition: str, account_id: str, issuer: str) -> str:
    """``arn:<partition>:iam::<account>:oidc-provider/<issuer host/path>``."""
    return f"arn:{partition}:iam::{account_id}:oidc-provider/{issuer}"


def parse_role_arn(field: str, arn: Any, placeholders: bool = False) -> dict[str, str]:
    """Split an IAM role ARN into partition, account, path and name."""
    return _parse_arn(
        field, arn, ROLE_ARN,
        "must be an IAM role ARN: arn:<partition>:iam::<12-digit account>:role[/path/]<name>",
        "use the role's .arn",
        placeholders,
    )


# -- names and limits -------------------------------------------------------
def derive_role_name(namespace: str, name: str) -> str:
    """``<namespace>-<name>``, shortened with a stable hash to IAM's 64 characters.

    Characters IAM does not allow in a role name are replaced by '-', and then a
    hash of the original is added too, so that names which clean up alike stay distinct.
    """
    base = f"{namespace}-{name}"
    clean = re.sub(r"[^A-Za-z0-9_+=,.@-]", "-", base)
    if clean == base and len(base) <= 64:
        return base
    digest = short_hash(base)
    return f"{clean[:55].rstrip('-.')}-{digest}"


def check_role_name(field: str, value: Any) -> str:
    return check_pattern(field, value, ROLE_NAME, "an IAM role name is 1-64 characters of letters, digits and + = , . @ _ -",
                         "shorten it or drop other characters")


def iam_path(path: str) -> str | None:
    """``path`` as a resource input: IAM's default path as no input at all (the provider's
    default; one property fewer for the SDK to send per role)."""
    return None if path == DEFAULT_PATH else path


def check_role_path(field: str, value: Any) -> str:
    check_str(field, value)
    if len(value) > 512 or not ROLE_PATH.fullmatch(value):
        raise ValidationError(
            field,
            value,
            "an IAM path is '/' or starts and ends with '/', at most 512 printable ASCII characters",
            "for example '/workloads/'",
        )
    return value


def _tag_text_ok(text: str) -> bool:
    """Only letters, digits and spaces (Unicode categories L, N and Z, as IAM's \\p{L}\\p{N}\\p{Z}) and _ . : / = + - @."""
    return all(c in TAG_SYMBOLS or unicodedata.category(c)[0] in "LNZ" for c in text)


_TAG_CHARACTERS = "letters, digits, spaces and _ . : / = + - @"


def check_tag_value(field: str, value: Any) -> Any:
    """An IAM/EKS tag value: at most 256 of the characters tags allow (empty is fine)."""
    if not isinstance(value, str) or len(value) > TAG_VALUE_MAX or not _tag_text_ok(value):
        raise ValidationError(
            field, value, f"an AWS tag value is a string of at most {TAG_VALUE_MAX} {_TAG_CHARACTERS}",
            "drop the other characters (# ! % < > emoji, tabs and line breaks are refused by IAM and EKS)",
        )
    return value


def check_tags(field: str, tags: Mapping[str, Any], limit: int = MAX_TAGS) -> None:
    """AWS tags on the role and the association: the IAM API's "Tag" rules (see facts.TAG_KEY_MAX)."""
    validation.check_tags(
        field, tags, cloud="AWS", limit=limit,
        key_ok=lambda key: (len(key) <= TAG_KEY_MAX and _tag_text_ok(key)
                            and not key.lower().startswith(TAG_RESERVED_PREFIX)),
        key_rule=f"an AWS tag key is 1-{TAG_KEY_MAX} {_TAG_CHARACTERS}, and may not start with 'aws:'",
        check_value=check_tag_value,
        fix="drop the other characters; 'aws:' keys are AWS's own",
    )


def check_size(field: str, document: Any, limit: int, what: str, way_out: str) -> int:
    """Raise when ``document`` (whitespace not counted) is over ``limit`` characters."""
    if not isinstance(document, str):
        return check_json_size(field, compact_json(document), limit, what, way_out)
    size = len(re.sub(r"\s", "", document))
    if size > limit:
        raise ValidationError(field, f"{size} characters", f"{what} is limited to {limit} characters", way_out)
    return size


def check_json_size(field: str, text: str, limit: int, what: str, way_out: str) -> int:
    """``check_size`` of a document already serialised by ``compact_json`` (the same count, without dumping it again)."""
    size = len(text)
    if size > limit:
        raise ValidationError(field, f"{size} characters", f"{what} is limited to {limit} characters", way_out)
    return size


def check_managed_policy_size(field: str, document: Any) -> int:
    """A customer managed policy is at most 6,144 characters (whitespace not counted)."""
    return check_size(
        field,
        document,
        MANAGED_POLICY_LIMIT,
        "a customer managed policy",
        "split the statements over several managed policies (a role takes up to 20, 10 by default) "
        "or merge statements that share the same resources",
    )


# -- trust policies ---------------------------------------------------------
def pod_identity_trust_policy(condition: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The trust EKS Pod Identity needs: the pods service may assume and tag the session.

    ``condition`` (a Condition block, see ``trust_condition``) narrows it; without one the
    document is the EKS user guide's plain trust.
    """
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": POD_IDENTITY_PRINCIPAL},
        "Action": list(POD_IDENTITY_ACTIONS),
    }
    if condition:
        statement["Condition"] = {operator: dict(block) for operator, block in condition.items()}
    return {"Version": POLICY_VERSION, "Statement": [statement]}


# Pod Identity pinning: the session tags EKS sets on every role session (EKS user guide,
# "Create IAM role with trust policy required by EKS Pod Identity", Setting Conditions,
# and "Enable or disable session tags"), and the cluster's account as aws:SourceAccount.
PIN_SOURCE_ACCOUNT = "aws:SourceAccount"
PIN_CLUSTER_ARN = "aws:RequestTag/eks-cluster-arn"
PIN_NAMESPACE = "aws:RequestTag/kubernetes-namespace"
PIN_SERVICE_ACCOUNT = "aws:RequestTag/kubernetes-service-account"
PIN_KEYS = (PIN_SOURCE_ACCOUNT, PIN_CLUSTER_ARN, PIN_NAMESPACE, PIN_SERVICE_ACCOUNT)

# IAM condition operators (IAM User Guide, "IAM JSON policy elements: Condition operators").
CONDITION_OPERATOR = re.compile(
    r"^(?:(?:ForAnyValue|ForAllValues):)?(?:(?:String(?:Not)?Equals(?:IgnoreCase)?|String(?:Not)?Like"
    r"|Numeric(?:Not)?Equals|Numeric(?:Less|Greater)Than(?:Equals)?|Date(?:Not)?Equals"
    r"|Date(?:Less|Greater)Than(?:Equals)?|Bool|BinaryEquals|(?:Not)?IpAddress|Arn(?:Not)?(?:Equals|Like))"
    r"(?:IfExists)?|Null)$"
)
CONDITION_KEY = re.compile(r"^[A-Za-z0-9-]+:\S+$")
_REQUEST_TAG = re.compile(r"^aws:RequestTag/(?P<tag>.+)$", re.IGNORECASE)


def eks_cluster_arn(partition: str, region: str, account: str, cluster_name: str) -> str:
    """``arn:<partition>:eks:<region>:<account>:cluster/<name>``, the eks-cluster-arn session tag."""
    return f"arn:{partition}:eks:{region}:{account}:cluster/{cluster_name}"


def pod_identity_pins(account: str, cluster_arns: Sequence[str], namespace: str, service_account: str) -> dict[str, Any]:
    """The Condition block that pins a Pod Identity trust to these clusters and one ServiceAccount."""
    return {
        "StringEquals": {
            PIN_SOURCE_ACCOUNT: account,
            PIN_CLUSTER_ARN: _one_or_list(list(cluster_arns)),
            PIN_NAMESPACE: namespace,
            PIN_SERVICE_ACCOUNT: service_account,
        }
    }


def trust_condition(pins: Mapping[str, Any] | None, extra: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """``pins`` with the checked ``trust_policy_conditions`` added, in the order given."""
    condition: dict[str, Any] = {operator: dict(block) for operator, block in (pins or {}).items()}
    for item in extra:
        condition.setdefault(item["test"], {})[item["variable"]] = list(item["values"])
    return condition


def check_trust_conditions(field: str, conditions: Any, session_tags_off: bool, pinned: bool) -> list[dict[str, Any]]:
    """Check ``trust_policy_conditions`` (Terraform eks-pod-identity's shape: test, variable, values).

    Refused: an unknown operator or key shape, no values, the same operator and key twice,
    a key that ``pin_trust_to_service_account`` already sets, and a session-tag key that can
    never match (session tags disabled, or a tag EKS Pod Identity does not set).
    """
    items = check_str_list(field, conditions)
    result: list[dict[str, Any]] = []
    taken = {("StringEquals", key.lower()): "pin_trust_to_service_account" for key in PIN_KEYS} if pinned else {}
    for index, item in enumerate(items):
        where = f"{field}[{index}]"
        if not isinstance(item, Mapping):
            raise ValidationError(where, item, "must be a dict with test, variable and values",
                                  "e.g. {'test': 'StringEquals', 'variable': 'aws:SourceAccount', 'values': ['123456789012']}")
        reject_unknown_keys(where, item, ("test", "variable", "values"))
        test = check_pattern(f"{where}.test", require(item, "test", where), CONDITION_OPERATOR,
                             "is not an IAM condition operator", "e.g. 'StringEquals', 'ArnLike', 'ForAnyValue:StringLike'")
        variable = check_pattern(f"{where}.variable", require(item, "variable", where), CONDITION_KEY,
                                 "an IAM condition key is '<service>:<key>'", "e.g. 'aws:SourceAccount'")
        values = check_str_list(f"{where}.values", require(item, "values", where))
        if not values:
            raise ValidationError(f"{where}.values", values, "lists no value", "give at least one value")
        for position, value in enumerate(values):
            if not isinstance(value, str) and not is_unknown(value):
                raise ValidationError(f"{where}.values[{position}]", value, "a condition value is a string (or an Output of one)")
        tag = _REQUEST_TAG.fullmatch(variable)
        if tag and session_tags_off:
            raise ValidationError(
                f"{where}.variable", variable,
                "with disable_session_tags EKS Pod Identity sets no session tags: this condition never matches",
                "drop the condition, or keep the session tags",
            )
        positive = not ("Not" in test or test.endswith("IfExists") or test == "Null")
        if tag and positive and tag["tag"].lower() not in SESSION_TAGS:  # condition keys are case-insensitive
            raise ValidationError(
                f"{where}.variable", variable,
                f"EKS Pod Identity sets only the session tags {', '.join(SESSION_TAGS)}: this condition never "
                "matches and no pod can assume the role",
                "use one of those tags",
            )
        by = taken.get((test, variable.lower()))  # IAM condition keys are case-insensitive
        if by is not None:
            raise ValidationError(f"{where}.variable", variable, f"{test} on this key is already set by {by}",
                                  "give each operator and key once (list several values in one condition)")
        taken[(test, variable.lower())] = where
        result.append({"test": test, "variable": variable, "values": list(values)})
    return result


def target_role_trust_policy(association_role_arn: str) -> dict[str, Any]:
    """The target role's trust: exactly the association role, for sts:AssumeRole and sts:TagSession.

    EKS Pod Identity assumes the association role, then the target role with the session
    tags (EKS user guide, "Access AWS resources using EKS Pod Identity target IAM roles").
    """
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": association_role_arn}, "Action": list(POD_IDENTITY_ACTIONS)}
        ],
    }


def irsa_statement(
    provider_arn: str, issuer: str, subject: str, subject_patterns: Sequence[str] = ()
) -> dict[str, Any]:
    """One IRSA trust statement for one cluster's OIDC provider.

    ``StringEquals`` pins ``<issuer>:sub`` to the exact ServiceAccount and
    ``<issuer>:aud`` to ``sts.amazonaws.com``. Explicit ``subject_patterns``
    switch the ``sub`` condition to ``StringLike`` with those patterns.
    """
    condition: dict[str, Any]
    if subject_patterns:
        condition = {
            "StringEquals": {f"{issuer}:aud": IRSA_AUDIENCE},
            "StringLike": {f"{issuer}:sub": _one_or_list([subject, *subject_patterns])},
        }
    else:
        condition = {"StringEquals": {f"{issuer}:sub": subject, f"{issuer}:aud": IRSA_AUDIENCE}}
    return {
        "Effect": "Allow",
        "Principal": {"Federated": provider_arn},
        "Action": IRSA_ACTION,
        "Condition": condition,
    }


def irsa_trust_policy(
    providers: Sequence[tuple[str, str]], subject: str, subject_patterns: Sequence[str] = ()
) -> dict[str, Any]:
    """The IRSA trust: one statement per ``(provider ARN, issuer host/path)``."""
    return {
        "Version": POLICY_VERSION,
        "Statement": [irsa_statement(arn, issuer, subject, subject_patterns) for arn, issuer in providers],
    }


def check_trust_size(field: str, trust: Mapping[str, Any]) -> None:
    clusters = len(trust.get("Statement", []))
    check_size(
        field,
        trust,
        TRUST_POLICY_QUOTA,
        f"the trust policy for {clusters} cluster(s); IAM's default role trust policy quota",
        "use mode='pod_identity' (no trust change per cluster), split the clusters over "
        "several roles, or raise the 'Role trust policy length' quota in Service Quotas "
        "(up to 8,192)",
    )


def check_subject_patterns(field: str, patterns: Any, namespace: str, allow_wildcards: bool) -> list[str]:
    items = check_str_list(field, patterns)
    for index, pattern in enumerate(items):
        check_str(f"{field}[{index}]", pattern)
        prefix = f"system:serviceaccount:{namespace}:"
        if not pattern.startswith(prefix) or len(pattern) == len(prefix):
            raise ValidationError(
                f"{field}[{index}]",
                pattern,
                f"a subject pattern must keep the namespace exact: start with {prefix!r}",
                f"for example {prefix + 'api-*'!r}",
            )
        if not allow_wildcards:
            raise ValidationError(
                f"{field}[{index}]",
                pattern,
                "a StringLike subject lets more than one ServiceAccount assume the role",
                "set allow_wildcards=True to accept it explicitly",
            )
    return items


def assume_target_role_policy(target_role_arn: Any) -> dict[str, Any]:
    """The association role's permission to assume the cross-account target role."""
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {"Effect": "Allow", "Action": list(POD_IDENTITY_ACTIONS), "Resource": target_role_arn}
        ],
    }


# -- permission documents ---------------------------------------------------
def normalize_statements(field: str, statements: Any, allow_wildcards: bool,
                         placeholders: bool = False) -> list[dict[str, Any]]:
    """Check IAM statements and return them with keys in IAM's usual order.

    Values may be Outputs (resource ARNs); they are checked by ``check_statement_values``
    once known.
    """
    items = check_str_list(field, statements) if statements is not None else []
    result = []
    for index, statement in enumerate(items):
        where = f"{field}[{index}]"
        if not isinstance(statement, Mapping):
            raise ValidationError(
                where,
                statement,
                "an IAM statement must be a dict",
                'for example {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::bucket/*"]}',
            )
        for key in statement:
            if key not in STATEMENT_KEYS:
                hint = "an identity policy has no Principal" if key == "Principal" else f"known keys: {', '.join(STATEMENT_KEYS)}"
                raise ValidationError(f"{where}.{key}", statement[key], "is not a key of an IAM identity-policy statement", hint)
        effect = statement.get("Effect", "Allow")
        if effect not in ("Allow", "Deny"):
            raise ValidationError(f"{where}.Effect", effect, "must be 'Allow' or 'Deny'")
        if ("Action" in statement) == ("NotAction" in statement):
            raise ValidationError(where, statement, "needs exactly one of Action or NotAction", "list the actions under 'Action'")
        if ("Resource" in statement) == ("NotResource" in statement):
            raise ValidationError(
                where, statement, "needs exactly one of Resource or NotResource", "list the resource ARNs under 'Resource'"
            )
        normalized = {"Effect": effect}
        if "Sid" in statement:
            sid = statement["Sid"]
            if not isinstance(sid, str) or not re.fullmatch(r"[A-Za-z0-9]*", sid):
                raise ValidationError(f"{where}.Sid", sid, "a Sid holds only letters and digits")
            normalized = {"Sid": sid, "Effect": effect}
        for key in ("Action", "NotAction", "Resource", "NotResource", "Condition"):
            if key in statement:
                normalized[key] = statement[key]
        check_statement_values(where, normalized, allow_wildcards, placeholders)
        result.append(normalized)
    return result


def check_statement_values(where: str, statement: Mapping[str, Any], allow_wildcards: bool,
                           placeholders: bool = False, allow_type_wide: bool = False) -> None:
    """Check actions and (known) resources of one normalized statement.

    In placeholder mode (``pulumi-wid plan``) a value holding a plan placeholder is
    unknown, as an Output is: it is left out of the checks. ``allow_type_wide`` lifts
    only the rule against ARNs naming every resource of one type in an account
    (``arn:aws:ec2:us-east-1:123456789012:volume/*``): what a preset's
    ``account_wide_statements`` need, with their explicit opt-in.
    """
    allow = statement.get("Effect") == "Allow"
    _check_value_types(where, statement)
    if placeholders:
        statement = _placeholders_unknown(statement)
    for key in ("Action", "NotAction"):
        if key not in statement:
            continue
        for index, action in enumerate(_as_list(statement[key])):
            if not isinstance(action, str):
                continue  # an Output: checked when known
            field = f"{where}.{key}[{index}]"
            if action != "*" and not ACTION.fullmatch(action):
                raise ValidationError(field, action, "an IAM action is '<service>:<Action>'", "for example 's3:GetObject'")
            if allow and ("*" in action or "?" in action) and not allow_wildcards:
                raise ValidationError(
                    field,
                    action,
                    "wildcard actions grant more than the workload needs",
                    "list the exact actions, or set allow_wildcards=True to accept it explicitly",
                )
    if allow and not allow_wildcards:
        if "NotAction" in statement or "NotResource" in statement:
            key = "NotAction" if "NotAction" in statement else "NotResource"
            raise ValidationError(
                f"{where}.{key}",
                statement[key],
                f"{key} in an Allow statement grants everything not listed",
                "list what is allowed under Action/Resource, or set allow_wildcards=True",
            )
    # Unknown actions, '*' resources on actions that support resource-level
    # permissions, and ARNs of the wrong resource type: checked against the IAM database.
    knowledge.check_statement(where, statement, allow_wildcards)
    if allow and not allow_wildcards and "Resource" in statement:
        _refuse_wildcard_arns(where, statement, allow_type_wide)


def _check_value_types(where: str, statement: Mapping[str, Any]) -> None:
    """Action/Resource values are strings or Outputs (checked when known); nothing else."""
    for key in ("Action", "NotAction", "Resource", "NotResource"):
        if key not in statement:
            continue
        value = statement[key]
        if isinstance(value, str) or (not isinstance(value, (list, tuple)) and is_unknown(value)):
            continue
        if not isinstance(value, (list, tuple)):
            raise ValidationError(f"{where}.{key}", value, f"{key} is a string or a list of strings")
        if not value:
            raise ValidationError(f"{where}.{key}", value, f"{key} lists nothing", "list at least one value")
        for index, item in enumerate(value):
            if not isinstance(item, str) and not is_unknown(item):
                raise ValidationError(f"{where}.{key}[{index}]", item, f"each {key} is a string (or an Output of one)")


class _PlanUnknown:
    """Stands for a value ``pulumi-wid plan`` shows as a placeholder: skipped like an Output."""

    def __repr__(self) -> str:
        return "<known after deploy>"


def _placeholders_unknown(statement: Mapping[str, Any]) -> dict[str, Any]:
    def swap(value: Any) -> Any:
        if isinstance(value, str) and PLACEHOLDER.search(value):
            return _PlanUnknown()
        if isinstance(value, (list, tuple)):
            return [swap(v) for v in value]
        return value

    return {key: swap(value) if key != "Condition" else value for key, value in statement.items()}


# Not the region: one named resource in every region of one account is a legitimate pattern
# (DynamoDB global tables, multi-region keys), unlike other partitions, services or accounts.
_ARN_FIELDS = {1: "partition", 2: "service", 4: "account"}
_WILDCARDS_ONLY = re.compile(r"[*?/:]*[*?][*?/:]*")


def _refuse_wildcard_arns(where: str, statement: Mapping[str, Any], allow_type_wide: bool = False) -> None:
    """Refuse resource ARNs that a wildcard makes span partitions, services, accounts
    or every resource of a type (``arn:aws:s3:::*``, ``arn:aws:iam::*:role/*``)."""
    resources = _as_list(statement["Resource"])
    if not any(isinstance(r, str) and r != "*" and ("*" in r or "?" in r) for r in resources):
        return  # no wildcard in any ARN: nothing to refuse, no database lookups
    actions = _as_list(statement.get("Action"))
    formats: list[str] = []
    if knowledge.available() and actions and all(isinstance(a, str) and a != "*" for a in actions):
        formats = sorted({f for a in actions for x in knowledge.lookup("Action", a) for f in x.arn_formats})
    for index, resource in enumerate(resources):
        if not isinstance(resource, str) or resource == "*" or ("*" not in resource and "?" not in resource):
            continue  # Outputs are checked when known; '*' by the IAM database check
        parts = _ARN_VARIABLE.sub("\x00", resource).split(":", 5)
        if len(parts) != 6 or parts[0] != "arn":
            continue
        field = f"{where}.Resource[{index}]"
        types = [f for f in formats if knowledge.arn_matches(resource, f)]
        for position, name in _ARN_FIELDS.items():
            value = parts[position]
            if "*" not in value and "?" not in value:
                continue
            if position == 4 and types and not any(t.split(":", 5)[position] for t in types):
                continue  # the resource type has no account field (e.g. S3): a wildcard there matches ''
            raise ValidationError(
                field, resource,
                f"a wildcard in the ARN's {name} field grants the actions on resources of every {name}",
                f"write the {name} out (e.g. {_FIELD_EXAMPLES[name]}), or set allow_wildcards=True to accept it explicitly",
            )
        rest = parts[5]
        prefixes = [t.split(":", 5)[5].split("${", 1)[0] for t in types]
        prefix = max((p for p in prefixes if rest.startswith(p)), key=len, default="")
        if _WILDCARDS_ONLY.fullmatch(rest[len(prefix):]) and not (allow_type_wide and prefix):
            what = f"every {prefix.rstrip('/:')}" if prefix else "every resource"
            raise ValidationError(
                field, resource,
                f"a resource part of only wildcards{f' after {prefix!r}' if prefix else ''} grants the actions on "
                f"{what} of the service in the account",
                "name the resource (e.g. arn:aws:s3:::my-bucket/*, arn:aws:iam::123456789012:role/app-*), "
                "or set allow_wildcards=True to accept it explicitly",
            )


_FIELD_EXAMPLES = {"partition": "aws", "service": "s3", "account": "123456789012"}


def check_managed_policy_arn(field: str, arn: Any, allow_wildcards: bool) -> None:
    check_str(field, arn)
    if not POLICY_ARN.fullmatch(arn):
        raise ValidationError(
            field, arn, "must be an IAM policy ARN: arn:<partition>:iam::<account or aws>:policy/<name>"
        )
    name = arn.rsplit("/", 1)[-1]
    if name in BROAD_MANAGED_POLICIES and not allow_wildcards:
        raise ValidationError(
            field,
            arn,
            f"{name} grants nearly every action on every resource",
            "attach a policy scoped to what the workload uses, or set allow_wildcards=True",
        )


def split_policies(statements: Sequence[Mapping[str, Any]], limit: int = MANAGED_POLICY_LIMIT,
                   unknown_size: int = 128) -> list[list[dict[str, Any]]]:
    """Statements grouped, in order, into as few documents under ``limit`` characters as a greedy fill gives.

    A value only known at deploy time (an Output) counts as ``unknown_size`` characters; the
    component checks each document's real size again once every value is known. One
    statement over the limit on its own is refused.
    """
    def size(items: list[dict[str, Any]]) -> int:
        return len(compact_json(permission_policy([_sized(s, unknown_size) for s in items])))

    groups: list[list[dict[str, Any]]] = []
    for index, statement in enumerate(statements):
        if groups and size([*groups[-1], dict(statement)]) <= limit:
            groups[-1].append(dict(statement))
            continue
        if size([dict(statement)]) > limit:
            raise ValidationError(
                f"Statement[{index}]", f"{size([dict(statement)])} characters",
                f"one statement is over the {limit}-character limit of a managed policy",
                "list fewer resources in it, or use ARN prefixes ending in '*'",
            )
        groups.append([dict(statement)])
    return groups


def _sized(value: Any, unknown_size: int) -> Any:
    if isinstance(value, Mapping):
        return {k: _sized(v, unknown_size) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_sized(v, unknown_size) for v in value]
    return "?" * unknown_size if is_unknown(value) else value


def permission_policy(statements: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {"Version": POLICY_VERSION, "Statement": [dict(s) for s in statements]}


def _one_or_list(values: Sequence[str]) -> Any:
    return values[0] if len(values) == 1 else list(values)


def role_description(namespace: str, service_account: str, cluster: str | None = None) -> str:
    where = f" in cluster {cluster}" if cluster else ""
    return f"Workload identity for Kubernetes ServiceAccount {namespace}/{service_account}{where} (pulumi-wid)"


def target_role_description(namespace: str, service_account: str) -> str:
    return (f"Workload identity for Kubernetes ServiceAccount {namespace}/{service_account} through EKS Pod "
            "Identity role chaining (pulumi-wid)")
