"""prepare() gives exactly what would be sent; to_curl() shows it without the key."""

from __future__ import annotations

import shlex
import uuid

from stripecli.api.client import ClientConfig, StripeClient
from stripecli.api.request import ApiRequest, PreparedRequest

KEY = "sk_test_fake123abcdWXYZ"


def client(**kw):
    return StripeClient(ClientConfig(api_key=KEY, stripe_version="2025-01-27.acacia", **kw))


def test_get_puts_params_in_the_query_string():
    prepared = client().prepare(
        ApiRequest("GET", "/v1/customers", {"limit": 3, "email": "a+b@example.com", "expand": ["data.sources"]})
    )
    assert prepared.method == "GET"
    assert prepared.url == (
        "https://api.stripe.com/v1/customers?limit=3&email=a%2Bb%40example.com&expand[0]=data.sources"
    )
    assert prepared.body is None
    assert "Content-Type" not in prepared.headers
    assert "Idempotency-Key" not in prepared.headers
    assert prepared.headers["Authorization"] == "Bearer " + KEY
    assert prepared.headers["Stripe-Version"] == "2025-01-27.acacia"


def test_delete_uses_the_query_string_and_no_body():
    prepared = client().prepare(ApiRequest("delete", "/v1/customers/cus_1", {"x": True}))
    assert prepared.method == "DELETE"
    assert prepared.url == "https://api.stripe.com/v1/customers/cus_1?x=true"
    assert prepared.body is None


def test_post_has_a_form_body_and_an_idempotency_key():
    c = client()
    req = ApiRequest("POST", "/v1/customers", {"name": "Jenny Rosen", "metadata": {"a": "1"}})
    prepared = c.prepare(req)
    assert prepared.url == "https://api.stripe.com/v1/customers"
    assert prepared.body == "name=Jenny+Rosen&metadata[a]=1"
    assert prepared.headers["Content-Type"] == "application/x-www-form-urlencoded"
    uuid.UUID(prepared.headers["Idempotency-Key"])
    assert c.prepare(req).headers["Idempotency-Key"] != prepared.headers["Idempotency-Key"]


def test_configured_idempotency_key_and_per_request_headers():
    c = client(idempotency_key="my-key-1", stripe_account="acct_123")
    prepared = c.prepare(
        ApiRequest("POST", "/v1/refunds", {"charge": "ch_1"}, stripe_version="2024-06-20", headers={"X-Extra": "1"})
    )
    assert prepared.headers["Idempotency-Key"] == "my-key-1"
    assert prepared.headers["Stripe-Account"] == "acct_123"
    assert prepared.headers["Stripe-Version"] == "2024-06-20"
    assert prepared.headers["X-Extra"] == "1"
    overridden = c.prepare(ApiRequest("POST", "/v1/refunds", headers={"idempotency-key": "from-request"}))
    assert [v for k, v in overridden.headers.items() if k.lower() == "idempotency-key"] == ["from-request"]


def test_bases_and_api_base_override():
    c = client()
    assert c.prepare(ApiRequest("POST", "/v1/files", base="files")).url == "https://files.stripe.com/v1/files"
    assert c.prepare(ApiRequest("POST", "/oauth/token", base="connect")).url == "https://connect.stripe.com/oauth/token"
    assert (
        c.prepare(ApiRequest("POST", "/v1/billing/meter_events", base="meter_events")).url
        == "https://meter-events.stripe.com/v1/billing/meter_events"
    )
    local = client(api_base="http://127.0.0.1:12111/")
    for base in ("api", "files", "connect", "meter_events"):
        assert local.prepare(ApiRequest("GET", "/v1/x", base=base)).url == "http://127.0.0.1:12111/v1/x"


def test_user_agent_names_stripecli_and_httpx():
    import httpx

    prepared = client(user_agent_version="1.2.3").prepare(ApiRequest("GET", "/v1/balance"))
    assert prepared.headers["User-Agent"] == "stripecli/1.2.3 python-httpx/%s" % httpx.__version__


def test_to_curl_is_copy_pasteable_and_masks_the_key():
    prepared = client().prepare(
        ApiRequest("POST", "/v1/customers", {"name": "O'Brien & Sons", "metadata": {"k": "v"}})
    )
    curl = prepared.to_curl(KEY)
    assert KEY not in curl
    argv = shlex.split(curl)
    assert argv[:4] == ["curl", "-X", "POST", "https://api.stripe.com/v1/customers"]
    headers = [argv[i + 1] for i, a in enumerate(argv) if a == "-H"]
    assert "Authorization: Bearer sk_test_...WXYZ" in headers
    assert "Stripe-Version: 2025-01-27.acacia" in headers
    assert any(h.startswith("Idempotency-Key: ") for h in headers)
    assert argv[argv.index("--data-raw") + 1] == "name=O%27Brien+%26+Sons&metadata[k]=v"
    # default display is the masked key too; an already masked key is shown as given
    assert prepared.to_curl() == curl
    assert "Bearer sk_test_...WXYZ" in prepared.to_curl("sk_test_...WXYZ")
    multi = prepared.to_curl(KEY, multiline=True)
    assert shlex.split(multi.replace("\\\n", " ")) == argv


def test_to_curl_get_has_no_method_flag_or_body():
    curl = client().prepare(ApiRequest("GET", "/v1/customers", {"limit": 1})).to_curl(KEY)
    argv = shlex.split(curl)
    assert argv[:2] == ["curl", "https://api.stripe.com/v1/customers?limit=1"]
    assert "--data-raw" not in argv and "-X" not in argv


def test_repr_of_prepared_request_never_shows_the_key():
    prepared = client().prepare(ApiRequest("GET", "/v1/balance"))
    assert KEY not in repr(prepared)
    assert "sk_test_...WXYZ" in repr(prepared)


def test_prepared_request_is_plain_data():
    p = PreparedRequest("GET", "https://x/v1/a", {"Authorization": "Bearer " + KEY}, None)
    assert p.api_key == KEY
