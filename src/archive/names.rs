//! What an entry may be called, and how a name is shown so that names
//! which look alike can be told apart.

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
