"""Personal data typed into a case's free text, found and masked for the public text.

A hotline summary is typed by an operator as the citizen speaks: "来电人陈女士（电话138…，
身份证号4203…）". What the public, the display and the feeds read is the case's public text,
which is this text with every piece of personal data masked:

- mobile and landline numbers (found by `phonenumbers`, Google's libphonenumber for Python,
  with mainland China as the default region; a bare 7–8 digit local number only where a word
  such as 电话 or 座机 introduces it): `138****7777`, `*******8888`;
- 18-digit resident ID numbers whose check digit (GB 11643, ISO 7064 MOD 11-2) is right;
- e-mail addresses and vehicle plate numbers (鄂C12345, 鄂CD12345);
- names introduced by 来电人/市民/投诉人 (and 诉求人, 反映人, 举报人), which are dropped
  ("市民陈秀兰反映" → "市民反映"), and X女士/X先生, which become 市民.

Masking is idempotent (a masked text has nothing left to find), so a public text can be masked
again whenever it is saved. Nothing here needs the app or the database.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from .privacy import mask_phone

__all__ = ["Finding", "find", "mask_text", "valid_id_number"]

PHONE, ID_NUMBER, EMAIL, PLATE, NAME = "phone", "id_number", "email", "plate", "name"
# When two findings overlap, the stronger kind wins (an ID number holds phone-like digits).
PRIORITY = {ID_NUMBER: 0, EMAIL: 1, PHONE: 2, PLATE: 3, NAME: 4}
CITIZEN = "市民"
# Company numbers (400/800) are not personal: a department's service line may stay.
BUSINESS_PREFIXES = ("400", "800")

# Full-width ASCII (１３８…, ＠) maps one to one onto ASCII, so positions stay the same.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}

ID_PATTERN = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
EMAIL_PATTERN = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
MOBILE_PATTERN = re.compile(r"(?<!\d)1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)")
LOCAL_NUMBER = re.compile(r"(?:电话|座机|固话|手机|号码|联系方式|tel|TEL|Tel)[号码是为：:\s]*(\d{3,4}[ -]?\d{4})(?!\d)")
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_PATTERN = re.compile(
    rf"[{PROVINCES}][A-HJ-NP-Z][·•\s]?(?:[A-HJ-NP-Z0-9]{{5,6}}|[A-HJ-NP-Z0-9]{{4}}[挂学警港澳])(?![A-Za-z0-9])")

# The commoner Chinese surnames (百家姓 as used today), compound ones first.
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "夏侯",
                     "端木", "长孙", "宇文", "司徒", "轩辕", "西门", "南宫", "独孤")
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
    "向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌"
    "毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦"
    "麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩"
    "明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强"
    "帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邰雍辜羊阿乌母裘亓"
    "修邴赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植"
    "衡富尧闭由")
SURNAME = "(?:" + "|".join(COMPOUND_SURNAMES) + "|[" + "".join(sorted(SURNAMES)) + "])"
HONORIFIC_NAME = re.compile(rf"{SURNAME}(?:女士|先生)")
INTRODUCERS = ("来电人", "投诉人", "诉求人", "反映人", "举报人", "市民")
INTRODUCED = re.compile(rf"({'|'.join(INTRODUCERS)})[：:\s]*({SURNAME})")
# What may follow a name: punctuation or a word that starts the rest of the sentence.
AFTER_NAME = re.compile(r"$|[^\u4e00-\u9fff]|(?:反映|称|说|投诉|来电|表示|诉|询问|咨询|要求|希望|举报|家|的|在|于|"
                        r"住|居住|位于|电话|联系|手机|身份证|女士|先生|老人|夫妇|一家|等|和|与|及|向|对|到|从|是|"
                        r"今年|今日|现|目前|因|通过|拨打|致电|多次|所在|同志|反应|诉求|来信|留言|认为|介绍|告诉)")


@dataclass(frozen=True)
class Finding:
    """One piece of personal data in a text: what kind, where, what it was, what it became."""

    kind: str
    start: int
    end: int
    original: str
    replacement: str


def valid_id_number(number: str) -> bool:
    """An 18-digit resident ID number whose last character is its check digit."""
    number = number.translate(_FULL_WIDTH).upper()
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11] == number[17]


def find(text: str | None) -> list[Finding]:
    """Every piece of personal data in the text, in order, none overlapping another."""
    text = text or ""
    if not text.strip():
        return []
    plain = text.translate(_FULL_WIDTH)
    candidates = [*_id_numbers(text, plain), *_emails(text, plain), *_phones(text, plain),
                  *_plates(text, plain), *_names(text)]
    chosen: list[Finding] = []
    for finding in sorted(candidates, key=lambda f: (PRIORITY[f.kind], f.start, -f.end)):
        if all(finding.end <= other.start or finding.start >= other.end for other in chosen):
            chosen.append(finding)
    return sorted(chosen, key=lambda f: f.start)


def mask_text(text: str | None) -> tuple[str, list[Finding]]:
    """The text with its personal data masked, and what was masked."""
    text = text or ""
    findings = find(text)
    pieces, position = [], 0
    for finding in findings:
        pieces += [text[position:finding.start], finding.replacement]
        position = finding.end
    return "".join(pieces) + text[position:], findings


def masked(text: str | None) -> str:
    return mask_text(text)[0]


def _finding(kind: str, text: str, start: int, end: int, replacement: str) -> Finding:
    return Finding(kind, start, end, text[start:end], replacement)


def _id_numbers(text: str, plain: str) -> list[Finding]:
    return [_finding(ID_NUMBER, text, m.start(), m.end(), m.group()[:2] + "*" * 14 + m.group()[-2:])
            for m in ID_PATTERN.finditer(plain) if valid_id_number(m.group())]


def _emails(text: str, plain: str) -> list[Finding]:
    found = []
    for m in EMAIL_PATTERN.finditer(plain):
        local, domain = m.group().split("@", 1)
        # Never longer than the original, so a masked text still fits its column.
        found.append(_finding(EMAIL, text, m.start(), m.end(), local[0] + "*" * (len(local) - 1) + "@" + domain))
    return found


def _phones(text: str, plain: str) -> list[Finding]:
    found = []
    for match in phonenumbers.PhoneNumberMatcher(plain, "CN"):
        national = str(match.number.national_number)
        if match.number.country_code == 86 and national.startswith(BUSINESS_PREFIXES):
            continue
        found.append(_finding(PHONE, text, match.start, match.end, mask_phone(match.raw_string)))
    # Mobiles the matcher passes over (odd separators, numbers glued to words) and local numbers
    # that only a word before them shows to be phones.
    for m in MOBILE_PATTERN.finditer(plain):
        found.append(_finding(PHONE, text, m.start(), m.end(), mask_phone(m.group())))
    for m in LOCAL_NUMBER.finditer(plain):
        found.append(_finding(PHONE, text, m.start(1), m.end(1), mask_phone(m.group(1))))
    return found


def _plates(text: str, plain: str) -> list[Finding]:
    found = []
    for m in PLATE_PATTERN.finditer(plain):
        found.append(_finding(PLATE, text, m.start(), m.end(), m.group()[:2] + "*" * (len(m.group()) - 2)))
    return found


def _names(text: str) -> list[Finding]:
    found = []
    for m in INTRODUCED.finditer(text):
        end = _name_end(text, m.start(2), m.end(2), strict=m.group(1) == CITIZEN)
        if end is not None:
            # The name goes, the word that introduced it stays: "市民陈秀兰反映" → "市民反映".
            found.append(Finding(NAME, m.end(1), end, text[m.start(2):end], ""))
    # Listed after the introduced names, so that "来电人陈女士" loses the name rather than
    # becoming "来电人市民".
    return found + [_finding(NAME, text, m.start(), m.end(), CITIZEN) for m in HONORIFIC_NAME.finditer(text)]


def _name_end(text: str, start: int, surname_end: int, *, strict: bool) -> int | None:
    """Where a name that starts with a surname ends: the shortest given name (1 or 2 characters)
    after which the sentence goes on; for "市民", which also starts many sentences without a
    name ("市民反映"), only such a name counts, else the surname and one character are taken."""
    if text.startswith(("女士", "先生"), surname_end):
        return surname_end + 2
    if strict and AFTER_NAME.match(text, start):
        # "市民和…", "市民向…": a surname that is also a word going on with the sentence.
        return None
    for length in (1, 2):
        end = surname_end + length
        if end <= len(text) and all("\u4e00" <= ch <= "\u9fff" for ch in text[surname_end:end]) \
                and AFTER_NAME.match(text, end):
            return end
    if strict or surname_end >= len(text) or not "\u4e00" <= text[surname_end] <= "\u9fff":
        return None
    return surname_end + 1
