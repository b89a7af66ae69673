"""``python -m triplehelix``."""

from triplehelix.cli.main import main

main()
