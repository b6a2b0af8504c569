"""Purchases: requests, the 接龙 chat parser, catalogue, runs, settlement, recurring deliveries."""
