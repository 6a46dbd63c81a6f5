"""A dialect module that fails to import (tests/sites/test_registry.py)."""

raise RuntimeError("boom")
