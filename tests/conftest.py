import atexit
import importlib
import os
import shutil
import tempfile
import warnings

from hypothesis import HealthCheck, settings

pytest_plugins = ["pulumi_wid.testing"]

# The IAM index cache (pulumi_wid.aws.knowledge) of this run goes to a directory of its
# own, not the user's ~/.cache; subprocesses (the CLI tests) inherit it.
_CACHE_DIR = tempfile.mkdtemp(prefix="pulumi-wid-test-cache-")
os.environ["PULUMI_WID_CACHE_DIR"] = _CACHE_DIR
atexit.register(shutil.rmtree, _CACHE_DIR, True)

# Property tests judge correctness, not speed: no per-example deadline, so a loaded
# CI machine cannot turn a slow example into a failure.
settings.register_profile("wid", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("wid")

# Hypothesis imports these lazily, deep inside a running test, where pytest's assertion
# rewriting of them trips CPython 3.11's "AST constructor recursion depth mismatch"
# (a SystemError seen intermittently). Importing them here, at a shallow stack, avoids it.
for _module in ("hypothesis.strategies._internal.regex", "hypothesis.internal.conjecture.optimiser"):
    try:
        with warnings.catch_warnings():  # loading its character map here is intended
            warnings.simplefilter("ignore")
            importlib.import_module(_module)
    except ImportError:  # another hypothesis version: nothing to pre-import
        pass
