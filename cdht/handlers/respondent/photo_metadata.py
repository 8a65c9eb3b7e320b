"""Where and when a photo was taken, from its EXIF (a photo sent *as a file* keeps it; chat apps strip it
from compressed photos). Never decodes pixels; anything unreadable simply has no metadata."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

VIETNAM = timezone(timedelta(hours=7))  # EXIF times are local and rarely carry an offset
_GPS_IFD = 0x8825
_EXIF_IFD = 0x8769
_DATETIME_ORIGINAL = 0x9003
_OFFSET_TIME_ORIGINAL = 0x9011
_DATETIME = 0x0132


@dataclass(frozen=True)
class PhotoMetadata:
    latitude: float | None = None
    longitude: float | None = None
    taken_at: datetime | None = None


def read_photo_metadata(content: bytes) -> PhotoMetadata:
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                exif = image.getexif()
                gps = dict(exif.get_ifd(_GPS_IFD))
                details = dict(exif.get_ifd(_EXIF_IFD))
                stamp = details.get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
                offset = details.get(_OFFSET_TIME_ORIGINAL)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, SyntaxError):
        return PhotoMetadata()
    latitude = _coordinate(gps.get(2), gps.get(1), "S")
    longitude = _coordinate(gps.get(4), gps.get(3), "W")
    if latitude is None or longitude is None or not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        latitude = longitude = None
    return PhotoMetadata(latitude, longitude, _taken_at(stamp, offset))


def _coordinate(value: object, reference: object, negative: str) -> float | None:
    """EXIF degrees/minutes/seconds (three rationals) and a hemisphere letter -> signed decimal degrees."""
    if not isinstance(value, tuple) or len(value) != 3:
        return None
    try:
        degrees, minutes, seconds = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    sign = -1.0 if str(reference).strip().upper() == negative else 1.0
    return sign * (degrees + minutes / 60 + seconds / 3600)


def _taken_at(stamp: object, offset: object) -> datetime | None:
    if not isinstance(stamp, str):
        return None
    try:
        local = datetime.strptime(stamp.strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    zone = VIETNAM
    if isinstance(offset, str) and len(offset.strip("\x00 ")) == 6:
        try:
            zone = datetime.strptime(offset.strip("\x00 "), "%z").tzinfo or VIETNAM  # type: ignore[assignment]
        except ValueError:
            zone = VIETNAM
    return local.replace(tzinfo=zone)
