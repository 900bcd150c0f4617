"""What the service does for its users: submit and check packages, issue documents, hand over, run batches.

Entry points (web, CLI) call these; they use the domain core and the adapters."""
