"""Allow `python -m regtui`."""

from regtui.cli.main import main

if __name__ == "__main__":
    main()
