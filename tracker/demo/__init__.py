"""The demo city (modelled on 十堰市): departments, accounts, cases and episodes.

`loader` puts it in the database; `departments`, `episodes` and `pool` are the data.
"""
from .loader import load_demo, next_friday, print_accounts

__all__ = ["load_demo", "next_friday", "print_accounts"]
