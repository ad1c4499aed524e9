"""The tray app (PySide6). Only this package imports Qt.

    python -m desktop                # starts it (desktop.ui.app.run)

Modules: `facade` (`Assistant`, plain Python: everything the UI asks for), `ticketdesk`,
`board`, `settings` (no Qt either, tested without a GUI); `app` (the application object
owning app-wide signals, single instance, start-up), `tray` (the tray icon and menu),
`chat`, `tree_view`, `form`, `tickets_view`, `settings_view`, `booking_view` (windows),
`workers` (engine and network calls off the GUI thread), `resources` (icon, Qt
translations), `instance` (one per user), `sync_runner` (snapshot updates while running).
"""
