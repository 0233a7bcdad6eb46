"""Pure builders and checks for GCP: workload pool members, principals, ids, roles.

Nothing here touches the Pulumi runtime; every function takes plain values.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from ..errors import ValidationError
from ..validation import check_str, short_hash, suggest
from .facts import (  # noqa: F401 - the facts older imports read from here
    BASIC_ROLES,
    DESCRIPTION_LIMIT,
    DISPLAY_NAME_LIMIT,
    GSA_ANNOTATION,
    LABEL_MAX,
    MAX_LABELS,
    PRINCIPAL_PREFIX,
    PRINCIPAL_SET_PREFIX,
    PROJECT_ESCALATION_ROLES,
    RESOURCE_CLASSES,
    RESOURCE_TYPES,
    TARGET_KEYS,
    WORKLOAD_IDENTITY_USER,
)

_ESCALATION_LOWER = frozenset(r.lower() for r in PROJECT_ESCALATION_ROLES)

# A project id: 6-30 lower-case letters, digits and '-', starting with a letter.
PROJECT_ID = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")
# Legacy domain-scoped project ids: "example.com:my-project".
LEGACY_PROJECT_ID = re.compile(r"^(?:[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}:[a-z][a-z0-9-]{4,28}[a-z0-9]$")
PROJECT_NUMBER = re.compile(r"^[1-9][0-9]{0,19}$")
ACCOUNT_ID = re.compile(r"^[a-z](?:[-a-z0-9]{4,28}[a-z0-9])$")
_ACCOUNT_PART = r"[a-z](?:[-a-z0-9]{4,28}[a-z0-9])"
# Service accounts created through the API: <id>@<project>.iam.gserviceaccount.com
# (a domain-scoped project appears as <project>.<domain> in the email).
USER_MANAGED_EMAIL = re.compile(rf"^(?P<account>{_ACCOUNT_PART})@(?P<project>[a-z][-a-z0-9.]{{4,62}}[a-z0-9])\.iam\.gserviceaccount\.com$")
# Compute Engine default service account: <project number>-compute@developer.gserviceaccount.com
COMPUTE_DEFAULT_EMAIL = re.compile(r"^(?P<account>(?P<number>[1-9][0-9]{0,19})-compute)@developer\.gserviceaccount\.com$")
# Service-created defaults: <project id>@appspot.gserviceaccount.com, @cloudbuild..., @cloudservices...
SERVICE_DEFAULT_EMAIL = re.compile(r"^(?P<account>(?P<project>[a-z][a-z0-9-]{4,28}[a-z0-9]))@(?P<service>[a-z]+)\.gserviceaccount\.com$")

PREDEFINED_ROLE = re.compile(r"^roles/[A-Za-z0-9_.]{1,128}$")
CUSTOM_ROLE = re.compile(
    r"^(?:projects/(?P<project>[^/\s]+)|organizations/(?P<org>[0-9]{1,20}))/roles/(?P<id>[A-Za-z0-9_.]{3,64})$"
)

_PROJECT_IN_ID = r"(?P<project>[a-z][a-z0-9-]{4,28}[a-z0-9]|[1-9][0-9]{0,19}|[a-z0-9.-]+\.[a-z]{2,63}:[a-z][a-z0-9-]{4,28}[a-z0-9])"
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$")
_SECRET = re.compile(rf"^(?:projects/{_PROJECT_IN_ID}/secrets/)?(?P<name>[A-Za-z0-9_-]{{1,255}})$")
_TOPIC = re.compile(rf"^(?:projects/{_PROJECT_IN_ID}/topics/)?(?P<name>[A-Za-z][A-Za-z0-9._~+%-]{{2,254}})$")
_SUBSCRIPTION = re.compile(
    rf"^(?:projects/{_PROJECT_IN_ID}/subscriptions/)?(?P<name>[A-Za-z][A-Za-z0-9._~+%-]{{2,254}})$"
)
_REPOSITORY = re.compile(
    rf"^(?:projects/{_PROJECT_IN_ID}/locations/|)(?P<location>[a-z][a-z0-9-]{{1,62}})/(?:repositories/)?"
    r"(?P<name>[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?)$"
)
# Cloud DNS managed zone names: 1-63 lower-case letters, digits and '-', starting with a letter.
_MANAGED_ZONE = re.compile(rf"^(?:projects/{_PROJECT_IN_ID}/managedZones/)?(?P<name>[a-z][-a-z0-9]{{0,62}})$")
_DATASET = re.compile(rf"^(?:projects/{_PROJECT_IN_ID}/datasets/)?(?P<name>[A-Za-z0-9_]{{1,1024}})$")


# -- projects -----------------------------------------------------------------
def check_project_id(field: str, value: Any, allow_legacy: bool = False) -> str:
    """A GCP project id (6-30 chars); domain-scoped ``example.com:proj`` only if allowed."""
    check_str(field, value)
    if PROJECT_ID.fullmatch(value):
        return value
    if LEGACY_PROJECT_ID.fullmatch(value):
        if allow_legacy:
            return value
        raise ValidationError(
            field,
            value,
            "a domain-scoped project id ('example.com:project') cannot name a GKE workload pool "
            "here: the pool and member strings are built as '<project id>.svc.id.goog'",
            "use the cluster in a project with a plain project id, or bind the GSA yourself",
        )
    if PROJECT_NUMBER.fullmatch(value):
        raise ValidationError(
            field, value, "is a project number, not a project id",
            "pass the project id (e.g. 'my-project'); the number goes into project_number",
        )
    raise ValidationError(
        field,
        value,
        "a project id is 6-30 lower-case letters, digits and '-', starting with a letter and "
        "not ending with '-'",
        "use the id shown by 'gcloud projects list' (not the display name)",
    )


def check_project_number(field: str, value: Any) -> str:
    """A project number: digits only (an int is accepted and returned as a string)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    check_str(field, value)
    if not PROJECT_NUMBER.fullmatch(value):
        raise ValidationError(
            field,
            value,
            "a project number is 1-20 digits with no leading zero",
            "gcloud projects describe <project id> --format='value(projectNumber)'",
        )
    return value


# -- members and principals ---------------------------------------------------
def workload_pool(project: str) -> str:
    """The cluster project's fixed workload identity pool: ``<project>.svc.id.goog``."""
    return f"{project}.svc.id.goog"


def workload_member(project: str, namespace: str, service_account: str) -> str:
    """``serviceAccount:<project>.svc.id.goog[<ns>/<ksa>]``: who may use the GSA."""
    return f"serviceAccount:{workload_pool(project)}[{namespace}/{service_account}]"


def direct_principal(project_number: str, project: str, namespace: str, service_account: str) -> str:
    """The ``principal://`` identifier of one KSA in the project's GKE workload pool."""
    return (
        f"{PRINCIPAL_PREFIX}/projects/{project_number}/locations/global/workloadIdentityPools/"
        f"{workload_pool(project)}/subject/ns/{namespace}/sa/{service_account}"
    )


def namespace_principal_set(project_number: str, project: str, namespace: str) -> str:
    """The ``principalSet://`` identifier of every KSA of one namespace (any cluster of the project)."""
    return (
        f"{PRINCIPAL_SET_PREFIX}/projects/{project_number}/locations/global/workloadIdentityPools/"
        f"{workload_pool(project)}/namespace/{namespace}"
    )


def service_account_member(email: str) -> str:
    return f"serviceAccount:{email}"


# -- Google service accounts --------------------------------------------------
def check_account_id(field: str, value: Any) -> str:
    check_str(field, value)
    if not ACCOUNT_ID.fullmatch(value):
        raise ValidationError(
            field,
            value,
            "a service account id is 6-30 lower-case letters, digits and '-', starting with a "
            "letter and ending with a letter or digit",
            f"use {derive_account_id(value)!r}, or leave account_id out to derive it from identity.name",
        )
    return value


def derive_account_id(name: str) -> str:
    """A valid GSA ``account_id`` for ``name``: the name itself when it is one.

    Any other name (too short or long, upper case, dots, underscores, leading
    digit) is sanitized, cut to fit and suffixed with 6 hex characters of the
    name's sha256, so that names which sanitize alike (``api.v1``/``api_v1``)
    still get distinct ids, and the same name always gets the same id.
    """
    if ACCOUNT_ID.fullmatch(name):
        return name
    return _hashed_account_id(name, short_hash(name, size=6))


def default_account_id(namespace: str, name: str) -> str:
    """The default GSA ``account_id``: ``<namespace>-<name>`` when that is a valid id (6-30).

    A GSA id is unique per project, and one project often holds several namespaces with
    the same ServiceAccount name (``payments/api``, ``orders/api``): the namespace is part
    of the id, as it is of the default AWS role name. Otherwise the text is sanitized,
    cut and suffixed with 6 hex characters of the sha256 of namespace and name, so the
    id is stable and two identities that cut alike still differ.
    """
    base = f"{namespace}-{name}"
    if ACCOUNT_ID.fullmatch(base):
        return base
    return _hashed_account_id(base, short_hash(namespace, name, size=6))


def _hashed_account_id(text: str, digest: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if not base[:1].isalpha():
        base = f"wi-{base}".rstrip("-")
    base = base[: 30 - len(digest) - 1].rstrip("-")
    return f"{base}-{digest}"


def _fit(text: str, room: int) -> str:
    """``text`` when it fits ``room`` characters, else cut with ``~`` and 6 hex of its hash (stable, distinct)."""
    if len(text) <= room:
        return text
    return f"{text[: room - 7]}~{short_hash(text, size=6)}"


_DISPLAY_PREFIX = "GKE workload "
_DESCRIPTION_PREFIX = "Workload identity of Kubernetes ServiceAccount "
_DESCRIPTION_SUFFIX = " (pulumi-wid)"


def display_name(namespace: str, service_account: str) -> str:
    """``GKE workload <ns>/<sa>``, the ServiceAccount part shortened to GCP's 100 characters."""
    return _DISPLAY_PREFIX + _fit(f"{namespace}/{service_account}", DISPLAY_NAME_LIMIT - len(_DISPLAY_PREFIX))


def description(namespace: str, service_account: str, tags: Mapping[str, str] | None = None) -> str:
    """The GSA description; GCP service accounts have no labels, so tags are listed here.

    The ServiceAccount part is shortened so that the text without tags always fits
    GCP's 256 bytes (namespaces and ServiceAccount names are ASCII); only tags can make
    it too long (``check_description``).
    """
    room = DESCRIPTION_LIMIT - len(_DESCRIPTION_PREFIX) - len(_DESCRIPTION_SUFFIX)
    text = _DESCRIPTION_PREFIX + _fit(f"{namespace}/{service_account}", room) + _DESCRIPTION_SUFFIX
    if tags:
        text += "; tags: " + ", ".join(f"{k}={v}" for k, v in sorted(tags.items()))
    return text


def _label_char(c: str) -> bool:
    """A lowercase letter (or an uncased international one), a digit, '_' or '-'."""
    return c in "_-" or unicodedata.category(c) in ("Ll", "Lo", "Nd")


_LABEL_RULE = f"lowercase letters, digits, '_' and '-' (at most {LABEL_MAX})"


def check_label_value(field: str, value: Any) -> Any:
    """A Google Cloud label value: 0-63 lowercase letters, digits, '_' and '-'."""
    if not isinstance(value, str) or len(value) > LABEL_MAX or not all(_label_char(c) for c in value):
        raise ValidationError(field, value, f"a GCP label value is {_LABEL_RULE}",
                              f"for example {re.sub(r'[^a-z0-9_-]+', '-', str(value).lower())[:LABEL_MAX]!r}")
    return value


def check_labels(field: str, labels: Mapping[str, Any]) -> None:
    """identity.tags as Google Cloud labels (see facts.LABEL_MAX); Output values are the caller's, once known."""
    if len(labels) > MAX_LABELS:
        raise ValidationError(field, f"{len(labels)} labels", f"GCP allows at most {MAX_LABELS} labels", "drop some")
    for key, value in labels.items():
        first = unicodedata.category(key[0]) if key else ""
        if len(key) > LABEL_MAX or first not in ("Ll", "Lo") or not all(_label_char(c) for c in key):
            raise ValidationError(
                f"{field}.{key}", key, f"a GCP label key is {_LABEL_RULE}, starting with a lowercase letter",
                f"for example {re.sub(r'[^a-z0-9_-]+', '_', key.lower()).lstrip('0123456789_-')[:LABEL_MAX] or 'team'!r}",
            )
        if isinstance(value, str):
            check_label_value(f"{field}.{key}", value)


def check_description(field: str, text: str) -> str:
    if len(text.encode()) > DESCRIPTION_LIMIT:
        raise ValidationError(
            field,
            text,
            f"GCP service accounts have no labels, so tags go into the description, which is at "
            f"most {DESCRIPTION_LIMIT} bytes",
            "use fewer or shorter tags",
        )
    return text


def parse_service_account_email(field: str, value: Any) -> dict[str, str | None]:
    """Split a GSA email into ``account`` and ``project`` (None when the email does not name it)."""
    check_str(field, value)
    match = USER_MANAGED_EMAIL.fullmatch(value)
    if match:
        project = match["project"]
        return {"account": match["account"], "project": project if PROJECT_ID.fullmatch(project) else None}
    match = COMPUTE_DEFAULT_EMAIL.fullmatch(value)
    if match:
        return {"account": match["account"], "project": None}
    match = SERVICE_DEFAULT_EMAIL.fullmatch(value)
    if match:
        return {"account": match["account"], "project": match["project"]}
    raise ValidationError(
        field,
        value,
        "must be a Google service account email: <id>@<project>.iam.gserviceaccount.com, "
        "<number>-compute@developer.gserviceaccount.com or <project>@<service>.gserviceaccount.com",
        "use the account's .email (not its name, unique id or member string)",
    )


def service_account_resource_id(field: str, email: Any) -> str:
    """``projects/<project>/serviceAccounts/<email>`` for IAM on the account itself.

    When the email does not name a plain project id (Compute default accounts,
    domain-scoped projects) the ``-`` wildcard is used, which IAM resolves from
    the email and the provider's service_account_id pattern accepts.
    """
    parsed = parse_service_account_email(field, email)
    return f"projects/{parsed['project'] or '-'}/serviceAccounts/{email}"


# -- roles --------------------------------------------------------------------
def check_project_role(field: str, value: str, allow_escalation: bool) -> None:
    """Refuse project-wide roles that let the workload impersonate or re-grant (see PROJECT_ESCALATION_ROLES)."""
    # compared case-insensitively: a differently cased name is refused too, not let through
    if value.lower() in _ESCALATION_LOWER and not allow_escalation:
        raise ValidationError(
            field,
            value,
            "granted on the whole project it lets the workload act as every service account of the "
            "project or change the project's IAM",
            "grant it on the one service account or resource that needs it, "
            "or set allow_project_escalation_roles=True",
        )


def check_role(field: str, value: Any, allow_basic: bool = False) -> str:
    """A predefined (``roles/...``) or custom (``projects/<p>/roles/<r>``, ``organizations/<o>/roles/<r>``) role."""
    check_str(field, value)
    if value.lower() in BASIC_ROLES and not allow_basic:  # "roles/Owner" too, not only "roles/owner"
        raise ValidationError(
            field,
            value,
            "basic roles (owner, editor, viewer) grant thousands of permissions across every "
            "service of the project",
            "grant a predefined role of the service the workload uses (e.g. roles/storage.objectViewer), "
            "or set allow_basic_roles=True",
        )
    if PREDEFINED_ROLE.fullmatch(value):
        return value
    match = CUSTOM_ROLE.fullmatch(value)
    if match and (match["org"] or PROJECT_ID.fullmatch(match["project"]) or LEGACY_PROJECT_ID.fullmatch(match["project"])):
        return value
    fix = "write the full role name, e.g. 'roles/storage.objectViewer' or 'projects/my-project/roles/myRole'"
    if value and "/" not in value:
        fix = f"did you mean 'roles/{value}'?"
    raise ValidationError(
        field, value, "must be 'roles/<role>', 'projects/<project>/roles/<role>' or "
        "'organizations/<number>/roles/<role>'", fix,
    )


# service of an admin role -> the bindings resource_type that scopes it to one resource
ADMIN_ROLE_SCOPES: dict[str, str] = {
    "storage": "storage_bucket",
    "secretmanager": "secret",
    "pubsub": "pubsub_topic",
    "artifactregistry": "artifact_registry_repository",
    "bigquery": "bigquery_dataset",
    "dns": "dns_managed_zone",
}
_ADMIN_ROLE = re.compile(r"^roles/(?P<service>[A-Za-z0-9_]+)\.(?:admin|[A-Za-z0-9_]*Admin)$")


def admin_role_warning(field: str, role: str, project: Any) -> str | None:
    """The warning for a project-wide grant of an admin role (``roles/<service>.admin``, ``...Admin``), or None."""
    match = _ADMIN_ROLE.fullmatch(role)
    if not match:
        return None
    resource_type = ADMIN_ROLE_SCOPES.get(match["service"])
    where = f"project {project!r}" if isinstance(project, str) else "the project"
    if resource_type:
        instead = (
            f"grant it on the one resource instead: bindings=[{{'role': '{role}', "
            f"'resource_type': '{resource_type}', 'resource': '<name>'}}]"
        )
    else:
        instead = (
            f"pick a narrower {match['service']} role than an admin one, or grant it on the one "
            f"resource (bindings take resource_type {', '.join(RESOURCE_TYPES)})"
        )
    return (
        f"{field}: {role} is granted on the whole of {where}: the workload administers every "
        f"{match['service']} resource there. {instead[0].upper()}{instead[1:]}."
    )


def role_suffix(role: str) -> str:
    """A stable resource-name suffix for a plain role."""
    if role.startswith("roles/"):
        return role[len("roles/") :]
    return f"{role.rsplit('/', 1)[-1]}-{short_hash(role)}"


# -- resource-level bindings --------------------------------------------------
def check_resource_type(field: str, value: Any) -> str:
    if value not in RESOURCE_TYPES:
        raise ValidationError(
            field,
            value,
            f"must be one of {', '.join(repr(t) for t in RESOURCE_TYPES)}",
            suggest(value, RESOURCE_TYPES) or "grant other resources with project-level roles or your own *IAMMember",
        )
    return value


def binding_target(field: str, resource_type: str, resource: Any, default_project: Any) -> dict[str, Any]:
    """The provider arguments that name the resource of one binding.

    Full ids (``projects/<p>/topics/<t>``) are split into name and project; a
    bare name is taken to live in ``default_project`` (the cluster's project),
    so nothing falls back to the provider's default project.
    """
    check_str(field, resource)
    if resource_type == "storage_bucket":
        if resource.startswith("gs://"):
            raise ValidationError(field, resource, "is a gs:// URL, not a bucket name", f"use {resource[5:].split('/')[0]!r}")
        if not _BUCKET.fullmatch(resource) or resource.startswith("goog"):
            raise _bad_resource(field, resource, "a bucket name: 3-222 lower-case letters, digits, '-', '_' and '.'", "my-bucket")
        return {"bucket": resource}
    pattern, key, example = {
        "secret": (_SECRET, "secret_id", "projects/my-project/secrets/db-password"),
        "pubsub_topic": (_TOPIC, "topic", "projects/my-project/topics/orders"),
        "pubsub_subscription": (_SUBSCRIPTION, "subscription", "projects/my-project/subscriptions/orders-worker"),
        "artifact_registry_repository": (_REPOSITORY, "repository", "projects/my-project/locations/us-central1/repositories/images"),
        "bigquery_dataset": (_DATASET, "dataset_id", "projects/my-project/datasets/analytics"),
        "dns_managed_zone": (_MANAGED_ZONE, "managed_zone", "projects/my-project/managedZones/prod-example-com"),
    }[resource_type]
    match = pattern.fullmatch(resource)
    if not match or match["name"].lower().startswith("goog") and resource_type in ("pubsub_topic", "pubsub_subscription"):
        what = {
            "secret": "a secret id or projects/<project>/secrets/<id>",
            "pubsub_topic": "a topic name or projects/<project>/topics/<name>",
            "pubsub_subscription": "a subscription name or projects/<project>/subscriptions/<name>",
            "artifact_registry_repository": "projects/<project>/locations/<location>/repositories/<name> or "
            "<location>/<name> (the location is required)",
            "bigquery_dataset": "a dataset id or projects/<project>/datasets/<id>",
            "dns_managed_zone": "a managed zone name (not its DNS name) or projects/<project>/managedZones/<name>",
        }[resource_type]
        raise _bad_resource(field, resource, what, example)
    target = {key: match["name"], "project": match["project"] or default_project}
    if resource_type == "artifact_registry_repository":
        target["location"] = match["location"]
    return {k: target[k] for k in TARGET_KEYS[resource_type]}


def _bad_resource(field: str, value: str, what: str, example: str) -> ValidationError:
    return ValidationError(field, value, f"must be {what}", f"for example {example!r}")
