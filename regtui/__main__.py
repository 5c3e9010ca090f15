"""Allow `python -m regtui`."""

from regtui.cli.entry import main

if __name__ == "__main__":
    main()
