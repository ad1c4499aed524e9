"""Admin tooling for knowledge bases: build, lint, eval, stats (and sign, publish)."""
