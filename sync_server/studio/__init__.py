"""KB Studio: the knowledge base run from a browser by its admins (/studio).

Named accounts with a role (editor, publisher; `accounts`), the KB source tree the
builder reads (`source`: the files stay the source of truth, so `kb_snapshots` and git
keep working), drafts that a publisher reviews before they reach a file (`changes`), and
the pages: the layout, sign-in and the article list (`pages`), the editor (`editing`),
drafts and versions (`review`). The server edits the tree given by `serve --kb-source DIR`.
"""
