"""The demo data set (`motcua load-demo`): xã Tái Sơn, huyện Tứ Kỳ, tỉnh Hải Dương, modelled on
the commune's CCHC report for the first half of 2023 (`seed-report-2023-H1.txt`), and the 2025
two-level reorganisation (illustrative merge, see organisation/data/).

`demo_load()` runs the steps of `DEMO_STEPS` in order, in one transaction; every step is
idempotent, so running the loader twice gives the same rows. To add a step (e.g. dossiers in
every state), append `("name", function)` to `DEMO_STEPS` or register a dossier loader in
`DOSSIER_LOADERS`; a step takes the `DemoContext` and returns a one-line Vietnamese message.

DEMO PASSWORDS ARE PUBLIC (printed by the command and in docs/domain/organisation.md): never load
the demo into a database reachable by real users.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from motcua.accounts.models import User, UserKind
from motcua.accounts.services import user_create_citizen, user_create_staff
from motcua.calendar.services import overrides_load_official
from motcua.catalogue.services import catalogue_load_starter
from motcua.demo.dossiers import load_live_dossiers, load_taison_history
from motcua.organisation.constants import Role, StaffCategory
from motcua.organisation.importing import units_import
from motcua.organisation.models import Unit
from motcua.organisation.services import (
    membership_grant,
    staff_position_upsert,
    staffing_quota_set,
)
from motcua.reports.services import rollup_rebuild

DATA_DIR = Path(__file__).resolve().parent.parent / "organisation" / "data"
UNIT_FILES = ("units-2023-hai-duong.json", "units-2025-hai-phong-merge.json")

PROVINCE_CODE = "30"  # Tỉnh Hải Dương (until 30/06/2025)
PROVINCE_2025_CODE = "31"  # Thành phố Hải Phòng (from 01/07/2025)
TAI_SON_CODE = "11098"  # Xã Tái Sơn (until 30/06/2025)
TAI_SON_2025_CODE = "31-TS25"  # its illustrative successor from 01/07/2025

REPORT_REF = "Báo cáo công tác CCHC 6 tháng đầu năm 2023 của UBND xã Tái Sơn"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    unit: str
    password: str


@dataclass
class DemoSummary:
    logins: list[DemoLogin] = field(default_factory=list)
    steps: list[tuple[str, str]] = field(default_factory=list)  # (step name, message)


@dataclass
class DemoContext:
    summary: DemoSummary
    units: dict[str, Unit] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    def unit(self, code: str) -> Unit:
        if code not in self.units:
            self.units[code] = Unit.objects.get(code=code)
        return self.units[code]


DemoStep = Callable[[DemoContext], str]


# --- step: units ---------------------------------------------------------------------------


def step_units(ctx: DemoContext) -> str:
    parts = []
    for name in UNIT_FILES:
        result = units_import((DATA_DIR / name).read_text(encoding="utf-8"))
        parts.append(f"{name}: +{result.created} ~{result.updated} ={result.unchanged}")
    return "; ".join(parts)


# --- step: staff accounts and roles ----------------------------------------------------------


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    full_name: str
    kind: str
    roles: tuple[tuple[str, str], ...]  # (role, unit code)
    superuser: bool = False
    label: str = ""


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        "taison.tiepnhan",
        "Hoa-Sen-2023!",
        "Phạm Thị Mai",
        UserKind.STAFF,
        ((Role.RECEIVER, TAI_SON_CODE), (Role.RECEIVER, TAI_SON_2025_CODE)),
    ),
    DemoAccount(
        "taison.chuyenvien",
        "Cay-Tre-2023!",
        "Vũ Văn Nam",
        UserKind.STAFF,
        ((Role.SPECIALIST, TAI_SON_CODE), (Role.SPECIALIST, TAI_SON_2025_CODE)),
    ),
    DemoAccount(
        "taison.lanhdao",
        "Song-Hong-2023!",
        "Đỗ Văn Hùng",
        UserKind.STAFF,
        ((Role.LEADER, TAI_SON_CODE), (Role.LEADER, TAI_SON_2025_CODE)),
    ),
    DemoAccount(
        "taison.quantri",
        "Nui-Ngu-2023!",
        "Lê Thị Hằng",
        UserKind.STAFF,
        ((Role.UNIT_ADMIN, TAI_SON_CODE), (Role.UNIT_ADMIN, TAI_SON_2025_CODE)),
    ),
    DemoAccount(
        "hungdao.chuyenvien",
        "Dong-Lua-2025!",
        "Trịnh Văn Hải",
        UserKind.STAFF,
        ((Role.RECEIVER, "31-HD25"), (Role.SPECIALIST, "31-HD25"), (Role.LEADER, "31-HD25")),
        label="Xã Hưng Đạo mới: nhận liên thông, trả lời lấy ý kiến",
    ),
    DemoAccount(
        "tinh.giamsat",
        "Bien-Dong-2023!",
        "Trần Quốc Bảo",
        UserKind.STAFF,
        ((Role.SUPERVISOR, PROVINCE_CODE), (Role.SUPERVISOR, PROVINCE_2025_CODE)),
    ),
    DemoAccount(
        "admin",
        "Quan-Tri-Demo-2023!",
        "Quản trị hệ thống",
        UserKind.STAFF,
        (),
        superuser=True,
        label="Quản trị Django (/quan-tri/)",
    ),
    DemoAccount(
        "congdan",
        "Cong-Dan-Demo-2023!",
        "Nguyễn Thị Lan",
        UserKind.CITIZEN,
        (),
        label="Công dân (cổng dịch vụ công)",
    ),
)


def _account(spec: DemoAccount) -> User:
    user = User.objects.filter(username=spec.username).first()
    if user is None:
        if spec.kind == UserKind.CITIZEN:
            return user_create_citizen(
                username=spec.username, password=spec.password, full_name=spec.full_name
            )
        return user_create_staff(
            username=spec.username,
            password=spec.password,
            full_name=spec.full_name,
            is_superuser=spec.superuser,
        )
    # Re-running the demo resets the demo account to its documented state.
    user.full_name = spec.full_name
    user.kind = spec.kind
    user.is_active = True
    user.is_staff = user.is_superuser = spec.superuser
    if not user.check_password(spec.password):
        user.set_password(spec.password)
    user.save()
    return user


def step_staff(ctx: DemoContext) -> str:
    for spec in DEMO_ACCOUNTS:
        user = _account(spec)
        ctx.users[spec.username] = user
        for role, code in spec.roles:
            membership_grant(user=user, unit=ctx.unit(code), role=role)
        if spec.roles:
            for role, code in spec.roles:
                ctx.summary.logins.append(
                    DemoLogin(
                        spec.username, str(Role(role).label), ctx.unit(code).name, spec.password
                    )
                )
        else:
            ctx.summary.logins.append(DemoLogin(spec.username, spec.label, "—", spec.password))
    return f"{len(DEMO_ACCOUNTS)} tài khoản"


# --- step: staffing registry of xã Tái Sơn (seed report, part II.3–II.4) --------------------

# (position, fictitious name, political theory level, professional level, demo account)
# Report: cán bộ 9/10 (the Bí thư Đoàn post is held concurrently), all 9 party members,
# political theory trung cấp 8 / sơ cấp 1, professional đại học 8 / chưa qua đào tạo 1.
CAN_BO: tuple[tuple[str, str, str, str, str], ...] = (
    ("Bí thư Đảng ủy", "Nguyễn Văn Thành", "Trung cấp", "Đại học", ""),
    ("Phó Bí thư Thường trực Đảng ủy", "Hoàng Văn Long", "Trung cấp", "Đại học", ""),
    ("Chủ tịch HĐND xã", "Bùi Thị Thu", "Trung cấp", "Đại học", ""),
    ("Phó Chủ tịch HĐND xã", "Nguyễn Văn Phúc", "Trung cấp", "Đại học", ""),
    ("Chủ tịch UBND xã", "Đỗ Văn Hùng", "Trung cấp", "Đại học", "taison.lanhdao"),
    ("Phó Chủ tịch UBND xã", "Phạm Văn Đức", "Trung cấp", "Đại học", ""),
    ("Chủ tịch Ủy ban MTTQ xã", "Vũ Thị Hạnh", "Trung cấp", "Đại học", ""),
    ("Chủ tịch Hội Liên hiệp Phụ nữ xã", "Trần Thị Nga", "Sơ cấp", "Đại học", ""),
    ("Chủ tịch Hội Cựu chiến binh xã", "Nguyễn Văn Bình", "Trung cấp", "Chưa qua đào tạo", ""),
)
# Report: công chức 8/8, all party members, political theory trung cấp 5 / sơ cấp 3,
# professional đại học 8.
CONG_CHUC: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "Văn phòng - Thống kê (Văn phòng HĐND-UBND)",
        "Phạm Thị Mai",
        "Trung cấp",
        "Đại học",
        "taison.tiepnhan",
    ),
    (
        "Văn phòng - Thống kê (Văn phòng Đảng ủy - Nội vụ)",
        "Nguyễn Thị Yến",
        "Trung cấp",
        "Đại học",
        "",
    ),
    ("Tư pháp - Hộ tịch", "Vũ Văn Nam", "Trung cấp", "Đại học", "taison.chuyenvien"),
    ("Địa chính - Xây dựng", "Trần Văn Tuấn", "Trung cấp", "Đại học", ""),
    ("Tài chính - Kế toán", "Đặng Thị Hoa", "Trung cấp", "Đại học", ""),
    ("Văn hóa - Xã hội", "Lê Thị Hằng", "Sơ cấp", "Đại học", "taison.quantri"),
    (
        "Văn hóa - Xã hội (Lao động - Thương binh và Xã hội)",
        "Ngô Văn Khánh",
        "Sơ cấp",
        "Đại học",
        "",
    ),
    ("Chỉ huy trưởng Ban Chỉ huy Quân sự", "Phan Văn Sơn", "Sơ cấp", "Đại học", ""),
)
# Report: 32 người hoạt động không chuyên trách at commune, village and residential-area level;
# the report gives no quota and no qualifications for them.
KHONG_CHUYEN_TRACH_COUNT = 32
STAFFING_YEAR = 2023
QUOTAS = {StaffCategory.CAN_BO: 10, StaffCategory.CONG_CHUC: 8}


def step_staffing(ctx: DemoContext) -> str:
    unit = ctx.unit(TAI_SON_CODE)
    for category, quota in QUOTAS.items():
        staffing_quota_set(
            unit=unit, year=STAFFING_YEAR, category=category, quota=quota, legal_ref=REPORT_REF
        )
    users = {u.username: u for u in User.objects.filter(username__startswith="taison.")}
    rows = 0
    for category, table in ((StaffCategory.CAN_BO, CAN_BO), (StaffCategory.CONG_CHUC, CONG_CHUC)):
        for position, name, theory, professional, username in table:
            staff_position_upsert(
                unit=unit,
                full_name=name,
                position=position,
                category=category,
                is_party_member=True,
                political_theory_level=theory,
                professional_level=professional,
                user=users.get(username) if username else None,
            )
            rows += 1
    for n in range(1, KHONG_CHUYEN_TRACH_COUNT + 1):
        staff_position_upsert(
            unit=unit,
            full_name=f"Người hoạt động không chuyên trách {n:02d}",
            position="Không chuyên trách cấp xã, thôn, khu dân cư",
            category=StaffCategory.KHONG_CHUYEN_TRACH,
        )
        rows += 1
    return f"{rows} người trong danh sách, biên chế năm {STAFFING_YEAR}"


# --- step: working-day calendar and catalogue (other apps' loaders) --------------------------


def step_calendar(ctx: DemoContext) -> str:
    result = overrides_load_official()
    return f"ngày nghỉ, hoán đổi: +{result.created} ~{result.updated} ={result.unchanged}"


def step_catalogue(ctx: DemoContext) -> str:
    result = catalogue_load_starter()
    return (
        f"thủ tục +{result.procedures_created} ~{result.procedures_updated}; "
        f"phiên bản +{result.versions_created} ~{result.versions_updated} "
        f"={result.versions_unchanged}"
    )


# --- step: dossiers (hook for the dossier app) -----------------------------------------------


def _taison_history(ctx: DemoContext) -> str:
    return load_taison_history(ctx.unit(TAI_SON_CODE))


def _live_dossiers(ctx: DemoContext) -> str:
    return load_live_dossiers(
        unit=ctx.unit(TAI_SON_2025_CODE),
        other_unit=ctx.unit("31-HD25"),
        receiver=ctx.users["taison.tiepnhan"],
        specialist=ctx.users["taison.chuyenvien"],
        leader=ctx.users["taison.lanhdao"],
        citizen=ctx.users["congdan"],
    )


def _rollups(ctx: DemoContext) -> str:
    flows = rollup_rebuild()
    return f"số liệu thống kê tổng hợp: {flows} dòng"


DOSSIER_LOADERS: list[DemoStep] = [_taison_history, _live_dossiers, _rollups]


def step_dossiers(ctx: DemoContext) -> str:
    messages = [loader(ctx) for loader in DOSSIER_LOADERS]
    return "; ".join(messages) if messages else "chưa có bộ hồ sơ mẫu"


def step_signing(ctx: DemoContext) -> str:
    """Demo signing keys (a demo CA, the leader's key, the agency seal) under
    `MOTCUA["DEMO_SIGNING_DIR"]`, kept when they exist; never in production (no directory).
    Runs before the dossiers, so the returned demo dossier's result is signed between its
    approval and its return (`demo.dossiers.sign_demo_result`), as a leader would."""
    from django.conf import settings

    from motcua.signing.testca import write_demo_keys

    folder = str(settings.MOTCUA.get("DEMO_SIGNING_DIR") or "")
    if not folder:
        return "không tạo khóa ký số demo (MOTCUA_DEMO_SIGNING_DIR trống)"
    keys = write_demo_keys(folder)
    return f"khóa ký số demo {'mới tạo' if keys.created else 'đã có'} tại {keys.folder}"


DEMO_STEPS: list[tuple[str, DemoStep]] = [
    ("units", step_units),
    ("staff", step_staff),
    ("staffing", step_staffing),
    ("calendar", step_calendar),
    ("catalogue", step_catalogue),
    ("signing", step_signing),
    ("dossiers", step_dossiers),
]


@transaction.atomic
def demo_load() -> DemoSummary:
    """Load (or refresh) the demo data set; idempotent. Returns the log-ins and step messages."""
    summary = DemoSummary()
    ctx = DemoContext(summary=summary)
    for name, step in DEMO_STEPS:
        summary.steps.append((name, step(ctx)))
    return summary
