//! Instagram's resumable upload: the video's bytes go to the `uri` the
//! container returned (`rupload.facebook.com/ig-api-upload/<ver>/<id>`),
//! with `Authorization: OAuth`, `offset` and `file_size` headers.

use std::time::Duration;

use facebook_sdk::graph::{AuthScheme, GraphRequest, Host, ids};
use serde::Deserialize;
use social_core::upload::report_progress;
use social_core::{
    Error, Idempotency, ProgressCallback, RequestSpec, Response, Result, RetryDecision,
    RetryPolicy, Secret, UnexpectedBody,
};
use url::Url;

use crate::client::Client;
use crate::post::media::Upload;

/// Times a rejected offset is corrected by reading the server's offset,
/// without waiting and without using a retry attempt.
const MAX_OFFSET_CORRECTIONS: u32 = 3;

#[derive(Deserialize)]
struct UploadedBody {
    #[serde(default)]
    success: Option<bool>,
}

#[derive(Deserialize)]
struct OffsetBody {
    #[serde(default, deserialize_with = "ids::optional_u64_from_any")]
    offset: Option<u64>,
}

impl Client {
    /// Sends a local video into the container `container_id`.
    ///
    /// The rest of the file goes in one request under the per-chunk timeout,
    /// streamed from disk. After a dropped connection or a retryable failure,
    /// the client asks the upload URL how many bytes arrived and sends only
    /// the rest, within the retry policy's attempts and wait budget. An
    /// offset past the end of the file is treated as unknown, so the upload
    /// starts again from byte 0. A file that changes during the upload is an
    /// `InvalidInput` error naming the video's field.
    pub(crate) async fn upload_video(
        &self,
        container_id: &str,
        uri: Option<&str>,
        upload: &Upload,
        progress: Option<&ProgressCallback>,
    ) -> Result<()> {
        let url = self.upload_url(container_id, uri)?;
        let total = upload.len;
        let policy = *self.graph().http().retry_policy();
        let mut offset = 0;
        let mut attempt = 1;
        let mut corrections = 0;
        let mut waited = Duration::ZERO;
        report_progress(progress, 0, total);
        loop {
            upload.ensure_unchanged().await?;
            let error = match self.send_bytes(&url, upload, offset).await {
                Ok(response) => {
                    // The last bytes may have been read while the file was rewritten.
                    upload.ensure_unchanged().await?;
                    return finish(&response, progress, total);
                }
                Err(error) => error,
            };
            if is_offset_error(&error) && corrections < MAX_OFFSET_CORRECTIONS {
                corrections += 1;
            } else {
                let jitter = fastrand::f64();
                let decision =
                    policy.decide(Idempotency::Idempotent, attempt, waited, &error, jitter);
                let RetryDecision::Retry { delay, .. } = decision else {
                    return Err(error);
                };
                tracing::warn!(
                    container = container_id,
                    offset,
                    attempt,
                    delay_ms = delay.as_millis() as u64,
                    error = %error,
                    "video upload interrupted; resuming from the server's offset"
                );
                self.timer().sleep(delay).await;
                waited += delay;
                attempt += 1;
            }
            offset = match self.server_offset(&url).await {
                reported if reported > total => {
                    tracing::warn!(
                        container = container_id,
                        reported,
                        total,
                        "the upload host reports more bytes than the file has; resending from byte 0"
                    );
                    0
                }
                reported => reported,
            };
            report_progress(progress, offset, total);
        }
    }

    /// Returns the returned `uri`, or `<rupload>/ig-api-upload/<ver>/<id>`
    /// when none came back. The token is later sent only if the URL lies
    /// below a configured host.
    fn upload_url(&self, container_id: &str, uri: Option<&str>) -> Result<Url> {
        match uri {
            Some(uri) => Url::parse(uri).map_err(|e| {
                social_core::UnexpectedResponse::new(
                    social_core::Platform::Instagram,
                    UnexpectedBody::MissingField,
                    None,
                    format!("the container's uri is not a valid URL ({e})"),
                )
                .into()
            }),
            None => {
                let version = self.graph().version().to_owned();
                self.graph()
                    .host_path(Host::Rupload, &["ig-api-upload", &version, container_id])
            }
        }
    }

    async fn send_bytes(&self, url: &Url, upload: &Upload, offset: u64) -> Result<Response> {
        let total = upload.len;
        self.send(|token: &Secret| {
            GraphRequest::post(upload_spec(), "")
                .at_url(url.clone())
                .auth_scheme(AuthScheme::OAuth)
                .header("offset", offset.to_string())
                .header("file_size", total.to_string())
                .media_body(
                    &upload.source,
                    offset,
                    total - offset,
                    mime::APPLICATION_OCTET_STREAM,
                )
                .token(token)
        })
        .await
    }

    /// Asks the upload URL how many bytes it holds.
    // NOTE: Meta does not document how to resume an Instagram upload. This
    // reads an `offset` from a GET on the upload URL, as a JSON field or a
    // response header, as one client does. When that read fails, the upload
    // starts again from byte 0 into the same container, which Meta's guide
    // allows.
    async fn server_offset(&self, url: &Url) -> u64 {
        let read = self
            .send(|token| {
                GraphRequest::get(RequestSpec::idempotent("read_upload_offset"), "")
                    .at_url(url.clone())
                    .auth_scheme(AuthScheme::OAuth)
                    .token(token)
            })
            .await;
        let response = match read {
            Ok(response) => response,
            Err(error) => {
                tracing::debug!(error = %error, "upload offset unavailable; resending from byte 0");
                return 0;
            }
        };
        let from_header = response
            .header("offset")
            .and_then(|v| v.trim().parse::<u64>().ok());
        let from_body = response
            .json::<OffsetBody>()
            .ok()
            .and_then(|body| body.offset);
        from_body.or(from_header).unwrap_or(0)
    }
}

/// A raw upload request: addressed by offset, so safe to repeat, under the
/// per-chunk timeout, and never retried by the executor, because a retry
/// must first read the server's offset.
fn upload_spec() -> RequestSpec {
    RequestSpec::idempotent("upload_video")
        .upload_chunk()
        .retry_policy(RetryPolicy::never())
}

/// Tells whether the upload host rejected the offset we sent.
fn is_offset_error(error: &Error) -> bool {
    error.as_api().and_then(|api| api.code()) == Some("OffsetInvalidError")
}

fn finish(response: &Response, progress: Option<&ProgressCallback>, total: u64) -> Result<()> {
    let body: UploadedBody = response.json()?;
    if body.success == Some(false) {
        return Err(response
            .unexpected(
                UnexpectedBody::MissingField,
                "the upload returned success: false",
            )
            .into());
    }
    report_progress(progress, total, total);
    Ok(())
}
