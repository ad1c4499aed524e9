"""Existing knowledge brought in as draft articles: one module per source (`folder`, `rt`,
`servicenow`, `zammad`, `glpi`) returns `draft.Draft`s, `draft.write_source` writes them
as a KB source tree, and `command` is the `python -m kb_snapshots import` verb."""
