"""Who may do what: accounts and tokens, sign-in sessions, and the keyed audit chain."""
