"""Finding cases: the full-text index, the filters, saved searches and list exports."""
