//! Types TikTok returns: privacy levels, creator info, post status.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The audience of a post.
///
/// The creator info query lists the levels allowed for the account. Public
/// accounts get `PUBLIC_TO_EVERYONE`, `MUTUAL_FOLLOW_FRIENDS` and
/// `SELF_ONLY`. Private accounts get `FOLLOWER_OF_CREATOR`,
/// `MUTUAL_FOLLOW_FRIENDS` and `SELF_ONLY`. Posts from apps that have not
/// passed TikTok's audit are limited to [`PrivacyLevel::SelfOnly`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PrivacyLevel {
    /// `PUBLIC_TO_EVERYONE`.
    PublicToEveryone,
    /// `MUTUAL_FOLLOW_FRIENDS`.
    MutualFollowFriends,
    /// `FOLLOWER_OF_CREATOR`.
    FollowerOfCreator,
    /// `SELF_ONLY`: only the creator can view the post.
    SelfOnly,
    /// A level this version of the SDK does not know, kept as TikTok sent it.
    Other(String),
}

impl PrivacyLevel {
    /// Returns TikTok's name of the level, such as `SELF_ONLY`.
    pub fn as_str(&self) -> &str {
        match self {
            PrivacyLevel::PublicToEveryone => "PUBLIC_TO_EVERYONE",
            PrivacyLevel::MutualFollowFriends => "MUTUAL_FOLLOW_FRIENDS",
            PrivacyLevel::FollowerOfCreator => "FOLLOWER_OF_CREATOR",
            PrivacyLevel::SelfOnly => "SELF_ONLY",
            PrivacyLevel::Other(name) => name,
        }
    }

    /// Parses TikTok's name of a level. Unknown names become [`PrivacyLevel::Other`].
    pub fn from_name(name: &str) -> PrivacyLevel {
        match name {
            "PUBLIC_TO_EVERYONE" => PrivacyLevel::PublicToEveryone,
            "MUTUAL_FOLLOW_FRIENDS" => PrivacyLevel::MutualFollowFriends,
            "FOLLOWER_OF_CREATOR" => PrivacyLevel::FollowerOfCreator,
            "SELF_ONLY" => PrivacyLevel::SelfOnly,
            other => PrivacyLevel::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for PrivacyLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for PrivacyLevel {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for PrivacyLevel {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|name| PrivacyLevel::from_name(&name))
    }
}

/// The creator's posting options, from `POST /v2/post/publish/creator_info/query/`.
///
/// TikTok's rules ask apps to query this right before each post, offer only
/// the returned privacy levels, and block videos longer than
/// `max_video_post_duration_sec`. The SDK checks all three before it sends
/// any upload byte.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreatorInfo {
    /// Avatar URL, which TikTok lets expire after 2 hours.
    #[serde(default)]
    pub creator_avatar_url: Option<String>,
    /// The account's unique name.
    #[serde(default)]
    pub creator_username: Option<String>,
    /// The account's display name.
    #[serde(default)]
    pub creator_nickname: Option<String>,
    /// The privacy levels a post of this creator may use.
    pub privacy_level_options: Vec<PrivacyLevel>,
    /// The creator turned comments off in the TikTok app.
    #[serde(default)]
    pub comment_disabled: bool,
    /// The creator turned duets off (always true for private accounts).
    #[serde(default)]
    pub duet_disabled: bool,
    /// The creator turned stitches off (always true for private accounts).
    #[serde(default)]
    pub stitch_disabled: bool,
    /// The maximum duration of a video this creator may post, in seconds.
    #[serde(default)]
    pub max_video_post_duration_sec: Option<u64>,
}

impl CreatorInfo {
    /// Creates the info of a creator allowed the given privacy levels, with
    /// every interaction enabled and no duration limit known.
    pub fn new(privacy_level_options: Vec<PrivacyLevel>) -> CreatorInfo {
        CreatorInfo {
            creator_avatar_url: None,
            creator_username: None,
            creator_nickname: None,
            privacy_level_options,
            comment_disabled: false,
            duet_disabled: false,
            stitch_disabled: false,
            max_video_post_duration_sec: None,
        }
    }

    /// Tells whether a post of this creator may use `level`.
    pub fn allows(&self, level: &PrivacyLevel) -> bool {
        self.privacy_level_options.contains(level)
    }
}

/// The processing state of a post, from `POST /v2/post/publish/status/fetch/`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PostStatus {
    /// `PROCESSING_UPLOAD`: bytes of a `FILE_UPLOAD` are arriving or being processed.
    ProcessingUpload,
    /// `PROCESSING_DOWNLOAD`: TikTok is downloading a `PULL_FROM_URL` source.
    ProcessingDownload,
    /// `SEND_TO_USER_INBOX`: the inbox notification was sent, which is final for the API.
    SendToUserInbox,
    /// `PUBLISH_COMPLETE`: the post is published (for an inbox upload, the
    /// user finished it in the app).
    PublishComplete,
    /// `FAILED`: see the status's `fail_reason`.
    Failed,
    /// A status this version of the SDK does not know, kept as TikTok sent it.
    Unknown(String),
}

impl PostStatus {
    /// Parses TikTok's name of a status.
    pub fn from_name(name: &str) -> PostStatus {
        match name {
            "PROCESSING_UPLOAD" => PostStatus::ProcessingUpload,
            "PROCESSING_DOWNLOAD" => PostStatus::ProcessingDownload,
            "SEND_TO_USER_INBOX" => PostStatus::SendToUserInbox,
            "PUBLISH_COMPLETE" => PostStatus::PublishComplete,
            "FAILED" => PostStatus::Failed,
            other => PostStatus::Unknown(other.to_owned()),
        }
    }

    /// Returns TikTok's name of the status.
    pub fn as_str(&self) -> &str {
        match self {
            PostStatus::ProcessingUpload => "PROCESSING_UPLOAD",
            PostStatus::ProcessingDownload => "PROCESSING_DOWNLOAD",
            PostStatus::SendToUserInbox => "SEND_TO_USER_INBOX",
            PostStatus::PublishComplete => "PUBLISH_COMPLETE",
            PostStatus::Failed => "FAILED",
            PostStatus::Unknown(name) => name,
        }
    }

    /// Tells whether the status is final: published, sent to the inbox, or failed.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            PostStatus::SendToUserInbox | PostStatus::PublishComplete | PostStatus::Failed
        )
    }
}

impl fmt::Display for PostStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for PostStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|name| PostStatus::from_name(&name))
    }
}

/// One response of the status endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct PublishStatus {
    /// The status.
    pub status: PostStatus,
    /// The reason the post failed, when `status` is `FAILED`.
    #[serde(default)]
    pub fail_reason: Option<String>,
    /// Ids of the public post, as exact decimal strings. TikTok fills them
    /// only for public posts after moderation, which can take hours, so a
    /// finished post may have none yet.
    // NOTE: TikTok spells the key `publicaly_available_post_id`. The correct
    // spelling is accepted too, and ids may come as numbers or strings.
    #[serde(
        default,
        rename = "publicaly_available_post_id",
        alias = "publicly_available_post_id",
        deserialize_with = "post_ids"
    )]
    pub public_post_ids: Vec<String>,
    /// Bytes TikTok received so far (`FILE_UPLOAD`).
    #[serde(default)]
    pub uploaded_bytes: Option<u64>,
    /// Bytes TikTok downloaded so far (`PULL_FROM_URL`).
    #[serde(default)]
    pub downloaded_bytes: Option<u64>,
}

/// Reads a list of ids given as JSON integers or strings. Integers keep
/// every digit, because serde_json reads them as `u64`/`i64`, not floats.
fn post_ids<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        Number(serde_json::Number),
        Text(String),
    }
    let ids = Option::<Vec<Id>>::deserialize(deserializer)?.unwrap_or_default();
    Ok(ids
        .into_iter()
        .map(|id| match id {
            Id::Number(n) => n.to_string(),
            Id::Text(s) => s,
        })
        .collect())
}

/// The result of a post whose status is final and not `FAILED`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PublishOutcome {
    /// TikTok's id of the publish job, such as `v_pub_file~v2-1.123`.
    pub publish_id: String,
    /// The final status: [`PostStatus::PublishComplete`] or
    /// [`PostStatus::SendToUserInbox`].
    pub status: PostStatus,
    /// Ids of the public post, often empty at first (see [`PublishStatus::public_post_ids`]).
    pub public_post_ids: Vec<String>,
}

impl PublishOutcome {
    /// Returns the first public post id, when TikTok has assigned one.
    pub fn post_id(&self) -> Option<&str> {
        self.public_post_ids.first().map(String::as_str)
    }
}
