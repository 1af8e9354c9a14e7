"""The demo city's responsible units and its demo accounts, modelled on 十堰市 (Shiyan, Hubei).

Names are the short forms that city reports and the programme's captions use (市住建局, not
十堰市住房和城乡建设局); codes are short uppercase pinyin initials, unique.
"""
from __future__ import annotations

from typing import NamedTuple

from ..models import DepartmentKind, Role

# Bureaus and offices of the city government, and the city-level units beside them.
MUNICIPAL = [
    ("FGW", "市发改委"),
    ("JYJ", "市教育局"),
    ("KJJ", "市科技局"),
    ("JXJ", "市经信局"),
    ("MZW", "市民宗委"),
    ("GAJ", "市公安局"),
    ("MZJ", "市民政局"),
    ("SFJ", "市司法局"),
    ("CZJ", "市财政局"),
    ("RSJ", "市人社局"),
    ("ZRZYJ", "市自然资源和规划局"),
    ("STHJJ", "市生态环境局"),
    ("ZJJ", "市住建局"),
    ("CGJ", "市城管执法委"),
    ("JTYSJ", "市交通运输局"),
    ("SLJ", "市水利和湖泊局"),
    ("NYNCJ", "市农业农村局"),
    ("SWJ", "市商务局"),
    ("WLJ", "市文旅局"),
    ("WJW", "市卫健委"),
    ("TYJRJ", "市退役军人事务局"),
    ("YJGLJ", "市应急管理局"),
    ("SJJ", "市审计局"),
    ("GZW", "市国资委"),
    ("SCJGJ", "市市场监管局"),
    ("TJJ", "市统计局"),
    ("YBJ", "市医保局"),
    ("LYJ", "市林业局"),
    ("XFJ", "市信访局"),
    ("ZWSJ", "市政务服务和大数据管理局"),
    ("RFB", "市人防办"),
    ("SHWJ", "市税务局"),
    ("JJZD", "市交警支队"),
    ("XFZD", "市消防救援支队"),
    ("QXJ", "市气象局"),
    ("YZGLJ", "市邮政管理局"),
    ("GJJZX", "市住房公积金中心"),
    ("FCZX", "市房产服务中心"),
    ("BDCZX", "市不动产登记中心"),
    ("GGZY", "市公共资源交易中心"),
    ("JGSW", "市机关事务服务中心"),
    ("GXS", "市供销社"),
    ("ZGH", "市总工会"),
    ("TSW", "团市委"),
    ("FL", "市妇联"),
    ("CL", "市残联"),
    ("KX", "市科协"),
    # Units under the bureaus, which a work order often names directly.
    ("CGZD", "市城管执法支队"),
    ("HWZX", "市环卫中心"),
    ("SZC", "市市政设施管理处"),
    ("YLZX", "市园林绿化中心"),
    ("LDS", "市路灯管理所"),
    ("GLZX", "市公路事业发展中心"),
    ("DLYS", "市道路运输事业发展中心"),
    ("ZJZ", "市建设工程质量安全监督站"),
    ("SBZX", "市社保中心"),
    ("LDJC", "市劳动保障监察支队"),
    ("YBZX", "市医保中心"),
    ("JKZX", "市疾控中心"),
    ("GAMJ", "市公安局茅箭区分局"),
    ("GAZW", "市公安局张湾区分局"),
    ("STMJ", "市生态环境局茅箭分局"),
    ("STZW", "市生态环境局张湾分局"),
    ("SCMJ", "市市场监管局茅箭分局"),
    ("SCZW", "市市场监管局张湾分局"),
]

# Public-service companies: power, water, gas, buses, telecoms and the city's investment groups.
ENTERPRISES = [
    ("GDGS", "国网十堰供电公司"),
    ("SWJT", "十堰水务集团"),
    ("RQGS", "十堰燃气公司"),
    ("GJJT", "十堰公交集团"),
    ("DXGS", "中国电信十堰分公司"),
    ("YDGS", "中国移动十堰分公司"),
    ("LTGS", "中国联通十堰分公司"),
    ("YZGS", "中国邮政十堰分公司"),
    ("GDWL", "湖北广电网络十堰分公司"),
    ("CTJT", "十堰城投集团"),
    ("JTJT", "十堰交投集团"),
    ("WLJT", "十堰文旅集团"),
]

# The ten county-level governments; `test_demo` holds the demo to exactly ten.
COUNTIES = [
    ("MJQ", "茅箭区人民政府"),
    ("ZWQ", "张湾区人民政府"),
    ("YYQ", "郧阳区人民政府"),
    ("YXX", "郧西县人民政府"),
    ("ZSX", "竹山县人民政府"),
    ("ZXX", "竹溪县人民政府"),
    ("FX", "房县人民政府"),
    ("DJKS", "丹江口市人民政府"),
    ("WDS", "武当山旅游经济特区管委会"),
    ("JKQ", "十堰经济技术开发区管委会"),
]

# Below the counties: district bureaus, street offices, towns, and the big hospitals.
LOCAL_UNITS = [
    ("MJZJJ", "茅箭区住建局"),
    ("ZWZJJ", "张湾区住建局"),
    ("YYZJJ", "郧阳区住建局"),
    ("FXZJJ", "房县住建局"),
    ("DJKZJJ", "丹江口市住建局"),
    ("MJCGJ", "茅箭区城管执法局"),
    ("ZWCGJ", "张湾区城管执法局"),
    ("MJJYJ", "茅箭区教育局"),
    ("ZWJYJ", "张湾区教育局"),
    ("YYSLJ", "郧阳区水利和湖泊局"),
    ("FXSLJ", "房县水利和湖泊局"),
    ("ZSSLJ", "竹山县水利和湖泊局"),
    ("ZXSLJ", "竹溪县水利和湖泊局"),
    ("YXSLJ", "郧西县水利和湖泊局"),
    ("JKGJJ", "十堰经开区规划建设局"),
    ("MJWDL", "茅箭区武当路街道办事处"),
    ("MJEY", "茅箭区二堰街道办事处"),
    ("MJWY", "茅箭区五堰街道办事处"),
    ("ZWHW", "张湾区红卫街道办事处"),
    ("ZWCCL", "张湾区车城路街道办事处"),
    ("ZWHG", "张湾区花果街道办事处"),
    ("ZWHJL", "张湾区汉江路街道办事处"),
    ("MJDCZ", "茅箭区大川镇人民政府"),
    ("ZWHLZ", "张湾区黄龙镇人民政府"),
    ("YYCDZ", "郧阳区茶店镇人民政府"),
    ("FXJDZ", "房县军店镇人民政府"),
    ("ZSBFZ", "竹山县宝丰镇人民政府"),
    ("ZXJJY", "竹溪县蒋家堰镇人民政府"),
    ("YXSJZ", "郧西县上津镇人民政府"),
    ("DJKLLP", "丹江口市六里坪镇人民政府"),
    ("RMYY", "十堰市人民医院"),
    ("THYY", "十堰市太和医院"),
    ("ZYYY", "十堰市中医医院"),
]

DEPARTMENTS: list[tuple[str, str, DepartmentKind]] = (
    [(code, name, DepartmentKind.MUNICIPAL) for code, name in MUNICIPAL]
    + [(code, name, DepartmentKind.ENTERPRISE) for code, name in ENTERPRISES]
    + [(code, name, DepartmentKind.COUNTY) for code, name in COUNTIES]
    + [(code, name, DepartmentKind.OTHER) for code, name in LOCAL_UNITS]
)


class DemoAccount(NamedTuple):
    username: str
    role: Role
    password: str
    display_name: str
    department: str | None = None  # a code from DEPARTMENTS
    email: str | None = None


# The passwords are printed by `tracker demo` and listed in the README: demo use only.
ACCOUNTS = [
    DemoAccount("admin", Role.ADMIN, "demo-admin-2026", "系统管理员"),
    DemoAccount("producer", Role.PRODUCER, "demo-producer-2026", "《周五面对面》编导"),
    DemoAccount("supervisor", Role.SUPERVISOR, "demo-supervisor-2026", "市政府督查室"),
    DemoAccount("zjj", Role.DEPARTMENT, "demo-zjj-2026", "市住建局联络员", "ZJJ", "zjj@demo.example"),
    DemoAccount("gdgs", Role.DEPARTMENT, "demo-gdgs-2026", "国网十堰供电公司联络员", "GDGS", "gdgs@demo.example"),
    DemoAccount("swjt", Role.DEPARTMENT, "demo-swjt-2026", "十堰水务集团联络员", "SWJT", "swjt@demo.example"),
    DemoAccount("fx", Role.DEPARTMENT, "demo-fx-2026", "房县人民政府联络员", "FX", "fx@demo.example"),
    DemoAccount("cgj", Role.DEPARTMENT, "demo-cgj-2026", "市城管执法委联络员", "CGJ", "cgj@demo.example"),
]
