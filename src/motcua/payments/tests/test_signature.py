"""The sandbox signature (HMAC-SHA256 over the sorted fields): any change to any field, an
added field, or another key makes the check fail."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.payments.providers import InvalidCallback, sandbox_check, sandbox_signed

names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8).filter(
    lambda n: n != "sig"
)
values = st.text(max_size=20)


@settings(max_examples=60, deadline=None)
@given(fields=st.dictionaries(names, values, min_size=1, max_size=6), data=st.data())
def test_any_altered_field_breaks_the_signature(fields, data):
    signed = sandbox_signed(fields)
    assert sandbox_check(signed) == signed
    name = data.draw(st.sampled_from(sorted(fields)))
    new = data.draw(values.filter(lambda v: v != fields[name]))
    with pytest.raises(InvalidCallback):
        sandbox_check({**signed, name: new})
    extra = data.draw(names.filter(lambda n: n not in fields))
    with pytest.raises(InvalidCallback):
        sandbox_check({**signed, extra: "x"})


def test_another_key_breaks_the_signature(settings):
    signed = sandbox_signed({"ref": "SB1", "status": "paid", "amount": "8000"})
    settings.MOTCUA = {**settings.MOTCUA, "PAYMENT_SANDBOX_SECRET": "khoa-khac"}
    with pytest.raises(InvalidCallback):
        sandbox_check(signed)
