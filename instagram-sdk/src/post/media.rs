//! Images and videos: where they come from and the checks on them.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};
use social_core::upload::FileIdentity;
use social_core::{Error, MediaInfo, MediaSource, Result};
use url::Url;

use crate::validate;

/// The largest Reel or carousel video accepted from disk: 300 MB.
// NOTE: the current reference gives 300 MB and an older copy gave 1 GB; Meta
// gives no separate limit for carousel videos, so the Reel limit is used.
pub const MAX_REEL_BYTES: u64 = 300 * 1000 * 1000;
/// The largest story video accepted from disk: 100 MB.
pub const MAX_STORY_VIDEO_BYTES: u64 = 100 * 1000 * 1000;

/// Video types Instagram accepts.
const VIDEO_TYPES: [&str; 2] = ["video/mp4", "video/quicktime"];

/// A JPEG image at a public URL, which Instagram downloads itself.
///
/// Instagram has no image upload: images are always fetched from a URL.
/// With [`Image::hosted_file`], the local copy of the file served at that URL
/// is checked before any request (JPEG, at most 8 MiB, aspect ratio).
#[derive(Debug, Clone)]
pub struct Image {
    url: Url,
    local: Option<PathBuf>,
}

impl Image {
    /// Creates an image at `url` (`https`, or `http` only on loopback hosts for fakes).
    // NOTE: the file behind a URL cannot be checked here, so its type, size
    // and aspect ratio are left to Instagram (errors 36000, 36001, 36003).
    // Use `hosted_file` when a local copy exists.
    pub fn url(url: &str) -> Result<Image> {
        Ok(Image {
            url: validate::media_url("image_url", url)?,
            local: None,
        })
    }

    /// Creates an image served at `url` whose local copy is `path`. The file
    /// is checked before publishing, and Instagram downloads the URL.
    pub fn hosted_file(path: impl Into<PathBuf>, url: &str) -> Result<Image> {
        Ok(Image {
            url: validate::media_url("image_url", url)?,
            local: Some(path.into()),
        })
    }

    /// Returns the URL Instagram downloads.
    pub fn download_url(&self) -> &Url {
        &self.url
    }

    /// Checks the local copy, when there is one; feed images (`feed`) must
    /// also lie between 4:5 and 1.91:1.
    pub(crate) async fn check(&self, field: &str, feed: bool) -> Result<()> {
        if let Some(path) = &self.local {
            validate::jpeg_file(field, path, feed).await?;
        }
        Ok(())
    }
}

/// A video, at a public URL or uploaded from disk through Instagram's
/// resumable upload.
#[derive(Debug, Clone)]
pub struct Video {
    source: VideoSource,
}

#[derive(Debug, Clone)]
enum VideoSource {
    Url(Url),
    Upload(MediaSource),
}

impl Video {
    /// Creates a video at `url` that Instagram downloads (`video_url`).
    pub fn url(url: &str) -> Result<Video> {
        Ok(Video {
            source: VideoSource::Url(validate::media_url("video_url", url)?),
        })
    }

    /// Creates a video from a file (MP4 or MOV), uploaded with `upload_type=resumable`.
    pub fn file(path: impl Into<PathBuf>) -> Video {
        Video {
            source: VideoSource::Upload(MediaSource::File(path.into())),
        }
    }

    /// Creates a video from bytes in memory, uploaded like a file.
    pub fn bytes(data: impl Into<bytes::Bytes>, file_name: &str) -> Video {
        Video {
            source: VideoSource::Upload(MediaSource::bytes(data, Some(file_name))),
        }
    }

    /// Checks the video and writes `video_url` or `upload_type=resumable`
    /// into `fields`; returns the upload to run for a local video.
    pub(crate) async fn write(
        &self,
        field: &str,
        usage: VideoUse,
        fields: &mut Map<String, Value>,
    ) -> Result<Option<Upload>> {
        match &self.source {
            VideoSource::Url(url) => {
                fields.insert("video_url".into(), json!(url.as_str()));
                Ok(None)
            }
            VideoSource::Upload(source) => {
                let info = probe(field, source, usage).await?;
                let identity = file_identity(field, source, &info).await?;
                fields.insert("upload_type".into(), json!("resumable"));
                Ok(Some(Upload {
                    source: source.clone(),
                    len: info.len,
                    field: field.to_owned(),
                    identity,
                }))
            }
        }
    }
}

/// The kind of post a video is for, which sets its size limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VideoUse {
    Reel,
    Story,
    CarouselItem,
}

/// A local video to send to the container's upload URL.
#[derive(Debug, Clone)]
pub(crate) struct Upload {
    pub(crate) source: MediaSource,
    pub(crate) len: u64,
    /// The input field named in errors, such as `video` or `items[1]`.
    pub(crate) field: String,
    /// The file's identity when probed, for sources on disk.
    pub(crate) identity: Option<FileIdentity>,
}

impl Upload {
    /// Checks that a file source still has the identity it had when probed,
    /// so an upload never mixes bytes of two versions of the file.
    pub(crate) async fn ensure_unchanged(&self) -> Result<()> {
        let Some(saved) = &self.identity else {
            return Ok(());
        };
        let current = FileIdentity::read(&saved.path).await?;
        if current != *saved {
            return Err(Error::invalid_input(
                &self.field,
                format!(
                    "{} changed during the upload (size or modification time); upload it again",
                    saved.path.display()
                ),
            ));
        }
        Ok(())
    }
}

/// Reads the identity of a file source right after its probe. A size that
/// differs from the probe's means the file is being rewritten.
async fn file_identity(
    field: &str,
    source: &MediaSource,
    info: &MediaInfo,
) -> Result<Option<FileIdentity>> {
    let MediaSource::File(path) = source else {
        return Ok(None);
    };
    let identity = FileIdentity::read(path).await?;
    if identity.len != info.len {
        return Err(Error::invalid_input(
            field,
            format!(
                "{} changed while it was being read ({} bytes, then {}); upload it again",
                path.display(),
                info.len,
                identity.len
            ),
        ));
    }
    Ok(Some(identity))
}

async fn probe(field: &str, source: &MediaSource, usage: VideoUse) -> Result<MediaInfo> {
    let info = source.probe().await.map_err(|error| match error {
        Error::InvalidInput(inner) => Error::invalid_input(field, inner.reason()),
        other => other,
    })?;
    let name = describe(source);
    if !VIDEO_TYPES.contains(&info.mime.essence_str()) {
        return Err(Error::invalid_input(
            field,
            format!(
                "{name} is {}; Instagram accepts MP4 or MOV video, so convert it first",
                info.mime.essence_str()
            ),
        ));
    }
    if info.len == 0 {
        return Err(Error::invalid_input(field, format!("{name} is empty")));
    }
    let max = match usage {
        VideoUse::Story => MAX_STORY_VIDEO_BYTES,
        VideoUse::Reel | VideoUse::CarouselItem => MAX_REEL_BYTES,
    };
    if info.len > max {
        return Err(Error::invalid_input(
            field,
            format!(
                "{name} has {} bytes; Instagram accepts at most {max} here",
                info.len
            ),
        ));
    }
    // NOTE: duration (3 s to 15 min for Reels, 3 to 60 s for stories), frame
    // rate and codec are not read from the file; Instagram reports them as a
    // container ERROR.
    Ok(info)
}

fn describe(source: &MediaSource) -> String {
    match source {
        MediaSource::File(path) => Path::new(path).display().to_string(),
        other => other.describe(),
    }
}
