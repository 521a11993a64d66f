//! The current moment, in the care organisations' time zone. The one place
//! that reads the clock, so commands agree on "now" and "today".

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

/// The organisations' time zone (the tz database is embedded in the binary).
pub(crate) fn zone() -> TimeZone {
    TimeZone::get("Europe/Amsterdam").unwrap_or(TimeZone::UTC)
}

/// The current moment (the system clock).
pub fn now() -> Timestamp {
    Timestamp::now()
}

/// Today's date in Amsterdam.
pub fn today() -> Date {
    now().to_zoned_datetime(zone()).date()
}

/// `now()` as RFC 3339 with the Amsterdam offset, e.g.
/// `2026-11-25T21:05:00+01:00`.
pub(crate) fn now_rfc3339() -> String {
    let z = now().to_zoned_datetime(zone());
    z.timestamp()
        .round(jiff::Unit::Second)
        .unwrap_or(z.timestamp())
        .display_with_offset(z.offset())
        .to_string()
}
