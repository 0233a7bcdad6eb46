"""Lets the preset tests import ``cases`` (one call of every preset) under --import-mode=importlib."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
