"""Whether a year's counts are locked, read from the data-entry app (`submissions.locks`).

Imported lazily so that the reports keep working, showing the year as not locked, on a
database or branch where the lock model is not there.
"""


def year_lock(district, year: int):
    """The lock of the whole year for that district, or None (one query)."""
    if district is None:
        return None
    try:
        from submissions.locks import LockIndex
    except ImportError:  # the lock model is not installed
        return None
    return LockIndex.load(district_ids=[district.pk], years=[year]).year_lock(district.pk, year)


def lock_description(lock) -> str:
    """"Năm 2020 đã bị khóa bởi … lúc …" in the data-entry app's own words."""
    from submissions.locks import lock_message

    return lock_message(lock)
