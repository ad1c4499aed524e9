"""The API does what /openapi.json says, for inputs schemathesis generates: documented
status codes, the one error shape, no server errors."""
from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

DEVICE_PATHS = ("/v1/kbs/", "/v1/chunks/", "/v1/deltas/", "/v1/indexes/", "/v1/stats/", "/v1/announcements", "/v1/slots",
                "/v1/bookings/")

WINDOWED = ("/v1/admin/announcements", "/v1/admin/slots")


def test_api_conforms_to_its_schema(server):
    # schemathesis' pytest plugin does not load under this pytest, so each operation's
    # strategy is driven with hypothesis directly; same checks as call_and_validate.
    schema = schemathesis.openapi.from_asgi("/openapi.json", server.app)
    checked = []
    for result in schema.get_all_operations():
        operation = result.ok()
        device = operation.path.startswith(DEVICE_PATHS)
        # Uploads are signed or hashed bytes, and time windows must end after they start:
        # rules a JSON schema cannot state, so schema-valid data may rightly get a 422.
        cross_field = operation.method.upper() == "PUT" or operation.path in WINDOWED
        excluded = [positive_data_acceptance] if cross_field else []

        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case) -> None:
            response = case.call_and_validate(headers=server.device if device else server.admin,
                                              excluded_checks=excluded)
            if response.status_code >= 400:
                assert set(response.json()) == {"error"}, response.text

        check()
        checked.append(operation.label)
    assert len(checked) >= 15


def test_openapi_lists_every_feature(server):
    paths = server.client.get("/openapi.json").json()["paths"]
    for path in ("/v1/kbs/{kb}/manifest", "/v1/chunks/{sha}", "/v1/admin/kbs/{kb}/manifest", "/v1/stats/batches",
                 "/v1/admin/stats", "/v1/announcements", "/v1/slots/{slot_id}/bookings"):
        assert path in paths
