"""What progress/ adds to the start page, the menu, the demo data, the national data set, the
benchmark and a person's data export. Each topic registers its parts in its own module below."""

from progress import demo, national, personal_data  # noqa: F401,E402  (register builders and data parts)
from progress.portal_milestones import *  # noqa: F403  (cards, round menu, measured pages)
