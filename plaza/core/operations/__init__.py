"""Every write core makes: one transaction each, permission first, audited."""
