"""What every process of the system shares and nothing of it depends on: the settings (and the
running dev stack's addresses they read), logging, the local secrets of a development checkout,
and reading the development mailbox. It imports no other package of the project."""
