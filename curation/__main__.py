"""``python -m curation`` runs the ``biomedfr`` command line."""

from curation.cli import main

main()
