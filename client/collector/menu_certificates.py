"""代收单位 menu part: 社保费完税证明 (开具, 补开, 查验, 个人税收完税证明（非印刷）开具/补开; manual §3.13, §3.14, §3.24–§3.26).

Only entries whose page works end to end are listed; client/collector/module.py places them.
The pages are the employer's 证明打印 pages (client/ui/certificates) plus the personal ones.
"""

from __future__ import annotations

from client.modules import MenuEntry, MenuGroup

PAGES = "client.ui.certificates"

CERTIFICATE_MENU: tuple[MenuEntry | MenuGroup, ...] = (
    MenuGroup(
        "社保费完税证明",
        (
            MenuEntry(
                "cert_issue",
                "税收完税证明（非印刷）开具",
                f"{PAGES}.tickets_page:IssueCertificatePage",
            ),
            MenuEntry(
                "cert_reissue",
                "税收完税证明（非印刷）补开",
                f"{PAGES}.tickets_page:ReissueCertificatePage",
            ),
            MenuEntry(
                "cert_verify", "税收完税证明查验", f"{PAGES}.verify_page:VerifyCertificatePage"
            ),
            MenuEntry(
                "cert_person_issue",
                "个人税收完税证明（非印刷）开具",
                f"{PAGES}.tickets_page:PersonalIssueCertificatePage",
            ),
            MenuEntry(
                "cert_person_reissue",
                "个人税收完税证明（非印刷）补开",
                f"{PAGES}.tickets_page:PersonalReissueCertificatePage",
            ),
        ),
    ),
)
