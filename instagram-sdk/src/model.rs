//! Response types. Ids are strings, read exactly whether Graph sends them
//! as strings or as numbers; unknown fields are ignored.

use std::fmt;

use facebook_sdk::graph::ids;
use serde::Deserialize;

/// A container's `status_code`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ContainerStatus {
    /// `IN_PROGRESS`: Instagram is still fetching or processing the media.
    InProgress,
    /// `FINISHED`: ready to publish.
    Finished,
    /// `PUBLISHED`: already published; publishing again would fail or duplicate.
    Published,
    /// `ERROR`: processing failed; `status` carries the reason.
    Error,
    /// `EXPIRED`: not published within 24 hours; a new container is needed.
    Expired,
    /// A `status_code` this SDK does not know, as sent.
    Unknown(String),
}

impl ContainerStatus {
    /// Reads a `status_code` value, ignoring case.
    pub fn parse(code: &str) -> ContainerStatus {
        match code.trim().to_ascii_uppercase().as_str() {
            "IN_PROGRESS" => ContainerStatus::InProgress,
            "FINISHED" => ContainerStatus::Finished,
            "PUBLISHED" => ContainerStatus::Published,
            "ERROR" => ContainerStatus::Error,
            "EXPIRED" => ContainerStatus::Expired,
            _ => ContainerStatus::Unknown(code.to_owned()),
        }
    }

    /// Returns the `status_code` as Instagram writes it.
    pub fn as_str(&self) -> &str {
        match self {
            ContainerStatus::InProgress => "IN_PROGRESS",
            ContainerStatus::Finished => "FINISHED",
            ContainerStatus::Published => "PUBLISHED",
            ContainerStatus::Error => "ERROR",
            ContainerStatus::Expired => "EXPIRED",
            ContainerStatus::Unknown(code) => code,
        }
    }
}

impl fmt::Display for ContainerStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A container as read with `GET /{container-id}?fields=status_code,status`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ContainerState {
    /// The container id, when the response carried it.
    #[serde(default, deserialize_with = "ids::optional_string")]
    pub id: Option<String>,
    /// `status_code`; absent or empty on some failed containers.
    #[serde(default)]
    pub status_code: Option<String>,
    /// `status`, free text such as `"Error: ... error code 2207026"`.
    #[serde(default)]
    pub status: Option<String>,
}

impl ContainerState {
    /// Returns the status. An empty `status_code` whose `status` text starts
    /// with "Error" counts as [`ContainerStatus::Error`]; one with no text
    /// at all is [`ContainerStatus::Unknown`] with an empty code.
    pub fn status(&self) -> ContainerStatus {
        let code = self
            .status_code
            .as_deref()
            .map(str::trim)
            .unwrap_or_default();
        if !code.is_empty() {
            return ContainerStatus::parse(code);
        }
        let text = self.status.as_deref().map(str::trim).unwrap_or_default();
        if text.to_ascii_lowercase().starts_with("error") {
            ContainerStatus::Error
        } else {
            ContainerStatus::Unknown(String::new())
        }
    }
}

/// A published post.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Published {
    /// The container that was published.
    pub container_id: String,
    /// The Instagram media id. `None` when the publish response was lost and
    /// the container was found `PUBLISHED`: Instagram does not link a
    /// container to its media, and guessing from the latest item of
    /// `/media` could name another post.
    pub media_id: Option<String>,
    /// The post's URL, when it could be read back.
    pub permalink: Option<String>,
    /// `IMAGE`, `VIDEO` or `CAROUSEL_ALBUM`, when read back (a Reel reads as `VIDEO`).
    pub media_type: Option<String>,
    /// `FEED`, `STORY` or `REELS`, when read back.
    pub media_product_type: Option<String>,
    /// True when this call did not receive the media id but found the
    /// container already `PUBLISHED`, after a lost response or a restart.
    pub recovered: bool,
}

impl Published {
    pub(crate) fn new(container_id: impl Into<String>, media_id: Option<String>) -> Published {
        let recovered = media_id.is_none();
        Published {
            container_id: container_id.into(),
            media_id,
            permalink: None,
            media_type: None,
            media_product_type: None,
            recovered,
        }
    }
}

/// A published media item as read back.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Media {
    /// The media id.
    #[serde(deserialize_with = "ids::string")]
    pub id: String,
    /// The post's URL.
    #[serde(default)]
    pub permalink: Option<String>,
    /// `IMAGE`, `VIDEO` or `CAROUSEL_ALBUM`.
    #[serde(default)]
    pub media_type: Option<String>,
    /// `AD`, `FEED`, `STORY` or `REELS`.
    #[serde(default)]
    pub media_product_type: Option<String>,
    /// The publishing time, as Instagram formats it.
    #[serde(default)]
    pub timestamp: Option<String>,
    /// The short code in the post's URL.
    #[serde(default)]
    pub shortcode: Option<String>,
}

/// The account's publishing quota, from `content_publishing_limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PublishingLimit {
    /// Posts published in the current window (a carousel counts as one).
    pub quota_usage: u64,
    /// Posts allowed per window, when Instagram reported it.
    pub quota_total: Option<u64>,
    /// The window's length in seconds, when reported (86,400 so far).
    pub quota_duration: Option<u64>,
}

impl PublishingLimit {
    /// Returns how many posts are left in the window, when the total is known.
    pub fn remaining(&self) -> Option<u64> {
        self.quota_total
            .map(|total| total.saturating_sub(self.quota_usage))
    }

    /// Tells whether the window is used up.
    pub fn is_exhausted(&self) -> bool {
        self.remaining() == Some(0)
    }
}

/// The professional Instagram account posts are published to.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Account {
    /// The Instagram user id used in publishing paths (`1784…`).
    pub ig_user_id: String,
    /// The `@username`, when known.
    pub username: Option<String>,
    /// `BUSINESS` or `MEDIA_CREATOR` with Instagram Login; `None` with
    /// Facebook Login, whose account node has no type field.
    pub account_type: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(code: Option<&str>, status: Option<&str>) -> ContainerState {
        ContainerState {
            id: None,
            status_code: code.map(str::to_owned),
            status: status.map(str::to_owned),
        }
    }

    #[test]
    fn status_read_from_code_or_text() {
        let cases = [
            (state(Some("FINISHED"), None), ContainerStatus::Finished),
            (
                state(Some("in_progress"), None),
                ContainerStatus::InProgress,
            ),
            (state(Some("EXPIRED"), None), ContainerStatus::Expired),
            (state(Some("PUBLISHED"), None), ContainerStatus::Published),
            (
                state(Some("ERROR"), Some("Error: x")),
                ContainerStatus::Error,
            ),
            (
                state(None, Some("Error: Media download has failed.")),
                ContainerStatus::Error,
            ),
            (state(Some(""), Some("Error: x")), ContainerStatus::Error),
            (state(None, None), ContainerStatus::Unknown(String::new())),
            (
                state(Some("SOMETHING_NEW"), None),
                ContainerStatus::Unknown("SOMETHING_NEW".into()),
            ),
        ];
        for (state, expected) in cases {
            assert_eq!(state.status(), expected, "{state:?}");
        }
    }

    #[test]
    fn quota_remaining() {
        let limit = PublishingLimit {
            quota_usage: 100,
            quota_total: Some(100),
            quota_duration: Some(86_400),
        };

        assert_eq!(limit.remaining(), Some(0));
        assert!(limit.is_exhausted());
    }
}
