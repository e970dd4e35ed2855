"""The web console: every person signs in and does their own step, in pages that work
without JavaScript and in a JSON API of the same actions (`/api/v1`), over the same
service layer as the command line (states.service.act)."""
