"""What the API and the web app read, one module per feature: each list or detail view in a
fixed number of queries, whatever the page's length."""
