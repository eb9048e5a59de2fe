from __future__ import annotations

import pytest

from stripecli.redact import mask_key, redact


@pytest.mark.parametrize(
    "key, masked",
    [
        ("sk_test_51HxAbCdEfGh1234abcd", "sk_test_...abcd"),
        ("sk_live_51HxAbCd1234wxyz", "sk_live_...wxyz"),
        ("rk_test_51HxAbCdEfGh12349876", "rk_test_...9876"),
        ("rk_live_zzzzzzzzzzzz1111", "rk_live_...1111"),
        ("pk_test_51HxAbCdEfGh1234pppp", "pk_test_...pppp"),
        ("sk_test_fake123", "sk_test_...e123"),
        ("sk_test_abcd", "****"),
        ("whsec_0123456789abcdef", "...cdef"),
        ("short", "****"),
        ("", "****"),
        (None, "****"),
    ],
)
def test_mask_key(key, masked):
    assert mask_key(key) == masked


def test_mask_never_reveals_a_short_secret_in_full():
    for key in ["sk_test_a", "sk_test_ab", "sk_test_abcde", "abcdefgh"]:
        masked = mask_key(key)
        assert key not in masked


def test_redact_given_keys_and_key_shaped_strings():
    key = "sk_test_fake123abcdWXYZ"
    other = "sk_live_0123456789abGHIJ"
    text = "Authorization: Bearer %s\nother=%s custom=%s" % (key, other, "whsec_custom_secret_1234")
    out = redact(text, key, "whsec_custom_secret_1234")
    assert key not in out and other not in out and "whsec_custom_secret_1234" not in out
    assert "Bearer sk_test_...WXYZ" in out
    assert "other=sk_live_...GHIJ" in out
    assert "custom=...1234" in out


def test_redact_leaves_ordinary_text_alone():
    text = "cus_123 sk_test_ (no key) pk_test_0123456789abcdef stays"
    assert redact(text) == text
    assert redact(text, None, "") == text
