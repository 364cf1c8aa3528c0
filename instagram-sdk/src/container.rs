//! Containers: `POST /{ig-user-id}/media` creates one, and
//! `GET /{container-id}?fields=status_code,status` is polled until it can
//! be published.

use facebook_sdk::graph::{GraphRequest, PollStatus, ids, poll_until};
use serde::Deserialize;
use social_core::{
    Error, Platform, ProcessingError, RequestSpec, Result, UnexpectedBody, UnexpectedResponse,
};

use crate::client::Client;
use crate::error::{CONTAINER_EXPIRED, subcode_in_status};
use crate::model::{ContainerState, ContainerStatus};
use crate::post::ContainerSpec;

/// Subcodes after which a new container may succeed: server errors, media
/// download timeouts, and processing failures Instagram reports as retryable.
// NOTE: 2207082 ("video could not be processed") counts as retryable after
// one client's experience; it is not in Meta's error table.
const RETRYABLE_SUBCODES: [&str; 5] = ["2207001", "2207003", "2207032", "2207053", "2207082"];

/// The end state of a polled container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Readiness {
    /// `FINISHED`: publish it.
    Finished,
    /// `PUBLISHED`: it was published before; never publish it again.
    Published,
}

#[derive(Deserialize)]
struct CreatedBody {
    #[serde(deserialize_with = "ids::string")]
    id: String,
    #[serde(default)]
    uri: Option<String>,
}

impl Client {
    /// Creates the container `spec` describes for the account `ig_user_id`,
    /// uploads its file when it has one, and returns the container id.
    // NOTE: container creation is sent as a safe-to-repeat request. A
    // repeat after a lost response leaves an unused container, which expires
    // after 24 hours and counts against the 400 containers per day, but
    // publishes nothing.
    pub(crate) async fn create_container(
        &self,
        ig_user_id: &str,
        spec: &ContainerSpec,
    ) -> Result<String> {
        let path = format!("{ig_user_id}/media");
        let body = serde_json::Value::Object(spec.fields.clone());
        let created: CreatedBody = self
            .send_json(|token| {
                GraphRequest::post(RequestSpec::idempotent("create_container"), path.as_str())
                    .json(body.clone())
                    .token(token)
            })
            .await?;
        let id = crate::validate::numeric_id("container id", &created.id)
            .map_err(|_| unexpected(format!("the container id `{}` is not numeric", created.id)))?;
        tracing::debug!(container = %id, kind = spec.label, "container created");
        if let Some(upload) = &spec.upload {
            self.upload_video(&id, created.uri.as_deref(), upload, spec.progress.as_ref())
                .await?;
        }
        Ok(id)
    }

    /// Reads a container's `status_code` and `status`.
    pub async fn container_state(&self, container_id: &str) -> Result<ContainerState> {
        let id = crate::validate::numeric_id("container_id", container_id)?;
        self.send_json(|token| {
            GraphRequest::get(RequestSpec::idempotent("read_container"), id.as_str())
                .query("fields", "status_code,status")
                .token(token)
        })
        .await
    }

    /// Polls a container with backoff until it is `FINISHED` or `PUBLISHED`.
    pub(crate) async fn wait_for_container(&self, container_id: &str) -> Result<Readiness> {
        let timer = self.timer().clone();
        poll_until(
            timer.as_ref(),
            &self.inner.poll,
            Platform::Instagram,
            container_id,
            || async {
                let state = self.container_state(container_id).await?;
                decide(container_id, &state)
            },
        )
        .await
    }
}

/// Decides what one status read means. Every state but `IN_PROGRESS` ends
/// polling, so an unknown state can never loop.
pub(crate) fn decide(id: &str, state: &ContainerState) -> Result<PollStatus<Readiness>> {
    match state.status() {
        ContainerStatus::InProgress => Ok(PollStatus::Pending {
            state: ContainerStatus::InProgress.to_string(),
            retry_in: None,
        }),
        ContainerStatus::Finished => Ok(PollStatus::Done(Readiness::Finished)),
        ContainerStatus::Published => Ok(PollStatus::Done(Readiness::Published)),
        ContainerStatus::Error => Err(failed(id, state)),
        ContainerStatus::Expired => Err(ProcessingError::new(Platform::Instagram, id, "EXPIRED")
            .with_reason(
                Some(CONTAINER_EXPIRED.to_string()),
                Some(
                    "the container expired because it was not published within 24 hours; \
                     create a new container"
                        .to_owned(),
                ),
            )
            .retryable(true)
            .into()),
        ContainerStatus::Unknown(code) if code.is_empty() => Err(unexpected(format!(
            "container {id} has no status_code and no error text; check it before publishing"
        ))),
        ContainerStatus::Unknown(code) => Err(unexpected(format!(
            "container {id} has status_code `{code}`, which this SDK does not know; \
             check it before publishing"
        ))),
    }
}

/// Builds the error for a container in `ERROR`, with the subcode read from `status`.
fn failed(id: &str, state: &ContainerState) -> Error {
    let text = state.status.clone().filter(|s| !s.trim().is_empty());
    let subcode = text.as_deref().and_then(subcode_in_status);
    let retryable = subcode
        .as_deref()
        .is_some_and(|code| RETRYABLE_SUBCODES.contains(&code));
    ProcessingError::new(Platform::Instagram, id, "ERROR")
        .with_reason(subcode, text)
        .retryable(retryable)
        .into()
}

fn unexpected(detail: String) -> Error {
    UnexpectedResponse::new(
        Platform::Instagram,
        UnexpectedBody::MissingField,
        None,
        detail,
    )
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(code: Option<&str>, status: Option<&str>) -> ContainerState {
        serde_json::from_value(serde_json::json!({"status_code": code, "status": status}))
            .expect("state")
    }

    #[test]
    fn each_state_decided_once() {
        let pending = decide("1", &state(Some("IN_PROGRESS"), None)).expect("pending");
        let finished = decide("1", &state(Some("FINISHED"), None)).expect("finished");
        let published = decide("1", &state(Some("PUBLISHED"), None)).expect("published");

        assert!(matches!(pending, PollStatus::Pending { .. }));
        assert_eq!(finished, PollStatus::Done(Readiness::Finished));
        assert_eq!(published, PollStatus::Done(Readiness::Published));
    }

    #[test]
    fn failures_carry_subcode_and_reason() {
        let error = decide(
            "7",
            &state(
                Some("ERROR"),
                Some("Error: Media upload has failed with error code 2207082"),
            ),
        )
        .expect_err("error state");

        let Error::Processing(processing) = &error else {
            panic!("expected a processing error, got {error:?}");
        };
        assert_eq!(processing.id(), "7");
        assert_eq!(processing.code(), Some("2207082"));
        assert!(processing.is_retryable());
    }

    #[test]
    fn error_text_without_code_fails() {
        let error = decide("7", &state(None, Some("Error: Media download has failed.")))
            .expect_err("error text");

        let Error::Processing(processing) = &error else {
            panic!("expected a processing error, got {error:?}");
        };
        assert_eq!(processing.state(), "ERROR");
        assert_eq!(processing.code(), None);
        assert!(!processing.is_retryable());
    }

    #[test]
    fn unknown_and_empty_states_fail_at_once() {
        let unknown = decide("7", &state(Some("SOMETHING_NEW"), None)).expect_err("unknown");
        let empty = decide("7", &state(None, None)).expect_err("empty");

        assert!(unknown.to_string().contains("SOMETHING_NEW"), "{unknown}");
        assert!(matches!(empty, Error::UnexpectedResponse(_)));
    }
}
