"""Notices and official forms rendered from Jinja2 templates in kk, ru and en, and the
channels that deliver them; arrive with the notices issue."""
