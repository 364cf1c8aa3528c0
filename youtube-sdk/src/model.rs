//! The resources YouTube returns: videos, thumbnails, playlist items.
//!
//! Every field the API may leave out is an `Option`, unknown fields are
//! ignored, and counts (sent as strings such as `"3041937658"`) are read
//! exactly into `u64`.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The visibility of a video.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum PrivacyStatus {
    /// Anyone can find and watch it.
    Public,
    /// Anyone with the link can watch it.
    Unlisted,
    /// Only the owner and people they invite. The default of this crate:
    /// nothing becomes public by accident.
    #[default]
    Private,
    /// A value this crate does not know yet.
    Other(String),
}

impl PrivacyStatus {
    /// Returns the API's name for the value.
    pub fn as_str(&self) -> &str {
        match self {
            PrivacyStatus::Public => "public",
            PrivacyStatus::Unlisted => "unlisted",
            PrivacyStatus::Private => "private",
            PrivacyStatus::Other(other) => other,
        }
    }

    fn parse(value: &str) -> PrivacyStatus {
        match value {
            "public" => PrivacyStatus::Public,
            "unlisted" => PrivacyStatus::Unlisted,
            "private" => PrivacyStatus::Private,
            other => PrivacyStatus::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for PrivacyStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for PrivacyStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for PrivacyStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|s| PrivacyStatus::parse(&s))
    }
}

/// A video resource, as `videos.list` and `videos.insert` return it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Video {
    /// The video id, such as `dQw4w9WgXcQ`.
    pub id: String,
    /// The resource's entity tag.
    #[serde(default)]
    pub etag: Option<String>,
    /// Title, description, tags, category and language.
    #[serde(default)]
    pub snippet: Option<VideoSnippet>,
    /// Upload, processing and privacy state.
    #[serde(default)]
    pub status: Option<VideoStatus>,
    /// View, like and comment counts.
    #[serde(default)]
    pub statistics: Option<VideoStatistics>,
    /// Processing progress; returned only to the owner.
    #[serde(default)]
    pub processing_details: Option<ProcessingDetails>,
}

impl Video {
    /// Returns the title, when the snippet was requested.
    pub fn title(&self) -> Option<&str> {
        self.snippet.as_ref().and_then(|s| s.title.as_deref())
    }

    /// Returns the privacy status YouTube applied.
    pub fn privacy_status(&self) -> Option<&PrivacyStatus> {
        self.status.as_ref().and_then(|s| s.privacy_status.as_ref())
    }

    /// Returns `https://www.youtube.com/watch?v=ID`.
    pub fn watch_url(&self) -> String {
        format!("https://www.youtube.com/watch?v={}", self.id)
    }
}

/// The `snippet` part of a video.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct VideoSnippet {
    /// Title.
    #[serde(default)]
    pub title: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Keyword tags.
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    /// Category id, such as `"22"` (People & Blogs).
    #[serde(default)]
    pub category_id: Option<String>,
    /// Language of the title and description (BCP-47).
    #[serde(default)]
    pub default_language: Option<String>,
    /// When the video was published (RFC 3339).
    #[serde(default)]
    pub published_at: Option<String>,
    /// The owning channel.
    #[serde(default)]
    pub channel_id: Option<String>,
    /// The owning channel's title.
    #[serde(default)]
    pub channel_title: Option<String>,
}

/// The `status` part of a video.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct VideoStatus {
    /// `uploaded`, `processed`, `failed`, `rejected` or `deleted`.
    #[serde(default)]
    pub upload_status: Option<String>,
    /// Why processing failed: `codec`, `conversion`, `emptyFile`, …
    #[serde(default)]
    pub failure_reason: Option<String>,
    /// Why YouTube rejected the video: `duplicate`, `copyright`, …
    #[serde(default)]
    pub rejection_reason: Option<String>,
    /// The privacy YouTube applied. Uploads from unverified API projects are
    /// `private` whatever was requested.
    #[serde(default)]
    pub privacy_status: Option<PrivacyStatus>,
    /// Scheduled publication time (RFC 3339).
    #[serde(default)]
    pub publish_at: Option<String>,
    /// Whether the uploader declared the video made for kids.
    #[serde(default)]
    pub self_declared_made_for_kids: Option<bool>,
    /// YouTube's own made-for-kids designation.
    #[serde(default)]
    pub made_for_kids: Option<bool>,
    /// Whether the uploader declared altered or synthetic content.
    #[serde(default)]
    pub contains_synthetic_media: Option<bool>,
}

/// The `statistics` part of a video. Every count may be missing (likes can
/// be hidden), and they arrive as decimal strings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct VideoStatistics {
    /// Views.
    #[serde(default, deserialize_with = "count")]
    pub view_count: Option<u64>,
    /// Likes; `None` when the owner hides them.
    #[serde(default, deserialize_with = "count")]
    pub like_count: Option<u64>,
    /// Dislikes; no longer public, usually missing.
    #[serde(default, deserialize_with = "count")]
    pub dislike_count: Option<u64>,
    /// Always 0 since the favourites feature went away.
    #[serde(default, deserialize_with = "count")]
    pub favorite_count: Option<u64>,
    /// Comments; `None` when comments are off.
    #[serde(default, deserialize_with = "count")]
    pub comment_count: Option<u64>,
}

/// Reads a count sent as a decimal string (or, leniently, as a JSON
/// integer) exactly, never through a float.
fn count<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Count {
        Text(String),
        Number(u64),
    }
    match Option::<Count>::deserialize(deserializer)? {
        None => Ok(None),
        Some(Count::Number(n)) => Ok(Some(n)),
        Some(Count::Text(text)) => text
            .trim()
            .parse::<u64>()
            .map(Some)
            .map_err(|_| serde::de::Error::custom("a count that is not a non-negative integer")),
    }
}

/// The `processingDetails` part of a video.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ProcessingDetails {
    /// `processing`, `succeeded`, `failed` or `terminated`.
    #[serde(default)]
    pub processing_status: Option<String>,
    /// Why processing failed: `uploadFailed`, `transcodeFailed`, …
    #[serde(default)]
    pub processing_failure_reason: Option<String>,
    /// Progress estimate while processing.
    #[serde(default)]
    pub processing_progress: Option<ProcessingProgress>,
}

/// YouTube's estimate of how far processing has gone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ProcessingProgress {
    /// Parts to process in total.
    #[serde(default, deserialize_with = "count")]
    pub parts_total: Option<u64>,
    /// Parts processed so far.
    #[serde(default, deserialize_with = "count")]
    pub parts_processed: Option<u64>,
    /// Milliseconds left, estimated.
    #[serde(default, deserialize_with = "count")]
    pub time_left_ms: Option<u64>,
}

/// The answer of `thumbnails.set`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ThumbnailSetResponse {
    /// The thumbnails now set, by size name (`default`, `medium`, `high`, …).
    #[serde(default)]
    pub items: Vec<serde_json::Map<String, serde_json::Value>>,
}

impl ThumbnailSetResponse {
    /// Returns the URL of the `default` (or first) thumbnail, when given.
    pub fn default_url(&self) -> Option<&str> {
        let item = self.items.first()?;
        let entry = item.get("default").or_else(|| item.values().next())?;
        entry.get("url").and_then(|u| u.as_str())
    }
}

/// A playlist item, as `playlistItems.insert` returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PlaylistItem {
    /// The playlist item's id (not the video's).
    pub id: String,
    /// Playlist, video and position.
    #[serde(default)]
    pub snippet: Option<PlaylistItemSnippet>,
}

/// The `snippet` part of a playlist item.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PlaylistItemSnippet {
    /// The playlist.
    #[serde(default)]
    pub playlist_id: Option<String>,
    /// Zero-based position in the playlist.
    #[serde(default)]
    pub position: Option<u64>,
    /// The item's video.
    #[serde(default)]
    pub resource_id: Option<ResourceId>,
    /// The video's title.
    #[serde(default)]
    pub title: Option<String>,
}

/// What a playlist item points at.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ResourceId {
    /// `youtube#video`.
    #[serde(default)]
    pub kind: Option<String>,
    /// The video id.
    #[serde(default)]
    pub video_id: Option<String>,
}

/// The envelope of list calls.
#[derive(Debug, Deserialize)]
pub(crate) struct ListResponse<T> {
    #[serde(default = "Vec::new")]
    pub(crate) items: Vec<T>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistics_read_exactly_with_missing_fields() {
        let json =
            r#"{"viewCount":"3041937658","favoriteCount":"0","commentCount":"12","newCount":"1"}"#;

        let stats: VideoStatistics = serde_json::from_str(json).expect("statistics");

        assert_eq!(stats.view_count, Some(3_041_937_658));
        assert_eq!(stats.like_count, None);
        assert_eq!(stats.favorite_count, Some(0));
        assert_eq!(stats.comment_count, Some(12));
    }

    #[test]
    fn counts_beyond_two_to_the_53_stay_exact() {
        let stats: VideoStatistics =
            serde_json::from_str(r#"{"viewCount":"9007199254740993"}"#).expect("statistics");

        assert_eq!(stats.view_count, Some(9_007_199_254_740_993));
    }

    #[test]
    fn garbage_count_is_an_error() {
        let result = serde_json::from_str::<VideoStatistics>(r#"{"viewCount":"many"}"#);

        assert!(result.is_err());
    }

    #[test]
    fn unknown_privacy_is_kept() {
        let status: VideoStatus =
            serde_json::from_str(r#"{"privacyStatus":"membersOnly"}"#).expect("status");

        assert_eq!(
            status.privacy_status,
            Some(PrivacyStatus::Other("membersOnly".into()))
        );
    }
}
