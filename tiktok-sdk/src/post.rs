//! Video posts: direct posts (`video/init`) and inbox uploads
//! (`inbox/video/init`), from init through transfer to the final status.
//!
//! An init call creates a post, so it is sent once: after a 5xx, a dropped
//! connection or a cut-off response the error comes back with
//! [`Delivery::Unknown`](social_core::Delivery::Unknown) instead of a second
//! init. Only a 429 or a connection that never opened is retried.

use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use serde_json::json;
use social_core::{
    MediaSource, Platform, PollSettings, ProgressCallback, RequestSpec, Result, UnexpectedBody,
    UnexpectedResponse,
};

use crate::chunk::DEFAULT_CHUNK_SIZE;
use crate::client::{Client, Reply};
use crate::model::{CreatorInfo, PublishOutcome};
use crate::post_info::PostInfo;
use crate::rate_limit;
use crate::transfer::UploadSession;
use crate::video::PreparedVideo;

/// A post TikTok accepted at init: its publish id and, for `FILE_UPLOAD`,
/// the upload still to send.
///
/// Serializable, so an application can store it before the transfer and
/// resume after a restart. See [`UploadSession`] for what it contains.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartedPost {
    publish_id: String,
    upload: Option<UploadSession>,
    log_id: Option<String>,
}

impl StartedPost {
    /// Returns TikTok's id of the post, for status checks.
    pub fn publish_id(&self) -> &str {
        &self.publish_id
    }

    /// Returns the upload, for `FILE_UPLOAD` sources.
    pub fn upload(&self) -> Option<&UploadSession> {
        self.upload.as_ref()
    }

    /// Returns the upload for [`Client::upload`].
    pub fn upload_mut(&mut self) -> Option<&mut UploadSession> {
        self.upload.as_mut()
    }

    /// Returns the `log_id` of the init response, which TikTok support requests.
    pub fn log_id(&self) -> Option<&str> {
        self.log_id.as_deref()
    }
}

#[derive(Deserialize)]
struct InitData {
    publish_id: String,
    #[serde(default)]
    upload_url: Option<String>,
}

/// The options every video flow shares.
#[derive(Debug, Clone)]
struct VideoOptions {
    video: MediaSource,
    chunk_size: u64,
    progress: Option<ProgressCallback>,
    poll: Option<PollSettings>,
}

impl VideoOptions {
    fn new(video: MediaSource) -> VideoOptions {
        VideoOptions {
            video,
            chunk_size: DEFAULT_CHUNK_SIZE,
            progress: None,
            poll: None,
        }
    }

    /// Sends the upload of `started`, then waits for a final status.
    async fn finish(&self, client: &Client, mut started: StartedPost) -> Result<PublishOutcome> {
        if let Some(session) = started.upload.as_mut() {
            client
                .upload(session, &self.video, self.progress.as_ref())
                .await?;
        }
        let poll = self.poll.unwrap_or_else(|| client.poll_settings());
        client
            .wait_for_publish_with(&started.publish_id, poll)
            .await
    }
}

macro_rules! video_setters {
    () => {
        /// Sets the preferred chunk size in bytes, from 5 242 880 to
        /// 64 000 000. Default 10 000 000. See [`crate::chunk::plan_chunks`]
        /// for how it is adjusted to TikTok's rules.
        pub fn chunk_size(mut self, bytes: u64) -> Self {
            self.options.chunk_size = bytes;
            self
        }

        /// Calls `progress` after each chunk TikTok confirms.
        pub fn progress(mut self, progress: ProgressCallback) -> Self {
            self.options.progress = Some(progress);
            self
        }

        /// Overrides the client's polling settings for this post.
        pub fn poll_settings(mut self, poll: PollSettings) -> Self {
            self.options.poll = Some(poll);
            self
        }
    };
}

/// A direct post of a video, built by [`Client::direct_post`].
#[derive(Debug)]
pub struct DirectPost<'a> {
    client: &'a Client,
    post: PostInfo,
    duration: Option<Duration>,
    creator: Option<CreatorInfo>,
    options: VideoOptions,
}

impl Client {
    /// Starts a direct post of `video` (scope `video.publish`).
    ///
    /// A local file or bytes go up in chunks (`FILE_UPLOAD`). TikTok
    /// downloads a [`MediaSource::Url`] itself (`PULL_FROM_URL`), so its
    /// domain or URL prefix must be verified for the app.
    pub fn direct_post(&self, video: MediaSource, post: PostInfo) -> DirectPost<'_> {
        DirectPost {
            client: self,
            post,
            duration: None,
            creator: None,
            options: VideoOptions::new(video),
        }
    }

    /// Starts an upload of `video` to the user's TikTok inbox as a draft
    /// (scope `video.upload`). The user finishes the post in the app.
    pub fn inbox_upload(&self, video: MediaSource) -> InboxUpload<'_> {
        InboxUpload {
            client: self,
            options: VideoOptions::new(video),
        }
    }

    async fn init_video(
        &self,
        operation: &'static str,
        quota: &'static str,
        endpoint: &str,
        body: serde_json::Value,
        video: &PreparedVideo,
    ) -> Result<StartedPost> {
        let spec = RequestSpec::creating(operation).quota(quota);
        let issued_at = self.timer().now();
        let reply = self.call::<InitData>(&spec, endpoint, Some(&body)).await?;
        started_post(reply, video, issued_at)
    }
}

fn started_post(
    reply: Reply<InitData>,
    video: &PreparedVideo,
    issued_at: SystemTime,
) -> Result<StartedPost> {
    let Reply {
        data,
        log_id,
        status,
    } = reply;
    if data.publish_id.trim().is_empty() {
        // TikTok created the post, but without its id nothing can follow it.
        return Err(UnexpectedResponse::new(
            Platform::TikTok,
            UnexpectedBody::MissingField,
            Some(status),
            "the init response has an empty publish_id, so the post cannot be followed; \
             check the account before posting again",
        )
        .with_request_id(log_id)
        .into());
    }
    tracing::debug!(
        publish_id = %data.publish_id,
        log_id = log_id.as_deref().unwrap_or_default(),
        "post initialized"
    );
    let upload = match (video, data.upload_url) {
        (PreparedVideo::Upload(local), Some(url)) => Some(UploadSession::new(
            data.publish_id.clone(),
            &url,
            local,
            issued_at,
            status,
        )?),
        (PreparedVideo::Upload(_), None) => {
            let detail = format!(
                "the init response for {} has no upload_url, so the video cannot be sent",
                data.publish_id
            );
            return Err(UnexpectedResponse::new(
                Platform::TikTok,
                UnexpectedBody::MissingField,
                Some(status),
                detail,
            )
            .with_request_id(log_id)
            .into());
        }
        (PreparedVideo::Pull(_), _) => None,
    };
    Ok(StartedPost {
        publish_id: data.publish_id,
        upload,
        log_id,
    })
}

impl DirectPost<'_> {
    video_setters!();

    /// Gives the video's duration, so a video longer than the creator's
    /// `max_video_post_duration_sec` is rejected before the upload.
    pub fn video_duration(mut self, duration: Duration) -> Self {
        self.duration = Some(duration);
        self
    }

    /// Uses creator info the application has just queried (to show the
    /// user the allowed privacy levels, say) instead of querying again.
    pub fn creator_info(mut self, creator: CreatorInfo) -> Self {
        self.creator = Some(creator);
        self
    }

    /// Checks the post against the creator's options and sends the init
    /// call. The upload and the status wait are left to the caller:
    /// [`Client::upload`], then [`Client::wait_for_publish`].
    pub async fn init(self) -> Result<StartedPost> {
        self.initialize().await
    }

    /// Posts the video: checks, init, upload, and polling until the post is
    /// published or fails.
    ///
    /// An upload error after init does not carry the publish id (a timeout
    /// does). To keep the id, or to resume an upload later, use
    /// [`DirectPost::init`] and the steps after it.
    pub async fn send(self) -> Result<PublishOutcome> {
        let started = self.initialize().await?;
        self.options.finish(self.client, started).await
    }

    async fn initialize(&self) -> Result<StartedPost> {
        self.post.validate()?;
        let video = PreparedVideo::prepare(&self.options.video, self.options.chunk_size).await?;
        let creator = match &self.creator {
            Some(creator) => creator.clone(),
            None => self.client.creator_info().await?,
        };
        let post_info = self.post.resolve(&creator, self.duration)?;
        let body = json!({ "post_info": post_info, "source_info": video.source_info() });
        self.client
            .init_video(
                "init_direct_post",
                rate_limit::VIDEO_INIT,
                "post/publish/video/init/",
                body,
                &video,
            )
            .await
    }
}

/// An upload of a video to the user's inbox, built by [`Client::inbox_upload`].
#[derive(Debug)]
pub struct InboxUpload<'a> {
    client: &'a Client,
    options: VideoOptions,
}

impl InboxUpload<'_> {
    video_setters!();

    /// Sends the init call only, like [`DirectPost::init`].
    pub async fn init(self) -> Result<StartedPost> {
        self.initialize().await
    }

    /// Uploads the video and polls until TikTok has sent it to the user's
    /// inbox (`SEND_TO_USER_INBOX`) or it fails.
    pub async fn send(self) -> Result<PublishOutcome> {
        let started = self.initialize().await?;
        self.options.finish(self.client, started).await
    }

    async fn initialize(&self) -> Result<StartedPost> {
        let video = PreparedVideo::prepare(&self.options.video, self.options.chunk_size).await?;
        let body = json!({ "source_info": video.source_info() });
        self.client
            .init_video(
                "init_inbox_upload",
                rate_limit::INBOX_INIT,
                "post/publish/inbox/video/init/",
                body,
                &video,
            )
            .await
    }
}
