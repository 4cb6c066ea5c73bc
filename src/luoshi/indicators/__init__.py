"""Indicators computed from monitoring data exactly as the national standards define them."""
