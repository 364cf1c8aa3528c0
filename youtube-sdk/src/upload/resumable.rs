//! The upload loop: chunks, status queries, and recovery after failures.

use std::fmt;
use std::sync::Arc;

use social_core::error::TransportError;
use social_core::http::StatusCode;
use social_core::upload::{report_progress, slice_body};
use social_core::{
    Delivery, Error, ErrorKind, Idempotency, MediaSource, Platform, ProgressCallback, RequestSpec,
    Response, Result, RetryDecision, RetryPolicy, Secret, UnexpectedBody,
};

use super::session::{self, SessionUri, UploadSession};
use super::{SessionCallback, UploadStats, UploadedVideo, check_identity, create_session};
use crate::client::{Client, bearer};
use crate::model::Video;

/// The upload server's state of the session.
enum Answer {
    Done(Box<Video>),
    Incomplete {
        offset: u64,
        location: Option<SessionUri>,
    },
}

/// Failures since the server last confirmed new bytes.
#[derive(Debug, Default)]
struct Stall {
    failures: u32,
    waited: std::time::Duration,
    refreshed: bool,
}

/// An upload with a live session; from [`VideoInsert::begin`](super::VideoInsert::begin) or
/// [`Client::resume_upload`].
///
/// When [`finish`](Self::finish) fails, the session stays here: save it
/// with [`session`](Self::session) and resume later, or call `finish`
/// again.
pub struct ResumableUpload {
    client: Client,
    session: UploadSession,
    pub(super) progress: Option<ProgressCallback>,
    pub(super) on_session: Option<SessionCallback>,
    stats: UploadStats,
    needs_query: bool,
    restarts: u32,
    /// The highest offset the server has confirmed in this session. Only
    /// an offset past it counts as progress, so a server whose responses
    /// move back and forth cannot keep the upload going forever.
    confirmed_max: u64,
    /// Whether the request in flight carries the file's last byte.
    sending_last_chunk: bool,
    /// Whether a last chunk failed after it may have reached YouTube. Until
    /// a 308 shows the upload incomplete, the video may exist, so an
    /// expired session is not replaced: a new session would upload the
    /// video a second time.
    last_chunk_unknown: bool,
}

impl fmt::Debug for ResumableUpload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResumableUpload")
            .field("session", &self.session)
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

impl ResumableUpload {
    /// Wraps a live session; `needs_query` makes the first request a
    /// status query (after a resume).
    pub(super) fn new(
        client: Client,
        session: UploadSession,
        stats: UploadStats,
        needs_query: bool,
    ) -> Self {
        let confirmed_max = session.offset;
        ResumableUpload {
            client,
            session,
            progress: None,
            on_session: None,
            stats,
            needs_query,
            restarts: 0,
            confirmed_max,
            sending_last_chunk: false,
            last_chunk_unknown: false,
        }
    }

    /// Returns the session, to persist it.
    pub fn session(&self) -> &UploadSession {
        &self.session
    }

    /// Returns what the upload did so far.
    pub fn stats(&self) -> &UploadStats {
        &self.stats
    }

    /// Returns the session, dropping the upload.
    pub fn into_session(self) -> UploadSession {
        self.session
    }

    /// Reports progress after every chunk the server confirms.
    pub fn on_progress(mut self, callback: ProgressCallback) -> Self {
        self.progress = Some(callback);
        self
    }

    /// Receives the session whenever it changes, to persist it.
    pub fn on_session_change(
        mut self,
        callback: impl Fn(&UploadSession) + Send + Sync + 'static,
    ) -> Self {
        self.on_session = Some(Arc::new(callback));
        self
    }

    /// Uploads the rest of the file and returns the video.
    pub async fn finish(&mut self) -> Result<UploadedVideo> {
        let mut stall = Stall::default();
        loop {
            let total = self.session.total();
            let token = self.client.inner.tokens.access_token().await?;
            let query = self.needs_query || self.session.offset >= total;
            if !query {
                // A file rewritten mid-upload would mix bytes of two versions.
                check_identity(&self.session.file).await?;
            }
            self.sending_last_chunk =
                !query && self.session.offset.saturating_add(self.session.chunk_size) >= total;
            let result = if query {
                self.status_query(&token).await
            } else {
                self.send_chunk(&token).await
            };
            match result {
                Ok(Answer::Done(video)) => return Ok(self.done(*video)),
                Ok(Answer::Incomplete { offset, location }) => {
                    let before = self.session.offset;
                    self.confirmed(offset, location);
                    if offset > self.confirmed_max {
                        self.confirmed_max = offset;
                        stall = Stall::default();
                    } else if (!query && offset <= before) || (query && before >= total) {
                        // The server took nothing of the chunk (or lost bytes
                        // it had confirmed), or it had the whole file and did
                        // not send the final response, so wait and query.
                        self.no_progress(&mut stall).await?;
                    }
                    // Otherwise the server regained bytes below the highest
                    // offset it confirmed, or a status query after a counted
                    // failure moved the offset: neither progress nor a stall.
                }
                Err(error) => self.recover(error, &token, &mut stall).await?,
            }
        }
    }

    fn done(&mut self, video: Video) -> UploadedVideo {
        let total = self.session.total();
        self.session.offset = total;
        report_progress(self.progress.as_ref(), total, total);
        self.notify_session();
        tracing::debug!(video_id = %video.id, stats = ?self.stats, "upload finished");
        UploadedVideo {
            video,
            requested_privacy: self.session.metadata.requested_privacy().clone(),
            stats: self.stats,
        }
    }

    fn confirmed(&mut self, offset: u64, location: Option<SessionUri>) {
        // A 308 means the upload is incomplete, so no video exists yet.
        self.last_chunk_unknown = false;
        if let Some(uri) = location
            && uri != self.session.session_uri
        {
            tracing::debug!(session = %uri, "the server moved the session");
            self.session.session_uri = uri;
        }
        if offset < self.session.offset {
            tracing::warn!(
                server_offset = offset,
                previous = self.session.offset,
                "the server holds fewer bytes than it confirmed before; resending from its offset"
            );
        }
        self.session.offset = offset;
        self.needs_query = false;
        report_progress(self.progress.as_ref(), offset, self.session.total());
        self.notify_session();
    }

    pub(super) fn notify_session(&self) {
        if let Some(callback) = &self.on_session {
            callback(&self.session);
        }
    }

    fn chunk_spec(operation: &'static str) -> RequestSpec {
        RequestSpec::idempotent(operation)
            .upload_chunk()
            .accept_status(StatusCode::PERMANENT_REDIRECT)
            .retry_policy(RetryPolicy::never())
    }

    async fn send_chunk(&mut self, token: &Secret) -> Result<Answer> {
        let total = self.session.total();
        let start = self.session.offset;
        let len = self.session.chunk_size.min(total - start);
        let range = format!("bytes {}-{}/{total}", start, start + len - 1);
        let source = MediaSource::File(self.session.file.path.clone());
        let uri = self.session.session_uri.expose().clone();
        let content_type = self.session.content_type.clone();
        let authorization = bearer(token)?;
        self.stats.requests += 1;
        self.stats.chunks_sent += 1;
        self.stats.bytes_sent += len;
        tracing::debug!(start, len, total, "sending chunk");
        let response = self
            .client
            .inner
            .http
            .execute(&Self::chunk_spec("videos.insert.chunk"), |http| {
                Ok(http
                    .put(uri.clone())
                    .header(reqwest::header::AUTHORIZATION, authorization.clone())
                    .header(reqwest::header::CONTENT_TYPE, content_type.as_str())
                    .header(reqwest::header::CONTENT_LENGTH, len)
                    .header(reqwest::header::CONTENT_RANGE, range.as_str())
                    .body(slice_body(&source, start, len)?))
            })
            .await?;
        self.answer(&response, start + len)
    }

    async fn status_query(&mut self, token: &Secret) -> Result<Answer> {
        let total = self.session.total();
        let uri = self.session.session_uri.expose().clone();
        let authorization = bearer(token)?;
        self.stats.requests += 1;
        self.stats.status_queries += 1;
        tracing::debug!(total, "querying upload status");
        let response = self
            .client
            .inner
            .http
            .execute(&Self::chunk_spec("videos.insert.status"), |http| {
                Ok(http
                    .put(uri.clone())
                    .header(reqwest::header::AUTHORIZATION, authorization.clone())
                    .header(reqwest::header::CONTENT_LENGTH, 0)
                    .header(reqwest::header::CONTENT_RANGE, format!("bytes */{total}"))
                    .body(Vec::new()))
            })
            .await?;
        self.answer(&response, self.session.offset)
    }

    /// Reads a chunk or status answer. `sent_end` is the offset just past
    /// the bytes sent so far; the server cannot hold more than that.
    fn answer(&self, response: &Response, sent_end: u64) -> Result<Answer> {
        let total = self.session.total();
        match response.status() {
            StatusCode::OK | StatusCode::CREATED => Ok(Answer::Done(Box::new(response.json()?))),
            StatusCode::PERMANENT_REDIRECT => {
                let offset = session::next_offset(response, total)?;
                if offset > sent_end.max(self.session.offset) && !self.needs_query {
                    tracing::warn!(
                        offset,
                        sent_end,
                        "the server confirmed bytes it was not sent"
                    );
                }
                let location = match response.header("location") {
                    Some(value) => Some(
                        self.session
                            .session_uri
                            .expose()
                            .join(value)
                            .map_err(|_| {
                                Error::from(response.unexpected(
                                    UnexpectedBody::MissingField,
                                    "the Location header is not a URL",
                                ))
                            })
                            .and_then(SessionUri::from_url)?,
                    ),
                    None => None,
                };
                Ok(Answer::Incomplete { offset, location })
            }
            status => Err(response
                .unexpected(
                    UnexpectedBody::UnexpectedStatus,
                    format!("HTTP {} is neither 200, 201 nor 308", status.as_u16()),
                )
                .into()),
        }
    }

    /// Decides what to do after a failed request: refresh, start a new
    /// session, back off and query, or give up with the error.
    async fn recover(&mut self, error: Error, token: &Secret, stall: &mut Stall) -> Result<()> {
        if error.kind() == ErrorKind::InvalidToken && !matches!(error, Error::Auth(_)) {
            if stall.refreshed {
                return Err(error);
            }
            stall.refreshed = true;
            tracing::debug!(error = %error, "access token rejected mid-upload, refreshing once");
            self.client.inner.tokens.refresh_rejected(token).await?;
            self.stats.token_refreshes += 1;
            self.needs_query = true;
            return Ok(());
        }
        if matches!(
            error.status(),
            Some(StatusCode::NOT_FOUND | StatusCode::GONE)
        ) {
            // NOTE: the flag is not saved in UploadSession, so an upload
            // resumed after a restart still starts a new session on a 404
            // even when the old process lost the last chunk's outcome.
            if self.last_chunk_unknown {
                tracing::warn!(
                    error = %error,
                    "the upload session is gone after the last chunk's outcome was lost; \
                     not starting a new session, because the video may already exist"
                );
                return Err(TransportError::new(
                    Platform::YouTube,
                    "videos.insert.chunk",
                    Delivery::Unknown,
                    false,
                    error,
                )
                .into());
            }
            return self.restart(error, stall).await;
        }
        if self.sending_last_chunk && error.delivery() == Some(Delivery::Unknown) {
            self.last_chunk_unknown = true;
        }

        let policy = self.client.inner.upload_retry;
        let decision = policy.decide(
            Idempotency::Idempotent,
            stall.failures + 1,
            stall.waited,
            &error,
            fastrand::f64(),
        );
        match decision {
            RetryDecision::Retry { delay, reason } => {
                tracing::warn!(
                    attempt = stall.failures + 1,
                    delay_ms = delay.as_millis() as u64,
                    ?reason,
                    offset = self.session.offset,
                    error = %error,
                    "upload request failed; will ask the server for its offset and resume"
                );
                self.client.inner.http.timer().sleep(delay).await;
                stall.failures += 1;
                stall.waited += delay;
                self.stats.retries += 1;
                self.needs_query = true;
                check_identity(&self.session.file).await
            }
            RetryDecision::Stop(stop) => {
                tracing::debug!(?stop, error = %error, "upload stopped");
                Err(error)
            }
        }
    }

    /// Replaces an expired session (404/410) with a new one from byte 0.
    // NOTE: 404/410 as "session expired" comes from Google's general resumable
    // upload docs and reported cases; YouTube does not state a session lifetime.
    async fn restart(&mut self, error: Error, stall: &mut Stall) -> Result<()> {
        let policy = self.client.inner.upload_retry;
        if self.restarts >= self.client.inner.max_session_restarts
            || stall.failures + 1 >= policy.max_attempts()
        {
            return Err(error);
        }
        tracing::warn!(error = %error, "the upload session expired; starting a new one from byte 0");
        check_identity(&self.session.file).await?;
        let uri = create_session(
            &self.client,
            &self.session.metadata,
            &self.session.file,
            &self.session.content_type,
            &mut self.stats,
        )
        .await?;
        self.restarts += 1;
        stall.failures += 1;
        self.stats.retries += 1;
        self.session.session_uri = uri;
        self.session.sessions_started += 1;
        self.session.offset = 0;
        self.confirmed_max = 0;
        self.needs_query = false;
        report_progress(self.progress.as_ref(), 0, self.session.total());
        self.notify_session();
        Ok(())
    }

    /// Counts an answer that moved nothing forward, and waits before the
    /// next status query; gives up when the attempts run out.
    async fn no_progress(&mut self, stall: &mut Stall) -> Result<()> {
        let policy = self.client.inner.upload_retry;
        stall.failures += 1;
        if stall.failures >= policy.max_attempts() {
            return Err(social_core::UnexpectedResponse::new(
                social_core::Platform::YouTube,
                UnexpectedBody::UnexpectedStatus,
                Some(StatusCode::PERMANENT_REDIRECT),
                format!(
                    "the upload server stopped confirming bytes at offset {} of {}",
                    self.session.offset,
                    self.session.total()
                ),
            )
            .into());
        }
        let delay = policy
            .backoff_ceiling(stall.failures)
            .mul_f64(fastrand::f64());
        tracing::warn!(
            offset = self.session.offset,
            delay_ms = delay.as_millis() as u64,
            "the server confirmed no new bytes; asking again"
        );
        self.client.inner.http.timer().sleep(delay).await;
        stall.waited += delay;
        self.stats.retries += 1;
        self.needs_query = true;
        Ok(())
    }
}
