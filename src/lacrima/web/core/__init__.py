"""Core pages: home, sign-in, crisis resources, base templates and static files."""
