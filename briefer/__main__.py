if __name__ == "__main__":  # not when a helper process started with "spawn" imports it
    from briefer.cli import main

    raise SystemExit(main())
