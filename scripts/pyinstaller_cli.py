"""Entry point of the frozen `briefer` executable (console): the command line; alone, the app."""

import multiprocessing

multiprocessing.freeze_support()  # a helper process (index rebuild) runs this executable too

from briefer.cli import main  # noqa: E402

raise SystemExit(main())
