"""Presentations of the register: the plan tree with source text, the office's task table,
and its Excel and CSV files."""
