"""The programme as a whole: a realistic data set, plan-year batches, the ledger, the dashboard."""
