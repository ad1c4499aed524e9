"""Helpdesk Assistant sync server: signed snapshots, statistics, announcements, bookings."""
