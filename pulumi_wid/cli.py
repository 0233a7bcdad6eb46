"""``pulumi-wid plan|verify``: see and check a stack's identities offline.

    pulumi-wid plan [PROJECT_DIR] [--stack NAME] [--config KEY=VALUE ...] [--format text|json|mermaid]
    pulumi-wid verify [PROJECT_DIR | --state FILE] [--stack NAME] [--config KEY=VALUE ...] [--format text|json]
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Optional


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pulumi-wid", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name, formats, help_text in (
        ("plan", ("text", "json", "mermaid"), "run a Pulumi Python program offline and show the identities it creates"),
        ("verify", ("text", "json"), "check every identity chain as the cloud would evaluate a pod's token"),
    ):
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        cmd.add_argument("project_dir", nargs="?", default=".", help="directory holding Pulumi.yaml (default: .)")
        cmd.add_argument("--stack", help="stack whose Pulumi.<stack>.yaml config to use")
        cmd.add_argument("--config", action="append", default=[], metavar="KEY=VALUE", help="set a config value")
        cmd.add_argument("--format", choices=formats, default="text")
        if name == "verify":
            cmd.add_argument("--state", metavar="FILE", help="verify a `pulumi stack export` file instead of a program")
            cmd.add_argument("--issuer", action="append", default=[], metavar="URL",
                             help="a cluster's OIDC issuer URL, when the cluster is not in the stack (AKS: compared exactly)")
            cmd.add_argument("--workload-pool", action="append", default=[], metavar="POOL",
                             help="a GKE workload pool (<cluster project id>.svc.id.goog), when the cluster is not in the stack")
            cmd.add_argument("--project-number", action="append", default=[], metavar="N",
                             help="the GKE cluster project's number, to check direct principal:// identifiers")
    return parser


def main(argv: Optional[list[str]] = None) -> int:
    args = _parser().parse_args(argv)
    from .plan import PlanError, load_project, run_plan

    try:
        if args.command == "verify" and args.state:
            from .verify import load_state

            return _verify(load_state(args.state), args, f"state file {args.state}")
        project = load_project(args.project_dir, args.stack, args.config)
        for note in project.notes:
            print(f"note: {note}", file=sys.stderr)
        plan = run_plan(project)
    except PlanError as error:
        print(f"pulumi-wid {args.command}: {error}", file=sys.stderr)
        return 1
    except Exception as error:  # noqa: BLE001 - the state reader's errors and the like
        from .verify import StateError

        if isinstance(error, StateError):
            print(f"pulumi-wid verify: {error}", file=sys.stderr)
            return 1
        raise
    if args.command == "plan":
        from . import render

        if args.format == "json":
            print(json.dumps(render.to_json(plan), indent=2, default=str))
        elif args.format == "mermaid":
            print(render.to_mermaid(plan), end="")
        else:
            print(render.to_text(plan), end="")
        return 0
    from .verify import from_plan

    return _verify(from_plan(plan), args, f"project {plan.project.name!r} (offline plan)")


def _verify(resources: list[Any], args: argparse.Namespace, source: str) -> int:
    from .verify import Facts, verify_resources

    fmt = args.format
    chains = verify_resources(resources, Facts(args.issuer, args.workload_pool, args.project_number))
    ok = bool(chains) and all(c.ok for c in chains)
    if fmt == "json":
        print(json.dumps({"source": source, "status": "PASS" if ok else "FAIL",
                          "chains": [c.to_dict() for c in chains]}, indent=2, default=str))
        return 0 if ok else 1
    print(f"Verify {source}: {len(chains)} identity chain(s)")
    for chain in chains:
        print(f"{'PASS' if chain.ok else 'FAIL'}  [{chain.cloud} {chain.kind}] {chain.name}  ({chain.subject})")
        for check in chain.checks:
            print(f"      {'ok  ' if check.ok else 'FAIL'} {check.name}: {check.detail}")
        for probe in chain.probes:
            verdict = f"ACCEPTED by {probe.by}" if probe.accepted else "refused"
            print(f"      {'FAIL' if probe.accepted else 'ok  '} probe {probe.description}: {verdict}")
    if not chains:
        print("FAIL  no identity chain found (no annotated ServiceAccount, association or grant)")
    passed = sum(c.ok for c in chains)
    print(f"{passed} passed, {len(chains) - passed} failed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
