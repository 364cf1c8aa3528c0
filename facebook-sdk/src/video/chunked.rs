//! The chunked `upload_phase` flow on `POST /{page-id}/videos` (video host):
//! `start` opens a session, `transfer` sends the byte ranges the server
//! names, `finish` publishes.

use serde::{Deserialize, Serialize};
use social_core::multipart::Multipart;
use social_core::upload::{FileIdentity, report_progress};
use social_core::{
    Error, MediaSource, Platform, ProgressCallback, RequestSpec, Result, UnexpectedBody,
    UnexpectedResponse,
};

use super::{
    VideoDetails, VideoPublished, VideoUpload, ensure_same_file, file_identity, probe_video,
};
use crate::client::Client;
use crate::graph::{GraphErrorDetails, GraphRequest, Host, ids};
use crate::model::expect_success;

/// Video types the chunked flow takes.
const VIDEO_TYPES: [&str; 2] = ["video/mp4", "video/quicktime"];

/// Times a chunk is sent again from the server's offset after error
/// 6001/1363037, per session.
pub const MAX_CHUNK_RESENDS: u32 = 5;

/// Times a timed-out session (subcode 1363030) is replaced by a new one.
pub const MAX_SESSION_RESTARTS: u32 = 1;

/// Successful responses in a row that do not pass the furthest offset
/// confirmed so far before the upload is abandoned.
const MAX_STALLED_RESPONSES: u32 = 3;

/// An open upload session, serializable so an upload can resume after the
/// process restarts. Resuming checks that the file is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VideoSession {
    /// The id the video will have.
    pub video_id: String,
    /// The session id sent with every transfer.
    pub upload_session_id: String,
    /// The file's identity when the source is a file.
    pub file: Option<FileIdentity>,
    /// The size declared at start.
    pub file_size: u64,
    /// The first byte of the next range the server asked for.
    pub start_offset: u64,
    /// The end of that range (exclusive).
    pub end_offset: u64,
}

impl VideoSession {
    /// Tells whether the server has every byte.
    pub fn is_transferred(&self) -> bool {
        self.start_offset == self.end_offset
    }
}

#[derive(Deserialize)]
struct StartBody {
    #[serde(deserialize_with = "ids::string")]
    video_id: String,
    #[serde(deserialize_with = "ids::string")]
    upload_session_id: String,
    #[serde(deserialize_with = "ids::u64_from_any")]
    start_offset: u64,
    #[serde(deserialize_with = "ids::u64_from_any")]
    end_offset: u64,
}

#[derive(Deserialize)]
struct TransferBody {
    #[serde(deserialize_with = "ids::u64_from_any")]
    start_offset: u64,
    #[serde(deserialize_with = "ids::u64_from_any")]
    end_offset: u64,
}

impl Client {
    /// Uploads a video with the chunked flow and publishes it, then waits
    /// for processing unless [`VideoUpload::skip_processing_wait`] was set.
    ///
    /// A dropped connection or a 5xx on a chunk resends that chunk. Error
    /// 6001/1363037 resends from the server's `error_data.start_offset`, at
    /// most 5 times. A timed-out session (1363030) is replaced by a new one
    /// once, and a size mismatch (1363045) is returned.
    pub async fn upload_video(&self, upload: &VideoUpload) -> Result<VideoPublished> {
        upload.details.fields(self.timer().now())?;
        let mut restarts = 0;
        let session = loop {
            let mut session = self.start_video_session(&upload.source).await?;
            match self
                .transfer_video(&mut session, &upload.source, upload.progress.as_ref())
                .await
            {
                Ok(()) => break session,
                Err(error) if has_subcode(&error, 1_363_030) && restarts < MAX_SESSION_RESTARTS => {
                    restarts += 1;
                    tracing::warn!(video_id = %session.video_id, error = %error, "upload session timed out, starting a new one");
                }
                Err(error) => return Err(error),
            }
        };
        self.finish_video_session(&session, &upload.details).await?;
        let status = match upload.wait_until_ready {
            true => Some(self.wait_for_video(&session.video_id).await?),
            false => None,
        };
        Ok(VideoPublished {
            video_id: session.video_id,
            post_id: None,
            status,
        })
    }

    /// Opens an upload session for `source` (`upload_phase=start`).
    pub async fn start_video_session(&self, source: &MediaSource) -> Result<VideoSession> {
        let info = probe_video(source, &VIDEO_TYPES).await?;
        let file = file_identity(source, &info).await?;
        let token = self.page_token().await?;
        let path = format!("{}/videos", self.page_id());
        // Opening a session publishes nothing, so it may be repeated.
        let request = GraphRequest::post(RequestSpec::idempotent("start_video_upload"), path)
            .on(Host::Video)
            .form("upload_phase", "start")
            .form("file_size", info.len.to_string())
            .token(&token);
        let response = self.graph().send(&request).await?;
        let body: StartBody = response.json()?;
        let session = VideoSession {
            video_id: body.video_id,
            upload_session_id: body.upload_session_id,
            file,
            file_size: info.len,
            start_offset: body.start_offset,
            end_offset: body.end_offset,
        };
        check_range(&session)?;
        Ok(session)
    }

    /// Sends the ranges the server requests until it has the whole file.
    /// `session` is updated after every confirmed chunk, so it can be saved
    /// and passed again after an interruption.
    pub async fn transfer_video(
        &self,
        session: &mut VideoSession,
        source: &MediaSource,
        progress: Option<&ProgressCallback>,
    ) -> Result<()> {
        check_same_file(session, source).await?;
        let token = self.page_token().await?;
        let mut resends = 0;
        let mut progress_guard = ProgressGuard::new(session.start_offset);
        report_progress(progress, session.start_offset, session.file_size);
        while !session.is_transferred() {
            // A file rewritten mid-upload would mix bytes of two versions.
            check_same_file(session, source).await?;
            let (sent_from, sent_end) = (session.start_offset, session.end_offset);
            match self.send_chunk(session, source, &token).await {
                Ok(next) => {
                    if next.start_offset > sent_end {
                        return Err(range_error(format!(
                            "the server confirmed bytes up to {} after receiving bytes \
                             {sent_from}..{sent_end}; it cannot have bytes that were never sent",
                            next.start_offset
                        )));
                    }
                    session.start_offset = next.start_offset;
                    session.end_offset = next.end_offset;
                    check_range(session)?;
                    progress_guard.record(session.start_offset)?;
                }
                Err(error) if has_subcode(&error, 1_363_037) && resends < MAX_CHUNK_RESENDS => {
                    resends += 1;
                    resume_from_error_data(session, &error, sent_end)?;
                    check_range(session)?;
                    tracing::warn!(video_id = %session.video_id, offset = session.start_offset, error = %error, "chunk failed, resending from the server's offset");
                }
                Err(error) => return Err(error),
            }
            report_progress(progress, session.start_offset, session.file_size);
        }
        if session.start_offset != session.file_size {
            return Err(range_error(format!(
                "the server ended the transfer at byte {} of {}",
                session.start_offset, session.file_size
            )));
        }
        // The last chunk may have been read while the file was rewritten.
        check_same_file(session, source).await
    }

    /// Publishes the uploaded video (`upload_phase=finish`) with `details`.
    pub async fn finish_video_session(
        &self,
        session: &VideoSession,
        details: &VideoDetails,
    ) -> Result<()> {
        let fields = details.fields(self.timer().now())?;
        let token = self.page_token().await?;
        let path = format!("{}/videos", self.page_id());
        let mut request = GraphRequest::post(RequestSpec::creating("finish_video_upload"), path)
            .on(Host::Video)
            .form("upload_phase", "finish")
            .form("upload_session_id", session.upload_session_id.as_str())
            .token(&token);
        for (name, value) in fields {
            request = request.form(name, value);
        }
        expect_success(&self.graph().send(&request).await?)
    }

    async fn send_chunk(
        &self,
        session: &VideoSession,
        source: &MediaSource,
        token: &social_core::Secret,
    ) -> Result<TransferBody> {
        let len = session.end_offset - session.start_offset;
        let form = Multipart::new()
            .text("upload_phase", "transfer")
            .text("upload_session_id", session.upload_session_id.as_str())
            .text("start_offset", session.start_offset.to_string())
            .media(
                "video_file_chunk",
                "chunk",
                &mime::APPLICATION_OCTET_STREAM,
                source,
                session.start_offset,
                len,
            )?;
        let path = format!("{}/videos", self.page_id());
        let spec = RequestSpec::idempotent("transfer_video_chunk").upload_chunk();
        let request = GraphRequest::post(spec, path)
            .on(Host::Video)
            .multipart(form)
            .token(token);
        self.graph().send_json(&request).await
    }
}

fn has_subcode(error: &Error, subcode: i64) -> bool {
    let expected = subcode.to_string();
    error.as_api().and_then(|api| api.subcode()) == Some(expected.as_str())
}

/// Moves the session to the range named in the error's `error_data`.
/// `sent_end` is the end of the chunk that failed: the server cannot ask to
/// resume past it, because it never received those bytes.
fn resume_from_error_data(session: &mut VideoSession, error: &Error, sent_end: u64) -> Result<()> {
    let details = error.as_api().and_then(GraphErrorDetails::from_api);
    let start = details
        .as_ref()
        .and_then(|d| d.error_data_u64("start_offset"));
    let end = details
        .as_ref()
        .and_then(|d| d.error_data_u64("end_offset"));
    let Some(start) = start else {
        return Err(range_error(
            "error 1363037 came without error_data.start_offset".to_owned(),
        ));
    };
    if start > sent_end {
        return Err(range_error(format!(
            "error 1363037 requested a resume from byte {start}, past the end of the chunk \
             sent ({sent_end})"
        )));
    }
    // Without an end, resend as many bytes as the failed chunk held.
    let len = session
        .end_offset
        .saturating_sub(session.start_offset)
        .max(1);
    session.start_offset = start;
    session.end_offset = end.unwrap_or_else(|| start.saturating_add(len).min(session.file_size));
    Ok(())
}

fn check_range(session: &VideoSession) -> Result<()> {
    if session.start_offset > session.end_offset || session.end_offset > session.file_size {
        return Err(range_error(format!(
            "the server asked for bytes {}..{} of a {}-byte file",
            session.start_offset, session.end_offset, session.file_size
        )));
    }
    Ok(())
}

/// Builds the error for a response whose offsets cannot be right.
fn range_error(detail: String) -> Error {
    UnexpectedResponse::new(
        Platform::Facebook,
        UnexpectedBody::MissingField,
        None,
        detail,
    )
    .into()
}

async fn check_same_file(session: &VideoSession, source: &MediaSource) -> Result<()> {
    let (Some(saved), MediaSource::File(path)) = (&session.file, source) else {
        return Ok(());
    };
    if *path != saved.path {
        return Err(Error::invalid_input(
            "video",
            format!(
                "{} is not the file this upload session started with ({}); start a new session",
                path.display(),
                saved.path.display()
            ),
        ));
    }
    ensure_same_file(saved).await
}

/// The furthest offset the server confirmed, and how many responses in a
/// row failed to pass it. Offsets that swing back and forth never pass it,
/// so they cannot keep the transfer loop going.
struct ProgressGuard {
    furthest: u64,
    stalled: u32,
}

impl ProgressGuard {
    fn new(start: u64) -> ProgressGuard {
        ProgressGuard {
            furthest: start,
            stalled: 0,
        }
    }

    /// Records a confirmed offset; fails after too many responses without progress.
    fn record(&mut self, offset: u64) -> Result<()> {
        if offset > self.furthest {
            self.furthest = offset;
            self.stalled = 0;
            return Ok(());
        }
        self.stalled += 1;
        if self.stalled >= MAX_STALLED_RESPONSES {
            return Err(range_error(format!(
                "the server responded {} times in a row without passing offset {}",
                self.stalled, self.furthest
            )));
        }
        Ok(())
    }
}
