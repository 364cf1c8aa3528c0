//! Checks run before a post is sent: text length, media counts, polls.

use social_core::{Error, Result};

/// Text limits for posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostLimits {
    /// Maximum weighted length of a post's text. X counts most Latin,
    /// Greek and Cyrillic characters as 1, other characters (CJK, emoji) as
    /// 2 and every URL as 23. Default 280; X Premium accounts may post up to
    /// 25,000.
    pub max_weighted_length: usize,
}

impl Default for PostLimits {
    fn default() -> Self {
        PostLimits {
            max_weighted_length: 280,
        }
    }
}

/// Length of a URL in a post, whatever its real length: X wraps every link.
const URL_WEIGHT: usize = 23;

/// Returns the weighted length of `text` as X counts it.
///
/// NOTE: this follows the published weighting of X's text library
/// (ranges U+0000–U+10FF, U+2000–U+200D, U+2010–U+201F and U+2032–U+2037
/// weigh 1, everything else 2; URLs 23) but detects URLs only when they
/// start with `http://` or `https://`. Bare domains such as `example.com`
/// count by their characters here, so the server may count a little more.
pub fn weighted_length(text: &str) -> usize {
    text.split_inclusive(char::is_whitespace)
        .map(|word| {
            let trimmed = word.trim_end();
            let trailing = &word[trimmed.len()..];
            if trimmed.starts_with("https://") || trimmed.starts_with("http://") {
                URL_WEIGHT + chars_weight(trailing)
            } else {
                chars_weight(word)
            }
        })
        .sum()
}

fn chars_weight(text: &str) -> usize {
    text.chars().map(char_weight).sum()
}

fn char_weight(c: char) -> usize {
    match u32::from(c) {
        0x0000..=0x10FF | 0x2000..=0x200D | 0x2010..=0x201F | 0x2032..=0x2037 => 1,
        _ => 2,
    }
}

/// Checks a post's text.
pub(crate) fn check_text(text: &str, has_media_or_poll: bool, limits: &PostLimits) -> Result<()> {
    if text.trim().is_empty() && !has_media_or_poll {
        return Err(Error::invalid_input(
            "text",
            "empty; a post needs text, media or a poll",
        ));
    }
    let weight = weighted_length(text);
    if weight > limits.max_weighted_length {
        return Err(Error::invalid_input(
            "text",
            format!(
                "{weight} weighted characters, over the limit of {}; shorten it (X Premium accounts can raise the limit with PostLimits)",
                limits.max_weighted_length
            ),
        ));
    }
    Ok(())
}

/// Checks a poll: 2 to 4 options of 1 to 25 characters, 5 to 10080 minutes.
pub(crate) fn check_poll(options: &[String], duration_minutes: u32) -> Result<()> {
    if !(2..=4).contains(&options.len()) {
        return Err(Error::invalid_input(
            "poll.options",
            format!("{} options; a poll needs 2 to 4", options.len()),
        ));
    }
    for (index, option) in options.iter().enumerate() {
        let length = option.chars().count();
        if !(1..=25).contains(&length) {
            return Err(Error::invalid_input(
                format!("poll.options[{index}]"),
                format!("{length} characters; each option needs 1 to 25"),
            ));
        }
    }
    if !(5..=10_080).contains(&duration_minutes) {
        return Err(Error::invalid_input(
            "poll.duration_minutes",
            format!("{duration_minutes} minutes; a poll runs 5 to 10080 minutes (7 days)"),
        ));
    }
    Ok(())
}

/// Checks that `id` looks like an X id: 1 to 19 ASCII digits.
pub(crate) fn check_id(field: &str, id: &str) -> Result<()> {
    if id.is_empty() || id.len() > 19 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid_input(
            field,
            format!("`{id}` is not an X id; ids are 1 to 19 digits, passed as strings"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_follow_ranges() {
        assert_eq!(weighted_length("hello"), 5);
        assert_eq!(weighted_length("héllo — ok"), 10);
        assert_eq!(weighted_length("日本"), 4);
        assert_eq!(weighted_length("🎉"), 2);
        assert_eq!(
            weighted_length("see https://example.com/a/very/long/path?q=1 now"),
            4 + 23 + 4
        );
    }

    #[test]
    fn text_limits() {
        let limits = PostLimits::default();

        assert!(check_text(&"a".repeat(280), false, &limits).is_ok());
        assert!(check_text(&"a".repeat(281), false, &limits).is_err());
        assert!(check_text(&"日".repeat(141), false, &limits).is_err());
        assert!(check_text("", true, &limits).is_ok());
        assert!(check_text("  ", false, &limits).is_err());
        assert!(
            check_text(
                &"a".repeat(1000),
                false,
                &PostLimits {
                    max_weighted_length: 25_000
                }
            )
            .is_ok()
        );
    }

    #[test]
    fn poll_rules() {
        let two = vec!["yes".to_owned(), "no".to_owned()];

        assert!(check_poll(&two, 60).is_ok());
        assert!(check_poll(&two[..1], 60).is_err());
        assert!(check_poll(&vec!["a".to_owned(); 5], 60).is_err());
        assert!(check_poll(&["".to_owned(), "b".to_owned()], 60).is_err());
        assert!(check_poll(&["a".repeat(26), "b".to_owned()], 60).is_err());
        assert!(check_poll(&two, 4).is_err());
        assert!(check_poll(&two, 10_081).is_err());
    }

    #[test]
    fn poll_error_names_option() {
        let err = check_poll(&["ok".to_owned(), "x".repeat(30)], 60).expect_err("too long");

        assert!(err.to_string().contains("poll.options[1]"));
    }

    #[test]
    fn id_rules() {
        assert!(check_id("id", "1880028106020515840").is_ok());
        assert!(check_id("id", "").is_err());
        assert!(check_id("id", "12a").is_err());
        assert!(check_id("id", "12345678901234567890").is_err());
    }
}
