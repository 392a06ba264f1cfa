"""The REST API: producing and monitoring tasks over HTTP."""
