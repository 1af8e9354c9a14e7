"""Masking a complainant for readers who may not see them: 张**, 139****0001."""
from __future__ import annotations

import pytest

from tracker.cases.privacy import mask_name, mask_phone


@pytest.mark.parametrize(("name", "masked"), [
    ("张秀兰", "张**"),
    ("李四", "李*"),
    ("欧阳娜娜", "欧***"),
    ("张", "张*"),                 # one character still hides that it is the whole name
    ("𠀀𠀁", "𠀀*"),               # outside the BMP: one character, never half of one
    ("𠀀", "𠀀*"),
    ("  王五  ", "王*"),           # stray spaces are not characters of the name
    ("Zhang Xiulan", "Z***********"),
    ("", ""),
    ("   ", ""),
    (None, ""),
])
def test_mask_name_keeps_only_the_first_character(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize(("phone", "masked"), [
    ("13900000001", "139****0001"),
    ("139 0000 0001", "139****0001"),
    ("139-0000-0001", "139****0001"),
    ("+86 139 0000 0001", "139****0001"),
    ("8613900000001", "139****0001"),
    ("１３９０００００００１", "139****0001"),    # full-width digits typed in a Chinese IME
    ("0719-8888888", "*******8888"),          # a landline with its area code: 11 digits, not a mobile
    ("(0719) 888-8888", "*******8888"),
    ("88888888", "****8888"),
    ("12345", "***45"),                       # short numbers keep at most half their digits
    ("110", "**0"),
    ("7", "*"),
    ("无", "****"),                           # no digits: nothing of it is shown
    ("<script>", "****"),
    ("", ""),
    ("  ", ""),
    (None, ""),
])
def test_mask_phone_leaves_only_a_few_digits(phone, masked):
    assert mask_phone(phone) == masked


def test_masked_phone_never_contains_the_middle_digits():
    assert "1234" not in mask_phone("13912345678")
    assert mask_phone("13912345678") == "139****5678"
