"""Prometheus metrics: what is counted (definitions), how it is written out (exposition) and the
/metrics view; what a scrape gathers is read by monitoring/scrape.py."""
