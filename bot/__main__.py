"""`python -m bot`: the same as the `newsbot` command."""

from bot.cli.main import main

raise SystemExit(main())
