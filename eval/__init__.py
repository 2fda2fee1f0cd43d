"""Evaluation: dataset loaders, metrics, benchmark runners and reports."""
