"""Sign-in through the town's directory: LDAP / Active Directory and OpenID Connect.

Its own Django app (label ``signin``) inside core, with its own migrations: the connection
settings of each municipality live in the database and are edited in the admin by that
municipality's administrators. See docs/core.md, "Sign-in through the directory".
"""
