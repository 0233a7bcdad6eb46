"""CrossGuard rules for workload identities, for any stack (not only this package's).

Each rule is a plain function ``validate(resource_type, props) -> list[str]``
over a resource's type token and its properties as the Pulumi policy SDK hands
them over (camelCase keys; JSON policy documents as strings or as dicts). Every
message it returns says what is wrong and how to fix it. ``RULES`` lists them,
``check`` runs them all, ``resource_policies`` wraps them as
``pulumi_policy.ResourceValidationPolicy`` objects and ``policy_pack`` builds
the pack (the ``policy/`` folder of this repository does that)::

    pulumi preview --policy-pack policy/

Mandatory (block the deployment):

- ``wid-irsa-trust-pins-subject``: a trust that lets an EKS OIDC provider call
  ``sts:AssumeRoleWithWebIdentity`` must pin ``<issuer>:sub`` and ``<issuer>:aud``;
- ``wid-trust-subject-namespace-exact``: no wildcard over namespaces in a ``sub``
  condition (``system:serviceaccount:*:api``);
- ``wid-azure-fic-exact``: a managed identity's federated credential has the
  audience ``["api://AzureADTokenExchange"]`` and the subject
  ``system:serviceaccount:<ns>:<sa>``;
- ``wid-gcp-workload-identity-user-exact``: ``roles/iam.workloadIdentityUser`` is
  granted on a service account to exactly ``serviceAccount:<pool>[<ns>/<ksa>]``;
- ``wid-no-static-credentials``: no access keys, service-account keys or
  application / service principal passwords.

Advisory (reported, not blocking):

- ``wid-pod-identity-trust-tag-session``: a Pod Identity trust allows ``sts:TagSession``;
- ``wid-gcp-no-basic-roles``: no ``roles/owner``, ``roles/editor``, ``roles/viewer``;
- ``wid-azure-no-owner-contributor``: no Owner or Contributor role assignments;
- ``wid-iam-no-wildcards``: no ``"*"`` in IAM statement actions, nor a ``"*"``
  resource for actions that support resource-level permissions.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from pulumi_policy import PolicyPack, ResourceValidationPolicy

MANDATORY = "mandatory"
ADVISORY = "advisory"

AZURE_AUDIENCE = "api://AzureADTokenExchange"
WORKLOAD_IDENTITY_USER = "roles/iam.workloadIdentityUser"
BASIC_ROLES = ("roles/owner", "roles/editor", "roles/viewer")
OWNER_GUID = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
CONTRIBUTOR_GUID = "b24988ac-6180-42a0-ab88-20f7382dd24c"
BROAD_AZURE_ROLES = {OWNER_GUID: "Owner", CONTRIBUTOR_GUID: "Contributor"}
POD_IDENTITY_SERVICE = "pods.eks.amazonaws.com"
EKS_OIDC_MARKER = "oidc-provider/oidc.eks."
SA_PREFIX = "system:serviceaccount:"

_DNS_LABEL = r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?"
_DNS_SUBDOMAIN = rf"{_DNS_LABEL}(?:\.{_DNS_LABEL})*"
SA_SUBJECT = re.compile(rf"^system:serviceaccount:(?P<ns>{_DNS_LABEL}):(?P<sa>{_DNS_SUBDOMAIN})$")
WORKLOAD_MEMBER = re.compile(
    rf"^serviceAccount:(?P<pool>[a-z][-a-z0-9.:]*\.svc\.id\.goog)\[(?P<ns>{_DNS_LABEL})/(?P<ksa>{_DNS_SUBDOMAIN})\]$"
)

# Where each resource type keeps its IAM documents (property paths; "[]" walks a list).
TRUST_DOCUMENTS: dict[str, tuple[str, ...]] = {
    "aws:iam/role:Role": ("assumeRolePolicy",),
    "aws-native:iam:Role": ("assumeRolePolicyDocument",),
}
PERMISSION_DOCUMENTS: dict[str, tuple[str, ...]] = {
    "aws:iam/policy:Policy": ("policy",),
    "aws:iam/rolePolicy:RolePolicy": ("policy",),
    "aws:iam/userPolicy:UserPolicy": ("policy",),
    "aws:iam/groupPolicy:GroupPolicy": ("policy",),
    "aws:iam/role:Role": ("inlinePolicies[].policy",),
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": ("policy",),
    "aws-native:iam:Role": ("policies[].policyDocument",),
    "aws-native:iam:ManagedPolicy": ("policyDocument",),
    "aws-native:iam:RolePolicy": ("policyDocument",),
}
STATIC_CREDENTIALS: dict[str, tuple[str, str]] = {
    # type token: (what it creates, what to use instead)
    "aws:iam/accessKey:AccessKey": (
        "a long-lived IAM access key",
        "give the workload an IAM role it assumes instead (EksPodIdentity: EKS Pod Identity or IRSA)",
    ),
    "aws:iam/serviceSpecificCredential:ServiceSpecificCredential": (
        "a long-lived service-specific password",
        "give the workload an IAM role it assumes instead (EksPodIdentity)",
    ),
    "gcp:serviceaccount/key:Key": (
        "a Google service account key",
        "use GKE Workload Identity instead (GkeWorkloadIdentity), which needs no key",
    ),
    "gcp:storage/hmacKey:HmacKey": (
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
    value = plain(value)
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    return value if isinstance(value, dict) else None


def statements(doc: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The statements of a document (``Statement`` may be one dict or a list)."""
    if not doc:
        return []
    found = doc.get("Statement")
    if isinstance(found, Mapping):
        return [dict(found)]
    if isinstance(found, list):
        return [s for s in found if isinstance(s, dict)]
    return []


def _unknown(value: Any) -> bool:
    if isinstance(value, Unknown):
        return True
    if isinstance(value, list):
        return any(_unknown(v) for v in value)
    return False


def _values(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


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


def _allows(action_value: Any, wanted: str) -> bool:
    """Whether an Action value (string or list, with IAM wildcards) covers ``wanted``."""
    return any(
        isinstance(a, str) and fnmatch.fnmatchcase(wanted.lower(), a.lower()) for a in _values(action_value)
    )


def _conditions(statement: Mapping[str, Any]) -> list[tuple[str, str, list[Any]]]:
    """(operator, lower-case key, values) of a statement's Condition block."""
    found = []
    condition = statement.get("Condition")
    if isinstance(condition, Mapping):
        for operator, block in condition.items():
            if isinstance(block, Mapping):
                for key, values in block.items():
                    found.append((str(operator), str(key).lower(), _values(values)))
    return found


def _pins(operator: str) -> bool:
    """A condition operator that requires the key to have one of the values."""
    base = operator.split(":")[-1]
    return base.startswith("String") and "Not" not in base and not base.endswith("IfExists")


def _federated(statement: Mapping[str, Any]) -> list[str]:
    principal = statement.get("Principal")
    if not isinstance(principal, Mapping):
        return []
    return [p for p in _values(principal.get("Federated")) if isinstance(p, str)]


def _services(statement: Mapping[str, Any]) -> list[str]:
    principal = statement.get("Principal")
    if not isinstance(principal, Mapping):
        return []
    return [p for p in _values(principal.get("Service")) if isinstance(p, str)]


def _eks_issuers(statement: Mapping[str, Any]) -> list[str]:
    return [arn.split("oidc-provider/", 1)[1] for arn in _federated(statement) if EKS_OIDC_MARKER in arn]


def _grants_action(statement: Mapping[str, Any], wanted: str) -> bool:
    """Whether an Allow statement's Action (wildcards included) or NotAction (anything not listed) covers ``wanted``."""
    if "NotAction" in statement:
        return not _allows(statement.get("NotAction"), wanted)
    return _allows(statement.get("Action"), wanted)


def _wildcard_principal(statement: Mapping[str, Any]) -> bool:
    """``"Principal": "*"``, or ``"*"`` as one of its principals (``{"Federated": "*"}``)."""
    principal = statement.get("Principal")
    if principal == "*":
        return True
    if isinstance(principal, Mapping):
        return any(p == "*" for values in principal.values() for p in _values(values))
    return False


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
            for issuer in _eks_issuers(statement):
                missing = [part for part in ("sub", "aud") if f"{issuer}:{part}".lower() not in keys]
                if not missing:
                    continue
                what = " and ".join(f"'{issuer}:{part}'" for part in missing)
                risk = (
                    "every pod of the cluster, in any namespace, can assume this role"
                    if "sub" in missing
                    else "tokens minted for other audiences are accepted"
                )
                messages.append(
                    f"{where} Statement[{index}] trusts the EKS OIDC provider {issuer} for "
                    f"sts:AssumeRoleWithWebIdentity without a StringEquals condition on {what}: {risk}. "
                    f'Fix: add "Condition": {{"StringEquals": {{"{issuer}:sub": '
                    f'"system:serviceaccount:<namespace>:<serviceaccount>", "{issuer}:aud": "sts.amazonaws.com"}}}} '
                    "(EksPodIdentity with mode='irsa' builds this trust)."
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
    """Actions that support resource-level permissions (all of them when that cannot be told)."""
    try:
        from .aws import knowledge
    except ImportError:
        return [a for a in actions if isinstance(a, str)]
    return knowledge.resource_level_actions(actions)


RULES: tuple[Rule, ...] = (
    Rule(
        "wid-irsa-trust-pins-subject",
        "An IRSA trust (sts:AssumeRoleWithWebIdentity from an EKS OIDC provider) must pin <issuer>:sub and <issuer>:aud.",
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
        "A managed identity's federated credential must have the audience api://AzureADTokenExchange and a "
        "system:serviceaccount:<ns>:<sa> subject.",
        MANDATORY,
        check_azure_fic,
        'Set audiences=["api://AzureADTokenExchange"] and subject=system:serviceaccount:<ns>:<sa>.',
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


# -- the pulumi_policy side -------------------------------------------------------------
def resource_policies(
    rules: Sequence[Rule] = RULES, enforcement: Mapping[str, str] | None = None
) -> list[ResourceValidationPolicy]:
    """The rules as ``pulumi_policy.ResourceValidationPolicy`` objects.

    ``enforcement`` overrides a rule's level by name ("mandatory", "advisory", "disabled").
    """
    from pulumi_policy import EnforcementLevel, ResourceValidationPolicy

    overrides = dict(enforcement or {})
    unknown = set(overrides) - {rule.name for rule in rules}
    if unknown:
        raise ValueError(f"no such rule: {', '.join(sorted(unknown))}")
    return [
        ResourceValidationPolicy(
            name=rule.name,
            description=rule.description,
            validate=handler(rule),
            enforcement_level=EnforcementLevel(overrides.get(rule.name, rule.enforcement)),
            remediation_steps=rule.remediation,
        )
        for rule in rules
    ]


def handler(rule: Rule) -> Callable[[Any, Callable[..., None]], None]:
    """The ``validate(args, report_violation)`` callback the policy SDK calls for ``rule``."""

    def validate(args: Any, report_violation: Callable[..., None]) -> None:
        for message in rule.validate(args.resource_type, plain(args.props)):
            report_violation(message)

    validate.__name__ = f"validate_{rule.name.replace('-', '_')}"
    return validate


def policy_pack(
    name: str = "pulumi-wid", enforcement: Mapping[str, str] | None = None, rules: Sequence[Rule] = RULES
) -> PolicyPack:
    """Build and serve the policy pack (call it from a policy pack's ``__main__.py``).

    Constructing ``pulumi_policy.PolicyPack`` starts the analyzer server the
    Pulumi engine talks to, and does not return while the engine needs it.
    """
    from pulumi_policy import EnforcementLevel, PolicyPack

    return PolicyPack(
        name=name,
        policies=resource_policies(rules, enforcement),
        enforcement_level=EnforcementLevel.ADVISORY,
        description="Workload identity guardrails from pulumi-wid: exact trusts, no static credentials, "
        "least privilege.",
    )
