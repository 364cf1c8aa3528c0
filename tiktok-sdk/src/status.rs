//! Post status: one fetch, patient polling until a final state, and cancel.

use std::time::Duration;

use serde_json::json;
use social_core::{
    Error, Platform, PollSettings, ProcessingError, RequestSpec, Result, TimeoutError,
};

use crate::client::Client;
use crate::model::{PostStatus, PublishOutcome, PublishStatus};
use crate::rate_limit;

/// The minimum wait between two status requests of one poller, because
/// TikTok allows 30 a minute per token.
pub const MIN_POLL_INTERVAL: Duration = Duration::from_secs(2);

/// Returns what a `fail_reason` means and whether a new attempt can succeed.
///
/// Reasons TikTok may add later count as not retryable.
pub fn explain_fail_reason(reason: &str) -> (&'static str, bool) {
    match reason {
        "file_format_check_failed" => ("TikTok rejected the file format; fix the file", false),
        "duration_check_failed" => ("the video is too long or too short; fix the file", false),
        "frame_rate_check_failed" => ("the frame rate is outside 23-60 FPS; fix the file", false),
        "picture_size_check_failed" => (
            "the picture size is outside TikTok's limits; fix the file",
            false,
        ),
        "internal" => ("TikTok failed on its side; post again", true),
        "video_pull_failed" | "photo_pull_failed" => (
            "TikTok could not download the media within 1 hour; post again once the URL works",
            true,
        ),
        "publish_cancelled" => ("the post was cancelled through the API", false),
        "auth_removed" => ("the user revoked the app's access during processing", false),
        "spam_risk_too_many_posts" => (
            "the user reached TikTok's cap on API posts in 24 hours",
            false,
        ),
        "spam_risk_user_banned_from_posting" => ("TikTok has banned this user from posting", false),
        "spam_risk_text" | "spam_risk" => {
            ("TikTok's trust and safety checks rejected the post", false)
        }
        _ => ("TikTok gave a reason this SDK does not know", false),
    }
}

impl Client {
    /// Fetches the status of a post once.
    pub async fn fetch_status(&self, publish_id: &str) -> Result<PublishStatus> {
        check_publish_id(publish_id)?;
        let spec = RequestSpec::idempotent("fetch_status").quota(rate_limit::STATUS);
        let body = json!({ "publish_id": publish_id });
        let reply = self
            .call::<PublishStatus>(&spec, "post/publish/status/fetch/", Some(&body))
            .await?;
        Ok(reply.data)
    }

    /// Polls the status of a post until it is final, with the client's
    /// [`PollSettings`]. Use it to resume waiting for a `publish_id` stored
    /// earlier, after a [`Error::Timeout`] or a restart.
    ///
    /// See [`Client::wait_for_publish_with`] for what it returns.
    pub async fn wait_for_publish(&self, publish_id: &str) -> Result<PublishOutcome> {
        self.wait_for_publish_with(publish_id, self.poll_settings())
            .await
    }

    /// Polls the status of a post until it is final.
    ///
    /// - `PUBLISH_COMPLETE` and `SEND_TO_USER_INBOX` return the outcome; a
    ///   published post may have no public id yet.
    /// - `FAILED` returns [`Error::Processing`] with TikTok's `fail_reason`
    ///   as its code, and whether posting again can succeed.
    /// - Other states, unknown ones included, are polled again after a wait
    ///   that starts at the settings' initial interval and doubles, never
    ///   under 2 s.
    /// - A status request that fails with a retryable error (5xx, dropped
    ///   connection, rate limit) is tried again at the next interval.
    /// - Past the deadline, [`Error::Timeout`] keeps the publish id and the
    ///   last state, so the caller can resume later.
    ///
    /// Polling never sends an init again.
    pub async fn wait_for_publish_with(
        &self,
        publish_id: &str,
        settings: PollSettings,
    ) -> Result<PublishOutcome> {
        check_publish_id(publish_id)?;
        let timer = self.timer().clone();
        let started = timer.now();
        let mut last_state: Option<String> = None;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut hint = None;
            match self.fetch_status(publish_id).await {
                Ok(status) => {
                    if let Some(outcome) = final_outcome(publish_id, &status)? {
                        return Ok(outcome);
                    }
                    note_pending(publish_id, &status.status, last_state.as_deref());
                    last_state = Some(status.status.as_str().to_owned());
                }
                Err(error) if error.is_retryable() => {
                    tracing::warn!(
                        publish_id,
                        attempt,
                        error = %error,
                        "status request failed, polling on"
                    );
                    hint = error.retry_after();
                }
                Err(error) => return Err(error),
            }

            let waited = timer.now().duration_since(started).unwrap_or_default();
            if waited >= settings.deadline {
                return Err(
                    TimeoutError::new(Platform::TikTok, publish_id, last_state, waited).into(),
                );
            }
            let remaining = settings.deadline - waited;
            let wait = settings
                .interval(attempt, None)
                .max(hint.unwrap_or_default());
            timer
                .sleep(wait.min(remaining).max(MIN_POLL_INTERVAL))
                .await;
        }
    }

    /// Cancels a running `PULL_FROM_URL` download, on a best-effort basis.
    ///
    /// Downloads that are almost done or already processing cannot be
    /// cancelled, and TikTok then returns `publish_not_cancellable`.
    pub async fn cancel(&self, publish_id: &str) -> Result<()> {
        check_publish_id(publish_id)?;
        let spec = RequestSpec::idempotent("cancel_post");
        let body = json!({ "publish_id": publish_id });
        self.call::<Option<serde_json::Value>>(&spec, "post/publish/cancel/", Some(&body))
            .await?;
        Ok(())
    }
}

/// Returns the outcome of a final status, the error of `FAILED`, or `None`
/// while the post is still on its way.
fn final_outcome(publish_id: &str, status: &PublishStatus) -> Result<Option<PublishOutcome>> {
    match &status.status {
        PostStatus::PublishComplete | PostStatus::SendToUserInbox => Ok(Some(PublishOutcome {
            publish_id: publish_id.to_owned(),
            status: status.status.clone(),
            public_post_ids: status.public_post_ids.clone(),
        })),
        PostStatus::Failed => {
            let reason = status.fail_reason.clone().unwrap_or_default();
            let (explanation, retryable) = explain_fail_reason(&reason);
            let code = (!reason.is_empty()).then_some(reason);
            Err(ProcessingError::new(Platform::TikTok, publish_id, "FAILED")
                .with_reason(code, Some(explanation.to_owned()))
                .retryable(retryable)
                .into())
        }
        _ => Ok(None),
    }
}

fn note_pending(publish_id: &str, status: &PostStatus, last_state: Option<&str>) {
    let changed = last_state != Some(status.as_str());
    match status {
        PostStatus::Unknown(name) if changed => {
            tracing::warn!(publish_id, status = %name, "unknown post status, polling on");
        }
        _ if changed => tracing::debug!(publish_id, status = %status, "post status"),
        _ => {}
    }
}

fn check_publish_id(publish_id: &str) -> Result<()> {
    if publish_id.trim().is_empty() {
        return Err(Error::invalid_input(
            "publish_id",
            "empty; pass the publish_id an init call returned",
        ));
    }
    Ok(())
}
