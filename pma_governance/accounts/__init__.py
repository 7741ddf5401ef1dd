"""Accounts: login throttling, password change and reset, session lifetime and TOTP
two-factor authentication for the accounts that sign, transmit or administer."""
