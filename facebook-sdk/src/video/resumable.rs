//! The Resumable Upload API: `POST /{app-id}/uploads` opens a session,
//! `POST /upload:<id>` sends the bytes from `file_offset` and returns a file
//! handle, `GET /upload:<id>` returns the offset the server reached, and the handle
//! is published with `POST /{page-id}/videos` on the video host.

use std::future::Future;
use std::time::Duration;

use serde::Deserialize;
use social_core::upload::{FileIdentity, report_progress};
use social_core::{
    Error, Idempotency, ProgressCallback, RequestSpec, Response, Result, RetryDecision,
    RetryPolicy, Secret, UnexpectedBody, UnexpectedResponse,
};

use super::{VideoPublished, VideoUpload, ensure_same_file, file_identity, probe_video};
use crate::client::{Client, Credential};
use crate::graph::{AuthScheme, GraphRequest, Host, ids};

/// The Resumable Upload API takes MP4 video only.
const RESUMABLE_VIDEO_TYPES: [&str; 1] = ["video/mp4"];

/// Times an upload resent from a wrong offset is corrected without waiting.
const MAX_OFFSET_CORRECTIONS: u32 = 3;

#[derive(Deserialize)]
struct SessionBody {
    id: String,
}

#[derive(Deserialize)]
struct HandleBody {
    h: String,
}

#[derive(Deserialize)]
struct OffsetBody {
    #[serde(deserialize_with = "ids::u64_from_any")]
    file_offset: u64,
}

#[derive(Deserialize)]
struct VideoIdBody {
    #[serde(deserialize_with = "ids::string")]
    id: String,
}

impl Client {
    /// Uploads a video through the Resumable Upload API and publishes it on
    /// the Page. Needs `app_id` on the builder.
    ///
    /// The rest of the file goes in one request, under the per-chunk
    /// timeout. After a dropped connection or a 5xx, the client reads how
    /// many bytes arrived and sends only the rest.
    pub async fn upload_video_resumable(&self, upload: &VideoUpload) -> Result<VideoPublished> {
        let fields = upload.details.fields(self.timer().now())?;
        let app_id = self.inner.app_id.clone().ok_or_else(|| {
            Error::invalid_input(
                "app_id",
                "is not set; the Resumable Upload API opens sessions under the app id",
            )
        })?;
        let info = probe_video(&upload.source, &RESUMABLE_VIDEO_TYPES).await?;
        let file = file_identity(&upload.source, &info).await?;
        let session_token = self.session_token().await?;

        let file_name = info
            .file_name
            .clone()
            .unwrap_or_else(|| "video.mp4".to_owned());
        let request = GraphRequest::post(
            RequestSpec::idempotent("open_upload_session"),
            format!("{app_id}/uploads"),
        )
        .query("file_name", file_name)
        .query("file_length", info.len.to_string())
        .query("file_type", info.mime.essence_str())
        .token(&session_token);
        let session: SessionBody = self.graph().send_json(&request).await?;
        let session_path = check_session_id(&session.id)?;

        let progress = upload.progress.as_ref();
        let send = |offset: u64| {
            let request = GraphRequest::post(upload_spec("upload_file"), session_path.clone())
                .auth_scheme(AuthScheme::OAuth)
                .header("file_offset", offset.to_string())
                .media_body(
                    &upload.source,
                    offset,
                    info.len - offset,
                    mime::APPLICATION_OCTET_STREAM,
                )
                .token(&session_token);
            async move { self.graph().send(&request).await }
        };
        let server_offset = || async {
            let request = GraphRequest::get(
                RequestSpec::idempotent("upload_session_offset"),
                session_path.clone(),
            )
            .auth_scheme(AuthScheme::OAuth)
            .token(&session_token);
            let body: OffsetBody = self.graph().send_json(&request).await?;
            Ok(body.file_offset)
        };
        report_progress(progress, 0, info.len);
        let response = self
            .upload_with_resume(0, info.len, file.as_ref(), progress, send, server_offset)
            .await?;
        let handle: HandleBody = response.json()?;
        report_progress(progress, info.len, info.len);

        let page_token = self.page_token().await?;
        let path = format!("{}/videos", self.page_id());
        let mut request = GraphRequest::post(RequestSpec::creating("publish_video"), path)
            .on(Host::Video)
            .form("fbuploader_video_file_chunk", handle.h)
            .token(&page_token);
        for (name, value) in fields {
            request = request.form(name, value);
        }
        let video: VideoIdBody = self.graph().send_json(&request).await?;
        let status = match upload.wait_until_ready {
            true => Some(self.wait_for_video(&video.id).await?),
            false => None,
        };
        Ok(VideoPublished {
            video_id: video.id,
            post_id: None,
            status,
        })
    }

    /// Returns the token for the upload session: Meta documents it with a
    /// user token, so that one is used when configured.
    // NOTE: whether a Page token is accepted for the session step is not
    // confirmed; it is used only when no user token is configured.
    async fn session_token(&self) -> Result<Secret> {
        match &self.inner.credential {
            Credential::User(user) => Ok(user.clone()),
            Credential::Page(_) => self.page_token().await,
        }
    }

    /// Sends the bytes from `start` with `send`; after a retryable failure,
    /// waits as the retry policy decides, reads from `server_offset` how far the
    /// server got, and sends the rest from there.
    ///
    /// An offset past `total` is an `UnexpectedResponse`, never a reason to
    /// skip bytes. With `file`, the file is checked before each attempt and
    /// after the last one, so bytes of two versions of a file are never mixed.
    pub(crate) async fn upload_with_resume<S, SFut, O, OFut>(
        &self,
        start: u64,
        total: u64,
        file: Option<&FileIdentity>,
        progress: Option<&ProgressCallback>,
        mut send: S,
        mut server_offset: O,
    ) -> Result<Response>
    where
        S: FnMut(u64) -> SFut,
        SFut: Future<Output = Result<Response>>,
        O: FnMut() -> OFut,
        OFut: Future<Output = Result<u64>>,
    {
        let policy = *self.graph().http().retry_policy();
        let (mut offset, mut attempt, mut corrections) = (start, 1, 0);
        let mut waited = Duration::ZERO;
        loop {
            if let Some(file) = file {
                ensure_same_file(file).await?;
            }
            let error = match send(offset).await {
                Ok(response) => {
                    if let Some(file) = file {
                        ensure_same_file(file).await?;
                    }
                    return Ok(response);
                }
                Err(error) => error,
            };
            if is_offset_error(&error) && corrections < MAX_OFFSET_CORRECTIONS {
                corrections += 1;
            } else {
                let decision = policy.decide(
                    Idempotency::Idempotent,
                    attempt,
                    waited,
                    &error,
                    fastrand::f64(),
                );
                let RetryDecision::Retry { delay, .. } = decision else {
                    return Err(error);
                };
                tracing::warn!(offset, attempt, delay_ms = delay.as_millis() as u64, error = %error, "upload interrupted, resuming from the server's offset");
                self.timer().sleep(delay).await;
                waited += delay;
                attempt += 1;
            }
            offset = server_offset().await?;
            if offset > total {
                return Err(UnexpectedResponse::new(
                    self.graph().platform(),
                    UnexpectedBody::MissingField,
                    None,
                    format!("the server reports {offset} bytes received of a {total}-byte file"),
                )
                .into());
            }
            report_progress(progress, offset, total);
        }
    }
}

/// A raw upload request: idempotent because it is addressed by offset,
/// under the per-chunk timeout, and never retried by the executor itself,
/// because a retry must first ask the server for its offset.
pub(super) fn upload_spec(operation: &'static str) -> RequestSpec {
    RequestSpec::idempotent(operation)
        .upload_chunk()
        .retry_policy(RetryPolicy::never())
}

/// Tells whether the server rejected the offset we sent (rupload's
/// `OffsetInvalidError`), which re-reading the offset fixes.
fn is_offset_error(error: &Error) -> bool {
    error.as_api().and_then(|api| api.code()) == Some("OffsetInvalidError")
}

/// Checks the `upload:<id>` session id before it becomes a path.
fn check_session_id(id: &str) -> Result<String> {
    let valid = id.strip_prefix("upload:").is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_=.".contains(&b))
    });
    if valid {
        Ok(id.to_owned())
    } else {
        Err(social_core::UnexpectedResponse::new(
            social_core::Platform::Facebook,
            social_core::UnexpectedBody::MissingField,
            None,
            format!("the upload session id `{id}` does not have the form upload:<id>"),
        )
        .into())
    }
}
