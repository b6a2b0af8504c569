"""Textual screens and widgets: one module per tab, plus modals."""
