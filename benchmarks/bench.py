"""Benchmark: what pulumi-wid's components cost against the same resources written by hand.

    python benchmarks/bench.py            # full run (about 15-17 minutes on 2 cores)
    python benchmarks/bench.py --quick    # fewer repetitions, N = 10 and 100 only
    python benchmarks/bench.py --json out.json
    python benchmarks/bench.py --only instructions   # instruction counts alone (valgrind)

Every measurement runs in a fresh subprocess (``--worker SCENARIO_JSON``), so
import caches, the IAM database cache and Pulumi's runtime state never leak
from one measurement into the next. The worker prints one JSON line back.

Scale scenarios (under the mock runtime, ``pulumi_wid.testing.WidMocks``):
for N identities per cloud (aws, azure, gcp, and "all" = N of each), three
programs are run alternately and the table reports medians:

- component: the package's components;
- baseline: the same resources and output wiring written by hand;
- floor: the baseline's resources, each identity's inside a bare
  ``ComponentResource`` (children parented to it, one registered output). It
  is what Pulumi's component mechanism costs by itself, so component/floor is
  what pulumi-wid adds (validation, its outputs, ordering) and floor/baseline
  what any component costs.

The worker imports every SDK the program uses before it starts the clock, so
the scale figures measure building and registering the resources (import cost
is measured on its own). The IAM index cache (``PULUMI_WID_CACHE_DIR``) is
warmed once before the first measurement, as it is on any machine after the
package's first run.

- wall: ``time.perf_counter`` around ``mocks.run(program)`` (the program and
  the wait for every registration to finish).
- rss: ``ru_maxrss`` after the run minus ``ru_maxrss`` before it (growth of
  the process's peak resident set, MiB; 0 when the run stays under the
  import-time peak). Taken in the timed runs.
- tm peak: ``tracemalloc`` peak of the run (MiB of Python allocations, traced
  from just before the program to its end), in one extra untimed run of the
  component program per single-cloud scenario (tracemalloc slows Python down,
  so it never runs in timed runs).
- Rounds per scenario (one run of each program): 5 at N=10, 3 at N=100 and
  N=1000, except azure at N=1000 (2 rounds, ~30 s a run) and "all" at N=1000
  (1 round, ~1 minute a run),
  which keeps a full run near 15-17 minutes on 2 cores (``--quick``: N=10 and
  100, 3 rounds, about 5 minutes).

Instruction counts (``--instructions``, or ``--only instructions``; needs
valgrind): each program at N=1 and N=101 per cloud under ``valgrind
--tool=cachegrind`` with the garbage collector off; (I(101) - I(1)) / 100 is
the work per identity, the same on every run and every machine load. Wall
time on a shared 2-core VM moves by +-10-15% between identical runs, so these
counts are what to compare two versions of the code with; they leave out the
collector's share, which the wall figures hold.

Nothing here is part of the test suite; the script prints a table and exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLOUDS = ("aws", "azure", "gcp", "all")
SDKS = ("pulumi_aws", "pulumi_azure_native", "pulumi_gcp")
SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
ISSUER = "https://eastus.oic.prod-aks.azure.com/11111111-1111-1111-1111-111111111111/4b2d6c0e-3a0b-4d35-9a67-1f1c8e7a2d10/"
BLOB_DATA_READER = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"
PROJECT = "my-project"

# --------------------------------------------------------------------------------
# Programs: the component way and the by-hand way, resource for resource.
# --------------------------------------------------------------------------------


def _storage_account(i: int) -> str:
    return (
        f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg/providers/"
        f"Microsoft.Storage/storageAccounts/acct{i}"
    )


def _providers(cloud: str) -> dict:
    """Explicit providers, as the package asks callers to pass (same ones in both programs)."""
    import pulumi_kubernetes as k8s

    found = {"k8s": k8s.Provider("k8s")}
    if cloud in ("aws", "all"):
        import pulumi_aws as aws

        found["aws"] = aws.Provider("aws", region="us-east-1")
    if cloud in ("azure", "all"):
        import pulumi_azure_native as azure_native

        found["azure"] = azure_native.Provider("azure", subscription_id=SUBSCRIPTION)
    if cloud in ("gcp", "all"):
        import pulumi_gcp as gcp

        found["gcp"] = gcp.Provider("gcp", project=PROJECT)
    return found


def component_program(cloud: str, n: int):
    import pulumi

    from pulumi_wid import AksFederatedIdentity, EksPodIdentity, GkeWorkloadIdentity

    def program() -> None:
        p = _providers(cloud)
        opts = {c: pulumi.ResourceOptions(providers=[p[c], p["k8s"]]) for c in ("aws", "azure", "gcp") if c in p}
        for i in range(n):
            ident = {"namespace": f"team{i}", "service_account": "api"}
            if cloud in ("aws", "all"):
                EksPodIdentity(f"app{i}-eks", {
                    "identity": ident,
                    "cluster_name": "prod",
                    "policy_statements": [
                        {"Action": ["s3:GetObject"], "Resource": [f"arn:aws:s3:::bucket-{i}/*"]},
                    ],
                }, opts["aws"])
            if cloud in ("azure", "all"):
                AksFederatedIdentity(f"app{i}-aks", {
                    "identity": ident,
                    "resource_group_name": "rg",
                    "location": "eastus",
                    "oidc_issuer_url": ISSUER,
                    "role_assignments": [{"role": "Storage Blob Data Reader", "scope": _storage_account(i)}],
                }, opts["azure"])
            if cloud in ("gcp", "all"):
                GkeWorkloadIdentity(f"app{i}-gke", {
                    "identity": ident,
                    "project": PROJECT,
                    "account_id": f"team{i}-api",  # one GSA per namespace, as the baseline names them
                    "bindings": [{"role": "roles/storage.objectViewer", "resource_type": "storage_bucket",
                                  "resource": f"bucket-{i}"}],
                }, opts["gcp"])

    return program


def _by_hand(cloud: str, i: int, opts: dict):
    """Identity ``i`` of ``cloud`` written by hand: its resources and output wiring, as a user
    would write them without the package. ``opts[c]`` are the options of cloud ``c``'s
    resources and ``opts["k8s"]`` the ServiceAccount's. Returns the value a component of
    these resources would register as its output (role ARN, client id, e-mail)."""
    import pulumi
    import pulumi_kubernetes as k8s

    ns, sa = f"team{i}", "api"
    if cloud == "aws":
        import pulumi_aws as aws

        name = f"app{i}-eks"
        trust = json.dumps({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"Service": "pods.eks.amazonaws.com"},
                "Action": ["sts:AssumeRole", "sts:TagSession"],
            }],
        })
        role = aws.iam.Role(f"{name}-role", name=f"{ns}-{sa}", assume_role_policy=trust, opts=opts["aws"])
        aws.iam.RolePolicy(
            f"{name}-policy",
            role=role.id,
            name=f"{ns}-{sa}",
            policy=json.dumps({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"],
                               "Resource": [f"arn:aws:s3:::bucket-{i}/*"]}],
            }),
            opts=opts["aws"],
        )
        aws.eks.PodIdentityAssociation(
            f"{name}-association", cluster_name="prod", namespace=ns, service_account=sa,
            role_arn=role.arn, opts=opts["aws"],
        )
        k8s.core.v1.ServiceAccount(f"{name}-service-account", metadata={"name": sa, "namespace": ns},
                                   opts=opts["k8s"])
        return role.arn
    if cloud == "azure":
        import pulumi_azure_native as azure_native

        name = f"app{i}-aks"
        uami = azure_native.managedidentity.UserAssignedIdentity(
            f"{name}-identity", resource_name_=f"{ns}-{sa}", resource_group_name="rg", location="eastus",
            opts=opts["azure"],
        )
        azure_native.managedidentity.FederatedIdentityCredential(
            f"{name}-federated-credential",
            resource_name_=uami.name,
            resource_group_name="rg",
            federated_identity_credential_resource_name=f"{ns}-{sa}",
            issuer=ISSUER,
            subject=f"system:serviceaccount:{ns}:{sa}",
            audiences=["api://AzureADTokenExchange"],
            opts=opts["azure"],
        )
        azure_native.authorization.RoleAssignment(
            f"{name}-role-assignment",
            principal_id=uami.principal_id,
            principal_type="ServicePrincipal",
            role_definition_id=(
                f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Authorization/"
                f"roleDefinitions/{BLOB_DATA_READER}"
            ),
            scope=_storage_account(i),
            opts=opts["azure"],
        )
        k8s.core.v1.ServiceAccount(f"{name}-service-account", metadata={
            "name": sa, "namespace": ns,
            "annotations": {"azure.workload.identity/client-id": uami.client_id},
        }, opts=opts["k8s"])
        return uami.client_id
    import pulumi_gcp as gcp

    name = f"app{i}-gke"
    account = gcp.serviceaccount.Account(
        f"{name}-gsa", account_id=f"{ns}-{sa}", project=PROJECT,
        display_name=f"GKE workload {ns}/{sa}", opts=opts["gcp"],
    )
    gcp.serviceaccount.IAMMember(
        f"{name}-workload-identity-user",
        service_account_id=account.name,
        role="roles/iam.workloadIdentityUser",
        member=f"serviceAccount:{PROJECT}.svc.id.goog[{ns}/{sa}]",
        opts=opts["gcp"],
    )
    gcp.storage.BucketIAMMember(
        f"{name}-bucket", bucket=f"bucket-{i}", role="roles/storage.objectViewer",
        member=pulumi.Output.concat("serviceAccount:", account.email),
        opts=opts["gcp"],
    )
    k8s.core.v1.ServiceAccount(f"{name}-service-account", metadata={
        "name": sa, "namespace": ns,
        "annotations": {"iam.gke.io/gcp-service-account": account.email},
    }, opts=opts["k8s"])
    return account.email


def _clouds(cloud: str) -> tuple[str, ...]:
    return ("aws", "azure", "gcp") if cloud == "all" else (cloud,)


def baseline_program(cloud: str, n: int):
    """The same resources and output wiring, written the way a user would without the package."""
    import pulumi

    def program() -> None:
        p = _providers(cloud)
        opts = {c: pulumi.ResourceOptions(provider=p[c]) for c in p}
        for i in range(n):
            for c in _clouds(cloud):
                _by_hand(c, i, opts)

    return program


def floor_program(cloud: str, n: int):
    """The baseline's resources, each identity's inside a bare component of its own.

    What Pulumi's component mechanism costs by itself (one more resource per identity,
    children parented to it, one registered output): the floor under any component
    package, measured to tell it apart from what pulumi-wid adds on top.
    """
    import pulumi

    class Bare(pulumi.ComponentResource):
        def __init__(self, token: str, name: str, cloud: str, i: int, opts: pulumi.ResourceOptions) -> None:
            super().__init__(token, name, {}, opts)
            child = pulumi.ResourceOptions(parent=self)
            output = _by_hand(cloud, i, {"aws": child, "azure": child, "gcp": child, "k8s": child})
            self.register_outputs({"output": output})

    tokens = {"aws": ("bench:index:Eks", "eks"), "azure": ("bench:index:Aks", "aks"), "gcp": ("bench:index:Gke", "gke")}

    def program() -> None:
        p = _providers(cloud)
        opts = {c: pulumi.ResourceOptions(providers=[p[c], p["k8s"]]) for c in _clouds(cloud)}
        for i in range(n):
            for c in _clouds(cloud):
                token, short = tokens[c]
                Bare(token, f"app{i}-{short}", c, i, opts[c])

    return program


# --------------------------------------------------------------------------------
# Workers (run in a fresh process each)
# --------------------------------------------------------------------------------


def _maxrss_kib() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def worker_scale(spec: dict) -> dict:
    cloud, n, impl = spec["cloud"], spec["n"], spec["impl"]
    import pulumi  # noqa: F401
    import pulumi_kubernetes  # noqa: F401 - imported by both programs; not what is measured here

    for sdk, used in (("pulumi_aws", "aws"), ("pulumi_azure_native", "azure"), ("pulumi_gcp", "gcp")):
        if cloud in (used, "all"):
            __import__(sdk)
    from pulumi_wid.testing import WidMocks, install

    if impl == "component":
        import pulumi_wid

        for attr in {"aws": ["EksPodIdentity"], "azure": ["AksFederatedIdentity"], "gcp": ["GkeWorkloadIdentity"],
                     "all": ["EksPodIdentity", "AksFederatedIdentity", "GkeWorkloadIdentity"]}[cloud]:
            getattr(pulumi_wid, attr)
        program = component_program(cloud, n)
    elif impl == "floor":
        program = floor_program(cloud, n)
    else:
        program = baseline_program(cloud, n)
    mocks = install(WidMocks())
    if spec.get("nogc"):  # the instruction counts: the same work every time, whatever the heap
        import gc

        gc.disable()
    if spec.get("tracemalloc"):
        import tracemalloc

        tracemalloc.start()
    rss0 = _maxrss_kib()
    c0, t0 = time.process_time(), time.perf_counter()
    mocks.run(program)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    rss1 = _maxrss_kib()
    out = {"wall": wall, "cpu": cpu, "rss_delta_mib": (rss1 - rss0) / 1024, "resources": len(mocks.resources)}
    if spec.get("tracemalloc"):
        import tracemalloc

        out["tm_peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return out


def worker_import(spec: dict) -> dict:
    target = spec["target"]
    t0 = time.perf_counter()
    if target.startswith("from:"):  # "from:pulumi_wid:EksPodIdentity"
        _, module, attr = target.split(":")
        getattr(__import__(module), attr)
    else:
        __import__(target)
    wall = time.perf_counter() - t0
    return {"wall": wall, "sdks": sorted(s for s in (*SDKS, "pulumi_kubernetes") if s in sys.modules),
            "policy_sentry": "policy_sentry" in sys.modules}


def run_worker(spec: dict, timeout: float = 600) -> dict:
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(spec)],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"worker {spec} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def time_plan() -> float:
    exe = Path(sys.executable).parent / "pulumi-wid"
    cmd = [str(exe), "plan", "."] if exe.exists() else [sys.executable, "-m", "pulumi_wid.cli", "plan", "."]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"pulumi-wid plan . failed:\n{proc.stderr[-3000:]}")
    return wall


# --------------------------------------------------------------------------------
# Orchestration
# --------------------------------------------------------------------------------


def _med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# The slowest pairs at N=1000 (azure-native registers ~24 aliases per resource; "all"
# is the three clouds at once) run fewer times to keep the whole run near 10 minutes.
REPS_OVERRIDE = {("azure", 1000): 2, ("all", 1000): 1}
IMPLS = ("component", "baseline", "floor")


def bench_scale(sizes: dict[int, int], memory: bool) -> dict:
    results: dict = {}
    for n, default_reps in sizes.items():
        for cloud in CLOUDS:
            reps = REPS_OVERRIDE.get((cloud, n), default_reps)
            runs: dict[str, list[dict]] = {impl: [] for impl in IMPLS}
            for rep in range(reps):
                # alternate, and rotate which goes first, so drift in the machine's speed
                # reaches every program alike
                order = IMPLS[rep % len(IMPLS):] + IMPLS[:rep % len(IMPLS)]
                for impl in order:
                    runs[impl].append(run_worker({"kind": "scale", "cloud": cloud, "n": n, "impl": impl}))
            entry = {}
            for impl, samples in runs.items():
                entry[impl] = {
                    "wall": _med([s["wall"] for s in samples]),
                    "walls": [round(s["wall"], 4) for s in samples],
                    "cpu": _med([s["cpu"] for s in samples]),
                    "rss_delta_mib": _med([s["rss_delta_mib"] for s in samples]),
                    "resources": samples[0]["resources"],
                    "runs": len(samples),
                }
                if memory and impl == "component" and cloud != "all":  # tracemalloc runs cost ~2x
                    entry[impl]["tm_peak_mib"] = run_worker(
                        {"kind": "scale", "cloud": cloud, "n": n, "impl": impl, "tracemalloc": True}
                    )["tm_peak_mib"]
            entry["ratio"] = entry["component"]["wall"] / entry["baseline"]["wall"]
            entry["cpu_ratio"] = entry["component"]["cpu"] / entry["baseline"]["cpu"]
            entry["floor_ratio"] = entry["floor"]["wall"] / entry["baseline"]["wall"]
            entry["over_floor"] = entry["component"]["wall"] / entry["floor"]["wall"]
            results[f"{cloud}/{n}"] = entry
            _log(f"  {cloud:5} N={n:<5} component {entry['component']['wall']:.3f}s  "
                 f"baseline {entry['baseline']['wall']:.3f}s  floor {entry['floor']['wall']:.3f}s  "
                 f"ratio {entry['ratio']:.3f}  floor/baseline {entry['floor_ratio']:.3f}")
    return results


INSTRUCTION_SIZES = (1, 101)


def _instructions(spec: dict) -> int:
    """Instructions the worker runs for ``spec``, counted by valgrind (cachegrind, no cache model)."""
    proc = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
         sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(spec)],
        cwd=ROOT, capture_output=True, text=True, timeout=3600,
    )
    if proc.returncode != 0 or not proc.stdout.strip():  # valgrind counts a crashed worker too
        raise RuntimeError(f"worker {spec} failed under valgrind ({proc.returncode}):\n{proc.stderr[-3000:]}")
    for line in proc.stderr.splitlines():
        if "I   refs:" in line or "I refs:" in line:
            return int(line.rsplit(":", 1)[1].strip().replace(",", ""))
    raise RuntimeError(f"valgrind gave no instruction count for {spec}:\n{proc.stderr[-3000:]}")


def bench_instructions(clouds: tuple[str, ...]) -> dict:
    """Instructions per identity of each program, GC off: (I(101) - I(1)) / 100, so imports,
    providers and first-use costs cancel out. Deterministic, unlike wall time on a shared
    machine; it leaves out the garbage collector's share, which the wall figures include."""
    from concurrent.futures import ThreadPoolExecutor

    small, large = INSTRUCTION_SIZES
    specs = [{"kind": "scale", "cloud": c, "n": n, "impl": impl, "nogc": True}
             for c in clouds for impl in IMPLS for n in (small, large)]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        counts = list(pool.map(_instructions, specs))
    by = {(s["cloud"], s["impl"], s["n"]): count for s, count in zip(specs, counts, strict=True)}
    results = {}
    for c in clouds:
        per_id = {impl: (by[(c, impl, large)] - by[(c, impl, small)]) / (large - small) for impl in IMPLS}
        results[c] = {**{f"{impl}_per_id": v for impl, v in per_id.items()},
                      "ratio": per_id["component"] / per_id["baseline"],
                      "floor_ratio": per_id["floor"] / per_id["baseline"],
                      "over_floor": per_id["component"] / per_id["floor"]}
        _log(f"  {c:5} instructions/identity: component {per_id['component'] / 1e6:.2f}M  "
             f"baseline {per_id['baseline'] / 1e6:.2f}M  floor {per_id['floor'] / 1e6:.2f}M")
    return results


def _print_instructions(results: dict) -> None:
    if not results:
        return
    out = print
    out("Instructions per identity (valgrind, GC off, (I(N=101) - I(N=1)) / 100; deterministic)")
    header = f"{'cloud':6} | {'component':>10} {'baseline':>10} {'floor':>10} | {'ratio':>5} {'floor r':>7} {'c/floor':>7}"
    out(header)
    out("-" * len(header))
    for cloud, r in results.items():
        out(f"{cloud:6} | {r['component_per_id'] / 1e6:>9.2f}M {r['baseline_per_id'] / 1e6:>9.2f}M "
            f"{r['floor_per_id'] / 1e6:>9.2f}M | {r['ratio']:>5.2f} {r['floor_ratio']:>7.2f} {r['over_floor']:>7.2f}")
    out()


IMPORT_TARGETS = (
    ("import pulumi", "pulumi"),
    ("import pulumi_wid", "pulumi_wid"),
    ("from pulumi_wid import EksPodIdentity", "from:pulumi_wid:EksPodIdentity"),
    ("from pulumi_wid import AksFederatedIdentity", "from:pulumi_wid:AksFederatedIdentity"),
    ("from pulumi_wid import GkeWorkloadIdentity", "from:pulumi_wid:GkeWorkloadIdentity"),
    ("import pulumi_aws (SDK alone)", "pulumi_aws"),
    ("import pulumi_azure_native (SDK alone)", "pulumi_azure_native"),
    ("import pulumi_gcp (SDK alone)", "pulumi_gcp"),
)
# which cloud SDK each import may load (and no other)
IMPORT_ALLOWED = {
    "pulumi_wid": set(),
    "from:pulumi_wid:EksPodIdentity": {"pulumi_aws"},
    "from:pulumi_wid:AksFederatedIdentity": {"pulumi_azure_native"},
    "from:pulumi_wid:GkeWorkloadIdentity": {"pulumi_gcp"},
}


def bench_imports(reps: int) -> tuple[dict, list[str]]:
    samples: dict[str, list[dict]] = {t: [] for _, t in IMPORT_TARGETS}
    for _ in range(reps):
        for _, target in IMPORT_TARGETS:  # interleaved, so drift hits every target alike
            samples[target].append(run_worker({"kind": "import", "target": target}))
    results, failures = {}, []
    for label, target in IMPORT_TARGETS:
        loaded = set(samples[target][0]["sdks"]) & set(SDKS)
        results[label] = {"wall": _med([s["wall"] for s in samples[target]]), "sdks": sorted(loaded),
                          "policy_sentry": samples[target][0]["policy_sentry"]}
        allowed = IMPORT_ALLOWED.get(target)
        if allowed is not None and loaded - allowed:
            failures.append(f"{label} imported {sorted(loaded - allowed)}")
    return results, failures


def print_report(meta: dict, scale: dict, imports: dict, import_failures: list[str] | None, plan: dict,
                 sizes: list[int], instructions: dict | None = None) -> list[str]:
    out = print
    out()
    out(f"pulumi-wid benchmark — {meta['machine']}")
    out(f"python {meta['python']}, pulumi {meta['pulumi']}; {meta['method']}")
    out()
    if scale:
        _print_scale(scale, sizes)
    _print_instructions(instructions or {})
    _print_rest(meta, imports, import_failures, plan)
    return _verdicts(scale, import_failures, plan, sizes)


def _print_scale(scale: dict, sizes: list[int]) -> None:
    out = print
    out("Scale under the mock runtime (medians; wall = program + wait for registrations, imports excluded)")
    header = (f"{'cloud':6} {'N':>5} {'res':>6} | {'component s':>11} {'per id ms':>9} {'rss+ MiB':>8} "
              f"{'tm MiB':>7} | {'baseline s':>10} {'per id ms':>9} {'rss+ MiB':>8} | {'floor s':>8} | "
              f"{'ratio':>5} {'cpu r':>5} {'floor r':>7} {'c/floor':>7} {'runs':>4}")
    out(header)
    out("-" * len(header))
    for cloud in CLOUDS:
        for n in sizes:
            e = scale.get(f"{cloud}/{n}")
            if not e:
                continue
            c, b, f = e["component"], e["baseline"], e["floor"]
            ids = n * (3 if cloud == "all" else 1)

            def tm(x: dict) -> str:
                return f"{x['tm_peak_mib']:7.1f}" if "tm_peak_mib" in x else f"{'-':>7}"

            out(f"{cloud:6} {n:>5} {c['resources']:>6} | {c['wall']:>11.3f} {1000 * c['wall'] / ids:>9.3f} "
                f"{c['rss_delta_mib']:>8.1f} {tm(c)} | {b['wall']:>10.3f} {1000 * b['wall'] / ids:>9.3f} "
                f"{b['rss_delta_mib']:>8.1f} | {f['wall']:>8.3f} | {e['ratio']:>5.2f} {e['cpu_ratio']:>5.2f} "
                f"{e['floor_ratio']:>7.2f} {e['over_floor']:>7.2f} {c['runs']:>4}")
    out("(res = resources registered by the component program, components included; "
        "per id = wall / identities, 'all' counting 3N;\n rss+ = growth of peak RSS during the run; "
        "tm = tracemalloc peak of the run, one extra run, component only;\n floor = the baseline's resources "
        "inside a bare ComponentResource per identity (Pulumi's own cost of a component);\n ratio = component/baseline "
        "median wall, cpu r = the same on process CPU time, floor r = floor/baseline,\n c/floor = component/floor "
        "(what pulumi-wid adds over a bare component); runs = runs of each program)")
    out()


def _print_rest(meta: dict, imports: dict, import_failures: list[str] | None, plan: dict) -> None:
    out = print
    if not imports:
        return _print_plan(plan)
    out("Import cost (fresh process each, median)")
    for label, r in imports.items():
        extra = f"  loads {', '.join(r['sdks']) or 'no cloud SDK'}"
        if r["policy_sentry"]:
            extra += " + policy_sentry"
        out(f"  {label:44} {1000 * r['wall']:8.1f} ms{extra}")
    out("  one cloud imports no other cloud's SDK: "
        + ("yes" if not import_failures else "NO: " + "; ".join(import_failures)))
    out()
    return _print_plan(plan)


def _print_plan(plan: dict) -> None:
    if plan["walls"]:
        print(f"pulumi-wid plan . (root demo project, fresh process, median of {len(plan['walls'])}): "
              f"{plan['wall']:.2f} s  (runs: {', '.join(f'{w:.2f}' for w in plan['walls'])})")
        print()


def _verdicts(scale: dict, import_failures: list[str] | None, plan: dict, sizes: list[int]) -> list[str]:
    out = print
    verdicts = []
    big = max(sizes, default=0)
    if big >= 1000:
        worst = max(scale[f"{c}/{big}"]["ratio"] for c in CLOUDS)
        verdicts.append(f"ratio <= 1.15 at N=1000: {'MET' if worst <= 1.15 else 'NOT MET'} "
                        f"(worst {worst:.2f}: " + ", ".join(f"{c} {scale[f'{c}/{big}']['ratio']:.2f}" for c in CLOUDS) + ")")
        verdicts.append("  for reference, a bare component (floor) / baseline at N=1000: "
                        + ", ".join(f"{c} {scale[f'{c}/{big}']['floor_ratio']:.2f}" for c in CLOUDS)
                        + "; component / floor: "
                        + ", ".join(f"{c} {scale[f'{c}/{big}']['over_floor']:.2f}" for c in CLOUDS))
    if 100 in sizes and big >= 1000:
        growth = {c: scale[f"{c}/1000"]["component"]["wall"] / scale[f"{c}/100"]["component"]["wall"] for c in CLOUDS}
        verdicts.append("time N=1000 <= 11x N=100: " + ("MET" if max(growth.values()) <= 11 else "NOT MET")
                        + " (" + ", ".join(f"{c} {g:.1f}x" for c, g in growth.items()) + ")")
        traced = [c for c in CLOUDS if "tm_peak_mib" in scale[f"{c}/100"]["component"]]
        if traced:
            mem = {c: scale[f"{c}/1000"]["component"]["tm_peak_mib"] / scale[f"{c}/100"]["component"]["tm_peak_mib"]
                   for c in traced}
            verdicts.append("memory (tracemalloc peak) N=1000 <= 11x N=100: "
                            + ("MET" if max(mem.values()) <= 11 else "NOT MET")
                            + " (" + ", ".join(f"{c} {g:.1f}x" for c, g in mem.items()) + ")")
    if plan["walls"]:
        verdicts.append(f"demo plan < 3 s: {'MET' if plan['wall'] < 3 else 'NOT MET'} ({plan['wall']:.2f} s)")
    if import_failures is not None:
        verdicts.append("no cross-cloud SDK import: " + ("MET" if not import_failures else "NOT MET"))
    out("Targets")
    for v in verdicts:
        out(f"  {v}")
    return verdicts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="N = 10 and 100 only, fewer repetitions")
    parser.add_argument("--no-memory", action="store_true", help="skip the extra tracemalloc runs")
    parser.add_argument("--instructions", action="store_true",
                        help="also count instructions per identity under valgrind (GC off; about 10 minutes)")
    parser.add_argument("--only", choices=("scale", "imports", "plan", "instructions"), action="append",
                        help="run only these parts (repeatable)")
    parser.add_argument("--json", metavar="FILE", help="also write the raw figures as JSON")
    args = parser.parse_args(argv)

    if args.worker:
        spec = json.loads(args.worker)
        result = worker_scale(spec) if spec["kind"] == "scale" else worker_import(spec)
        print(json.dumps(result), flush=True)
        sys.stderr.flush()
        os._exit(0)  # skip interpreter teardown (and asyncio's noise about the mock loop)

    parts = set(args.only or ("scale", "imports", "plan"))
    if args.instructions:
        parts.add("instructions")
    if "instructions" in parts and shutil.which("valgrind") is None:
        _log("instructions: valgrind is not installed (apt-get install valgrind); skipped")
        parts.discard("instructions")
    sizes = {10: 3, 100: 3} if args.quick else {10: 5, 100: 3, 1000: 3}
    import_reps, plan_reps = (3, 3) if args.quick else (5, 5)
    import pulumi

    meta = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
        "python": platform.python_version(),
        "pulumi": getattr(pulumi, "__version__", "?"),
        "method": "fresh subprocess per measurement; component, baseline and floor alternated, the order rotating",
        "sizes": sizes,
    }
    try:
        from importlib.metadata import version

        meta["pulumi"] = version("pulumi")
    except Exception:  # noqa: BLE001
        pass
    started = time.perf_counter()
    scale, imports, failures, plan = {}, {}, None, {"wall": float("nan"), "walls": []}
    if parts & {"scale", "instructions"}:
        run_worker({"kind": "scale", "cloud": "aws", "n": 1, "impl": "component"})  # warms the IAM index cache
    if "scale" in parts:
        _log(f"scale: N = {list(sizes)} x {list(CLOUDS)}")
        scale = bench_scale(sizes, memory=not args.no_memory)
    instructions: dict = {}
    if "instructions" in parts:
        _log("instructions (valgrind)")
        instructions = bench_instructions(("aws", "azure", "gcp"))
    if "imports" in parts:
        _log("imports")
        imports, failures = bench_imports(import_reps)
    if "plan" in parts:
        _log("plan")
        walls = [time_plan() for _ in range(plan_reps)]
        plan = {"wall": _med(walls), "walls": walls}
    verdicts = print_report(meta, scale, imports, failures, plan, list(sizes) if scale else [], instructions)
    print(f"\n(total benchmark time {time.perf_counter() - started:.0f} s)")
    if args.json:
        Path(args.json).write_text(json.dumps({"meta": meta, "scale": scale, "instructions": instructions,
                                               "imports": imports,
                                               "import_failures": failures, "plan": plan,
                                               "verdicts": verdicts}, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
