"""pod_identity_agent: the eks-pod-identity-agent add-on, once per cluster (issue 14, item 7)."""

from types import SimpleNamespace

import pulumi
import pulumi_aws as aws
import pytest

from pulumi_wid import EksPodIdentity, ValidationError
from pulumi_wid.aws import pod_identity_agent
from pulumi_wid.verify import PASS, verify_resources
from pulumi_wid.verify.model import from_plan

ADDON = "aws:eks/addon:Addon"
IDENTITY = {"namespace": "apps", "service_account": "api"}


def stack(mocks, with_agent):
    def program():
        cluster = aws.eks.Cluster("prod", name="prod", role_arn="arn:aws:iam::123456789012:role/eks",
                                  vpc_config={"subnet_ids": ["subnet-1", "subnet-2"]})
        if with_agent:
            pod_identity_agent("prod-pod-identity-agent", cluster.name)
        EksPodIdentity("api", {"identity": {**IDENTITY, "service_account_mode": "none"}, "cluster_name": cluster.name})

    mocks.run(program)
    [chain] = verify_resources(from_plan(SimpleNamespace(resources=mocks.resources,
                                                         component_outputs=mocks.component_outputs)))
    return chain


def test_the_agent_add_on_is_declared_with_its_exact_name(wid_mocks):
    wid_mocks.run(lambda: pod_identity_agent("agent", "prod", addon_version="v1.3.4-eksbuild.1"))
    addon = wid_mocks.one(ADDON)
    assert addon.inputs == {"clusterName": "prod", "addonName": "eks-pod-identity-agent",
                            "addonVersion": "v1.3.4-eksbuild.1"}


def test_verify_warns_without_the_agent_and_not_with_it(wid_mocks):
    chain = stack(wid_mocks, with_agent=False)
    assert any("has no eks-pod-identity-agent add-on" in note for note in chain.notes)


def test_with_the_agent_there_is_no_warning(wid_mocks):
    chain = stack(wid_mocks, with_agent=True)
    assert chain.status == PASS
    assert not any("eks-pod-identity-agent" in note for note in chain.notes)


def test_a_second_agent_for_the_same_cluster_is_refused(wid_mocks):
    def program():
        pod_identity_agent("agent", "prod")
        pod_identity_agent("agent-again", "prod")

    with pytest.raises(ValidationError, match="already has the eks-pod-identity-agent") as err:
        wid_mocks.run(program)
    assert err.value.field == "cluster_name"
    assert len(wid_mocks.of_type(ADDON)) == 1


def test_one_agent_per_cluster_and_per_provider(wid_mocks):
    def program():
        pod_identity_agent("prod", "prod")
        pod_identity_agent("staging", "staging")
        eu = aws.Provider("eu", region="eu-west-1")
        pod_identity_agent("prod-eu", "prod", opts=pulumi.ResourceOptions(provider=eu))

    wid_mocks.run(program)
    assert sorted(r.name for r in wid_mocks.of_type(ADDON)) == ["prod", "prod-eu", "staging"]


def test_a_bad_cluster_name_is_refused_before_registration(wid_mocks):
    with pytest.raises(ValidationError, match="EKS cluster name"):
        wid_mocks.run(lambda: pod_identity_agent("agent", "bad name"))
    assert wid_mocks.of_type(ADDON) == []
