"""`python -m acid_processor` runs the same command line as the `acid-processor` script."""

from acid_processor.cli import main

raise SystemExit(main())
