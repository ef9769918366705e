//! Timestamps written the way chrono's `Serialize` writes them (RFC 3339 in UTC with `Z`, the
//! fraction in groups of three digits, none when it is zero), without going through
//! `core::fmt`: a history page writes fifty of them, and chrono's formatting was a tenth of
//! the page's CPU. Anything unusual (a leap second, a year outside 0..=9999) still goes
//! through chrono.

use chrono::{DateTime, Datelike as _, Timelike as _, Utc};
use serde::Serializer;

/// Longest text written here: `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`.
const LONGEST: usize = 30;

/// For `#[serde(serialize_with = "...")]` on a `DateTime<Utc>`.
pub(crate) fn serialize<S: Serializer>(at: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
    let mut buffer = [0u8; LONGEST];
    match write(at, &mut buffer) {
        Some(text) => serializer.serialize_str(text),
        None => serde::Serialize::serialize(at, serializer),
    }
}

/// For `#[serde(serialize_with = "...")]` on an `Option<DateTime<Utc>>`.
pub(crate) fn serialize_option<S: Serializer>(at: &Option<DateTime<Utc>>, serializer: S) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => serialize(at, serializer),
        None => serializer.serialize_none(),
    }
}

/// Writes `at` into `buffer`; `None` for what chrono should write itself.
fn write<'a>(at: &DateTime<Utc>, buffer: &'a mut [u8; LONGEST]) -> Option<&'a str> {
    let year = u32::try_from(at.year()).ok().filter(|year| *year <= 9999)?;
    let nanos = at.nanosecond();
    if nanos >= 1_000_000_000 {
        return None;
    }
    let (fraction, fraction_digits) = match nanos {
        0 => (0, 0),
        _ if nanos.is_multiple_of(1_000_000) => (nanos / 1_000_000, 3),
        _ if nanos.is_multiple_of(1_000) => (nanos / 1_000, 6),
        _ => (nanos, 9),
    };
    let fields = [
        (year, 4, b'-'),
        (at.month(), 2, b'-'),
        (at.day(), 2, b'T'),
        (at.hour(), 2, b':'),
        (at.minute(), 2, b':'),
        (at.second(), 2, if fraction_digits == 0 { b'Z' } else { b'.' }),
        (fraction, fraction_digits, b'Z'),
    ];
    let mut length = 0;
    for (value, digits, after) in fields {
        if digits == 0 {
            continue;
        }
        for place in (0..digits).rev() {
            buffer[length] = b'0' + (value / 10u32.pow(place) % 10) as u8;
            length += 1;
        }
        buffer[length] = after;
        length += 1;
    }
    std::str::from_utf8(&buffer[..length]).ok()
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone as _};

    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    #[derive(serde::Serialize)]
    struct Fast(#[serde(serialize_with = "serialize")] DateTime<Utc>);

    fn at(year: i32, month: u32, day: u32, hms: (u32, u32, u32), nanos: u32) -> Result<DateTime<Utc>, String> {
        let time = NaiveDate::from_ymd_opt(year, month, day)
            .and_then(|date| date.and_hms_nano_opt(hms.0, hms.1, hms.2, nanos))
            .ok_or_else(|| format!("no such time: {year}-{month}-{day} {hms:?} {nanos}"))?;
        Ok(Utc.from_utc_datetime(&time))
    }

    #[test]
    fn writes_what_chrono_writes() -> TestResult {
        let cases = [
            at(2026, 11, 22, (12, 5, 9), 0)?,
            at(2026, 1, 2, (3, 4, 5), 120_000_000)?,
            at(2026, 1, 2, (3, 4, 5), 123_456_000)?,
            at(2026, 1, 2, (3, 4, 5), 123_456_789)?,
            at(2026, 12, 31, (23, 59, 59), 1)?,
            at(1970, 1, 1, (0, 0, 0), 999_999_999)?,
            at(0, 1, 1, (0, 0, 0), 5_000)?,
            at(9999, 12, 31, (23, 59, 59), 7_000_000)?,
            // Chrono's own writing, through the fallback.
            at(10_000, 1, 1, (0, 0, 0), 0)?,
            at(-1, 1, 1, (0, 0, 0), 0)?,
            at(2016, 12, 31, (23, 59, 59), 1_500_000_000)?,
            Utc::now(),
        ];
        for case in cases {
            assert_eq!(
                serde_json::to_string(&Fast(case))?,
                serde_json::to_string(&case)?,
                "{case:?}"
            );
        }
        Ok(())
    }

    #[test]
    fn an_absent_time_is_null() -> TestResult {
        #[derive(serde::Serialize)]
        struct Maybe(#[serde(serialize_with = "serialize_option")] Option<DateTime<Utc>>);
        assert_eq!(serde_json::to_string(&Maybe(None))?, "null");
        let now = Utc::now();
        assert_eq!(serde_json::to_string(&Maybe(Some(now)))?, serde_json::to_string(&now)?);
        Ok(())
    }
}
