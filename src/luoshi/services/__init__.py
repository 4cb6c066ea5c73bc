"""The service layer: every read and write the web app and the CLI make, with the rules.

Authorization is enforced here (not only hidden in the UI): each function takes the acting
:class:`~luoshi.registry.tracking.UserAccount` and refuses what that user may not do with
:class:`~luoshi.services.access.Forbidden`. Every change is written to the audit log.
"""
