"""Thin views: parse with a serializer, call a service or a query module, answer in the envelope."""
