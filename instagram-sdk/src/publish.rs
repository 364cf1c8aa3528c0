//! Publishing exactly once: create the container, poll it to `FINISHED`,
//! call `media_publish`, and read the container again whenever that call's
//! outcome is unknown.
//!
//! `media_publish` has no idempotency key, so it is never repeated blindly:
//!
//! - an ambiguous failure (timeout, reset, HTML or other 5xx, a cut-off
//!   body, a 2xx body that cannot be read) is followed by a read of the
//!   container: `PUBLISHED` is success without a second call, anything but
//!   `FINISHED` returns the original error;
//! - `FINISHED` after a timeout, a reset or a 5xx means nothing was
//!   published, and the call is sent again (a bounded number of times);
//!   after a 2xx, Graph accepted the call, so the original error is returned
//!   and the caller checks the container later;
//! - after a duplicate rejection the container is read as well, and
//!   `PUBLISHED` is success; any other 4xx, a 429 included, was turned away
//!   and is returned;
//! - "not ready" (9007/2207027, or 24/2207008) means nothing was published:
//!   the client polls the container again and retries, a bounded number of times.

use facebook_sdk::graph::{GraphRequest, ids};
use serde::Deserialize;
use social_core::{
    Delivery, Error, ErrorKind, Platform, ProcessingError, RequestSpec, Result, UnexpectedBody,
};

use crate::client::Client;
use crate::container::Readiness;
use crate::error::is_not_ready;
use crate::model::{ContainerStatus, Media, Published};
use crate::post::{Carousel, ContainerSpec, ImagePost, Reel, Story};

#[derive(Deserialize)]
struct PublishedBody {
    #[serde(deserialize_with = "ids::string")]
    id: String,
}

impl Client {
    /// Publishes one image in the feed.
    pub async fn publish_image(&self, post: &ImagePost) -> Result<Published> {
        let spec = post.container().await?;
        self.publish_spec(&spec).await
    }

    /// Publishes a Reel, uploading the video first when it comes from disk.
    pub async fn publish_reel(&self, reel: &Reel) -> Result<Published> {
        let spec = reel.container().await?;
        self.publish_spec(&spec).await
    }

    /// Publishes a story.
    pub async fn publish_story(&self, story: &Story) -> Result<Published> {
        let spec = story.container().await?;
        self.publish_spec(&spec).await
    }

    /// Publishes a carousel. Each item's container is created and polled to
    /// `FINISHED` before the carousel's container is created, because
    /// Instagram rejects a carousel whose items are still processing.
    pub async fn publish_carousel(&self, carousel: &Carousel) -> Result<Published> {
        let (children, mut parent) = carousel.containers().await?;
        let ig_user_id = self.ig_user_id().await?;
        self.check_quota_if_asked(&ig_user_id).await?;

        let mut ids = Vec::with_capacity(children.len());
        for child in &children {
            ids.push(self.create_container(&ig_user_id, child).await?);
        }
        for id in &ids {
            self.wait_for_child(id).await?;
        }

        // NOTE: the reference writes `children` as comma-separated ids; in a
        // JSON body it is sent as that same string.
        parent
            .fields
            .insert("children".into(), serde_json::json!(ids.join(",")));
        let parent_id = self.create_container(&ig_user_id, &parent).await?;
        self.finish(&ig_user_id, &parent_id).await
    }

    /// Publishes an existing container exactly once: waits until it is
    /// `FINISHED`, then calls `media_publish`. A container already
    /// `PUBLISHED` (after a restart, say) is returned as published with no
    /// second call.
    pub async fn publish_container(&self, container_id: &str) -> Result<Published> {
        let id = crate::validate::numeric_id("container_id", container_id)?;
        let ig_user_id = self.ig_user_id().await?;
        self.check_quota_if_asked(&ig_user_id).await?;
        self.finish(&ig_user_id, &id).await
    }

    /// Reads a published media item (`permalink`, `media_type`, `media_product_type`).
    pub async fn media(&self, media_id: &str) -> Result<Media> {
        let id = crate::validate::numeric_id("media_id", media_id)?;
        self.send_json(|token| {
            GraphRequest::get(RequestSpec::idempotent("read_media"), id.as_str())
                .query(
                    "fields",
                    "id,permalink,media_type,media_product_type,timestamp,shortcode",
                )
                .token(token)
        })
        .await
    }

    async fn publish_spec(&self, spec: &ContainerSpec) -> Result<Published> {
        let ig_user_id = self.ig_user_id().await?;
        self.check_quota_if_asked(&ig_user_id).await?;
        let container_id = self.create_container(&ig_user_id, spec).await?;
        self.finish(&ig_user_id, &container_id).await
    }

    async fn finish(&self, ig_user_id: &str, container_id: &str) -> Result<Published> {
        let published = match self.wait_for_container(container_id).await? {
            Readiness::Published => {
                tracing::info!(
                    container = container_id,
                    "container already published; not publishing again"
                );
                Published::new(container_id, None)
            }
            Readiness::Finished => self.publish_once(ig_user_id, container_id).await?,
        };
        Ok(self.read_back(published).await)
    }

    async fn wait_for_child(&self, id: &str) -> Result<()> {
        match self.wait_for_container(id).await? {
            Readiness::Finished => Ok(()),
            Readiness::Published => Err(ProcessingError::new(Platform::Instagram, id, "PUBLISHED")
                .with_reason(
                    None,
                    Some(
                        "a carousel item reads PUBLISHED and cannot join a carousel; \
                         create new item containers"
                            .to_owned(),
                    ),
                )
                .into()),
        }
    }

    /// Calls `media_publish` and settles every outcome without publishing twice.
    async fn publish_once(&self, ig_user_id: &str, container_id: &str) -> Result<Published> {
        let settings = self.inner.publish;
        let mut not_ready_left = settings.not_ready_retries;
        let mut republish_left = settings.republish_limit;
        let mut not_ready_seen = 0;
        loop {
            let error = match self.send_publish(ig_user_id, container_id).await {
                Ok(media_id) => return Ok(Published::new(container_id, Some(media_id))),
                Err(error) => error,
            };

            if is_not_ready(&error) && not_ready_left > 0 {
                not_ready_left -= 1;
                not_ready_seen += 1;
                let delay = self.inner.poll.interval(not_ready_seen, None);
                tracing::warn!(
                    container = container_id,
                    delay_ms = delay.as_millis() as u64,
                    error = %error,
                    "container not ready to publish; waiting, then publishing again"
                );
                self.timer().sleep(delay).await;
                match self.wait_for_container(container_id).await? {
                    Readiness::Published => return Ok(Published::new(container_id, None)),
                    Readiness::Finished => continue,
                }
            }

            // A dropped connection, a 5xx, or a 2xx whose body we cannot read
            // may hide a published post. Any other 4xx (a 429 included) was
            // turned away, so only a duplicate rejection leads to a container read.
            let ambiguous = error.delivery() == Some(Delivery::Unknown);
            if !ambiguous && error.kind() != ErrorKind::Duplicate {
                return Err(error);
            }
            match self.status_after_failure(container_id, &error).await {
                Some(ContainerStatus::Published) => {
                    tracing::warn!(
                        container = container_id,
                        error = %error,
                        "publish response lost, but the container is PUBLISHED; not publishing again"
                    );
                    return Ok(Published::new(container_id, None));
                }
                // A 2xx means Graph accepted the call and the FINISHED read
                // only lags behind it, so a second call could post twice.
                Some(ContainerStatus::Finished)
                    if ambiguous && !accepted(&error) && republish_left > 0 =>
                {
                    republish_left -= 1;
                    tracing::warn!(
                        container = container_id,
                        error = %error,
                        "publish response lost and the container is still FINISHED; publishing again"
                    );
                }
                _ => return Err(error),
            }
        }
    }

    /// Reads the container after a failed publish; `None` when that read fails too.
    async fn status_after_failure(
        &self,
        container_id: &str,
        error: &Error,
    ) -> Option<ContainerStatus> {
        match self.container_state(container_id).await {
            Ok(state) => Some(state.status()),
            Err(read_error) => {
                tracing::warn!(
                    container = container_id,
                    publish_error = %error,
                    read_error = %read_error,
                    "could not read the container after a failed publish"
                );
                None
            }
        }
    }

    async fn send_publish(&self, ig_user_id: &str, container_id: &str) -> Result<String> {
        let path = format!("{ig_user_id}/media_publish");
        let body = serde_json::json!({ "creation_id": container_id });
        let response = self
            .send(|token| {
                GraphRequest::post(
                    RequestSpec::creating("media_publish").quota("media_publish"),
                    path.as_str(),
                )
                .json(body.clone())
                .token(token)
            })
            .await?;
        let published: PublishedBody = response.json()?;
        // The id later becomes a path segment, so a 2xx response with anything
        // but digits is unusable. `publish_once` settles it by reading the container.
        if crate::validate::numeric_id("id", &published.id).is_err() {
            return Err(response
                .unexpected(
                    UnexpectedBody::MissingField,
                    "media_publish returned an id that is not numeric",
                )
                .into());
        }
        Ok(published.id)
    }

    /// Adds the permalink and media types; a failed read keeps the post as
    /// published and only logs.
    async fn read_back(&self, mut published: Published) -> Published {
        if !self.inner.publish.read_back {
            return published;
        }
        let Some(media_id) = published.media_id.clone() else {
            return published;
        };
        match self.media(&media_id).await {
            Ok(media) => {
                published.permalink = media.permalink;
                published.media_type = media.media_type;
                published.media_product_type = media.media_product_type;
            }
            Err(error) => {
                tracing::warn!(media = %media_id, error = %error, "published, but reading it back failed");
            }
        }
        published
    }
}

/// Tells whether the failed call got a 2xx status, which means Graph
/// accepted it even though the response could not be used.
fn accepted(error: &Error) -> bool {
    error.status().is_some_and(|status| status.is_success())
}
