from zhuchka.cli import app

app()
