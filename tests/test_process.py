"""The command tunes its own process (issue 19); a caller of ``cli.main([...])`` keeps its own.

Each tuned run happens in a subprocess, so this test process (and its collector) is untouched.
No timing is asserted: what is checked is what the tuning does and that the plan it
produces is byte for byte the untuned one.
"""

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

from pulumi_wid import _process, cli

ROOT = Path(__file__).resolve().parent.parent


def _python(code: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


PROBE = """
import gc, json, sys
from pulumi_wid import _process
{call}
_process.before_program()
from pulumi.runtime import resource
print(json.dumps({{"tuned": _process.tuned(), "gc": gc.isenabled(), "frozen": gc.get_freeze_count() > 0,
                  "stack_trace": resource._get_stack_trace.__module__,
                  "frames": len(resource._get_stack_trace().frames)}}))
"""


def test_the_command_tunes_its_process():
    # GIVEN main called as the console script calls it (no arguments)
    done = _python(PROBE.format(call="_process.tune(None)"))
    # WHEN the program is about to run THEN the collector is off, the loaded heap frozen,
    # and the SDK records no stack for source positions
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"tuned": True, "gc": False, "frozen": True,
                                       "stack_trace": "pulumi_wid._process", "frames": 0}


def test_a_caller_with_arguments_keeps_its_process():
    # GIVEN main([...]) as a test or another program calls it
    done = _python(PROBE.format(call="_process.tune(['plan', '.'])"))
    # THEN nothing is changed: collector on, nothing frozen, stack traces recorded
    assert done.returncode == 0, done.stderr
    probe = json.loads(done.stdout)
    assert probe["tuned"] is False and probe["gc"] is True and probe["frozen"] is False
    assert probe["stack_trace"] == "pulumi.runtime.resource"  # the SDK's own


def test_in_process_main_leaves_this_process_alone(capsys):
    # GIVEN this test process WHEN it plans the demo through main([...])
    assert cli.main(["plan", str(ROOT)]) == 0
    capsys.readouterr()
    # THEN its collector still runs and it is not marked tuned
    assert gc.isenabled()
    assert not _process.tuned()


def test_the_tuned_plan_is_the_untuned_plan_byte_for_byte(capsys):
    # GIVEN the demo planned in this (untuned) process
    assert cli.main(["plan", str(ROOT), "--format", "json"]) == 0
    untuned = capsys.readouterr().out
    # WHEN the command plans it in its own, tuned process
    done = subprocess.run([sys.executable, "-m", "pulumi_wid.cli", "plan", str(ROOT), "--format", "json"],
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                          timeout=300)
    # THEN the output is the same, byte for byte
    assert done.returncode == 0, done.stderr
    assert done.stdout == untuned


def test_planning_one_cloud_imports_no_other_clouds_sdk(tmp_path):
    # GIVEN an AWS-only program
    (tmp_path / "Pulumi.yaml").write_text("name: aws-only\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(
        "import pulumi, pulumi_aws as aws, pulumi_kubernetes as k8s\n"
        "from pulumi_wid import EksPodIdentity\n"
        "opts = pulumi.ResourceOptions(providers=[aws.Provider('aws', region='us-east-1'), k8s.Provider('k8s')])\n"
        "EksPodIdentity('api', {'identity': {'namespace': 'apps', 'service_account': 'api'},\n"
        "                       'cluster_name': 'prod'}, opts)\n"
    )
    # WHEN the command plans it
    done = _python(
        "import sys\n"
        "from pulumi_wid import cli\n"
        f"sys.argv = ['pulumi-wid', 'plan', {str(tmp_path)!r}]\n"
        "code = cli.main()\n"
        "print(sorted(m for m in ('pulumi_aws', 'pulumi_azure_native', 'pulumi_gcp') if m in sys.modules),"
        " file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    # THEN only AWS's SDK was imported
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "['pulumi_aws']"
