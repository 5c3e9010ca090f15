"""Allow `python -m regtui`."""

from regtui.cli import main

if __name__ == "__main__":
    main()
