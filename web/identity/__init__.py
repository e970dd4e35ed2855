"""Identity: who a request comes from. Accounts and passwords (argon2), server-side
sessions, the sign-in throttle, and the `Authenticator` the pages ask, so that a body's
single sign-on (OpenID Connect) replaces the local one without touching a page."""
