"""Editor accounts, login and permissions."""
