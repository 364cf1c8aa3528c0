//! Checks on user text (captions, titles, messages) shared by the SDKs.

use crate::error::{Error, Result};

/// Rejects control characters other than tab and line breaks in `text`:
/// no post, caption or title needs them, and they usually come from a broken
/// string. The error names `field` and the character's code point.
pub fn check_control_characters(field: &str, text: &str) -> Result<()> {
    match text
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        Some(bad) => Err(Error::invalid_input(
            field,
            format!(
                "contains the control character U+{:04X}; remove it",
                u32::from(bad)
            ),
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_rejected() {
        for text in [
            "a\u{0}b",
            "bell\u{7}",
            "esc\u{1B}[0m",
            "del\u{7F}",
            "c1\u{85}",
        ] {
            let err = check_control_characters("caption", text).expect_err(text);
            assert!(err.to_string().contains("caption"), "{err}");
        }
    }

    #[test]
    fn tabs_and_line_breaks_allowed() {
        assert!(check_control_characters("caption", "one\ttwo\r\nthree 🎉").is_ok());
    }
}
