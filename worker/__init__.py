"""The Temporal worker process: runs order workflows and their activities."""
