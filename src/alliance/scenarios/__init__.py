"""Bundled negotiation scenarios (``<name>.yaml``), loaded by name with ``alliance.negotiation.schema.load_scenario``."""
