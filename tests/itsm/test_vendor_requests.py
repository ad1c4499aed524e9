"""Service requests in the ITSMs that have a catalog of their own, against local servers
following the vendors' documented APIs: ServiceNow orders the catalog item (Service
Catalog API `order_now` with its variables) and the request follows its approval; GLPI files
a ticket of type request in the item's ITIL category. Exactly once, as for incidents."""
from __future__ import annotations

from desktop.itsm import BackendConfig, Credential, Ticket
from desktop.itsm.glpi import GlpiBackend
from desktop.itsm.servicenow import ServiceNowBackend
from desktop.policy import parse_policy
from tests.itsm.fakes.base import PASSWORD, USER
from tests.itsm.fakes.glpi import GlpiFake
from tests.itsm.fakes.servicenow import ServiceNowFake

REQUEST = Ticket(subject="Request a new laptop", description="Which model?: Standard", team="workplace",
                 queue="Workplace", requestor="jdoe@example.com", kind="request", item="new-laptop",
                 fields=(("model", "Standard"), ("needed_by", "2027-03-01")), approval="manager")


def test_servicenow_orders_the_catalog_item_and_follows_its_approval():
    with ServiceNowFake() as fake:
        config = BackendConfig("servicenow", fake.url, catalog=(("new-laptop", "a1b2c3laptop"),))
        backend = ServiceNowBackend(config, Credential(USER, PASSWORD))
        ref = backend.create_ticket(REQUEST, "key-123")
        assert ref.id.startswith("sc_request/") and ref.url.startswith("REQ")
        order = next(iter(fake.orders.values()))
        assert order["variables"] == {"model": "Standard", "needed_by": "2027-03-01"}
        assert order["cat_item"] == "a1b2c3laptop" and not fake.incidents          # a request, not an incident
        assert backend.find_by_idempotency_key("key-123") == ref                      # sent once, found again
        waiting = backend.get_ticket(ref.id)
        assert waiting.status == "pending" and waiting.raw_status == "waiting for approval"
        order.update(approval="approved", request_state="in_process")
        assert backend.get_ticket(ref.id).status == "open"
        try:
            ServiceNowBackend(BackendConfig("servicenow", fake.url), Credential(USER, PASSWORD)).create_ticket(
                REQUEST, "key-456")
            raise AssertionError("ordered without a catalog item")
        except Exception as exc:  # noqa: BLE001 - the ConfigError names what is missing
            assert "[itsm.catalog]" in str(exc) and "new-laptop" in str(exc)


def test_glpi_files_a_request_in_its_category():
    with GlpiFake() as fake:
        config = BackendConfig("glpi", fake.url, catalog=(("new-laptop", "17"),))
        backend = GlpiBackend(config, Credential(USER, PASSWORD))
        ref = backend.create_ticket(REQUEST, "key-789")
        stored = fake.tickets[int(ref.id)]
        assert stored["type"] == 2 and stored["itilcategories_id"] == 17
        incident = backend.create_ticket(Ticket(subject="Broken", description="x", queue="12"), "key-790")
        assert fake.tickets[int(incident.id)]["type"] == 1


def test_the_policy_maps_catalog_items_to_the_itsms_own_ids():
    policy = parse_policy({"itsm": {"kind": "servicenow", "url": "https://x.service-now.com",
                                    "catalog": {"new-laptop": "a1b2c3laptop"}}})
    assert BackendConfig.from_policy(policy).catalog == (("new-laptop", "a1b2c3laptop"),)


def test_jsm_zammad_and_easyvista_receive_the_request_in_their_own_structures():
    from desktop.itsm.easyvista import EasyVistaBackend
    from desktop.itsm.jsm import JsmBackend
    from desktop.itsm.zammad import ZammadBackend
    from tests.itsm.fakes.easyvista import EasyVistaFake
    from tests.itsm.fakes.jsm import JsmFake
    from tests.itsm.fakes.zammad import ZammadFake

    with JsmFake() as fake:                          # the item's request type and its fields
        config = BackendConfig("jsm", fake.url, account="3", catalog=(("new-laptop", "41"),
                                                                      ("new-laptop.model", "customfield_10050")))
        key = JsmBackend(config, Credential(USER, PASSWORD)).create_ticket(REQUEST, "key-j").id
        payload = fake.requests_by_key[key]["payload"]
        assert payload["requestTypeId"] == "41"
        assert payload["requestFieldValues"]["customfield_10050"] == "Standard"
        assert payload["requestFieldValues"]["needed_by"] == "2027-03-01"
    with ZammadFake() as fake:                       # ticket object attributes
        ticket_id = ZammadBackend(BackendConfig("zammad", fake.url), Credential(USER, PASSWORD)).create_ticket(
            REQUEST, "key-z").id
        stored = fake.tickets[int(ticket_id)]
        assert stored["model"] == "Standard" and stored["needed_by"] == "2027-03-01"
    with EasyVistaFake() as fake:                    # the catalog entry of the item
        config = BackendConfig("easyvista", fake.url, account="50004", catalog=(("new-laptop", "REQ_LAPTOP"),))
        rfc = EasyVistaBackend(config, Credential(USER, PASSWORD)).create_ticket(REQUEST, "key-e").id
        assert fake.tickets[rfc]["request"]["Catalog_Code"] == "REQ_LAPTOP"
