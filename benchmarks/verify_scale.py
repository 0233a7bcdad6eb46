"""verify at scale: a generated export of N resources (N/2 IRSA chains: role + ServiceAccount,
plus the cluster, its OIDC provider and Kubernetes provider), timed and traced for memory.

    python benchmarks/verify_scale.py [N ...]      # default: 5000 10000 20000

Prints resources, chains, seconds and peak MiB per size, and the time ratio to the first
size over the size ratio (1.0 = linear). Run by `make bench`; no test depends on timing.
"""

from __future__ import annotations

import json
import sys
import time
import tracemalloc

from pulumi_wid.verify import verify_resources
from pulumi_wid.verify.state import parse_deployment

ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/ABC"
PROVIDER = f"arn:aws:iam::111122223333:oidc-provider/{ISSUER}"


def _res(kind: str, name: str, outputs: dict, **extra) -> dict:
    return {"urn": f"urn:pulumi:prod::big::{kind}::{name}", "type": kind, "custom": True, "inputs": {},
            "outputs": outputs, **extra}


def export(n: int) -> dict:
    cluster = _res("aws:eks/cluster:Cluster", "eks", {"name": "prod", "identities": [{"oidcs": [{"issuer": f"https://{ISSUER}"}]}]})
    k8s = _res("pulumi:providers:kubernetes", "k8s", {}, id="pid", dependencies=[cluster["urn"]])
    resources = [cluster, k8s, _res("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "oidc",
                                    {"arn": PROVIDER, "clientIdLists": ["sts.amazonaws.com"]})]
    for i in range((n - 3) // 2):
        arn = f"arn:aws:iam::111122223333:role/app-{i}"
        trust = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity", "Principal": {"Federated": PROVIDER},
            "Condition": {"StringEquals": {f"{ISSUER}:sub": f"system:serviceaccount:ns-{i % 50}:app-{i}",
                                           f"{ISSUER}:aud": "sts.amazonaws.com"}}}]}
        resources.append(_res("aws:iam/role:Role", f"role-{i}", {"arn": arn, "assumeRolePolicy": json.dumps(trust)}))
        resources.append(_res("kubernetes:core/v1:ServiceAccount", f"sa-{i}", {"metadata": {
            "name": f"app-{i}", "namespace": f"ns-{i % 50}", "annotations": {"eks.amazonaws.com/role-arn": arn}}},
            provider=f"{k8s['urn']}::pid"))
    return {"version": 3, "deployment": {"resources": resources}}


def measure(n: int) -> tuple[int, int, float, float]:
    doc = export(n)
    start = time.perf_counter()
    chains = verify_resources(parse_deployment(doc["deployment"], "bench"))
    seconds = time.perf_counter() - start
    tracemalloc.start()  # a second run for memory: tracing slows the first one's clock
    verify_resources(parse_deployment(doc["deployment"], "bench"))
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    assert all(c.status == "PASS" for c in chains), "the generated chains must all PASS"
    return len(doc["deployment"]["resources"]), len(chains), seconds, peak


def main(sizes: list[int]) -> None:
    print("| resources | chains | seconds | peak MiB (traced) | time ratio / size ratio |")
    print("| --- | --- | --- | --- | --- |")
    base = None
    for n in sizes:
        resources, chains, seconds, peak = measure(n)
        base = base or (resources, seconds)
        growth = (seconds / base[1]) / (resources / base[0])
        print(f"| {resources} | {chains} | {seconds:.2f} | {peak:.1f} | {growth:.2f} |")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [5000, 10000, 20000])
