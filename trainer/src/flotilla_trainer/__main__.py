"""`python -m flotilla_trainer`."""

from .cli import main

raise SystemExit(main())
