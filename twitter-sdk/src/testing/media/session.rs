//! One upload session: its declared type, size and category, the segments
//! received, and its processing.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::testing::processing::{ProcessingRun, ProcessingScript};

/// How long a session or an uploaded media stays usable, in seconds.
pub(in crate::testing) const EXPIRES_AFTER_SECS: u64 = 86_400;

/// The `media_type` values X accepts.
pub(in crate::testing) const MEDIA_TYPES: [&str; 15] = [
    "video/mp4",
    "video/webm",
    "video/mp2t",
    "video/quicktime",
    "text/srt",
    "text/vtt",
    "image/jpeg",
    "image/gif",
    "image/bmp",
    "image/png",
    "image/webp",
    "image/pjpeg",
    "image/tiff",
    "model/gltf-binary",
    "model/vnd.usdz+zip",
];

/// The `media_category` values X accepts.
pub(in crate::testing) const CATEGORIES: [&str; 8] = [
    "tweet_image",
    "tweet_gif",
    "tweet_video",
    "amplify_video",
    "dm_image",
    "dm_gif",
    "dm_video",
    "subtitles",
];

// NOTE: X documents 5 MB for images and 15 MB for animated GIFs but not
// whether MB means 10^6 or 2^20 bytes, so the fake takes the larger.
const MAX_IMAGE_BYTES: u64 = 5 * 1024 * 1024;
const MAX_GIF_BYTES: u64 = 15 * 1024 * 1024;

/// The kind of a media, for the attachment rules of a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::testing) enum MediaKind {
    Image,
    Gif,
    Video,
    /// Subtitles and 3D models: uploadable, not attachable to a post.
    Other,
}

/// An upload session and, once finalized, the media it produced.
#[derive(Debug, Clone)]
pub(in crate::testing) struct MediaUpload {
    pub(in crate::testing) id: String,
    pub(in crate::testing) media_type: String,
    pub(in crate::testing) category: Option<String>,
    pub(in crate::testing) total_bytes: u64,
    /// Segment bytes by `segment_index`; a re-sent index replaces the old bytes.
    pub(in crate::testing) segments: BTreeMap<u32, Vec<u8>>,
    pub(in crate::testing) finalized: bool,
    pub(in crate::testing) processing: Option<ProcessingRun>,
    pub(in crate::testing) expires_at: u64,
    /// Set by `FakeX::expire_upload`.
    pub(in crate::testing) expired: bool,
    /// Set by `POST /2/media/metadata`.
    pub(in crate::testing) alt_text: Option<String>,
}

impl MediaUpload {
    pub(in crate::testing) fn new(
        id: String,
        media_type: &str,
        category: Option<&str>,
        total_bytes: u64,
        now: u64,
    ) -> MediaUpload {
        MediaUpload {
            id,
            media_type: media_type.to_owned(),
            category: category.map(str::to_owned),
            total_bytes,
            segments: BTreeMap::new(),
            finalized: false,
            processing: None,
            expires_at: now + EXPIRES_AFTER_SECS,
            expired: false,
            alt_text: None,
        }
    }

    /// Returns the attachment kind from category and type.
    pub(in crate::testing) fn kind(&self) -> MediaKind {
        let category = self.category.as_deref().unwrap_or_default();
        if category.ends_with("_gif") || (category.is_empty() && self.media_type == "image/gif") {
            MediaKind::Gif
        } else if category.ends_with("_video") || self.media_type.starts_with("video/") {
            MediaKind::Video
        } else if self.media_type.starts_with("image/") {
            MediaKind::Image
        } else {
            MediaKind::Other
        }
    }

    /// Videos and GIFs are processed after finalize; images are ready at once.
    fn needs_processing(&self) -> bool {
        matches!(self.kind(), MediaKind::Video | MediaKind::Gif)
    }

    /// Returns whether appends and finalize are still accepted.
    pub(in crate::testing) fn is_expired(&self, now: u64) -> bool {
        self.expired || now >= self.expires_at
    }

    /// Returns the total bytes received over all segments.
    pub(in crate::testing) fn received_bytes(&self) -> u64 {
        self.segments.values().map(|data| data.len() as u64).sum()
    }

    /// Returns whether segments run 0, 1, 2, … without a gap.
    pub(in crate::testing) fn segments_contiguous(&self) -> bool {
        self.segments
            .keys()
            .copied()
            .eq(0..self.segments.len() as u32)
    }

    /// Marks the session finalized and starts processing with `script`.
    pub(in crate::testing) fn finalize(&mut self, script: &ProcessingScript) {
        if self.finalized {
            return;
        }
        self.finalized = true;
        if self.needs_processing() {
            self.processing = Some(ProcessingRun::new(script.clone()));
        }
    }

    /// Returns why the media cannot be attached yet, or `None` when it can.
    pub(in crate::testing) fn not_ready_reason(&self) -> Option<String> {
        if !self.finalized {
            return Some("is not finalized".to_owned());
        }
        match &self.processing {
            Some(run) if !run.succeeded() => Some(format!(
                "has not finished processing (state {})",
                run.state_name()
            )),
            _ => None,
        }
    }

    /// Returns the `data` object of finalize and status responses.
    pub(in crate::testing) fn data(&self) -> Value {
        let mut data = json!({
            "id": self.id,
            "media_key": format!("13_{}", self.id),
            "size": self.received_bytes(),
            "expires_after_secs": EXPIRES_AFTER_SECS,
        });
        if let (Some(run), Value::Object(map)) = (&self.processing, &mut data) {
            map.insert("processing_info".to_owned(), run.info());
        }
        data
    }
}

/// Checks that `category` fits `media_type` and that `total_bytes` is
/// within the category's cap. The error names the field.
pub(in crate::testing) fn check_category(
    media_type: &str,
    category: Option<&str>,
    total_bytes: u64,
) -> Result<(), String> {
    let fits = match category {
        None => true,
        Some("tweet_image" | "dm_image") => media_type.starts_with("image/"),
        Some("tweet_gif" | "dm_gif") => media_type == "image/gif",
        Some("tweet_video" | "amplify_video" | "dm_video") => media_type.starts_with("video/"),
        Some("subtitles") => media_type.starts_with("text/"),
        Some(_) => false,
    };
    if !fits {
        let category = category.unwrap_or_default();
        return Err(format!(
            "`media_category` {category} does not fit `media_type` {media_type}"
        ));
    }
    let cap = match category {
        Some("tweet_gif" | "dm_gif") => Some(MAX_GIF_BYTES),
        Some("tweet_image" | "dm_image") => Some(MAX_IMAGE_BYTES),
        None if media_type.starts_with("image/") => Some(MAX_GIF_BYTES),
        _ => None,
    };
    match cap {
        Some(cap) if total_bytes > cap => Err(format!(
            "`total_bytes` {total_bytes} is over the {cap}-byte limit of this media category"
        )),
        _ => Ok(()),
    }
}
