//! Video sources: a local file or bytes (`FILE_UPLOAD`), or a URL TikTok
//! downloads itself (`PULL_FROM_URL`), checked before any request.

use serde_json::json;
use social_core::upload::FileIdentity;
use social_core::{ChunkPlan, Error, MediaSource, Result};
use url::Url;

use crate::chunk::{plan_chunks, validate_plan};

/// The largest video TikTok takes, in bytes.
// NOTE: TikTok gives the limit as "4 GB" without saying decimal or binary,
// so the smaller, decimal reading is enforced and no upload fails at TikTok.
pub const MAX_VIDEO_SIZE: u64 = 4_000_000_000;

/// The container types TikTok takes: MP4 (recommended), MOV and WebM.
pub const VIDEO_TYPES: [&str; 3] = ["video/mp4", "video/quicktime", "video/webm"];

/// A video checked and ready for an init call.
#[derive(Debug, Clone)]
pub(crate) enum PreparedVideo {
    /// Bytes the SDK sends in chunks.
    Upload(LocalVideo),
    /// A URL TikTok downloads.
    Pull(Url),
}

/// The facts about a local video that its upload needs.
#[derive(Debug, Clone)]
pub(crate) struct LocalVideo {
    pub(crate) plan: ChunkPlan,
    pub(crate) content_type: String,
    pub(crate) identity: Option<FileIdentity>,
}

impl PreparedVideo {
    /// Checks `source` and plans its chunks from `preferred_chunk_size`.
    pub(crate) async fn prepare(
        source: &MediaSource,
        preferred_chunk_size: u64,
    ) -> Result<PreparedVideo> {
        match source {
            MediaSource::Url(url) => Ok(PreparedVideo::Pull(check_pull_url(url)?)),
            MediaSource::File(path) => {
                check_file(path).await?;
                let identity = FileIdentity::read(path).await?;
                let local = prepare_local(source, preferred_chunk_size).await?;
                Ok(PreparedVideo::Upload(LocalVideo {
                    identity: Some(identity),
                    ..local
                }))
            }
            MediaSource::Bytes { .. } => Ok(PreparedVideo::Upload(
                prepare_local(source, preferred_chunk_size).await?,
            )),
        }
    }

    /// Returns the `source_info` object of the init body.
    pub(crate) fn source_info(&self) -> serde_json::Value {
        match self {
            PreparedVideo::Upload(local) => json!({
                "source": "FILE_UPLOAD",
                "video_size": local.plan.total(),
                "chunk_size": local.plan.chunk_size(),
                "total_chunk_count": local.plan.count(),
            }),
            PreparedVideo::Pull(url) => json!({
                "source": "PULL_FROM_URL",
                "video_url": url.as_str(),
            }),
        }
    }
}

async fn prepare_local(source: &MediaSource, preferred_chunk_size: u64) -> Result<LocalVideo> {
    let info = source.probe().await?;
    if info.len == 0 {
        // Checked before the type: an empty file has no signature to detect.
        plan_chunks(0, preferred_chunk_size)?;
    }
    let content_type = info.mime.essence_str().to_owned();
    if !VIDEO_TYPES.contains(&content_type.as_str()) {
        return Err(Error::invalid_input(
            "video",
            format!(
                "{} is {content_type}; TikTok takes MP4, MOV (QuickTime) or WebM video",
                source.describe()
            ),
        ));
    }
    if info.len > MAX_VIDEO_SIZE {
        return Err(Error::invalid_input(
            "video",
            format!(
                "{} has {} bytes; TikTok takes at most {MAX_VIDEO_SIZE}",
                source.describe(),
                info.len
            ),
        ));
    }
    let plan = plan_chunks(info.len, preferred_chunk_size)?;
    validate_plan(&plan)?;
    Ok(LocalVideo {
        plan,
        content_type,
        identity: None,
    })
}

async fn check_file(path: &std::path::Path) -> Result<()> {
    match tokio::fs::metadata(path).await {
        Ok(metadata) if metadata.is_file() => Ok(()),
        Ok(_) => Err(Error::invalid_input(
            "video",
            format!(
                "{} is not a regular file; give the path of a video file",
                path.display()
            ),
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Error::invalid_input(
            "video",
            format!("no file at {}; check the path", path.display()),
        )),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// Accepts only `https` URLs: TikTok downloads nothing else.
pub(crate) fn check_pull_url(url: &Url) -> Result<Url> {
    if url.scheme() == "https" && url.host().is_some() {
        return Ok(url.clone());
    }
    let mut without_query = url.clone();
    without_query.set_query(None);
    Err(Error::invalid_input(
        "video_url",
        format!("{without_query} is not an https URL; TikTok downloads media only over https"),
    ))
}
