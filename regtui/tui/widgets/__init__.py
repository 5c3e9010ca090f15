"""Widgets of the regtui app."""
