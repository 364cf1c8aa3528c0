//! Photos: by URL or uploaded from disk, single or as a multi-photo post.

use std::path::PathBuf;
use std::time::SystemTime;

use social_core::multipart::Multipart;
use social_core::{Error, MediaInfo, MediaSource, RequestSpec, Result};

use crate::client::Client;
use crate::graph::GraphRequest;
use crate::model::{PhotoCreated, PostCreated};
use crate::posts::{FeedPost, check_schedule, check_text};

/// Image types accepted for upload.
const PHOTO_TYPES: [&str; 5] = [
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/bmp",
    "image/tiff",
];

/// A photo for `POST /{page-id}/photos`.
#[derive(Debug, Clone)]
pub struct Photo {
    source: MediaSource,
    caption: Option<String>,
    scheduled_at: Option<SystemTime>,
}

impl Photo {
    /// Creates a photo from a file on disk, uploaded as the multipart field `source`.
    pub fn file(path: impl Into<PathBuf>) -> Photo {
        Photo::from_source(MediaSource::file(path))
    }

    /// Creates a photo from a public `https` URL that Meta downloads itself.
    pub fn url(url: &str) -> Result<Photo> {
        Ok(Photo::from_source(MediaSource::url(url)?))
    }

    /// Creates a photo from any media source (file, bytes or URL).
    pub fn from_source(source: MediaSource) -> Photo {
        Photo {
            source,
            caption: None,
            scheduled_at: None,
        }
    }

    /// Sets the caption, sent as `message`.
    pub fn caption(mut self, caption: impl Into<String>) -> Photo {
        self.caption = Some(caption.into());
        self
    }

    /// Schedules the photo post (10 minutes to 30 days ahead).
    pub fn scheduled_at(mut self, at: SystemTime) -> Photo {
        self.scheduled_at = Some(at);
        self
    }
}

/// The way a photo reaches Graph: a multipart upload or a URL.
enum PhotoMode {
    /// Published now, or scheduled.
    Publish,
    /// Unpublished, to attach to a multi-photo post; `temporary` when that
    /// post is scheduled.
    Unpublished { temporary: bool },
}

impl Client {
    /// Publishes one photo on the Page. Returns the photo id and the post id.
    ///
    /// A file is checked before any request: it must exist, be a JPEG, PNG,
    /// GIF, BMP or TIFF image, and be at most `max_photo_bytes`.
    pub async fn publish_photo(&self, photo: &Photo) -> Result<PhotoCreated> {
        self.send_photo(photo, PhotoMode::Publish).await
    }

    /// Uploads a photo unpublished (`published=false`), to attach to a post.
    pub async fn upload_unpublished_photo(&self, photo: &Photo) -> Result<String> {
        let created = self
            .send_photo(photo, PhotoMode::Unpublished { temporary: false })
            .await?;
        Ok(created.id)
    }

    /// Publishes a multi-photo post: each photo is uploaded unpublished, then
    /// one feed post attaches them in order (`attached_media`).
    ///
    /// Every photo is checked before the first upload. Captions on the photos
    /// are ignored by the post; pass the text as `message`.
    pub async fn publish_photos(
        &self,
        message: &str,
        photos: &[Photo],
        scheduled_at: Option<SystemTime>,
    ) -> Result<PostCreated> {
        if photos.is_empty() {
            return Err(Error::invalid_input(
                "photos",
                "is empty; pass at least one photo",
            ));
        }
        check_text("message", message)?;
        for photo in photos {
            self.check_photo(photo).await?;
        }
        let mut post = FeedPost::text(message);
        if let Some(at) = scheduled_at {
            check_schedule(at, self.timer().now())?;
            post = post.scheduled_at(at);
        }
        // NOTE: `temporary=true` exists for photos of scheduled posts, but
        // no reference states when it is required; it is sent for those only.
        let mode = || PhotoMode::Unpublished {
            temporary: scheduled_at.is_some(),
        };
        for photo in photos {
            let created = self.send_photo(photo, mode()).await?;
            post = post.attach_photo(created.id);
        }
        self.publish_post(&post).await
    }

    async fn send_photo(&self, photo: &Photo, mode: PhotoMode) -> Result<PhotoCreated> {
        let info = self.check_photo(photo).await?;
        let mut fields: Vec<(&str, String)> = Vec::new();
        if let Some(caption) = &photo.caption {
            fields.push(("message", caption.clone()));
        }
        let spec = match mode {
            PhotoMode::Publish => {
                if let Some(at) = photo.scheduled_at {
                    fields.push(("published", "false".to_owned()));
                    fields.push((
                        "scheduled_publish_time",
                        check_schedule(at, self.timer().now())?.to_string(),
                    ));
                }
                RequestSpec::creating("publish_photo")
            }
            PhotoMode::Unpublished { temporary } => {
                fields.push(("published", "false".to_owned()));
                if temporary {
                    fields.push(("temporary", "true".to_owned()));
                }
                // An unpublished photo is invisible until a post attaches it,
                // so repeating the upload cannot show anything twice.
                RequestSpec::idempotent("upload_unpublished_photo")
            }
        };

        let token = self.page_token().await?;
        let path = format!("{}/photos", self.page_id());
        let mut request = GraphRequest::post(spec, path).token(&token);
        request = match (&photo.source, info) {
            (MediaSource::Url(url), _) => {
                let request = request.form("url", url.as_str());
                fields.into_iter().fold(request, |r, (k, v)| r.form(k, v))
            }
            (source, Some(info)) => {
                let mut form = Multipart::new();
                for (name, value) in fields {
                    form = form.text(name, value);
                }
                let file_name = info.file_name.clone().unwrap_or_else(|| "photo".to_owned());
                form = form.media("source", &file_name, &info.mime, source, 0, info.len)?;
                request.multipart(form)
            }
            (_, None) => return Err(Error::invalid_input("photo", "has no readable content")),
        };
        self.graph().send_json(&request).await
    }

    /// Checks the caption and a local photo's existence, type and size. A URL
    /// is not checked.
    async fn check_photo(&self, photo: &Photo) -> Result<Option<MediaInfo>> {
        if let Some(caption) = &photo.caption {
            check_text("caption", caption)?;
        }
        if photo.source.as_url().is_some() {
            return Ok(None);
        }
        let info = probe_media("photo", &photo.source).await?;
        if !PHOTO_TYPES.contains(&info.mime.essence_str()) {
            return Err(Error::invalid_input(
                "photo",
                format!(
                    "{} is {}; upload a JPEG, PNG, GIF, BMP or TIFF image",
                    photo.source.describe(),
                    info.mime
                ),
            ));
        }
        if info.len == 0 || info.len > self.inner.max_photo_bytes {
            return Err(Error::invalid_input(
                "photo",
                format!(
                    "{} has {} bytes; a photo must have 1 to {} bytes",
                    photo.source.describe(),
                    info.len,
                    self.inner.max_photo_bytes
                ),
            ));
        }
        Ok(Some(info))
    }
}

/// Reads a local source's length and type; a missing file is `InvalidInput`
/// naming `field`, other read failures stay `Io` errors.
pub(crate) async fn probe_media(field: &str, source: &MediaSource) -> Result<MediaInfo> {
    match source.probe_as(field).await {
        Ok(info) => Ok(info),
        Err(Error::Io(io)) if !io.path().exists() => Err(Error::invalid_input(
            field,
            format!(
                "{} does not exist; pass the path of an existing file",
                io.path().display()
            ),
        )),
        Err(error) => Err(error),
    }
}
