"""``pulumi-wid plan|verify``: see and check a stack's identities offline.

Exit codes: 0 every chain proven (PASS); 1 some chain FAILs; 2 usage error or unreadable
file; 3 nothing fails but something is UNVERIFIED (or the stack has no chain); 4 the
program itself failed (plan, or verify of a project).

    pulumi-wid plan [PROJECT_DIR] [--stack NAME] [--config KEY=VALUE ...] [--format text|json|mermaid]
    pulumi-wid verify [PROJECT_DIR | --state FILE] [--stack NAME] [--config KEY=VALUE ...]
                      [--format text|json|sarif|markdown]
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Optional

_DESCRIPTION = "See and check a Pulumi stack's workload identities offline: no cloud account, no pulumi CLI."
_EXIT_CODES = """exit codes:
  0  every chain PASSes (proven from the stack or from pinned facts)
  1  some chain FAILs
  2  usage error, or a file that cannot be read
  3  nothing fails, but something is UNVERIFIED (or the stack has no chain)
  4  the program itself failed (plan, or verify of a project)"""
_FORMATS = {
    "text": "a report for people (default)",
    "json": "one JSON document for CI and review tools (errors too)",
    "mermaid": "a Mermaid flowchart of each chain, which GitHub renders",
    "sarif": "SARIF 2.1.0, one result per FAIL or UNVERIFIED chain, for GitHub code scanning and other CI tools",
    "markdown": "a pull-request comment: verdict, summary table, why each chain fails",
}


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pulumi-wid")
    except PackageNotFoundError:  # a source tree that was never installed
        from . import __version__

        return __version__


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pulumi-wid", description=_DESCRIPTION, epilog=_EXIT_CODES,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"pulumi-wid {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="{plan,verify}")
    for name, formats, help_text in (
        ("plan", ("text", "json", "mermaid"), "run a Pulumi Python program offline and show the identities it creates"),
        ("verify", ("text", "json", "sarif", "markdown"),
         "check every identity chain as the cloud would evaluate a pod's token"),
    ):
        cmd = sub.add_parser(name, help=help_text, description=help_text, epilog=_EXIT_CODES,
                             formatter_class=argparse.RawDescriptionHelpFormatter)
        cmd.add_argument("project_dir", nargs="?", default=".", help="directory holding Pulumi.yaml (default: .)")
        cmd.add_argument("--stack", help="stack whose Pulumi.<stack>.yaml config to use")
        cmd.add_argument("--config", action="append", default=[], metavar="KEY=VALUE", help="set a config value")
        cmd.add_argument("--format", choices=formats, default="text",
                         help="; ".join(f"{f}: {_FORMATS[f]}" for f in formats))
        if name == "verify":
            cmd.add_argument("--state", metavar="FILE",
                             help="verify a `pulumi stack export` file or a file-backend checkpoint instead of a program")
            cmd.add_argument("--issuer", action="append", default=[], metavar="URL",
                             help="the OIDC issuer URL of a cluster the stack does not hold (compared exactly); repeatable")
            cmd.add_argument("--workload-pool", action="append", default=[], metavar="POOL",
                             help="the GKE workload pool (<cluster project id>.svc.id.goog) of a cluster the stack "
                                  "does not hold; repeatable")
            cmd.add_argument("--project-number", action="append", default=[], metavar="N",
                             help="the GKE cluster project's number, to check direct principal:// identifiers")
    return parser


EXIT_PASS, EXIT_FAIL, EXIT_USAGE, EXIT_UNVERIFIED, EXIT_PROGRAM = 0, 1, 2, 3, 4
"""Exit codes: every chain proven; some chain fails; bad arguments or an unreadable file;
nothing fails but something is unverified (or there is no chain); the program itself failed."""


def main(argv: Optional[list[str]] = None) -> int:
    from ._process import tune; tune(argv)  # noqa: E702, I001 - the command tunes its own process (issue 19)
    args = _parser().parse_args(argv)
    from .plan import PlanError, ProgramError, load_project, run_plan
    from .verify import StateError

    try:
        if args.command == "verify" and args.state:
            from .verify import load_state

            return _verify(load_state(args.state), args, f"state file {args.state}", args.state)
        project = load_project(args.project_dir, args.stack, args.config)
        for note in project.notes:
            print(f"note: {note}", file=sys.stderr)
        plan = run_plan(project)
    except (PlanError, StateError) as error:
        code = EXIT_PROGRAM if isinstance(error, ProgramError) else EXIT_USAGE
        _error(args, str(error), code)
        return code
    if args.command == "plan":
        from . import render

        if args.format == "json":
            print(json.dumps(render.to_json(plan), indent=2, default=str))
        elif args.format == "mermaid":
            print(render.to_mermaid(plan), end="")
        else:
            print(_plan_text(plan, args.project_dir), end="")
        return EXIT_PASS
    from .verify import from_plan

    return _verify(from_plan(plan), args, f"project {plan.project.name!r} (offline plan)",
                   str(plan.project.directory / "Pulumi.yaml"))


def _plan_text(plan: Any, directory: str) -> str:
    """The plan, opened by a summary (each identity with verify's verdict without pinned facts) and what to do next."""
    from . import render
    from .verify import Facts, from_plan, verify_resources

    resources = from_plan(plan)
    rows = render.summarize(resources, verify_resources(resources, Facts()))
    body = render.to_text(plan).split("\n", 1)
    head = [body[0], "", f"{len(rows)} identit{'y' if len(rows) == 1 else 'ies'} (verdict: pulumi-wid verify "
                         "without pinned cluster facts)"]
    head += ["  " + line for line in render.summary_text(rows)] if rows else []
    head += ["", *render.next_steps(rows, directory)]
    return "\n".join(head) + "\n" + body[1]


def _error(args: argparse.Namespace, message: str, code: int) -> None:
    if getattr(args, "format", "text") == "json":
        print(json.dumps({"error": message, "exit_code": code}))
    else:
        print(f"pulumi-wid {args.command}: {message}", file=sys.stderr)


def _verify(resources: list[Any], args: argparse.Namespace, source: str, location: str) -> int:
    from . import render
    from .verify import FAIL, PASS, UNVERIFIED, Facts, verify_resources

    chains = verify_resources(resources, Facts(args.issuer, args.workload_pool, args.project_number))
    statuses = [c.status for c in chains]
    if FAIL in statuses:
        status, code = FAIL, EXIT_FAIL
    elif UNVERIFIED in statuses or not chains:
        status, code = UNVERIFIED, EXIT_UNVERIFIED
    else:
        status, code = PASS, EXIT_PASS
    notes = list(getattr(resources, "notes", []))
    if args.format == "json":
        print(json.dumps({"source": source, "status": status, "exit_code": code, "notes": notes,
                          "summary": {s: statuses.count(s) for s in (PASS, FAIL, UNVERIFIED)},
                          "chains": [c.to_dict() for c in chains]}, indent=2, default=str))
        return code
    if args.format == "sarif":
        print(json.dumps(render.to_sarif(chains, _uri(location), _version()), indent=2, default=str))
        return code
    rows = render.summarize(resources, chains)
    if args.format == "markdown":
        print(render.verify_markdown(chains, rows, source, status, notes), end="")
        return code
    print(f"Verify {source}: {len(chains)} identity chain(s)")
    for note in notes:
        print(f"note: {note}")
    if rows:
        for line in render.summary_text(rows):
            print("  " + line)
        print()
    for chain in chains:
        print(f"{chain.status:<10}  [{chain.cloud} {chain.kind}] {chain.name}  ({chain.subject})")
        for check in chain.checks:
            mark = {"ok": "ok  ", FAIL: "FAIL", UNVERIFIED: "??  "}[check.status]
            print(f"      {mark} {check.name}: {check.detail}")
        for probe in chain.probes:
            if probe.accepted is None:
                print(f"      ??   probe {probe.description}: cannot tell offline: {probe.by}")
            else:
                verdict = f"ACCEPTED by {probe.by}" if probe.accepted else "refused"
                print(f"      {'FAIL' if probe.accepted else 'ok  '} probe {probe.description}: {verdict}")
        for note in chain.notes:
            print(f"      note {note}")
    if not chains:
        print("UNVERIFIED  no identity chain in this stack (no annotated ServiceAccount, Pod Identity association, "
              "federated credential or workloadIdentityUser grant): nothing to prove")
    print(f"{statuses.count(PASS)} passed, {statuses.count(FAIL)} failed, {statuses.count(UNVERIFIED)} unverified")
    return code


def _uri(path: str) -> str:
    """A SARIF artifact location: relative to the working directory (the repository root in CI), else a file URI."""
    from pathlib import Path

    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return resolved.as_uri()


if __name__ == "__main__":
    sys.exit(main())
