//! Wall-clock time in UTC, for the few answers that carry it (a report's "generated at", the
//! server's `loaded_at` and its decision log), without a date crate: the civil date of a day
//! count is Howard Hinnant's `civil_from_days`.

/// A moment in UTC, to the millisecond.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Utc {
    pub year: i64,
    pub month: i64,
    pub day: i64,
    pub hour: i64,
    pub minute: i64,
    pub second: i64,
    pub millis: u32,
}

impl Utc {
    /// Now.
    pub fn now() -> Utc {
        let d = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Utc::from_unix(d.as_secs() as i64, d.subsec_millis())
    }

    /// Seconds since the Unix epoch (and milliseconds).
    pub fn from_unix(secs: i64, millis: u32) -> Utc {
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        Utc {
            year: yoe + era * 400 + i64::from(month <= 2),
            month,
            day,
            hour: rem / 3600,
            minute: rem % 3600 / 60,
            second: rem % 60,
            millis,
        }
    }

    /// RFC 3339 with milliseconds: `2026-11-30T20:58:50.123Z` (the server's; the core alone
    /// has no caller).
    #[cfg_attr(not(feature = "cli"), allow(dead_code))]
    pub fn rfc3339(&self) -> String {
        let Utc {
            year,
            month,
            day,
            hour,
            minute,
            second,
            millis,
        } = self;
        format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{millis:03}Z")
    }

    /// To the minute, for people: `2026-11-30 20:58 UTC`.
    pub fn minutes(&self) -> String {
        let Utc {
            year,
            month,
            day,
            hour,
            minute,
            ..
        } = self;
        format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02} UTC")
    }
}

#[cfg(test)]
mod tests {
    use super::Utc;

    #[test]
    fn dates() {
        assert_eq!(Utc::from_unix(0, 0).rfc3339(), "1970-01-01T00:00:00.000Z");
        assert_eq!(Utc::from_unix(951_782_400, 5).rfc3339(), "2000-02-29T00:00:00.005Z");
        assert_eq!(Utc::from_unix(1_796_072_330, 123).rfc3339(), "2026-11-30T20:58:50.123Z");
        assert_eq!(Utc::from_unix(1_796_072_330, 123).minutes(), "2026-11-30 20:58 UTC");
        assert_eq!(Utc::from_unix(-1, 0).rfc3339(), "1969-12-31T23:59:59.000Z");
    }
}
