"""The shop floor: workers and equipment, what a stage takes, and the queue at each stage."""
