"""The project's command line: `python -m cli <command>` (see `python -m cli --help`)."""
