"""通知公告 of each region: realistic titles and bodies."""

from __future__ import annotations

from mock_backend.seed.geography import Region

# (month-day hour, title template, body template); {city} is the region name, {year} 2026.
_COMMON = [
    (
        "2026-01-05 09:00:00",
        "关于{year}年度社会保险费申报缴纳有关事项的通告",
        "各缴费单位：\n根据社会保险费征管职能划转的统一要求，{city}社会保险费由税务部门统一征收。"
        "请各缴费单位于每月1日至25日通过社保费管理客户端完成社会保险费申报缴纳，逾期未缴纳的将按规定加收滞纳金。\n"
        "如有疑问，请拨打12366纳税缴费服务热线咨询。\n国家税务总局{city}税务局",
    ),
    (
        "2026-06-20 10:30:00",
        "关于调整{year}年度社会保险缴费基数上下限的通知",
        "各缴费单位：\n{city}{year}年度职工社会保险缴费基数上下限已经公布，社保费管理客户端规则文件已同步更新。"
        "请在申报缴费工资前点击【数据更新】获取最新规则文件，缴费基数低于下限的按下限申报，高于上限的按上限申报。",
    ),
    (
        "2026-09-28 16:00:00",
        "关于国庆节、中秋节假期社保费申报缴纳时间安排的公告",
        "各缴费单位：\n国庆节、中秋节假期期间（10月1日至10月8日），社保费管理客户端可正常申报，"
        "银行端扣款将顺延至假期后第一个工作日。请合理安排申报缴费时间，避免产生滞纳金。",
    ),
    (
        "2026-11-02 09:00:00",
        "关于社保费管理客户端升级的通知",
        "尊敬的缴费人：\n为进一步提升缴费体验，社保费管理客户端将于近期升级，新版本优化了职工参保信息更新速度，"
        "新增缴费凭证批量打印功能。升级期间客户端可正常使用，请在提示更新时及时完成升级。\n国家税务总局{city}税务局",
    ),
]
_COLLECTOR = [
    (
        "2026-09-01 09:00:00",
        "关于做好{next_year}年度城乡居民基本医疗保险费集中征缴工作的通告",
        "各代收单位：\n{next_year}年度城乡居民基本医疗保险费集中征缴期为{year}年9月1日至12月31日。"
        "请各村（社区）代收点做好政策宣传，及时为辖区城乡居民办理参保缴费，并通过社保费管理客户端核对缴费信息。",
    ),
]
_EMPLOYER = [
    (
        "2026-03-15 09:00:00",
        "关于进一步规范单位职工参保登记信息变更的提示",
        "各用人单位：\n职工参保信息的增减、基数调整等登记事项请到社保经办机构办理。"
        "办理完成后，可在社保费管理客户端【职工参保信息更新】中点击【增量更新】获取最新职工参保信息。",
    ),
]


def notices_for(region: Region) -> list[tuple[str, str, str]]:
    """(published_at, title, body) of the region's notices, oldest first."""
    chosen = list(_COMMON)
    if region.employer_online:
        chosen += _EMPLOYER
    if region.collector_online:
        chosen += _COLLECTOR
    chosen.sort()
    values = {"city": region.name, "year": "2026", "next_year": "2027"}
    return [(at, title.format(**values), body.format(**values)) for at, title, body in chosen]
