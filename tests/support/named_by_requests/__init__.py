"""Modules that no test imports on purpose: requests name them, and nothing may import them."""
