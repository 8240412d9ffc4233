"""Settings for the whole test run (none at present).

Kept as the one place for them: anything set here is set before any test module
imports naravard, and is inherited by the app servers that the browser tests start.
"""
