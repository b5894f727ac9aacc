"""Reuse of digitised data (QĐ 766/QĐ-TTg indicator 4.3, DOMAIN.md §4.2): the citizen picks a
paper from their personal store instead of uploading it; the dossier records where it came
from, and the indicator counts it."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from motcua.digitisation import hooks, services
from motcua.digitisation.constants import Source
from motcua.digitisation.models import DigitisedComponent, PersonalStoreItem, StoreItemUse
from motcua.digitisation.tests.conftest import digitise, pdf_bytes
from motcua.dossiers import services as dos
from motcua.dossiers.models import Dossier
from motcua.evaluation.indices import qd766_indicators
from motcua.portal.models import Submission, Upload
from motcua.portal.tests.conftest import VALID_FORM, login, pdf, received

pytestmark = pytest.mark.django_db

URL = "/cong-dan/thu-tuc/LOCAL-HT-01/nop/"


def store_item_of(commune, birth, citizen) -> PersonalStoreItem:
    """A paper digitised in an earlier dossier of the citizen, now in their store."""
    earlier = received(commune, birth, citizen)
    digitise(commune.receiver, earlier, content=pdf_bytes("to-khai-cu"))
    hooks.fill_store(earlier.events.order_by("-seq").values_list("pk", flat=True)[0])
    return PersonalStoreItem.objects.get(owner=citizen)


def form_key(client) -> str:
    html = client.get(URL).content.decode()
    match = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', html)
    assert match
    return match.group(1)


def submit_reusing(client, commune, birth, item, key):
    first, second = list(birth.components.order_by("order"))[:2]
    data = {
        "idempotency_key": key,
        "unit": str(commune.unit.pk),
        "applicant_name": "Trần Thị Bình",
        **VALID_FORM,
        "declaration": "on",
        "action": "submit",
        f"store_{first.pk}": str(item.pk),  # instead of file_<first>
        f"file_{second.pk}": pdf("cccd.pdf"),
    }
    return client.post(URL, data)


def test_submission_reusing_a_store_item_end_to_end(
    commune, birth, citizen, django_capture_on_commit_callbacks
):
    item = store_item_of(commune, birth, citizen)
    client = login(citizen)
    html = client.get(URL).content.decode()
    first = birth.components.order_by("order").first()
    assert f'name="store_{first.pk}"' in html and item.title in html  # the <select>

    with django_capture_on_commit_callbacks(execute=True):
        response = submit_reusing(client, commune, birth, item, form_key(client))

    dossier = Dossier.objects.exclude(pk=item.source_dossier_id).get()
    assert response.status_code == 302 and response["Location"] == f"/cong-dan/ho-so/{dossier.pk}/"
    assert dossier.events.get().payload["missing"] == []  # the reused paper counts as provided
    upload = Upload.objects.get(dossier=dossier, component=first)
    assert upload.sha256 == item.sha256 and upload.file.name != item.file.name  # a copy
    assert StoreItemUse.objects.get(upload=upload).item == item
    reused = DigitisedComponent.objects.get(dossier=dossier)
    assert reused.source == Source.PERSONAL_STORE and reused.origin == item
    assert reused.dossier_component.component == first and reused.upload == upload
    assert reused.digitised_by == citizen

    # The officer sees where the component came from, on the dossier page.
    page = login(commune.receiver).get(f"/ho-so/{dossier.pk}/").content.decode()
    assert "Kho dữ liệu cá nhân" in page and item.title in page
    assert f"/so-hoa/ho-so/{dossier.pk}/" in page


def test_record_reuse_is_idempotent(commune, birth, citizen):
    item = store_item_of(commune, birth, citizen)
    client = login(citizen)
    submit_reusing(client, commune, birth, item, form_key(client))
    dossier = Dossier.objects.exclude(pk=item.source_dossier_id).get()
    event_id = dossier.events.get().pk
    hooks.record_reuse(event_id)
    hooks.record_reuse(event_id)
    assert DigitisedComponent.objects.filter(dossier=dossier).count() == 1


def test_picking_the_same_item_twice_attaches_one_copy(commune, birth, citizen):
    item = store_item_of(commune, birth, citizen)
    client = login(citizen)
    key = form_key(client)
    first = birth.components.order_by("order").first()
    for _ in range(2):  # "Lưu nháp" twice with the same pick
        client.post(URL, {"idempotency_key": key, "action": "save", f"store_{first.pk}": item.pk})
    submission = Submission.objects.get(idempotency_key=key)
    assert submission.uploads.filter(component=first).count() == 1


def test_another_citizens_item_cannot_be_picked(commune, birth, citizen, other_citizen):
    item = store_item_of(commune, birth, citizen)
    client = login(other_citizen)
    first = birth.components.order_by("order").first()
    key = form_key(client)
    assert 'name="store_' not in client.get(URL).content.decode()  # their store is empty
    response = client.post(
        URL, {"idempotency_key": key, "action": "save", f"store_{first.pk}": item.pk}
    )
    assert response.status_code == 400
    assert "Không tìm thấy giấy tờ đã chọn trong kho" in response.content.decode()
    assert not StoreItemUse.objects.exists()
    with pytest.raises(services.PermissionDenied):
        services.store_item_attach(
            user=other_citizen,
            submission=Submission.objects.get(idempotency_key=key),
            component=first,
            item=item,
        )


def test_expired_item_is_not_offered_nor_accepted(commune, birth, citizen):
    item = store_item_of(commune, birth, citizen)
    item.valid_until = timezone.localdate() - dt.timedelta(days=1)
    item.save()
    client = login(citizen)
    first = birth.components.order_by("order").first()
    assert f'name="store_{first.pk}"' not in client.get(URL).content.decode()
    response = client.post(
        URL, {"idempotency_key": form_key(client), "action": "save", f"store_{first.pk}": item.pk}
    )
    assert response.status_code == 400 and not StoreItemUse.objects.exists()


def test_altered_store_file_is_refused(commune, birth, citizen):
    """The copy must still have the item's SHA-256 (a changed file is not reused silently)."""
    item = store_item_of(commune, birth, citizen)
    PersonalStoreItem.objects.filter(pk=item.pk).update(sha256="0" * 64)
    item.refresh_from_db()
    client = login(citizen)
    key = form_key(client)
    first = birth.components.order_by("order").first()
    response = client.post(
        URL, {"idempotency_key": key, "action": "save", f"store_{first.pk}": item.pk}
    )
    assert response.status_code == 400 and "không còn nguyên vẹn" in response.content.decode()
    assert not Upload.objects.filter(submission__idempotency_key=key).exists()


# --- QĐ 766 group 4 counters ------------------------------------------------------------------


def indicators(unit):
    today = timezone.localdate()
    return {r.code: r for r in qd766_indicators(unit, today.replace(day=1), today)}


def test_reuse_increments_indicator_4_3(commune, birth, citizen):
    """QĐ 766 §4.2 id 4.3: dossiers with ≥1 component reused ÷ dossiers received."""
    item = store_item_of(commune, birth, citizen)  # one received dossier, no reuse
    before = indicators(commune.unit)["4.3"]
    assert (before.numerator, before.denominator, before.value) == (0, 1, Decimal("0.00"))

    client = login(citizen)
    submit_reusing(client, commune, birth, item, form_key(client))
    dossier = Dossier.objects.exclude(pk=item.source_dossier_id).get()
    hooks.record_reuse(dossier.events.get().pk)
    dos.dossier_receive(dossier=dossier, user=commune.receiver)

    after = indicators(commune.unit)["4.3"]
    assert (after.numerator, after.denominator, after.value) == (1, 2, Decimal("50.00"))
    assert after.points == Decimal("1.25")  # 50 × 2 / 80 (threshold 80%)
    assert "1 thành phần lấy từ kho" in after.reason


def test_digitised_dossiers_counted_in_indicator_4_2(commune, birth, citizen):
    """QĐ 766 §4.2 id 4.2: dossiers with digitised components (scanned at the counter or
    files submitted online) ÷ dossiers received."""
    scanned = received(commune, birth, citizen)
    received(commune, birth, citizen)  # neither scanned nor with online files
    assert indicators(commune.unit)["4.2"].numerator == 0
    digitise(commune.receiver, scanned)
    digitise(commune.receiver, scanned, content=pdf_bytes("trang-2"))
    result = indicators(commune.unit)["4.2"]
    assert (result.numerator, result.denominator, result.value) == (1, 2, Decimal("50.00"))
    assert "2 thành phần số hóa" in result.reason


# --- matching store items to components ------------------------------------------------------

VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
)


@given(
    words=st.lists(st.text(alphabet=VIETNAMESE, min_size=1, max_size=8), min_size=1, max_size=6),
    spaces=st.text(alphabet=" \t", min_size=1, max_size=3),
)
def test_component_names_match_whatever_the_case_and_spacing(words, spaces):
    """An item digitised for "Giấy khai sinh" is offered for "GIẤY  KHAI SINH" too."""
    from motcua.digitisation.selectors import _fold

    name = " ".join(words)
    variant = spaces + spaces.join(w.upper() for w in words) + spaces
    assert _fold(variant) == _fold(name)


def test_submission_form_reads_the_store_once(commune, birth, citizen):
    """PERFORMANCE: one query for the store, whatever the number of components."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    store_item_of(commune, birth, citizen)
    assert birth.components.count() >= 2
    client = login(citizen)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(URL).content.decode()
    assert html.count('name="store_') == birth.components.count()
    store_reads = [q for q in queries if "digitisation_personalstoreitem" in q["sql"]]
    assert len(store_reads) == 1
