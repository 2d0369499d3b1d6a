"""What progress/ adds to the start page, the menu, the demo data, the national data set, the
benchmark and a person's data export. Each topic registers its parts in its own module below."""

from progress.portals import consultants  # noqa: E402, F401  (the consultants topic's parts)
