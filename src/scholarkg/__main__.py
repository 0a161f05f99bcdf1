"""Allow ``python -m scholarkg``."""

from scholarkg.cli import main

if __name__ == "__main__":
    main()
