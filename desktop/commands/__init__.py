"""One module per `python -m desktop` verb; see desktop/cli.py."""
