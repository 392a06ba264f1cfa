"""Prometheus metrics: what is counted (definitions), how it is written out (exposition), what a
scrape gathers (collect) and the /metrics view."""
