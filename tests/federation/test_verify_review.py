"""Adversarial review of verify's CI and cross-cloud chains: trusts a reviewer expects to FAIL."""

import json

import pytest

from pulumi_wid import AwsFederatedRole
from pulumi_wid.verify import FAIL, PASS, from_plan, verify_resources
from pulumi_wid.verify.state import parse_deployment

GH = "token.actions.githubusercontent.com"
GH_ARN = f"arn:aws:iam::111122223333:oidc-provider/{GH}"
ROLE_ARN = "arn:aws:iam::111122223333:role/deploy"
EXACT = "repo:octo-org/deploy:ref:refs/heads/main"


def _res(kind: str, name: str, outputs: dict) -> dict:
    return {"urn": f"urn:pulumi:prod::shop::{kind}::{name}", "type": kind, "custom": True, "inputs": {},
            "outputs": outputs}


def ci_role(condition: dict, *extra: dict) -> list[dict]:
    """A role written by hand that trusts GitHub Actions, and the account's OIDC provider for it."""
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Federated": GH_ARN}, "Action": "sts:AssumeRoleWithWebIdentity",
         "Condition": condition}, *extra]}
    return [_res("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "gh",
                 {"arn": GH_ARN, "url": f"https://{GH}", "clientIdLists": ["sts.amazonaws.com"]}),
            _res("aws:iam/role:Role", "deploy", {"arn": ROLE_ARN, "assumeRolePolicy": json.dumps(trust)})]


def chain_of(stack: list[dict]):
    chain, = verify_resources(parse_deployment({"resources": stack}, "test"))
    return chain


AUD = {f"{GH}:aud": "sts.amazonaws.com"}


def test_exact_ci_trust_passes():
    assert chain_of(ci_role({"StringEquals": {**AUD, f"{GH}:sub": EXACT}})).status == PASS


@pytest.mark.parametrize("pattern", ["*", "repo:*", "repo:octo-org/*", "repo:octo-org/deploy:environment:*",
                                     "repo:octo-org/deploy:ref:refs/heads/releas?"])
def test_ci_trust_with_only_a_wildcard_subject_fails(pattern):
    # GIVEN a hand-written CI trust whose only :sub is a pattern
    chain = chain_of(ci_role({"StringEquals": AUD, "StringLike": {f"{GH}:sub": pattern}}))
    # THEN a token with another subject the pattern admits is accepted: FAIL, naming the pattern
    assert chain.status == FAIL
    sample = pattern.replace("*", "x").replace("?", "x")
    assert [p.description for p in chain.probes if p.accepted] == [f"subject {sample} (admitted by the pattern {pattern})"]


def test_ci_trust_with_an_exclusion_pattern_beside_the_exact_subject_passes():
    chain = chain_of(ci_role({"StringEquals": {**AUD, f"{GH}:sub": EXACT},
                              "StringNotLike": {f"{GH}:sub": "repo:octo-org/deploy:pull_request*"}}))
    assert chain.status == PASS
    assert any(p.description.startswith("subject repo:octo-org/deploy:pull_requestx") and p.accepted is False
               for p in chain.probes)


@pytest.mark.parametrize("principal", [{"AWS": "*"}, "*", {"AWS": "arn:aws:iam::999999999999:root"},
                                       {"Service": "ec2.amazonaws.com"}])
def test_ci_trust_with_another_principal_fails(principal):
    chain = chain_of(ci_role({"StringEquals": {**AUD, f"{GH}:sub": EXACT}},
                             {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}))
    assert chain.status == FAIL
    assert [p.description for p in chain.probes if p.accepted] == ["another principal than the issuer's OIDC provider"]


def test_federated_role_component_with_another_principal_fails(wid_mocks):
    from types import SimpleNamespace

    wid_mocks.run(lambda: AwsFederatedRole("x", {"ci": [{"provider": "github_actions", "repository": "octo-org/deploy",
                                                           "branch": "main"}]}))
    resources = from_plan(SimpleNamespace(resources=wid_mocks.resources, component_outputs=wid_mocks.component_outputs))
    role = next(r for r in resources if r.type == "aws:iam/role:Role")
    trust = json.loads(role.outputs["assumeRolePolicy"])
    trust["Statement"].append({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"})
    role.outputs["assumeRolePolicy"] = json.dumps(trust)
    chain, = verify_resources(resources)
    assert chain.status == FAIL
    assert [p.description for p in chain.probes if p.accepted] == ["another principal than the issuer's OIDC provider"]
