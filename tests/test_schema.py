"""The multi-language schema: Pulumi's own analyzer and schema generator run over the package.

The schema is what TypeScript, Go, .NET, Java and YAML programs see (their SDKs are
generated from it), so it is pinned here field by field, and the committed
``schema.json`` must match what the code generates: an API change shows up in review.
"""

import ast
import difflib
import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pulumi.provider.experimental.analyzer import Analyzer
from pulumi.provider.experimental.schema import generate_schema

import pulumi_wid
from pulumi_wid.aws.args import EksAssociation, EksTargetRole, EksTrustCondition
from pulumi_wid.aws.component import EksPodIdentity, EksPodIdentityArgs
from pulumi_wid.azure.component import (
    AksFederatedIdentity,
    AksFederatedIdentityArgs,
    AzureRoleAssignment,
    ExistingIdentity,
)
from pulumi_wid.federation.args import (
    AwsFederatedRoleArgs,
    AzureFederatedIdentityArgs,
    CiSource,
    GcpFederatedPrincipalArgs,
)
from pulumi_wid.federation.aws import AwsFederatedRole
from pulumi_wid.federation.azure import AzureFederatedIdentity
from pulumi_wid.federation.gcp import GcpFederatedPrincipal
from pulumi_wid.gcp.component import GcpBinding, GkeWorkloadIdentity, GkeWorkloadIdentityArgs
from pulumi_wid.identity import ServiceIdentity
from pulumi_wid.provider import PACKAGE, components, main, schema, schema_text

ROOT = Path(__file__).resolve().parent.parent
REGENERATE = "python -m pulumi_wid.provider --schema > schema.json"

# schema name -> (type, plain); "X" is a reference to wid:index:X, "any" is pulumi.json#/Any
INPUTS = {
    "wid:index:EksPodIdentity": {
        "identity": ("ServiceIdentity", True),
        "clusterName": ("string", False),
        "mode": ("string", True),
        "oidcProviderArn": ("string", False),
        "oidcIssuerUrl": ("string", False),
        "oidcProviderArns": ("array<string>", True),
        "oidcIssuerUrls": ("array<string>", True),
        "irsaSubjectPatterns": ("array<string>", True),
        "policyStatements": ("array<map<any>>", True),
        "managedPolicyArns": ("array<string>", True),
        "permissionsBoundary": ("string", False),
        "rolePath": ("string", True),
        "roleName": ("string", True),
        "maxSessionDuration": ("integer", True),
        "roleArn": ("string", False),
        "targetRoleArn": ("string", False),
        "disableSessionTags": ("boolean", True),
        "sessionPolicyStatements": ("array<map<any>>", True),
        "stsRegionalEndpoints": ("boolean", True),
        "tokenExpirationSeconds": ("integer", True),
        "allowWildcards": ("boolean", True),
        "preset": ("map<any>", True),
        "pinTrustToServiceAccount": ("boolean", True),
        "trustPolicyConditions": ("array<EksTrustCondition>", True),
        "associations": ("map<EksAssociation>", True),
        "targetRole": ("EksTargetRole", True),
    },
    "wid:index:AksFederatedIdentity": {
        "identity": ("ServiceIdentity", True),
        "resourceGroupName": ("string", False),
        "location": ("string", False),
        "oidcIssuerUrl": ("string", False),
        "oidcIssuerUrls": ("array<string>", True),
        "identityName": ("string", True),
        "existingIdentity": ("ExistingIdentity", True),
        "tenantId": ("string", False),
        "tokenExpirationSeconds": ("integer", True),
        "roleAssignments": ("array<AzureRoleAssignment>", True),
        "allowBroadRoles": ("boolean", True),
        "preset": ("map<any>", True),
    },
    "wid:index:GkeWorkloadIdentity": {
        "identity": ("ServiceIdentity", True),
        "project": ("string", False),
        "mode": ("string", True),
        "projectNumber": ("string", False),
        "gsaProject": ("string", False),
        "accountId": ("string", True),
        "existingServiceAccountEmail": ("string", False),
        "roles": ("array<string>", True),
        "bindings": ("array<GcpBinding>", True),
        "autopilot": ("boolean", True),
        "allowBasicRoles": ("boolean", True),
        "allowProjectEscalationRoles": ("boolean", True),
        "preset": ("map<any>", True),
    },
}
REQUIRED_INPUTS = {
    "wid:index:EksPodIdentity": ["clusterName", "identity"],
    # required unless existing_identity names its own resource group: checked by the component
    "wid:index:AksFederatedIdentity": ["identity"],
    "wid:index:GkeWorkloadIdentity": ["identity", "project"],
}
COMMON_OUTPUTS = {
    "serviceAccountName": "string",
    "namespace": "string",
    "serviceAccountAnnotations": "map<string>",
    "podTemplatePatch": "map<any>",
}
OUTPUTS = {
    "wid:index:EksPodIdentity": {
        "roleArn": "string", "roleName": "string", "trustPolicy": "string", "associationId": "string",
        "targetRoleArn": "string", **COMMON_OUTPUTS,
    },
    "wid:index:AksFederatedIdentity": {
        "clientId": "string", "principalId": "string", "tenantId": "string", "identityId": "string",
        "federatedCredentialNames": "array<string>", **COMMON_OUTPUTS,
    },
    "wid:index:GkeWorkloadIdentity": {"gcpServiceAccountEmail": "string", "member": "string", **COMMON_OUTPUTS},
}
OPTIONAL_OUTPUTS = {  # may be absent: the rest are always set
    "wid:index:EksPodIdentity": {"trustPolicy", "associationId", "targetRoleArn"},
    "wid:index:AksFederatedIdentity": set(),
    "wid:index:GkeWorkloadIdentity": {"gcpServiceAccountEmail"},
}
TYPES = {
    "wid:index:ServiceIdentity": {
        "namespace": ("string", True),
        "serviceAccount": ("string", True),
        "name": ("string", True),
        "serviceAccountMode": ("string", True),
        "labels": ("map<string>", True),
        "annotations": ("map<string>", True),
        "automountServiceAccountToken": ("boolean", True),
        "tags": ("map<string>", True),
    },
    "wid:index:ExistingIdentity": {"name": ("string", False), "resourceGroupName": ("string", False)},
    "wid:index:AzureRoleAssignment": {"role": ("string", False), "scope": ("string", False)},
    "wid:index:GcpBinding": {"role": ("string", False), "resourceType": ("string", True), "resource": ("string", False)},
    "wid:index:EksTrustCondition": {"test": ("string", True), "variable": ("string", True),
                                    "values": ("array<string>", True)},
    "wid:index:EksAssociation": {"clusterName": ("string", False)},
    "wid:index:EksTargetRole": {
        "provider": ("any", True),
        "policyStatements": ("array<map<any>>", True),
        "managedPolicyArns": ("array<string>", True),
        "permissionsBoundary": ("string", False),
        "roleName": ("string", True),
        "rolePath": ("string", True),
        "maxSessionDuration": ("integer", True),
    },
}
REQUIRED_TYPE_PROPERTIES = {
    "wid:index:ServiceIdentity": ["namespace", "serviceAccount"],
    "wid:index:ExistingIdentity": ["name"],
    "wid:index:AzureRoleAssignment": ["role", "scope"],
    "wid:index:GcpBinding": ["resource", "resourceType", "role"],
    "wid:index:EksTrustCondition": ["test", "values", "variable"],
    "wid:index:EksAssociation": ["clusterName"],
    "wid:index:EksTargetRole": [],
}
# Python class whose annotated fields (and their docstrings) each schema object comes from
SOURCES = {
    ("wid:index:EksPodIdentity", "inputProperties"): EksPodIdentityArgs,
    ("wid:index:EksPodIdentity", "properties"): EksPodIdentity,
    ("wid:index:AksFederatedIdentity", "inputProperties"): AksFederatedIdentityArgs,
    ("wid:index:AksFederatedIdentity", "properties"): AksFederatedIdentity,
    ("wid:index:GkeWorkloadIdentity", "inputProperties"): GkeWorkloadIdentityArgs,
    ("wid:index:GkeWorkloadIdentity", "properties"): GkeWorkloadIdentity,
    ("wid:index:ServiceIdentity", "properties"): ServiceIdentity,
    ("wid:index:ExistingIdentity", "properties"): ExistingIdentity,
    ("wid:index:AzureRoleAssignment", "properties"): AzureRoleAssignment,
    ("wid:index:GcpBinding", "properties"): GcpBinding,
    ("wid:index:EksTrustCondition", "properties"): EksTrustCondition,
    ("wid:index:EksAssociation", "properties"): EksAssociation,
    ("wid:index:EksTargetRole", "properties"): EksTargetRole,
}

# Cross-cloud federation and keyless CI (pulumi_wid.federation): a source is identity + oidc_issuer_url
# or ci, so identity is not a required input of these three.
FEDERATED_SOURCE_INPUTS = {
    "identity": ("ServiceIdentity", True), "oidcIssuerUrl": ("string", False), "ci": ("array<CiSource>", True),
}
FEDERATED_OUTPUTS = {"issuerUrl": "string", "subjects": "array<string>", "audience": "string", **COMMON_OUTPUTS,
                     "ciSettings": "map<string>"}
FEDERATED_OPTIONAL = {"serviceAccountName", "namespace", "podTemplatePatch", "ciSettings"}
INPUTS.update({
    "wid:index:AwsFederatedRole": {
        **FEDERATED_SOURCE_INPUTS, "audience": ("string", True), "tokenExpirationSeconds": ("integer", True),
        "oidcProviderArn": ("string", False), "policyStatements": ("array<map<any>>", True),
        "managedPolicyArns": ("array<string>", True), "permissionsBoundary": ("string", False),
        "roleName": ("string", True), "rolePath": ("string", True), "maxSessionDuration": ("integer", True),
        "allowWildcards": ("boolean", True), "allowSubjectWildcards": ("boolean", True),
    },
    "wid:index:AzureFederatedIdentity": {
        **FEDERATED_SOURCE_INPUTS, "tokenExpirationSeconds": ("integer", True), "resourceGroupName": ("string", False),
        "location": ("string", False), "identityName": ("string", True), "existingIdentity": ("ExistingIdentity", True),
        "roleAssignments": ("array<AzureRoleAssignment>", True), "allowBroadRoles": ("boolean", True),
    },
    "wid:index:GcpFederatedPrincipal": {
        **FEDERATED_SOURCE_INPUTS, "project": ("string", False), "projectNumber": ("string", False),
        "poolId": ("string", True), "providerId": ("string", True), "createPool": ("boolean", True),
        "createProvider": ("boolean", True), "audience": ("string", True), "tokenExpirationSeconds": ("integer", True),
        "mode": ("string", True), "accountId": ("string", True), "existingServiceAccountEmail": ("string", False),
        "roles": ("array<string>", True), "bindings": ("array<GcpBinding>", True), "configMapName": ("string", True),
        "allowBasicRoles": ("boolean", True), "allowProjectEscalationRoles": ("boolean", True),
    },
})
REQUIRED_INPUTS.update({
    "wid:index:AwsFederatedRole": [],
    "wid:index:AzureFederatedIdentity": [],
    "wid:index:GcpFederatedPrincipal": ["project", "projectNumber"],
})
OUTPUTS.update({
    "wid:index:AwsFederatedRole": {"roleArn": "string", "roleName": "string", "oidcProviderArn": "string",
                                   "trustPolicy": "string", **FEDERATED_OUTPUTS},
    "wid:index:AzureFederatedIdentity": {"clientId": "string", "principalId": "string", "tenantId": "string",
                                         "identityId": "string", "federatedCredentialNames": "array<string>",
                                         **FEDERATED_OUTPUTS},
    "wid:index:GcpFederatedPrincipal": {"providerName": "string", "members": "array<string>",
                                        "gcpServiceAccountEmail": "string", "credentialConfiguration": "string",
                                        "configMapName": "string", **FEDERATED_OUTPUTS},
})
OPTIONAL_OUTPUTS.update({
    "wid:index:AwsFederatedRole": FEDERATED_OPTIONAL,
    "wid:index:AzureFederatedIdentity": FEDERATED_OPTIONAL,
    "wid:index:GcpFederatedPrincipal": FEDERATED_OPTIONAL | {"gcpServiceAccountEmail", "credentialConfiguration",
                                                             "configMapName"},
})
TYPES["wid:index:CiSource"] = {
    "provider": ("string", True), "repository": ("string", True), "ownerId": ("string", True),
    "repositoryId": ("string", True), "branch": ("string", True), "tag": ("string", True),
    "environment": ("string", True), "pullRequest": ("boolean", True), "subject": ("string", True),
    "issuerUrl": ("string", True),
}
REQUIRED_TYPE_PROPERTIES["wid:index:CiSource"] = ["provider", "repository"]
SOURCES.update({
    ("wid:index:AwsFederatedRole", "inputProperties"): AwsFederatedRoleArgs,
    ("wid:index:AwsFederatedRole", "properties"): AwsFederatedRole,
    ("wid:index:AzureFederatedIdentity", "inputProperties"): AzureFederatedIdentityArgs,
    ("wid:index:AzureFederatedIdentity", "properties"): AzureFederatedIdentity,
    ("wid:index:GcpFederatedPrincipal", "inputProperties"): GcpFederatedPrincipalArgs,
    ("wid:index:GcpFederatedPrincipal", "properties"): GcpFederatedPrincipal,
    ("wid:index:CiSource", "properties"): CiSource,
})
FEDERATED = {"wid:index:AwsFederatedRole", "wid:index:AzureFederatedIdentity", "wid:index:GcpFederatedPrincipal"}


@pytest.fixture(scope="module")
def generated():
    """Pulumi's analyzer and schema generator, called directly (not through pulumi_wid.provider)."""
    result = Analyzer(PACKAGE).analyze(components())
    spec = generate_schema(
        PACKAGE, pulumi_wid.__version__, None, result["component_definitions"], result["type_definitions"],
        sorted(result["dependencies"], key=lambda d: f"{d.name}{d.version}"),
    )
    return json.loads(json.dumps(spec.to_json())), result


def kind(prop):
    """A compact, exact spelling of a schema property's type."""
    if "$ref" in prop:
        ref = prop["$ref"]
        assert ref == "pulumi.json#/Any" or ref.startswith(f"#/types/{PACKAGE}:index:"), ref
        return "any" if ref == "pulumi.json#/Any" else ref.rsplit(":", 1)[-1]
    if prop["type"] == "array":
        return f"array<{kind(prop['items'])}>"
    if prop["type"] == "object":
        return f"map<{kind(prop['additionalProperties'])}>"
    return prop["type"]


def documented_fields(cls):
    """``{field: docstring}`` read from the class source on its own: the literal after each annotation."""
    tree = ast.parse(Path(inspect.getsourcefile(cls)).read_text())
    node = next(n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == cls.__name__)
    docs = {}
    for stmt, following in zip(node.body, [*node.body[1:], None], strict=True):
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            has_doc = (isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant)
                       and isinstance(following.value.value, str))
            docs[stmt.target.id] = following.value.value if has_doc else None
    return docs


def camel(name):
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def test_package_identity(generated):
    spec, _ = generated
    assert spec["name"] == "wid"
    assert spec["version"] == pulumi_wid.__version__ == "0.1.0"
    assert spec["dependencies"] == []  # no resource references to other packages in the API


def test_the_three_components_and_only_them(generated):
    spec, _ = generated
    assert sorted(spec["resources"]) == sorted(INPUTS)
    for token, resource in spec["resources"].items():
        assert resource["isComponent"] is True
        assert token.split(":") == ["wid", "index", token.rsplit(":", 1)[-1]]


@pytest.mark.parametrize("token", sorted(INPUTS))
def test_inputs_types_plainness_and_required(generated, token):
    resource = generated[0]["resources"][token]
    assert {name: (kind(p), p.get("plain", False)) for name, p in resource["inputProperties"].items()} == INPUTS[token]
    assert resource["requiredInputs"] == REQUIRED_INPUTS[token]


@pytest.mark.parametrize("token", sorted(OUTPUTS))
def test_outputs_and_which_are_always_set(generated, token):
    resource = generated[0]["resources"][token]
    assert {name: kind(p) for name, p in resource["properties"].items()} == OUTPUTS[token]
    assert not any(p.get("plain") for p in resource["properties"].values())  # outputs are never plain
    assert resource["required"] == sorted(set(OUTPUTS[token]) - OPTIONAL_OUTPUTS[token])


def test_nested_types(generated):
    types = generated[0]["types"]
    assert sorted(types) == sorted(TYPES)
    for token, expected in TYPES.items():
        assert types[token]["type"] == "object"
        assert {name: (kind(p), p.get("plain", False)) for name, p in types[token]["properties"].items()} == expected
        assert types[token].get("required", []) == REQUIRED_TYPE_PROPERTIES[token]


def test_service_identity_is_the_nested_type_of_every_component(generated):
    spec, _ = generated
    identity = spec["types"]["wid:index:ServiceIdentity"]
    assert identity["description"] == ServiceIdentity.__doc__
    for token, resource in spec["resources"].items():
        assert resource["inputProperties"]["identity"]["$ref"] == "#/types/wid:index:ServiceIdentity"
        assert ("identity" in resource["requiredInputs"]) == (token not in FEDERATED)  # federated: identity or ci


@pytest.mark.parametrize(("token", "section"), sorted(SOURCES))
def test_every_field_has_its_own_docstring_as_description(generated, token, section):
    spec, _ = generated
    obj = spec["resources"].get(token) or spec["types"][token]
    docs = documented_fields(SOURCES[token, section])
    missing = sorted(name for name, doc in docs.items() if not doc)
    assert missing == [], f"{SOURCES[token, section].__name__}: no docstring after {missing}"
    described = {name: prop.get("description") for name, prop in obj[section].items()}
    assert described == {camel(name): doc for name, doc in docs.items()}


@pytest.mark.parametrize("token", sorted(INPUTS))
def test_component_descriptions_are_the_class_docstrings(generated, token):
    cls = {c.__name__: c for c in components()}[token.rsplit(":", 1)[-1]]
    assert generated[0]["resources"][token]["description"] == cls.__doc__.strip()


def test_schema_names_map_back_to_the_python_keys(generated):
    """The engine's camelCase keys reach each component under its TypedDict's snake_case keys."""
    _, result = generated
    args = {"EksPodIdentity": EksPodIdentityArgs, "AksFederatedIdentity": AksFederatedIdentityArgs,
            "GkeWorkloadIdentity": GkeWorkloadIdentityArgs, "AwsFederatedRole": AwsFederatedRoleArgs,
            "AzureFederatedIdentity": AzureFederatedIdentityArgs, "GcpFederatedPrincipal": GcpFederatedPrincipalArgs}
    for name, definition in result["component_definitions"].items():
        assert sorted(definition.inputs_mapping.values()) == sorted(args[name].__annotations__)
    identity = result["type_definitions"]["ServiceIdentity"]
    assert identity.properties_mapping == {camel(k): k for k in ServiceIdentity.__annotations__}
    assert identity.properties_mapping["serviceAccount"] == "service_account"


def test_provider_serves_the_same_schema(generated):
    assert schema() == generated[0]


def test_committed_schema_matches_the_code():
    committed = (ROOT / "schema.json").read_text()
    current = schema_text()
    if committed != current:
        diff = "".join(difflib.unified_diff(
            committed.splitlines(keepends=True), current.splitlines(keepends=True),
            "schema.json (committed)", "schema.json (generated from the code)",
        ))
        pytest.fail(f"schema.json is out of date with the code; review the diff and run `{REGENERATE}`:\n{diff}")


def test_schema_flag_prints_the_schema(capsys):
    main(["--schema"])
    assert capsys.readouterr().out == schema_text()


def test_main_serves_the_wid_provider(monkeypatch):
    served = {}
    monkeypatch.setattr("pulumi.provider.main", lambda provider, args: served.update(provider=provider, args=args))
    main(["127.0.0.1:12345", "--logtostderr"])
    assert served["args"] == ["127.0.0.1:12345", "--logtostderr"]
    assert type(served["provider"]).__name__ == "WidComponentProvider"
    assert json.loads(served["provider"].schema) == schema()
    assert served["provider"].version == pulumi_wid.__version__


def test_plugin_entry_point_runs_the_provider():
    """``PulumiPlugin.yaml`` says python; the language host runs the directory's ``__main__.py``."""
    assert yaml.safe_load((ROOT / "PulumiPlugin.yaml").read_text())["runtime"]["name"] == "python"
    out = subprocess.run([sys.executable, str(ROOT), "--schema"], capture_output=True, text=True, check=True,
                         cwd=ROOT.parent)
    assert out.stdout == schema_text()


def test_plugin_requirements_follow_pyproject():
    """The plugin's requirements.txt: the core dependencies plus every cloud extra, same ranges."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    expected = [d for d in project["dependencies"] if "python_version" not in d]
    expected += extras["aws"] + extras["azure"] + extras["gcp"]
    lines = [line for line in (ROOT / "requirements.txt").read_text().splitlines()
             if line and not line.startswith("#")]
    assert lines == expected
