"""CrossGuard rules for workload identities, pure: no Pulumi, no policy SDK, no cloud SDK.

Each rule is a plain function ``validate(resource_type, props) -> list[str]``
over a resource's type token and its properties as the Pulumi policy SDK hands
them over (camelCase keys; JSON policy documents as strings or as dicts). Every
message it returns says what is wrong and how to fix it. ``RULES`` lists them and
``check`` runs them all; ``pulumi_wid.policy.pack`` adapts them to ``pulumi_policy``.
The rules are listed in ``pulumi_wid.policy``'s docstring.
"""


from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .. import _statements as iam
from ..aws import facts as aws
from ..aws import knowledge
from ..azure import facts as azure
from ..gcp import facts as gcp

MANDATORY = "mandatory"
ADVISORY = "advisory"

AZURE_AUDIENCE = azure.AUDIENCE
WORKLOAD_IDENTITY_USER = gcp.WORKLOAD_IDENTITY_USER
BASIC_ROLES = gcp.BASIC_ROLES
OWNER_GUID = azure.BUILTIN_ROLES["Owner"]
CONTRIBUTOR_GUID = azure.BUILTIN_ROLES["Contributor"]
BROAD_AZURE_ROLES = {OWNER_GUID: "Owner", CONTRIBUTOR_GUID: "Contributor"}
POD_IDENTITY_SERVICE = aws.POD_IDENTITY_PRINCIPAL
EKS_OIDC_MARKER = aws.EKS_OIDC_MARKER
SA_PREFIX = "system:serviceaccount:"
_SESSION_TAGS_LOWER = frozenset(tag.lower() for tag in aws.SESSION_TAGS)  # condition keys are case-insensitive

_DNS_LABEL = r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?"
_DNS_SUBDOMAIN = rf"{_DNS_LABEL}(?:\.{_DNS_LABEL})*"
SA_SUBJECT = re.compile(rf"^system:serviceaccount:(?P<ns>{_DNS_LABEL}):(?P<sa>{_DNS_SUBDOMAIN})$")
WORKLOAD_MEMBER = re.compile(
    rf"^serviceAccount:(?P<pool>[a-z][-a-z0-9.:]*\.svc\.id\.goog)\[(?P<ns>{_DNS_LABEL})/(?P<ksa>{_DNS_SUBDOMAIN})\]$"
)

# Where each resource type keeps its IAM documents (property paths; "[]" walks a list).
TRUST_DOCUMENTS: dict[str, tuple[str, ...]] = {
    aws.ROLE: ("assumeRolePolicy",),
    "aws-native:iam:Role": ("assumeRolePolicyDocument",),
}
PERMISSION_DOCUMENTS: dict[str, tuple[str, ...]] = {
    aws.POLICY: ("policy",),
    aws.ROLE_POLICY: ("policy",),
    aws.USER_POLICY: ("policy",),
    aws.GROUP_POLICY: ("policy",),
    aws.ROLE: ("inlinePolicies[].policy",),
    aws.POD_IDENTITY_ASSOCIATION: ("policy",),
    "aws-native:iam:Role": ("policies[].policyDocument",),
    "aws-native:iam:ManagedPolicy": ("policyDocument",),
    "aws-native:iam:RolePolicy": ("policyDocument",),
}
STATIC_CREDENTIALS: dict[str, tuple[str, str]] = {
    # type token: (what it creates, what to use instead)
    aws.ACCESS_KEY: (
        "a long-lived IAM access key",
        "give the workload an IAM role it assumes instead (EksPodIdentity: EKS Pod Identity or IRSA)",
    ),
    aws.SERVICE_SPECIFIC_CREDENTIAL: (
        "a long-lived service-specific password",
        "give the workload an IAM role it assumes instead (EksPodIdentity)",
    ),
    gcp.SERVICE_ACCOUNT_KEY: (
        "a Google service account key",
        "use GKE Workload Identity instead (GkeWorkloadIdentity), which needs no key",
    ),
    gcp.HMAC_KEY: (
        "an HMAC key for a service account",
        "use GKE Workload Identity and the Cloud Storage JSON API instead (GkeWorkloadIdentity)",
    ),
    "azuread:index/applicationPassword:ApplicationPassword": (
        "a client secret of an Entra ID application",
        "use a user-assigned managed identity with a federated credential instead (AksFederatedIdentity)",
    ),
    "azuread:index/servicePrincipalPassword:ServicePrincipalPassword": (
        "a service principal password",
        "use a user-assigned managed identity with a federated credential instead (AksFederatedIdentity)",
    ),
}
_AZURE_FIC = re.compile(r"^azure-native:managedidentity(/v[0-9a-z]+)?:FederatedIdentityCredential$")
_AZURE_ROLE_ASSIGNMENT = re.compile(r"^azure-native:authorization(/v[0-9a-z]+)?:RoleAssignment$")
# IAMMember and IamMember spellings both occur (gcp:secretmanager/secretIamMember:SecretIamMember).
_GCP_IAM = re.compile(r"^gcp:[A-Za-z0-9]+/[A-Za-z0-9]*:[A-Za-z0-9]*I(?:AM|am)(?P<kind>Member|Binding|Policy)$")
_GCP_PARENT_IAM = re.compile(r"^gcp:(projects|folder|organizations)/iAM(Member|Binding|Policy):IAM(Member|Binding|Policy)$")


@dataclass(frozen=True)
class Rule:
    """One CrossGuard rule: a name, what it enforces and a plain validate function."""

    name: str
    description: str
    enforcement: str
    """"mandatory" or "advisory"."""
    validate: Callable[[str, Mapping[str, Any]], list[str]]
    """``validate(resource_type, props)``: the violation messages (empty when compliant)."""
    remediation: str


# -- reading props as the policy SDK gives them ---------------------------------
class Unknown:
    """Stands for a value not known yet (during preview); rules skip what they cannot see."""

    def __repr__(self) -> str:
        return "<unknown>"


UNKNOWN = Unknown()


def plain(value: Any) -> Any:
    """Props (the SDK's read-only mappings and sequences, ``Secret`` wrappers) as plain dicts and lists.

    A value the SDK cannot give yet (it raises ``UnknownValueError`` when read)
    becomes ``UNKNOWN``, so one unknown property does not hide the others.
    """
    if type(value).__name__ == "Secret" and hasattr(value, "value"):
        value = value.value
    if isinstance(value, (str, bytes, Unknown)):
        return value
    if isinstance(value, Mapping):
        return {str(k): plain(_read(value, k)) for k in value}
    if isinstance(value, Sequence):
        return [plain(_read(value, i)) for i in range(len(value))]
    return value


def _read(container: Any, key: Any) -> Any:
    try:
        return container[key]
    except Exception as error:  # pulumi_policy's UnknownValueError, without importing the SDK
        if type(error).__name__ == "UnknownValueError":
            return UNKNOWN
        raise


def document(value: Any) -> dict[str, Any] | None:
    """An IAM policy document from a JSON string or a dict; None when absent or not a document."""
    return iam.parse_document(plain(value))


statements = iam.statements


def _unknown(value: Any) -> bool:
    if isinstance(value, Unknown):
        return True
    if isinstance(value, list):
        return any(_unknown(v) for v in value)
    return False


_values = iam.as_list


def _at(props: Mapping[str, Any], path: str) -> Iterator[tuple[str, Any]]:
    """Values at ``path`` ("a", "a[].b") with their display path."""
    head, _, rest = path.partition("[].")
    value = props.get(head) if isinstance(props, Mapping) else None
    if value is None:
        return
    if not rest:
        yield head, value
        return
    for index, item in enumerate(_values(plain(value))):
        if isinstance(item, Mapping) and item.get(rest) is not None:
            yield f"{head}[{index}].{rest}", item[rest]


def _documents(table: Mapping[str, tuple[str, ...]], resource_type: str, props: Mapping[str, Any]):
    for path in table.get(resource_type, ()):
        for where, raw in _at(props, path):
            yield where, document(raw)


_allows = iam.allows
_conditions = iam.conditions
_pins = iam.pins
_grants_action = iam.grants_action
_wildcard_principal = iam.wildcard_principal


def _federated(statement: Mapping[str, Any]) -> list[str]:
    return iam.principals(statement, "Federated")


def _services(statement: Mapping[str, Any]) -> list[str]:
    return iam.principals(statement, "Service")


def _eks_issuers(statement: Mapping[str, Any]) -> list[str]:
    return [arn.split("oidc-provider/", 1)[1] for arn in _federated(statement) if EKS_OIDC_MARKER in arn]


def _oidc_issuers(statement: Mapping[str, Any]) -> list[str]:
    """Every IAM OIDC provider the statement trusts (EKS, a foreign cluster, CI): its name, the keys' prefix."""
    return [arn.split(":oidc-provider/", 1)[1] for arn in _federated(statement)
            if isinstance(arn, str) and ":oidc-provider/" in arn]


# -- mandatory rules ----------------------------------------------------------------
def check_irsa_trust(resource_type: str, props: Mapping[str, Any]) -> list[str]:
    """IRSA-style trust without a ``:sub`` or an ``:aud`` condition on the EKS issuer."""
    messages = []
    for where, doc in _documents(TRUST_DOCUMENTS, resource_type, props):
        for index, statement in enumerate(statements(doc)):
            if statement.get("Effect") != "Allow" or not _grants_action(statement, "sts:AssumeRoleWithWebIdentity"):
                continue
            if _wildcard_principal(statement):
                messages.append(
                    f"{where} Statement[{index}] trusts Principal '*' for sts:AssumeRoleWithWebIdentity: a token "
                    "from any identity provider the account federates (every cluster's OIDC provider) can "
                    "assume this role. "
                    'Fix: name the cluster\'s provider, "Principal": {"Federated": "arn:aws:iam::<account>:'
                    'oidc-provider/<issuer>"}, with StringEquals on its :sub and :aud '
                    "(EksPodIdentity with mode='irsa' builds this trust)."
                )
                continue
            keys = {key for operator, key, _ in _conditions(statement) if _pins(operator)}
            eks = set(_eks_issuers(statement))
            for issuer in _oidc_issuers(statement):  # EKS, and foreign issuers (any cluster, CI): issue 16
                missing = [part for part in ("sub", "aud") if f"{issuer}:{part}".lower() not in keys]
                if not missing:
                    continue
                what = " and ".join(f"'{issuer}:{part}'" for part in missing)
                if "sub" not in missing:
                    risk = "tokens minted for other audiences are accepted"
                elif issuer in eks:
                    risk = "every pod of the cluster, in any namespace, can assume this role"
                else:
                    risk = ("every token the issuer mints (every pod of the cluster, or every repository and "
                            "pipeline of the CI system) can assume this role")
                subject = "system:serviceaccount:<namespace>:<serviceaccount>" if issuer in eks else "<the exact subject>"
                messages.append(
                    f"{where} Statement[{index}] trusts the {'EKS ' if issuer in eks else ''}OIDC provider {issuer} for "
                    f"sts:AssumeRoleWithWebIdentity without a StringEquals condition on {what}: {risk}. "
                    f'Fix: add "Condition": {{"StringEquals": {{"{issuer}:sub": '
                    f'"{subject}", "{issuer}:aud": "{aws.IRSA_AUDIENCE}"}}}} '
                    + ("(EksPodIdentity with mode='irsa' builds this trust)." if issuer in eks
                       else "(AwsFederatedRole builds this trust).")
                )
    return messages


def namespace_wildcard(value: str) -> bool:
    """Whether a StringLike ``sub`` pattern can match more than one namespace."""
    wild = re.search(r"[*?]", value)
    if not wild:
        return False
    if not value.startswith(SA_PREFIX):
        return wild.start() <= len(SA_PREFIX)  # "*", "system:*", "system:serviceaccount*"
    rest = value[len(SA_PREFIX):]
    namespace = rest.split(":", 1)[0]
    return "*" in namespace or "?" in namespace


def check_sub_namespace_wildcard(resource_type: str, props: Mapping[str, Any]) -> list[str]:
    """A ``sub`` condition whose pattern covers several namespaces."""
    messages = []
    for where, doc in _documents(TRUST_DOCUMENTS, resource_type, props):
        for index, statement in enumerate(statements(doc)):
            if statement.get("Effect") != "Allow":
                continue
            eks = bool(_eks_issuers(statement))
            for operator, key, values in _conditions(statement):
                base = operator.split(":")[-1]
                if not key.endswith(":sub") or "Like" not in base or "Not" in base:
                    continue
                for value in values:
                    if not isinstance(value, str) or not (eks or value.startswith("system:")):
                        continue
                    if namespace_wildcard(value):
                        messages.append(
                            f"{where} Statement[{index}] lets {value!r} ({operator} on {key}) assume the role: "
                            "the wildcard covers every namespace, so anyone who can create a ServiceAccount "
                            "in any namespace gets the role. Fix: pin the namespace, e.g. StringEquals "
                            f'"{key}": "system:serviceaccount:<namespace>:<serviceaccount>" (a wildcard, '
                            "if needed at all, only after the namespace: system:serviceaccount:<namespace>:api-*)."
                        )
    return messages


def check_azure_fic(resource_type: str, props: Mapping[str, Any]) -> list[str]:
    """A managed identity's federated credential must be exact: audience and ServiceAccount subject."""
    if not _AZURE_FIC.match(resource_type):
        return []
    messages = []
    audiences = plain(props.get("audiences"))
    if not _unknown(audiences) and audiences != [AZURE_AUDIENCE]:
        messages.append(
            f"federated identity credential audiences are {audiences!r}: Azure AD workload identity "
            f"exchanges tokens only for the audience {AZURE_AUDIENCE!r}, and any other audience widens "
            f'who may present a token. Fix: set audiences=["{AZURE_AUDIENCE}"] exactly.'
        )
    subject = plain(props.get("subject"))
    if not _unknown(subject) and (not isinstance(subject, str) or not SA_SUBJECT.match(subject)):
        messages.append(
            f"federated identity credential subject {subject!r} is not one Kubernetes ServiceAccount. "
            "Fix: set subject='system:serviceaccount:<namespace>:<serviceaccount>' with the exact namespace "
            "and ServiceAccount names (no wildcards; AksFederatedIdentity builds it). If this credential "
            "is for a non-Kubernetes workload, disable wid-azure-fic-exact for this stack."
        )
    return messages


def _gcp_bindings(resource_type: str, props: Mapping[str, Any]) -> list[tuple[str, str, list[str]]]:
    """(where, role, members) of a GCP IAM member, binding or policy resource."""
    match = _GCP_IAM.match(resource_type)
    if not match:
        return []
    kind = match.group("kind")
    if kind == "Member":
        return [("member", str(plain(props.get("role"))), [plain(props.get("member"))])]
    if kind == "Binding":
        return [("members", str(plain(props.get("role"))), _values(plain(props.get("members"))))]
    data = document(props.get("policyData"))
    found = []
    for index, binding in enumerate((data or {}).get("bindings") or []):
        if isinstance(binding, Mapping):
            found.append((f"policyData.bindings[{index}]", str(binding.get("role")), _values(binding.get("members"))))
    return found


def check_workload_identity_user(resource_type: str, props: Mapping[str, Any]) -> list[str]:
    """``roles/iam.workloadIdentityUser`` only to one exact ``serviceAccount:<pool>[<ns>/<ksa>]``."""
    messages = []
    for where, role, members in _gcp_bindings(resource_type, props):
        if role != WORKLOAD_IDENTITY_USER:
            continue
        if _GCP_PARENT_IAM.match(resource_type):
            messages.append(
                f"{WORKLOAD_IDENTITY_USER} is granted on a whole {resource_type.split(':')[1].split('/')[0]} "
                f"({where}): the members may impersonate every service account in it. Fix: grant it on the "
                "one Google service account with gcp.serviceaccount.IAMMember (GkeWorkloadIdentity does)."
            )
            continue
        for member in members:
            if _unknown(member) or (isinstance(member, str) and WORKLOAD_MEMBER.match(member)):
                continue
            messages.append(
                f"{WORKLOAD_IDENTITY_USER} is granted to {member!r} ({where}), which is not one Kubernetes "
                "ServiceAccount. Fix: grant it to exactly 'serviceAccount:<project>.svc.id.goog[<namespace>/"
                "<serviceaccount>]', one gcp.serviceaccount.IAMMember per ServiceAccount (GkeWorkloadIdentity "
                "does this)."
            )
    return messages


def check_static_credentials(resource_type: str, props: Mapping[str, Any]) -> list[str]:
    """Long-lived secrets where a workload identity would do."""
    found = STATIC_CREDENTIALS.get(resource_type)
    if found is None:
        return []
    what, instead = found
    return [f"{resource_type} creates {what}, a secret that can leak and does not expire. Fix: {instead}."]


# -- advisory rules --------------------------------------------------------------------
def check_pod_identity_tag_session(resource_type: str, props: Mapping[str, Any]) -> list[str]:
    messages = []
    for where, doc in _documents(TRUST_DOCUMENTS, resource_type, props):
        for index, statement in enumerate(statements(doc)):
            if statement.get("Effect") != "Allow" or POD_IDENTITY_SERVICE not in _services(statement):
                continue
            if not _allows(statement.get("Action"), "sts:TagSession"):
                messages.append(
                    f"{where} Statement[{index}] trusts {POD_IDENTITY_SERVICE} without sts:TagSession: "
                    "EKS Pod Identity tags every session (kubernetes-namespace, kubernetes-service-account, ...) "
                    'and the assumption fails without it. Fix: "Action": ["sts:AssumeRole", "sts:TagSession"].'
                )
    return messages


def check_pod_identity_session_tags(resource_type: str, props: Mapping[str, Any]) -> list[str]:
    """A Pod Identity trust that requires a request tag EKS never sets: no pod can assume the role.

    The session tags pinned by ``pin_trust_to_service_account`` (eks-cluster-arn,
    kubernetes-namespace, ...) are the ones EKS sets, so a pinned trust passes.
    """
    messages = []
    for where, doc in _documents(TRUST_DOCUMENTS, resource_type, props):
        for index, statement in enumerate(statements(doc)):
            if statement.get("Effect") != "Allow" or POD_IDENTITY_SERVICE not in _services(statement):
                continue
            for operator, key, _values in _conditions(statement):
                if not key.startswith("aws:requesttag/") or not _pins(operator):
                    continue
                tag = key[len("aws:requesttag/"):]
                if tag not in _SESSION_TAGS_LOWER:
                    messages.append(
                        f"{where} Statement[{index}] requires the request tag {tag!r} ({operator}), which EKS Pod "
                        f"Identity never sets: no pod can assume this role. Fix: condition on the session tags "
                        f"EKS sets ({', '.join(aws.SESSION_TAGS)}), e.g. with pin_trust_to_service_account=True."
                    )
    return messages


def check_gcp_basic_roles(resource_type: str, props: Mapping[str, Any]) -> list[str]:
    return [
        f"{role} is a basic role ({where}): it grants thousands of permissions on everything in the "
        "project. Fix: grant a predefined role on the resource the workload uses, e.g. "
        "roles/storage.objectViewer on one bucket (GkeWorkloadIdentity bindings)."
        for where, role, _members in _gcp_bindings(resource_type, props)
        if role in BASIC_ROLES
    ]


def check_azure_broad_roles(resource_type: str, props: Mapping[str, Any]) -> list[str]:
    role = None
    if _AZURE_ROLE_ASSIGNMENT.match(resource_type):
        definition = plain(props.get("roleDefinitionId"))
        guid = str(definition or "").rstrip("/").rsplit("/", 1)[-1].lower()
        role = BROAD_AZURE_ROLES.get(guid)
    elif resource_type == "azure:authorization/assignment:Assignment":
        definition = str(plain(props.get("roleDefinitionId")) or "").rstrip("/").rsplit("/", 1)[-1].lower()
        name = plain(props.get("roleDefinitionName"))
        role = BROAD_AZURE_ROLES.get(definition) or (name if name in ("Owner", "Contributor") else None)
    if role is None:
        return []
    return [
        f"role assignment of {role} at {plain(props.get('scope'))!r}: {role} can change (Contributor) or "
        "even re-grant (Owner) every resource in the scope. Fix: assign a data-plane role scoped to the "
        "one resource, e.g. 'Storage Blob Data Reader' on a storage account (AksFederatedIdentity "
        "role_assignments)."
    ]


def check_iam_wildcards(resource_type: str, props: Mapping[str, Any]) -> list[str]:
    messages = []
    for where, doc in _documents(PERMISSION_DOCUMENTS, resource_type, props):
        for index, statement in enumerate(statements(doc)):
            if statement.get("Effect") != "Allow":
                continue
            at = f"{where} Statement[{index}]"
            actions = _values(statement.get("Action"))
            wild = [a for a in actions if isinstance(a, str) and ("*" in a or "?" in a)]
            if wild:
                messages.append(
                    f"{at} allows the wildcard action(s) {', '.join(wild)}. "
                    "Fix: list the exact actions the workload calls."
                )
            if "NotAction" in statement or "NotResource" in statement:
                messages.append(
                    f"{at} uses NotAction/NotResource in an Allow statement, which grants everything not "
                    "listed. Fix: list what is allowed under Action and Resource."
                )
            if "*" in _values(statement.get("Resource")):
                scoped = _resource_level(actions)
                if scoped:
                    messages.append(
                        f"{at} grants {', '.join(scoped)} on Resource '*', every resource in the account. "
                        "Fix: list the resource ARNs; keep only actions without resource-level "
                        "permissions (e.g. sts:GetCallerIdentity) on '*'."
                    )
    return messages


def _resource_level(actions: Sequence[Any]) -> list[str]:
    """Actions that support resource-level permissions (all of them when the IAM database is missing).

    ``aws.knowledge`` needs no cloud SDK, so the pack reads the database with or without pulumi_aws.
    """
    return knowledge.resource_level_actions(actions)


RULES: tuple[Rule, ...] = (
    Rule(
        "wid-irsa-trust-pins-subject",
        "A web-identity trust (sts:AssumeRoleWithWebIdentity from an IAM OIDC provider: EKS, another cluster, CI) "
        "must pin <issuer>:sub and <issuer>:aud.",
        MANDATORY,
        check_irsa_trust,
        "Add StringEquals conditions on <issuer>:sub = system:serviceaccount:<ns>:<sa> and <issuer>:aud = sts.amazonaws.com.",
    ),
    Rule(
        "wid-trust-subject-namespace-exact",
        "A web-identity trust's sub condition must not use a wildcard over namespaces.",
        MANDATORY,
        check_sub_namespace_wildcard,
        "Pin the namespace in the sub condition: system:serviceaccount:<namespace>:<serviceaccount>.",
    ),
    Rule(
        "wid-azure-fic-exact",
        f"A managed identity's federated credential must have the audience {AZURE_AUDIENCE} and a "
        "system:serviceaccount:<ns>:<sa> subject.",
        MANDATORY,
        check_azure_fic,
        f'Set audiences=["{AZURE_AUDIENCE}"] and subject=system:serviceaccount:<ns>:<sa>.',
    ),
    Rule(
        "wid-gcp-workload-identity-user-exact",
        "roles/iam.workloadIdentityUser must be granted on one service account to exactly one "
        "serviceAccount:<pool>[<ns>/<ksa>].",
        MANDATORY,
        check_workload_identity_user,
        "Grant it with gcp.serviceaccount.IAMMember to serviceAccount:<project>.svc.id.goog[<ns>/<ksa>].",
    ),
    Rule(
        "wid-no-static-credentials",
        "No long-lived credentials (IAM access keys, service account keys, application or service principal "
        "passwords) where a workload identity does the job.",
        MANDATORY,
        check_static_credentials,
        "Use EksPodIdentity, GkeWorkloadIdentity or AksFederatedIdentity instead of a stored secret.",
    ),
    Rule(
        "wid-pod-identity-trust-tag-session",
        "An EKS Pod Identity trust should allow sts:TagSession as well as sts:AssumeRole.",
        ADVISORY,
        check_pod_identity_tag_session,
        'Use "Action": ["sts:AssumeRole", "sts:TagSession"] for the pods.eks.amazonaws.com principal.',
    ),
    Rule(
        "wid-pod-identity-trust-session-tags",
        "An EKS Pod Identity trust may require only the session tags EKS sets (eks-cluster-arn, "
        "eks-cluster-name, kubernetes-namespace, kubernetes-service-account, kubernetes-pod-name, kubernetes-pod-uid).",
        ADVISORY,
        check_pod_identity_session_tags,
        "Condition on aws:RequestTag/<one of those tags>, or use pin_trust_to_service_account=True.",
    ),
    Rule(
        "wid-gcp-no-basic-roles",
        "GCP basic roles (roles/owner, roles/editor, roles/viewer) grant far more than a workload needs.",
        ADVISORY,
        check_gcp_basic_roles,
        "Grant a predefined role on the one resource the workload uses.",
    ),
    Rule(
        "wid-azure-no-owner-contributor",
        "Owner and Contributor role assignments grant control of every resource in their scope.",
        ADVISORY,
        check_azure_broad_roles,
        "Assign a data-plane role scoped to the one resource the workload uses.",
    ),
    Rule(
        "wid-iam-no-wildcards",
        'IAM statements should not allow "*" actions, nor "*" resources for actions that support '
        "resource-level permissions.",
        ADVISORY,
        check_iam_wildcards,
        "List the exact actions and the resource ARNs.",
    ),
)


def check(resource_type: str, props: Mapping[str, Any], rules: Sequence[Rule] = RULES) -> list[tuple[str, str]]:
    """Run every rule on one resource: ``[(rule name, message), ...]``."""
    props = plain(props)
    return [(rule.name, message) for rule in rules for message in rule.validate(resource_type, props)]
