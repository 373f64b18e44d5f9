"""Entry point of the frozen `briefer` executable (console): the command line; alone, the app."""

from briefer.cli import main

raise SystemExit(main())
