"""Domain errors. Their message is Vietnamese text shown to the user as it is."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the request; nothing was changed."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message


class PermissionDenied(DomainError):
    """The user's unit or role does not allow the action."""

    def __init__(self, message: str = "Bạn không có quyền thực hiện thao tác này.") -> None:
        super().__init__(message, code="forbidden")


class ConcurrentChange(DomainError):
    """Somebody else changed the record between the user's read and write."""

    def __init__(
        self, message: str = "Hồ sơ vừa được người khác thay đổi. Vui lòng tải lại trang."
    ) -> None:
        super().__init__(message, code="conflict")


class ValidationReport(DomainError):
    """A file or batch had bad rows; `problems` lists each as (line number, message)."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        lines = "\n".join(f"Dòng {line}: {msg}" for line, msg in problems)
        super().__init__(f"Tệp có {len(problems)} lỗi, không có thay đổi nào được ghi:\n{lines}")
