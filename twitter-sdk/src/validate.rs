//! Checks run before a post is sent: text length, media counts, polls.

use social_core::{Error, Result};
use unicode_segmentation::UnicodeSegmentation;

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
/// Each user-perceived character counts once: a grapheme cluster, so an
/// emoji sequence with skin tones or joiners, a flag, or a letter with
/// combining accents is one character. It weighs 1 when it starts in
/// U+0000–U+10FF, U+2000–U+200D, U+2010–U+201F or U+2032–U+2037, and 2
/// otherwise. Every `http://` or `https://` link weighs 23, also after
/// punctuation such as `(`.
///
/// NOTE: this follows the published weighting of X's text library, but
/// links are recognised only with their scheme: a bare `example.com` is
/// counted by its characters, so X may count such a text as shorter.
pub fn weighted_length(text: &str) -> usize {
    let mut total = 0;
    let mut rest = text;
    while let Some(start) = find_link(rest) {
        total += plain_weight(&rest[..start]);
        total += URL_WEIGHT;
        rest = &rest[start + link_len(&rest[start..])..];
    }
    total + plain_weight(rest)
}

/// Returns the byte offset of the first `http://` or `https://` link that
/// does not continue a word.
fn find_link(text: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = lower[from..].find("http") {
        let at = from + found;
        let tail = &lower[at..];
        let preceded_by_word = text[..at]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric);
        if (tail.starts_with("http://") || tail.starts_with("https://")) && !preceded_by_word {
            return Some(at);
        }
        from = at + 4;
    }
    None
}

/// Returns the byte length of the link at the start of `text`: up to the
/// next whitespace, without trailing punctuation.
fn link_len(text: &str) -> usize {
    let end = text.find(char::is_whitespace).unwrap_or(text.len());
    let trimmed =
        text[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']', '}', '\'', '"']);
    trimmed.len()
}

fn plain_weight(text: &str) -> usize {
    text.graphemes(true)
        .filter_map(|g| g.chars().next())
        .map(char_weight)
        .sum()
}

fn char_weight(c: char) -> usize {
    match u32::from(c) {
        0x0000..=0x10FF | 0x2000..=0x200D | 0x2010..=0x201F | 0x2032..=0x2037 => 1,
        _ => 2,
    }
}

/// Tells whether `c` is one of the non-characters X rejects in a post.
fn is_rejected_noncharacter(c: char) -> bool {
    matches!(c, '\u{FFFE}' | '\u{FEFF}' | '\u{FFFF}')
}

/// Tells whether `text` shows nothing: only whitespace and zero-width characters.
fn is_invisible(text: &str) -> bool {
    text.chars().all(|c| {
        c.is_whitespace()
            || matches!(
                c,
                '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
            )
    })
}

/// Checks a post's text.
pub(crate) fn check_text(text: &str, has_media: bool, limits: &PostLimits) -> Result<()> {
    social_core::text::check_control_characters("text", text)?;
    if let Some(bad) = text.chars().find(|c| is_rejected_noncharacter(*c)) {
        return Err(Error::invalid_input(
            "text",
            format!(
                "contains the character U+{:04X}, which X rejects; remove it",
                u32::from(bad)
            ),
        ));
    }
    if is_invisible(text) && !has_media {
        return Err(Error::invalid_input(
            "text",
            "empty; a post needs visible text or media",
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
        if !(1..=25).contains(&length) || option.trim().is_empty() {
            return Err(Error::invalid_input(
                format!("poll.options[{index}]"),
                format!("{length} characters; each option needs 1 to 25, not only spaces"),
            ));
        }
        if options[..index].contains(option) {
            return Err(Error::invalid_input(
                format!("poll.options[{index}]"),
                format!("`{option}` appears twice; poll options must differ"),
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

/// Checks an id X sent back before it is used in a URL or returned: an
/// unusable one is an `UnexpectedResponse`, never a request to a wrong path.
pub(crate) fn check_server_id(
    response: &social_core::Response,
    what: &str,
    id: &str,
) -> Result<()> {
    if check_id(what, id).is_err() {
        return Err(response
            .unexpected(
                social_core::UnexpectedBody::MissingField,
                format!("the {what} `{id}` is not 1 to 19 digits"),
            )
            .into());
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
    fn poll_options_blank_or_repeated() {
        assert!(check_poll(&["  ".to_owned(), "b".to_owned()], 60).is_err());
        assert!(check_poll(&["same".to_owned(), "same".to_owned()], 60).is_err());
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
