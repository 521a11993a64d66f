//! The lexical rules of domain.md: ids, keys, slugs, e-mail addresses,
//! timestamps, dates and BSNs. Each returns whether the text is valid, so
//! callers word the error for their own context.

use jiff::Timestamp;
use jiff::civil::Date;

/// Dossier and record ids: `[A-Za-z0-9][A-Za-z0-9._-]{0,63}`.
pub(crate) fn is_id(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 64
        && b[0].is_ascii_alphanumeric()
        && b[1..]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'))
}

/// Group keys and account slugs: `[a-z0-9][a-z0-9-]{0,63}`.
pub(crate) fn is_key(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 64
        && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
        && b[1..]
            .iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

/// Keys inside a configuration (pages, tabs, fields, labels): lowercase
/// letters, digits, `_` and `-`.
pub(crate) fn is_config_key(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_' || c == b'-')
}

/// The case-insensitive form under which ids and e-mails are compared.
pub(crate) fn fold(s: &str) -> String {
    s.to_lowercase()
}

/// A plausible e-mail address: one `@` with text on both sides, no spaces.
pub fn is_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    }
}

/// RFC 3339 with an explicit offset: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
/// jiff alone would also take ISO 8601 forms (a space, a time zone name)
/// that other tools reading the plan may not.
pub(crate) fn timestamp(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    let offset_len = if s.ends_with('Z') { 1 } else { 6 };
    if b.len() < 19 + offset_len || b[10] != b'T' || date(s.get(..10)?).is_none() {
        return None;
    }
    let time = s.get(11..s.len() - offset_len)?;
    let offset = s.get(s.len() - offset_len..)?;
    let offset_ok = offset == "Z" || is_offset(offset);
    if !(offset_ok && is_time(time)) {
        return None;
    }
    s.parse().ok()
}

fn is_time(t: &str) -> bool {
    let (hms, fraction) = t.split_once('.').unwrap_or((t, "0"));
    let b = hms.as_bytes();
    b.len() == 8
        && b[2] == b':'
        && b[5] == b':'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 2 || i == 5 || c.is_ascii_digit())
        && !fraction.is_empty()
        && fraction.bytes().all(|c| c.is_ascii_digit())
}

fn is_offset(o: &str) -> bool {
    let b = o.as_bytes();
    b.len() == 6
        && matches!(b[0], b'+' | b'-')
        && b[3] == b':'
        && [1, 2, 4, 5].iter().all(|&i| b[i].is_ascii_digit())
}

/// `YYYY-MM-DD`.
pub(crate) fn date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    s.parse().ok()
}

/// `YYYY-MM`.
pub(crate) fn is_month(s: &str) -> bool {
    s.len() == 7 && date(&format!("{s}-01")).is_some()
}

/// A Dutch BSN: nine digits passing the eleven-test.
pub(crate) fn is_bsn(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 9 || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: i64 = b
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let weight = if i == 8 { -1 } else { 9 - i as i64 };
            weight * i64::from(c - b'0')
        })
        .sum();
    sum % 11 == 0 && s != "000000000"
}

/// A lowercase hex sha256.
pub(crate) fn is_sha256(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert!(is_id("d-0001"));
        assert!(is_id("A.b_c-9"));
        assert!(!is_id(".hidden"));
        assert!(!is_id("a/b"));
        assert!(!is_id(""));
        assert!(!is_id(&"a".repeat(65)));
    }

    #[test]
    fn keys() {
        assert!(is_key("wonen-noord"));
        assert!(!is_key("Wonen"));
        assert!(!is_key("-x"));
    }

    #[test]
    fn timestamps_need_an_offset() {
        assert!(timestamp("2026-11-20T09:30:00+01:00").is_some());
        assert!(timestamp("2026-11-20T08:30:00Z").is_some());
        assert!(timestamp("2026-11-20T09:30:00.123+01:00").is_some());
        assert!(timestamp("2026-11-20T09:30:00").is_none());
        assert!(timestamp("2026-11-20 09:30:00+01:00").is_none());
        assert!(timestamp("2026-13-20T09:30:00+01:00").is_none());
    }

    #[test]
    fn bsn_eleven_test() {
        assert!(is_bsn("111222333"));
        assert!(is_bsn("123456782"));
        assert!(!is_bsn("123456789"));
        assert!(!is_bsn("000000000"));
        assert!(!is_bsn("12345678"));
    }

    #[test]
    fn months_and_dates() {
        assert!(is_month("2026-02"));
        assert!(!is_month("2026-13"));
        assert!(date("2026-02-29").is_none());
        assert!(date("2024-02-29").is_some());
    }
}
