//! [`UploadSession`]: where the bytes of one upload go and how many TikTok
//! has received, in a form an application can store.

use std::fmt;
use std::time::SystemTime;

use http::StatusCode;
use serde::{Deserialize, Serialize};
use social_core::upload::FileIdentity;
use social_core::{ChunkPlan, Error, Platform, Result, UnexpectedBody, UnexpectedResponse};
use url::Url;

use super::UPLOAD_URL_LIFETIME;
use crate::video::LocalVideo;

/// A `FILE_UPLOAD` in progress: where the bytes go and how many TikTok has
/// received.
///
/// It serializes, so an application can store it and resume the upload
/// with [`Client::upload`](crate::Client::upload) after a restart, within the URL's hour. The
/// serialized form contains the upload URL with its token, so keep it as
/// private as an access token; `Debug` leaves the URL's query out.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadSession {
    pub(super) publish_id: String,
    pub(super) upload_url: String,
    pub(super) content_type: String,
    pub(super) video_size: u64,
    pub(super) chunk_size: u64,
    pub(super) chunk_count: u64,
    pub(super) uploaded: u64,
    pub(super) issued_at: SystemTime,
    pub(super) file: Option<FileIdentity>,
}

impl fmt::Debug for UploadSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadSession")
            .field("publish_id", &self.publish_id)
            .field("upload_url", &url_without_query(&self.upload_url))
            .field("content_type", &self.content_type)
            .field("video_size", &self.video_size)
            .field("chunk_size", &self.chunk_size)
            .field("chunk_count", &self.chunk_count)
            .field("uploaded", &self.uploaded)
            .field("issued_at", &self.issued_at)
            .field("file", &self.file)
            .finish()
    }
}

pub(super) fn url_without_query(url: &str) -> String {
    url.split(['?', '#']).next().unwrap_or_default().to_owned()
}

impl UploadSession {
    /// Creates the session for the `upload_url` an init call returned.
    ///
    /// The URL is used exactly as TikTok sent it, query included. It must be
    /// `https` (or `http` on a loopback host, for local fakes), because the
    /// video goes there.
    pub(crate) fn new(
        publish_id: String,
        upload_url: &str,
        video: &LocalVideo,
        issued_at: SystemTime,
        status: StatusCode,
    ) -> Result<UploadSession> {
        check_upload_url(upload_url, status)?;
        Ok(UploadSession {
            publish_id,
            upload_url: upload_url.to_owned(),
            content_type: video.content_type.clone(),
            video_size: video.plan.total(),
            chunk_size: video.plan.chunk_size(),
            chunk_count: video.plan.count(),
            uploaded: 0,
            issued_at,
            file: video.identity.clone(),
        })
    }

    /// Returns the publish id of the post this upload belongs to.
    pub fn publish_id(&self) -> &str {
        &self.publish_id
    }

    /// Returns the bytes TikTok has confirmed.
    pub fn uploaded(&self) -> u64 {
        self.uploaded
    }

    /// Returns the size of the video.
    pub fn video_size(&self) -> u64 {
        self.video_size
    }

    /// Tells whether TikTok has received every byte.
    pub fn is_complete(&self) -> bool {
        self.uploaded >= self.video_size
    }

    /// Returns when the upload URL stops working. A stored `issued_at` too
    /// late for the clock to add an hour to is returned as it is.
    pub fn expires_at(&self) -> SystemTime {
        self.issued_at
            .checked_add(UPLOAD_URL_LIFETIME)
            .unwrap_or(self.issued_at)
    }

    /// Returns the chunk plan announced at init.
    pub fn chunk_plan(&self) -> Result<ChunkPlan> {
        if self.uploaded > self.video_size {
            return Err(Error::invalid_input(
                "upload_session",
                format!(
                    "records {} bytes received of a {}-byte video; the stored session is \
                     damaged",
                    self.uploaded, self.video_size
                ),
            ));
        }
        let plan = ChunkPlan::floor(self.video_size, self.chunk_size)?;
        if plan.count() != self.chunk_count {
            return Err(Error::invalid_input(
                "upload_session",
                format!(
                    "announces {} chunks, but {} bytes in chunks of {} make {}; the stored \
                     session is damaged",
                    self.chunk_count,
                    self.video_size,
                    self.chunk_size,
                    plan.count()
                ),
            ));
        }
        Ok(plan)
    }
}

pub(super) fn check_upload_url(upload_url: &str, status: StatusCode) -> Result<Url> {
    let unusable = |why: &str| -> Error {
        UnexpectedResponse::new(
            Platform::TikTok,
            UnexpectedBody::MissingField,
            Some(status),
            format!("upload_url {} {why}", url_without_query(upload_url)),
        )
        .into()
    };
    let url = Url::parse(upload_url).map_err(|_| unusable("is not a valid URL"))?;
    let loopback = social_core::settings::is_loopback(&url);
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        _ => Err(unusable(
            "is not https; the video is not sent over an unencrypted connection",
        )),
    }
}
