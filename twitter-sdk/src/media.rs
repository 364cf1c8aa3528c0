//! Media upload through the v2 endpoints: one request for a small image,
//! `initialize` / `append` / `finalize` for videos, GIFs and larger files,
//! then processing checks until X reports the media usable.

mod processing;
mod upload;

use mime::Mime;
use serde::Deserialize;
use social_core::{Error, MediaInfo, MediaSource, ProgressCallback, Result};

pub use processing::{MediaStatus, ProcessingState};

/// The largest image X accepts on a post: 5 MB.
pub const MAX_IMAGE_BYTES: u64 = 5 * 1024 * 1024;
/// The largest animated GIF X accepts: 15 MB.
pub const MAX_GIF_BYTES: u64 = 15 * 1024 * 1024;
/// The largest upload the v2 `initialize` call accepts (`total_bytes`):
/// 16 GiB. Videos this large need X Premium; X checks the account's own
/// limit when the post is created.
pub const MAX_UPLOAD_BYTES: u64 = 17_179_869_184;
/// The maximum alt text length X accepts, in characters.
pub const MAX_ALT_TEXT_CHARS: usize = 1_000;

/// What kind of media a file is, which decides its category and limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    /// A still image (JPEG, PNG, WebP, BMP, TIFF).
    Image,
    /// An animated GIF.
    Gif,
    /// A video (MP4, MOV, WebM, MPEG-TS).
    Video,
}

/// The use of the media on X (`media_category`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MediaCategory {
    /// An image on a post.
    TweetImage,
    /// A GIF on a post.
    TweetGif,
    /// A video on a post.
    TweetVideo,
    /// A video for X's Amplify program.
    AmplifyVideo,
    /// An image in a direct message.
    DmImage,
    /// A GIF in a direct message.
    DmGif,
    /// A video in a direct message.
    DmVideo,
}

impl MediaCategory {
    /// Returns the API value.
    pub fn as_str(self) -> &'static str {
        match self {
            MediaCategory::TweetImage => "tweet_image",
            MediaCategory::TweetGif => "tweet_gif",
            MediaCategory::TweetVideo => "tweet_video",
            MediaCategory::AmplifyVideo => "amplify_video",
            MediaCategory::DmImage => "dm_image",
            MediaCategory::DmGif => "dm_gif",
            MediaCategory::DmVideo => "dm_video",
        }
    }

    fn kind(self) -> MediaKind {
        match self {
            MediaCategory::TweetImage | MediaCategory::DmImage => MediaKind::Image,
            MediaCategory::TweetGif | MediaCategory::DmGif => MediaKind::Gif,
            MediaCategory::TweetVideo | MediaCategory::AmplifyVideo | MediaCategory::DmVideo => {
                MediaKind::Video
            }
        }
    }
}

/// A media file to upload. Build it, then pass it to
/// [`crate::Client::upload_media`].
#[derive(Debug, Clone)]
pub struct MediaUpload {
    pub(crate) source: MediaSource,
    pub(crate) category: Option<MediaCategory>,
    pub(crate) alt_text: Option<String>,
    pub(crate) progress: Option<ProgressCallback>,
    pub(crate) additional_owners: Vec<String>,
}

impl MediaUpload {
    /// Uploads a file from disk (streamed, never read whole into memory).
    pub fn file(path: impl Into<std::path::PathBuf>) -> MediaUpload {
        MediaUpload::new(MediaSource::file(path))
    }

    /// Uploads a local source (a file or bytes in memory).
    pub fn new(source: MediaSource) -> MediaUpload {
        MediaUpload {
            source,
            category: None,
            alt_text: None,
            progress: None,
            additional_owners: Vec::new(),
        }
    }

    /// Overrides the category chosen from the file type.
    pub fn category(mut self, category: MediaCategory) -> MediaUpload {
        self.category = Some(category);
        self
    }

    /// Sets alt text (images and GIFs, at most 1000 characters).
    pub fn alt_text(mut self, text: impl Into<String>) -> MediaUpload {
        self.alt_text = Some(text.into());
        self
    }

    /// Reports progress after every segment X accepts.
    pub fn progress(mut self, callback: ProgressCallback) -> MediaUpload {
        self.progress = Some(callback);
        self
    }

    /// Lets other users attach this media too.
    pub fn additional_owners(mut self, user_ids: Vec<String>) -> MediaUpload {
        self.additional_owners = user_ids;
        self
    }
}

/// Media that X accepted and finished processing; only such media can be
/// attached to a post with [`crate::NewPost::media`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UploadedMedia {
    /// The media id to attach.
    pub id: String,
    /// The media key (`13_<id>` for videos).
    pub media_key: Option<String>,
    /// The kind of media.
    pub kind: MediaKind,
    /// The category it was uploaded under.
    pub category: MediaCategory,
    /// Bytes uploaded.
    pub size: u64,
}

/// The checked plan of an upload: type, category, size.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    pub(crate) info: MediaInfo,
    pub(crate) category: MediaCategory,
}

/// Maps a MIME type to the kind of media X accepts, if any.
fn kind_of(mime: &Mime) -> Option<MediaKind> {
    match mime.essence_str() {
        "image/jpeg" | "image/png" | "image/webp" | "image/bmp" | "image/tiff" | "image/pjpeg" => {
            Some(MediaKind::Image)
        }
        "image/gif" => Some(MediaKind::Gif),
        "video/mp4" | "video/quicktime" | "video/webm" | "video/mp2t" => Some(MediaKind::Video),
        _ => None,
    }
}

fn default_category(kind: MediaKind) -> MediaCategory {
    match kind {
        MediaKind::Image => MediaCategory::TweetImage,
        MediaKind::Gif => MediaCategory::TweetGif,
        MediaKind::Video => MediaCategory::TweetVideo,
    }
}

/// Checks type, size and alt text before any request.
pub(crate) fn prepare(upload: &MediaUpload, info: MediaInfo) -> Result<Prepared> {
    let name = upload.source.describe();
    let kind = kind_of(&info.mime).ok_or_else(|| {
        Error::invalid_input(
            "media",
            format!(
                "{name} is {}; X accepts JPEG, PNG, WebP, BMP, TIFF, GIF, MP4, MOV, WebM and MPEG-TS",
                info.mime.essence_str()
            ),
        )
    })?;
    let category = upload.category.unwrap_or_else(|| default_category(kind));
    if category.kind() != kind {
        return Err(Error::invalid_input(
            "category",
            format!(
                "{} does not fit {name}, which is {}",
                category.as_str(),
                info.mime.essence_str()
            ),
        ));
    }
    if info.len == 0 {
        return Err(Error::invalid_input("media", format!("{name} is empty")));
    }
    let (limit, label) = match kind {
        MediaKind::Image => (MAX_IMAGE_BYTES, "an image"),
        MediaKind::Gif => (MAX_GIF_BYTES, "a GIF"),
        MediaKind::Video => (MAX_UPLOAD_BYTES, "a video"),
    };
    if info.len > limit {
        return Err(Error::invalid_input(
            "media",
            format!(
                "{name} is {} bytes; {label} may be at most {limit} bytes",
                info.len
            ),
        ));
    }
    check_alt_text(upload.alt_text.as_deref(), kind)?;
    for id in &upload.additional_owners {
        crate::validate::check_id("additional_owners", id)?;
    }
    Ok(Prepared { info, category })
}

fn check_alt_text(alt_text: Option<&str>, kind: MediaKind) -> Result<()> {
    let Some(text) = alt_text else {
        return Ok(());
    };
    if kind == MediaKind::Video {
        return Err(Error::invalid_input(
            "alt_text",
            "X takes alt text for images and GIFs only",
        ));
    }
    let length = text.chars().count();
    if length == 0 || length > MAX_ALT_TEXT_CHARS {
        return Err(Error::invalid_input(
            "alt_text",
            format!("{length} characters; alt text needs 1 to {MAX_ALT_TEXT_CHARS}"),
        ));
    }
    Ok(())
}

/// An upload X has received but may still be processing, from
/// [`crate::Client::upload_media_unprocessed`]; keep its id to check later.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PendingMedia {
    /// The processing status after the upload; `status.id` is the media id.
    pub status: MediaStatus,
    /// The media key (`13_<id>` for videos).
    pub media_key: Option<String>,
    /// The kind of media.
    pub kind: MediaKind,
    /// The category it was uploaded under.
    pub category: MediaCategory,
    /// Bytes uploaded.
    pub size: u64,
    /// Alt text to set once processing succeeds.
    pub alt_text: Option<String>,
}

/// Decodes the `data` of an upload response and checks its media id.
pub(crate) fn media_data(response: &social_core::Response) -> Result<MediaData> {
    let data = response.json::<crate::model::Envelope<MediaData>>()?.data;
    crate::validate::check_server_id(response, "media id", &data.id)?;
    Ok(data)
}

/// The `data` of `initialize`, the one-shot upload and `finalize`.
#[derive(Debug, Deserialize)]
pub(crate) struct MediaData {
    #[serde(deserialize_with = "crate::model::id_string")]
    pub(crate) id: String,
    #[serde(default)]
    pub(crate) media_key: Option<String>,
    #[serde(default)]
    pub(crate) processing_info: Option<processing::ProcessingInfo>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(mime: &str, len: u64) -> MediaInfo {
        MediaInfo {
            len,
            mime: mime.parse().expect("mime"),
            file_name: None,
        }
    }

    fn upload() -> MediaUpload {
        MediaUpload::new(MediaSource::bytes(vec![0u8; 4], Some("x.bin")))
    }

    #[test]
    fn category_from_type() {
        let image = prepare(&upload(), info("image/jpeg", 10)).expect("image");
        let gif = prepare(&upload(), info("image/gif", 10)).expect("gif");
        let video = prepare(&upload(), info("video/mp4", 10)).expect("video");

        assert_eq!(image.category, MediaCategory::TweetImage);
        assert_eq!(gif.category, MediaCategory::TweetGif);
        assert_eq!(video.category, MediaCategory::TweetVideo);
    }

    #[test]
    fn limits_checked() {
        let cases = [
            info("image/png", MAX_IMAGE_BYTES + 1),
            info("image/gif", MAX_GIF_BYTES + 1),
            info("video/mp4", MAX_UPLOAD_BYTES + 1),
            info("application/pdf", 10),
            info("video/mp4", 0),
        ];
        for case in cases {
            let result = prepare(&upload(), case.clone());
            assert!(result.is_err(), "{case:?} accepted");
        }
    }

    #[test]
    fn category_must_fit_type() {
        let result = prepare(
            &upload().category(MediaCategory::TweetVideo),
            info("image/png", 10),
        );

        assert!(
            result
                .expect_err("mismatch")
                .to_string()
                .contains("tweet_video")
        );
    }

    #[test]
    fn alt_text_rules() {
        assert!(prepare(&upload().alt_text("a cat"), info("image/jpeg", 10)).is_ok());
        assert!(prepare(&upload().alt_text("a cat"), info("video/mp4", 10)).is_err());
        assert!(prepare(&upload().alt_text("x".repeat(1001)), info("image/jpeg", 10)).is_err());
    }
}
