"""Keeping the local knowledge base current and reporting anonymised usage.

No Qt here: the UI runs these off the GUI thread. See `manifest` (signed manifests),
`chunking` (content-defined chunks), `client` (HTTP), `installer` (verify and swap),
`stats` (local aggregation and upload).
"""
