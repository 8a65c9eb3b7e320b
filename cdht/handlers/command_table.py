"""The chat commands, who may use them, and how they read in the menu. Channels build menus from this."""

from __future__ import annotations

from dataclasses import dataclass

from cdht.conversations.outbound import OutboundMessage

ALL = ("village_head", "commune_officer", "district_admin", "province_admin")
OFFICERS = ("commune_officer", "district_admin", "province_admin")
ADMINS = ("district_admin", "province_admin")
ANSWERING = ("village_head", "commune_officer", "district_admin", "province_admin")
ROLE_NAMES = {
    "village_head": "trưởng thôn",
    "commune_officer": "cán bộ xã",
    "district_admin": "quản trị cấp huyện",
    "province_admin": "quản trị cấp tỉnh",
}


@dataclass(frozen=True)
class CommandSpec:
    name: str
    description: str
    roles: tuple[str, ...]
    hidden: bool = False  # a button's action, not listed in the menu


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("start", "Bắt đầu / tiếp tục trả lời", ALL),
    CommandSpec("xemlai", "Xem lại và sửa câu trả lời", ANSWERING),
    CommandSpec("tiendo", "Tiến độ và kết quả đánh giá", OFFICERS),
    CommandSpec("bieudo", "Biểu đồ tiến độ và kết quả", OFFICERS),
    CommandSpec("duyet", "Duyệt số liệu các thôn", ("commune_officer",)),
    CommandSpec("baocao", "Tải hồ sơ: bảng tổng hợp, tờ trình, báo cáo", OFFICERS),
    CommandSpec("thongbao", "Gửi thông báo", ADMINS),
    CommandSpec("congnhan", "Ghi quyết định công nhận", ADMINS),
    CommandSpec("nhatky", "Nhật ký thay đổi số liệu", ADMINS),
    CommandSpec("hop", "Ghi cuộc họp tự đánh giá", OFFICERS),
    CommandSpec("guihoso", "Gửi hồ sơ đề nghị công nhận", OFFICERS),
    CommandSpec("hoso", "Hồ sơ đề nghị công nhận đã nhận", ADMINS),
    CommandSpec("hoidong", "Lập Hội đồng đánh giá", ADMINS),
    CommandSpec("ykien", "Ý kiến Hội đồng về các hồ sơ", ADMINS),
    CommandSpec("vuongmac", "Gửi hoặc xem vướng mắc", ALL),
    CommandSpec("moi", "Tạo mã mời đăng ký cho một người", OFFICERS),
    CommandSpec("khoa", "Khoá quyền dùng bot của một người cấp dưới", OFFICERS),
    CommandSpec("mokhoa", "Mở khoá cho một người đã bị khoá", OFFICERS),
    CommandSpec("huy", "Hủy thao tác đang làm", ALL),
    CommandSpec("help", "Hướng dẫn sử dụng", ALL),
    CommandSpec("duyet_ok", "Duyệt số liệu một thôn", ("commune_officer",), hidden=True),
    CommandSpec("tralai", "Trả lại số liệu một thôn", ("commune_officer",), hidden=True),
    CommandSpec("xuat", "Tạo một tệp hồ sơ", OFFICERS, hidden=True),
    CommandSpec("khoa_ok", "Xác nhận khoá quyền dùng bot", OFFICERS, hidden=True),
    CommandSpec("mokhoa_ok", "Xác nhận mở khoá", OFFICERS, hidden=True),
    CommandSpec("tb", "Các bước soạn thông báo", ADMINS, hidden=True),
    CommandSpec("vm_traloi", "Trả lời vướng mắc", OFFICERS, hidden=True),
    CommandSpec("hs_xem", "Xem một hồ sơ đề nghị công nhận", ADMINS, hidden=True),
    CommandSpec("hs_ok", "Đã kiểm tra, đủ hồ sơ", ADMINS, hidden=True),
    CommandSpec("hs_tralai", "Trả lại hồ sơ đề nghị công nhận", ADMINS, hidden=True),
    CommandSpec("hd_gui", "Gửi hồ sơ tới Hội đồng lấy ý kiến", ADMINS, hidden=True),
    CommandSpec("hd_tailieu", "Xem tài liệu của hồ sơ", ADMINS, hidden=True),
    CommandSpec("yk", "Cho ý kiến về một hồ sơ", ADMINS, hidden=True),
    CommandSpec("yk_chon", "Đồng ý hoặc không đồng ý một tiêu chí", ADMINS, hidden=True),
)
BY_NAME = {spec.name: spec for spec in COMMANDS}


def commands_for(role: str) -> list[CommandSpec]:
    """The menu of a role (what setMyCommands shows on Telegram)."""
    return [spec for spec in COMMANDS if role in spec.roles and not spec.hidden]


def allowed(role: str, name: str) -> bool:
    spec = BY_NAME.get(name)
    return spec is not None and role in spec.roles


def refusal(name: str) -> OutboundMessage:
    return OutboundMessage(
        text=f"Xin lỗi, lệnh /{name} không dành cho vai trò của anh/chị. Gõ /help để xem các lệnh có thể dùng."
    )


NOT_IN_SCOPE = OutboundMessage(text="Xin lỗi, anh/chị không có quyền xem đơn vị này.")
