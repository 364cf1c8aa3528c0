//! The `post_info` of a direct video post, and its checks against the
//! creator's options.

use std::time::Duration;

use serde::Serialize;
use social_core::{Error, Result};

use crate::model::{CreatorInfo, PrivacyLevel};

/// The maximum length of a video title (caption), in UTF-16 code units.
pub const MAX_TITLE_UTF16: usize = 2200;

/// The caption, privacy and interaction settings of a direct video post.
///
/// The interaction switches left unset follow the creator's own settings
/// from the creator info query. A switch set to `false` while the creator
/// has that interaction turned off gets the post rejected before any upload
/// byte is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostInfo {
    privacy_level: PrivacyLevel,
    title: Option<String>,
    disable_comment: Option<bool>,
    disable_duet: Option<bool>,
    disable_stitch: Option<bool>,
    video_cover_timestamp_ms: Option<u32>,
    brand_content_toggle: bool,
    brand_organic_toggle: bool,
    is_aigc: bool,
}

/// The `post_info` object as sent.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PostInfoBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    privacy_level: PrivacyLevel,
    disable_duet: bool,
    disable_comment: bool,
    disable_stitch: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    video_cover_timestamp_ms: Option<u32>,
    // NOTE: TikTok's field table marks brand_content_toggle as required, which
    // may be a table artefact, so both brand toggles are always sent.
    brand_content_toggle: bool,
    brand_organic_toggle: bool,
    is_aigc: bool,
}

impl PostInfo {
    /// Creates a post with the given privacy level, which must be one of the
    /// creator's `privacy_level_options`.
    pub fn new(privacy_level: PrivacyLevel) -> PostInfo {
        PostInfo {
            privacy_level,
            title: None,
            disable_comment: None,
            disable_duet: None,
            disable_stitch: None,
            video_cover_timestamp_ms: None,
            brand_content_toggle: false,
            brand_organic_toggle: false,
            is_aigc: false,
        }
    }

    /// Sets the caption, at most 2200 UTF-16 units. TikTok parses its
    /// hashtags and mentions.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Turns comments off (`true`) or on (`false`).
    pub fn disable_comment(mut self, disable: bool) -> Self {
        self.disable_comment = Some(disable);
        self
    }

    /// Turns duets off (`true`) or on (`false`).
    pub fn disable_duet(mut self, disable: bool) -> Self {
        self.disable_duet = Some(disable);
        self
    }

    /// Turns stitches off (`true`) or on (`false`).
    pub fn disable_stitch(mut self, disable: bool) -> Self {
        self.disable_stitch = Some(disable);
        self
    }

    /// Picks the cover frame, in milliseconds from the start. TikTok uses the
    /// first frame when it is missing or past the end.
    pub fn video_cover_timestamp_ms(mut self, timestamp_ms: u32) -> Self {
        self.video_cover_timestamp_ms = Some(timestamp_ms);
        self
    }

    /// Marks a paid partnership with a third-party brand.
    pub fn brand_content(mut self, enabled: bool) -> Self {
        self.brand_content_toggle = enabled;
        self
    }

    /// Marks a promotion of the creator's own business.
    pub fn brand_organic(mut self, enabled: bool) -> Self {
        self.brand_organic_toggle = enabled;
        self
    }

    /// Labels the video as AI-generated content.
    pub fn ai_generated(mut self, enabled: bool) -> Self {
        self.is_aigc = enabled;
        self
    }

    /// Returns the privacy level.
    pub fn privacy_level(&self) -> &PrivacyLevel {
        &self.privacy_level
    }

    /// Checks what can be checked without the creator's options.
    pub(crate) fn validate(&self) -> Result<()> {
        if let Some(title) = &self.title {
            check_utf16_len("title", title, MAX_TITLE_UTF16)?;
        }
        if let Some(timestamp) = self.video_cover_timestamp_ms
            && timestamp > i32::MAX as u32
        {
            return Err(Error::invalid_input(
                "video_cover_timestamp_ms",
                format!("{timestamp} does not fit TikTok's int32; give a time within the video"),
            ));
        }
        if let PrivacyLevel::Other(name) = &self.privacy_level
            && name.trim().is_empty()
        {
            return Err(Error::invalid_input(
                "privacy_level",
                "empty; choose one of the creator's privacy_level_options",
            ));
        }
        Ok(())
    }

    /// Checks the post against the creator's options and returns the body to
    /// send, with unset interaction switches taken from the creator.
    pub(crate) fn resolve(
        &self,
        creator: &CreatorInfo,
        duration: Option<Duration>,
    ) -> Result<PostInfoBody> {
        self.validate()?;
        check_privacy(&self.privacy_level, creator)?;
        check_duration(duration, creator.max_video_post_duration_sec)?;
        Ok(PostInfoBody {
            title: self.title.clone(),
            privacy_level: self.privacy_level.clone(),
            disable_comment: interaction(
                "disable_comment",
                self.disable_comment,
                creator.comment_disabled,
            )?,
            disable_duet: interaction("disable_duet", self.disable_duet, creator.duet_disabled)?,
            disable_stitch: interaction(
                "disable_stitch",
                self.disable_stitch,
                creator.stitch_disabled,
            )?,
            video_cover_timestamp_ms: self.video_cover_timestamp_ms,
            brand_content_toggle: self.brand_content_toggle,
            brand_organic_toggle: self.brand_organic_toggle,
            is_aigc: self.is_aigc,
        })
    }
}

/// Rejects a privacy level the creator info did not offer.
pub(crate) fn check_privacy(level: &PrivacyLevel, creator: &CreatorInfo) -> Result<()> {
    if creator.allows(level) {
        return Ok(());
    }
    let offered: Vec<&str> = creator
        .privacy_level_options
        .iter()
        .map(PrivacyLevel::as_str)
        .collect();
    Err(Error::invalid_input(
        "privacy_level",
        format!(
            "{level} is not among this creator's options [{}]; offer the user only those",
            offered.join(", ")
        ),
    ))
}

fn check_duration(duration: Option<Duration>, max_seconds: Option<u64>) -> Result<()> {
    let (Some(duration), Some(max_seconds)) = (duration, max_seconds) else {
        return Ok(());
    };
    if duration <= Duration::from_secs(max_seconds) {
        return Ok(());
    }
    Err(Error::invalid_input(
        "video_duration",
        format!(
            "{:.1} s is longer than the {max_seconds} s this creator may post; trim the video",
            duration.as_secs_f64()
        ),
    ))
}

/// Returns the value of a `disable_*` switch: the caller's, or the
/// creator's setting when the caller left it unset.
pub(crate) fn interaction(
    field: &str,
    requested: Option<bool>,
    disabled_by_creator: bool,
) -> Result<bool> {
    match (requested, disabled_by_creator) {
        (Some(false), true) => Err(Error::invalid_input(
            field,
            format!(
                "false, but the creator turned this interaction off in the TikTok app; leave \
                 {field} unset or set it to true"
            ),
        )),
        (Some(value), _) => Ok(value),
        (None, disabled) => Ok(disabled),
    }
}

/// Rejects `text` longer than `max` UTF-16 code units, the unit TikTok counts.
pub(crate) fn check_utf16_len(field: &str, text: &str, max: usize) -> Result<()> {
    social_core::text::check_control_characters(field, text)?;
    let units = text.encode_utf16().count();
    if units <= max {
        return Ok(());
    }
    Err(Error::invalid_input(
        field,
        format!("{units} UTF-16 units; TikTok takes at most {max}, so shorten it"),
    ))
}

#[cfg(test)]
mod tests;
