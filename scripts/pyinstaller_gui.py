"""Entry point of the frozen `briefer-gui` executable (windowed): opens the app.

Takes the app's own options, --library DIR and --portable; anything else (a file handed
over by a desktop's "Open with") is ignored rather than shown as an error nobody sees:
a windowed program on Windows has no console to print to.
"""

import argparse
import multiprocessing
import os
import sys

multiprocessing.freeze_support()  # a helper process (index rebuild) runs this executable too

from briefer import paths  # noqa: E402

parser = argparse.ArgumentParser(prog="briefer-gui", add_help=False)
parser.add_argument("--library", metavar="DIR")
parser.add_argument("--portable", action="store_true")
args, _ignored = parser.parse_known_args(sys.argv[1:])
if args.portable:
    os.environ[paths.PORTABLE_ENV] = "1"

from briefer.app import main  # noqa: E402  (after the portable switch: main resolves folders)

raise SystemExit(main(library_dir=args.library))
