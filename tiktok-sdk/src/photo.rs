//! Photo posts (`POST /v2/post/publish/content/init/`): up to 35 images
//! that TikTok downloads from verified URLs, posted directly or sent to the
//! user's inbox.

use serde_json::{Map, Value, json};
use social_core::{Error, PollSettings, RequestSpec, Result};
use url::Url;

use crate::client::Client;
use crate::model::{CreatorInfo, PrivacyLevel, PublishOutcome};
use crate::post_info::{check_privacy, check_utf16_len, interaction};
use crate::rate_limit;

/// The maximum number of images in one photo post.
pub const MAX_PHOTOS: usize = 35;
/// The maximum length of a photo post title, in UTF-16 code units.
pub const MAX_PHOTO_TITLE_UTF16: usize = 90;
/// The maximum length of a photo post description, in UTF-16 code units.
pub const MAX_PHOTO_DESCRIPTION_UTF16: usize = 4000;

#[derive(Debug, Clone, PartialEq, Eq)]
enum PhotoMode {
    Direct(PrivacyLevel),
    MediaUpload,
}

/// A photo post. Images must be WebP or JPEG, at most 1080p and 20 MB each,
/// on a domain or URL prefix verified for the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoPost {
    mode: PhotoMode,
    images: Vec<String>,
    cover_index: usize,
    title: Option<String>,
    description: Option<String>,
    disable_comment: Option<bool>,
    auto_add_music: Option<bool>,
    brand_content: Option<bool>,
    brand_organic: Option<bool>,
}

impl PhotoPost {
    /// Creates a direct post (`DIRECT_POST`, scope `video.publish`) of
    /// `images`, visible at `privacy_level`.
    pub fn direct<I, S>(privacy_level: PrivacyLevel, images: I) -> PhotoPost
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        PhotoPost::with_mode(PhotoMode::Direct(privacy_level), images)
    }

    /// Creates an upload to the user's inbox (`MEDIA_UPLOAD`, scope `video.upload`),
    /// which needs TikTok app version 31.8 or later on the user's phone.
    pub fn media_upload<I, S>(images: I) -> PhotoPost
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        PhotoPost::with_mode(PhotoMode::MediaUpload, images)
    }

    fn with_mode<I, S>(mode: PhotoMode, images: I) -> PhotoPost
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        PhotoPost {
            mode,
            images: images.into_iter().map(Into::into).collect(),
            cover_index: 0,
            title: None,
            description: None,
            disable_comment: None,
            auto_add_music: None,
            brand_content: None,
            brand_organic: None,
        }
    }

    /// Picks the cover image by its 0-based position. Default 0.
    pub fn cover_index(mut self, index: usize) -> Self {
        self.cover_index = index;
        self
    }

    /// Sets the title, at most 90 UTF-16 units.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Sets the description, at most 4000 UTF-16 units.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Turns comments off (`true`) or on (`false`), for direct posts only.
    pub fn disable_comment(mut self, disable: bool) -> Self {
        self.disable_comment = Some(disable);
        self
    }

    /// Lets TikTok add music, for direct posts only.
    pub fn auto_add_music(mut self, enabled: bool) -> Self {
        self.auto_add_music = Some(enabled);
        self
    }

    /// Marks a paid partnership with a third-party brand, for direct posts only.
    pub fn brand_content(mut self, enabled: bool) -> Self {
        self.brand_content = Some(enabled);
        self
    }

    /// Marks a promotion of the creator's own business, for direct posts only.
    pub fn brand_organic(mut self, enabled: bool) -> Self {
        self.brand_organic = Some(enabled);
        self
    }

    fn validate(&self) -> Result<()> {
        if self.images.is_empty() || self.images.len() > MAX_PHOTOS {
            return Err(Error::invalid_input(
                "photo_images",
                format!(
                    "{} images; a photo post takes 1 to {MAX_PHOTOS}",
                    self.images.len()
                ),
            ));
        }
        for (index, image) in self.images.iter().enumerate() {
            check_image_url(index, image)?;
        }
        if self.cover_index >= self.images.len() {
            return Err(Error::invalid_input(
                "photo_cover_index",
                format!(
                    "{} is past the last image; give a 0-based index below {}",
                    self.cover_index,
                    self.images.len()
                ),
            ));
        }
        if let Some(title) = &self.title {
            check_utf16_len("title", title, MAX_PHOTO_TITLE_UTF16)?;
        }
        if let Some(description) = &self.description {
            check_utf16_len("description", description, MAX_PHOTO_DESCRIPTION_UTF16)?;
        }
        if self.mode == PhotoMode::MediaUpload {
            self.check_no_direct_options()?;
        }
        Ok(())
    }

    fn check_no_direct_options(&self) -> Result<()> {
        let direct_only = [
            ("disable_comment", self.disable_comment.is_some()),
            ("auto_add_music", self.auto_add_music.is_some()),
            ("brand_content_toggle", self.brand_content.is_some()),
            ("brand_organic_toggle", self.brand_organic.is_some()),
        ];
        match direct_only.iter().find(|(_, set)| *set) {
            Some((field, _)) => Err(Error::invalid_input(
                *field,
                "applies to direct posts only; leave it unset for an inbox (MEDIA_UPLOAD) post",
            )),
            None => Ok(()),
        }
    }

    /// Returns the request body. `creator` is required for direct posts.
    fn body(&self, creator: Option<&CreatorInfo>) -> Result<Value> {
        let mut post_info = Map::new();
        if let Some(title) = &self.title {
            post_info.insert("title".into(), json!(title));
        }
        if let Some(description) = &self.description {
            post_info.insert("description".into(), json!(description));
        }
        let post_mode = match (&self.mode, creator) {
            (PhotoMode::Direct(level), Some(creator)) => {
                check_privacy(level, creator)?;
                let comment = interaction(
                    "disable_comment",
                    self.disable_comment,
                    creator.comment_disabled,
                )?;
                post_info.insert("privacy_level".into(), json!(level));
                post_info.insert("disable_comment".into(), json!(comment));
                post_info.insert(
                    "auto_add_music".into(),
                    json!(self.auto_add_music.unwrap_or(false)),
                );
                post_info.insert(
                    "brand_content_toggle".into(),
                    json!(self.brand_content.unwrap_or(false)),
                );
                post_info.insert(
                    "brand_organic_toggle".into(),
                    json!(self.brand_organic.unwrap_or(false)),
                );
                // NOTE: TikTok's field table spells this mode "DIRECT POST",
                // but every example uses DIRECT_POST, which is sent.
                "DIRECT_POST"
            }
            (PhotoMode::Direct(_), None) => {
                return Err(Error::invalid_input(
                    "creator_info",
                    "a direct photo post needs the creator info",
                ));
            }
            (PhotoMode::MediaUpload, _) => "MEDIA_UPLOAD",
        };
        Ok(json!({
            "media_type": "PHOTO",
            "post_mode": post_mode,
            "post_info": post_info,
            "source_info": {
                "source": "PULL_FROM_URL",
                "photo_cover_index": self.cover_index,
                "photo_images": self.images,
            },
        }))
    }
}

fn check_image_url(index: usize, image: &str) -> Result<()> {
    let field = format!("photo_images[{index}]");
    let url = Url::parse(image)
        .map_err(|e| Error::invalid_input(&field, format!("`{image}` is not a valid URL ({e})")))?;
    if url.scheme() != "https" || url.host().is_none() {
        return Err(Error::invalid_input(
            &field,
            format!("`{image}` is not an https URL; TikTok downloads images only over https"),
        ));
    }
    Ok(())
}

/// A photo post ready to send, built by [`Client::photo_post`].
#[derive(Debug)]
pub struct PhotoRequest<'a> {
    client: &'a Client,
    post: PhotoPost,
    creator: Option<CreatorInfo>,
    poll: Option<PollSettings>,
}

impl Client {
    /// Starts a photo post.
    pub fn photo_post(&self, post: PhotoPost) -> PhotoRequest<'_> {
        PhotoRequest {
            client: self,
            post,
            creator: None,
            poll: None,
        }
    }
}

impl PhotoRequest<'_> {
    /// Uses creator info the application has just queried instead of
    /// querying again (direct posts only).
    pub fn creator_info(mut self, creator: CreatorInfo) -> Self {
        self.creator = Some(creator);
        self
    }

    /// Overrides the client's polling settings for this post.
    pub fn poll_settings(mut self, poll: PollSettings) -> Self {
        self.poll = Some(poll);
        self
    }

    /// Checks the post, sends the init call and returns the publish id.
    pub async fn init(&self) -> Result<String> {
        self.post.validate()?;
        let creator = match (&self.post.mode, &self.creator) {
            (PhotoMode::MediaUpload, _) => None,
            (PhotoMode::Direct(_), Some(creator)) => Some(creator.clone()),
            (PhotoMode::Direct(_), None) => Some(self.client.creator_info().await?),
        };
        let body = self.post.body(creator.as_ref())?;
        let spec = RequestSpec::creating("init_photo_post").quota(rate_limit::CONTENT_INIT);
        let reply = self
            .client
            .call::<PhotoInitData>(&spec, "post/publish/content/init/", Some(&body))
            .await?;
        tracing::debug!(publish_id = %reply.data.publish_id, "photo post initialized");
        Ok(reply.data.publish_id)
    }

    /// Posts the photos and polls until TikTok has published them (direct)
    /// or sent them to the inbox (media upload), or they fail.
    pub async fn send(self) -> Result<PublishOutcome> {
        let publish_id = self.init().await?;
        let poll = self.poll.unwrap_or_else(|| self.client.poll_settings());
        self.client.wait_for_publish_with(&publish_id, poll).await
    }
}

#[derive(serde::Deserialize)]
struct PhotoInitData {
    publish_id: String,
}
