import io

import pytest
from django.core.management import call_command


@pytest.fixture
def run_import(tmp_path):
    """Write an export to a file and import it: returns the summary printed."""

    def run(document, *args, name="export.xml", data=None):
        path = tmp_path / name
        if data is not None:
            path.write_bytes(data)
        else:
            path.write_text(document, encoding="utf-8")
        out = io.StringIO()
        call_command("import_wordpress", str(path), *args, stdout=out)
        return out.getvalue()

    return run
