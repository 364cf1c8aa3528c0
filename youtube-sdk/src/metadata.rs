//! The metadata of a new video, checked before any request.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use social_core::{Error, Result};

use crate::model::PrivacyStatus;

/// Maximum title length, in characters.
pub const MAX_TITLE_CHARS: usize = 100;
/// Maximum description length, in UTF-8 bytes.
pub const MAX_DESCRIPTION_BYTES: usize = 5000;
/// Maximum length of the tag list, in characters as YouTube counts them (commas between
/// tags, and quotes around a tag that contains a space).
pub const MAX_TAGS_CHARS: usize = 500;

/// The metadata of a new video (`snippet` and `status`), plus the
/// `notifySubscribers` flag of `videos.insert`.
///
/// Serializable, so it travels inside a saved
/// [`UploadSession`](crate::UploadSession).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VideoMetadata {
    title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    category_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    default_language: Option<String>,
    #[serde(default)]
    privacy: PrivacyStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    publish_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    made_for_kids: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    contains_synthetic_media: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    notify_subscribers: Option<bool>,
}

impl VideoMetadata {
    /// Metadata with a title; the video is `private` unless
    /// [`privacy`](Self::privacy) sets another value.
    pub fn new(title: impl Into<String>) -> VideoMetadata {
        VideoMetadata {
            title: title.into(),
            description: None,
            tags: Vec::new(),
            category_id: None,
            default_language: None,
            privacy: PrivacyStatus::Private,
            publish_at: None,
            made_for_kids: None,
            contains_synthetic_media: None,
            notify_subscribers: None,
        }
    }

    /// Sets the description (at most 5000 bytes, without `<` or `>`).
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets the tags (at most 500 characters together).
    pub fn tags<I, S>(mut self, tags: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.tags = tags.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the category id, such as `"22"` (People & Blogs).
    pub fn category_id(mut self, category_id: impl Into<String>) -> Self {
        self.category_id = Some(category_id.into());
        self
    }

    /// Sets the language of title and description (BCP-47, such as `en` or `pt-BR`).
    pub fn default_language(mut self, language: impl Into<String>) -> Self {
        self.default_language = Some(language.into());
        self
    }

    /// Sets the requested privacy. Default `private`.
    pub fn privacy(mut self, privacy: PrivacyStatus) -> Self {
        self.privacy = privacy;
        self
    }

    /// Schedules publication at an RFC 3339 time such as
    /// `2027-01-01T09:00:00Z`. YouTube requires the privacy `private` for a
    /// scheduled video; it turns public at that time.
    pub fn publish_at(mut self, at: impl Into<String>) -> Self {
        self.publish_at = Some(at.into());
        self
    }

    /// Declares whether the video is made for kids (COPPA).
    pub fn made_for_kids(mut self, made_for_kids: bool) -> Self {
        self.made_for_kids = Some(made_for_kids);
        self
    }

    /// Declares whether the video contains realistic altered or synthetic content.
    pub fn contains_synthetic_media(mut self, synthetic: bool) -> Self {
        self.contains_synthetic_media = Some(synthetic);
        self
    }

    /// Tells whether subscribers are notified (API default: yes).
    pub fn notify_subscribers(mut self, notify: bool) -> Self {
        self.notify_subscribers = Some(notify);
        self
    }

    /// Returns the title.
    pub fn title_text(&self) -> &str {
        &self.title
    }

    /// Returns the requested privacy.
    pub fn requested_privacy(&self) -> &PrivacyStatus {
        &self.privacy
    }

    /// Returns the `notifySubscribers` flag, when set.
    pub fn notify_subscribers_flag(&self) -> Option<bool> {
        self.notify_subscribers
    }

    /// Checks every limit YouTube documents; the first violation is an
    /// [`Error::InvalidInput`] naming the field.
    pub fn validate(&self) -> Result<()> {
        validate_title(&self.title)?;
        if let Some(description) = &self.description {
            validate_description(description)?;
        }
        validate_tags(&self.tags)?;
        if let Some(category) = &self.category_id {
            validate_category(category)?;
        }
        if let Some(language) = &self.default_language {
            validate_language(language)?;
        }
        if let PrivacyStatus::Other(other) = &self.privacy {
            return Err(Error::invalid_input(
                "privacy_status",
                format!("`{other}` is not one of public, unlisted, private"),
            ));
        }
        if let Some(at) = &self.publish_at {
            validate_rfc3339("publish_at", at)?;
            if self.privacy != PrivacyStatus::Private {
                return Err(Error::invalid_input(
                    "publish_at",
                    "a scheduled video must be uploaded as private; YouTube makes it public at publish_at",
                ));
            }
        }
        Ok(())
    }

    /// Returns the `videos.insert` body: `snippet` and `status`.
    pub fn to_resource(&self) -> Value {
        let mut snippet = Map::new();
        snippet.insert("title".into(), json!(self.title));
        if let Some(description) = &self.description {
            snippet.insert("description".into(), json!(description));
        }
        if !self.tags.is_empty() {
            snippet.insert("tags".into(), json!(self.tags));
        }
        if let Some(category) = &self.category_id {
            snippet.insert("categoryId".into(), json!(category));
        }
        if let Some(language) = &self.default_language {
            snippet.insert("defaultLanguage".into(), json!(language));
        }
        let mut status = Map::new();
        status.insert("privacyStatus".into(), json!(self.privacy.as_str()));
        if let Some(at) = &self.publish_at {
            status.insert("publishAt".into(), json!(at));
        }
        if let Some(kids) = self.made_for_kids {
            status.insert("selfDeclaredMadeForKids".into(), json!(kids));
        }
        if let Some(synthetic) = self.contains_synthetic_media {
            status.insert("containsSyntheticMedia".into(), json!(synthetic));
        }
        json!({ "snippet": snippet, "status": status })
    }
}

pub(crate) fn validate_title(title: &str) -> Result<()> {
    social_core::text::check_control_characters("title", title)?;
    if title.trim().is_empty() {
        return Err(Error::invalid_input(
            "title",
            "empty; YouTube requires a title",
        ));
    }
    let chars = title.chars().count();
    if chars > MAX_TITLE_CHARS {
        return Err(Error::invalid_input(
            "title",
            format!("{chars} characters; YouTube allows at most {MAX_TITLE_CHARS}"),
        ));
    }
    if title.contains(['<', '>']) {
        return Err(Error::invalid_input(
            "title",
            "contains `<` or `>`, which YouTube rejects",
        ));
    }
    Ok(())
}

pub(crate) fn validate_description(description: &str) -> Result<()> {
    social_core::text::check_control_characters("description", description)?;
    if description.len() > MAX_DESCRIPTION_BYTES {
        return Err(Error::invalid_input(
            "description",
            format!(
                "{} bytes of UTF-8; YouTube allows at most {MAX_DESCRIPTION_BYTES}",
                description.len()
            ),
        ));
    }
    if description.contains(['<', '>']) {
        return Err(Error::invalid_input(
            "description",
            "contains `<` or `>`, which YouTube rejects",
        ));
    }
    Ok(())
}

/// Counts the tag list as YouTube does: the tags, a comma between two
/// tags, and two quotes around a tag with a space.
pub fn tags_length(tags: &[String]) -> usize {
    let text: usize = tags
        .iter()
        .map(|t| t.chars().count() + if t.contains(' ') { 2 } else { 0 })
        .sum();
    text + tags.len().saturating_sub(1)
}

pub(crate) fn validate_tags(tags: &[String]) -> Result<()> {
    if let Some(i) = tags.iter().position(|t| t.trim().is_empty()) {
        return Err(Error::invalid_input("tags", format!("tag {i} is empty")));
    }
    if tags.iter().any(|t| t.contains(['<', '>', ','])) {
        return Err(Error::invalid_input(
            "tags",
            "a tag contains `<`, `>` or `,`",
        ));
    }
    let length = tags_length(tags);
    if length > MAX_TAGS_CHARS {
        return Err(Error::invalid_input(
            "tags",
            format!(
                "{length} characters together (commas and quotes included); YouTube allows at most {MAX_TAGS_CHARS}"
            ),
        ));
    }
    Ok(())
}

fn validate_category(category: &str) -> Result<()> {
    if category.is_empty() || !category.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid_input(
            "category_id",
            format!("`{category}` is not a numeric category id such as \"22\""),
        ));
    }
    Ok(())
}

fn validate_language(language: &str) -> Result<()> {
    let valid = !language.is_empty()
        && language.len() <= 35
        && language.split('-').all(|part| {
            !part.is_empty() && part.len() <= 8 && part.bytes().all(|b| b.is_ascii_alphanumeric())
        });
    if valid {
        Ok(())
    } else {
        Err(Error::invalid_input(
            "default_language",
            format!("`{language}` is not a BCP-47 language tag such as `en` or `pt-BR`"),
        ))
    }
}

/// Checks the shape `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
pub(crate) fn validate_rfc3339(field: &str, value: &str) -> Result<()> {
    let bad = || {
        Error::invalid_input(
            field,
            format!("`{value}` is not an RFC 3339 time such as 2027-01-01T09:00:00Z"),
        )
    };
    let b = value.as_bytes();
    if b.len() < 20 {
        return Err(bad());
    }
    let digits = |range: std::ops::Range<usize>| b[range].iter().all(u8::is_ascii_digit);
    let shape = digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && matches!(b[10], b'T' | b't')
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    if !shape {
        return Err(bad());
    }
    let mut rest = &value[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let end = fraction
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(fraction.len());
        if end == 0 {
            return Err(bad());
        }
        rest = &fraction[end..];
    }
    let zone_ok = rest.eq_ignore_ascii_case("z")
        || (rest.len() == 6
            && matches!(rest.as_bytes()[0], b'+' | b'-')
            && rest.as_bytes()[3] == b':'
            && rest[1..3].bytes().all(|c| c.is_ascii_digit())
            && rest[4..6].bytes().all(|c| c.is_ascii_digit()));
    let month: u32 = value[5..7].parse().map_err(|_| bad())?;
    let day: u32 = value[8..10].parse().map_err(|_| bad())?;
    let hour: u32 = value[11..13].parse().map_err(|_| bad())?;
    let minute: u32 = value[14..16].parse().map_err(|_| bad())?;
    let second: u32 = value[17..19].parse().map_err(|_| bad())?;
    let ranges = (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && hour < 24
        && minute < 60
        && second < 61;
    if zone_ok && ranges {
        Ok(())
    } else {
        Err(bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(error: Error) -> String {
        match error {
            Error::InvalidInput(input) => input.field().to_owned(),
            other => panic!("expected InvalidInput, got {other}"),
        }
    }

    #[test]
    fn valid_metadata_passes() {
        let metadata = VideoMetadata::new("A title")
            .description("Plain text, with ünïcödé.")
            .tags(["rust", "sdk demo"])
            .category_id("22")
            .default_language("pt-BR")
            .publish_at("2027-01-01T09:00:00.5+01:00")
            .made_for_kids(false)
            .contains_synthetic_media(false);

        assert!(metadata.validate().is_ok());
    }

    #[test]
    fn limits_name_their_field() {
        let cases = [
            (VideoMetadata::new("x".repeat(101)), "title"),
            (VideoMetadata::new("   "), "title"),
            (VideoMetadata::new("a <b>"), "title"),
            (
                VideoMetadata::new("t").description("é".repeat(2501)),
                "description",
            ),
            (VideoMetadata::new("t").description("1 < 2"), "description"),
            (VideoMetadata::new("t").tags(vec!["x".repeat(501)]), "tags"),
            (VideoMetadata::new("t").tags([""]), "tags"),
            (VideoMetadata::new("t").category_id("music"), "category_id"),
            (
                VideoMetadata::new("t").default_language("en_US"),
                "default_language",
            ),
            (VideoMetadata::new("t").publish_at("tomorrow"), "publish_at"),
            (
                VideoMetadata::new("t")
                    .publish_at("2027-01-01T09:00:00Z")
                    .privacy(PrivacyStatus::Public),
                "publish_at",
            ),
        ];
        for (metadata, field) in cases {
            let error = metadata.validate().expect_err(field);

            assert_eq!(field_of(error), field);
        }
    }

    #[test]
    fn description_limit_counts_bytes_not_chars() {
        let at_limit = VideoMetadata::new("t").description("é".repeat(2500));

        assert!(at_limit.validate().is_ok());
    }

    #[test]
    fn tags_length_counts_commas_and_quotes() {
        let tags = vec!["ab".to_owned(), "c d".to_owned()];

        assert_eq!(tags_length(&tags), 2 + 1 + 5);
    }

    #[test]
    fn resource_has_snippet_and_status() {
        let metadata = VideoMetadata::new("T").tags(["a"]).made_for_kids(false);

        let resource = metadata.to_resource();

        assert_eq!(
            resource,
            json!({"snippet":{"title":"T","tags":["a"]},
                   "status":{"privacyStatus":"private","selfDeclaredMadeForKids":false}})
        );
    }
}
