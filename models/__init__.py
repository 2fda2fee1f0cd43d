"""Model adapters: embedders, language identification, optional generators and readers."""
