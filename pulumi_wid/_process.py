"""Internal: what the ``pulumi-wid`` command may tune in its own process, and a library must not.

``cli.main`` calls ``tune()`` first thing when it runs as the command (``main()`` with no
arguments, the console script); tests and programs that call ``main([...])`` keep the
process as it was. ``plan.run_plan`` then calls ``before_program()`` just before it runs
the user's program, which applies the rest only in a tuned process:

- The garbage collector. A plan is one run that builds a graph of objects which all live
  until it ends (resources, Outputs, futures): the collector traverses them again and
  again and finds almost nothing to free (about half of the time of a 1,000-identity
  plan, and 5% more peak memory without it). What is loaded before the program (Python,
  Pulumi, the CLI) is frozen out of every later collection, and automatic collection is
  off while the program runs; ``gc.collect()`` still works.
- Source positions. For every resource the Pulumi SDK walks the whole Python stack and
  makes a URI of each frame's file, for the engine to show where the resource was
  declared. ``plan`` runs under the mock runtime, which has no engine and drops them;
  skipping the walk changes nothing else in what is registered.

The cloud SDKs are imported by the program itself, on first use: planning an AWS-only
program imports neither Azure's nor Google's SDK (pulumi_wid imports a cloud's component
lazily, and nothing in the CLI imports an SDK).
"""

from __future__ import annotations

import gc
from typing import Any

_tuned = False


def tune(argv: list[str] | None) -> None:
    """Mark this process as the command's own: ``cli.main(argv)`` with ``argv`` None, as the
    console script and ``python -m pulumi_wid.cli`` call it (a caller passing arguments keeps
    its process as it is)."""
    global _tuned
    if argv is None:
        _tuned = True


def tuned() -> bool:
    """Whether ``tune()`` ran in this process."""
    return _tuned


def before_program() -> None:
    """In a tuned process: freeze what is loaded, stop automatic collection, skip source positions."""
    if not _tuned:
        return
    gc.freeze()
    gc.disable()
    _skip_source_positions()


def _skip_source_positions() -> None:
    from pulumi.runtime import resource
    from pulumi.runtime.proto import source_pb2

    if not callable(getattr(resource, "_get_stack_trace", None)):  # another SDK: leave it alone
        return

    def _get_stack_trace() -> Any:
        return source_pb2.StackTrace()  # no frames: no source position, as without an engine

    resource._get_stack_trace = _get_stack_trace
