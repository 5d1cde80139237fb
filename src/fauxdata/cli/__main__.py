"""``python -m fauxdata.cli``."""

from fauxdata.cli.main import main

main()
