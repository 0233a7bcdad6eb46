"""Args of the cross-cloud components and their validation into plain specs (no cloud SDK needed).

A trust has one source: a Kubernetes ServiceAccount (``identity``) on a cluster with a
public OIDC issuer (``oidc_issuer_url``: EKS, AKS, GKE or any), or CI pipelines (``ci``:
GitHub Actions or GitLab CI). Each source gives one issuer and exact subjects; the target
cloud's rules (names, roles, statements, grants) are checked by that cloud's own
``args``/``documents`` functions, reused here rather than copied.
"""

# No `from __future__ import annotations` here: Pulumi's component analyzer reads
# these annotations at runtime to build the multi-language schema (tests/test_schema.py).

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypedDict

import pulumi

from .._outputs import known, when_known
from ..aws import documents as aws_doc
from ..aws import facts as aws_facts
from ..azure import args as azure_args
from ..azure import documents as azure_doc
from ..azure import facts as azure_facts
from ..azure.args import AzureRoleAssignment, ExistingIdentity
from ..errors import ValidationError
from ..gcp import args as gcp_args
from ..gcp import documents as gcp_doc
from ..gcp.args import GcpBinding
from ..identity import Identity, ServiceIdentity, validate_identity
from ..validation import (
    NotRequired,
    check_bool,
    check_choice,
    check_int_range,
    check_str,
    check_str_list,
    is_unknown,
    refuse_with_existing,
    reject_unknown_keys,
    require,
)
from . import documents as doc
from . import facts

__all__ = [
    "AwsFederatedRoleArgs", "AzureFederatedIdentityArgs", "AzureRoleAssignment", "CiSource", "ExistingIdentity",
    "GcpBinding", "GcpFederatedPrincipalArgs", "aws_spec", "azure_spec", "gcp_spec", "source_spec",
]


class CiSource(TypedDict):
    """A CI/CD pipeline whose OIDC token is trusted instead of a stored secret (one exact subject)."""

    provider: str
    """"github_actions" or "gitlab_ci"."""
    repository: str
    """GitHub "<owner>/<repo>", or the GitLab project path "<group>[/<subgroup>...]/<project>"."""
    owner_id: NotRequired[str]
    """GitHub: the owner's immutable numeric id; with repository_id, the subject takes the immutable form repo:<owner>@<owner-id>/<repo>@<repo-id>:... (default for repositories created or renamed from 2026-07-15)."""
    repository_id: NotRequired[str]
    """GitHub: the repository's immutable numeric id (with owner_id)."""
    branch: NotRequired[str]
    """Trust runs on this branch (GitHub ref:refs/heads/<branch>, GitLab ref_type:branch:ref:<branch>)."""
    tag: NotRequired[str]
    """Trust runs on this tag."""
    environment: NotRequired[str]
    """GitHub: trust jobs that deploy to this environment (environment:<name>)."""
    pull_request: NotRequired[bool]
    """GitHub: trust pull_request runs (repo:<owner>/<repo>:pull_request)."""
    subject: NotRequired[str]
    """The exact sub claim, for customized subject templates (instead of branch/tag/environment/pull_request)."""
    issuer_url: NotRequired[str]
    """The issuer, for GitHub Enterprise Server or self-managed GitLab; default https://token.actions.githubusercontent.com or https://gitlab.com."""


class AwsFederatedRoleArgs(TypedDict):
    """Arguments of ``AwsFederatedRole``."""

    identity: NotRequired[ServiceIdentity]
    """The Kubernetes ServiceAccount (on any cluster) that assumes the role; give this with oidc_issuer_url, or ci."""
    oidc_issuer_url: NotRequired[pulumi.Input[str]]
    """The source cluster's https OIDC issuer: EKS identities[0].oidcs[0].issuer, AKS oidcIssuerProfile.issuerURL, GKE https://container.googleapis.com/v1/projects/<p>/locations/<l>/clusters/<c>, or any public issuer."""
    ci: NotRequired[list[CiSource]]
    """CI pipelines that assume the role instead of a ServiceAccount (one issuer; one exact subject each)."""
    audience: NotRequired[str]
    """The token audience the trust pins and the OIDC provider lists (default "sts.amazonaws.com")."""
    token_expiration_seconds: NotRequired[int]
    """Lifetime of the pod's projected token, 600 to 86400 seconds (default 3600)."""
    oidc_provider_arn: NotRequired[pulumi.Input[str]]
    """An existing IAM OIDC provider for the issuer (an account holds one per issuer URL); by default the component creates one."""
    policy_statements: NotRequired[list[dict[str, Any]]]
    """Inline IAM statements for the role (Effect, Action, Resource, Condition)."""
    managed_policy_arns: NotRequired[list[pulumi.Input[str]]]
    """ARNs of managed policies to attach to the role."""
    permissions_boundary: NotRequired[pulumi.Input[str]]
    """ARN of the policy that bounds the role's permissions."""
    role_name: NotRequired[str]
    """Name of the role; default derived from the identity ("<namespace>-<name>") or the CI repository."""
    role_path: NotRequired[str]
    """IAM path of the role (default "/")."""
    max_session_duration: NotRequired[int]
    """Maximum session duration of the role in seconds, 3600 to 43200."""
    allow_wildcards: NotRequired[bool]
    """Accept "*" actions or resources, NotAction/NotResource and admin-class managed policies (default false)."""
    allow_subject_wildcards: NotRequired[bool]
    """Accept '*' or '?' in CI subjects, matched with StringLike (e.g. every branch of one repository); default false."""


class AzureFederatedIdentityArgs(TypedDict):
    """Arguments of ``AzureFederatedIdentity``."""

    identity: NotRequired[ServiceIdentity]
    """The Kubernetes ServiceAccount (on any cluster) that uses the managed identity; give this with oidc_issuer_url, or ci."""
    oidc_issuer_url: NotRequired[pulumi.Input[str]]
    """The source cluster's https OIDC issuer, taken verbatim (EKS, AKS, GKE or any public issuer)."""
    ci: NotRequired[list[CiSource]]
    """CI pipelines that use the identity instead of a ServiceAccount: one federated credential each (at most 20 per identity)."""
    token_expiration_seconds: NotRequired[int]
    """Lifetime of the pod's projected token, 600 to 86400 seconds (default 3600)."""
    resource_group_name: NotRequired[pulumi.Input[str]]
    """Resource group the managed identity is created in (required unless existing_identity names its own)."""
    location: NotRequired[pulumi.Input[str]]
    """Azure region of the managed identity; defaults to the resource group's."""
    identity_name: NotRequired[str]
    """Name of the managed identity; default derived from the identity ("<namespace>-<name>") or the CI repository."""
    existing_identity: NotRequired[ExistingIdentity]
    """Federate this existing managed identity instead of creating one."""
    role_assignments: NotRequired[list[AzureRoleAssignment]]
    """Azure roles to grant the identity, each on one scope."""
    allow_broad_roles: NotRequired[bool]
    """Accept Owner, Contributor, User Access Administrator, Role Based Access Control Administrator and subscription or management-group scopes (default false)."""


class GcpFederatedPrincipalArgs(TypedDict):
    """Arguments of ``GcpFederatedPrincipal``."""

    identity: NotRequired[ServiceIdentity]
    """The Kubernetes ServiceAccount (on any cluster) that gets the Google identity; give this with oidc_issuer_url, or ci."""
    oidc_issuer_url: NotRequired[pulumi.Input[str]]
    """The source cluster's https OIDC issuer (EKS, AKS, GKE or any public issuer): the pool provider's issuer_uri."""
    ci: NotRequired[list[CiSource]]
    """CI pipelines that get the Google identity instead of a ServiceAccount (one issuer; one exact subject each)."""
    project: pulumi.Input[str]
    """Project id of the workload identity pool; bare resource ids in bindings and the project-level roles refer to it."""
    project_number: pulumi.Input[str]
    """That project's NUMBER (digits): the principal and the STS audience need it (a project id there fails with invalid_target)."""
    pool_id: NotRequired[str]
    """Workload identity pool id, 4-32 of [a-z0-9-], not starting with "gcp-"; default derived from the identity or repository."""
    provider_id: NotRequired[str]
    """Pool provider id, same rules; default "k8s-<hash of the issuer>" or "github"/"gitlab"."""
    create_pool: NotRequired[bool]
    """Create the pool (default true); false to add to an existing pool."""
    create_provider: NotRequired[bool]
    """Create the OIDC provider (default true); false to use an existing provider of the pool for this issuer (its attribute condition is then yours)."""
    audience: NotRequired[str]
    """The token audience the provider allows (default: https://iam.googleapis.com/<provider name>)."""
    token_expiration_seconds: NotRequired[int]
    """Lifetime of the pod's projected token, 600 to 86400 seconds (default 3600)."""
    mode: NotRequired[str]
    """"direct" (default): grants go to the principal:// identifier of the subject; "service_account": a GSA the principal impersonates (roles/iam.workloadIdentityUser)."""
    account_id: NotRequired[str]
    """Service-account mode: the GSA's account id; default derived."""
    existing_service_account_email: NotRequired[pulumi.Input[str]]
    """Service-account mode: impersonate this existing GSA instead of creating one."""
    roles: NotRequired[list[pulumi.Input[str]]]
    """Project-level roles granted on `project` to the principal (or the GSA)."""
    bindings: NotRequired[list[GcpBinding]]
    """Resource-level grants, each with an additive *IAMMember resource."""
    config_map_name: NotRequired[str]
    """Name of the ConfigMap holding the credential configuration (default "<service account>-gcp-credentials")."""
    allow_basic_roles: NotRequired[bool]
    """Accept roles/owner, roles/editor and roles/viewer (default false)."""
    allow_project_escalation_roles: NotRequired[bool]
    """Accept project-level roles that let the principal impersonate any service account or change IAM (default false)."""


# -- the source ----------------------------------------------------------------------------------
@dataclass
class SourceSpec:
    """Who presents the token: one issuer and the exact subjects it must carry."""

    kind: str
    """"kubernetes" or "ci"."""
    issuer: Any
    """The issuer URL verbatim (an Output for a cluster's issuer not known yet)."""
    subjects: list
    base_name: str
    """Base for derived cloud names."""
    identity: "Identity | None" = None
    ci_provider: "str | None" = None
    token_expiration_seconds: int = facts.DEFAULT_TOKEN_EXPIRATION
    tags: dict = field(default_factory=dict)
    wildcard: bool = False


_CONTEXTS = ("branch", "tag", "environment", "pull_request", "subject")
_SOURCE_KEYS = ("identity", "oidc_issuer_url", "ci", "token_expiration_seconds")


def source_spec(args: Mapping[str, Any], target: str, placeholders: bool = False,
                allow_subject_wildcards: bool = False) -> SourceSpec:
    """The source of a trust: ``identity`` + ``oidc_issuer_url`` (a pod) or ``ci`` (pipelines), exactly one."""
    has_identity, has_ci = args.get("identity") is not None, bool(args.get("ci"))
    if has_identity == has_ci:
        raise ValidationError(
            "identity", args.get("identity"), "give exactly one source: identity (with oidc_issuer_url) or ci",
            "identity={'namespace': ..., 'service_account': ...} plus the cluster's oidc_issuer_url, or "
            "ci=[{'provider': 'github_actions', 'repository': 'org/repo', 'environment': 'prod'}]",
        )
    if has_ci:
        for key in ("oidc_issuer_url", "token_expiration_seconds"):
            if args.get(key) is not None:
                raise ValidationError(key, args[key], "only applies to a Kubernetes source (identity)",
                                      "drop it: a CI job's issuer and token come from the CI system")
        return _ci_spec(args["ci"], target, allow_subject_wildcards)
    identity = validate_identity(args["identity"])
    issuer = args.get("oidc_issuer_url")
    if issuer is None or issuer == "":
        raise ValidationError(
            "oidc_issuer_url", issuer, "is required: the trust names the source cluster's issuer",
            "pass the cluster's issuer: EKS identities[0].oidcs[0].issuer, AKS oidc_issuer_profile.issuer_url, "
            "GKE https://container.googleapis.com/v1/projects/<p>/locations/<l>/clusters/<c>",
        )
    expiration = args.get("token_expiration_seconds", facts.DEFAULT_TOKEN_EXPIRATION)
    check_int_range("token_expiration_seconds", expiration, *facts.TOKEN_EXPIRATION, " seconds")
    return SourceSpec(
        kind="kubernetes", issuer=when_known(issuer, lambda v: doc.check_issuer("oidc_issuer_url", v, placeholders), placeholders),
        subjects=[identity.subject], base_name=f"{identity.namespace}-{identity.name}", identity=identity,
        token_expiration_seconds=expiration, tags=dict(identity.tags),
    )


def _ci_spec(sources: Any, target: str, allow_wildcards: bool) -> SourceSpec:
    items = check_str_list("ci", sources)
    subjects, issuers, providers, names = [], [], [], []
    for index, item in enumerate(items):
        where = f"ci[{index}]"
        subject, issuer, name = ci_subject(where, item, target, allow_wildcards)
        subjects.append(subject)
        issuers.append(issuer)
        providers.append(item["provider"])
        names.append(name)
    if len(set(issuers)) != 1:
        raise ValidationError("ci", issuers, "all CI sources of one trust share one issuer (one OIDC provider)",
                              "make one component per CI system")
    for index, subject in enumerate(subjects):
        if subjects.index(subject) != index:
            raise ValidationError(f"ci[{index}]", subject, f"is the same subject as ci[{subjects.index(subject)}]",
                                  "list each subject once")
    return SourceSpec(kind="ci", issuer=issuers[0], subjects=subjects, base_name=names[0], ci_provider=providers[0],
                      wildcard=any(("*" in s or "?" in s) for s in subjects))


def ci_subject(where: str, item: Any, target: str, allow_wildcards: bool = False) -> tuple:
    """``(subject, issuer, base name)`` of one ``CiSource``, refusing wildcards and missing contexts."""
    if not isinstance(item, Mapping):
        raise ValidationError(where, item, "must be a CiSource dict",
                              "{'provider': 'github_actions', 'repository': 'org/repo', 'branch': 'main'}")
    reject_unknown_keys(where, item, CiSource.__annotations__)
    provider = check_choice(f"{where}.provider", require(item, "provider", where), facts.CI_PROVIDERS)
    repository = check_str(f"{where}.repository", require(item, "repository", where))
    contexts = [k for k in _CONTEXTS if item.get(k) not in (None, False)]
    if len(contexts) != 1:
        raise ValidationError(
            where, dict(item), "names exactly one of branch, tag, environment, pull_request or subject: a trust "
            "without an exact subject admits every workflow of every repository on the issuer",
            "add branch='main' (or tag, environment, pull_request=True, or the exact subject)",
        )
    context = contexts[0]
    wildcard_ok = allow_wildcards and target == "aws"

    def part(key: str, value: Any) -> str:
        check_str(f"{where}.{key}", value)
        if ("*" in value or "?" in value) and not wildcard_ok:
            raise ValidationError(
                f"{where}.{key}", value,
                "a wildcard admits every matching repository, branch or environment"
                + ("" if target == "aws" else f"; {target} matches the subject exactly and has no wildcards"),
                "name it exactly" + (", or set allow_subject_wildcards=True" if target == "aws" else ""),
            )
        return value

    issuer = doc.check_issuer(f"{where}.issuer_url", item.get("issuer_url") or facts.CI_ISSUERS[provider])
    if provider == "github_actions":
        subject = _github(where, item, repository, context, part)
    else:
        subject = _gitlab(where, item, repository, context, part)
    if any(c.isspace() for c in subject):
        raise ValidationError(f"{where}.subject", subject, "a subject holds no whitespace")
    name = repository.rsplit("/", 1)[-1] + "-" + (str(item[context]) if context not in ("pull_request", "subject") else context)
    return subject, issuer, name


def _github(where: str, item: Mapping[str, Any], repository: str, context: str, part: Any) -> str:
    owner, slash, repo = repository.partition("/")
    if not slash or "/" in repo or not facts.GITHUB_OWNER.fullmatch(part("repository", owner).replace("*", "x")) \
            or not facts.GITHUB_REPOSITORY.fullmatch(part("repository", repo).replace("*", "x").replace("?", "x")):
        raise ValidationError(f"{where}.repository", repository, "a GitHub repository is '<owner>/<repo>'",
                              "for example 'octo-org/deploy'")
    ids = [item.get("owner_id"), item.get("repository_id")]
    if (ids[0] is None) != (ids[1] is None):
        raise ValidationError(f"{where}.owner_id", ids, "the immutable subject needs both owner_id and repository_id")
    for key, value in zip(("owner_id", "repository_id"), ids, strict=True):
        if value is not None and not (isinstance(value, str) and facts.NUMERIC_ID.fullmatch(value)):
            raise ValidationError(f"{where}.{key}", value, "is GitHub's numeric id, as a string of digits",
                                  "gh api repos/<owner>/<repo> --jq '.owner.id, .id'")
    if context == "subject":
        subject = part("subject", item["subject"])
        if not subject.startswith("repo:"):
            raise ValidationError(f"{where}.subject", subject, "a GitHub subject starts with 'repo:'")
        return subject
    if context == "pull_request":
        check_bool(f"{where}.pull_request", item["pull_request"])
    else:
        value = part(context, item[context])
        if not facts.REF_NAME.fullmatch(value.replace("*", "x").replace("?", "x")):
            raise ValidationError(f"{where}.{context}", value, "holds no ':', quotes or whitespace")
    return doc.github_subject(repository, owner_id=ids[0], repository_id=ids[1],
                              **({context: item[context]} if context != "pull_request" else {"pull_request": True}))


def _gitlab(where: str, item: Mapping[str, Any], repository: str, context: str, part: Any) -> str:
    for key in ("owner_id", "repository_id", "environment", "pull_request"):
        if item.get(key) not in (None, False):
            raise ValidationError(f"{where}.{key}", item[key], "is GitHub-only: GitLab's default subject is "
                                  "project_path:<path>:ref_type:<branch|tag>:ref:<name>",
                                  "use branch or tag, or the exact subject")
    if not facts.GITLAB_PATH.fullmatch(part("repository", repository).replace("*", "x")):
        raise ValidationError(f"{where}.repository", repository, "a GitLab project path is '<group>[/<subgroup>]/<project>'")
    if context == "subject":
        subject = part("subject", item["subject"])
        if not subject.startswith("project_path:"):
            raise ValidationError(f"{where}.subject", subject, "a GitLab subject starts with 'project_path:'")
        return subject
    value = part(context, item[context])
    if not facts.REF_NAME.fullmatch(value.replace("*", "x").replace("?", "x")):
        raise ValidationError(f"{where}.{context}", value, "holds no ':', quotes or whitespace")
    return doc.gitlab_subject(repository, **{context: value})


def _args(args: Any, cls: type, example: str) -> Mapping[str, Any]:
    if not isinstance(args, Mapping):
        raise ValidationError(cls.__name__, args, "must be a dict", f"pass {cls.__name__}({example})")
    reject_unknown_keys("", args, cls.__annotations__)
    return args


# -- AWS ------------------------------------------------------------------------------------------
@dataclass
class AwsSpec:
    """The validated shape of one ``AwsFederatedRole``; the attribute names match ``aws.args.EksSpec``'s where
    ``EksPodIdentity._grants`` reads them, which this component reuses."""

    source: SourceSpec
    audience: str
    role_name: str
    role_path: str
    provider_arn: Any = None
    statements: list = field(default_factory=list)
    managed_policy_arns: list = field(default_factory=list)
    permissions_boundary: Any = None
    max_session_duration: "int | None" = None
    allow_wildcards: bool = False
    tags: dict = field(default_factory=dict)
    placeholders: bool = False
    target_role_arn: Any = None  # read by EksPodIdentity._grants; never set here


def aws_spec(args: Any, placeholders: bool = False) -> AwsSpec:
    """Validate ``AwsFederatedRoleArgs`` (plain values now, Outputs when they resolve)."""
    args = _args(args, AwsFederatedRoleArgs, "identity=..., oidc_issuer_url=... or ci=[...]")
    allow = check_bool("allow_wildcards", args.get("allow_wildcards", False))
    allow_sub = check_bool("allow_subject_wildcards", args.get("allow_subject_wildcards", False))
    source = source_spec(args, "aws", placeholders, allow_sub)
    source.issuer = when_known(source.issuer, lambda v: _check_aws_issuer(
        "oidc_issuer_url" if source.kind == "kubernetes" else "ci", v), placeholders)
    audience = check_audience("audience", args.get("audience", facts.AWS_AUDIENCE), facts.OIDC_CLIENT_ID_MAX)
    aws_doc.check_tags("identity.tags", source.tags)
    role_name = args.get("role_name")
    if role_name is not None:
        aws_doc.check_role_name("role_name", role_name)
    else:
        role_name = aws_doc.derive_role_name(source.identity.namespace, source.identity.name) \
            if source.identity is not None else aws_doc.derive_role_name("ci", source.base_name)
    duration = args.get("max_session_duration")
    if duration is not None:
        check_int_range("max_session_duration", duration, *aws_facts.SESSION_DURATION, " seconds")
    statements = aws_doc.normalize_statements("policy_statements", args.get("policy_statements"), allow, placeholders)
    managed = [
        when_known(arn, lambda v, i=i: aws_doc.check_managed_policy_arn(f"managed_policy_arns[{i}]", v, allow), placeholders)
        for i, arn in enumerate(check_str_list("managed_policy_arns", args.get("managed_policy_arns") or []))
    ]
    if len(managed) > aws_facts.MAX_MANAGED_POLICIES:
        raise ValidationError("managed_policy_arns", f"{len(managed)} policies", "IAM attaches at most 20 managed policies to a role")
    return AwsSpec(
        source=source, audience=audience, role_name=role_name,
        role_path=aws_doc.check_role_path("role_path", args.get("role_path", aws_doc.DEFAULT_PATH)),
        provider_arn=when_known(args.get("oidc_provider_arn"),
                                lambda v: aws_doc.parse_oidc_provider_arn("oidc_provider_arn", v, placeholders), placeholders),
        statements=statements, managed_policy_arns=managed,
        permissions_boundary=when_known(args.get("permissions_boundary"),
                                        lambda v: aws_doc.check_managed_policy_arn("permissions_boundary", v, True), placeholders),
        max_session_duration=duration, allow_wildcards=allow, tags=dict(source.tags), placeholders=placeholders,
    )


def _check_aws_issuer(field_name: str, issuer: str) -> None:
    """An IAM OIDC provider's URL is at most 255 characters (the issuer has to fit it)."""
    if len(issuer) > facts.OIDC_PROVIDER_URL_MAX:
        raise ValidationError(field_name, issuer, f"an IAM OIDC provider's URL is at most {facts.OIDC_PROVIDER_URL_MAX} "
                              "characters, and it must be the token's issuer", "use an issuer with a shorter URL")


def check_audience(field_name: str, value: Any, limit: int) -> str:
    """An exact audience: a non-empty string without whitespace or wildcards, at most ``limit`` characters."""
    check_str(field_name, value)
    if not value or len(value) > limit or any(c.isspace() for c in value) or "*" in value:
        raise ValidationError(field_name, value, f"an audience is 1-{limit} characters, exact (no whitespace or '*')")
    return value


# -- Azure ---------------------------------------------------------------------------------------
@dataclass
class AzureSpec:
    """The validated shape of one ``AzureFederatedIdentity``; ``role_assignments``, ``allow_broad_roles`` and
    ``placeholders`` are what ``azure.args`` and ``AksFederatedIdentity._role_assignments`` read, reused here."""

    source: SourceSpec
    resource_group_name: Any
    location: Any = None
    identity_name: "str | None" = None
    existing_name: Any = None
    fic_names: list = field(default_factory=list)
    role_assignments: list = field(default_factory=list)
    allow_broad_roles: bool = False
    tags: dict = field(default_factory=dict)
    placeholders: bool = False


def azure_spec(args: Any, placeholders: bool = False) -> AzureSpec:
    """Validate ``AzureFederatedIdentityArgs`` (plain values now, Outputs when they resolve)."""
    args = _args(args, AzureFederatedIdentityArgs, "identity=..., oidc_issuer_url=..., resource_group_name=...")
    source = source_spec(args, "azure", placeholders)
    if len(source.subjects) > azure_facts.MAX_FICS_PER_IDENTITY:
        raise ValidationError("ci", f"{len(source.subjects)} subjects", f"Azure allows at most "
                              f"{azure_facts.MAX_FICS_PER_IDENTITY} federated identity credentials per managed identity",
                              "split the pipelines over several identities")
    azure_doc.check_tags("identity.tags", source.tags)
    spec = AzureSpec(source=source, resource_group_name=None, tags=dict(source.tags), placeholders=placeholders,
                     allow_broad_roles=check_bool("allow_broad_roles", args.get("allow_broad_roles", False)))
    ph = placeholders
    existing = args.get("existing_identity")
    if existing is not None:
        if not isinstance(existing, Mapping):
            raise ValidationError("existing_identity", existing, "must be a dict {name, resource_group_name}")
        reject_unknown_keys("existing_identity", existing, ExistingIdentity.__annotations__)
        refuse_with_existing(args, ("identity_name", "location"), "an identity", "existing_identity")
        spec.existing_name = when_known(require(existing, "name", "existing_identity"),
                                        lambda v: azure_doc.check_identity_name("existing_identity.name", v), ph)
        group = existing.get("resource_group_name") or require(args, "resource_group_name", "")
    else:
        group = require(args, "resource_group_name", "")
        spec.location = when_known(args.get("location"), lambda v: check_str("location", v), ph)
        name = args.get("identity_name")
        if name is not None:
            if is_unknown(name):
                raise ValidationError("identity_name", "<Output>", "must be a plain string (it names the identity)")
            spec.identity_name = azure_doc.check_identity_name("identity_name", name)
        else:
            spec.identity_name = azure_doc.derive_identity_name("wid", source.base_name)
    spec.resource_group_name = when_known(group, lambda v: azure_doc.check_resource_group("resource_group_name", v), ph)
    issuer = source.issuer
    spec.fic_names = [
        doc.azure_fic_name(s, issuer) if isinstance(issuer, str) else pulumi.Output.from_input(issuer).apply(
            lambda v, s=s: doc.azure_fic_name(s, v))
        for s in source.subjects
    ]
    azure_args._assignments_spec(args, spec)  # the Azure role rules, as AksFederatedIdentity applies them
    return spec


# -- GCP --------------------------------------------------------------------------------------------
@dataclass
class GcpSpec:
    """The validated shape of one ``GcpFederatedPrincipal``; ``project`` and ``placeholders`` are what
    ``gcp.args._grants_spec`` reads, reused here."""

    source: SourceSpec
    project: Any
    project_number: Any
    pool_id: str
    provider_id: str
    create_pool: bool = True
    create_provider: bool = True
    audience: "str | None" = None
    mode: str = "direct"
    account_id: "str | None" = None
    existing_email: Any = None
    grants: list = field(default_factory=list)
    config_map_name: "str | None" = None
    placeholders: bool = False


def gcp_spec(args: Any, placeholders: bool = False) -> GcpSpec:
    """Validate ``GcpFederatedPrincipalArgs`` (plain values now, Outputs when they resolve)."""
    args = _args(args, GcpFederatedPrincipalArgs, "identity=..., oidc_issuer_url=..., project=..., project_number=...")
    source = source_spec(args, "gcp", placeholders)
    for index, subject in enumerate(source.subjects):
        doc.check_gcp_subject("identity" if source.kind == "kubernetes" else f"ci[{index}]", subject)
    ph = placeholders
    project = known(require(args, "project", ""), lambda v: gcp_doc.check_project_id("project", v), ph)
    number = args.get("project_number")
    if number is None or number == "":
        raise ValidationError("project_number", number, "is required: the principal and the STS audience name the "
                              "project by NUMBER (a project id there fails with invalid_target)",
                              "gcloud projects describe <project> --format='value(projectNumber)'")
    number = known(number, lambda v: gcp_doc.check_project_number("project_number", v), ph)
    pool_id = doc.check_pool_id("pool_id", args["pool_id"]) if args.get("pool_id") is not None \
        else doc.derive_pool_id(f"wid-{source.base_name}")
    default_provider = {"github_actions": "github", "gitlab_ci": "gitlab"}.get(source.ci_provider or "")
    if args.get("provider_id") is not None:
        provider_id = doc.check_pool_id("provider_id", args["provider_id"], "pool provider")
    elif default_provider:
        provider_id = default_provider
    elif isinstance(source.issuer, str):
        provider_id = doc.derive_pool_id(f"k8s-{doc.source_kind(source.issuer)}")
    else:
        provider_id = "k8s"
    audience = args.get("audience")
    if audience is not None:
        check_audience("audience", audience, facts.GCP_AUDIENCE_MAX)
    mode = check_choice("mode", args.get("mode", "direct"), facts.GCP_MODES)
    spec = GcpSpec(
        source=source, project=project, project_number=number, pool_id=pool_id, provider_id=provider_id,
        create_pool=check_bool("create_pool", args.get("create_pool", True)),
        create_provider=check_bool("create_provider", args.get("create_provider", True)),
        audience=audience, mode=mode, placeholders=ph,
    )
    if spec.create_pool and not spec.create_provider:
        raise ValidationError("create_provider", False, "a pool the component creates has no provider yet",
                              "set create_pool=False to use an existing pool and provider")
    if mode == "direct":
        for key in ("account_id", "existing_service_account_email"):
            if args.get(key) is not None:
                raise ValidationError(key, args[key], "only applies when mode='service_account'",
                                      "drop it, or set mode='service_account'")
    elif args.get("existing_service_account_email") is not None:
        refuse_with_existing(args, ("account_id",), "a service account", "existing_service_account_email")
        spec.existing_email = known(
            args["existing_service_account_email"],
            lambda v: (gcp_doc.parse_service_account_email("existing_service_account_email", v), v)[1], ph)
    else:
        account_id = args.get("account_id")
        spec.account_id = gcp_doc.check_account_id("account_id", account_id) if account_id is not None \
            else gcp_doc.derive_account_id(source.base_name)
    if source.kind == "kubernetes":
        name = args.get("config_map_name") or f"{source.identity.service_account}-gcp-credentials"
        from ..validation import check_dns_subdomain
        spec.config_map_name = check_dns_subdomain("config_map_name", name)
    elif args.get("config_map_name") is not None:
        raise ValidationError("config_map_name", args["config_map_name"], "only applies to a Kubernetes source (identity)")
    spec.grants = gcp_args._grants_spec(
        args, spec, check_bool("allow_basic_roles", args.get("allow_basic_roles", False)),
        check_bool("allow_project_escalation_roles", args.get("allow_project_escalation_roles", False)),
    )
    return spec
