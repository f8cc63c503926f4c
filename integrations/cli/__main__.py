"""python -m integrations.cli: the same as the kbassist command."""

from integrations.cli import main

main()
