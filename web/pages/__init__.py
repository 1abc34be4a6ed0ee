"""One module per page (or group of pages); each has ROUTES (made with web.console.page) and
NAV (menu entries: path, label, roles). web/app.py lists the modules."""
