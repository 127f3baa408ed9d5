"""Delivering patient links: email (SMTP), SMS (HTTP gateway), the guarded
send service that re-checks with Cliniko, and the memo + audit trail."""
