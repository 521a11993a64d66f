//! What an entry may be called, and how names are shown: look-alike
//! entry names so they can be told apart, compression methods by name.

use zip::CompressionMethod;

/// Why a name is unsafe, if it is: absolute, a `..` component, a
/// backslash, a NUL or control character, an empty component.
pub fn unsafe_name(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("an empty name");
    }
    if name.starts_with('/') {
        return Some("an absolute path");
    }
    if name.contains('\\') {
        return Some("a backslash");
    }
    if name.chars().any(char::is_control) {
        return Some("a NUL or control character");
    }
    let trimmed = name.strip_suffix('/').unwrap_or(name);
    if trimmed.split('/').any(|c| c == "..") {
        return Some("a `..` component");
    }
    if trimmed.split('/').any(|c| c.is_empty() || c == ".") {
        return Some("an empty or `.` component");
    }
    if name.len() >= 2 && name.as_bytes()[1] == b':' {
        return Some("a drive letter");
    }
    None
}

/// A name with every character outside printable ASCII written as
/// `\u{..}`, so that names which look alike (NFC and NFD twins) differ on
/// screen.
pub(crate) fn visible(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            ' '..='~' => c.to_string(),
            _ => format!("\\u{{{:x}}}", c as u32),
        })
        .collect()
}

/// A ZIP compression method by name and number (APPNOTE 4.4.5), also for
/// the methods this build of the zip crate does not read.
pub(crate) fn method_name(method: CompressionMethod) -> String {
    use CompressionMethod as M;
    const KNOWN: [(CompressionMethod, &str, u16); 19] = [
        (M::STORE, "stored", 0),
        (M::SHRINK, "shrink", 1),
        (M::REDUCE_1, "reduce", 2),
        (M::REDUCE_2, "reduce", 3),
        (M::REDUCE_3, "reduce", 4),
        (M::REDUCE_4, "reduce", 5),
        (M::IMPLODE, "implode", 6),
        (M::DEFLATE, "deflate", 8),
        (M::DEFLATE64, "deflate64", 9),
        (M::PKWARE_IMPLODE, "PKWARE DCL implode", 10),
        (M::BZIP2, "bzip2", 12),
        (M::LZMA, "LZMA", 14),
        (M::ZSTD_DEPRECATED, "zstd", 20),
        (M::ZSTD, "zstd", 93),
        (M::MP3, "MP3", 94),
        (M::XZ, "xz", 95),
        (M::JPEG, "JPEG", 96),
        (M::PPMD, "PPMd", 98),
        (M::AES, "AES encryption", 99),
    ];
    match KNOWN.iter().find(|(m, _, _)| *m == method) {
        Some((_, name, n)) => format!("{name} (compression method {n})"),
        None => format!("an unknown compression method ({method:?})"),
    }
}
