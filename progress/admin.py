"""progress/ in the admin."""
