"""Password rules of staff accounts beyond Django's own validators."""

from __future__ import annotations

from django.contrib.auth.password_validation import MinimumLengthValidator

__all__ = ["ChineseMinimumLengthValidator"]


class ChineseMinimumLengthValidator(MinimumLengthValidator):
    """Django's minimum length, its refusal in Chinese (Django 5.2's zh-hans lacks it)."""

    def get_error_message(self) -> str:
        """The refusal shown beside the new password."""
        return f"密码太短，至少需要 {self.min_length} 个字符。"
