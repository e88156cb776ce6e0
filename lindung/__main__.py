import sys

from lindung.cli import main

sys.exit(main())
