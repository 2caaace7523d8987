"""Lookups v2: is a number valid, and what kind of line is it."""
