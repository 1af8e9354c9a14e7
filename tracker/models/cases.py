"""Citizens' complaints: the case pool."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..cases.personal_data import masked
from ..extensions import Model
from .accounts import Department, enum_column
from .types import UTCDateTime, utcnow


class CaseSource(str, enum.Enum):
    HOTLINE = "hotline"          # 12345 政务服务便民热线
    LETTER = "letter"            # 来信
    UNDERCOVER = "undercover"    # 记者暗访
    ONLINE = "online"            # 网络留言
    STUDIO = "studio"            # 现场提问
    OTHER = "other"              # 其他: a channel the import does not know (微博 …)


class CaseStatus(str, enum.Enum):
    POOL = "pool"                # waiting to be chosen for an episode
    SCHEDULED = "scheduled"      # placed in an episode's running order
    AIRED = "aired"              # has been on air
    ARCHIVED = "archived"        # set aside, not to be used


class Case(Model):
    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("ref_year", "ref_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(32), unique=True)
    ref_year: Mapped[int] = mapped_column(Integer)
    ref_seq: Mapped[int] = mapped_column(Integer)
    work_order_no: Mapped[str | None] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    # What the public, the display, /live, the feeds and the exports read: the hotline text with
    # personal data masked, or an editor's version of it (masked again when saved).
    public_title: Mapped[str] = mapped_column(String(200), default="")
    public_summary: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[str] = mapped_column(String(50), default="", index=True)
    source: Mapped[CaseSource] = mapped_column(enum_column(CaseSource), default=CaseSource.HOTLINE)
    status: Mapped[CaseStatus] = mapped_column(enum_column(CaseStatus), default=CaseStatus.POOL, index=True)
    # Private: never on a display, the public pages, the public API or /live.
    complainant_name: Mapped[str] = mapped_column(String(100), default="")
    complainant_phone: Mapped[str] = mapped_column(String(40), default="")
    # When the hotline took the call (受理时间), as its export says; None when it was not given.
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    department_links: Mapped[list[CaseDepartment]] = relationship(
        back_populates="case", order_by="CaseDepartment.position", cascade="all, delete-orphan"
    )

    @property
    def departments(self) -> list[Department]:
        """Responsible departments, the lead first."""
        return [link.department for link in self.department_links]

    @property
    def lead_department(self) -> Department | None:
        return self.department_links[0].department if self.department_links else None

    @validates("title", "summary")
    def _follow_hotline_text(self, key: str, value: str) -> str:
        """A changed hotline text brings a new public text, unless an editor has written one."""
        public_key = f"public_{key}"
        current = getattr(self, public_key)
        if current is None or current == masked(getattr(self, key)):
            setattr(self, public_key, value)
        return value

    @validates("public_title", "public_summary")
    def _mask_public_text(self, key: str, value: str) -> str:
        return masked(value)

    def __repr__(self) -> str:
        return f"<Case {self.ref}>"


class CaseDepartment(Model):
    """A department responsible for a case; position 0 is the lead."""

    __tablename__ = "case_departments"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    case: Mapped[Case] = relationship(back_populates="department_links")
    department: Mapped[Department] = relationship()
