"""What each progress/ topic adds to the portal (cards, menus, demo and national data, measured pages,
personal data), one module per topic; progress/portal.py imports them."""
