//! `FILE_UPLOAD` transfer: one `PUT` per chunk to the `upload_url` an init
//! call returned, in order, resumable from the bytes TikTok has received.
//!
//! TikTok responds to each chunk with 206 (more expected) or 201 (all
//! received), and every response carries `Content-Range: bytes
//! 0-{LAST}/{TOTAL}` with the bytes it has received. A 416 means the sent
//! range does not follow those bytes, so the transfer continues from there.
//! A 5xx or a dropped connection sends the same chunk again, with backoff.
//! A 403 or 404 means the URL expired (after 1 hour) or lost its task. Only
//! a new init can continue, and a new init is a new post, so the SDK returns
//! an error instead of doing it silently.

use std::time::Duration;

use http::StatusCode;
use social_core::upload::{FileIdentity, slice_body};
use social_core::{
    ApiError, Chunk, ChunkPlan, Error, ErrorKind, MediaSource, Platform, ProgressCallback,
    RequestSpec, Response, Result, UnexpectedBody, UnexpectedResponse,
};
use url::Url;

use crate::client::Client;

mod session;

pub use session::UploadSession;
use session::check_upload_url;

/// How long an `upload_url` stays valid after TikTok issues it.
pub const UPLOAD_URL_LIFETIME: Duration = Duration::from_secs(60 * 60);

/// The [`ApiError::code`] of the error for an expired or unknown
/// `upload_url`. TikTok's upload host returns 403 or 404 without a code, so
/// this label is the SDK's own.
pub const UPLOAD_URL_EXPIRED: &str = "upload_url_expired";

/// Responses that keep the upload at or below the maximum TikTok has
/// confirmed (or move it back) before it gives up. Responses that regain lost bytes
/// are not counted.
const MAX_STALLED_RESPONSES: u32 = 3;

/// TikTok's response to one chunk.
enum ChunkOutcome {
    /// 201: every byte is there.
    Complete,
    /// 206 or 416: TikTok has received this many bytes from the start.
    Received(u64),
}

impl Client {
    /// Sends the chunks TikTok has not received yet, in order, and returns
    /// once it has received the whole video.
    ///
    /// `source` must be the video the session was created for, and a file
    /// that changed since (size or modification time), before or between
    /// chunks, is rejected. `progress` is called after each chunk TikTok
    /// confirms. On a 403 or 404 the error has [`ErrorKind::NotFound`] and
    /// code [`UPLOAD_URL_EXPIRED`]: the URL is gone and only a new post can
    /// carry the video.
    pub async fn upload(
        &self,
        session: &mut UploadSession,
        source: &MediaSource,
        progress: Option<&ProgressCallback>,
    ) -> Result<()> {
        let plan = session.chunk_plan()?;
        let url = check_upload_url(&session.upload_url, StatusCode::OK)?;
        check_source(session, source).await?;
        if self.timer().now() >= session.expires_at() {
            return Err(upload_url_expired(session, None, None));
        }

        let mut stalled = 0;
        // Only bytes past the maximum TikTok has confirmed count as progress,
        // so responses that move back and forth cannot keep the upload going
        // forever.
        let mut max_received = session.uploaded;
        while !session.is_complete() {
            let chunk = chunk_at(&plan, session.uploaded)?;
            let before = session.uploaded;
            // A file rewritten mid-upload would mix bytes of two versions.
            check_unchanged(session, source).await?;
            match self.put_chunk(session, &url, source, chunk).await? {
                ChunkOutcome::Complete => session.uploaded = session.video_size,
                ChunkOutcome::Received(bytes) => session.uploaded = bytes,
            }
            if let Some(progress) = progress {
                progress.report(session.uploaded, session.video_size);
            }
            if session.uploaded > max_received {
                max_received = session.uploaded;
                stalled = 0;
            } else if session.uploaded <= before {
                stalled += 1;
            }
            if stalled >= MAX_STALLED_RESPONSES {
                return Err(stalled_error(session));
            }
        }
        tracing::debug!(
            publish_id = %session.publish_id,
            bytes = session.video_size,
            "upload complete"
        );
        Ok(())
    }

    async fn put_chunk(
        &self,
        session: &UploadSession,
        url: &Url,
        source: &MediaSource,
        chunk: Chunk,
    ) -> Result<ChunkOutcome> {
        let spec = RequestSpec::idempotent("upload_chunk")
            .upload_chunk()
            .accept_status(StatusCode::RANGE_NOT_SATISFIABLE);
        let total = session.video_size;
        tracing::debug!(
            publish_id = %session.publish_id,
            chunk = chunk.index,
            start = chunk.start,
            len = chunk.len,
            "sending chunk"
        );
        let result = self
            .upload_http()
            .execute(&spec, |client| {
                let body = slice_body(source, chunk.start, chunk.len)?;
                Ok(client
                    .put(url.clone())
                    .header(http::header::CONTENT_TYPE, session.content_type.as_str())
                    .header(http::header::CONTENT_LENGTH, chunk.len)
                    .header(http::header::CONTENT_RANGE, chunk.content_range(total))
                    .body(body))
            })
            .await;
        match result {
            Ok(response) => read_chunk_response(&response, chunk, total),
            Err(error) => match error.status() {
                Some(status @ (StatusCode::FORBIDDEN | StatusCode::NOT_FOUND)) => {
                    let request_id = error.request_id().map(str::to_owned);
                    Err(upload_url_expired(session, Some(status), request_id))
                }
                _ => Err(error),
            },
        }
    }
}

fn read_chunk_response(response: &Response, chunk: Chunk, total: u64) -> Result<ChunkOutcome> {
    match response.status() {
        StatusCode::CREATED => Ok(ChunkOutcome::Complete),
        StatusCode::PARTIAL_CONTENT => match received_bytes(response, total)? {
            Some(bytes) => Ok(ChunkOutcome::Received(bytes)),
            None => Ok(ChunkOutcome::Received(chunk.end())),
        },
        StatusCode::RANGE_NOT_SATISFIABLE => match received_bytes(response, total)? {
            Some(bytes) => {
                tracing::debug!(
                    received = bytes,
                    sent_from = chunk.start,
                    "range mismatch, continuing from TikTok's count"
                );
                Ok(ChunkOutcome::Received(bytes))
            }
            None => Err(response
                .unexpected(
                    UnexpectedBody::UnexpectedStatus,
                    "416 without a Content-Range header, so the bytes TikTok has received \
                     are unknown",
                )
                .into()),
        },
        other => Err(response
            .unexpected(
                UnexpectedBody::UnexpectedStatus,
                format!(
                    "HTTP {} for a chunk upload, expected 206, 201 or 416",
                    other.as_u16()
                ),
            )
            .into()),
    }
}

/// Reads `Content-Range: bytes 0-{LAST}/{TOTAL}` (or `bytes */{TOTAL}` for
/// nothing received) as the number of bytes TikTok has received.
fn received_bytes(response: &Response, total: u64) -> Result<Option<u64>> {
    let Some(value) = response.header("content-range") else {
        return Ok(None);
    };
    let bad = |why: &str| -> Error {
        response
            .unexpected(
                UnexpectedBody::UnexpectedStatus,
                format!("Content-Range `{value}` {why}"),
            )
            .into()
    };
    let (range, size) =
        parse_content_range(value).ok_or_else(|| bad("is not `bytes 0-LAST/TOTAL`"))?;
    if size != total {
        return Err(bad(&format!(
            "names a total other than the video's {total} bytes"
        )));
    }
    // NOTE: TikTok's guide writes `bytes 0-{UPLOADED_BYTES}/{TOTAL}`, read
    // here as HTTP's inclusive last-byte index. Were it a byte count, the
    // offset would miss a chunk boundary, and chunk_at stops the upload with
    // an error instead of skipping or repeating a byte.
    match range {
        None => Ok(Some(0)),
        Some(last) if last < total => Ok(Some(last + 1)),
        Some(_) => Err(bad("ends past the video")),
    }
}

/// Parses `bytes 0-LAST/TOTAL` into `(Some(LAST), TOTAL)` and `bytes */TOTAL`
/// into `(None, TOTAL)`.
pub(crate) fn parse_content_range(value: &str) -> Option<(Option<u64>, u64)> {
    let rest = value.trim().strip_prefix("bytes")?.trim_start();
    let (range, total) = rest.split_once('/')?;
    let total = total.trim().parse().ok()?;
    if range.trim() == "*" {
        return Some((None, total));
    }
    let (first, last) = range.split_once('-')?;
    if first.trim() != "0" {
        return None;
    }
    Some((Some(last.trim().parse().ok()?), total))
}

fn chunk_at(plan: &ChunkPlan, offset: u64) -> Result<Chunk> {
    match plan.chunk_containing(offset) {
        Some(chunk) if chunk.start == offset => Ok(chunk),
        _ => Err(UnexpectedResponse::new(
            Platform::TikTok,
            UnexpectedBody::UnexpectedStatus,
            None,
            format!(
                "TikTok reports {offset} of {} bytes received, which is not where a chunk of \
                 the plan starts",
                plan.total()
            ),
        )
        .into()),
    }
}

/// Checks that the file behind `source` still has the identity recorded at
/// init. Sources in memory cannot change.
async fn check_unchanged(session: &UploadSession, source: &MediaSource) -> Result<()> {
    let (Some(expected), MediaSource::File(path)) = (&session.file, source) else {
        return Ok(());
    };
    let current = FileIdentity::read(path).await?;
    if current == *expected {
        return Ok(());
    }
    Err(Error::invalid_input(
        "video",
        format!(
            "{} changed during the upload (size or modification time); TikTok has part of the \
             old version, so start a new post with the new file",
            path.display()
        ),
    ))
}

async fn check_source(session: &UploadSession, source: &MediaSource) -> Result<()> {
    let info = source.probe().await?;
    if info.len != session.video_size {
        return Err(Error::invalid_input(
            "video",
            format!(
                "{} has {} bytes, but the upload session is for {} bytes; pass the same video",
                source.describe(),
                info.len,
                session.video_size
            ),
        ));
    }
    if let (Some(expected), MediaSource::File(path)) = (&session.file, source) {
        let current = FileIdentity::read(path).await?;
        if current != *expected {
            return Err(Error::invalid_input(
                "video",
                format!(
                    "{} changed since the upload started (path, size or modification time); \
                     start a new post with the new file",
                    path.display()
                ),
            ));
        }
    }
    Ok(())
}

fn upload_url_expired(
    session: &UploadSession,
    status: Option<StatusCode>,
    request_id: Option<String>,
) -> Error {
    let cause = status.map_or_else(
        || "is older than 1 hour".to_owned(),
        |s| format!("returned HTTP {}", s.as_u16()),
    );
    let message = format!(
        "the upload URL of {} {cause}: it expired (TikTok keeps it for 1 hour after init) or has \
         no upload task any more. Only a new init can take the video, and a new init creates a \
         new post, so the SDK does not start one by itself",
        session.publish_id
    );
    let mut error = ApiError::new(Platform::TikTok, ErrorKind::NotFound, message)
        .with_code(UPLOAD_URL_EXPIRED)
        .with_request_id(request_id);
    if let Some(status) = status {
        error = error.with_status(status);
    }
    error.into()
}

fn stalled_error(session: &UploadSession) -> Error {
    UnexpectedResponse::new(
        Platform::TikTok,
        UnexpectedBody::UnexpectedStatus,
        None,
        format!(
            "TikTok's upload host stayed at {} of {} bytes: {MAX_STALLED_RESPONSES} responses \
             moved the upload no further or back",
            session.uploaded, session.video_size
        ),
    )
    .into()
}

#[cfg(test)]
mod tests;
