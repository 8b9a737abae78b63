"""`python -m kinerja_bot` is the admin CLI."""

from kinerja_bot.cli import main

main()
